"""The outbox: everything podesk tells the outside world, delivered and retried by the worker.

A message is a row written in the same transaction as the change that caused it (`enqueue`), so a
rollback takes it back and a crash after the commit cannot lose it. Workers deliver rows
(`deliver_due` once, `work` until stopped):

- claim: due rows of one kind this process has a channel for, the oldest first, and only the head
  of each ordering group (rows of one PO share `ordering_key` and leave in id order). A claim is a
  lease (`claimed_until`) written in a short transaction — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
  several workers share the backlog without ever holding the same row; SQLite's IMMEDIATE write
  transaction serialises claims. The worker renews the lease of every row it holds until that row
  is finished, however long its channel takes, so no other worker delivers it meanwhile. A worker
  killed mid-delivery stops renewing; its leases run out and the rows are claimed again, with the
  same stable `key`, so a channel can recognise the redelivery.
- deliver: each kind on threads of its own, outside any transaction: a webhook receiver that hangs
  never holds back the Slack DMs or emails of the same process, and a slow or broken outside holds
  no lock and slows no podesk action. A channel whose messages go to many independent places says
  how many it may deliver at once (`concurrency`; webhooks: 4), so one hanging receiver holds one
  of its threads, not the others' deliveries; the rest go one at a time, in the order written.
- finish: delivered; or retried after exponential backoff with jitter, later when the channel asks
  for later (`Retry-After`) but never sooner and never past the policy's cap; or, past its policy's
  attempts or age, dead (`/health` counts dead and overdue rows). What a channel reports is checked
  here, once for every channel: an odd value fails that row like any other failure, never the loop.
- wake: `work` claims at once after a commit in this process wrote messages (`nudge`; on
  PostgreSQL a NOTIFY from any process), the moment the earliest pending row falls due (a retry),
  and every `POLL_SECONDS` for what only the database can tell (rows written by another process on
  SQLite, leases a killed worker left).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple, Protocol

from peewee import fn

from core import bulk
from core.db import database, is_postgres, notify
from core.fields import utcnow
from core.models import OutboxMessage

log = logging.getLogger(__name__)

OVERDUE_AFTER = dt.timedelta(minutes=1)
WAKE_CHANNEL = "podesk_outbox"
LEASE_SECONDS = 60.0  # renewed every third of it while a row is in hand; what a killed worker's rows wait
POLL_SECONDS = 5.0
IDLE_THREAD_SECONDS = 10.0  # a kind's thread left with nothing to do ends, giving back its connection
MIN_RETRY_SECONDS = 1.0  # whatever a channel or a policy says, a failed row is not tried again sooner
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed message again, and when to give up on it."""

    base_seconds: float = 2.0  # the first retry comes within this (jittered down, never later)
    cap_seconds: float = 3600.0  # the longest wait between two tries, a channel's Retry-After included
    max_attempts: int | None = 10
    max_age: dt.timedelta | None = None

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before attempt `attempts + 1`: doubling from the base, capped, jittered into [½, 1]×."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return ceiling * (0.5 + rng.random() / 2)

    def wait(self, attempts: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before attempt `attempts + 1` when the channel asked for `retry_after`: the backoff,
        or longer if it asked for longer, never past the cap (nor under MIN_RETRY_SECONDS)."""
        backoff = self.delay(attempts, rng)
        asked = backoff if retry_after is None else min(retry_after, self.cap_seconds)
        return max(backoff, asked, MIN_RETRY_SECONDS)

    def gives_up(self, attempts: int, created_at: dt.datetime, next_at: dt.datetime) -> bool:
        """True when the message has had its attempts, or the next one would come past its age."""
        if self.max_attempts is not None and attempts >= self.max_attempts:
            return True
        return self.max_age is not None and next_at - created_at > self.max_age


DEFAULT_POLICY = RetryPolicy()
# Emails and webhooks (api.md): first retry within 5 s, doubling, capped at an hour, for 24 hours.
DAY_POLICY = RetryPolicy(base_seconds=2.0, cap_seconds=3600.0, max_attempts=None, max_age=dt.timedelta(hours=24))


@dataclass(frozen=True)
class Message:
    """A row as a channel sees it."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int  # including this one
    created_at: dt.datetime
    ordering_key: str | None = None


class DeliveryFailed(Exception):
    """A channel could not deliver: retried later, at once dead when `permanent`.

    `retry_after` (seconds) is the earliest the outside wants to hear again: the outbox waits that
    long if it is longer than its own backoff, up to the policy's cap.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False,
                 status_code: int | None = None):
        super().__init__(reason)
        self.reason, self.retry_after, self.permanent, self.status_code = reason, retry_after, permanent, status_code


class Channel(Protocol):
    """Delivers messages of one kind; returns a status code worth keeping (HTTP), or None.

    A channel may have a `concurrency` attribute: how many of its messages may be in delivery at
    once (1 when it has none).
    """

    def deliver(self, message: Message) -> int | None: ...


@dataclass(frozen=True)
class _Registration:
    channel: Channel
    policy: RetryPolicy


_channels: dict[str, _Registration] = {}
_rng = random.Random()
_running: set["_Delivery"] = set()  # the delivery loops of this process, woken by `nudge`
_running_guard = threading.Lock()


def register(kind: str, channel: Channel, policy: RetryPolicy = DEFAULT_POLICY) -> None:
    """Deliver `kind` messages through `channel` in this process (the composition root calls this)."""
    _channels[kind] = _Registration(channel, policy)


def unregister(kind: str) -> None:
    """Stop handling `kind` here (tests; a face switched off)."""
    _channels.pop(kind, None)


def enabled(kind: str) -> bool:
    """True when this deployment has a channel for `kind`, so messages of that kind are worth writing."""
    return kind in _channels


class Draft(NamedTuple):
    """A message to write: its stable key, what its channel needs, the group it leaves in order with."""

    key: str
    payload: dict[str, Any]
    ordering_key: str | None = None


def enqueue(kind: str, key: str, payload: dict[str, Any], *, ordering_key: str | None = None,
            delay_seconds: float = 0) -> None:
    """Write a message in the current transaction; a key already written is left as it is."""
    enqueue_many(kind, [Draft(key, payload, ordering_key)], delay_seconds=delay_seconds)


def enqueue_many(kind: str, drafts: list[Draft], *, delay_seconds: float = 0) -> None:
    """Write messages in the current transaction, in this order (their ids ascend with it), in one
    statement and one wake-up whatever their number; a key already written is left as it is."""
    if not drafts:
        return
    now = utcnow()
    due = now + dt.timedelta(seconds=delay_seconds)
    bulk.insert_rows(OutboxMessage, [
        {"kind": kind, "key": d.key, "ordering_key": d.ordering_key, "payload": d.payload, "status": "pending",
         "attempts": 0, "next_attempt_at": due, "created_at": now}
        for d in drafts
    ], skip_duplicates=True)
    database.after_commit(nudge)  # this process's delivery loop
    notify(WAKE_CHANNEL)  # other processes' (PostgreSQL delivers it at commit)


def idle(thread: threading.Thread) -> bool:
    """True while the delivery loop running on `thread` waits with nothing in hand, having looked
    for due messages since the last nudge: the next commit that writes one wakes it."""
    with _running_guard:
        loops = [loop for loop in _running if loop.thread is thread]
    return any(loop.idle for loop in loops)


def nudge() -> None:
    """Wake this process's delivery loops (after a commit that wrote messages)."""
    with _running_guard:
        loops = list(_running)
    for loop in loops:
        loop.poke()


def _claim(worker: str, limit: int, lease: dt.timedelta, now: dt.datetime,
           kinds: Iterable[str] | None = None) -> list[OutboxMessage]:
    kinds = [kind for kind in (_channels if kinds is None else kinds) if kind in _channels]
    if not kinds:
        return []
    m, earlier = OutboxMessage, OutboxMessage.alias()
    blocked = earlier.select(earlier.id).where((earlier.ordering_key == m.ordering_key) & (earlier.status == "pending") & (earlier.id < m.id))
    query = (m.select(m.id).where((m.status == "pending") & (m.next_attempt_at <= now) & m.kind.in_(kinds)
                                  & (m.claimed_until.is_null() | (m.claimed_until < now)) & ~fn.EXISTS(blocked))
             .order_by(m.id).limit(limit))
    if is_postgres():
        query = query.for_update(of=m, skip_locked=True)
    with database.atomic():
        ids = [row.id for row in query]
        if not ids:
            return []
        m.update(claimed_by=worker, claimed_until=now + lease, attempts=m.attempts + 1, last_attempt_at=now).where(m.id.in_(ids)).execute()
        return list(m.select().where(m.id.in_(ids)).order_by(m.id))


def _renew(worker: str, ids: list[int], lease: dt.timedelta, now: dt.datetime) -> None:
    m = OutboxMessage
    with database.atomic():
        m.update(claimed_until=now + lease).where(m.id.in_(ids) & (m.claimed_by == worker) & (m.status == "pending")).execute()


def _next_due(kind: str, now: dt.datetime) -> dt.datetime | None:
    """When the earliest pending `kind` row not yet due falls due (a retry, a delayed message)."""
    m = OutboxMessage
    row = (m.select(m.next_attempt_at).where((m.status == "pending") & (m.kind == kind) & (m.next_attempt_at > now))
           .order_by(m.next_attempt_at).first())
    return row.next_attempt_at if row else None


@dataclass(frozen=True)
class _Result:
    """How a delivery went, in values the outbox can store whatever the channel handed back."""

    status_code: int | None = None
    error: str | None = None  # None: delivered
    retry_after: float | None = None  # seconds, finite or infinite
    permanent: bool = False


def _status_code(value: Any) -> int | None:
    # The column keeps HTTP and SMTP codes; anything else a channel returns is not worth a crash.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return int(value)
    return None


def _seconds(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float: "a very long time"
        return math.inf
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None  # NaN and negative numbers say nothing


def _error_text(value: Any, kind: str) -> str:
    try:
        text = value if isinstance(value, str) else "" if value is None else str(value)
    except Exception:
        text = ""
    return (text.strip() or f"the {kind} channel failed without saying why")[:MAX_ERROR_CHARS]


def _failed(kind: str, failure: DeliveryFailed) -> _Result:
    try:
        return _Result(_status_code(getattr(failure, "status_code", None)), _error_text(getattr(failure, "reason", None), kind),
                       _seconds(getattr(failure, "retry_after", None)), getattr(failure, "permanent", False) is True)
    except Exception:  # a DeliveryFailed subclass with properties that raise, say
        return _Result(error=f"the {kind} channel failed in a way podesk could not read")


def _concurrency(channel: Channel) -> int:
    value = getattr(channel, "concurrency", 1)
    return max(1, min(value, 32)) if isinstance(value, int) and not isinstance(value, bool) else 1


def _deliver(row: OutboxMessage) -> _Result:
    registration = _channels.get(row.kind)
    if registration is None:
        return _Result(error=f"no channel for {row.kind} in this process")
    message = Message(row.id, row.kind, row.key, row.payload, row.attempts, row.created_at, row.ordering_key)
    try:
        returned = registration.channel.deliver(message)
    except DeliveryFailed as failure:
        return _failed(row.kind, failure)
    except Exception as exc:  # a channel's bug fails this row only; the loop goes on
        log.exception("the %s channel failed unexpectedly on message %s", row.kind, row.key)
        return _Result(error=_error_text(f"{type(exc).__name__}: {exc}", row.kind))
    return _Result(status_code=_status_code(returned))


def _finish(worker: str, row: OutboxMessage, result: _Result, now: dt.datetime) -> str:
    m = OutboxMessage
    mine = (m.id == row.id) & (m.claimed_by == worker)
    if result.error is None:
        m.update(status="delivered", delivered_at=now, claimed_by=None, claimed_until=None, last_error=None,
                 last_status_code=result.status_code).where(mine).execute()
        return "delivered"
    policy = _channels[row.kind].policy if row.kind in _channels else DEFAULT_POLICY
    wait = policy.wait(row.attempts, result.retry_after, _rng)
    next_at = now + dt.timedelta(seconds=wait)
    dead = result.permanent or policy.gives_up(row.attempts, row.created_at, next_at)
    m.update(status="dead" if dead else "pending", next_attempt_at=next_at, claimed_by=None, claimed_until=None,
             last_error=result.error, last_status_code=result.status_code).where(mine).execute()
    if dead:
        log.warning("gave up on %s message %s after %d attempt(s): %s", row.kind, row.key, row.attempts, result.error)
        return "dead"
    log.info("%s message %s failed (attempt %d), retrying in %.0f s: %s", row.kind, row.key, row.attempts, wait, result.error)
    return "retrying"


@dataclass
class Report:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def tried(self) -> int:
        return self.delivered + self.retrying + self.dead


class _Lane:
    """The threads that deliver one kind's claimed rows, `size` at most, started as rows come and
    ended when left idle (each holds a database connection while it lives)."""

    def __init__(self, delivery: "_Delivery", kind: str, size: int) -> None:
        self.delivery, self.kind, self.size = delivery, kind, size
        self.held = 0  # rows claimed and not yet finished (the coordinator's count)
        self._rows: deque[OutboxMessage] = deque()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._closed = False
        self._changed = threading.Condition()

    def add(self, rows: list[OutboxMessage]) -> None:
        with self._changed:
            self._rows.extend(rows)
            while len(self._threads) < self.size and len(self._threads) - self._busy < len(self._rows):
                thread = threading.Thread(target=self._work, name=f"outbox-{self.kind}", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._changed.notify(len(rows))

    def close(self) -> list[threading.Thread]:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            return list(self._threads)

    def _next(self) -> OutboxMessage | None:
        with self._changed:
            while not self._rows:
                if self._closed or not self._changed.wait(IDLE_THREAD_SECONDS) and not self._rows:
                    self._threads.remove(threading.current_thread())
                    return None
            self._busy += 1
            return self._rows.popleft()

    def _work(self) -> None:
        try:
            while (row := self._next()) is not None:
                outcome = "retrying"
                try:
                    outcome = self.delivery.attempt(row)
                finally:
                    with self._changed:
                        self._busy -= 1
                    self.delivery.finished(row, outcome)
        finally:
            database.close()  # this thread's connection, if it opened one


class _Delivery:
    """One worker's delivery loop: claims each kind's due rows while that kind has a free thread,
    hands them to its lane, collects how they went, and renews the leases of the rows in hand."""

    def __init__(self, worker: str, *, limit: int, lease_seconds: float, clock: Callable[[], dt.datetime]) -> None:
        self.worker, self.limit, self.clock = worker, limit, clock
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.renew_every = lease_seconds / 3
        self.report = Report()
        self._lanes: dict[str, _Lane] = {}
        self._held: dict[int, OutboxMessage] = {}
        self._dry: set[str] = set()  # kinds whose last claim found nothing: not asked again until something changes
        self._due_at = math.inf  # (monotonic) when the earliest known pending row falls due
        self._finished: list[tuple[OutboxMessage, str]] = []
        self._poked = False
        self._changed = threading.Condition()
        self.thread: threading.Thread | None = None  # the thread running the loop, once it runs
        self.idle = False  # waiting with nothing in hand, having looked since the last nudge

    def poke(self) -> None:
        """Something was written: ask every kind again."""
        with self._changed:
            self._poked = True
            self._changed.notify_all()

    def finished(self, row: OutboxMessage, outcome: str) -> None:
        """A lane thread is done with `row`."""
        with self._changed:
            self._finished.append((row, outcome))
            self._changed.notify_all()

    def attempt(self, row: OutboxMessage) -> str:
        """Deliver `row` and record how it went (on a lane thread); never raises."""
        result = _deliver(row)
        try:
            return _finish(self.worker, row, result, self.clock())
        except Exception:  # the database, say: the lease runs out and the row is tried again
            log.exception("could not record the outcome of %s message %s", row.kind, row.key)
            return "retrying"

    def run(self, *, claim_until: float, stop: threading.Event | None = None, poll_seconds: float | None = None) -> Report:
        """Claim and deliver until `claim_until` (monotonic) or `stop`, then finish what is in hand.

        Without `poll_seconds`, return as soon as nothing is due and nothing is in hand; with it,
        wait for a nudge, the next due row or the next poll instead.
        """
        self.thread = threading.current_thread()
        with _running_guard:
            _running.add(self)
        now = time.monotonic()
        renew_at, poll_at = now + self.renew_every, now + poll_seconds if poll_seconds else math.inf
        try:
            while True:
                self._collect()
                now = time.monotonic()
                if now >= min(self._due_at, poll_at):  # a retry fell due, or time to look again
                    self._dry.clear()
                    self._due_at = math.inf
                    poll_at = now + poll_seconds if poll_seconds else math.inf
                claiming = now < claim_until and not (stop is not None and stop.is_set())
                if claiming:
                    self._claim()
                if not self._held:
                    if not claiming or poll_seconds is None:
                        return self.report
                    wake = min(self._due_at, poll_at)
                else:
                    if now >= renew_at:
                        self._renew()
                        renew_at = time.monotonic() + self.renew_every
                    wake = min(renew_at, self._due_at, poll_at) if claiming else renew_at
                self._wait(wake - time.monotonic())
        finally:
            with _running_guard:
                _running.discard(self)
            for lane in self._lanes.values():
                for thread in lane.close():
                    thread.join(1)

    def _collect(self) -> None:
        with self._changed:
            done, self._finished = self._finished, []
            poked, self._poked = self._poked, False
        if poked:
            self._dry.clear()
        for row, outcome in done:
            del self._held[row.id]
            self._lanes[row.kind].held -= 1
            self._dry.discard(row.kind)  # the next row of its ordering group may be free now
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)

    def _claim(self) -> None:
        for kind, registration in list(_channels.items()):
            if kind not in self._lanes:
                self._lanes[kind] = _Lane(self, kind, _concurrency(registration.channel))
            lane = self._lanes[kind]
            room = self.limit - lane.held
            if kind in self._dry or lane.held >= lane.size or room <= 0:
                continue
            now = self.clock()
            rows = _claim(self.worker, room, self.lease, now, [kind])
            if not rows:
                self._dry.add(kind)
                due = _next_due(kind, now)
                if due is not None:  # "now" again: the claim may have waited for the database
                    self._due_at = min(self._due_at, time.monotonic() + (due - self.clock()).total_seconds())
                continue
            for row in rows:
                self._held[row.id] = row
            lane.held += len(rows)
            lane.add(rows)

    def _renew(self) -> None:
        try:
            _renew(self.worker, list(self._held), self.lease, self.clock())
        except Exception:  # the next renewal tries again, well before the lease runs out
            log.exception("could not renew the outbox leases of %d message(s)", len(self._held))

    def _wait(self, seconds: float) -> None:
        with self._changed:
            if seconds > 0 and not self._finished and not self._poked:
                self.idle = not self._held
                try:
                    self._changed.wait(seconds)
                finally:
                    self.idle = False


def deliver_due(worker: str, *, limit: int = 20, lease_seconds: float = LEASE_SECONDS, budget_seconds: float = 10,
                clock: Callable[[], dt.datetime] = utcnow) -> Report:
    """Deliver due messages, each kind on its own threads, until none is due and none is in hand.

    Nothing more is claimed once `budget_seconds` have passed; what is in hand is still finished.
    `clock` is "now" for claims, leases and retries (tests move it on instead of waiting).
    """
    delivery = _Delivery(worker, limit=limit, lease_seconds=lease_seconds, clock=clock)
    return delivery.run(claim_until=time.monotonic() + budget_seconds)


def work(worker: str, stop: threading.Event, *, poll_seconds: float = POLL_SECONDS, limit: int = 20,
         lease_seconds: float = LEASE_SECONDS) -> Report:
    """Deliver until `stop` is set (then `nudge` to end the wait at once), finishing what is in hand.

    Claims at once after a nudge, the moment the earliest pending row falls due, and every
    `poll_seconds` otherwise.
    """
    delivery = _Delivery(worker, limit=limit, lease_seconds=lease_seconds, clock=utcnow)
    return delivery.run(claim_until=math.inf, stop=stop, poll_seconds=poll_seconds)


def health(now: dt.datetime | None = None) -> dict[str, int]:
    """Pending messages, those overdue (due over a minute ago, not delivered) and dead ones."""
    now = now or utcnow()
    m = OutboxMessage
    rows = dict(m.select(m.status, fn.COUNT(m.id)).where(m.status.in_(["pending", "dead"])).group_by(m.status).tuples())
    overdue = m.select().where((m.status == "pending") & (m.next_attempt_at < now - OVERDUE_AFTER)).count()
    return {"pending": rows.get("pending", 0), "overdue": overdue, "dead": rows.get("dead", 0)}


def prune(kinds: tuple[str, ...], older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Forget delivered messages of these kinds delivered longer ago than `older_than` (nothing reads
    them back, unlike emails and webhook deliveries, whose rows are their history); returns how many."""
    cutoff = (now or utcnow()) - older_than
    m = OutboxMessage
    with database.atomic():
        return m.delete().where(m.kind.in_(list(kinds)), m.status == "delivered", m.delivered_at < cutoff).execute()
