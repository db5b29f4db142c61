"""Users, their API keys (shown once, stored as a SHA-256 hash), dashboard passwords and session epochs."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from email_validator import EmailNotValidError, validate_email
from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from core import audit
from core.db import database
from core.errors import Problem, ValidationFailed, conflict, invalid, not_found
from core.fields import utcnow
from core.models import ApiKey, SessionEpoch, User
from core.rules import preferences
from core.services._access import require_role
from core.services._common import locked
from core.types import Role

KEY_PREFIX = "pdk_"
# werkzeug's format names the method and its cost ("scrypt:32768:8:1$salt$hash"), so a stronger
# setting later still checks every hash stored before it.
PASSWORD_METHOD = "scrypt"
# Hashes podesk wrote before it used werkzeug's: "scrypt$salt$digest", with this fixed cost that
# the hash does not record. Each is checked this way once more, then rewritten (see sessions.sign_in).
_LEGACY_PREFIX = "scrypt$"
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def normalize_email(email: str) -> str:
    """The canonical form of an email address, or a 400 saying why it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise invalid("invalid_value", f"not a valid email address: {exc}", "/email") from None


def add_user(name: str, email: str, role: str, slack_id: str | None = None, actor: User | None = None) -> User:
    """Create a user (roles: viewer, requester, approver, admin)."""
    problems = []
    if not name or not name.strip():
        problems.append(Problem("missing_field", "name is required", "/name"))
    if role not in Role.__members__:
        problems.append(Problem("invalid_value", f"role must be one of {', '.join(Role)}", "/role"))
    if problems:
        raise ValidationFailed(problems)
    address = normalize_email(email)
    with database.atomic():
        if User.select().where(User.email == address).exists():
            raise conflict("duplicate_email", f"a user with email {address} already exists", "/email")
        try:
            user = User.create(name=name.strip(), email=address, role=role, slack_id=slack_id or None)
        except IntegrityError:
            raise conflict("duplicate_slack_id", f"slack id {slack_id} belongs to another user", "/slack_id") from None
        audit.record("user", user.id, "created", actor, {"email": [None, address], "role": [None, role]})
    return user


def link_slack_id(user: User, slack_id: str) -> User:
    """Remember which Slack user this podesk user is (found by their Slack profile's email)."""
    if not isinstance(slack_id, str) or not slack_id.strip() or len(slack_id) > 32:
        raise invalid("invalid_value", "a Slack user id is a short string such as U012ABC", "/slack_id")
    with database.atomic():
        try:
            with database.atomic():
                User.update(slack_id=slack_id.strip()).where(User.id == user.id).execute()
        except IntegrityError:
            raise conflict("duplicate_slack_id", f"slack id {slack_id} belongs to another user", "/slack_id") from None
        audit.record("user", user.id, "slack_linked", None, {"slack_id": [user.slack_id, slack_id.strip()]})
    return User.get_by_id(user.id)


def _preferences(timezone: str | None, locale: str | None) -> dict[str, str]:
    """{field: value} for the ones given, validated (locales spelled as babel does); else ValidationFailed."""
    problems, values = [], {}
    if timezone is not None:
        if (problem := preferences.timezone_problem(timezone)) is not None:
            problems.append(problem)
        values["timezone"] = timezone
    if locale is not None:
        spelled = preferences.normal_locale(locale)
        if isinstance(spelled, Problem):
            problems.append(spelled)
        values["locale"] = spelled
    if problems:
        raise ValidationFailed(problems)
    return values


def _store_preferences(user_id: int, values: dict[str, str], *, chosen: bool, actor: User | None, comment: str) -> User:
    """Write the values (those the person chose themselves only when `chosen`) and audit what changed."""
    with database.atomic():
        user = locked(User.select().where(User.id == user_id)).get()
        update: dict[str, object] = {}
        for name, value in values.items():
            if not chosen and getattr(user, f"{name}_chosen"):
                continue  # the person's own choice outranks Slack's profile
            if value != getattr(user, name):
                update[name] = value
            if chosen and not getattr(user, f"{name}_chosen"):
                update[f"{name}_chosen"] = True
        if update:
            User.update(**update).where(User.id == user_id).execute()
            audit.record("user", user_id, "preferences_set", actor,
                         {k: [getattr(user, k), v] for k, v in update.items()}, comment=comment)
    return User.get_by_id(user_id)


def set_preferences(user: User, *, timezone: str | None = None, locale: str | None = None,
                    actor: User | None = None) -> User:
    """The person's own choice of timezone (IANA, e.g. Asia/Kolkata) and locale (e.g. en_IN) for
    dates and money shown to them; each one given stays theirs (Slack's profile no longer replaces
    it). `actor` is whoever sets it: the user, an admin, or None for an operator at the command line."""
    if actor is not None and actor.id != user.id:
        require_role(actor, Role.admin, "changing another person's settings")
    return _store_preferences(user.id, _preferences(timezone, locale), chosen=True, actor=actor, comment="chosen")


def learn_slack_preferences(user: User, *, timezone: str | None = None, locale: str | None = None) -> User:
    """Take the timezone and locale a Slack profile gives, for each of the two the person has not chosen."""
    return _store_preferences(user.id, _preferences(timezone, locale), chosen=False, actor=None, comment="from Slack")


def user_by_email(email: str) -> User:
    """The user with this email address (404 when there is none)."""
    user = User.get_or_none(User.email == normalize_email(email))
    if user is None:
        raise not_found("user", email)
    return user


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(email: str, name: str | None = None) -> tuple[str, ApiKey]:
    """A new API key for the user; the plain key is returned here once and never stored."""
    user = user_by_email(email)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with database.atomic():
        record = ApiKey.create(user=user, prefix=key[:12], key_hash=_hash_key(key), name=name)
        audit.record("user", user.id, "api_key_created", None, {"api_key": [None, record.prefix + "…"]})
    return key, record


def revoke_api_key(prefix: str) -> None:
    """Revoke every key starting with `prefix` (as `podesk api-key create` showed it)."""
    with database.atomic():
        count = ApiKey.update(revoked_at=utcnow()).where(ApiKey.prefix == prefix[:12], ApiKey.revoked_at.is_null()).execute()
        if not count:
            raise not_found("API key", prefix)


def hash_password(password: str) -> str:
    """A slow salted hash (werkzeug's scrypt, its cost stored in the hash) of a dashboard password."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def needs_rehash(stored: str | None) -> bool:
    """True for a hash in podesk's old format, to be replaced once the password is known again."""
    return bool(stored) and stored.startswith(_LEGACY_PREFIX)


def _check_legacy(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), **_LEGACY_SCRYPT)
        return hmac.compare_digest(candidate, base64.b64decode(digest))
    except ValueError:  # a damaged hash matches nothing
        return False


def check_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash (werkzeug's format, or podesk's old one)."""
    if not stored:
        return False
    if needs_rehash(stored):
        return _check_legacy(password, stored)
    return check_password_hash(stored, password)


def set_password(email: str, password: str) -> None:
    """Set the user's dashboard password (at least 8 characters)."""
    if len(password) < 8:
        raise invalid("invalid_value", "a password needs at least 8 characters", "/password")
    user = user_by_email(email)
    with database.atomic():
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        new_session_epoch(user.id)  # a changed password ends every dashboard session
        audit.record("user", user.id, "password_set", user)


def set_active(actor: User, email: str, active: bool) -> User:
    """Deactivate or reactivate a user (admins); either ends every dashboard session they hold."""
    require_role(actor, Role.admin, "deactivating or reactivating a user")
    user = user_by_email(email)
    with database.atomic():
        User.update(active=active).where(User.id == user.id).execute()
        new_session_epoch(user.id)
        audit.record("user", user.id, "activated" if active else "deactivated", actor, {"active": [user.active, active]})
    return User.get_by_id(user.id)


def new_session_epoch(user_id: int) -> str:
    """Give the user a new session epoch (inside the caller's transaction): sessions carrying the old one end."""
    epoch, now = secrets.token_hex(16), utcnow()
    (SessionEpoch.insert(user=user_id, epoch=epoch, changed_at=now)
     .on_conflict(conflict_target=[SessionEpoch.user], update={SessionEpoch.epoch: epoch, SessionEpoch.changed_at: now})
     .execute())
    return epoch


def session_epoch(user_id: int) -> str:
    """The user's current session epoch, made on first use (inside the caller's transaction)."""
    SessionEpoch.insert(user=user_id, epoch=secrets.token_hex(16), changed_at=utcnow()).on_conflict_ignore().execute()
    return SessionEpoch.get(SessionEpoch.user == user_id).epoch
