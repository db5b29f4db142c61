"""A PO's derived statuses (receipt, billing, match) and closing itself when done: decided in one place.

`settle` derives what the statuses should be from the lines (and invoices) and whether the PO now
closes itself; `record_closed` writes the audit row and the event of an automatic close. `refresh`
is both for one PO read from its rows (after a receipt or an invoice); the ERP batch settles many
POs from the values it already holds and merges the result into its own row writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from core import audit, events
from core.models import Invoice, PoLine, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.progress import billing_status, closes_itself, match_status, receipt_status
from core.services._po_store import bump
from core.types import PoStatus


@dataclass(frozen=True)
class Facts:
    """What the derived statuses depend on; `invoices` None keeps the match status as it is."""

    status: str
    matching: str
    receipt_status: str
    billing_status: str
    match_status: str
    lines: tuple[tuple[Decimal, Decimal, Decimal], ...]  # (ordered, received, billed)
    invoices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Settled:
    values: dict[str, str]  # the columns to write: the derived statuses, and status when it closes
    changes: dict[str, list[str]]  # {field: [old, new]} for what differs
    closed: bool


def settle(facts: Facts) -> Settled:
    """The derived statuses the facts give, and whether an approved PO is now done and closes itself."""
    values = {
        "receipt_status": receipt_status((q, r) for q, r, _ in facts.lines).value,
        "billing_status": billing_status((q, b) for q, _, b in facts.lines).value,
        "match_status": facts.match_status if facts.invoices is None else match_status(facts.invoices).value,
    }
    current = {"receipt_status": facts.receipt_status, "billing_status": facts.billing_status, "match_status": facts.match_status}
    changes = {k: [current[k], v] for k, v in values.items() if current[k] != v}
    closed = closes_itself(facts.status, facts.matching, values["receipt_status"], values["billing_status"])
    if closed:
        transitions.check("auto_close", facts.status)
        values["status"] = PoStatus.closed.value
        changes["status"] = [facts.status, PoStatus.closed.value]
    return Settled(values, changes, closed)


def record_closed(closed: Iterable[tuple[int, str]], actor: User | None) -> None:
    """Audit and announce POs that closed themselves: (po id, matching) each."""
    happened = []
    for po_id, matching in closed:
        audit.record("purchase_order", po_id, "closed", actor, {"status": [PoStatus.approved.value, PoStatus.closed.value]},
                     comment="closed automatically: fully billed" + ("" if matching == "two_way" else " and received"))
        happened.append(events.DomainEvent(events.PO_CLOSED, po_id, actor.id if actor else None, {"automatic": True}))
    events.publish_many(happened)


def refresh(po_id: int, actor: User | None, *, lines_changed: bool) -> dict[str, list]:
    """Recompute one PO's derived statuses from its rows (the caller holds its lock); returns the changes.

    The PO's version moves on when a status changed or `lines_changed` (the caller wrote received
    or billed quantities): either way the PO a client holds is no longer the PO stored.
    """
    row = (PurchaseOrder.select(PurchaseOrder.status, PurchaseOrder.matching, PurchaseOrder.receipt_status,
                                PurchaseOrder.billing_status, PurchaseOrder.match_status)
           .where(PurchaseOrder.id == po_id).tuples().get())
    lines = tuple(PoLine.select(PoLine.quantity, PoLine.quantity_received, PoLine.quantity_billed).where(PoLine.po == po_id).tuples())
    invoices = tuple(s for (s,) in Invoice.select(Invoice.match_status).where(Invoice.po == po_id).tuples())
    settled = settle(Facts(*row, lines=lines, invoices=invoices))
    if settled.changes or lines_changed:
        bump(po_id, settled.values)
        if settled.closed:
            record_closed([(po_id, row[1])], actor)
    return settled.changes
