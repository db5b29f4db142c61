"""Lists: POs (mine, pending) and open invoice exceptions, up to 10 each, with "… and N more"."""
from __future__ import annotations

from typing import Any

from bot.blocks.format import Reader, age, clip, escape, link, money, po_url, section, status_text

LIST_LIMIT = 10
REASON_WORDS = {
    "price_variance": "price differs", "quantity_exceeds_ordered": "more billed than ordered",
    "quantity_exceeds_received": "more billed than received", "no_matching_po_line": "no matching PO line",
    "vendor_mismatch": "wrong vendor", "currency_mismatch": "wrong currency", "po_not_open": "PO not open",
    "po_not_found": "PO not found",
}


def po_line(item: dict[str, Any], reader: Reader, base_url: str | None) -> str:
    """`*PO-00042* · Acme Tools · ₹1,680.00 · Pending approval (level 1) · 2 d`"""
    text = (f"*{link(po_url(base_url, item['id']), item['po_number'])}* · {escape(clip(item.get('vendor_name') or 'no vendor yet', 80))}"
            f" · {money(item['total'], item['currency'], reader)} · {status_text(item)}")
    return text + (f" · {age(item['age'])}" if item.get("age") is not None else "")


def _more(total: int, shown: int, base_url: str | None, path: str) -> list[dict]:
    if total <= shown:
        return []
    more = f"… and {total - shown:,} more"
    return [section(f"{more} — {link(base_url + path, 'see them all in the dashboard')}" if base_url else more)]


def po_list_blocks(title: str, items: list[dict[str, Any]], total: int, reader: Reader, base_url: str | None, *,
                   empty: str, path: str = "/purchase-orders") -> list[dict]:
    """A titled list of at most 10 POs (12 blocks at most)."""
    if not items:
        return [section(f"*{escape(title)}*\n{empty}")]
    shown = items[:LIST_LIMIT]
    return ([section(f"*{escape(title)}*")] + [section(po_line(i, reader, base_url)) for i in shown]
            + _more(total, len(shown), base_url, path))


def exception_line(item: dict[str, Any], reader: Reader, base_url: str | None) -> str:
    """One invoice with open exceptions: number, vendor, PO, amount at stake, why, how long."""
    po = item.get("po_number") or "no PO"
    if item.get("purchase_order_id"):
        po = link(po_url(base_url, item["purchase_order_id"]), po)
    reasons = ", ".join(REASON_WORDS.get(r, r.replace("_", " ")) for r in item.get("reasons") or []) or "not matched"
    return (f"*{escape(item['invoice_number'])}* from {escape(item['vendor_name'])} on {po} · "
            f"{money(item['at_stake'], item['currency'], reader)} at stake · {reasons} · {age(item['age'])}")


def exception_list_blocks(items: list[dict[str, Any]], total: int, reader: Reader, base_url: str | None) -> list[dict]:
    """Open invoice exceptions, oldest first (12 blocks at most)."""
    if not items:
        return [section("*Open exceptions*\nNo invoice is waiting on an exception. 🎉")]
    shown = items[:LIST_LIMIT]
    return ([section("*Open exceptions*")] + [section(exception_line(i, reader, base_url)) for i in shown]
            + _more(total, len(shown), base_url, "/exceptions"))
