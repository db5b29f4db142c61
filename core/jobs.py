"""Bodies of background jobs: plain functions that call services (wired up by core/scheduler.py)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import Callable

from core import leases, outbox, reminders
from core.db import database
from core.services import batches
from core.slack_bookkeeping import forget_slack_events

log = logging.getLogger(__name__)

def worker_name() -> str:
    """This process, as batch results and heartbeats name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], None]
    every_seconds: float


def work_batches() -> None:
    """Work off queued ERP batches (every worker may; chunks are claimed, never shared)."""
    try:
        batches.run_pending(worker_name())
    except Exception:  # a job must not die: the next tick tries again
        log.exception("batch work failed")


def deliver_outbox(stop: threading.Event) -> None:
    """Deliver outbox messages until `stop` is set (a thread of the scheduler, not a periodic job).

    A message written in this process leaves within moments of its commit, a retry the moment it
    falls due, and one written by another process on SQLite within `outbox.POLL_SECONDS`.
    """
    while not stop.is_set():
        try:
            with database.connection_context():
                report = outbox.work(worker_name(), stop)
            log.info("outbox delivery stopped: %d delivered, %d to retry, %d dead",
                     report.delivered, report.retrying, report.dead)
        except Exception:  # the database went away, say: try again shortly
            log.exception("outbox delivery failed")
            stop.wait(outbox.POLL_SECONDS)


def heartbeat() -> None:
    """Tell /health that a scheduler is running somewhere."""
    try:
        leases.beat(worker_name())
    except Exception:
        log.exception("heartbeat failed")


def remind_approvers() -> None:
    """Write due approval reminders (Slack DMs); a no-op where Slack is not configured."""
    try:
        reminders.send_approval_reminders(worker_name())
    except Exception:
        log.exception("approval reminders failed")


SLACK_KEPT = dt.timedelta(days=14)


def housekeeping() -> None:
    """Forget what nothing reads any more: Slack messages delivered two weeks ago, handled Slack event ids."""
    try:
        forgotten = outbox.prune(("slack",), SLACK_KEPT)
        forget_slack_events()
        if forgotten:
            log.info("housekeeping: forgot %d Slack message(s) delivered over %d days ago", forgotten, SLACK_KEPT.days)
    except Exception:
        log.exception("housekeeping failed")


PERIODIC: list[PeriodicJob] = [
    PeriodicJob("batches", work_batches, 1.0),
    PeriodicJob("heartbeat", heartbeat, 15.0),
    PeriodicJob("reminders", remind_approvers, 300.0),
    PeriodicJob("housekeeping", housekeeping, 3600.0),
]
