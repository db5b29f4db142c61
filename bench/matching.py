"""Invoice matching throughput: N approved, fully received POs (10 lines each), then N invoices
registered through the service layer, for N = 1,000 and 10,000, on SQLite (and PostgreSQL when
one answers on 127.0.0.1:5432).

Prints invoices/second, the SQL statements per invoice (peewee's query log) and how throughput
holds from 1,000 to 10,000 (it must not fall: per-invoice work may not grow with the number of
POs). Target: rate at 10k ≥ 0.8 × rate at 1k, and a fixed statement count per invoice. Last line:
`invoices_per_s_1k=<x> invoices_per_s_10k=<y> queries_per_invoice=<n>` (SQLite figures).

    .venv/bin/python bench/matching.py [--sizes 1000,10000] [--no-pg]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / ".ci"))

from playhouse.test_utils import count_queries  # noqa: E402

from core import bulk  # noqa: E402
from core.db import bind, migrate, open_database  # noqa: E402
from core.models import PoLine, PurchaseOrder, Sku, Vendor  # noqa: E402
from core.services.invoicing import register_invoice  # noqa: E402
from core.services.users import add_user  # noqa: E402

LINES = 10


def build(n: int):
    """N approved three-way POs, every line fully received; returns the admin and the POs' numbers."""
    admin = add_user("Bench Admin", "bench@example.com", "admin")
    now = dt.datetime(2026, 1, 1)
    bulk.insert_rows(Vendor, [{"name": "Acme", "currency": "INR", "active": True, "created_at": now, "updated_at": now}])
    vendor = Vendor.get()
    bulk.insert_rows(Sku, [{"code": f"SKU-{i}", "name": f"Item {i}", "name_key": f"item {i}", "active": True,
                            "created_at": now, "updated_at": now} for i in range(LINES)])
    skus = [s.id for s in Sku.select().order_by(Sku.id)]
    for start in range(0, n, 2000):
        chunk = range(start, min(n, start + 2000))
        bulk.insert_rows(PurchaseOrder, [{
            "po_number": f"PO-{i:06d}", "status": "approved", "receipt_status": "fully_received",
            "billing_status": "not_billed", "match_status": "none", "po_type": "goods", "matching": "three_way",
            "vendor": vendor.id, "vendor_name": "Acme", "po_date": now.date(), "currency": "INR",
            "exchange_rate": Decimal(1), "subtotal": Decimal(5500), "tax_total": Decimal(0), "total": Decimal(5500),
            "total_base": Decimal(5500), "requested_by": admin.id, "version": 2, "created_at": now, "updated_at": now,
        } for i in chunk])
        ids = dict(PurchaseOrder.select(PurchaseOrder.po_number, PurchaseOrder.id)
                   .where(PurchaseOrder.po_number.in_([f"PO-{i:06d}" for i in chunk])).tuples())
        bulk.insert_rows(PoLine, [{
            "po": ids[f"PO-{i:06d}"], "line_no": k + 1, "identifier": f"Steel part type {k} grade {k * 7}",
            "sku": skus[k], "quantity": Decimal(10), "rate": Decimal(k + 1) * 10, "tax_rate": Decimal(0),
            "amount": Decimal(k + 1) * 100, "tax_amount": Decimal(0), "quantity_received": Decimal(10),
            "quantity_billed": Decimal(0),
        } for i in chunk for k in range(LINES)])
    return admin, vendor.id


def invoice_body(vendor_id: int, i: int) -> dict:
    lines = [{"description": f"steel part type {k} grade {k * 7}", "quantity": "10", "unit_price": str((k + 1) * 10)}
             for k in range(LINES)]
    return {"vendor_id": vendor_id, "invoice_number": f"INV-{i:06d}", "invoice_date": "2026-02-01",
            "currency": "INR", "po_number": f"PO-{i:06d}", "lines": lines}


def run(url: str, n: int) -> tuple[float, int]:
    db = bind(open_database(url))
    migrate(db)
    admin, vendor_id = build(n)
    with count_queries() as counter:
        register_invoice(admin, invoice_body(vendor_id, 0))
    per_invoice = counter.count
    started = time.perf_counter()
    matched = 0
    for i in range(1, n):
        matched += register_invoice(admin, invoice_body(vendor_id, i)).match_status == "matched"
    elapsed = time.perf_counter() - started
    db.close()
    assert matched == n - 1, f"only {matched} of {n - 1} invoices matched"
    return (n - 1) / elapsed, per_invoice


def sqlite_url(n: int) -> str:
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='podesk-bench-'))}/matching-{n}.db"


def pg_url(n: int) -> str | None:
    import pgdb

    if pgdb.main("ping") != 0:
        return None
    name = f"podesk_bench_matching_{n}_{int(time.time())}"
    pgdb.main("create", name)
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[int, tuple[float, int]]] = {}
    for label, make in (("sqlite", sqlite_url), ("postgresql", None if args.no_pg else pg_url)):
        if make is None:
            continue
        for n in sizes:
            url = make(n)
            if url is None:
                print(f"{label}: not reachable, skipped")
                break
            rate, queries = run(url, n)
            results.setdefault(label, {})[n] = (rate, queries)
            print(f"{label:<10} N={n:>6,}  {rate:8.1f} invoices/s  {queries} statements per invoice")
            if label == "postgresql":
                import pgdb

                pgdb.main("drop", url.rsplit("/", 1)[1])
    for label, by_n in results.items():
        if len(by_n) >= 2:
            low, high = min(by_n), max(by_n)
            print(f"{label}: rate at {high:,} is {by_n[high][0] / by_n[low][0]:.2f}× the rate at {low:,} (target ≥ 0.80)")
    lite = results["sqlite"]
    print(f"invoices_per_s_1k={lite[min(lite)][0]:.1f} invoices_per_s_10k={lite[max(lite)][0]:.1f} "
          f"queries_per_invoice={lite[min(lite)][1]}")


if __name__ == "__main__":
    main()
