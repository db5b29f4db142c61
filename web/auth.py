"""Who is calling the API (bearer keys), whether their role may, and a per-key rate limit."""
from __future__ import annotations

import hashlib
import math
import threading
import time
from functools import wraps
from typing import TYPE_CHECKING, Callable

from flask import g, request

from core.errors import DomainError, Problem
from core.queries import user_for_api_key
from core.services import require_role
from core.types import Role

if TYPE_CHECKING:
    from core.models import User


class Unauthenticated(DomainError):
    """No key, or one that is unknown or revoked: 401 (an HTTP matter, not a business one)."""

    code = "unauthenticated"


class RateLimited(DomainError):
    """Too many requests with one key: 429 with Retry-After."""

    code = "rate_limited"

    def __init__(self, detail: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__([Problem(self.code, detail)])


class RateLimiter:
    """At most `per_minute` requests per key per minute, in this process (0 turns it off)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def check(self, key: str) -> None:
        """Count a request with `key`; RateLimited (with the seconds to wait) once over the limit."""
        if self.per_minute <= 0:
            return
        now = self._clock()
        window = int(now // 60)
        ident = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            start, count = self._windows.get(ident, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[ident] = (start, count)
        if count > self.per_minute:
            raise RateLimited(f"more than {self.per_minute} requests a minute with this key; slow down",
                              max(1, math.ceil((window + 1) * 60 - now)))


def bearer_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def require_user(limiter: RateLimiter) -> User:
    """The user behind the request's API key (401 when there is none)."""
    key = bearer_key()
    if key is None:
        raise Unauthenticated([Problem("unauthenticated", "send Authorization: Bearer <api key>")])
    user = user_for_api_key(key)
    if user is None:
        raise Unauthenticated([Problem("unauthenticated", "the API key is unknown or revoked")])
    limiter.check(key)
    g.actor = user
    return user


def actor() -> User:
    """The authenticated user of this request."""
    return g.actor


def requires(role: str) -> Callable:
    """A view that only `role` or a higher one may call (403 before anything runs).

    Reads such as /batches have no service to check the role; writes are checked again by theirs.
    """
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            require_role(actor(), Role(role), f"{request.method} {request.path}")
            return view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorate
