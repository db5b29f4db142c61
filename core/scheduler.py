"""Background work on APScheduler: in-process for `podesk serve`, alone for `podesk worker`.

Job bodies live in core/jobs.py; this module only wires them to a scheduler. State that must
survive a restart is kept in podesk's own tables, never in the scheduler's memory.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Callable, Sequence

from apscheduler.schedulers.background import BackgroundScheduler

from core import jobs, outbox
from core.db import database, is_postgres, listen

log = logging.getLogger(__name__)


class _SkippedTicks(logging.Filter):
    """Drop APScheduler's 'skipped: maximum number of running instances reached' warning.

    Each job runs once at a time by design (max_instances=1, coalesce): a tick that comes while it
    still runs is skipped, and the next tick after it ends runs it. The batch job ticks every
    second and works up to five, so an ERP batch being worked logged that line every second.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in str(record.msg)


# APScheduler says at INFO that each job ran, every second: our jobs log what they did instead.
logging.getLogger("apscheduler").setLevel(logging.WARNING)
logging.getLogger("apscheduler.scheduler").addFilter(_SkippedTicks())


def _connected(func: Callable[[], None]) -> Callable[[], None]:
    """Run a job with its own connection, given back when it ends (jobs run on pool threads)."""

    def run() -> None:
        with database.connection_context():
            func()

    run.__name__ = func.__name__
    return run


class Scheduler:
    """The background jobs of one process."""

    def __init__(self, periodic: Sequence[jobs.PeriodicJob] | None = None) -> None:
        self._jobs = list(jobs.PERIODIC if periodic is None else periodic)
        # Never two runs of a job at once, and a run missed while one ran is not made up afterwards.
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        now = dt.datetime.now(dt.timezone.utc)
        for job in self._jobs:
            self._scheduler.add_job(_connected(job.func), "interval", seconds=job.every_seconds, id=job.name,
                                    name=job.name, next_run_time=now)

    @property
    def running(self) -> bool:
        return self._scheduler.running

    @property
    def delivery_idle(self) -> bool:
        """True while this scheduler's outbox delivery waits for work with nothing in hand."""
        return self.running and outbox.idle(self._delivery)

    def start(self) -> None:
        if not self._scheduler.running:
            self._stop = threading.Event()
            self._scheduler.start()
            # Outbox delivery is a loop of its own, not a periodic job: it waits for a commit, the
            # next retry falling due or the next poll, whichever comes first.
            self._delivery = threading.Thread(target=jobs.deliver_outbox, args=(self._stop,), name="outbox-delivery", daemon=True)
            self._delivery.start()
            log.info("scheduler started with %d job(s) and outbox delivery", len(self._jobs))
            if is_postgres():  # commits in other processes (web workers) wake this one's outbox delivery
                threading.Thread(target=listen, args=(outbox.WAKE_CHANNEL, outbox.nudge, self._stop),
                                 name="outbox-listener", daemon=True).start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._stop.set()
            outbox.nudge()  # end the delivery loop's wait; it finishes what it has in hand
            self._scheduler.shutdown(wait=True)
            self._delivery.join(timeout=60)


def run_forever(stop: threading.Event) -> None:
    """Run the scheduler until `stop` is set (the `podesk worker` process)."""
    scheduler = Scheduler()
    scheduler.start()
    try:
        stop.wait()
    finally:
        scheduler.shutdown()
