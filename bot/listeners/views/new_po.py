"""The "New purchase order" form: validated by core (create_po), whose problems point into the
body and are shown on the form's own fields; a draft's card then arrives by DM."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.modals import (
    CURRENCY, DELIVERY, DESCRIPTION, EXCHANGE, MATCHING, MAX_LINES, NEW_PO, PO_DATE, PO_TYPE, TERMS, VENDOR, line_block,
    notice_modal,
)
from bot.context import Bot
from bot.explain import field_errors
from bot.listeners.views._state import value
from bot.people import known_user
from core import queries, services, slack_bookkeeping
from core.errors import DomainError

HEADER = {VENDOR: "vendor_id", PO_TYPE: "po_type", MATCHING: "matching", PO_DATE: "po_date", DELIVERY: "delivery_date",
          DESCRIPTION: "description", TERMS: "payment_terms", CURRENCY: "currency", EXCHANGE: "exchange_rate"}
BLOCK_OF = {field: block for block, field in HEADER.items()}
LINE_FIELD = {"quantity": "qty", "rate": "rate", "tax_rate": "tax"}


def _item(item: str) -> dict[str, str]:
    """A SKU's code and name when the text is exactly its code or name; else the text is a free label."""
    for sku in queries.find_skus(item, limit=3):
        if item.casefold() in (sku["code"].casefold(), sku["name"].casefold()):
            return {"identifier": sku["name"], "sku_code": sku["code"]}
    return {"identifier": item}


def read_form(values: dict) -> tuple[dict[str, Any], list[int]]:
    """(the create body, the form row of each body line) from the submitted values."""
    body: dict[str, Any] = {}
    for block, field in HEADER.items():
        if (found := value(values, block)) is not None:
            body[field] = int(found) if field == "vendor_id" and found.isdigit() else found
    if "currency" in body:
        body["currency"] = body["currency"].upper()
    lines, rows = [], []
    for row in range(MAX_LINES):
        item, qty, rate, tax = (value(values, line_block(row, f)) for f in ("item", "qty", "rate", "tax"))
        if not any((item, qty, rate, tax)):
            continue
        line: dict[str, Any] = _item(item) if item else {}
        line.update({k: v for k, v in (("quantity", qty), ("rate", rate), ("tax_rate", tax)) if v is not None})
        lines.append(line)
        rows.append(row)
    body["line_items"] = lines
    return body, rows


def block_for(pointer: str | None, rows: list[int]) -> str:
    """The form field a problem's pointer names (problems about nothing in particular: the vendor)."""
    parts = (pointer or "").strip("/").split("/")
    if parts[0] == "line_items":
        index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        row = rows[index] if index < len(rows) else (rows[0] if rows else 0)
        return line_block(row, LINE_FIELD.get(parts[2] if len(parts) > 2 else "", "item"))
    return BLOCK_OF.get(parts[0], VENDOR)


def register(app: App, bot: Bot) -> None:
    """Listen for the form's submission."""

    @app.view(NEW_PO)
    def create(ack: Ack, body: dict, view: dict) -> None:
        """Create the draft, or show each problem on its field; validation happens before the ack."""
        user, problem = known_user(body["user"]["id"])
        if user is None:
            ack(response_action="update", view=notice_modal("Nothing created", problem))
            return
        po_body, rows = read_form(view["state"]["values"])
        if not rows:
            ack(response_action="errors", errors={line_block(0, "item"): "A PO needs at least one line."})
            return
        try:
            created = services.create_po(user, po_body, today=bot.today(user))
        except DomainError as error:
            ack(response_action="errors", errors=field_errors(error, lambda pointer: block_for(pointer, rows)))
            return
        ack()
        slack_bookkeeping.tell_in_slack({"type": "po_card", "user_id": user.id, "intro": "📝 Draft created."}, po_id=created.po.id)
