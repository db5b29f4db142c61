"""Moving a PO between statuses (submit for now; approvals, reject, cancel, close, copy follow)."""
from __future__ import annotations

from core import audit, events
from core.fields import utcnow
from core.models import PurchaseOrder, User
from core.services.po_store import set_header
from core.services.settings import AppSettings
from core.types import PoStatus


def submit_locked(po: PurchaseOrder, actor: User, settings: AppSettings) -> None:
    """Submit a complete draft already locked by the caller's transaction.

    Until approval levels exist a submitted PO is approved at once, as a PO is when no level
    applies to its total.
    """
    now = utcnow()
    set_header(po.id, {"status": PoStatus.approved, "submitted_at": now, "approved_at": now})
    audit.record("purchase_order", po.id, "submitted", actor, {"status": [po.status, PoStatus.pending_approval]})
    audit.record("purchase_order", po.id, "approved", actor, {"status": [PoStatus.pending_approval, PoStatus.approved]}, comment="no approval level applies")
    events.publish(events.DomainEvent(events.PO_SUBMITTED, po.id, actor.id, {"approvers": []}))
    events.publish(events.DomainEvent(events.PO_APPROVED, po.id, actor.id))
