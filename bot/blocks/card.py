"""The PO card: what every message about one PO shows (number, vendor, total, status, first lines,
what is missing, and the dashboard link), with room for buttons and an outcome line."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from babel.numbers import format_decimal

from bot.blocks.format import Reader, clip, context, escape, link, money, person, po_url, section, status_text

SUBMIT = "submit_po"  # the requester's "Submit for approval" button (value: PO id)
LINE_CHARS = 200
WARNING_LINES = 5
_FIELD_NAMES = {"vendor_id": "a vendor", "description": "a description", "payment_terms": "payment terms"}


def quantity(value: Decimal, reader: Reader) -> str:
    """`1,000` or `2.5` in the reader's locale."""
    try:
        return format_decimal(value, locale=reader.locale, decimal_quantization=False)
    except ValueError:
        return str(value)


def card_text(card: dict[str, Any], reader: Reader) -> str:
    """The one-line summary Slack shows in notifications: `PO-00042 · Acme Tools · ₹1,680.00 · Approved`."""
    vendor = escape(card.get("vendor_name") or "no vendor yet")
    return f"{escape(card['po_number'])} · {vendor} · {money(card['total'], card['currency'], reader)} · {status_text(card)}"


def _line(line: dict[str, Any], currency: str, reader: Reader) -> str:
    name = clip(line["identifier"], LINE_CHARS)
    if line.get("sku_code") and line["sku_code"] != line["identifier"]:
        name = f"`{clip(line['sku_code'], 64)}` {name}"
    return (f"• {quantity(line['quantity'], reader)} × {escape(name)} @ {money(line['rate'], currency, reader)}"
            f" = {money(line['amount'], currency, reader)}")


def lines_text(card: dict[str, Any], reader: Reader, url: str | None) -> str:
    """The first lines, then "… and N more" (with the dashboard link when there is one)."""
    shown = [_line(line, card["currency"], reader) for line in card["lines"]]
    if not shown:
        shown = ["_No lines yet._"]
    if card.get("more_lines"):
        more = f"… and {card['more_lines']:,} more line{'s' if card['more_lines'] != 1 else ''}"
        shown.append(f"{more} — {link(url, 'see them all in the dashboard')}" if url else more)
    return "\n".join(shown)


def missing_text(warnings: dict[str, Any]) -> str:
    """What still stops a draft from being submitted, in words."""
    parts = [_FIELD_NAMES.get(name, name.replace("_", " ")) for name in warnings.get("po") or []]
    items = list((warnings.get("line_items") or {}).items())
    parts += [f"line “{escape(clip(name, 60))}”: {' and '.join(fields)}" for name, fields in items[:WARNING_LINES]]
    if len(items) > WARNING_LINES:
        parts.append(f"and {len(items) - WARNING_LINES} more lines")
    return "*Still needed before it can be submitted:* " + "; ".join(parts)


def _fields(card: dict[str, Any], reader: Reader) -> list[dict]:
    pairs = [("Total", money(card["total"], card["currency"], reader)), ("Status", status_text(card)),
             ("Requested by", person(card.get("requested_by")))]
    if card["status"] in ("approved", "closed") and card.get("receipt_status"):
        pairs.append(("Received", card["receipt_status"].replace("_", " ")))
    return [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in pairs]


def po_card_blocks(card: dict[str, Any], reader: Reader, base_url: str | None, *, intro: str | None = None,
                   buttons: Iterable[dict] = (), outcome: str | None = None, show_missing: bool = True) -> list[dict]:
    """The card of one PO (6 blocks at most): intro, header with total and status, lines, what is
    missing, buttons, the dashboard link, and an outcome line last ("✅ Approved by …")."""
    url = po_url(base_url, card["id"])
    head = f"*{link(url, card['po_number'])}* — {escape(card.get('vendor_name') or 'no vendor yet')}"
    if card.get("description"):
        head += "\n" + escape(clip(card["description"], 300))
    blocks = [section(intro)] if intro else []
    blocks += [section(head, fields=_fields(card, reader)), section(lines_text(card, reader, url))]
    if show_missing and card.get("submit_warnings"):
        blocks.append(section(missing_text(card["submit_warnings"])))
    actions = list(buttons)
    if actions:
        blocks.append({"type": "actions", "block_id": f"po_actions_{card['id']}", "elements": actions})
    if url:
        blocks.append(context(link(url, "Open in dashboard")))
    if outcome:
        blocks.append(section(outcome))
    return blocks
