"""Moving a PO between statuses: submit, approve level by level, reject, cancel, close.

Every action locks the PO row first (SELECT … FOR UPDATE on PostgreSQL; on SQLite the write
transaction began IMMEDIATE, so it already holds the one write lock), decides on what it read,
and writes with a conditional UPDATE on the version it read: two approvers clicking at once are
serialised, and the second sees the first one's decision and is refused.
"""
from __future__ import annotations

from typing import Any

from core import audit, events
from core.db import database
from core.errors import Conflict, PermissionDenied, Problem, ValidationFailed, conflict
from core.fields import utcnow
from core.models import PoLine, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.approval import FrozenLevel, to_ask
from core.rules.purchase_orders import submit_warnings
from core.schemas.actions import ApproveBody, CancelBody, CloseBody, RejectBody, SubmitBody
from core.services import approval_store
from core.services._common import locked_po, parsed
from core.services.access import require_role
from core.services.po_store import load_state
from core.services.settings import AppSettings, get_settings
from core.types import PoStatus, Role


def move(po: PurchaseOrder, values: dict[str, Any]) -> None:
    """Write `values` onto the PO only if nobody changed it since it was read (else 409)."""
    changed = (
        PurchaseOrder.update(**values, version=PurchaseOrder.version + 1, updated_at=utcnow())
        .where(PurchaseOrder.id == po.id, PurchaseOrder.version == po.version)
        .execute()
    )
    if changed != 1:
        raise conflict("invalid_transition", "the PO changed while this was being decided; reload it")


def submit_locked(po: PurchaseOrder, actor: User, settings: AppSettings) -> list[FrozenLevel]:
    """Submit a complete draft the caller has locked: freeze the levels its total needs, or approve it."""
    levels = approval_store.freeze_levels(po, settings)
    now = utcnow()
    audit.record("purchase_order", po.id, "submitted", actor, {
        "status": [po.status, PoStatus.pending_approval if levels else PoStatus.approved],
        "approval_levels": [None, [{"level": l.level, "min_total": l.min_total, "approvers": list(l.approver_ids)} for l in levels]],
    })
    if not levels:
        move(po, {"status": PoStatus.approved, "submitted_at": now, "approved_at": now, "approval_level": None})
        audit.record("purchase_order", po.id, "approved", actor, None, comment="no approval level applies to its total")
        events.publish(events.DomainEvent(events.PO_SUBMITTED, po.id, actor.id, {"level": None, "approvers": []}))
        events.publish(events.DomainEvent(events.PO_APPROVED, po.id, actor.id, {"level": None}))
        return levels
    move(po, {"status": PoStatus.pending_approval, "submitted_at": now, "approved_at": None, "approval_level": 1})
    first = levels[0]
    events.publish(events.DomainEvent(events.PO_SUBMITTED, po.id, actor.id, {"level": 1, "approvers": to_ask(first, po.requested_by_id)}))
    return levels


def submit_po(actor: User, po_id: int, body: Any = None, *, expected_version: int | None = None) -> PurchaseOrder:
    """Submit a draft for approval (or straight to approved when no level applies)."""
    require_role(actor, Role.requester, "submitting purchase orders")
    parsed(SubmitBody, {} if body is None else body)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("submit", po.status)
        warnings = submit_warnings(load_state(po))
        if warnings:
            raise ValidationFailed([Problem("incomplete_po", "the PO is not complete enough to submit; see meta.submit_warnings")],
                                   meta={"submit_warnings": warnings})
        submit_locked(po, actor, get_settings())
    return PurchaseOrder.get_by_id(po_id)


def _current_level(po: PurchaseOrder, actor: User, asked_level: int | None) -> approval_store.Level:
    """The level an approver may decide now, or why they may not."""
    if po.requested_by_id == actor.id:
        raise PermissionDenied([Problem("self_approval_forbidden", "you raised this PO; someone else must decide it")])
    levels = approval_store.load_levels(po.id)
    current = next((l for l in levels if l.level == po.approval_level), None)
    if current is None or current.decision is not None:
        raise conflict("invalid_transition", "this PO has no level waiting for a decision")
    if asked_level is not None and asked_level != current.level:
        decided = next((l for l in levels if l.level == asked_level), None)
        who = f" by {decided.decided_by_name}" if decided and decided.decided_by_name else ""
        raise conflict("invalid_transition", f"level {asked_level} was already decided{who}; level {current.level} is waiting now", "/level")
    if actor.id not in current.approver_ids:
        earlier = [l for l in levels if l.level < current.level and actor.id in l.approver_ids]
        if earlier:  # a click meant for a level someone else decided a moment ago
            raise conflict("invalid_transition", f"level {earlier[-1].level} was already approved by {earlier[-1].decided_by_name}")
        raise PermissionDenied([Problem("not_your_approval", f"you are not an approver of level {current.level}")])
    return current


def approve_po(actor: User, po_id: int, body: Any = None, *, expected_version: int | None = None) -> PurchaseOrder:
    """Approve the PO's current level: on to the next level, or approved after the last one."""
    require_role(actor, Role.approver, "approving purchase orders")
    values = parsed(ApproveBody, {} if body is None else body)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("approve", po.status)
        level = _current_level(po, actor, values.get("level"))
        approval_store.decide(level, "approved", actor, values.get("comment"))
        following = approval_store.next_level(po.id, level.level)
        audit.record("purchase_order", po.id, "level_approved", actor,
                     {"approval_level": [level.level, following.level if following else None]}, comment=values.get("comment"))
        if following:
            move(po, {"approval_level": following.level})
            events.publish(events.DomainEvent(events.PO_LEVEL_APPROVED, po.id, actor.id, {
                "level": level.level, "next_level": following.level, "approvers": to_ask(following.frozen, po.requested_by_id)}))
        else:
            move(po, {"status": PoStatus.approved, "approval_level": None, "approved_at": utcnow()})
            audit.record("purchase_order", po.id, "approved", actor, {"status": [po.status, PoStatus.approved]})
            events.publish(events.DomainEvent(events.PO_LEVEL_APPROVED, po.id, actor.id, {"level": level.level, "next_level": None, "approvers": []}))
            events.publish(events.DomainEvent(events.PO_APPROVED, po.id, actor.id, {"level": level.level}))
    return PurchaseOrder.get_by_id(po_id)


def reject_po(actor: User, po_id: int, body: Any = None, *, expected_version: int | None = None) -> PurchaseOrder:
    """Reject the PO at its current level, with a reason; the requester may edit and resubmit it."""
    require_role(actor, Role.approver, "rejecting purchase orders")
    values = parsed(RejectBody, {} if body is None else body)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("reject", po.status)
        level = _current_level(po, actor, values.get("level"))
        approval_store.decide(level, "rejected", actor, values["reason"])
        move(po, {"status": PoStatus.rejected, "approval_level": None})
        audit.record("purchase_order", po.id, "rejected", actor, {"status": [po.status, PoStatus.rejected]}, comment=values["reason"])
        events.publish(events.DomainEvent(events.PO_REJECTED, po.id, actor.id, {"level": level.level, "reason": values["reason"]}))
    return PurchaseOrder.get_by_id(po_id)


def cancel_po(actor: User, po_id: int, body: Any = None, *, expected_version: int | None = None) -> PurchaseOrder:
    """Cancel a PO nothing has been received or billed on; its record stays."""
    require_role(actor, Role.requester, "cancelling purchase orders")
    values = parsed(CancelBody, {} if body is None else body)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        if po.requested_by_id != actor.id and not Role(actor.role).at_least(Role.admin):
            raise PermissionDenied([Problem("forbidden", "only the PO's requester or an admin can cancel it")])
        transitions.check("cancel", po.status)
        active = PoLine.select().where((PoLine.po == po.id) & ((PoLine.quantity_received > 0) | (PoLine.quantity_billed > 0)))
        if active.exists():
            raise Conflict([Problem("po_has_activity", "goods were received or billed on this PO; it can be closed, not cancelled")])
        move(po, {"status": PoStatus.cancelled, "approval_level": None})
        audit.record("purchase_order", po.id, "cancelled", actor, {"status": [po.status, PoStatus.cancelled]}, comment=values.get("reason"))
        events.publish(events.DomainEvent(events.PO_CANCELLED, po.id, actor.id, {"reason": values.get("reason")}))
    return PurchaseOrder.get_by_id(po_id)


def close_po(actor: User, po_id: int, body: Any = None, *, expected_version: int | None = None) -> PurchaseOrder:
    """Close an approved PO by hand (podesk closes one that is done itself: core/services/progress.py)."""
    require_role(actor, Role.admin, "closing purchase orders")
    values = parsed(CloseBody, {} if body is None else body)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("close", po.status)
        move(po, {"status": PoStatus.closed})
        audit.record("purchase_order", po.id, "closed", actor, {"status": [po.status, PoStatus.closed]}, comment=values.get("comment"))
        events.publish(events.DomainEvent(events.PO_CLOSED, po.id, actor.id, {}))
    return PurchaseOrder.get_by_id(po_id)
