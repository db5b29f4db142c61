"""The demo's data (core.demo.seed, through the real services) as a test database.

A test module that imports `database_url` from here gets, for each test, a database holding the
demo: on SQLite a copy of one seeded file (seeding once per session), on PostgreSQL a fresh seed.
"""
from __future__ import annotations

import shutil

import pytest

from core.db import bind, open_database
from core.demo import seed
from core.models import ALL_MODELS, Batch, Invoice, PurchaseOrder
from tests.conftest import PG_URL

DEMO_PASSWORD = "demo password 1"


def _seed(url: str) -> None:
    db = bind(open_database(url))
    seed(password=DEMO_PASSWORD)
    if not PG_URL:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


@pytest.fixture(scope="session")
def demo_template(database_url_template, tmp_path_factory):
    """A seeded SQLite file to copy (None on PostgreSQL, where each test seeds its own)."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(database_url_template, path)
    _seed(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(database_url_template, demo_template, tmp_path):  # noqa: F811 - replaces the empty database
    """This test's database, holding the demo."""
    if PG_URL:
        db = open_database(PG_URL)
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.close()
        _seed(PG_URL)
        return PG_URL
    path = tmp_path / "podesk.db"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


def po_id(description: str) -> int:
    """The id of the demo PO with this description."""
    return PurchaseOrder.get(PurchaseOrder.description == description).id


def invoice_id(number: str) -> int:
    """The id of the demo invoice with this number."""
    return Invoice.get(Invoice.invoice_number == number).id


def finished_batch_id() -> str:
    """The demo's completed ERP sync (eight created, one failed)."""
    return Batch.get(Batch.status == "completed").id
