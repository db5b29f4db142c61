"""The nudge after commit: a commit that writes outbox messages wakes this process's delivery at
once (`podesk serve`: a DM leaves within a second of the change), not at its next poll."""
import threading

import pytest

from core import outbox
from core.db import database
from core.scheduler import Scheduler
from tests.concurrency import wait_until

POLL_SECONDS = 5  # how long the scheduler's delivery, once idle, would wait unprompted
DEADLINE = 1  # far below it: only the nudge can make it


class Signalling:
    """A channel that says when each key arrived (our own interface: a small recording fake)."""

    def __init__(self):
        self.arrived: dict[str, threading.Event] = {}

    def deliver(self, message):
        self.arrived.setdefault(message.key, threading.Event()).set()
        return 200

    def wait(self, key, timeout):
        return self.arrived.setdefault(key, threading.Event()).wait(timeout)


class Holding(Signalling):
    """A channel that keeps each message in hand until released."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def deliver(self, message):
        super().deliver(message)
        assert self.release.wait(10)
        return 200


def registered(made):
    outbox.register("test", made)
    yield made
    outbox.unregister("test")


@pytest.fixture
def channel(db):
    yield from registered(Signalling())


@pytest.fixture
def holding(db):
    made = Holding()
    try:
        yield from registered(made)
    finally:
        made.release.set()


@pytest.fixture
def scheduler(db):
    """A running scheduler whose outbox delivery has looked, found nothing due, and waits."""
    made = Scheduler()
    made.start()
    try:
        wait_until(lambda: made.delivery_idle, POLL_SECONDS * 2, "the outbox delivery to have nothing to do")
        yield made
    finally:
        made.shutdown()


def write_message(key):
    with database.atomic():
        outbox.enqueue("test", key, {"to": "U0PRIYA"})


def test_a_commit_that_writes_a_message_has_it_delivered_at_once_not_at_the_next_poll(channel, scheduler):
    write_message("approval-dm")
    assert channel.wait("approval-dm", DEADLINE)


def test_the_delivery_is_idle_only_while_it_has_nothing_in_hand(holding, scheduler):
    write_message("held")
    assert holding.wait("held", DEADLINE)
    assert not scheduler.delivery_idle  # the message is in hand
    holding.release.set()
    wait_until(lambda: scheduler.delivery_idle, POLL_SECONDS * 2, "the delivery to finish and wait again")
    assert outbox.health()["pending"] == 0
    scheduler.shutdown()
    assert not scheduler.delivery_idle  # a stopped scheduler delivers nothing
