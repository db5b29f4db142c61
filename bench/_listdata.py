"""The data set of bench/list.py: N POs of 10 lines over 200 vendors, loaded into SQLite or PostgreSQL.

Rows come from one seeded generator in chunks of 10,000 POs, so both databases hold the same rows and
a million POs (ten million lines) never sit in memory at once. SQLite takes them by executemany;
PostgreSQL by COPY from an in-memory CSV per chunk, then VACUUM ANALYZE.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / ".ci"))

import pgdb  # noqa: E402
import psycopg2  # noqa: E402

from core.db import bind, migrate, open_database  # noqa: E402
from core.services.users import add_user, create_api_key  # noqa: E402

STATUSES = ("draft", "pending_approval", "approved", "approved", "approved", "closed", "cancelled", "rejected")
VENDORS = 200
CHUNK_POS = 10_000
START = dt.datetime(2026, 1, 1)
VENDOR_COLUMNS = ("id", "name", "currency", "payment_terms", "active", "created_at", "updated_at")
PO_COLUMNS = ("id", "po_number", "status", "receipt_status", "billing_status", "match_status", "po_type", "matching",
              "vendor_id", "vendor_name", "po_date", "currency", "exchange_rate", "description", "subtotal",
              "tax_total", "total", "total_base", "requested_by_id", "version", "created_at", "updated_at")
LINE_COLUMNS = ("id", "po_id", "line_no", "identifier", "quantity", "rate", "tax_rate", "amount", "tax_amount",
                "quantity_received", "quantity_billed")


def vendor_rows() -> list[tuple]:
    """The 200 vendors every PO points at."""
    return [(i, f"Vendor {i:03d}", "INR", "Net 30", True, START, START) for i in range(1, VENDORS + 1)]


def generate(pos: int, lines_per_po: int) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(PO rows, line rows) in chunks of CHUNK_POS POs; the same rows on every call."""
    rng = random.Random(42)
    po_rows: list[tuple] = []
    line_rows: list[tuple] = []
    line_id = 0
    for i in range(1, pos + 1):
        vendor = rng.randrange(1, VENDORS + 1)
        created = START + dt.timedelta(seconds=i * 30)
        subtotal = 0
        for n in range(1, lines_per_po + 1):
            line_id += 1
            qty, rate = rng.randrange(1, 500), rng.randrange(100, 100000)
            amount = qty * rate * 100  # qty × rate(1e-2) at the 1e-4 amount scale
            subtotal += amount
            line_rows.append((line_id, i, n, f"Item {n} of PO {i}", qty * 10_000, rate * 10_000, 18 * 10_000,
                              amount, amount * 18 // 100, 0, 0))
        tax = subtotal * 18 // 100
        po_rows.append((i, f"PO-{i:06d}", STATUSES[i % len(STATUSES)], "not_received", "not_billed", "none", "goods",
                        "three_way", vendor, f"Vendor {vendor:03d}", created.date(), "INR", 100_000_000,
                        f"Purchase {i}", subtotal, tax, subtotal + tax, subtotal + tax, 1, 1, created, created))
        if len(po_rows) >= CHUNK_POS:
            yield po_rows, line_rows
            po_rows, line_rows = [], []
    if po_rows:
        yield po_rows, line_rows


def prepare(url: str) -> str:
    """Migrate a fresh database and add the bench admin (user 1, whom every PO names); returns an API key."""
    db = bind(open_database(url))
    migrate(db)
    user = add_user("Bench Admin", "bench@example.com", "admin")
    key, _ = create_api_key(user.email)
    db.close()
    return key


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})"


def load_sqlite(path: Path, pos: int, lines_per_po: int) -> dict[str, float]:
    """Fill a migrated SQLite file, then ANALYZE; returns seconds per phase."""
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=off")  # a bench file: a crash while loading just means loading again
    conn.executemany(_insert("vendor", VENDOR_COLUMNS), vendor_rows())
    for po_rows, line_rows in generate(pos, lines_per_po):
        conn.executemany(_insert("purchase_order", PO_COLUMNS), po_rows)
        conn.executemany(_insert("po_line", LINE_COLUMNS), line_rows)
    conn.commit()
    loaded = time.perf_counter()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return {"load": loaded - started, "analyze": time.perf_counter() - loaded}


def _copy(cur, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def load_postgres(url: str, pos: int, lines_per_po: int) -> dict[str, float]:
    """Fill a migrated PostgreSQL database by COPY, then VACUUM ANALYZE; returns seconds per phase."""
    started = time.perf_counter()
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        # The foreign keys' per-row trigger checks would double the load time; the rows are consistent
        # by construction, and the constraints stay declared for whatever runs afterwards.
        cur.execute("SET session_replication_role = replica")
        _copy(cur, "vendor", VENDOR_COLUMNS, vendor_rows())
        for po_rows, line_rows in generate(pos, lines_per_po):
            _copy(cur, "purchase_order", PO_COLUMNS, po_rows)
            _copy(cur, "po_line", LINE_COLUMNS, line_rows)
        for table in ("vendor", "purchase_order", "po_line"):  # ids were given: move the sequences past them
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    conn.commit()
    loaded = time.perf_counter()
    conn.autocommit = True  # VACUUM refuses to run inside a transaction
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return {"load": loaded - started, "vacuum_analyze": time.perf_counter() - loaded}


def postgres_answers() -> bool:
    """True when PostgreSQL accepts connections on 127.0.0.1:5432."""
    return pgdb.main("ping") == 0


def create_postgres(name: str) -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    pgdb.main("create", name)
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_postgres(name: str) -> None:
    """Drop a bench database (connections still open are closed by force)."""
    pgdb.main("drop", name)
