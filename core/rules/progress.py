"""A PO's receipt, billing and match statuses, derived from its lines and invoices (never set by hand)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from core.types import BillingStatus, Matching, MatchStatus, PoStatus, ReceiptStatus


def _progress(pairs: Iterable[tuple[Decimal, Decimal]]) -> tuple[bool, bool]:
    """(anything done, everything done) over (ordered, done) pairs.

    Each line's done quantity is capped at what was ordered before it counts, so twice the goods
    on one line cannot hide a line that is still short.
    """
    pairs = [(o, min(d, o)) for o, d in pairs]
    return any(d > 0 for _, d in pairs), bool(pairs) and all(d >= o for o, d in pairs)


def receipt_status(lines: Iterable[tuple[Decimal, Decimal]]) -> ReceiptStatus:
    """From (ordered, received) per line."""
    started, complete = _progress(lines)
    if complete:
        return ReceiptStatus.fully_received
    return ReceiptStatus.partially_received if started else ReceiptStatus.not_received


def billing_status(lines: Iterable[tuple[Decimal, Decimal]]) -> BillingStatus:
    """From (ordered, billed) per line."""
    started, complete = _progress(lines)
    if complete:
        return BillingStatus.fully_billed
    return BillingStatus.partially_billed if started else BillingStatus.not_billed


def match_status(invoice_statuses: Iterable[str]) -> MatchStatus:
    """`exception` while any of the PO's invoices has an open exception; `matched` once it has invoices."""
    statuses = list(invoice_statuses)
    if "exception" in statuses:
        return MatchStatus.exception
    return MatchStatus.matched if statuses else MatchStatus.none


def closes_itself(status: str, matching: str, receipt: str, billing: str) -> bool:
    """An approved PO closes once fully billed and, for three-way matching, fully received."""
    return (
        status == PoStatus.approved
        and billing == BillingStatus.fully_billed
        and (matching == Matching.two_way or receipt == ReceiptStatus.fully_received)
    )
