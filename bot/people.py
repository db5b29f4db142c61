"""Who is who: a Slack user acts as the podesk user with that Slack id; else as the one whose email
is their Slack profile's (users.info once, then linked, with their timezone and locale). A user
linked by Slack id whose timezone or locale podesk does not know yet is asked about once too.

A listener answers before it calls Slack: `with_person` handles a request at once when podesk can
tell who sent it from its own records, and after the answer when users.info must be asked first."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.help import CANNOT_TELL, NOT_SET_UP
from bot.context import Bot, Later, at_once
from core import queries, services, slack_bookkeeping
from core.errors import DomainError

log = logging.getLogger(__name__)

STRANGER_SECONDS = 60.0  # how long "not in podesk" is remembered before users.info is asked again
_strangers: dict[str, float] = {}
_asked: set[str] = set()  # linked users whose preferences users.info was asked for (once per process)
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
        _asked.clear()


def _knows_preferences(user: Any) -> bool:
    with _lock:
        return bool(user.timezone and user.locale) or user.slack_id in _asked


def _profile(client: WebClient, slack_id: str) -> dict[str, Any] | None:
    """users.info (with the locale); None when Slack says there is no such person."""
    try:
        return client.users_info(user=slack_id, include_locale=True)["user"]
    except SlackApiError as exc:
        if exc.response.status_code == 200:  # user_not_found and the like: a definite no
            return None
        raise CannotIdentify(str(exc)) from exc
    except (SlackClientError, OSError) as exc:
        raise CannotIdentify(str(exc)) from exc


def _learn_once(client: WebClient, user: Any) -> Any:
    """A linked user with their timezone and locale from Slack, asked for once per process (Slack
    may not know them either); when Slack cannot be asked, the user as podesk knows them."""
    with _lock:
        _asked.add(user.slack_id)
    try:
        profile = _profile(client, user.slack_id)
    except CannotIdentify:
        return user
    return learn_preferences(user, profile) if profile else user


def learn_preferences(user: Any, profile: dict[str, Any]) -> Any:
    """Keep the timezone and locale Slack's users.info gave (ignored when podesk cannot use them)."""
    try:
        return slack_bookkeeping.learn_slack_preferences(user, timezone=profile.get("tz") or None, locale=profile.get("locale") or None)
    except DomainError:
        return user


def acting_user(client: WebClient, slack_id: str) -> Any | None:
    """The active podesk user this Slack user is, linking them by email on first sight; None for
    someone podesk does not know. Raises CannotIdentify when Slack could not be asked."""
    user = queries.user_by_slack_id(slack_id)
    if user is not None:
        return user if _knows_preferences(user) else _learn_once(client, user)
    if not slack_id or _known_stranger(slack_id):
        return None
    profile = _profile(client, slack_id)
    email = ((profile or {}).get("profile") or {}).get("email")
    user = queries.user_by_email(email) if email and not profile.get("is_bot") else None
    if user is None or user.slack_id:
        _remember_stranger(slack_id)
        return None
    try:
        user = slack_bookkeeping.link_slack_id(user, slack_id)
    except DomainError:
        log.warning("could not link Slack user %s to podesk user %s", slack_id, user.id)
        return None
    return learn_preferences(user, profile)


def identify(client: WebClient, slack_id: str) -> tuple[Any | None, str | None]:
    """(the acting podesk user, None), or (None, what to tell the person privately); may ask Slack."""
    try:
        user = acting_user(client, slack_id)
    except CannotIdentify:
        return None, CANNOT_TELL
    return (user, None) if user is not None else (None, NOT_SET_UP)


def identify_locally(slack_id: str) -> tuple[Any | None, str | None] | None:
    """What `identify` would say when podesk can tell without asking Slack; None when users.info
    must be asked first (someone seen for the first time, or a linked user whose timezone and
    locale podesk has not learned yet)."""
    user = queries.user_by_slack_id(slack_id)
    if user is not None:
        return (user, None) if _knows_preferences(user) else None
    if not slack_id or _known_stranger(slack_id):
        return None, NOT_SET_UP
    return None


def known_user(slack_id: str) -> tuple[Any | None, str | None]:
    """The podesk user linked to this Slack id, as podesk knows them, never asking Slack (a form's
    submission: whoever opened the form was identified, and linked, when it opened)."""
    user = queries.user_by_slack_id(slack_id)
    return (user, None) if user is not None else (None, NOT_SET_UP)


def with_person(bot: Bot, client: WebClient, slack_id: str, handle: Callable[[Any | None, str | None, Later], None]) -> None:
    """Call `handle(user, problem, later)` for whoever sent a request: now, when podesk knows who it
    is (its Slack calls go to `later`, after the answer); else after the answer, once users.info has
    said (`later` then runs them at once)."""
    who = identify_locally(slack_id)
    if who is not None:
        handle(*who, bot.later)
    else:
        bot.later(lambda: handle(*identify(client, slack_id), at_once))
