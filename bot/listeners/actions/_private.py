"""Telling the person who clicked, and only them, why nothing happened."""
from __future__ import annotations

from typing import Any

from bot.context import reply_privately
from core import slack_bookkeeping


def tell(body: dict, user: Any | None, text: str) -> None:
    """Privately: through the click's response_url (messages), else as a DM (the Home tab has none)."""
    if body.get("response_url"):
        reply_privately(body["response_url"], text)
    elif user is not None:
        slack_bookkeeping.tell_in_slack({"type": "notice", "user_id": user.id, "text": text}, ordering=f"slack:user:{user.id}")


def refresh_home(body: dict) -> None:
    """A click in the Home tab changed what it shows: publish it again (through the outbox)."""
    view = body.get("view") or {}
    if (body.get("container") or {}).get("type") == "view" and view.get("type") == "home":
        slack_id = body["user"]["id"]
        slack_bookkeeping.tell_in_slack({"type": "home", "slack_id": slack_id}, ordering=f"slack:home:{slack_id}")
