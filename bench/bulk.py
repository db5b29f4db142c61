"""A 100-PO / 1,000-line ERP batch through the worker, next to the raw driver floor.

(a) the floors: every row one worker chunk of creates writes (POs, lines, line dimensions, audit
    events, the PO number counter, the items' results, the batch's progress), and then every row
    one chunk of updates writes, written by the driver alone in one transaction each (sqlite3
    executemany; psycopg2 execute_values on PostgreSQL). The rows are not made up: a real batch
    of creates and one of updates run first on a scratch database, and every table is compared
    before and after each, so the floor writes exactly what the batch wrote (inserted rows whole,
    updated rows in the columns that changed), nothing else;
(b) one worker chunk of a queued 100-PO batch: claim, upsert (validate, resolve, write), record
    every item's result, commit — first creates, then the same POs updated;
(c) the chunk of creates again with two webhooks subscribed to po.created and po.approved, as a
    worker with a webhook channel writes it: 200 events, 400 deliveries and their outbox rows more.
Each at least 7 runs on fresh databases, medians. Also 10 batches (10× volume, median of 3) against one, and
where a batch's time goes (validation, rules, row building, SQL), from separate instrumented runs.
Targets: b/a ≤ 3 on SQLite (≤ 2.5 on PostgreSQL), ≤ 30 SQL statements per 100-PO batch of creates
or of updates (c included), 10× volume ≤ 11× the time. Last line:
`bulk_ratio_sqlite=<x> bulk_ratio_pg=<y or na> statements_per_batch=<n> statements_with_webhooks=<m>`,
x and y the worse of creates/their floor and updates/their floor, n of (b), m of (c).

    .venv/bin/python bench/bulk.py [--runs 7] [--no-pg]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Not this folder: bench/http.py would stand in for the standard library's http package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / ".ci"))

import peewee  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2.extras import execute_values  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from core import outbox, services  # noqa: E402
from core.channels.webhook import WebhookChannel  # noqa: E402
from core.db import SQLITE_PRAGMAS, bind, is_postgres, migrate, open_database  # noqa: E402
from core.models.base import BaseModel  # noqa: E402
from core.services import _bulk_upsert, batches  # noqa: E402
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
    services.create_dimension(admin, {"type": "PROJECT", "erp_dimension_id": "P-1", "name": "Bench"})
    return db, admin, vendor.id


@contextmanager
def two_webhooks(admin):
    """Two webhooks hearing every PO created and approved, and a webhook channel in this process
    (as `podesk worker` has one): each event of a batch is then written for both."""
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    try:
        for n in (1, 2):
            services.create_webhook(admin, {"url": f"https://erp-{n}.example.com/hook", "events": ["po.created", "po.approved"]})
        yield
    finally:
        outbox.unregister("webhook")


def enqueue(admin, payload: dict) -> str:
    batch, _ = batches.enqueue_batch(admin, payload, chunk_size=POS)
    return batch.id


def work_off() -> None:
    while batches.work_chunk("bench"):
        pass


def time_chunks(db, admin, payloads: list[dict]) -> tuple[float, int]:
    """Queue the batches, then time the worker working them off; returns (seconds, statements)."""
    for payload in payloads:
        enqueue(admin, payload)
    with count_queries() as counter:
        started = time.perf_counter()
        work_off()
        elapsed = time.perf_counter() - started
    return elapsed, counter.count


# ---- the floor: what a batch wrote, written raw ---------------------------------------------------

def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every model, parents before children (the order inserts need)."""
    models, todo = [], [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            models.append(sub)
            todo.append(sub)
    return [(m._meta.table_name, m._meta.primary_key.column_name) for m in peewee.sort_models(models)]


def _snapshot(db) -> dict[str, tuple[list[str], dict]]:
    """Every table's columns and rows (by primary key), as the driver returns them."""
    out = {}
    for table, pk in _tables():
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]
        key = columns.index(pk)
        out[table] = (columns, {row[key]: row for row in cursor.fetchall()})
    return out


class _BatchId:
    """Where the batch's id goes in a floor's rows (each floor run queues its own batch)."""


@dataclass
class Statement:
    table: str
    kind: str  # insert | update
    columns: list[str]  # for an update: the primary key first, then the columns set
    rows: list[tuple]


def _writes(before: dict, after: dict, batch_id: str) -> list[Statement]:
    """The statements that take the database from `before` to `after`: a statement per table and kind."""
    inserts, updates = [], []
    for table, pk in _tables():
        columns, old = before[table]
        _, new = after[table]
        if set(old) - set(new):
            raise NotImplementedError(f"a batch deleted {table} rows: the floor does not delete yet")
        fresh_rows = [row for key, row in new.items() if key not in old]
        if fresh_rows:
            inserts.append(Statement(table, "insert", columns, fresh_rows))
        changed = [(old[key], row) for key, row in new.items() if key in old and old[key] != row]
        if changed:
            cols = [i for i, name in enumerate(columns) if any(a[i] != b[i] for a, b in changed)]
            at = columns.index(pk)
            updates.append(Statement(table, "update", [pk] + [columns[i] for i in cols],
                                     [(b[at], *(b[i] for i in cols)) for _, b in changed]))
    statements = inserts + updates
    for st in statements:
        st.rows = [tuple(_BatchId if v == batch_id else v for v in row) for row in st.rows]
    return statements


def reference(make_url) -> tuple[list[Statement], list[Statement]]:
    """What one batch of creates and then one of updates write, taken from a real run."""
    url, _ = make_url()
    db, admin, vendor_id = fresh(url)
    found = []
    for change in (False, True):
        batch_id = enqueue(admin, body(vendor_id, change=change))
        before = _snapshot(db)
        work_off()
        found.append(_writes(before, _snapshot(db), batch_id))
    db.close()
    return found[0], found[1]


def _bound(statements: list[Statement], batch_id: str) -> list[Statement]:
    return [Statement(s.table, s.kind, s.columns, [tuple(batch_id if v is _BatchId else v for v in row) for row in s.rows])
            for s in statements]


def _q(name: str) -> str:
    return f'"{name}"'


def floor_sqlite(path: Path, statements: list[Statement]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    for name, value in SQLITE_PRAGMAS.items():  # as the app's connections: foreign keys checked, the same cache
        conn.execute(f"PRAGMA {name}={value}")
    sql = []
    for st in statements:
        if st.kind == "insert":
            sql.append((f"INSERT INTO {_q(st.table)} ({', '.join(map(_q, st.columns))}) VALUES ({', '.join('?' * len(st.columns))})", st.rows))
        else:
            sets = ", ".join(f"{_q(c)} = ?" for c in st.columns[1:])
            sql.append((f"UPDATE {_q(st.table)} SET {sets} WHERE {_q(st.columns[0])} = ?", [(*r[1:], r[0]) for r in st.rows]))
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for text, rows in sql:
        conn.executemany(text, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def floor_pg(dsn: str, statements: list[Statement]) -> float:
    conn = psycopg2.connect(dsn)
    with conn.cursor() as cur:
        cur.execute("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'")
        types = {(t, c): kind for t, c, kind in cur.fetchall()}
    conn.commit()
    sql = []
    for st in statements:
        cols = ", ".join(map(_q, st.columns))
        if st.kind == "insert":
            sql.append((f"INSERT INTO {_q(st.table)} ({cols}) VALUES %s", st.rows))
        else:  # values in VALUES come untyped (NULL is text): each is cast to its column's type
            sets = ", ".join(f"{_q(c)} = v.{_q(c)}::{types[(st.table, c)]}" for c in st.columns[1:])
            pk = _q(st.columns[0])
            sql.append((f"UPDATE {_q(st.table)} AS t SET {sets} FROM (VALUES %s) AS v ({cols}) WHERE t.{pk} = v.{pk}", st.rows))
    started = time.perf_counter()
    with conn.cursor() as cur:
        for text, rows in sql:
            execute_values(cur, text, rows, page_size=1000)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def floors(make_url, floor, creates: list[Statement], updates: list[Statement]) -> tuple[float, float]:
    """One run of each floor, on a fresh database holding what the worker would find: the queued batch."""
    url, target = make_url()
    db, admin, vendor_id = fresh(url)
    batch_id = enqueue(admin, body(vendor_id))
    db.close()
    a = floor(target, _bound(creates, batch_id))
    batch_id = enqueue(admin, body(vendor_id, change=True))
    db.close()
    b = floor(target, _bound(updates, batch_id))
    return a, b


# ---- where a batch's time goes --------------------------------------------------------------------

# The worker's phases, each a function of its own; time is charged to the innermost one running.
PHASES = [
    (batches, "_claim", "claim"),
    (_bulk_upsert, "_validate", "validation"),
    (_bulk_upsert, "_load", "load"),
    (_bulk_upsert, "_plan", "rules"),
    (_bulk_upsert, "_write_creates", "write"),
    (_bulk_upsert, "_write_updates", "write"),
    (batches, "_record", "record"),
]


class Clock:
    """Wall time per phase (exclusive of inner phases), and of it the time inside the driver."""

    def __init__(self):
        self.stack = ["other"]
        self.spent: dict[str, float] = defaultdict(float)
        self.sql: dict[str, float] = defaultdict(float)
        self.mark = 0.0

    def start(self) -> None:
        self.mark = time.perf_counter()

    def stop(self) -> None:
        self.spent[self.stack[-1]] += time.perf_counter() - self.mark

    def _switch(self, phase: str | None) -> None:
        now = time.perf_counter()
        self.spent[self.stack[-1]] += now - self.mark
        self.mark = now
        if phase is None:
            self.stack.pop()
        else:
            self.stack.append(phase)

    @contextmanager
    def phase(self, name: str):
        self._switch(name)
        try:
            yield
        finally:
            self._switch(None)

    @contextmanager
    def driver(self):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.sql[self.stack[-1]] += time.perf_counter() - started

    def wrap(self, fn, name: str):
        def timed(*args, **kwargs):
            with self.phase(name):
                return fn(*args, **kwargs)
        return timed


class _TimedCursor:
    """A driver cursor whose calls into the database count as SQL time."""

    def __init__(self, cursor, clock: Clock):
        self._cursor, self._clock = cursor, clock

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def _timed(self, name, *args):
        with self._clock.driver():
            return getattr(self._cursor, name)(*args)

    def execute(self, *args):
        self._timed("execute", *args)
        return self

    def executemany(self, *args):
        self._timed("executemany", *args)
        return self

    def mogrify(self, *args):  # psycopg2 builds execute_values' statement text with it
        return self._timed("mogrify", *args)

    def fetchone(self):
        return self._timed("fetchone")

    def fetchall(self):
        return self._timed("fetchall")

    def fetchmany(self, *args):
        return self._timed("fetchmany", *args)

    def __iter__(self):
        return iter(self.fetchall())

    def close(self):
        self._cursor.close()


@contextmanager
def instrumented(db, clock: Clock):
    """Time the worker's phases and its driver calls while inside (peewee sends BEGIN and COMMIT
    through a cursor too)."""
    saved = [(module, attr, getattr(module, attr)) for module, attr, _ in PHASES]
    for module, attr, name in PHASES:
        setattr(module, attr, clock.wrap(getattr(module, attr), name))
    cursor = db.cursor
    db.cursor = lambda *a, **k: _TimedCursor(cursor(*a, **k), clock)
    try:
        yield
    finally:
        for module, attr, fn in saved:
            setattr(module, attr, fn)
        del db.cursor


def breakdown(db, admin, payload: dict) -> dict[str, float]:
    """Seconds of one instrumented chunk: validation, rules, row building (and conversion), SQL, other."""
    enqueue(admin, payload)
    clock = Clock()
    with instrumented(db, clock):
        clock.start()
        work_off()
        clock.stop()
    sql = sum(clock.sql.values())
    # Row building: turning values into rows and back, the SQL text peewee composes, outside the
    # driver: what loading, writing and recording spend besides their SQL.
    building = sum(clock.spent[p] - clock.sql[p] for p in ("load", "write", "record", "claim"))
    return {
        "validation": clock.spent["validation"] - clock.sql["validation"],
        "rules": clock.spent["rules"] - clock.sql["rules"],
        "row building": building,
        "SQL": sql,
        "other": clock.spent["other"] - clock.sql["other"],
        "total": sum(clock.spent.values()),
    }


def _show(parts: list[dict[str, float]]) -> str:
    median = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    return ", ".join(f"{k} {v * 1000:.1f}" for k, v in median.items()) + " ms"


# ---- the run --------------------------------------------------------------------------------------

def measure(label: str, make_url, floor, runs: int) -> tuple[float, int, int]:
    # As `podesk worker` does after start-up: what was built so far is long-lived; without this the
    # cyclic collector's full passes over it made single runs vary by 2×.
    gc.collect()
    gc.freeze()
    ref_creates, ref_updates = reference(make_url)
    floor_c, floor_u, creates, updates, statements, parts_c, parts_u = [], [], [], [], [], [], []
    hooked, hooked_statements = [], []
    for _ in range(runs):
        a, b = floors(make_url, floor, ref_creates, ref_updates)
        floor_c.append(a)
        floor_u.append(b)
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
        parts_c.append(breakdown(db, admin, body(vendor_id)))
        parts_u.append(breakdown(db, admin, body(vendor_id, change=True)))
        db.close()
        url, _ = make_url()
        db, admin, vendor_id = fresh(url)
        with two_webhooks(admin):
            seconds, count = time_chunks(db, admin, [body(vendor_id)])
        hooked.append(seconds)
        hooked_statements.append(count)
        db.close()
    tenfolds = []
    for _ in range(3):
        url, _ = make_url()
        db, admin, vendor_id = fresh(url)
        tenfolds.append(time_chunks(db, admin, [body(vendor_id, batch=b) for b in range(10)])[0])
        db.close()
    tenfold = statistics.median(tenfolds)
    fc, fu = statistics.median(floor_c), statistics.median(floor_u)
    b_create, b_update = statistics.median(creates), statistics.median(updates)
    written = lambda sts: ", ".join(f"{len(s.rows)} {s.table} {s.kind}s" for s in sts)  # noqa: E731
    print(f"{label}: a batch of creates writes {written(ref_creates)}")
    print(f"{label}: a batch of updates writes {written(ref_updates)}")
    print(f"{label}: floor of creates {fc * 1000:.1f} ms, of updates {fu * 1000:.1f} ms | "
          f"batch of creates {b_create * 1000:.1f} ms ({b_create / fc:.2f}x) | updates {b_update * 1000:.1f} ms ({b_update / fu:.2f}x) | "
          f"statements per batch ≤ {max(statements)} | 10 batches {tenfold * 1000:.0f} ms = {tenfold / b_create:.1f}× one")
    b_hooked = statistics.median(hooked)
    print(f"{label}: batch of creates told to two webhooks (200 events, 400 deliveries) {b_hooked * 1000:.1f} ms "
          f"({b_hooked / b_create:.2f}x the batch without, {b_hooked / fc:.2f}x its floor) | statements ≤ {max(hooked_statements)}")
    print(f"{label}: creates, instrumented: {_show(parts_c)}")
    print(f"{label}: updates, instrumented: {_show(parts_u)}")
    return max(b_create / fc, b_update / fu), max(statements), max(hooked_statements)


def sqlite_target():
    path = Path(tempfile.mkdtemp(prefix="podesk-bench-")) / "bulk.db"
    return f"sqlite:///{path}", path


PG_DATABASES: list[str] = []  # dropped at the end


def pg_target():
    import pgdb

    name = f"podesk_bench_bulk_{time.time_ns()}"
    pgdb.main("create", name)
    PG_DATABASES.append(name)
    return f"postgresql://postgres@127.0.0.1:5432/{name}", f"host=127.0.0.1 user=postgres dbname={name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    ratio_sqlite, statements, with_webhooks = measure("sqlite", sqlite_target, floor_sqlite, args.runs)
    ratio_pg = "na"
    if not args.no_pg:
        import pgdb

        if pgdb.main("ping") == 0:
            try:
                ratio, _, pg_with_webhooks = measure("postgresql", pg_target, floor_pg, args.runs)
                with_webhooks = max(with_webhooks, pg_with_webhooks)  # PostgreSQL's NOTIFY is one more
            finally:
                for name in PG_DATABASES:
                    pgdb.main("drop", name)
            ratio_pg = f"{ratio:.2f}"
    print(f"bulk_ratio_sqlite={ratio_sqlite:.2f} bulk_ratio_pg={ratio_pg} statements_per_batch={statements} "
          f"statements_with_webhooks={with_webhooks}")


if __name__ == "__main__":
    main()
