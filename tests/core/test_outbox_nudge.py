"""The nudge after commit: a commit that writes outbox messages wakes this process's delivery at
once (`podesk serve`: a DM leaves within a second of the change), not at its next poll."""
import sys
import threading
from pathlib import Path

import pytest

import core.outbox
from core import outbox
from core.db import database
from core.scheduler import Scheduler
from tests.concurrency import wait_until

POLL_SECONDS = 5  # how long the scheduler's delivery, once idle, would wait unprompted
DEADLINE = 1  # far below it: only the nudge can make it
OUTBOX = Path(core.outbox.__file__).resolve()


class Signalling:
    """A channel that says when each key arrived (our own interface: a small recording fake)."""

    def __init__(self):
        self.arrived: dict[str, threading.Event] = {}

    def deliver(self, message):
        self.arrived.setdefault(message.key, threading.Event()).set()
        return 200

    def wait(self, key, timeout):
        return self.arrived.setdefault(key, threading.Event()).wait(timeout)


@pytest.fixture
def channel(db):
    made = Signalling()
    outbox.register("test", made)
    yield made
    outbox.unregister("test")


def delivery_is_idle() -> bool:
    """True while a thread of this process waits on an event inside core/outbox.py: the delivery
    has looked, found nothing due, and sleeps until something wakes it."""
    for frame in sys._current_frames().values():
        if frame.f_code.co_filename != threading.__file__:
            continue  # not waiting on an Event (or a Condition) right now
        while frame is not None and Path(frame.f_code.co_filename).resolve() != OUTBOX:
            frame = frame.f_back
        if frame is not None:
            return True
    return False


def test_a_commit_that_writes_a_message_has_it_delivered_at_once_not_at_the_next_poll(channel):
    scheduler = Scheduler()
    scheduler.start()
    try:
        wait_until(delivery_is_idle, POLL_SECONDS * 2, "the outbox delivery to have nothing to do")
        with database.atomic():
            outbox.enqueue("test", "approval-dm", {"to": "U0PRIYA"})
        assert channel.wait("approval-dm", DEADLINE)
    finally:
        scheduler.shutdown()
