"""The reason for a rejection: required; the rejection goes through core, and every DM of that
level then shows "❌ Rejected by @x: reason" (the outbox), the requester is told."""
from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks.approval import read_decision_value
from bot.blocks.format import Reader
from bot.blocks.modals import REASON, REJECT_REASON, notice_modal
from bot.context import Bot
from bot.explain import field_errors
from bot.listeners.actions.decide import why_not
from bot.listeners.views._state import value
from bot.people import known_user
from core import services
from core.errors import DomainError, ValidationFailed


def register(app: App, bot: Bot) -> None:
    """Listen for the reason modal's submission."""

    @app.view(REJECT_REASON)
    def reject(ack: Ack, body: dict, view: dict) -> None:
        """Reject with the reason; a missing reason shows on its field, a stale decision in the modal."""
        user, problem = known_user(body["user"]["id"])
        if user is None:
            ack(response_action="update", view=notice_modal("Nothing changed", problem))
            return
        shown = read_decision_value(view["private_metadata"])
        reason = value(view["state"]["values"], REASON)
        if not reason:
            ack(response_action="errors", errors={REASON: "Say why, so the requester knows what to change."})
            return
        try:
            services.reject_po(user, shown.po_id, reason=reason, level=shown.level, round=shown.round)
        except ValidationFailed as error:
            ack(response_action="errors", errors=field_errors(error, lambda pointer: REASON))
            return
        except DomainError as error:
            ack(response_action="update", view=notice_modal("Nothing changed", why_not(error, shown, Reader.of(user))))
            return
        ack()
