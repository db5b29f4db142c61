"""Keep a PO's derived statuses in step with its lines and invoices, and close it when it is done."""
from __future__ import annotations

from core import audit, events
from core.fields import utcnow
from core.models import Invoice, PoLine, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.progress import billing_status, closes_itself, match_status, receipt_status
from core.types import PoStatus


def refresh(po_id: int, actor: User | None) -> dict[str, list]:
    """Recompute receipt, billing and match status from the rows (the caller holds the PO's lock).

    Returns the changes made, `{field: [old, new]}`; an approved PO that is now done is closed.
    """
    status, matching, *current = (PurchaseOrder.select(
        PurchaseOrder.status, PurchaseOrder.matching, PurchaseOrder.receipt_status, PurchaseOrder.billing_status,
        PurchaseOrder.match_status).where(PurchaseOrder.id == po_id).tuples().get())
    quantities = list(PoLine.select(PoLine.quantity, PoLine.quantity_received, PoLine.quantity_billed)
                      .where(PoLine.po == po_id).tuples())
    invoices = [s for (s,) in Invoice.select(Invoice.match_status).where(Invoice.po == po_id).tuples()]
    new = {
        "receipt_status": receipt_status((q, r) for q, r, _ in quantities).value,
        "billing_status": billing_status((q, b) for q, _, b in quantities).value,
        "match_status": match_status(invoices).value,
    }
    changes = {k: [old, v] for (k, v), old in zip(new.items(), current) if old != v}
    if closes_itself(status, matching, new["receipt_status"], new["billing_status"]):
        transitions.check("auto_close", status)
        new["status"] = PoStatus.closed.value
        changes["status"] = [status, PoStatus.closed.value]
    if not changes:
        return changes
    PurchaseOrder.update(**new, version=PurchaseOrder.version + 1, updated_at=utcnow()).where(PurchaseOrder.id == po_id).execute()
    if "status" in changes:
        audit.record("purchase_order", po_id, "closed", actor, {"status": changes["status"]},
                     comment="closed automatically: fully billed" + ("" if matching == "two_way" else " and received"))
        events.publish(events.DomainEvent(events.PO_CLOSED, po_id, actor.id if actor else None, {"automatic": True}))
    return changes
