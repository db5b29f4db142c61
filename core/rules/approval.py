"""The approval policy: which levels a PO needs, by its total in the base currency."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from core.types import Role


@dataclass(frozen=True)
class LevelRule:
    """A level as configured: POs of at least `min_total` (base currency) need one of `approvers`."""

    min_total: Decimal
    approvers: tuple[int | str, ...]  # user ids, or a role name (approver, admin)


@dataclass(frozen=True)
class Member:
    id: int
    role: str
    active: bool = True


@dataclass(frozen=True)
class FrozenLevel:
    """A level as frozen onto a PO at submit: numbered, with concrete approvers."""

    level: int
    min_total: Decimal
    approver_ids: tuple[int, ...]


def levels_needed(total_base: Decimal, policy: Iterable[LevelRule]) -> list[LevelRule]:
    """Every level whose min_total ≤ total_base (inclusive), lowest first."""
    return sorted((rule for rule in policy if rule.min_total <= total_base), key=lambda rule: rule.min_total)


def approvers_of(rule: LevelRule, users: Sequence[Member]) -> tuple[int, ...]:
    """The active users a level names: listed ids, and everyone whose role includes a listed role."""
    by_id = {u.id: u for u in users}
    chosen: list[int] = []
    for entry in rule.approvers:
        if isinstance(entry, int):
            found = [by_id[entry]] if entry in by_id else []
        else:
            found = [u for u in users if Role(u.role).at_least(Role(entry))]
        for user in found:
            if user.active and Role(user.role).at_least(Role.approver) and user.id not in chosen:
                chosen.append(user.id)
    return tuple(chosen)


def freeze(total_base: Decimal, policy: Iterable[LevelRule], users: Sequence[Member]) -> list[FrozenLevel]:
    """The levels a PO of `total_base` needs, numbered from 1, each with its approvers as of now."""
    return [
        FrozenLevel(number, rule.min_total, approvers_of(rule, users))
        for number, rule in enumerate(levels_needed(total_base, policy), start=1)
    ]


def to_ask(level: FrozenLevel, requester_id: int) -> list[int]:
    """Who should be asked to decide a level: its approvers, never the requester of the PO."""
    return [uid for uid in level.approver_ids if uid != requester_id]
