"""Submit for approval, from the requester's PO card."""
from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.card import SUBMIT
from bot.blocks.format import Reader, escape, person
from bot.context import Bot, reply_privately
from bot.explain import sentence
from bot.listeners.actions._private import tell
from bot.people import identify
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
        """Submit the draft; its card is then re-rendered (pending, no Submit button)."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        if user is None:
            tell(body, None, problem)
            return
        po_id = int(action["value"])
        try:
            services.submit_po(user, po_id)
        except DomainError as error:
            tell(body, user, sentence(error, Reader.of(user)))
            return
        intro = submitted_text(queries.po_card(po_id, max_lines=0))
        container = body.get("container") or {}
        if container.get("type") == "message" and not container.get("is_ephemeral") and body.get("channel"):
            slack_bookkeeping.tell_in_slack({"type": "card_update", "user_id": user.id, "channel": body["channel"]["id"],
                                    "ts": container["message_ts"], "intro": intro}, po_id=po_id)
        else:
            reply_privately(body.get("response_url"), intro, replace=True)
