"""Liveness of what podesk depends on."""
from __future__ import annotations

import logging

from peewee import PeeweeException

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
