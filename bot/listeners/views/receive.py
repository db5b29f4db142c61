"""The receipt form: each quantity goes to core's record_receipt; `over_receipt` and the other
problems show on the line's own field."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from slack_bolt import Ack, App

from bot.blocks.format import Reader
from bot.blocks.modals import NOTE, RECEIVE, RECEIVED_ON, notice_modal, receive_block
from bot.context import Bot
from bot.explain import field_errors, sentence
from bot.listeners.views._state import value
from bot.people import known_user
from core import services, slack_bookkeeping
from core.errors import DomainError, ValidationFailed

PREFIX = "recv_"


def read_form(values: dict) -> tuple[list[dict], list[str]]:
    """(receipt lines with a quantity above zero, every quantity block in form order)."""
    blocks = [block for block in values if block.startswith(PREFIX)]
    lines = []
    for block in blocks:
        typed = value(values, block)
        try:
            if typed is None or Decimal(typed) == 0:
                continue
        except InvalidOperation:
            pass  # core says what is wrong with it, on this field
        lines.append({"line_id": int(block[len(PREFIX):]), "quantity": typed})
    return lines, blocks


def block_for(pointer: str | None, lines: list[dict], blocks: list[str]) -> str:
    """The field a problem's pointer names (`/lines/2/quantity` → that line's quantity)."""
    parts = (pointer or "").strip("/").split("/")
    if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(lines):
        return receive_block(lines[int(parts[1])]["line_id"])
    return {"received_on": RECEIVED_ON, "note": NOTE}.get(parts[0], blocks[0] if blocks else RECEIVED_ON)


def register(app: App, bot: Bot) -> None:
    """Listen for the receipt form's submission."""

    @app.view(RECEIVE)
    def record(ack: Ack, body: dict, view: dict) -> None:
        """Record what arrived; the receiver gets a confirmation by DM."""
        user, problem = known_user(body["user"]["id"])
        if user is None:
            ack(response_action="update", view=notice_modal("Nothing recorded", problem))
            return
        po_id, values = int(view["private_metadata"]), view["state"]["values"]
        lines, blocks = read_form(values)
        if not lines:
            ack(response_action="errors", errors={blocks[0] if blocks else RECEIVED_ON: "Enter what arrived on at least one line."})
            return
        receipt = {"lines": lines, "received_on": value(values, RECEIVED_ON), "note": value(values, NOTE)}
        try:
            made = services.record_receipt(user, po_id, {k: v for k, v in receipt.items() if v is not None})
        except ValidationFailed as error:
            ack(response_action="errors", errors=field_errors(error, lambda pointer: block_for(pointer, lines, blocks)))
            return
        except DomainError as error:
            ack(response_action="update", view=notice_modal("Nothing recorded", sentence(error, Reader.of(user))))
            return
        ack()
        slack_bookkeeping.tell_in_slack({"type": "receipt", "user_id": user.id, "receipt_id": made.id}, po_id=po_id)
