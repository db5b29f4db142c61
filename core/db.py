"""The database: one proxy the models bind to, opened from a URL, evolved by numbered migrations."""
from __future__ import annotations

from pathlib import Path

from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()

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
            db = PooledSqliteDatabase(name, check_same_thread=False, **pool, **options)
        else:
            db = SqliteDatabase(name, check_same_thread=False, **options)
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
