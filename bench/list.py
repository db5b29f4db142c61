"""GET /purchase-orders at 100k POs / 1M lines on SQLite, next to the raw page-first SQL.

Builds the data set once (raw inserts, a few seconds), then times three pages through the Flask
test client — page 1, a filtered page, page 1,000 — and, for each, the very SQL statements that
request ran against purchase_order (captured from peewee's query log) executed directly with
sqlite3. Prints p50/p99 of both and their ratio; the last line is
`list_p99_ms=<worst api p99> list_ratio=<worst p99 ratio>`.

    .venv/bin/python bench/list.py [--pos 100000] [--lines-per-po 10] [--runs 300]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playhouse.test_utils import count_queries  # noqa: E402

from core.config import Settings  # noqa: E402
from core.db import bind, migrate, open_database  # noqa: E402
from core.services.users import add_user, create_api_key  # noqa: E402
from web import create_app  # noqa: E402

STATUSES = ("draft", "pending_approval", "approved", "approved", "approved", "closed", "cancelled", "rejected")


def build(path: Path, pos: int, lines_per_po: int) -> str:
    """Create the database and fill it; returns an API key."""
    url = f"sqlite:///{path}"
    db = bind(open_database(url))
    migrate(db)
    user = add_user("Bench Admin", "bench@example.com", "admin")
    key, _ = create_api_key(user.email)
    db.close()
    rng = random.Random(42)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=off")
    now = dt.datetime(2026, 1, 1)
    vendors = [(i, f"Vendor {i:03d}", "INR", "Net 30", 1, now, now) for i in range(1, 201)]
    conn.executemany("INSERT INTO vendor (id, name, currency, payment_terms, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?)", vendors)
    po_rows, line_rows = [], []
    line_id = 0
    for i in range(1, pos + 1):
        vendor = rng.randrange(1, 201)
        created = now + dt.timedelta(seconds=i * 30)
        subtotal = 0
        for n in range(1, lines_per_po + 1):
            line_id += 1
            qty, rate = rng.randrange(1, 500), rng.randrange(100, 100000)
            amount = qty * rate * 100  # qty × rate(1e-2) at the 1e-4 amount scale
            subtotal += amount
            line_rows.append((line_id, i, n, f"Item {n} of PO {i}", qty * 10_000, rate * 10_000, 18 * 10_000, amount, amount * 18 // 100, 0, 0))
        tax = subtotal * 18 // 100
        po_rows.append((i, f"PO-{i:06d}", STATUSES[i % len(STATUSES)], "not_received", "not_billed", "none", "goods",
                        "three_way", vendor, f"Vendor {vendor:03d}", created.date(), "INR", 100_000_000,
                        f"Purchase {i}", subtotal, tax, subtotal + tax, subtotal + tax, 1, 1, created, created))
        if len(line_rows) >= 100_000:
            _flush(conn, po_rows, line_rows)
    _flush(conn, po_rows, line_rows)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return key


def _flush(conn: sqlite3.Connection, po_rows: list, line_rows: list) -> None:
    conn.executemany(
        "INSERT INTO purchase_order (id, po_number, status, receipt_status, billing_status, match_status, po_type, "
        "matching, vendor_id, vendor_name, po_date, currency, exchange_rate, description, subtotal, tax_total, total, "
        "total_base, requested_by_id, version, created_at, updated_at) VALUES (" + ",".join("?" * 22) + ")", po_rows)
    conn.executemany(
        "INSERT INTO po_line (id, po_id, line_no, identifier, quantity, rate, tax_rate, amount, tax_amount, "
        "quantity_received, quantity_billed) VALUES (" + ",".join("?" * 11) + ")", line_rows)
    po_rows.clear()
    line_rows.clear()


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def time_api(client, url: str, headers: dict, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.json
    return samples


def list_statements(client, url: str, headers: dict) -> list[tuple[str, tuple]]:
    """The SQL a list request ran against purchase_order (not auth or settings lookups)."""
    with count_queries() as counter:
        client.get(url, headers=headers)
    statements = [record.msg for record in counter.get_queries()]
    return [(sql, tuple(params)) for sql, params in statements if '"purchase_order"' in sql]


def time_raw(path: Path, statements: list[tuple[str, tuple]], runs: int) -> list[float]:
    conn = sqlite3.connect(path)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pos", type=int, default=100_000)
    parser.add_argument("--lines-per-po", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="podesk-bench-")) / "list.db"
    started = time.perf_counter()
    key = build(path, args.pos, args.lines_per_po)
    print(f"built {args.pos:,} POs / {args.pos * args.lines_per_po:,} lines in {time.perf_counter() - started:.1f}s ({path})")
    app = create_app(Settings(database_url=f"sqlite:///{path}", rate_limit_per_minute=0, secret_key="bench"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    pages = {
        "page 1": "/api/v1/purchase-orders",
        "filtered": "/api/v1/purchase-orders?status=approved&vendor_id=17",
        "page 1000": "/api/v1/purchase-orders?page=1000",
    }
    worst_p99, worst_ratio = 0.0, 0.0
    print(f"{'page':<10} {'api p50':>9} {'api p99':>9} {'sql p50':>9} {'sql p99':>9} {'ratio p99':>9}")
    for name, url in pages.items():
        time_api(client, url, headers, 20)  # warm caches
        api = time_api(client, url, headers, args.runs)
        raw = time_raw(path, list_statements(client, url, headers), args.runs)
        api_p99, raw_p99 = percentile(api, 99), percentile(raw, 99)
        ratio = api_p99 / raw_p99
        worst_p99, worst_ratio = max(worst_p99, api_p99), max(worst_ratio, ratio)
        print(f"{name:<10} {statistics.median(api):8.2f}ms {api_p99:8.2f}ms {statistics.median(raw):8.2f}ms {raw_p99:8.2f}ms {ratio:8.1f}x")
    print(f"list_p99_ms={worst_p99:.2f} list_ratio={worst_ratio:.1f}")


if __name__ == "__main__":
    main()
