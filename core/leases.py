"""Database leases: a job that must run once in the whole deployment takes one first."""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

from core.db import database
from core.fields import utcnow
from core.models import JobLease, WorkerHeartbeat


def acquire(name: str, holder: str, ttl_seconds: float) -> bool:
    """Take (or renew) the lease `name` for `holder` unless another holder's lease is still running."""
    now = utcnow()
    until = now + dt.timedelta(seconds=ttl_seconds)
    with database.atomic():
        taken = (JobLease.update(holder=holder, expires_at=until)
                 .where((JobLease.name == name) & ((JobLease.expires_at < now) | (JobLease.holder == holder))).execute())
        if taken:
            return True
        try:
            with database.atomic():
                JobLease.create(name=name, holder=holder, expires_at=until)
            return True
        except IntegrityError:  # someone else holds it
            return False


def release(name: str, holder: str) -> None:
    """Give the lease back early (only if `holder` holds it)."""
    JobLease.delete().where(JobLease.name == name, JobLease.holder == holder).execute()


def beat(worker: str) -> None:
    """Record that `worker` is alive."""
    now = utcnow()
    WorkerHeartbeat.insert(name=worker, last_seen=now).on_conflict(
        conflict_target=[WorkerHeartbeat.name], update={WorkerHeartbeat.last_seen: now}).execute()


def workers_alive(within_seconds: float = 60) -> bool:
    """True when some worker beat within the last minute."""
    since = utcnow() - dt.timedelta(seconds=within_seconds)
    return WorkerHeartbeat.select().where(WorkerHeartbeat.last_seen >= since).exists()
