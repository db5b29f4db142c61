"""Telling the person who clicked, and only them, why nothing happened."""
from __future__ import annotations

from typing import Any

from bot.context import Later, at_once, reply_privately
from core import services


def tell(body: dict, user: Any | None, text: str, later: Later = at_once) -> None:
    """Privately: through the click's response_url (messages; a call to Slack, so through `later`),
    else as a DM through the outbox (the Home tab has no response_url)."""
    if body.get("response_url"):
        later(reply_privately, body["response_url"], text)
    elif user is not None:
        services.tell_in_slack({"type": "notice", "user_id": user.id, "text": text}, ordering=f"slack:user:{user.id}")


def refresh_home(body: dict) -> None:
    """A click in the Home tab changed what it shows: publish it again (through the outbox)."""
    view = body.get("view") or {}
    if (body.get("container") or {}).get("type") == "view" and view.get("type") == "home":
        slack_id = body["user"]["id"]
        services.tell_in_slack({"type": "home", "slack_id": slack_id}, ordering=f"slack:home:{slack_id}")
