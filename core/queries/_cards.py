"""A PO "card": what a message or a tile about one PO shows (Slack DMs, App Home, the dashboard)."""
from __future__ import annotations

from typing import Any

from peewee import JOIN, fn

from core.errors import not_found
from core.models import PoLine, PurchaseOrder, Sku, User
from core.money import display_rate, plain, round_amount
from core.queries._params import row_limit
from core.rules.purchase_orders import submit_warnings
from core.services._approvals import load_levels
from core.services._po_store import load_state
from core.services.settings import get_settings
from core.types import PoStatus


def _people(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    query = User.select(User.id, User.name, User.slack_id).where(User.id.in_(list(ids)))
    return {u.id: {"id": u.id, "name": u.name, "slack_id": u.slack_id} for u in query}


def po_card(po_id: int, *, max_lines: int = 5) -> dict[str, Any]:
    """Number, vendor, totals, status, the first lines and how many, the approval levels of its
    last submission (`round`) with their people (Slack ids included), and for a draft what it still
    lacks. A fixed number of queries."""
    max_lines = row_limit(max_lines, name="max_lines", least=0)
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    cur = po.currency
    lines = list(PoLine.select(PoLine, Sku.code).join(Sku, JOIN.LEFT_OUTER).where(PoLine.po == po_id)
                 .order_by(PoLine.line_no).limit(max_lines).dicts())
    line_count = PoLine.select(fn.COUNT(PoLine.id)).where(PoLine.po == po_id).scalar()
    levels = load_levels(po_id)
    people = _people({po.requested_by_id} | {uid for l in levels for uid, _ in l.approvers}
                     | {l.decided_by_id for l in levels if l.decided_by_id})
    missing = None
    if po.status in (PoStatus.draft, PoStatus.rejected):
        missing = submit_warnings(load_state(po))
    base = get_settings().base_currency
    return {
        "id": po.id, "po_number": po.po_number, "status": po.status, "vendor_id": po.vendor_id, "vendor_name": po.vendor_name,
        "description": po.description, "currency": cur, "subtotal": round_amount(po.subtotal, cur),
        "tax_total": round_amount(po.tax_total, cur), "total": round_amount(po.total, cur),
        "base_currency": base, "total_base": round_amount(po.total_base, base),
        "matching": po.matching, "po_type": po.po_type, "receipt_status": po.receipt_status,
        "billing_status": po.billing_status, "match_status": po.match_status, "version": po.version,
        "requested_by": people.get(po.requested_by_id), "submitted_at": po.submitted_at, "approved_at": po.approved_at,
        "lines": [{"id": l["id"], "line_no": l["line_no"], "identifier": l["identifier"], "sku_code": l["code"],
                   "quantity": plain(l["quantity"]), "rate": display_rate(l["rate"], cur), "amount": round_amount(l["amount"], cur)}
                  for l in lines],
        "line_count": line_count, "more_lines": max(0, line_count - len(lines)),
        "approval_level": po.approval_level,
        "round": levels[0].round if levels else None,  # the submission the levels belong to
        "levels": [{"level": l.level, "approval_id": l.id, "min_total": round_amount(l.min_total, base),
                    "approvers": [people[uid] for uid, _ in l.approvers if uid in people], "decision": l.decision,
                    "decided_by": people.get(l.decided_by_id), "decided_at": l.decided_at, "comment": l.comment}
                   for l in levels],
        "submit_warnings": missing,
    }
