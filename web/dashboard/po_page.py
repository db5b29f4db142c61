"""One PO's page (`/purchase-orders/<id>`): header and totals, lines with ordered / received /
billed and how each matched, receipts, invoices line by line, approvals, the audit trail, and the
actions the viewer may take."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, g, make_response, render_template

from core import queries
from core.errors import NotFound
from core.rules.actions import PoSituation, po_actions
from web.dashboard import dashboard
from web.api.documents import pdf_response
from web.dashboard.render import page

ROWS = {"per_page": ["200"]}  # receipts and trail entries shown (a PO rarely has more; the API pages the rest)
EVENT_WORDS = {
    "created": "Created", "updated": "Changed", "submitted": "Submitted", "level_approved": "Approved a level",
    "approved": "Approved", "rejected": "Rejected", "cancelled": "Cancelled", "closed": "Closed",
    "copied_from": "Copied from another PO", "receipt_recorded": "Recorded goods received",
    "invoice_matched": "Invoice matched", "invoice_exception": "Invoice did not match",
    "exception_accepted": "Accepted an invoice's exceptions", "imported": "Imported from the ERP",
}
SUMMARY_SKIPS = {"created": {"po_type", "matching", "exchange_rate", "subtotal", "tax_total", "total_base",
                             "vendor_id", "vendor_name", "description", "payment_terms", "po_date", "currency", "total"}}
NEVER_SUMMARISED = {"approval_level", "approval_levels"}  # the approvals table shows these


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, Decimal))


@dashboard.app_template_global("event_details")
def event_details(event: dict[str, Any]) -> list[str]:
    """An audit event's changes as short lines (`status: draft → pending_approval`), complex values named only."""
    lines = []
    skip = SUMMARY_SKIPS.get(event["action"], set())
    for key, change in (event.get("changes") or {}).items():
        if key in skip or key in NEVER_SUMMARISED:
            continue
        name = key.replace("_", " ")
        if isinstance(change, list) and len(change) == 2 and all(_scalar(v) for v in change):
            old, new = change
            lines.append(f"{name}: {new}" if old is None else f"{name}: {old} → {new}")
        elif isinstance(change, dict):
            lines.extend(f"{name} {how}: {', '.join(map(str, items))}" for how, items in change.items() if items)
        else:
            lines.append(f"{name} changed")
    return lines


def _waiting_level(po: dict[str, Any]) -> dict[str, Any] | None:
    if po["status"] != "pending_approval":
        return None
    return next((level for level in po["approvals"] if level["decision"] is None), None)


def _actions(po: dict[str, Any], waiting: dict[str, Any] | None) -> tuple[str, ...]:
    active = any(line["quantity_received"] > 0 or line["quantity_billed"] > 0 for line in po["line_items"])
    situation = PoSituation(po["status"], po["requested_by"]["id"],
                            tuple(a["id"] for a in waiting["approvers"]) if waiting else (), active, queries.mail_configured())
    return po_actions(g.user.role, g.user.id, situation)


def po_context(po_id: int) -> dict[str, Any]:
    """Everything the PO page shows, in a fixed number of queries whatever the PO holds."""
    po = queries.purchase_order(po_id)
    invoices = queries.po_invoices(po_id)
    vendors = {inv["vendor_id"]: inv["vendor_name"] for inv in invoices}
    if po["vendor_id"]:
        vendors[po["vendor_id"]] = po["vendor_name"]
    waiting = _waiting_level(po)
    actions = _actions(po, waiting)
    return {
        "po": po, "invoices": invoices, "matches": queries.line_matches(invoices), "vendor_names": vendors,
        "receipts": queries.receipts(po_id, ROWS)[0], "events": queries.po_events(po_id, ROWS)[0],
        "warnings": queries.po_submit_warnings(po_id), "waiting": waiting, "actions": actions,
        "event_words": EVENT_WORDS, "base_currency": queries.settings()["base_currency"],
        "emails": queries.po_emails(po_id, ROWS)[0],
        "draft": queries.email_draft(po_id, g.user.locale) if "send" in actions else None,
    }


def missing_po(po_id: int) -> Response:
    """A friendly 404 for a PO that does not exist."""
    text = (f"There is no purchase order {po_id}. The link may be wrong, or the PO was a draft that has been deleted. "
            "Find it in the list by its number or vendor.")
    return make_response(render_template("error.html", title="Purchase order not found", text=text, status=404,
                                         link=("/purchase-orders", "Search the purchase orders")), 404)


def render_po(po_id: int, status: int = 200, **extra: Any) -> Response:
    """The PO page (or its fragment for htmx), with an action's error or form values in `extra`."""
    try:
        context = po_context(po_id)
    except NotFound:
        return missing_po(po_id)
    return page("po.html", "_po.html", status, **context, **extra)


@dashboard.get("/purchase-orders/<int:po_id>")
def purchase_order(po_id: int):
    """One PO in full."""
    return render_po(po_id)


@dashboard.get("/purchase-orders/<int:po_id>/pdf")
def purchase_order_pdf(po_id: int):
    """The PO as the vendor receives it (a PDF in the reader's locale)."""
    try:
        return pdf_response(*queries.po_pdf(po_id, g.user.locale))
    except NotFound:
        return missing_po(po_id)
