"""The new PO form's vendor picker: active vendors most like what was typed (≤ 100, Slack's limit)."""
from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks.format import plain_text
from bot.blocks.modals import VENDOR_PICK
from bot.context import Bot
from core import queries

MAX_OPTIONS = 100


def register(app: App, bot: Bot) -> None:
    """Listen for the picker's options requests."""

    @app.options(VENDOR_PICK)
    def vendor_options(ack: Ack, payload: dict) -> None:
        """Vendors by name (an exact name first; the first ones alphabetically while nothing is typed)."""
        found = queries.find_vendors(payload.get("value") or "", limit=MAX_OPTIONS)
        ack(options=[{"text": plain_text(v["name"]), "value": str(v["id"])} for v in found])
