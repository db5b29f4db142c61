"""Modals: the new PO form, the receipt form, the reason for a rejection, sending to the vendor, and a plain notice.

Block ids are constants: a view submission's values and its `response_action: errors` are keyed
by them, and the listeners share them with these builders.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.blocks.approval import decision_value
from bot.blocks.card import quantity
from bot.blocks.format import Reader, clip, escape, plain_text, section

NEW_PO = "new_po"  # callback_id of the new PO modal
RECEIVE = "receive_po"
REJECT_REASON = "reject_reason"
VENDOR_PICK = "vendor_pick"  # the external select's action_id (its options come from podesk)
ADD_LINE = "add_po_line"
OPEN_NEW = "open_new_po"  # a button that opens the new PO modal (from a mention or DM)
OPEN_RECEIVE = "open_receive"  # a button that opens the receipt modal (value: PO id)
OPEN_SEND = "open_send"  # "Send to vendor": opens the email modal (value: PO id)
SEND = "send_po"  # callback_id of the email modal
VALUE = "value"  # the action_id of the input elements (the vendor picker has its own): the block id says which field

VENDOR, PO_TYPE, MATCHING, PO_DATE, DELIVERY = "vendor", "po_type", "matching", "po_date", "delivery_date"
DESCRIPTION, TERMS, CURRENCY, EXCHANGE = "description", "payment_terms", "currency", "exchange_rate"
LINE_FIELDS = ("item", "qty", "rate", "tax")
FIRST_LINES, MAX_LINES = 3, 20  # 4 blocks a line: 20 lines and the header stay within a modal's 100
RECEIVED_ON, NOTE, REASON = "received_on", "note", "reason"
SEND_TO, SEND_CC, SEND_BCC, SEND_SUBJECT, SEND_BODY = "send_to", "send_cc", "send_bcc", "send_subject", "send_body"
MAX_RECEIVE_LINES = 90


def line_block(i: int, field: str) -> str:
    """The block id of a line's field in the new PO modal (`line_0_qty`)."""
    return f"line_{i}_{field}"


def receive_block(line_id: int) -> str:
    """The block id of a PO line's quantity in the receipt modal."""
    return f"recv_{line_id}"


def _input(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000), "optional": optional,
             "element": {"action_id": VALUE, **element}}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def _text(placeholder: str | None = None, *, multiline: bool = False, max_length: int | None = None) -> dict:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if placeholder:
        element["placeholder"] = plain_text(placeholder, 150)
    if max_length:
        element["max_length"] = max_length
    return element


def _number(placeholder: str | None = None) -> dict:
    element: dict[str, Any] = {"type": "number_input", "is_decimal_allowed": True, "min_value": "0"}
    if placeholder:
        element["placeholder"] = plain_text(placeholder, 150)
    return element


def _static(options: list[tuple[str, str]], initial: str) -> dict:
    made = [{"text": plain_text(text), "value": value} for value, text in options]
    return {"type": "static_select", "options": made, "initial_option": next(o for o in made if o["value"] == initial)}


def _modal(callback_id: str, title: str, blocks: list[dict], *, submit: str | None, metadata: str = "") -> dict:
    view = {"type": "modal", "callback_id": callback_id, "title": plain_text(title, 24),
            "close": plain_text("Cancel", 24), "blocks": blocks, "private_metadata": metadata}
    if submit:
        view["submit"] = plain_text(submit, 24)
    return view


def _line_blocks(i: int) -> list[dict]:
    optional = i > 0
    return [
        _input(line_block(i, "item"), f"Line {i + 1}: SKU or label", _text("BOLT-M8, Steel bolt M8, or “Audit day”", max_length=255),
               optional=optional),
        _input(line_block(i, "qty"), f"Line {i + 1}: quantity", _number("10"), optional=optional),
        _input(line_block(i, "rate"), f"Line {i + 1}: rate", _number("4.50"), optional=optional),
        _input(line_block(i, "tax"), f"Line {i + 1}: tax %", _number("18"), optional=True),
    ]


def new_po_modal(today: dt.date, *, lines: int = FIRST_LINES) -> dict:
    """The "New purchase order" form with `lines` line rows and an "Add a line" button (≤ 93 blocks)."""
    lines = max(1, min(lines, MAX_LINES))
    blocks = [
        _input(VENDOR, "Vendor", {"type": "external_select", "action_id": VENDOR_PICK, "min_query_length": 0,
                                  "placeholder": plain_text("Type to search vendors", 150)}),
        _input(PO_TYPE, "PO type", _static([("goods", "Goods"), ("services", "Services")], "goods")),
        _input(MATCHING, "Matching", _static([("three_way", "Three-way (PO, receipt, invoice)"),
                                              ("two_way", "Two-way (PO, invoice)")], "three_way"),
               hint="Three-way lines need a SKU; two-way lines may be free text."),
        _input(PO_DATE, "PO date", {"type": "datepicker", "initial_date": today.isoformat()}),
        _input(DELIVERY, "Delivery date", {"type": "datepicker"}, optional=True),
        _input(DESCRIPTION, "Description", _text("Fasteners for line 3", max_length=255)),
        _input(TERMS, "Payment terms", _text("The vendor's terms when left empty", multiline=True), optional=True),
        _input(CURRENCY, "Currency", _text("The vendor's currency when left empty (INR, USD …)", max_length=3), optional=True),
        _input(EXCHANGE, "Exchange rate to the base currency", _number("Only for a foreign currency"), optional=True),
    ]
    for i in range(lines):
        blocks += _line_blocks(i)
    if lines < MAX_LINES:
        blocks.append({"type": "actions", "block_id": "lines_more", "elements": [
            {"type": "button", "action_id": ADD_LINE, "text": plain_text("Add a line"), "value": str(lines)}]})
    else:
        blocks.append(section(f"A PO raised here has at most {MAX_LINES} lines; the API takes up to 500."))
    return _modal(NEW_PO, "New purchase order", blocks, submit="Create draft", metadata=json.dumps({"lines": lines}))


def open_lines(po: dict[str, Any]) -> list[dict[str, Any]]:
    """The PO's lines with something still to receive, each with `open` added."""
    found = []
    for line in po["line_items"]:
        left = line["quantity"] - line["quantity_received"]
        if left > 0:
            found.append({**line, "open": left})
    return found


def receive_modal(po: dict[str, Any], reader: Reader, today: dt.date) -> dict:
    """One quantity field per open line (up to 90) with what is still open, the date and a note."""
    lines = open_lines(po)
    blocks = [section(f"*{escape(po['po_number'])}* — {escape(po.get('vendor_name') or '')}\n"
                      "Enter what arrived; leave a line empty when nothing did."),
              _input(RECEIVED_ON, "Received on", {"type": "datepicker", "initial_date": today.isoformat()})]
    for line in lines[:MAX_RECEIVE_LINES]:
        name = clip(line["identifier"], 150)
        if line.get("sku_code") and line["sku_code"] != line["identifier"]:
            name = f"{clip(line['sku_code'], 40)} · {name}"
        label = f"{name} — open {quantity(line['open'], reader)} of {quantity(line['quantity'], reader)}"
        blocks.append(_input(receive_block(line["id"]), label, _number(f"up to {quantity(line['open'], reader)}"), optional=True))
    if len(lines) > MAX_RECEIVE_LINES:
        blocks.append(section(f"… and {len(lines) - MAX_RECEIVE_LINES} more open lines: record them after this receipt."))
    blocks.append(_input(NOTE, "Note", _text("Truck 1 of 2", multiline=True), optional=True))
    return _modal(RECEIVE, "Record a receipt", blocks, submit="Record receipt", metadata=str(po["id"]))


def reject_modal(po_number: str, po_id: int, level: int, round: int | None) -> dict:
    """Ask for the reason of a rejection (required), remembering the level and round it is for."""
    blocks = [section(f"Reject *{escape(po_number)}* at level {level}? The requester sees your reason."),
              _input(REASON, "Reason", _text("What should change before it is approved?", multiline=True, max_length=2000))]
    return _modal(REJECT_REASON, "Reject PO", blocks, submit="Reject", metadata=decision_value(po_id, level, round))


def _prefilled(element: dict, value: str | None) -> dict:
    return {**element, "initial_value": value} if value else element


def send_modal(po: dict[str, Any], draft: dict[str, Any]) -> dict:
    """Email the PO as a PDF: recipients (the vendor's address prefilled), subject and message from the settings' templates."""
    addresses = "Addresses separated by commas"
    blocks = [section(f"Send *{escape(po['po_number'])}* to {escape(po.get('vendor_name') or 'the vendor')} as a PDF."),
              _input(SEND_TO, "To", _prefilled(_text(addresses), ", ".join(draft["to"]))),
              _input(SEND_CC, "Cc", _text(addresses), optional=True),
              _input(SEND_BCC, "Bcc", _text(addresses), optional=True),
              _input(SEND_SUBJECT, "Subject", _prefilled(_text(max_length=255), draft["subject"])),
              _input(SEND_BODY, "Message", _prefilled(_text(multiline=True, max_length=3000), draft["body"]))]
    return _modal(SEND, "Send to vendor", blocks, submit="Send", metadata=str(po["id"]))


def notice_modal(title: str, text: str) -> dict:
    """A modal that only says something (the answer to a form that changed nothing)."""
    return _modal("notice", title, [section(text)], submit=None)
