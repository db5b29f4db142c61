"""Bodies of background jobs: plain functions that call services (wired up by core/scheduler.py)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Callable

from core import leases, outbox, reminders
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


def deliver_outbox(window_seconds: float = 4.5) -> None:
    """Deliver due outbox messages, then wait for commits that write more, until the window closes.

    Runs back to back (every 5 s, never two at once), so a message written in this process leaves
    within moments of its commit; one written by another process waits at most for the next window.
    """
    deadline = time.monotonic() + window_seconds
    while True:
        try:
            outbox.deliver_due(worker_name(), budget_seconds=window_seconds)
        except Exception:  # the database went away, say: the next window tries again
            log.exception("outbox delivery failed")
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not outbox.nudged(remaining):
            return


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
    PeriodicJob("outbox", deliver_outbox, 5.0),
    PeriodicJob("heartbeat", heartbeat, 15.0),
    PeriodicJob("reminders", remind_approvers, 300.0),
    PeriodicJob("housekeeping", housekeeping, 3600.0),
]
