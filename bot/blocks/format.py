"""Small pieces every message is made of: money and times for the reader, links, escaping, clipping."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import UnknownLocaleError
from babel.dates import format_datetime

from core.money import format_money

DEFAULT_LOCALE = "en_IN"  # core.money's default: what a user whose Slack locale is unknown sees

STATUS = {
    "draft": "Draft", "pending_approval": "Pending approval", "approved": "Approved",
    "rejected": "Rejected", "cancelled": "Cancelled", "closed": "Closed",
}
MAX_SECTION = 3000  # Slack's limit on a section's text
MAX_PLAIN = 75  # Slack's limit on a button's or an option's text


@dataclass(frozen=True)
class Reader:
    """Who a message is for: money and times are shown in their locale and timezone."""

    locale: str = DEFAULT_LOCALE
    timezone: str | None = None

    @classmethod
    def of(cls, user: Any) -> "Reader":
        """The reader a podesk user is (their Slack locale and timezone once learned)."""
        if user is None:
            return cls()
        return cls(getattr(user, "locale", None) or DEFAULT_LOCALE, getattr(user, "timezone", None))


def escape(text: Any) -> str:
    """Text safe inside Slack mrkdwn (Slack reads only &, < and > specially)."""
    return str(text if text is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: Any, limit: int) -> str:
    """At most `limit` characters, ending in … when cut."""
    text = " ".join(str(text if text is not None else "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def money(amount: Decimal, currency: str, reader: Reader) -> str:
    """`₹1,680.00` in the reader's locale (babel), the deployment's default for a locale babel lacks."""
    try:
        return format_money(amount, currency, reader.locale)
    except (UnknownLocaleError, ValueError):
        return format_money(amount, currency, DEFAULT_LOCALE)


def moment(at: dt.datetime | None, reader: Reader) -> str:
    """`3 Mar, 10:42 CET`: a stored UTC time in the reader's timezone."""
    if at is None:
        return ""
    try:
        zone = ZoneInfo(reader.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = at.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    try:
        shown = format_datetime(local, "d MMM, HH:mm", locale=reader.locale)
    except (UnknownLocaleError, ValueError):
        shown = format_datetime(local, "d MMM, HH:mm", locale=DEFAULT_LOCALE)
    return f"{shown} {local.tzname()}"


def age(waited: dt.timedelta) -> str:
    """`3 d`, `5 h`, `12 min`: how long something has waited."""
    seconds = max(0, int(waited.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"


def link(url: str | None, text: str) -> str:
    """A mrkdwn link, or the text alone when there is no URL (`text` is escaped here)."""
    shown = escape(text).replace("|", "¦")
    return f"<{url}|{shown}>" if url else shown


def po_url(base_url: str | None, po_id: int) -> str | None:
    """The PO's page in the dashboard, when PODESK_BASE_URL is set."""
    return f"{base_url}/purchase-orders/{po_id}" if base_url else None


def person(who: dict | None) -> str:
    """A mention Slack shows as @name, else the podesk name."""
    if not who:
        return "someone"
    return f"<@{who['slack_id']}>" if who.get("slack_id") else escape(who.get("name") or "someone")


def status_text(card: dict) -> str:
    """`Pending approval (level 1 of 2)`, `Approved`, …"""
    label = STATUS.get(card["status"], str(card["status"]))
    if card["status"] == "pending_approval" and card.get("approval_level"):
        count = f" of {len(card['levels'])}" if card.get("levels") else ""
        return f"{label} (level {card['approval_level']}{count})"
    return label


def plain_text(text: str, limit: int = MAX_PLAIN) -> dict:
    """A plain_text object, clipped to `limit`."""
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def section(text: str, **extra: Any) -> dict:
    """A mrkdwn section (text clipped to Slack's 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip_lines(text, MAX_SECTION)}, **extra}


def context(text: str) -> dict:
    """A small grey line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip_lines(text, MAX_SECTION)}]}


def clip_lines(text: str, limit: int) -> str:
    """Like clip, keeping line breaks."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def button(text: str, action_id: str, value: str | None = None, *, style: str | None = None,
           url: str | None = None, confirm: dict | None = None) -> dict:
    """A button (values stay far below Slack's 2,000 characters: ids only)."""
    made: dict[str, Any] = {"type": "button", "text": plain_text(text), "action_id": action_id}
    for key, value_ in (("value", value), ("style", style), ("url", url), ("confirm", confirm)):
        if value_ is not None:
            made[key] = value_
    return made
