"""How long a 500-line PO takes to render as PDF, in the scripts vendors' names come in.

Cases: Latin only (DejaVu Sans alone); Latin lines with a Devanagari vendor and a Japanese
description (two fallback fonts loaded); 500 Japanese item names; 500 Devanagari, Tamil and Thai
item names (each shaped by HarfBuzz). Medians of --runs renders (wall clock and CPU). Target: well under
2 s for the 500-line PO. Last line: `pdf_500_latin_s=<x> pdf_500_mixed_s=<y>`.

    .venv/bin/python bench/pdf.py [--runs 7]
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.documents import PdfLine, PoDocument, render_po_pdf  # noqa: E402
from core.money import line_money  # noqa: E402

LINES = 500


def document(identifier: str = "Steel hex bolt M{n}, zinc plated", vendor: str = "Acme Tools", description: str = "Restock") -> PoDocument:
    lines = []
    for n in range(1, LINES + 1):
        money = line_money(Decimal(n), Decimal("12.50"), Decimal(18), "INR")
        lines.append(PdfLine(n, identifier.format(n=n), f"SKU-{n:04d}", Decimal(n), Decimal("12.50"), Decimal(18), money.amount, money.tax))
    subtotal = sum((line.amount for line in lines), Decimal(0))
    tax = sum((line.tax_amount for line in lines), Decimal(0))
    return PoDocument(
        company_name="Acme Industries Pvt Ltd", company_address="42 MG Road\nBengaluru 560001", po_number="PO-00017",
        status="approved", po_date=dt.date(2026, 11, 20), delivery_date=dt.date(2026, 12, 1), vendor_name=vendor,
        vendor_address="12 Nehru Place\nNew Delhi 110019", vendor_email="sales@example.in", vendor_gstin="07AAACR5055K1Z5",
        gstin="29ABCDE1234F1Z5", description=description, payment_terms="Net 30", terms_and_conditions="Deliver to the warehouse.",
        notes=None, currency="INR", subtotal=subtotal, tax_total=tax, total=subtotal + tax, lines=tuple(lines),
    )


def measure(doc: PoDocument, runs: int) -> tuple[float, float, int]:
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(render_po_pdf(doc))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    latin = document()
    cases = {
        "latin": latin,
        "mixed": dataclasses.replace(latin, vendor_name="राम शर्मा ट्रेडर्स", description="株式会社山田製作所 — Ромашка"),
        "japanese": document("六角ボルト M{n} 亜鉛めっき"),
        "devanagari": document("स्टील बोल्ट M{n} जस्ता चढ़ा"),
        "tamil": document("இரும்பு போல்ட் M{n} துத்தநாகம்"),
        "thai": document("สลักเกลียวเหล็ก M{n} ชุบสังกะสี"),
    }
    render_po_pdf(latin)  # imports and font metadata caches, once per process
    results = {}
    for name, doc in cases.items():
        wall, cpu, size = measure(doc, runs)
        results[name] = wall
        print(f"{LINES} lines, {name:<10} wall {wall:.3f} s  cpu {cpu:.3f} s  {size / 1024:.0f} KiB")
    print(f"pdf_500_latin_s={results['latin']:.3f} pdf_500_mixed_s={results['mixed']:.3f}")


if __name__ == "__main__":
    main()
