"""What a person may do to a PO or an invoice right now, as pure functions over plain values.

A face shows only these actions; the service behind each one checks again, so a hidden button is
never the permission. The answers follow the services' own checks: role, ownership, status,
the approval level waiting for a decision, and whether goods were received or billed.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.rules.lifecycle import allowed
from core.types import Role

PO_ACTIONS = ("submit", "approve", "reject", "send", "cancel", "close", "copy")
SENDABLE = ("approved", "closed")


@dataclass(frozen=True)
class PoSituation:
    """The facts about a PO that decide which actions are open."""

    status: str
    requested_by_id: int
    waiting_approvers: tuple[int, ...] = ()  # who may decide the level waiting now (none unless pending)
    has_activity: bool = False  # something was received or billed on it
    mail: bool = False  # the deployment can send email (an SMTP server is configured)


def po_actions(role: str, user_id: int, po: PoSituation) -> tuple[str, ...]:
    """The actions `user_id` (with `role`) may take on `po` now, in PO_ACTIONS order."""
    rank = Role(role)
    owner = po.requested_by_id == user_id or rank.at_least(Role.admin)
    open_: set[str] = set()
    if rank.at_least(Role.requester):
        open_.add("copy")
        if owner and allowed("submit", po.status):
            open_.add("submit")
        if owner and allowed("cancel", po.status) and not po.has_activity:
            open_.add("cancel")
        if po.mail and po.status in SENDABLE:
            open_.add("send")
    deciding = user_id in po.waiting_approvers and user_id != po.requested_by_id
    if rank.at_least(Role.approver) and deciding and allowed("approve", po.status):
        open_.update(("approve", "reject"))
    if rank.at_least(Role.admin) and allowed("close", po.status):
        open_.add("close")
    return tuple(a for a in PO_ACTIONS if a in open_)


def may_accept_invoices(role: str) -> bool:
    """True when the role may accept an invoice's exceptions (approvers and admins)."""
    return Role(role).at_least(Role.approver)
