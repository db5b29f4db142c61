"""The DM telling a requester that an invoice on their PO did not match: every reason, with what
was expected and what came, then the PO's card and the way to the exception queue."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bot.blocks.card import po_card_blocks, quantity
from bot.blocks.format import Reader, clip, escape, link, money
from bot.blocks.lists import REASON_WORDS

MAX_REASONS = 10
_MONEY = ("price_variance",)
_QUANTITY = ("quantity_exceeds_ordered", "quantity_exceeds_received")


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def reason_text(reason: dict[str, Any], currency: str, reader: Reader) -> str:
    """`price differs (expected ₹45.50, invoiced ₹52.00)`."""
    words = REASON_WORDS.get(reason["code"], reason["code"].replace("_", " "))
    expected, actual = _number(reason.get("expected")), _number(reason.get("actual"))
    if reason["code"] in _MONEY and expected is not None and actual is not None:
        return f"{words} (expected {money(expected, currency, reader)}, invoiced {money(actual, currency, reader)})"
    if reason["code"] in _QUANTITY and expected is not None and actual is not None:
        return f"{words} ({quantity(actual, reader)} billed, {quantity(expected, reader)} allowed)"
    return words


def invoice_exception_blocks(invoice: dict[str, Any], card: dict[str, Any], reader: Reader, base_url: str | None) -> list[dict]:
    """Why the invoice did not match (at most 10 reasons), then the PO's card."""
    cur = invoice["currency"]
    found = [reason_text(r, cur, reader) for r in invoice["reasons"]]
    found += [f"line “{escape(clip(line['description'], 60))}”: {reason_text(r, cur, reader)}"
              for line in invoice["lines"] for r in line["reasons"]]
    shown = [f"• {text}" for text in found[:MAX_REASONS]]
    if len(found) > MAX_REASONS:
        shown.append(f"• … and {len(found) - MAX_REASONS} more")
    queue = link(f"{base_url}/exceptions", "the exception queue") if base_url else "the exception queue"
    intro = (f"⚠️ Invoice *{escape(invoice['invoice_number'])}* from {escape(invoice['vendor_name'])} "
             f"({money(invoice['total'], cur, reader)}) did not match your PO *{escape(card['po_number'])}*:\n"
             + "\n".join(shown) + f"\nAn approver can accept it in {queue}.")
    return po_card_blocks(card, reader, base_url, intro=intro)
