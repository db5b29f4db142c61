"""Liveness of what podesk depends on: the database, a scheduler somewhere, the outbox's backlog."""
from __future__ import annotations

import logging

from peewee import PeeweeException

from core import leases, outbox
from core.db import database

log = logging.getLogger(__name__)


def database_ok() -> bool:
    """True when a trivial query answers."""
    try:
        database.execute_sql("SELECT 1").fetchone()
        return True
    except (PeeweeException, OSError) as exc:
        log.warning("database health check failed: %s", exc)
        return False


def scheduler_alive(within_seconds: float = 60) -> bool:
    """True when some worker's scheduler beat within the last minute."""
    return leases.workers_alive(within_seconds)


def outbox_health() -> dict[str, int]:
    """Messages pending, overdue (due over a minute ago) and dead (given up)."""
    return outbox.health()
