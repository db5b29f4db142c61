"""Who is who: a Slack user acts as the podesk user with that Slack id; else as the one whose email
is their Slack profile's (users.info once, then linked, with their timezone and locale)."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from core import queries, services
from core.errors import DomainError

log = logging.getLogger(__name__)

STRANGER_SECONDS = 60.0  # how long "not in podesk" is remembered before users.info is asked again
_strangers: dict[str, float] = {}
_lock = threading.Lock()


class CannotIdentify(Exception):
    """Slack did not answer users.info, so whether this person is in podesk is unknown."""


def _remember_stranger(slack_id: str) -> None:
    with _lock:
        _strangers[slack_id] = time.monotonic() + STRANGER_SECONDS


def _known_stranger(slack_id: str) -> bool:
    with _lock:
        until = _strangers.get(slack_id)
        if until is not None and until < time.monotonic():
            del _strangers[slack_id]
            until = None
    return until is not None


def forget_strangers() -> None:
    """Ask Slack again about everyone (after people were added to podesk, say)."""
    with _lock:
        _strangers.clear()


def learn_preferences(user: Any, profile: dict[str, Any]) -> Any:
    """Keep the timezone and locale Slack's users.info gave (ignored when podesk cannot use them)."""
    try:
        return services.learn_slack_preferences(user, timezone=profile.get("tz") or None, locale=profile.get("locale") or None)
    except DomainError:
        return user


def acting_user(client: WebClient, slack_id: str) -> Any | None:
    """The active podesk user this Slack user is, linking them by email on first sight; None for
    someone podesk does not know. Raises CannotIdentify when Slack could not be asked."""
    user = queries.user_by_slack_id(slack_id)
    if user is not None or not slack_id or _known_stranger(slack_id):
        return user
    try:
        profile = client.users_info(user=slack_id, include_locale=True)["user"]
    except SlackApiError as exc:
        if exc.response.status_code == 200:  # user_not_found and the like: a definite no
            _remember_stranger(slack_id)
            return None
        raise CannotIdentify(str(exc)) from exc
    except SlackClientError as exc:
        raise CannotIdentify(str(exc)) from exc
    except OSError as exc:
        raise CannotIdentify(str(exc)) from exc
    email = (profile.get("profile") or {}).get("email")
    user = queries.user_by_email(email) if email and not profile.get("is_bot") else None
    if user is None or user.slack_id:
        _remember_stranger(slack_id)
        return None
    try:
        user = services.link_slack_id(user, slack_id)
    except DomainError:
        log.warning("could not link Slack user %s to podesk user %s", slack_id, user.id)
        return None
    return learn_preferences(user, profile)


def identify(client: WebClient, slack_id: str) -> tuple[Any | None, str | None]:
    """(the acting podesk user, None), or (None, what to tell the person privately)."""
    from bot.blocks.help import CANNOT_TELL, NOT_SET_UP

    try:
        user = acting_user(client, slack_id)
    except CannotIdentify:
        return None, CANNOT_TELL
    return (user, None) if user is not None else (None, NOT_SET_UP)
