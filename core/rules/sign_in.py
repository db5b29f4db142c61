"""Sign-in rules: when failed attempts lock an account or an address, and when a link still works."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

WINDOW = dt.timedelta(minutes=15)  # failures counted within this long of the first one
LOCK = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
# An office behind one NAT shares an address, so it may fail more often than one account may;
# still low enough that guessing many accounts' passwords from one address is slow.
ADDRESS_LIMIT = 20
LINK_LIFETIME = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Throttle:
    """Failed attempts for one account or address."""

    failures: int = 0
    window_started_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None


def locked_for(state: Throttle, now: dt.datetime) -> dt.timedelta | None:
    """How much longer sign-in stays locked, or None when it is not."""
    if state.locked_until is not None and state.locked_until > now:
        return state.locked_until - now
    return None


def after_failure(state: Throttle, now: dt.datetime, limit: int) -> Throttle:
    """The state after one more failure: the `limit`-th failure within WINDOW locks for LOCK."""
    if state.window_started_at is None or now - state.window_started_at >= WINDOW:
        state = Throttle(0, now, None)
    failures = state.failures + 1
    if failures >= limit:
        return Throttle(0, now, now + LOCK)  # a fresh count once the lock ends
    return Throttle(failures, state.window_started_at, state.locked_until)


class LinkState(StrEnum):
    usable = "usable"
    used = "used"
    expired = "expired"


def link_state(expires_at: dt.datetime, used_at: dt.datetime | None, now: dt.datetime) -> LinkState:
    """Whether a one-time sign-in link may still be used (a used link says so even once expired)."""
    if used_at is not None:
        return LinkState.used
    if now >= expires_at:
        return LinkState.expired
    return LinkState.usable
