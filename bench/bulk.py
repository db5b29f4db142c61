"""A 100-PO / 1,000-line ERP batch through the worker, next to the raw driver floor.

(a) the floor: the same 100 PO rows and 1,000 line rows inserted with the driver in one
    transaction (sqlite3 executemany; psycopg2 execute_values on PostgreSQL);
(b) one worker chunk of a queued 100-PO batch: claim, upsert (validate, resolve, write), record
    every item's result, commit — first creates, then the same POs updated.
Each at least 7 runs on fresh databases, medians. Also 10 batches (10× volume) against one.
Targets: b/a ≤ 3 on SQLite (≤ 2.5 on PostgreSQL), ≤ 30 SQL statements per 100-PO batch of creates
or of updates, 10× volume ≤ 11× the time. Last line:
`bulk_ratio_sqlite=<x> bulk_ratio_pg=<y or na> statements_per_batch=<n>`.

    .venv/bin/python bench/bulk.py [--runs 7] [--no-pg]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / ".ci"))

import psycopg2  # noqa: E402
from psycopg2.extras import execute_values  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from core.db import bind, migrate, open_database  # noqa: E402
from core import services  # noqa: E402
from core.services import batches  # noqa: E402
from core.services.users import add_user  # noqa: E402

POS, LINES = 100, 10


def body(vendor_id: int, batch: int = 0, change: bool = False) -> dict:
    """100 POs of 10 lines, keyed by external id; `change` alters quantities, rates and a description."""
    return {"purchase_orders": [
        {"external_id": f"ERP-{batch}-{i:04d}", "po_type": "goods", "vendor_id": vendor_id, "status": "approved",
         "description": f"Replenishment {i}" + (" (revised)" if change else ""), "payment_terms": "Net 30",
         "line_items": [{"identifier": f"Part {k}", "sku_code": f"SKU-{k}", "quantity": str(10 + k + (5 if change else 0)),
                         "rate": f"{(k + 1) * 12.5 + (1 if change else 0):.2f}", "tax_rate": "18",
                         "dimensions": {"PROJECT": "P-1"}} for k in range(LINES)]}
        for i in range(POS)
    ]}


def fresh(url: str):
    db = bind(open_database(url))
    migrate(db)
    admin = add_user("Bench Admin", "bench@example.com", "admin")
    vendor = services.create_vendor(admin, {"name": "Acme", "currency": "INR"})
    services.create_skus(admin, {"skus": [{"code": f"SKU-{k}", "name": f"Part {k}"} for k in range(LINES)]})
    create_dimension = services.create_dimension

    create_dimension(admin, {"type": "PROJECT", "erp_dimension_id": "P-1", "name": "Bench"})
    return db, admin, vendor.id


def time_chunks(db, admin, payloads: list[dict]) -> tuple[float, int]:
    """Queue the batches, then time the worker working them off; returns (seconds, statements)."""
    for payload in payloads:
        batches.enqueue_batch(admin, payload, chunk_size=POS)
    with count_queries() as counter:
        started = time.perf_counter()
        while batches.work_chunk("bench"):
            pass
        elapsed = time.perf_counter() - started
    return elapsed, counter.count


def rows(n: int) -> tuple[list[tuple], list[tuple]]:
    now = dt.datetime(2026, 1, 1)
    pos = [(i + 1, f"PO-{i:05d}", f"ERP-{i:04d}", "approved", "not_received", "not_billed", "none", "goods", "three_way",
            1, "Acme", now.date(), "INR", 100_000_000, f"Replenishment {i}", "Net 30", 1234500, 222210, 1456710, 1456710,
            1, 1, now, now, now, now) for i in range(n)]
    lines = [(i * LINES + k + 1, i + 1, k + 1, f"Part {k}", k + 1, (10 + k) * 10_000, int((k + 1) * 12.5 * 1_000_000),
              180_000, 12345, 2222, 0, 0) for i in range(n) for k in range(LINES)]
    return pos, lines


PO_SQL = ("INSERT INTO purchase_order (id, po_number, external_id, status, receipt_status, billing_status, match_status, "
          "po_type, matching, vendor_id, vendor_name, po_date, currency, exchange_rate, description, payment_terms, "
          "subtotal, tax_total, total, total_base, requested_by_id, version, created_at, updated_at, submitted_at, approved_at) VALUES ")
LINE_SQL = ("INSERT INTO po_line (id, po_id, line_no, identifier, sku_id, quantity, rate, tax_rate, amount, tax_amount, "
            "quantity_received, quantity_billed) VALUES ")


def floor_sqlite(path: Path) -> float:
    pos, lines = rows(POS)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=normal")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(PO_SQL + "(" + ",".join("?" * 26) + ")", pos)
    conn.executemany(LINE_SQL + "(" + ",".join("?" * 12) + ")", lines)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def floor_pg(dsn: str) -> float:
    pos, lines = rows(POS)
    conn = psycopg2.connect(dsn)
    started = time.perf_counter()
    with conn.cursor() as cur:
        execute_values(cur, PO_SQL + "%s", pos, page_size=1000)
        execute_values(cur, LINE_SQL + "%s", lines, page_size=1000)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def measure(label: str, make_url, floor, runs: int) -> tuple[float, int]:
    # As `podesk worker` does after start-up: what was built so far is long-lived; without this the
    # cyclic collector's full passes over it made single runs vary by 2×.
    gc.collect()
    gc.freeze()
    floors, creates, updates, statements = [], [], [], []
    for _ in range(runs):
        url, target = make_url()
        db, admin, vendor_id = fresh(url)
        db.close()
        floors.append(floor(target))
        url, _ = make_url()
        db, admin, vendor_id = fresh(url)
        seconds, count = time_chunks(db, admin, [body(vendor_id)])
        creates.append(seconds)
        statements.append(count)
        seconds, count = time_chunks(db, admin, [body(vendor_id, change=True)])
        updates.append(seconds)
        statements.append(count)
        db.close()
    url, _ = make_url()
    db, admin, vendor_id = fresh(url)
    tenfold, _ = time_chunks(db, admin, [body(vendor_id, batch=b) for b in range(10)])
    db.close()
    a, b_create, b_update = statistics.median(floors), statistics.median(creates), statistics.median(updates)
    worst = max(b_create, b_update)
    print(f"{label}: floor {a * 1000:.1f} ms | batch of creates {b_create * 1000:.1f} ms ({b_create / a:.2f}x) | "
          f"updates {b_update * 1000:.1f} ms ({b_update / a:.2f}x) | statements per batch ≤ {max(statements)} | "
          f"10 batches {tenfold * 1000:.0f} ms = {tenfold / b_create:.1f}× one")
    return worst / a, max(statements)


def sqlite_target():
    path = Path(tempfile.mkdtemp(prefix="podesk-bench-")) / "bulk.db"
    return f"sqlite:///{path}", path


def pg_target():
    import pgdb

    name = f"podesk_bench_bulk_{time.time_ns()}"
    pgdb.main("create", name)
    return f"postgresql://postgres@127.0.0.1:5432/{name}", f"host=127.0.0.1 user=postgres dbname={name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    ratio_sqlite, statements = measure("sqlite", sqlite_target, floor_sqlite, args.runs)
    ratio_pg = "na"
    if not args.no_pg:
        import pgdb

        if pgdb.main("ping") == 0:
            ratio, _ = measure("postgresql", pg_target, floor_pg, args.runs)
            ratio_pg = f"{ratio:.2f}"
    print(f"bulk_ratio_sqlite={ratio_sqlite:.2f} bulk_ratio_pg={ratio_pg} statements_per_batch={statements}")


if __name__ == "__main__":
    main()
