"""Approve (after Slack's confirm dialog) and Reject (opens the reason modal) on approval DMs, the
Home tab and reminders. Each button carries the level and the submission round it was shown for.
Success changes the PO through core; every DM of that level is then updated in place by the
outbox. A stale, foreign or own-PO click is explained to the clicker only, after the ack."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approval import APPROVE, REJECT, Decision, read_decision_value
from bot.blocks.format import Reader
from bot.blocks.modals import reject_modal
from bot.context import Bot, Later
from bot.explain import decided_sentence, sentence
from bot.forms import show_modal
from bot.listeners.actions._private import for_clicker, refresh_home, tell
from core import queries, services
from core.errors import AlreadyDecided, DomainError, NotFound, SubmittedAgain


def why_not(error: DomainError, shown: Decision, reader: Reader) -> str:
    """Why a decision was refused; for a level someone decided first, who and when."""
    if not isinstance(error, (AlreadyDecided, SubmittedAgain)) and shown.level is not None:
        try:
            card = queries.po_card(shown.po_id, max_lines=0)
        except NotFound:
            return sentence(error, reader)
        same_round = shown.round is None or card["round"] == shown.round
        decided = next((l for l in card["levels"] if l["level"] == shown.level and l["decision"]), None)
        if decided and same_round:
            by = decided["decided_by"] or {}
            return decided_sentence(shown.level, decided["decision"], by.get("id"), by.get("name"), decided["decided_at"], reader)
    return sentence(error, reader)


def register(app: App, bot: Bot) -> None:
    """Listen for Approve and Reject."""

    @app.action(APPROVE)
    def approve(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """Approve the level the button was shown for (the confirm dialog came first, in Slack)."""
        ack()

        def decide(user: Any, later: Later) -> None:
            shown = read_decision_value(action["value"])
            try:
                services.approve_po(user, shown.po_id, level=shown.level, round=shown.round)
            except DomainError as error:
                tell(body, user, why_not(error, shown, Reader.of(user)), later)
                return
            refresh_home(body)

        for_clicker(bot, client, body, decide)

    @app.action(REJECT)
    def reject(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """Open the reason modal, if this person may reject this level now."""
        ack()

        def offer(user: Any, later: Later) -> None:
            shown = read_decision_value(action["value"])
            try:
                services.check_decision(user, shown.po_id, level=shown.level, round=shown.round)
                card = queries.po_card(shown.po_id, max_lines=0)
            except DomainError as error:
                tell(body, user, why_not(error, shown, Reader.of(user)), later)
                return
            view = reject_modal(card["po_number"], shown.po_id, shown.level or card["approval_level"], shown.round)
            later(show_modal, client, body["trigger_id"], view, lambda text: tell(body, user, text))

        for_clicker(bot, client, body, offer)
