"""GET /purchase-orders at 100k or 1M POs (10 lines each), on SQLite and PostgreSQL, next to the raw SQL.

For each database and size: builds a fresh database (migrated; rows by executemany on SQLite, by COPY
then VACUUM ANALYZE on PostgreSQL), then times three pages through the Flask test client — page 1, a
filtered page (vendor + status), page 1,000 — and, interleaved with each request, the very SQL
statements it ran against purchase_order (captured from peewee's query log) executed directly on a
connection opened by `core.db.open_database` on the same URL, so with the app's settings, and the
statements behind `meta.total` alone — the COUNT bounded at 10,001 rows, and past 10,000 on
PostgreSQL the planner's estimate (EXPLAIN) — with their share of the app's median. Prints p50/p99
and the app/raw ratio; the last line is `list_p99_ms=<sqlite 100k page-1 p99> list_ratio=<worst
app/raw p99 ratio> list_p99_ms_1m=<sqlite 1M worst page p99> list_p99_ms_pg_1m=<pg 1M worst page
p99>` (nan: not run). Targets: every page p99 ≤ 10 ms at 1M POs on both databases, ≤ 5 ms at 100k.

    .venv/bin/python bench/list.py [--database sqlite|postgresql|both] [--pos 100000[,1000000]]
                                   [--lines-per-po 10] [--runs 300] [--keep]

Default: both databases when PostgreSQL answers on 127.0.0.1:5432 (else SQLite), 100k POs.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _listdata as data  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from core.config import Settings  # noqa: E402
from core.db import database, open_database  # noqa: E402
from web import create_app  # noqa: E402

PAGES = {
    "page 1": "/api/v1/purchase-orders",
    "filtered": "/api/v1/purchase-orders?status=approved&vendor_id=17",
    "page 1000": "/api/v1/purchase-orders?page=1000",
}


@dataclass
class Row:
    page: str
    app: list[float]
    raw: list[float]
    count: list[float]

    @property
    def ratio(self) -> float:
        return percentile(self.app, 99) / percentile(self.raw, 99)


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _get(client, url: str, headers: dict) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.json


def _execute(cursor, statements: list[tuple[str, tuple]]) -> None:
    for sql, params in statements:
        cursor.execute(sql, params)
        cursor.fetchall()


def _ms(action, *args) -> float:
    start = time.perf_counter()
    action(*args)
    return (time.perf_counter() - start) * 1000


def list_statements(client, url: str, headers: dict) -> list[tuple[str, tuple]]:
    """The SQL a list request ran against purchase_order (not auth or settings lookups)."""
    with count_queries() as counter:
        client.get(url, headers=headers)
    statements = [record.msg for record in counter.get_queries()]
    return [(sql, tuple(params)) for sql, params in statements if '"purchase_order"' in sql]


def is_count(sql: str) -> bool:
    """A statement behind meta.total: the bounded COUNT(1), or PostgreSQL's estimate past 10,000."""
    return sql.startswith("SELECT COUNT(1) FROM") or sql.startswith("EXPLAIN")


def sample(page: str, client, url: str, headers: dict, cursor, runs: int) -> Row:
    """`runs` rounds of: the request through the app, its SQL on the driver's own cursor, the COUNT alone.

    Interleaved, so that a busy moment of a shared machine lands on all three alike and the ratio and
    the COUNT's share stay meaningful even when the absolute figures move.
    """
    for _ in range(20):  # warm caches
        _get(client, url, headers)
    statements = list_statements(client, url, headers)
    counts = [s for s in statements if is_count(s[0])]
    assert counts and counts[0][0].startswith("SELECT COUNT(1)"), f"expected a COUNT behind meta.total, got {counts}"
    row = Row(page, [], [], [])
    for _ in range(runs):
        row.app.append(_ms(_get, client, url, headers))
        row.raw.append(_ms(_execute, cursor, statements))
        row.count.append(_ms(_execute, cursor, counts))
    return row


def measure(url: str, key: str, runs: int) -> list[Row]:
    """App, raw and count timings of each page in PAGES against the database at `url`."""
    app = create_app(Settings(database_url=url, rate_limit_per_minute=0, secret_key="bench"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    raw_db = open_database(url)  # the app's pragmas / connection options, without the pool
    raw_db.connect()
    cursor = raw_db.connection().cursor()
    try:
        rows = [sample(name, client, path, headers, cursor, runs) for name, path in PAGES.items()]
    finally:
        cursor.close()
        raw_db.close()
        database.obj.close_all()  # the app's pool: PostgreSQL cannot drop a database still in use
    return rows


def print_table(title: str, rows: list[Row]) -> None:
    """One database and size: p50/p99 of the app, of the raw SQL, and the COUNT's share."""
    print(title)
    print(f"  {'page':<10} {'app p50':>9} {'app p99':>9} {'sql p50':>9} {'sql p99':>9} {'app/sql p99':>11} "
          f"{'count p50':>9} {'count p99':>9} {'count/app p50':>13}")
    for r in rows:
        app50, raw50, count50 = (statistics.median(x) for x in (r.app, r.raw, r.count))
        print(f"  {r.page:<10} {app50:7.2f}ms {percentile(r.app, 99):7.2f}ms {raw50:7.2f}ms "
              f"{percentile(r.raw, 99):7.2f}ms {r.ratio:10.1f}x {count50:7.2f}ms {percentile(r.count, 99):7.2f}ms "
              f"{count50 / app50 * 100:12.0f}%")


def run_sqlite(pos: int, lines_per_po: int, runs: int, keep: bool) -> list[Row]:
    """Build, load and measure one SQLite file; removed afterwards unless `keep`."""
    folder = Path(tempfile.mkdtemp(prefix="podesk-bench-"))
    path = folder / "list.db"
    url = f"sqlite:///{path}"
    try:
        key = data.prepare(url)
        phases = data.load_sqlite(path, pos, lines_per_po)
        rows = measure(url, key, runs)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    print_table(f"sqlite, {pos:,} POs / {pos * lines_per_po:,} lines — " + _phases(phases)
                + (f", kept at {path}" if keep else ""), rows)
    return rows


def run_postgres(pos: int, lines_per_po: int, runs: int, keep: bool) -> list[Row]:
    """Create, load and measure one PostgreSQL database; dropped afterwards unless `keep`."""
    name = f"podesk_bench_list_{pos}_{time.time_ns()}"
    url = data.create_postgres(name)
    try:
        key = data.prepare(url)
        phases = data.load_postgres(url, pos, lines_per_po)
        rows = measure(url, key, runs)
    finally:
        if not keep:
            data.drop_postgres(name)
    print_table(f"postgresql, {pos:,} POs / {pos * lines_per_po:,} lines — " + _phases(phases)
                + (f", kept as database {name}" if keep else ""), rows)
    return rows


def _phases(phases: dict[str, float]) -> str:
    load = ", ".join(f"{name.replace('_', ' ')} {seconds:.1f}s" for name, seconds in phases.items())
    return f"{load}; 1-min load average after measuring {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def summary(results: dict[tuple[str, int], list[Row]]) -> str:
    """The last line; a figure this run did not measure is nan."""
    def worst(label: str, pos: int) -> float:
        rows = results.get((label, pos))
        return max(percentile(r.app, 99) for r in rows) if rows else math.nan

    lite = results.get(("sqlite", 100_000))
    page1 = percentile(lite[0].app, 99) if lite else math.nan
    ratios = [r.ratio for rows in results.values() for r in rows]
    ratio = max(ratios) if ratios else math.nan
    return (f"list_p99_ms={page1:.2f} list_ratio={ratio:.1f} list_p99_ms_1m={worst('sqlite', 1_000_000):.2f} "
            f"list_p99_ms_pg_1m={worst('postgresql', 1_000_000):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"))
    parser.add_argument("--pos", default="100000", help="PO counts, comma-separated (100000, 1000000)")
    parser.add_argument("--lines-per-po", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the databases (and print where)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.pos.split(",")]
    choice = args.database or ("both" if data.postgres_answers() else "sqlite")
    if choice != "sqlite" and not data.postgres_answers():
        parser.error("PostgreSQL does not answer on 127.0.0.1:5432")
    labels = ["sqlite", "postgresql"] if choice == "both" else [choice]
    runners = {"sqlite": run_sqlite, "postgresql": run_postgres}
    results = {}
    for pos in sizes:
        for label in labels:
            results[(label, pos)] = runners[label](pos, args.lines_per_po, args.runs, args.keep)
    print(summary(results))


if __name__ == "__main__":
    main()
