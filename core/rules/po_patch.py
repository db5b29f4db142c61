"""The rules of PATCH /purchase-orders/{id}: what may change when, and how lines are edited."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import Problem, pointer
from core.rules.identifiers import identifier_key
from core.rules.lines import amount_problems, duplicate_identifier, resolve_dimensions
from core.rules.purchase_orders import Broken, header_problems, new_line, resolve_vendor, set_sku
from core.rules.state import Catalog, LineState, PoState
from core.schemas.purchase_orders import MAX_LINES
from core.types import Matching, PoStatus

IMMUTABLE = ("status", "po_number", "external_id")
# Fields that shape what is bought and what it costs: only while nobody has signed off on it.
LOCKED_AFTER_SUBMIT = ("currency", "exchange_rate", "po_type", "matching", "po_date", "gstin")
EDITABLE = (PoStatus.draft, PoStatus.rejected)
FINAL = (PoStatus.cancelled, PoStatus.closed)
LINE_FIELDS = ("identifier", "quantity", "rate", "tax_rate")


@dataclass
class PatchOutcome:
    state: PoState
    problems: list[Problem] = field(default_factory=list)  # 400: shape, immutable fields, rules
    conflicts: list[Problem] = field(default_factory=list)  # 409: not editable in this status
    changed: bool = False


def _current(state: PoState, name: str) -> Any:
    return state.vendor.id if name == "vendor_id" and state.vendor else getattr(state, name, None)


def _conflicts(current: PoState, values: dict[str, Any], lines_changed: bool) -> list[Problem]:
    status = current.status
    changing = [n for n in values if n != "line_items" and values[n] != _current(current, n) and n not in IMMUTABLE]
    if lines_changed:  # lines sent exactly as they are change nothing, like any unchanged field
        changing.append("line_items")
    if status in FINAL:
        return [Problem("po_not_editable", f"a {status} purchase order cannot be changed", pointer(n)) for n in changing]
    problems = []
    for name in changing:
        if name in LOCKED_AFTER_SUBMIT + ("line_items",) and status not in EDITABLE:
            problems.append(Problem("po_not_editable", f"{name} can only change while the PO is a draft or rejected (it is {status})", pointer(name)))
        elif name == "vendor_id" and status != PoStatus.draft:
            problems.append(Problem("po_not_editable", f"the vendor is fixed once the PO is submitted (it is {status})", "/vendor_id"))
    return problems


def _edit_line(line: LineState, item: dict[str, Any], state: PoState, catalog: Catalog, at: str, broken: Broken, problems: list[Problem]) -> None:
    for name in LINE_FIELDS:
        if name in item and not broken(at, name):
            setattr(line, name, item[name])
    if "sku_code" in item or "sku_name" in item:
        set_sku(line, item, state.matching, catalog, at, broken, problems)
    if item.get("dimensions") is not None and not broken(at, "dimensions"):
        line.dimensions, found = resolve_dimensions(item["dimensions"], catalog, at)
        problems.extend(found)


def _apply_lines(state: PoState, items: list, catalog: Catalog, broken: Broken) -> tuple[list[tuple[str | None, LineState]], list[Problem], set[int]]:
    problems: list[Problem] = []
    resolved: set[int] = set()  # lines whose SKU this request named (and so were just checked)
    # Each line where the request put it (None: where it was); a removed line leaves None behind.
    placed: list[tuple[str | None, LineState] | None] = [(None, line) for line in state.lines]
    slot = {line.id: i for i, line in enumerate(state.lines)}
    by_id = {line.id: line for line in state.lines}
    for i, item in enumerate(items):
        at = f"/line_items/{i}"
        if item is None or broken(at, "id"):
            continue
        line_id = item.get("id")
        if line_id is None:
            if item.get("delete"):
                problems.append(Problem("invalid_line_items", "delete needs the id of the line to remove", at + "/delete"))
                continue
            missing = [n for n in ("identifier", "quantity", "rate") if n not in item and not broken(at, n)]
            problems += [Problem("missing_field", f"{n} is required for a new line", f"{at}/{n}") for n in missing]
            line, found = new_line(item, state.matching, catalog, at, broken)
            problems += found
            placed.append((at, line))
            resolved.add(id(line))
            continue
        line = by_id.get(line_id)
        if line is None:
            problems.append(Problem("invalid_line_items", f"this PO has no line with id {line_id}", at + "/id"))
        elif item.get("delete"):
            del by_id[line_id]
            placed[slot[line_id]] = None
        else:
            placed[slot[line_id]] = (at, line)
            _edit_line(line, item, state, catalog, at, broken, problems)
            if "sku_code" in item or "sku_name" in item:
                resolved.add(id(line))
    return [p for p in placed if p is not None], problems, resolved


def _line_problems(placed: list[tuple[str | None, LineState]], state: PoState, matching_changed: bool, resolved: set[int]) -> list[Problem]:
    problems = []
    if not placed:
        problems.append(Problem("invalid_line_items", "a purchase order needs at least one line item", "/line_items"))
    if len(placed) > MAX_LINES:
        problems.append(Problem("invalid_line_items", f"at most {MAX_LINES} line items (this change makes {len(placed)})", "/line_items"))
    owners: dict[str, list[tuple[str | None, str]]] = {}
    for at, line in placed:
        if line.identifier is not None:  # a missing one is reported as such
            owners.setdefault(identifier_key(line.identifier), []).append((at, line.identifier))
    for named in owners.values():
        # Only a clash this request makes: lines stored before identifiers were compared this way
        # may share a key, and a change to something else must not be refused for them.
        at, identifier = next(((a, i) for a, i in reversed(named) if a), (None, None))
        if len(named) > 1 and at is not None:
            other = next(i for a, i in named if a != at)
            problems.append(duplicate_identifier(identifier, other, at + "/identifier"))
    if matching_changed and state.matching == Matching.three_way:
        for at, line in placed:
            if line.sku is None and id(line) not in resolved:
                problems.append(Problem("sku_required", f"line {line.identifier!r} has no SKU; three-way lines need one", at or "/matching"))
    return problems


def copy_state(state: PoState) -> PoState:
    """A copy whose lines can be edited without touching `state` (references are immutable, shared)."""
    return _copy(state, lines=[_copy(l, dimensions=dict(l.dimensions)) for l in state.lines])


def _copy(obj, **changes):
    # A shallow copy of a plain dataclass: dataclasses.replace runs __init__ for every line, which
    # was a fifth of the rules of a batch of ERP updates.
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


def patched_po(current: PoState, values: dict[str, Any], catalog: Catalog, shape: list[Problem], *,
               erp_approved: bool = False) -> PatchOutcome:
    """The PO after a PATCH, or what stops it. `values` holds only the fields the request gave.

    `erp_approved`: the ERP, the source of truth, says the PO is approved; its lines and terms may
    change whatever the status (but for cancelled/closed), never below what was received or billed.
    """
    broken = Broken(shape)
    state = copy_state(current)
    out = PatchOutcome(state, problems=list(shape))
    for name in IMMUTABLE:
        if name in values and values[name] != getattr(current, name):
            out.problems.append(Problem("immutable_field", f"{name} can never be changed", pointer(name)))
    for name in PoState.HEADER_FIELDS:
        if name in values and not broken(pointer(name)):
            setattr(state, name, values[name])
    if "vendor_id" in values and not broken("/vendor_id"):
        state.vendor, found = resolve_vendor(values["vendor_id"], catalog)
        out.problems += found
    if "currency" in values and "exchange_rate" not in values and state.currency == catalog.base_currency:
        state.exchange_rate = Decimal(1)
    elif "currency" in values and "exchange_rate" not in values and current.currency != state.currency:
        state.exchange_rate = None  # a new foreign currency needs its own rate
    placed, found, resolved = _apply_lines(state, values.get("line_items") or [], catalog, broken)
    out.problems += found
    state.lines = [line for _, line in placed]
    if not erp_approved or current.status in FINAL:
        out.conflicts = _conflicts(current, values, state.lines != current.lines)
    out.problems += _line_problems(placed, state, state.matching != current.matching, resolved)
    out.problems += header_problems(state, catalog, broken)
    if state.currency:
        out.problems += amount_problems([(at or "/line_items", l) for at, l in placed], state.currency, state.exchange_rate)
    if erp_approved:
        out.conflicts += activity_conflicts(current, placed)
    out.conflicts += invoiced_removals(current, placed)
    out.changed = state != current
    return out


def invoiced_removals(current: PoState, placed: list[tuple[str | None, LineState]]) -> list[Problem]:
    """Lines an invoice is paired with cannot be removed: the invoice would lose its PO line."""
    kept = {line.id for _, line in placed}
    return [Problem("po_has_activity", f"line {line.identifier!r} is on an invoice; it cannot be removed", "/line_items")
            for line in current.lines if line.invoiced and line.id not in kept]


def activity_conflicts(current: PoState, placed: list[tuple[str | None, LineState]]) -> list[Problem]:
    """Lines removed, or cut below what was already received or billed on them."""
    after = {line.id: (at, line) for at, line in placed if line.id is not None}
    problems = []
    for line in current.lines:
        floor = max(line.quantity_received, line.quantity_billed)
        if floor <= 0 or line.invoiced and line.id not in after:
            continue
        if line.id not in after:
            problems.append(Problem("po_has_activity", f"line {line.identifier!r} has {floor} received or billed; it cannot be removed", "/line_items"))
        else:
            at, new = after[line.id]
            if new.quantity is not None and new.quantity < floor:
                problems.append(Problem("po_has_activity", f"line {line.identifier!r} cannot be cut to {new.quantity}: {floor} already received or billed", (at or "/line_items") + "/quantity"))
    return problems
