"""The outbox: everything podesk tells the outside world, delivered and retried by the worker.

A message is a row written in the same transaction as the change that caused it (`enqueue`), so a
rollback takes it back and a crash after the commit cannot lose it. Workers `deliver_due` rows:

- claim: due rows of the kinds this process has a channel for, the oldest first, and only the head
  of each ordering group (rows of one PO share `ordering_key` and leave in id order). A claim is a
  lease (`claimed_until`) written in a short transaction — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
  several workers share the backlog without ever holding the same row; SQLite's IMMEDIATE write
  transaction serialises claims. A worker killed mid-delivery leaves its lease to run out; the row
  is then claimed again, with the same stable `key`, so a channel can recognise the redelivery.
- deliver: each row is handed to the channel registered for its kind (by the composition root),
  outside any transaction: a slow or broken outside holds no lock and slows no podesk action.
- finish: delivered; or retried after exponential backoff with jitter, later when the channel asks
  for later (`Retry-After`) but never sooner and never past the policy's cap; or, past its policy's
  attempts or age, dead (`/health` counts dead and overdue rows). What a channel reports is checked
  here, once for every channel: an odd value fails that row like any other failure, never the loop.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import random
import threading
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from peewee import fn

from core.db import database, is_postgres, notify
from core.fields import utcnow
from core.models import OutboxMessage

log = logging.getLogger(__name__)

OVERDUE_AFTER = dt.timedelta(minutes=1)
WAKE_CHANNEL = "podesk_outbox"
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
    """Delivers messages of one kind; returns a status code worth keeping (HTTP), or None."""

    def deliver(self, message: Message) -> int | None: ...


@dataclass(frozen=True)
class _Registration:
    channel: Channel
    policy: RetryPolicy


_channels: dict[str, _Registration] = {}
_wake = threading.Event()
_rng = random.Random()


def register(kind: str, channel: Channel, policy: RetryPolicy = DEFAULT_POLICY) -> None:
    """Deliver `kind` messages through `channel` in this process (the composition root calls this)."""
    _channels[kind] = _Registration(channel, policy)


def unregister(kind: str) -> None:
    """Stop handling `kind` here (tests; a face switched off)."""
    _channels.pop(kind, None)


def enabled(kind: str) -> bool:
    """True when this deployment has a channel for `kind`, so messages of that kind are worth writing."""
    return kind in _channels


def enqueue(kind: str, key: str, payload: dict[str, Any], *, ordering_key: str | None = None,
            delay_seconds: float = 0) -> None:
    """Write a message in the current transaction; a key already written is left as it is."""
    now = utcnow()
    OutboxMessage.insert(kind=kind, key=key, ordering_key=ordering_key, payload=payload, status="pending",
                         next_attempt_at=now + dt.timedelta(seconds=delay_seconds), created_at=now).on_conflict_ignore().execute()
    database.after_commit(_wake.set)  # this process's delivery job
    notify(WAKE_CHANNEL)  # other processes' (PostgreSQL delivers it at commit)


def nudged(timeout: float) -> bool:
    """Wait up to `timeout` seconds for a commit that wrote messages in this process; True if one did."""
    woke = _wake.wait(timeout)
    _wake.clear()
    return woke


def nudge() -> None:
    """Wake this process's delivery loop (after a commit that wrote messages)."""
    _wake.set()


def _claim(worker: str, limit: int, lease: dt.timedelta, now: dt.datetime) -> list[OutboxMessage]:
    kinds = list(_channels)
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


def deliver_due(worker: str, *, limit: int = 20, lease_seconds: float = 300, budget_seconds: float = 10,
                clock: Callable[[], dt.datetime] = utcnow) -> Report:
    """Deliver due messages until none is left or the time budget is spent."""
    report = Report()
    started = clock()
    while (clock() - started).total_seconds() < budget_seconds:
        rows = _claim(worker, limit, dt.timedelta(seconds=lease_seconds), clock())
        if not rows:
            break
        for row in rows:
            outcome = _finish(worker, row, _deliver(row), clock())
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


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
