"""A PO's statuses and the moves between them, as data plus one pure function."""
from __future__ import annotations

from core.errors import InvalidTransition
from core.types import PoStatus

D, P, A, R, X, C = (PoStatus.draft, PoStatus.pending_approval, PoStatus.approved, PoStatus.rejected,
                    PoStatus.cancelled, PoStatus.closed)

# action → {from status: statuses it may lead to}
TRANSITIONS: dict[str, dict[PoStatus, frozenset[PoStatus]]] = {
    "submit": {D: frozenset({P, A})},
    "approve": {P: frozenset({P, A})},  # a level approved: the next level, or approved after the last
    "reject": {P: frozenset({R})},
    "cancel": {D: frozenset({X}), P: frozenset({X}), A: frozenset({X})},
    "close": {A: frozenset({C})},
    "edit": {R: frozenset({D})},  # editing a rejected PO makes it a draft again
    # The ERP, the source of truth, says it is approved (bulk upsert): whatever podesk's own approval
    # round had reached.
    "import": {D: frozenset({A}), P: frozenset({A}), R: frozenset({A}), A: frozenset({A})},
}
# What the receipts and invoices issue adds: a fully billed (and received) PO closes itself.
TRANSITIONS["auto_close"] = {A: frozenset({C})}


def allowed(action: str, status: str) -> frozenset[PoStatus]:
    """The statuses `action` may lead to from `status` (empty when it may not happen at all)."""
    return TRANSITIONS.get(action, {}).get(PoStatus(status), frozenset())


def check(action: str, status: str, to: str | None = None) -> None:
    """Refuse with 409 invalid_transition unless `action` may move a PO from `status` (to `to`)."""
    targets = allowed(action, status)
    if not targets or (to is not None and PoStatus(to) not in targets):
        froms = ", ".join(sorted(TRANSITIONS.get(action, {}))) or "nowhere"
        raise InvalidTransition(action, str(status), f"cannot {action} a PO that is {status} (only from: {froms})")
