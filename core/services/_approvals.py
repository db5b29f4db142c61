"""Approval levels frozen onto a PO: write them at submit, read them, record decisions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from core import bulk
from core.db import Prepared
from core.errors import AlreadyDecided, NoEligibleApprover
from core.fields import utcnow
from core.models import PoApproval, PoApprover, PurchaseOrder, User
from core.rules.approval import FrozenLevel, LevelRule, Member, freeze, to_ask
from core.services.settings import AppSettings
from core.types import Role


@dataclass(frozen=True)
class Level:
    id: int
    level: int
    round: int  # the submission it belongs to (the PO's version when submitted)
    min_total: Decimal
    approvers: tuple[tuple[int, str], ...]  # (user id, name)
    decision: str | None
    decided_by_id: int | None
    decided_by_name: str | None
    decided_at: dt.datetime | None
    comment: str | None

    @property
    def approver_ids(self) -> tuple[int, ...]:
        return tuple(uid for uid, _ in self.approvers)

    @property
    def frozen(self) -> FrozenLevel:
        return FrozenLevel(self.level, self.min_total, self.approver_ids)


def policy(settings: AppSettings) -> list[LevelRule]:
    """The approval policy in force, as rule values."""
    return [LevelRule(level["min_total"], tuple(level["approvers"])) for level in settings.approval_levels]


def _candidates(rules: list[LevelRule]) -> list[Member]:
    ids = {a for rule in rules for a in rule.approvers if isinstance(a, int)}
    query = User.select(User.id, User.role, User.active).where(
        User.role.in_([Role.approver.value, Role.admin.value]) | User.id.in_(list(ids)))
    return [Member(u.id, u.role, u.active) for u in query]


def freeze_levels(po: PurchaseOrder, settings: AppSettings) -> list[tuple[FrozenLevel, int]]:
    """Write the levels this PO's total needs (replacing any from an earlier submission) as the
    round `po.version`, the version being submitted: (level, its row id) each."""
    rules = policy(settings)
    levels = freeze(po.total_base, rules, _candidates(rules)) if rules else []
    for level in levels:
        if not to_ask(level, po.requested_by_id):
            raise NoEligibleApprover(level.level, level.min_total, settings.base_currency)
    PoApproval.delete().where(PoApproval.po == po.id).execute()
    if not levels:
        return []
    ids = bulk.insert_rows(PoApproval, [{"po": po.id, "level": l.level, "round": po.version, "min_total": l.min_total}
                                           for l in levels], returning_ids=True)
    bulk.insert_rows(PoApprover, [{"approval": i, "user": uid} for l, i in zip(levels, ids) for uid in l.approver_ids])
    return list(zip(levels, ids))


def _levels_where(cond):
    return (PoApproval.select(PoApproval, User.name.alias("decider"))
            .join(User, JOIN.LEFT_OUTER, on=(PoApproval.decided_by == User.id))
            .where(cond).order_by(PoApproval.po, PoApproval.level).dicts())


def _approvers_where(cond):
    return (PoApprover.select(PoApprover.approval, User.id, User.name).join(User)
            .switch(PoApprover).join(PoApproval).where(cond).order_by(PoApprover.id).tuples())


# Every read of a submitted PO loads its levels: the two statements are written once (core.db.Prepared).
_LEVELS = Prepared(lambda po_id: _levels_where(PoApproval.po == po_id), PoApproval.po)
_APPROVERS = Prepared(lambda po_id: _approvers_where(PoApproval.po == po_id), PoApproval.po)


def _approvers(rows) -> dict[int, list[tuple[int, str]]]:
    """{approval id: [(user id, name)]} from the rows of _approvers_where."""
    found: dict[int, list[tuple[int, str]]] = {}
    for approval_id, user_id, name in rows:
        found.setdefault(approval_id, []).append((user_id, name))
    return found


def _level(row: dict, approvers: dict[int, list[tuple[int, str]]]) -> Level:
    return Level(row["id"], row["level"], row["round"], row["min_total"], tuple(approvers.get(row["id"], ())),
                 row["decision"], row["decided_by"], row["decider"], row["decided_at"], row["comment"])


def load_levels(po_id: int) -> list[Level]:
    """The PO's levels in order, with their approvers and decisions (two queries)."""
    rows = list(_LEVELS.rows(po_id))
    approvers = _approvers(_APPROVERS.rows(po_id)) if rows else {}
    return [_level(r, approvers) for r in rows]


def load_levels_of(po_ids: list[int]) -> dict[int, list[Level]]:
    """{PO id: its levels, as `load_levels` reads them} for many POs (two queries whatever their
    number); a PO without levels is absent."""
    rows = list(_levels_where(PoApproval.po.in_(po_ids))) if po_ids else []
    approvers = _approvers(_approvers_where(PoApproval.po.in_(po_ids))) if rows else {}
    levels: dict[int, list[Level]] = {}
    for r in rows:
        levels.setdefault(r["po"], []).append(_level(r, approvers))
    return levels


def next_level(po_id: int, after: int) -> Level | None:
    """The level after `after`, if the PO has one."""
    return next((l for l in load_levels(po_id) if l.level == after + 1), None)


def decide(level: Level, decision: str, actor: User, comment: str | None, status: str) -> None:
    """Record the decision on an undecided level (AlreadyDecided, with who and when, if someone was first)."""
    changed = (
        PoApproval.update(decision=decision, decided_by=actor.id, decided_at=utcnow(), comment=comment)
        .where(PoApproval.id == level.id, PoApproval.decision.is_null())
        .execute()
    )
    if changed != 1:
        first = next(l for l in load_levels(level_po(level.id)) if l.id == level.id)
        raise AlreadyDecided(first.level, first.decision, first.decided_by_id, first.decided_by_name, first.decided_at, status)


def level_po(approval_id: int) -> int:
    """The PO an approval level belongs to."""
    return PoApproval.select(PoApproval.po).where(PoApproval.id == approval_id).scalar()
