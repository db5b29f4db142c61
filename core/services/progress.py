"""Keep a PO's derived statuses in step with its lines and invoices, and close it when it is done."""
from __future__ import annotations

from core import audit, events
from core.fields import utcnow
from core.models import Invoice, PoLine, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.progress import billing_status, closes_itself, match_status, receipt_status
from core.types import PoStatus


def refresh(po_id: int, actor: User | None) -> PurchaseOrder:
    """Recompute receipt, billing and match status from the rows (the PO is locked by the caller)."""
    po = PurchaseOrder.get_by_id(po_id)
    quantities = list(PoLine.select(PoLine.quantity, PoLine.quantity_received, PoLine.quantity_billed)
                      .where(PoLine.po == po_id).tuples())
    invoices = [s for (s,) in Invoice.select(Invoice.match_status).where(Invoice.po == po_id).tuples() if s != "unmatched"]
    new = {
        "receipt_status": receipt_status((q, r) for q, r, _ in quantities),
        "billing_status": billing_status((q, b) for q, _, b in quantities),
        "match_status": match_status(invoices),
    }
    changes = {k: [getattr(po, k), v.value] for k, v in new.items() if getattr(po, k) != v}
    if closes_itself(po.status, po.matching, new["receipt_status"], new["billing_status"]):
        transitions.check("auto_close", po.status)
        new["status"] = PoStatus.closed
        changes["status"] = [po.status, PoStatus.closed]
    if not changes:
        return po
    PurchaseOrder.update(**new, version=PurchaseOrder.version + 1, updated_at=utcnow()).where(PurchaseOrder.id == po_id).execute()
    if "status" in changes:
        audit.record("purchase_order", po_id, "closed", actor, {"status": changes["status"]},
                     comment="closed automatically: fully billed" + ("" if po.matching == "two_way" else " and received"))
        events.publish(events.DomainEvent(events.PO_CLOSED, po_id, actor.id if actor else None, {"automatic": True}))
    return PurchaseOrder.get_by_id(po_id)
