"""The outbox: written with the change, delivered once, retried with backoff, dead after its tries,
in order per PO, and shared by workers without ever delivering one row twice at once."""
import datetime as dt
import math
import threading

import pytest

from core import outbox
from core.db import database, listen
from core.fields import utcnow
from core.models import OutboxMessage
from core.outbox import DeliveryFailed, RetryPolicy
from tests.concurrency import race, wait_until


class Flaky:
    """A channel that fails while told to, then delivers; keeps every key it delivered, in order."""

    def __init__(self, failures=None):
        self.failures = failures or {}  # key → list of DeliveryFailed (or exceptions) to raise, in turn
        self.delivered: list[str] = []
        self.tried: list[str] = []

    def deliver(self, message):
        self.tried.append(message.key)
        pending = self.failures.get(message.key)
        if pending:
            raise pending.pop(0)
        self.delivered.append(message.key)
        return 200


@pytest.fixture
def channel(db):
    made = Flaky()
    outbox.register("test", made, RetryPolicy(base_seconds=2, cap_seconds=60, max_attempts=3))
    yield made
    outbox.unregister("test")


def write(*keys, ordering_key=None, kind="test"):
    with database.atomic():
        for key in keys:
            outbox.enqueue(kind, key, {"n": key}, ordering_key=ordering_key)


def row(key):
    return OutboxMessage.get(OutboxMessage.key == key)


def later(seconds):
    moment = utcnow() + dt.timedelta(seconds=seconds)
    return lambda: moment


def test_a_message_is_delivered_once_and_then_left_alone(channel):
    write("a")
    assert outbox.deliver_due("w1").delivered == 1
    assert outbox.deliver_due("w1").tried == 0
    assert channel.delivered == ["a"]
    assert (row("a").status, row("a").attempts, row("a").last_status_code) == ("delivered", 1, 200)


def test_a_message_written_in_a_transaction_that_rolls_back_is_never_delivered(channel):
    with pytest.raises(RuntimeError):
        with database.atomic():
            outbox.enqueue("test", "gone", {})
            raise RuntimeError("the change failed")
    outbox.deliver_due("w1")
    assert channel.tried == [] and OutboxMessage.select().count() == 0


def test_the_same_key_written_twice_is_one_message(channel):
    write("same")
    write("same")
    outbox.deliver_due("w1")
    assert channel.delivered == ["same"]


def test_a_failure_is_retried_after_a_doubling_jittered_backoff(channel):
    channel.failures["a"] = [DeliveryFailed("down"), DeliveryFailed("still down")]
    write("a")
    before = utcnow()
    assert outbox.deliver_due("w1").retrying == 1
    first = row("a").next_attempt_at - before
    assert dt.timedelta(seconds=1) <= first <= dt.timedelta(seconds=2.5)  # base 2 s, jittered into [1, 2]
    assert outbox.deliver_due("w1").tried == 0  # not due yet
    moment = utcnow() + dt.timedelta(seconds=3)
    assert outbox.deliver_due("w1", clock=lambda: moment).retrying == 1
    second = row("a").next_attempt_at - moment
    assert dt.timedelta(seconds=2) <= second <= dt.timedelta(seconds=4)  # doubled: [2, 4]
    assert outbox.deliver_due("w1", clock=later(10)).delivered == 1
    assert (channel.delivered, row("a").attempts, row("a").last_error) == (["a"], 3, None)


def test_a_retry_after_from_the_channel_is_honoured_exactly(channel):
    channel.failures["a"] = [DeliveryFailed("rate limited", retry_after=30, status_code=429)]
    write("a")
    moment = utcnow()
    outbox.deliver_due("w1", clock=lambda: moment)
    assert row("a").next_attempt_at == moment + dt.timedelta(seconds=30)
    assert row("a").last_status_code == 429
    assert outbox.deliver_due("w1", clock=later(29)).tried == 0
    assert outbox.deliver_due("w1", clock=later(31)).delivered == 1


@pytest.mark.parametrize("retry_after", [0, 0.2, -5])
def test_a_retry_after_shorter_than_the_backoff_never_makes_a_message_due_sooner(channel, retry_after):
    channel.failures["a"] = [DeliveryFailed("busy", retry_after=retry_after, status_code=503)]
    write("a")
    moment = utcnow()
    assert outbox.deliver_due("w1", clock=lambda: moment).retrying == 1
    assert channel.tried == ["a"]  # once, not again and again inside the same run
    assert row("a").next_attempt_at - moment >= dt.timedelta(seconds=1)  # the policy's backoff: 2 s jittered into [1, 2]


def test_a_retry_after_longer_than_the_policys_cap_waits_the_cap(channel):
    channel.failures["a"] = [DeliveryFailed("come back next week", retry_after=7 * 24 * 3600, status_code=503)]
    write("a")
    moment = utcnow()
    outbox.deliver_due("w1", clock=lambda: moment)
    assert row("a").next_attempt_at == moment + dt.timedelta(seconds=60)  # this policy's cap


ODD_FAILURES = {
    "an infinite retry-after": DeliveryFailed("busy", retry_after=math.inf),
    "a NaN retry-after": DeliveryFailed("busy", retry_after=math.nan),
    "a retry-after of 10^13 seconds": DeliveryFailed("busy", retry_after=1e13),
    "an integer retry-after too large for a float": DeliveryFailed("busy", retry_after=10**400),
    "a retry-after that is not a number": DeliveryFailed("busy", retry_after="soon"),
    "no reason": DeliveryFailed(None),
    "a reason that is not text": DeliveryFailed({"code": 7}),
    "a status code that is not a number": DeliveryFailed("busy", status_code="503 Service Unavailable"),
    "a status code past any column": DeliveryFailed("busy", status_code=10**12),
}


@pytest.mark.parametrize("failure", ODD_FAILURES.values(), ids=ODD_FAILURES.keys())
def test_an_odd_failure_from_a_channel_fails_that_message_only_and_it_still_ends_dead(channel, failure):
    channel.failures["odd"] = [failure] * 3
    write("odd", "good")
    moment = utcnow()
    report = outbox.deliver_due("w1", clock=lambda: moment)
    assert (report.delivered, report.retrying, channel.delivered) == (1, 1, ["good"])
    odd = row("odd")
    assert (odd.status, odd.claimed_by, odd.last_status_code) == ("pending", None, None)
    assert dt.timedelta(seconds=1) <= odd.next_attempt_at - moment <= dt.timedelta(seconds=60)
    assert isinstance(odd.last_error, str) and odd.last_error
    for seconds in (100, 200):
        outbox.deliver_due("w1", clock=later(seconds))
    assert (row("odd").status, row("odd").attempts) == ("dead", 3)  # this policy's attempts, not retried forever


def test_a_failure_without_a_reason_says_which_channel_failed(channel):
    channel.failures["a"] = [DeliveryFailed(None)]
    write("a")
    outbox.deliver_due("w1")
    assert row("a").last_error == "the test channel failed without saying why"


@pytest.mark.parametrize("returned", ["ok", 10**12, True, 2.5])
def test_a_delivery_is_kept_whatever_odd_status_the_channel_returns(channel, returned):
    channel.deliver = lambda message: channel.delivered.append(message.key) or returned
    write("a")
    assert outbox.deliver_due("w1").delivered == 1
    assert (row("a").status, row("a").last_status_code) == ("delivered", None)


def test_a_message_is_dead_after_its_policys_attempts_and_health_counts_it(channel, api):
    channel.failures["a"] = [DeliveryFailed("no") for _ in range(5)]
    write("a")
    for seconds in (0, 100, 200):
        outbox.deliver_due("w1", clock=later(seconds))
    assert (row("a").status, row("a").attempts, row("a").last_error) == ("dead", 3, "no")
    assert outbox.deliver_due("w1", clock=later(10_000)).tried == 0
    assert api.get("/health").json["outbox"] == {"pending": 0, "overdue": 0, "dead": 1}


def test_a_permanent_failure_is_dead_at_once(channel):
    channel.failures["a"] = [DeliveryFailed("the channel does not exist", permanent=True)]
    write("a")
    outbox.deliver_due("w1")
    assert row("a").status == "dead"


def test_health_counts_messages_due_over_a_minute_ago_as_overdue(channel, api):
    write("a")
    OutboxMessage.update(next_attempt_at=utcnow() - dt.timedelta(minutes=2)).execute()
    assert api.get("/health").json["outbox"] == {"pending": 1, "overdue": 1, "dead": 0}


def test_messages_of_one_po_leave_in_order_even_when_the_first_must_be_retried(channel):
    channel.failures["po1-a"] = [DeliveryFailed("down")]
    write("po1-a", "po1-b", ordering_key="po:1")
    write("po2-a", ordering_key="po:2")
    outbox.deliver_due("w1")
    assert channel.delivered == ["po2-a"]  # po1-b waits behind po1-a
    assert row("po1-b").attempts == 0
    outbox.deliver_due("w1", clock=later(10))
    assert channel.delivered == ["po2-a", "po1-a", "po1-b"]


def test_a_dead_message_no_longer_holds_back_the_ones_after_it(channel):
    channel.failures["first"] = [DeliveryFailed("gone", permanent=True)]
    write("first", "second", ordering_key="po:1")
    outbox.deliver_due("w1")
    assert (row("first").status, channel.delivered) == ("dead", ["second"])


def test_a_channel_that_raises_unexpectedly_fails_that_message_only(channel):
    channel.failures["bad"] = [ZeroDivisionError("a bug in the channel")]
    write("bad", "good")
    report = outbox.deliver_due("w1")
    assert (report.retrying, report.delivered, channel.delivered) == (1, 1, ["good"])
    assert "ZeroDivisionError" in row("bad").last_error


def test_messages_of_a_kind_without_a_channel_here_wait_for_a_process_that_has_one(channel):
    write("elsewhere", kind="email")
    assert outbox.deliver_due("w1").tried == 0
    assert row("elsewhere").status == "pending"


def test_a_lease_left_by_a_dead_worker_runs_out_and_the_message_is_delivered_again(channel):
    write("a")
    claimed = outbox._claim("dead-worker", 10, dt.timedelta(seconds=60), utcnow())
    assert [r.key for r in claimed] == ["a"]
    assert outbox.deliver_due("w2").tried == 0  # still leased
    assert outbox.deliver_due("w2", clock=later(61)).delivered == 1
    assert (row("a").attempts, channel.delivered) == (2, ["a"])


def test_a_delivery_that_outlives_its_lease_keeps_it_and_no_other_worker_takes_the_message(channel):
    started, release = threading.Event(), threading.Event()

    def slow(message):  # a receiver that takes longer than the lease to answer
        started.set()
        release.wait(30)
        channel.delivered.append(message.key)
        return 200

    def first_worker():
        with database.connection_context():
            outbox.deliver_due("w1", lease_seconds=0.6)

    channel.deliver = slow
    write("a")
    first = threading.Thread(target=first_worker)
    first.start()
    try:
        assert started.wait(10)
        first_lease = row("a").claimed_until
        wait_until(lambda: row("a").claimed_until >= first_lease + dt.timedelta(seconds=0.15), 10, "the lease to be renewed")
        # Another worker, after the first lease would have run out: the message is still held.
        assert outbox.deliver_due("w2", clock=lambda: first_lease + dt.timedelta(seconds=0.1)).tried == 0
    finally:
        release.set()
        first.join(10)
    assert (channel.delivered, row("a").status, row("a").attempts) == (["a"], "delivered", 1)


def test_two_workers_at_once_never_hold_the_same_message(channel):
    write(*[f"m{i}" for i in range(60)])
    in_flight, overlaps, lock = set(), [], threading.Lock()
    original = channel.deliver

    def deliver(message):
        with lock:
            if message.key in in_flight:
                overlaps.append(message.key)
            in_flight.add(message.key)
        try:
            return original(message)
        finally:
            with lock:
                in_flight.discard(message.key)

    channel.deliver = deliver
    race(lambda: outbox.deliver_due("w1", limit=5), lambda: outbox.deliver_due("w2", limit=5))
    assert overlaps == []
    assert sorted(channel.delivered) == sorted(f"m{i}" for i in range(60))


def test_on_postgresql_a_commit_anywhere_wakes_a_listening_worker_at_once(channel, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite has no LISTEN/NOTIFY; there one process serves and delivers, woken in-process")
    woke, stop = threading.Event(), threading.Event()
    threading.Thread(target=listen, args=(outbox.WAKE_CHANNEL, woke.set, stop), daemon=True).start()
    try:
        # The listener may not be listening yet when the first message commits: keep writing until it hears one.
        written = iter(range(1000))
        wait_until(lambda: write(f"m{next(written)}") or woke.is_set(), 10, "the listener to hear a commit")
    finally:
        stop.set()


def test_delivered_slack_messages_are_forgotten_after_two_weeks_and_nothing_else_is(channel):
    from core.jobs import housekeeping

    outbox.register("slack", channel)
    try:
        write("old", "recent", kind="slack")
        write("an-email")
        outbox.deliver_due("w1")
        write("waiting", kind="slack")
        month_ago = utcnow() - dt.timedelta(days=30)
        OutboxMessage.update(delivered_at=month_ago).where(OutboxMessage.key.in_(["old", "an-email"])).execute()
        housekeeping()
        assert sorted(r.key for r in OutboxMessage.select()) == ["an-email", "recent", "waiting"]
    finally:
        outbox.unregister("slack")
