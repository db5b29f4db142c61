"""Moving a PO between statuses: submit, approve level by level, reject, cancel, close.

Every action locks the PO row first (SELECT … FOR NO KEY UPDATE on PostgreSQL; on SQLite the write
transaction began IMMEDIATE, so it already holds the one write lock), decides on what it read,
and writes with a conditional UPDATE on the version it read: two approvers clicking at once are
serialised, and the second sees the first one's decision and is refused (AlreadyDecided).
"""
from __future__ import annotations

from core import audit, events
from core.db import database
from core.errors import (
    AlreadyDecided,
    IncompletePo,
    InvalidTransition,
    NotOwner,
    NotYourApproval,
    PoHasActivity,
    Problem,
    SelfApproval,
    SubmittedAgain,
    ValidationFailed,
    not_found,
)
from core.fields import utcnow
from core.models import PoLine, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.approval import to_ask
from core.rules.purchase_orders import submit_warnings
from core.schemas.actions import ApproveBody, CancelBody, CloseBody, RejectBody
from core.services import _approvals
from core.services._access import require_role
from core.services._common import args, locked_po
from core.services._po_store import bump, load_state
from core.services.settings import AppSettings, get_settings
from core.types import PoStatus, Role


def _move(po: PurchaseOrder, values: dict) -> None:
    """Write `values` onto the locked PO only if nobody changed it since it was read."""
    if not bump(po.id, values, if_version=po.version):
        raise InvalidTransition("change", po.status, "the PO changed while this was being decided; reload it")


def require_owner(actor: User | None, po: PurchaseOrder, doing: str) -> None:
    """The PO's requester or an admin (the system itself, None, may too)."""
    if actor is not None and po.requested_by_id != actor.id and not Role(actor.role).at_least(Role.admin):
        raise NotOwner(doing, po.po_number, po.requested_by_id)


def submit_locked(po: PurchaseOrder, actor: User, settings: AppSettings) -> None:
    """Submit a complete draft the caller has locked: freeze the levels its total needs, or approve it."""
    levels = _approvals.freeze_levels(po, settings)
    now = utcnow()
    audit.record("purchase_order", po.id, "submitted", actor, {
        "status": [po.status, PoStatus.pending_approval if levels else PoStatus.approved],
        "approval_levels": [None, [{"level": l.level, "min_total": l.min_total, "approvers": list(l.approver_ids)} for l, _ in levels]],
    })
    if not levels:
        _move(po, {"status": PoStatus.approved, "submitted_at": now, "approved_at": now, "approval_level": None})
        audit.record("purchase_order", po.id, "approved", actor, None, comment="no approval level applies to its total")
        events.publish(events.DomainEvent(events.PO_SUBMITTED, po.id, actor.id, {"level": None, "approvers": []}))
        events.publish(events.DomainEvent(events.PO_APPROVED, po.id, actor.id, {"level": None}))
        return
    _move(po, {"status": PoStatus.pending_approval, "submitted_at": now, "approved_at": None, "approval_level": 1})
    first, approval_id = levels[0]
    events.publish(events.DomainEvent(events.PO_SUBMITTED, po.id, actor.id, {
        "level": 1, "approval_id": approval_id, "round": po.version, "approvers": to_ask(first, po.requested_by_id)}))


def submit_po(actor: User, po_id: int, *, expected_version: int | None = None) -> PurchaseOrder:
    """Submit a draft for approval (or straight to approved when no level applies)."""
    require_role(actor, Role.requester, "submitting purchase orders")
    with database.atomic():
        po = locked_po(po_id, expected_version)
        require_owner(actor, po, "submit")
        transitions.check("submit", po.status)
        warnings = submit_warnings(load_state(po))
        if warnings:
            raise IncompletePo(warnings)
        submit_locked(po, actor, get_settings())
    return PurchaseOrder.get_by_id(po_id)


def _round_arg(value: object) -> int | None:
    """The `round` a face was shown (see approve_po), checked like the body's fields."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationFailed([Problem("invalid_type", "round must be a whole number of 0 or more", "/round")])
    return value


def _check_round(po: PurchaseOrder, levels: list[_approvals.Level], asked_round: int | None) -> None:
    """A decision shown for an earlier submission decides nothing in this one."""
    if asked_round is not None and levels and levels[0].round != asked_round:
        raise SubmittedAgain(po.po_number, po.submitted_at, po.status)


def _current_level(po: PurchaseOrder, actor: User, asked_level: int | None, asked_round: int | None) -> _approvals.Level:
    """The level an approver may decide now, or why they may not."""
    if po.requested_by_id == actor.id:
        raise SelfApproval(po.po_number)
    levels = _approvals.load_levels(po.id)
    _check_round(po, levels, asked_round)
    current = next((l for l in levels if l.level == po.approval_level), None)
    if current is None or current.decision is not None:
        raise InvalidTransition("decide", po.status, "this PO has no level waiting for a decision")
    if asked_level is not None and asked_level != current.level:
        shown = next((l for l in levels if l.level == asked_level), None)
        if shown is None or shown.decision is None:
            raise InvalidTransition("decide", po.status, f"level {asked_level} is not waiting; level {current.level} is", "/level")
        raise AlreadyDecided(shown.level, shown.decision, shown.decided_by_id, shown.decided_by_name, shown.decided_at, po.status,
                             f"level {asked_level} was already {shown.decision} by {shown.decided_by_name}; level {current.level} is waiting now",
                             "/level")
    if actor.id not in current.approver_ids:
        earlier = [l for l in levels if l.level < current.level and actor.id in l.approver_ids]
        if earlier:  # a click meant for a level someone else decided a moment ago
            last = earlier[-1]
            raise AlreadyDecided(last.level, last.decision, last.decided_by_id, last.decided_by_name, last.decided_at, po.status)
        raise NotYourApproval(current.level, current.approvers)
    return current


def check_decision(actor: User, po_id: int, *, level: int | None = None, round: int | None = None) -> None:
    """Raise what approving or rejecting would raise for `actor` now (role, own PO, not their level,
    already decided, submitted again since), without changing anything: a face asks before it opens a form."""
    require_role(actor, Role.approver, "deciding purchase orders")
    values, asked_round = args(ApproveBody, level=level), _round_arg(round)
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    if po.status != PoStatus.pending_approval:
        levels = _approvals.load_levels(po.id)
        _check_round(po, levels, asked_round)
        shown = next((l for l in levels if l.level == values.get("level")), None)
        if shown is not None and shown.decision is not None:
            raise AlreadyDecided(shown.level, shown.decision, shown.decided_by_id, shown.decided_by_name, shown.decided_at, po.status)
        raise InvalidTransition("decide", po.status)
    _current_level(po, actor, values.get("level"), asked_round)


def approve_po(actor: User, po_id: int, *, level: int | None = None, comment: str | None = None,
               expected_version: int | None = None, round: int | None = None) -> PurchaseOrder:
    """Approve the PO's current level (`level`: the one the approver was shown; `round`: the
    submission it was shown for, refused with SubmittedAgain once the PO was submitted again): on
    to the next level, or approved."""
    require_role(actor, Role.approver, "approving purchase orders")
    values, asked_round = args(ApproveBody, level=level, comment=comment), _round_arg(round)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("approve", po.status)
        current = _current_level(po, actor, values.get("level"), asked_round)
        _approvals.decide(current, "approved", actor, values.get("comment"), po.status)
        following = _approvals.next_level(po.id, current.level)
        audit.record("purchase_order", po.id, "level_approved", actor,
                     {"approval_level": [current.level, following.level if following else None]}, comment=values.get("comment"))
        data = {"level": current.level, "approval_id": current.id, "round": current.round}
        if following:
            _move(po, {"approval_level": following.level})
            events.publish(events.DomainEvent(events.PO_LEVEL_APPROVED, po.id, actor.id, {
                **data, "next_level": following.level, "next_approval_id": following.id,
                "approvers": to_ask(following.frozen, po.requested_by_id)}))
        else:
            _move(po, {"status": PoStatus.approved, "approval_level": None, "approved_at": utcnow()})
            audit.record("purchase_order", po.id, "approved", actor, {"status": [po.status, PoStatus.approved]})
            events.publish(events.DomainEvent(events.PO_LEVEL_APPROVED, po.id, actor.id, {
                **data, "next_level": None, "next_approval_id": None, "approvers": []}))
            events.publish(events.DomainEvent(events.PO_APPROVED, po.id, actor.id, {"level": current.level}))
    return PurchaseOrder.get_by_id(po_id)


def reject_po(actor: User, po_id: int, *, reason: str, level: int | None = None,
              expected_version: int | None = None, round: int | None = None) -> PurchaseOrder:
    """Reject the PO at its current level (`level`, `round`: as for approve_po), with a reason; the
    requester may edit and resubmit it."""
    require_role(actor, Role.approver, "rejecting purchase orders")
    values, asked_round = args(RejectBody, reason=reason, level=level), _round_arg(round)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("reject", po.status)
        current = _current_level(po, actor, values.get("level"), asked_round)
        _approvals.decide(current, "rejected", actor, values["reason"], po.status)
        _move(po, {"status": PoStatus.rejected, "approval_level": None})
        audit.record("purchase_order", po.id, "rejected", actor, {"status": [po.status, PoStatus.rejected]}, comment=values["reason"])
        events.publish(events.DomainEvent(events.PO_REJECTED, po.id, actor.id, {
            "level": current.level, "approval_id": current.id, "round": current.round, "reason": values["reason"]}))
    return PurchaseOrder.get_by_id(po_id)


def cancel_po(actor: User, po_id: int, *, reason: str | None = None, expected_version: int | None = None) -> PurchaseOrder:
    """Cancel a PO nothing has been received or billed on; its record stays."""
    require_role(actor, Role.requester, "cancelling purchase orders")
    values = args(CancelBody, reason=reason)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        require_owner(actor, po, "cancel")
        transitions.check("cancel", po.status)
        active = PoLine.select().where((PoLine.po == po.id) & ((PoLine.quantity_received > 0) | (PoLine.quantity_billed > 0)))
        if active.exists():
            raise PoHasActivity("goods were received or billed on this PO; it can be closed, not cancelled")
        _move(po, {"status": PoStatus.cancelled, "approval_level": None})
        audit.record("purchase_order", po.id, "cancelled", actor, {"status": [po.status, PoStatus.cancelled]}, comment=values.get("reason"))
        events.publish(events.DomainEvent(events.PO_CANCELLED, po.id, actor.id, {"reason": values.get("reason")}))
    return PurchaseOrder.get_by_id(po_id)


def close_po(actor: User, po_id: int, *, comment: str | None = None, expected_version: int | None = None) -> PurchaseOrder:
    """Close an approved PO by hand (podesk closes one that is done itself: core/services/_progress.py)."""
    require_role(actor, Role.admin, "closing purchase orders")
    values = args(CloseBody, comment=comment)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        transitions.check("close", po.status)
        _move(po, {"status": PoStatus.closed})
        audit.record("purchase_order", po.id, "closed", actor, {"status": [po.status, PoStatus.closed]}, comment=values.get("comment"))
        events.publish(events.DomainEvent(events.PO_CLOSED, po.id, actor.id, {}))
    return PurchaseOrder.get_by_id(po_id)
