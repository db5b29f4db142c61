"""Test harness: a real database per test (SQLite in a temp dir, or PostgreSQL when
PODESK_TEST_DATABASE_URL is set), and an API client that signs requests with real API keys."""
from __future__ import annotations

import os
import shutil

import pytest

from core.config import Settings
from core.db import bind, migrate, open_database
from core.models import ALL_MODELS

PG_URL = os.environ.get("PODESK_TEST_DATABASE_URL")  # read once here, the harness's only env lookup


def pytest_report_header(config):
    return f"podesk database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


@pytest.fixture(scope="session")
def database_url_template(tmp_path_factory):
    """A migrated database to start every test from."""
    if PG_URL:
        db = open_database(PG_URL)
        migrate(db)
        db.close()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    migrate(db)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return str(path)


@pytest.fixture
def database_url(database_url_template, tmp_path):
    """The URL of an empty, migrated database for this test."""
    if PG_URL:
        db = open_database(PG_URL)
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.close()
        return PG_URL
    path = tmp_path / "podesk.db"
    shutil.copyfile(database_url_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(database_url):
    """The models bound to this test's database."""
    database = bind(open_database(database_url))
    yield database
    database.close()


@pytest.fixture
def is_postgres():
    return bool(PG_URL)


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(database_url=database_url, secret_key="test-secret", rate_limit_per_minute=0, scheduler=False)


@pytest.fixture
def app(settings, db):
    from web import create_app

    return create_app(settings, db=db)


@pytest.fixture
def api(app, db):
    """An API client; `api.as_(user)` sends that user's key."""
    from tests.factories import ApiClient

    return ApiClient(app.test_client())


@pytest.fixture
def people(db):
    """One user of each role, with API keys."""
    from tests.factories import make_people

    return make_people()


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (tests/receiver.py), answering 200 unless told otherwise."""
    from tests.receiver import Receiver

    made = Receiver().start()
    yield made
    made.stop()


class RecordingChannel:
    """An outbox channel that keeps what it was handed (our own interface: a recording fake is fine)."""

    def __init__(self):
        self.delivered = []

    def deliver(self, message):
        self.delivered.append(message)
        return None


@pytest.fixture
def mail_configured(db):
    """The deployment has an SMTP server (none listens: these tests never deliver)."""
    from core import outbox
    from core.channels.email import EmailChannel
    from tests.mail import free_port

    outbox.register("email", EmailChannel(f"smtp://127.0.0.1:{free_port()}", "podesk@acme.example"), outbox.DAY_POLICY)
    yield
    outbox.unregister("email")


@pytest.fixture
def slack_outbox(db):
    """The deployment has Slack: messages for it are written, and delivered to a recorder."""
    from core import outbox

    channel = RecordingChannel()
    outbox.register("slack", channel)
    yield channel
    outbox.unregister("slack")
