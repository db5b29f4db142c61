"""Telling the person who clicked, and only them, why nothing happened."""
from __future__ import annotations

from typing import Any, Callable

from slack_sdk import WebClient

from bot.context import Bot, Later, at_once, reply_privately
from bot.people import with_person
from core import slack_bookkeeping


def tell(body: dict, user: Any | None, text: str, later: Later = at_once) -> None:
    """Privately: through the click's response_url (messages; a call to Slack, so through `later`),
    else as a DM through the outbox (the Home tab has no response_url)."""
    if body.get("response_url"):
        later(reply_privately, body["response_url"], text)
    elif user is not None:
        slack_bookkeeping.tell_in_slack({"type": "notice", "user_id": user.id, "text": text}, ordering=f"slack:user:{user.id}")


def refresh_home(body: dict) -> None:
    """A click in the Home tab changed what it shows: publish it again (through the outbox)."""
    view = body.get("view") or {}
    if (body.get("container") or {}).get("type") == "view" and view.get("type") == "home":
        slack_id = body["user"]["id"]
        slack_bookkeeping.tell_in_slack({"type": "home", "slack_id": slack_id}, ordering=f"slack:home:{slack_id}")


def for_clicker(bot: Bot, client: WebClient, body: dict, handle: Callable[[Any, Later], None]) -> None:
    """Call `handle(user, later)` for the podesk user who clicked, as `with_person` does (at once, or
    after users.info); someone podesk does not know is told privately, and nothing happens."""
    def known(user: Any | None, problem: str | None, later: Later) -> None:
        if user is None:
            tell(body, None, problem, later)
        else:
            handle(user, later)

    with_person(bot, client, body["user"]["id"], known)
