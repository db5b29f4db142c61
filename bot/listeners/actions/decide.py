"""Approve (after Slack's confirm dialog) and Reject (opens the reason modal) on approval DMs, the
Home tab and reminders. Success changes the PO through core; every DM of that level is then
updated in place by the outbox. A stale, foreign or own-PO click is explained to the clicker only."""
from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approval import APPROVE, REJECT, read_decision_value
from bot.blocks.format import Reader
from bot.blocks.modals import reject_modal
from bot.context import Bot
from bot.explain import decided_sentence, sentence
from bot.forms import show_modal
from bot.listeners.actions._private import refresh_home, tell
from bot.people import identify
from core import queries, services
from core.errors import AlreadyDecided, DomainError, NotFound


def why_not(error: DomainError, po_id: int, level: int | None, reader: Reader) -> str:
    """Why a decision was refused; for a level someone decided first, who and when."""
    if not isinstance(error, AlreadyDecided) and level is not None:
        try:
            card = queries.po_card(po_id, max_lines=0)
        except NotFound:
            return sentence(error, reader)
        shown = next((l for l in card["levels"] if l["level"] == level and l["decision"]), None)
        if shown:
            by = shown["decided_by"] or {}
            return decided_sentence(level, shown["decision"], by.get("id"), by.get("name"), shown["decided_at"], reader)
    return sentence(error, reader)


def register(app: App, bot: Bot) -> None:
    """Listen for Approve and Reject."""

    @app.action(APPROVE)
    def approve(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """Approve the level the button was shown for (the confirm dialog came first, in Slack)."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        if user is None:
            tell(body, None, problem)
            return
        po_id, level = read_decision_value(action["value"])
        try:
            services.approve_po(user, po_id, level=level)
        except DomainError as error:
            tell(body, user, why_not(error, po_id, level, Reader.of(user)))
            return
        refresh_home(body)

    @app.action(REJECT)
    def reject(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """Open the reason modal, if this person may reject this level now."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        if user is None:
            tell(body, None, problem)
            return
        po_id, level = read_decision_value(action["value"])
        try:
            services.check_decision(user, po_id, level=level)
            card = queries.po_card(po_id, max_lines=0)
        except DomainError as error:
            tell(body, user, why_not(error, po_id, level, Reader.of(user)))
            return
        problem = show_modal(client, body["trigger_id"], reject_modal(card["po_number"], po_id, level or card["approval_level"]))
        if problem:
            tell(body, user, problem)
