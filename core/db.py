"""The database: one proxy the models bind to, opened from a URL, evolved by numbered migrations."""
from __future__ import annotations

import logging
import select
import threading
from pathlib import Path
from typing import Any, Callable

import psycopg2

from peewee import Database, DatabaseProxy, IntegerField, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()
log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATIONS_TABLE = "schema_migration"

# WAL lets readers work while one writer writes; the busy timeout makes a second writer wait
# instead of failing at once; every write transaction begins IMMEDIATE (see open_database).
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "synchronous": "normal",
    "cache_size": -32000,
}


_WRITERS: dict[str, threading.Lock] = {}  # one per SQLite file, shared by every connection of this process
_WRITERS_GUARD = threading.Lock()


class _OneWriterAtATime:
    """SQLite: this process's write transactions queue on a lock of ours before BEGIN IMMEDIATE.

    SQLite lets one transaction write; another one waits in SQLite's busy handler, which sleeps in
    growing steps (up to 100 ms) and so often sleeps on long after the lock is free: with 8 clients
    creating POs, a create's p99 was about a second. Threads of one process now queue here and start
    the moment the writer before them commits; another process still waits in the busy handler.
    """

    def _writer(self) -> threading.Lock:
        lock = self.__dict__.get("_writer_lock")
        if lock is None:
            with _WRITERS_GUARD:
                lock = self._writer_lock = _WRITERS.setdefault(str(Path(self.database).resolve()), threading.Lock())
        return lock

    def begin(self, lock_type=None):
        if self.database == ":memory:":
            return super().begin(lock_type)
        writer = self._writer()
        # As long as SQLite's own busy timeout, and the same error after it: never a silent hang.
        if not writer.acquire(timeout=self._timeout):
            raise OperationalError("database is locked (another thread of this process kept writing)")
        self._state.writer = writer
        try:
            super().begin(lock_type)
        except BaseException:
            self._release_writer()
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            self._release_writer()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release_writer()

    def _release_writer(self) -> None:
        writer = getattr(self._state, "writer", None)
        if writer is not None:
            self._state.writer = None
            writer.release()


class _SqliteDatabase(_OneWriterAtATime, SqliteDatabase):
    pass


class _PooledSqliteDatabase(_OneWriterAtATime, PooledSqliteDatabase):
    pass


class UnsupportedDatabase(ValueError):
    """The DATABASE_URL names a database podesk does not run on."""


def open_database(url: str, *, pooled: bool = False, pool_size: int = 20) -> Database:
    """A peewee database for `url` (sqlite:///path or postgresql://…); pooled for web processes."""
    scheme = url.split(":", 1)[0].replace("+pool", "")
    kwargs = parse_url(url)
    name = kwargs.pop("database")
    pool = {"max_connections": pool_size, "stale_timeout": 300, "timeout": 30} if pooled else {}
    if scheme == "sqlite":
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # A reader never holds a write lock, and a transaction that may write takes the lock at
        # BEGIN: a deferred one that reads and then writes fails with "database is locked" when
        # another writer got there first.
        options = dict(pragmas=SQLITE_PRAGMAS, timeout=15, lock_type="IMMEDIATE", **kwargs)
        if pooled:
            pool.pop("timeout")  # for SQLite, `timeout` is the busy wait, set above
            db = _PooledSqliteDatabase(name, check_same_thread=False, **pool, **options)
        else:
            db = _SqliteDatabase(name, check_same_thread=False, **options)
        # SQLite's LIKE and lower() fold ASCII only; text search folds case the way Python does.
        db.register_function(_casefold, "casefold", 1, deterministic=True)
        return db
    if scheme in ("postgres", "postgresql"):
        cls = PooledPostgresqlDatabase if pooled else PostgresqlDatabase
        return cls(name, **pool, **kwargs)
    raise UnsupportedDatabase(f"DATABASE_URL must start with sqlite:/// or postgresql://, got {scheme}://")


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def bind(db: Database) -> Database:
    """Point every model at `db`."""
    database.initialize(db)
    return db


def is_postgres(db: Database | None = None) -> bool:
    """True when the bound database is PostgreSQL."""
    target = db if db is not None else database.obj
    return isinstance(target, PostgresqlDatabase)


def migrate(db: Database | None = None) -> list[str]:
    """Apply pending numbered migrations; returns the names applied (none on a current schema)."""
    target = db if db is not None else database.obj
    return Runner(target, directory=str(MIGRATIONS_DIR), table_name=MIGRATIONS_TABLE).up()


def notify(channel: str) -> None:
    """PostgreSQL: tell listeners of `channel` once the current transaction commits (SQLite: nothing)."""
    if is_postgres():
        database.execute_sql(f"NOTIFY {channel}")


def listen(channel: str, on_notify: Callable[[], None], stop: threading.Event, poll_seconds: float = 5) -> None:
    """PostgreSQL: call `on_notify` whenever a transaction that ran `notify(channel)` commits, until `stop`.

    Runs on its own connection, so another process's commit wakes this one at once.
    """
    db = database.obj
    while not stop.is_set():
        try:
            conn = psycopg2.connect(dbname=db.database, **db.connect_params)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {channel}")
            while not stop.is_set():
                if select.select([conn], [], [], poll_seconds)[0]:
                    conn.poll()
                    if conn.notifies:
                        conn.notifies.clear()
                        on_notify()
            conn.close()
        except psycopg2.Error as exc:  # the database restarted, say: listen again shortly
            log.warning("listening for %s failed (%s); retrying", channel, exc)
            stop.wait(poll_seconds)


class Prepared:
    """A read whose shape never changes (one PO by id, its lines), with its SQL written once per kind
    of database instead of by peewee on every call: building the SQL was most of a PO read's time.

    `build(*markers)` returns the peewee query with a marker where each value goes, and `fields` are
    the fields those values are compared with; `rows(*values)` runs that SQL with each value, as its
    field writes it (an id no row can have is NotFound, as in any query), in its marker's place, and
    reads the rows exactly as the query would (its dicts, tuples or models, its fields' conversions).
    """

    # Markers: integers every id field's db_value takes unchanged, and no query of these writes itself
    # (the largest ids a 32-bit serial can reach); for text fields, strings no value holds (a NUL).
    MARKERS = (2**31 - 11, 2**31 - 12, 2**31 - 13)
    TEXT_MARKERS = ("\x00prepared-1", "\x00prepared-2", "\x00prepared-3")

    def __init__(self, build: Callable[..., Any], *fields: Any):
        self._build, self._fields = build, fields
        self._made: dict[bool, tuple[Any, str, list, list[int]]] = {}

    def _statement(self) -> tuple[Any, str, list, list[int]]:
        kind = is_postgres()
        made = self._made.get(kind)
        if made is None:
            markers = [self.MARKERS[i] if isinstance(getattr(f, "rel_field", f), IntegerField) else self.TEXT_MARKERS[i]
                       for i, f in enumerate(self._fields)]
            query = self._build(*markers)
            sql, params = query.sql()
            spots = [params.index(field.db_value(marker)) for field, marker in zip(self._fields, markers)]
            made = self._made[kind] = (query, sql, list(params), spots)
        return made

    def rows(self, *values: Any):
        """The rows for these values (an iterable the query's own row type reads)."""
        query, sql, params, spots = self._statement()
        params = list(params)
        for spot, field, value in zip(spots, self._fields, values):
            params[spot] = field.db_value(value)
        return query._get_cursor_wrapper(database.execute_sql(sql, params))

    def first(self, *values: Any):
        """The first row for these values, or None."""
        for row in self.rows(*values):
            return row
        return None
