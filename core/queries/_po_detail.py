"""What a PO's own page adds to the PO resource: its invoices line by line, how each of its lines
matched, and what a draft still lacks. A fixed number of queries whatever the number of rows."""
from __future__ import annotations

from typing import Any

from core.errors import not_found
from core.models import Invoice, InvoiceLine, PurchaseOrder
from core.money import display_rate, plain, round_amount
from core.queries._invoices import _header, _rows
from core.rules.purchase_orders import submit_warnings
from core.services._po_store import load_state
from core.types import PoStatus

# How a PO line stands against the invoices paired with it; the worst one wins.
LINE_STATES = ("exception", "accepted", "matched", "not_billed")


def _invoice_line(line: InvoiceLine, currency: str, state: str) -> dict[str, Any]:
    return {
        "id": line.id, "line_no": line.line_no, "description": line.description, "sku_code": line.sku_code,
        "po_line_id": line.po_line_id, "quantity": plain(line.quantity),
        "unit_price": display_rate(line.unit_price, currency), "amount": round_amount(line.amount, currency),
        "match_status": line.match_status, "state": state, "reasons": line.reasons or [],
    }


def _line_state(invoice: dict[str, Any], line: InvoiceLine) -> str:
    """One invoice line's state. A line on an invoice with header reasons is already an exception
    (matching marks every paired line so); an accepted invoice's exceptions read as `accepted`."""
    if line.match_status == "matched":
        return "matched"
    return "accepted" if invoice["override"] else "exception"


def po_invoices(po_id: int) -> list[dict[str, Any]]:
    """The PO's invoices, oldest first, each with its lines, their state and reasons (two queries)."""
    invoices = [_header(row) for row in _rows().where(Invoice.po == po_id).order_by(Invoice.created_at, Invoice.id)]
    if not invoices:
        return []
    by_id = {inv["id"]: inv for inv in invoices}
    for inv in invoices:
        inv["lines"] = []
    query = (InvoiceLine.select().where(InvoiceLine.invoice.in_(list(by_id)))
             .order_by(InvoiceLine.invoice, InvoiceLine.line_no))
    for line in query:
        inv = by_id[line.invoice_id]
        inv["lines"].append(_invoice_line(line, inv["currency"], _line_state(inv, line)))
    return invoices


def line_matches(invoices: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """{PO line id: {state, reasons}} from `po_invoices`: reasons carry the invoice they come from.

    A line no invoice was paired with is absent (not billed). An invoice's header reasons (another
    vendor, currency …) count against every line paired on it.
    """
    found: dict[int, dict[str, Any]] = {}
    for inv in invoices:
        for line in inv["lines"]:
            if line["po_line_id"] is None:
                continue
            entry = found.setdefault(line["po_line_id"], {"state": "matched", "reasons": []})
            if LINE_STATES.index(line["state"]) < LINE_STATES.index(entry["state"]):
                entry["state"] = line["state"]
            if line["state"] in ("exception", "accepted"):
                reasons = line["reasons"] + inv["reasons"]
                entry["reasons"] += [{**r, "invoice_id": inv["id"], "invoice_number": inv["invoice_number"],
                                      "currency": inv["currency"], "accepted": line["state"] == "accepted"} for r in reasons]
    return found


def po_submit_warnings(po_id: int) -> dict[str, Any] | None:
    """What a draft or rejected PO still lacks before it can be submitted (None when nothing, or not a draft)."""
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    if po.status not in (PoStatus.draft, PoStatus.rejected):
        return None
    return submit_warnings(load_state(po))
