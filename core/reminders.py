"""Approval reminders (slack.md): an approver whose decision has waited longer than
`approval_reminder_hours` gets one reminder DM per period listing what waits for them.

Business rules, like core/notifications.py: who is reminded and when; the bot's channel renders the
DM at delivery time (only the POs still waiting by then). "Never twice for the same period" holds
three ways: each reminder is an outbox row whose key names the approver and the period (so two
workers write it once), one worker at a time decides (a lease), and nobody is reminded again until
a whole period has passed since their last reminder (so a period boundary cannot bring two at once).
"""
from __future__ import annotations

import datetime as dt
import logging

from peewee import JOIN

from core import leases, outbox
from core.db import database
from core.fields import utcnow
from core.models import OutboxMessage, PoApproval, PoApprover, PurchaseOrder, User
from core.notifications import SLACK
from core.services.settings import get_settings
from core.types import PoStatus

log = logging.getLogger(__name__)

KEY_PREFIX = "slack:approval_reminder:"
_EPOCH = dt.datetime(1970, 1, 1)


def waiting_levels(now: dt.datetime, hours: int) -> dict[int, list[int]]:
    """{approver id: [PO ids]} for every current level undecided for at least `hours` (three queries).

    A level waits from the PO's submission (level 1) or from the decision on the level before it.
    """
    previous = PoApproval.alias()
    rows = (PoApproval.select(PoApproval.id, PoApproval.po, PurchaseOrder.submitted_at, PurchaseOrder.requested_by,
                              previous.decided_at.alias("previous_decided_at"))
            .join(PurchaseOrder, on=(PoApproval.po == PurchaseOrder.id))
            .join(previous, on=((previous.po == PoApproval.po) & (previous.level == PoApproval.level - 1)),
                  join_type=JOIN.LEFT_OUTER, src=PoApproval)
            .where(PurchaseOrder.status == PoStatus.pending_approval, PoApproval.level == PurchaseOrder.approval_level,
                   PoApproval.decision.is_null())
            .order_by(PurchaseOrder.submitted_at, PurchaseOrder.id).dicts())
    limit = dt.timedelta(hours=hours)
    waiting = {r["id"]: r for r in rows
               if now - (r["previous_decided_at"] or r["submitted_at"] or now) >= limit}
    due: dict[int, list[int]] = {}
    if not waiting:
        return due
    approvers = (PoApprover.select(PoApprover.approval, PoApprover.user).join(User)
                 .where(PoApprover.approval.in_(list(waiting)), User.active == True).tuples())  # noqa: E712
    for approval_id, user_id in approvers:
        row = waiting[approval_id]
        if user_id != row["requested_by"] and row["po"] not in due.get(user_id, []):
            due.setdefault(user_id, []).append(row["po"])
    return due


def _recently_reminded(now: dt.datetime, hours: int) -> set[int]:
    keys = (OutboxMessage.select(OutboxMessage.key)
            .where(OutboxMessage.key.startswith(KEY_PREFIX), OutboxMessage.created_at > now - dt.timedelta(hours=hours)).tuples())
    return {int(key[len(KEY_PREFIX):].split(":", 1)[0]) for (key,) in keys}


def period_of(now: dt.datetime, hours: int) -> int:
    """The number of the `hours`-long period `now` falls in (periods start at the Unix epoch)."""
    return int((now - _EPOCH).total_seconds() // (hours * 3600))


def send_approval_reminders(worker: str, now: dt.datetime | None = None) -> int:
    """Write this period's reminder messages (in one transaction); returns how many were written."""
    if not outbox.enabled(SLACK) or not leases.acquire("approval_reminders", worker, ttl_seconds=120):
        return 0
    try:
        now = now or utcnow()
        hours = max(1, int(get_settings().approval_reminder_hours))
        period = period_of(now, hours)
        with database.atomic():
            due = waiting_levels(now, hours)
            skip = _recently_reminded(now, hours)
            for user_id, po_ids in due.items():
                if user_id not in skip:
                    outbox.enqueue(SLACK, f"{KEY_PREFIX}{user_id}:{hours}h:{period}",
                                   {"type": "approval_reminder", "user_id": user_id, "po_ids": po_ids, "hours": hours},
                                   ordering_key=f"slack:user:{user_id}")
        written = len([u for u in due if u not in skip])
        if written:
            log.info("approval reminders: %d approver(s) reminded", written)
        return written
    finally:
        leases.release("approval_reminders", worker)
