"""Two-way and three-way matching of an invoice against its PO (and receipts), as a pure function.

Semantics (each chosen so an AP clerk can predict the result):
- Pairing: `po_line_id` if given, else `sku_code`, else the PO line whose identifier is most like
  the invoice line's description. Fuzzy scores are rapidfuzz's token_sort_ratio (0–100) over
  case-folded words, so typos and word order both count; a pair needs FUZZY_THRESHOLD, and when the
  runner-up is within FUZZY_MARGIN of the best the line is not guessed but left an exception.
  A SKU on several open PO lines is likewise not guessed.
- Price: within when |unit_price − rate| ≤ max(rate × price_tolerance_pct / 100,
  price_tolerance_abs) — whichever tolerance is more generous wins, so a small absolute allowance
  still helps cheap items. Compared exactly: a tolerance is a bound, not an amount, so it is not
  rounded to the currency.
- Quantity: billed so far (including earlier paired lines of this invoice on the same PO line, even
  ones that are exceptions, since accepting them bills them) plus this
  line must not exceed ordered × (1 + quantity_tolerance_pct / 100); for three-way also received ×
  (1 + quantity_tolerance_pct / 100). Exactly at the limit passes.
- Header: no `po_number` → the invoice is `unmatched`; an unknown number → `po_not_found`; a PO that
  is not approved → `po_not_open`; another vendor → `vendor_mismatch`; another currency →
  `currency_mismatch`. With a header reason nothing is billed, but lines are still paired and
  checked so the clerk sees everything at once.
- Only `matched` lines count toward the PO line's billed quantity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from rapidfuzz import fuzz

from core.rules.identifiers import identifier_key
from core.types import Matching, PoStatus

FUZZY_THRESHOLD = 80.0
FUZZY_MARGIN = 5.0

MATCHED, EXCEPTION, UNMATCHED = "matched", "exception", "unmatched"


@dataclass(frozen=True)
class Tolerances:
    price_pct: Decimal = Decimal(0)
    price_abs: Decimal = Decimal(0)
    quantity_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class PoLineFacts:
    id: int
    identifier: str
    ordered: Decimal
    rate: Decimal
    received: Decimal = Decimal(0)
    billed: Decimal = Decimal(0)  # matched on other invoices, and on lines of this one already counted
    sku_code: str | None = None


@dataclass(frozen=True)
class PoFacts:
    id: int
    status: str
    vendor_id: int | None
    currency: str
    matching: str
    lines: tuple[PoLineFacts, ...]


@dataclass(frozen=True)
class InvoiceLineFacts:
    description: str
    quantity: Decimal
    unit_price: Decimal
    sku_code: str | None = None
    po_line_id: int | None = None
    counted: bool = False  # already counted toward billed: a re-match leaves it matched as it is
    paired_line_id: int | None = None  # where a counted line was paired


@dataclass(frozen=True)
class Reason:
    code: str
    expected: Any = None
    actual: Any = None


@dataclass(frozen=True)
class LineMatch:
    status: str
    po_line_id: int | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class InvoiceMatch:
    status: str
    reasons: tuple[Reason, ...] = ()
    lines: tuple[LineMatch, ...] = field(default_factory=tuple)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", identifier_key(text)).split())


def pair_by_description(description: str, lines: Sequence[PoLineFacts]) -> tuple[PoLineFacts | None, Reason | None]:
    """The PO line whose identifier is most like `description`, unless none is close or two are."""
    wanted = _words(description)
    scored = sorted(((fuzz.token_sort_ratio(wanted, _words(l.identifier)), i, l) for i, l in enumerate(lines)), key=lambda s: (-s[0], s[1]))
    if not scored or scored[0][0] < FUZZY_THRESHOLD:
        return None, Reason("no_matching_po_line", None, description)
    if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
        close = [l.identifier for score, _, l in scored if scored[0][0] - score < FUZZY_MARGIN]
        return None, Reason("no_matching_po_line", close, description)
    return scored[0][2], None


def pair(line: InvoiceLineFacts, po: PoFacts) -> tuple[PoLineFacts | None, Reason | None]:
    """The PO line an invoice line is for: by id, else SKU, else description."""
    if line.po_line_id is not None:
        found = next((l for l in po.lines if l.id == line.po_line_id), None)
        return (found, None) if found else (None, Reason("no_matching_po_line", None, line.po_line_id))
    if line.sku_code is not None:
        same = [l for l in po.lines if l.sku_code == line.sku_code]
        open_ = [l for l in same if l.billed < l.ordered] or same
        if len(open_) == 1:
            return open_[0], None
        return None, Reason("no_matching_po_line", [l.identifier for l in open_] or None, line.sku_code)
    return pair_by_description(line.description, po.lines)


def _within(limit: Decimal, pct: Decimal) -> Decimal:
    return limit + limit * pct / 100


def check_line(line: InvoiceLineFacts, target: PoLineFacts, billed: Decimal, matching: str, tol: Tolerances) -> tuple[Reason, ...]:
    """Why a paired line does not match (nothing when it does). `billed` includes earlier lines of this invoice."""
    reasons = []
    allowed = max(target.rate * tol.price_pct / 100, tol.price_abs)
    if abs(line.unit_price - target.rate) > allowed:
        reasons.append(Reason("price_variance", target.rate, line.unit_price))
    after = billed + line.quantity
    if after > _within(target.ordered, tol.quantity_pct):
        reasons.append(Reason("quantity_exceeds_ordered", target.ordered, after))
    if matching == Matching.three_way and after > _within(target.received, tol.quantity_pct):
        reasons.append(Reason("quantity_exceeds_received", target.received, after))
    return tuple(reasons)


def header_reasons(vendor_id: int, currency: str, po: PoFacts | None, po_number: str) -> tuple[Reason, ...]:
    """Why the invoice as a whole does not fit its PO."""
    if po is None:
        return (Reason("po_not_found", None, po_number),)
    reasons = []
    if po.status != PoStatus.approved:
        reasons.append(Reason("po_not_open", PoStatus.approved.value, po.status))
    if po.vendor_id != vendor_id:
        reasons.append(Reason("vendor_mismatch", po.vendor_id, vendor_id))
    if po.currency != currency:
        reasons.append(Reason("currency_mismatch", po.currency, currency))
    return tuple(reasons)


def match_invoice(
    vendor_id: int, currency: str, po_number: str | None, po: PoFacts | None,
    lines: Sequence[InvoiceLineFacts], tol: Tolerances,
) -> InvoiceMatch:
    """Match every line of an invoice; the invoice is matched only when nothing anywhere is wrong."""
    if po_number is None:
        return InvoiceMatch(UNMATCHED, (), tuple(LineMatch(UNMATCHED) for _ in lines))
    header = header_reasons(vendor_id, currency, po, po_number)
    if po is None:
        return InvoiceMatch(EXCEPTION, header, tuple(LineMatch(EXCEPTION) for _ in lines))
    billed_here: dict[int, Decimal] = {}
    results = []
    for line in lines:
        if line.counted:
            results.append(LineMatch(MATCHED, line.paired_line_id))
            continue
        target, why = pair(line, po)
        if target is None:
            results.append(LineMatch(EXCEPTION, None, (why,)))
            continue
        reasons = check_line(line, target, target.billed + billed_here.get(target.id, Decimal(0)), po.matching, tol)
        # Every paired line counts toward the next one's quantity check, even an exception: accepting
        # it later bills it, so the lines after it must already be judged with it included.
        billed_here[target.id] = billed_here.get(target.id, Decimal(0)) + line.quantity
        results.append(LineMatch(EXCEPTION if reasons or header else MATCHED, target.id, reasons))
    failed = header or any(r.status != MATCHED for r in results)
    return InvoiceMatch(EXCEPTION if failed else MATCHED, header, tuple(results))


def only_waiting_for_goods(match: InvoiceMatch) -> bool:
    """True when receiving more goods could be all this invoice needs (the re-match rule)."""
    codes = {r.code for line in match.lines for r in line.reasons}
    return match.status == EXCEPTION and not match.reasons and codes == {"quantity_exceeds_received"}
