"""Dashboard sign-in: email and password (failures throttled per account and per address) and
one-time links (Slack's `/po dashboard`). Each success returns what the session must carry."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets
from dataclasses import dataclass
from functools import cache

from core import audit
from core.db import database
from core.errors import PermissionDenied, Problem, SignInLinkUnusable, SignInLocked, WrongCredentials
from core.fields import utcnow
from core.models import SignInLink, SignInThrottle, User
from core.rules import sign_in as rules
from core.rules.sign_in import LinkState, Throttle
from core.services._common import locked
from core.services.users import check_password, hash_password, needs_rehash, normalize_email, session_epoch

log = logging.getLogger(__name__)

WRONG = WrongCredentials.MESSAGE
ASK_AGAIN = "Ask for a new one in Slack with /po dashboard."
USED = "This sign-in link has already been used. Each link works once. " + ASK_AGAIN


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and the session epoch their session must carry."""

    user: User
    epoch: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _decoy_hash() -> str:
    # Checked against when no account has the email, so that a wrong email takes as long as a
    # wrong password and the timing tells nobody which emails exist.
    return hash_password(secrets.token_urlsafe(16))


def _keys(email: str, address: str | None) -> dict[str, int]:
    return {_digest("account:" + email): rules.ACCOUNT_LIMIT, _digest("address:" + (address or "unknown")): rules.ADDRESS_LIMIT}


def _state(row: SignInThrottle | None) -> Throttle:
    return Throttle(row.failures, row.window_started_at, row.locked_until) if row else Throttle()


def _refuse_if_locked(keys: dict[str, int], now: dt.datetime) -> None:
    rows = SignInThrottle.select().where(SignInThrottle.key.in_(list(keys)))
    waits = [w for w in (rules.locked_for(_state(r), now) for r in rows) if w is not None]
    if waits:
        raise _locked(max(waits))


def _locked(wait: dt.timedelta) -> SignInLocked:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return SignInLocked(
        f"Too many failed sign-ins. Sign-in is paused for {minutes} minute{'s' if minutes != 1 else ''}; "
        "try again then, or ask for a sign-in link in Slack with /po dashboard.",
        retry_after=math.ceil(wait.total_seconds()),
    )


def _record_failure(keys: dict[str, int], now: dt.datetime) -> dt.timedelta | None:
    """Count one failure against every key; the lock it started, if any."""
    started = None
    with database.atomic():
        for key, limit in keys.items():
            # Insert first, then lock: two first failures at once then count as two, not one.
            SignInThrottle.insert(key=key, failures=0, window_started_at=now).on_conflict_ignore().execute()
            row = locked(SignInThrottle.select().where(SignInThrottle.key == key)).get()
            state = rules.after_failure(_state(row), now, limit)
            SignInThrottle.update(
                failures=state.failures, window_started_at=state.window_started_at, locked_until=state.locked_until
            ).where(SignInThrottle.key == key).execute()
            started = rules.locked_for(state, now) or started
        SignInThrottle.delete().where(
            SignInThrottle.window_started_at < now - rules.WINDOW,
            SignInThrottle.locked_until.is_null() | (SignInThrottle.locked_until <= now),
        ).execute()
    return started


def sign_in(email: str, password: str, address: str | None, now: dt.datetime | None = None) -> SignedIn:
    """Check an email and password; failures count against the account and the client address."""
    now = now or utcnow()
    canonical = normalize_email(email)
    keys = _keys(canonical, address)
    # Attempts already in flight when the limit is reached still finish: at most one per server
    # thread beyond the limit, which keeps the check a plain read and the lock out of scrypt's way.
    _refuse_if_locked(keys, now)
    user = User.get_or_none(User.email == canonical)
    stored = user.password_hash if user is not None and user.password_hash else _decoy_hash()
    matches = check_password(password, stored) and user is not None and user.password_hash is not None
    if not (matches and user.active):
        log.warning("dashboard sign-in failed for an account from %s", address or "an unknown address")
        lock = _record_failure(keys, now)
        if lock is not None:
            raise _locked(lock)
        raise WrongCredentials()
    # Hashed before the transaction: scrypt is slow, and the write lock must not wait on it.
    rehashed = hash_password(password) if needs_rehash(user.password_hash) else None
    with database.atomic():
        # Success clears the account's count, not the address's: signing in to one's own account
        # between guesses at others must not reset the address limit.
        SignInThrottle.delete().where(SignInThrottle.key == next(iter(keys))).execute()
        if rehashed is not None:
            _replace_hash(user, rehashed)
        epoch = session_epoch(user.id)
        audit.record("user", user.id, "signed_in", user, comment="password")
    return SignedIn(user, epoch)


def _replace_hash(user: User, rehashed: str) -> None:
    """Store the just-checked password's hash in the current format (inside the caller's transaction).

    The password itself is unchanged, so sessions go on; a password set meanwhile is kept (the
    update only replaces the hash that was checked).
    """
    replaced = User.update(password_hash=rehashed).where(
        User.id == user.id, User.password_hash == user.password_hash).execute()
    if replaced:
        audit.record("user", user.id, "password_rehashed", user, comment="stored in the current hash format")


def issue_sign_in_link(user: User, now: dt.datetime | None = None) -> str:
    """A one-time sign-in token for `user`, valid LINK_LIFETIME; only its hash is stored."""
    now = now or utcnow()
    if not user.active:
        raise PermissionDenied([Problem("forbidden", "a deactivated user cannot sign in")])
    token = secrets.token_urlsafe(32)
    with database.atomic():
        SignInLink.delete().where(SignInLink.expires_at < now - dt.timedelta(days=1)).execute()
        SignInLink.create(user=user.id, token_hash=_digest(token), created_at=now, expires_at=now + rules.LINK_LIFETIME)
        audit.record("user", user.id, "sign_in_link_issued", user)
    return token


def _usable_link(token: str, now: dt.datetime) -> SignInLink:
    link = SignInLink.select(SignInLink, User).join(User).where(SignInLink.token_hash == _digest(token)).first()
    if link is None or not link.user.active:
        raise SignInLinkUnusable("unknown", "This sign-in link is not valid. " + ASK_AGAIN)
    state = rules.link_state(link.expires_at, link.used_at, now)
    if state is LinkState.used:
        raise SignInLinkUnusable("used", USED)
    if state is LinkState.expired:
        raise SignInLinkUnusable("expired", "This sign-in link has expired (links last 10 minutes). " + ASK_AGAIN)
    return link


def check_sign_in_link(token: str, now: dt.datetime | None = None) -> User:
    """The user a still-usable link would sign in (nothing is used up); SignInLinkUnusable otherwise."""
    return _usable_link(token, now or utcnow()).user


def redeem_sign_in_link(token: str, now: dt.datetime | None = None) -> SignedIn:
    """Use a one-time link: it signs its user in once; a second use or an expired link is refused."""
    now = now or utcnow()
    with database.atomic():
        link = _usable_link(token, now)
        # The condition on used_at makes two concurrent uses produce one session, not two.
        taken = SignInLink.update(used_at=now).where(SignInLink.id == link.id, SignInLink.used_at.is_null()).execute()
        if not taken:
            raise SignInLinkUnusable("used", USED)
        epoch = session_epoch(link.user.id)
        audit.record("user", link.user.id, "signed_in", link.user, comment="one-time link")
    return SignedIn(link.user, epoch)
