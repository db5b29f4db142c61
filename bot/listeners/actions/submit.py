"""Submit for approval, from the requester's PO card."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.answers import card_reply
from bot.blocks.card import SUBMIT
from bot.blocks.format import Reader, escape, person
from bot.context import Bot, Later, reply_privately
from bot.explain import sentence
from bot.listeners.actions._private import for_clicker, tell
from core import queries, services, slack_bookkeeping
from core.errors import DomainError


def submitted_text(card: dict) -> str:
    """What happened on submit: who is asked now, or that no approval was needed."""
    number = escape(card["po_number"])
    if card["status"] == "approved":
        return f"✅ *{number}* needed no approval: it is approved."
    level = next((l for l in card["levels"] if l["level"] == card["approval_level"]), None)
    names = ", ".join(person(a) for a in (level or {}).get("approvers", [])) or "its approvers"
    return f"📨 *{number}* is submitted: level {card['approval_level']} of {len(card['levels'])} is asked ({names})."


def register(app: App, bot: Bot) -> None:
    """Listen for Submit."""

    @app.action(SUBMIT)
    def submit(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """Submit the draft; its card is then shown again (pending, no Submit button) where it was."""
        ack()

        def go(user: Any, later: Later) -> None:
            po_id = int(action["value"])
            try:
                services.submit_po(user, po_id)
            except DomainError as error:
                tell(body, user, sentence(error, Reader.of(user)), later)
                return
            intro = submitted_text(queries.po_card(po_id, max_lines=0))
            container = body.get("container") or {}
            if container.get("type") == "message" and not container.get("is_ephemeral") and body.get("channel"):
                slack_bookkeeping.tell_in_slack({"type": "card_update", "user_id": user.id, "channel": body["channel"]["id"],
                                        "ts": container["message_ts"], "intro": intro}, po_id=po_id)
            else:  # a private card (`/po PO-00042`) cannot be edited by the bot: replaced through its response_url
                reply = card_reply(bot.base_url, user, po_id, intro=intro)
                later(lambda: reply_privately(body.get("response_url"), reply.text, reply.blocks, replace=True))

        for_clicker(bot, client, body, go)
