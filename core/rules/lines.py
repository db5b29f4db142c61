"""Line-item rules: SKU resolution, dimensions, unique identifiers, amount bounds."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from core.errors import Problem, pointer
from core.money import line_money, multiply
from core.rules.identifiers import identifier_key
from core.rules.state import Catalog, DimensionRef, LineState, SkuRef
from core.types import Matching

# Amounts are stored as integers of 10^-4 units (64-bit): keep every amount well inside that.
AMOUNT_LIMIT = Decimal(10) ** 14


class SkuResolution(NamedTuple):
    """The SKU a line names, or what it asked for, or what is wrong (a tuple: cheap to make for every line of a batch)."""

    sku: SkuRef | None
    requested_code: str | None = None  # what the line asked for, kept when it did not resolve
    requested_name: str | None = None
    problem: Problem | None = None


def resolve_sku(
    code: str | None, name: str | None, matching: str, catalog: Catalog, at: str
) -> SkuResolution:
    """Find the line's SKU: by code if given (the code wins), else by name, ignoring case.

    Three-way lines must name a SKU that exists and is active; a two-way line may, and one that
    does not resolve simply has no SKU (the PO reports a `sku_match_warnings` entry).
    """
    three_way = matching == Matching.three_way
    if code is None and name is None:
        if three_way:
            return SkuResolution(None, problem=Problem(
                "sku_required", "three-way lines need a sku_code or sku_name", at))
        return SkuResolution(None)
    if code is not None:
        sku, field, given = catalog.skus_by_code.get(code), "sku_code", code
    else:
        sku, field, given = catalog.skus_by_name.get(name.casefold()), "sku_name", name
    if sku is not None and sku.active:
        return SkuResolution(sku)
    if three_way:
        why = "is inactive" if sku is not None else "does not match any SKU"
        return SkuResolution(None, problem=Problem("sku_not_found", f"{field} {given!r} {why}", at + "/" + field))
    return SkuResolution(None, requested_code=code, requested_name=name)


def resolve_dimensions(
    given: dict[str, str], catalog: Catalog, at: str
) -> tuple[dict[str, DimensionRef], list[Problem]]:
    """The dimensions a line names, each of which must exist and be active."""
    found: dict[str, DimensionRef] = {}
    problems = []
    for dim_type, erp_id in given.items():
        ref = catalog.dimensions.get((dim_type, erp_id))
        if ref is None or not ref.active:
            why = "is inactive" if ref is not None else "does not exist"
            problems.append(Problem("dimension_not_found", f"dimension {dim_type} {erp_id!r} {why}", f"{at}/dimensions/{pointer(dim_type)[1:]}"))
        else:
            found[dim_type] = ref
    return found, problems


def duplicate_identifiers(lines: Iterable[tuple[str, LineState]]) -> list[Problem]:
    """A problem for each line whose identifier an earlier line already uses (as pairing reads them)."""
    seen: dict[str, str] = {}
    problems = []
    for at, line in lines:
        key = identifier_key(line.identifier)
        if key in seen:
            problems.append(duplicate_identifier(line.identifier, seen[key], at + "/identifier"))
        seen.setdefault(key, line.identifier)
    return problems


def duplicate_identifier(identifier: str, other: str, at: str) -> Problem:
    """The problem of a line named like another line of its PO."""
    like = "" if identifier == other else f" (as {other!r}: case and invisible characters do not count)"
    return Problem("duplicate_identifier", f"identifier {identifier!r} is used by another line of this PO{like}", at)


def amount_problems(lines: Iterable[tuple[str, LineState]], currency: str, exchange_rate: Decimal | None = None) -> list[Problem]:
    """Lines whose amount would be too large to keep exactly, and a total (or its value in the base
    currency) that would be."""
    problems = []
    total = Decimal(0)
    for at, line in lines:
        if line.quantity is None or line.rate is None:
            continue
        money = line_money(line.quantity, line.rate, line.tax_rate, currency)
        if money.amount + money.tax >= AMOUNT_LIMIT:
            problems.append(Problem("invalid_value", f"the line amount must be less than {AMOUNT_LIMIT:,}", at))
        total += money.amount + money.tax
    if not problems and total >= AMOUNT_LIMIT:
        problems.append(Problem("invalid_value", f"the PO total must be less than {AMOUNT_LIMIT:,}", "/line_items"))
    elif not problems and exchange_rate is not None and multiply(total, exchange_rate) >= AMOUNT_LIMIT:
        problems.append(Problem("invalid_value", f"the total in the base currency (total × exchange_rate) must be less than {AMOUNT_LIMIT:,}", "/exchange_rate"))
    return problems


def sku_match_warnings(matching: str, lines: Iterable[LineState]) -> list[dict]:
    """Two-way lines whose SKU reference did not resolve."""
    if matching != Matching.two_way:
        return []
    warnings = []
    for line in lines:
        if line.sku is None and (line.requested_sku_code or line.requested_sku_name):
            given = f"sku_code {line.requested_sku_code!r}" if line.requested_sku_code else f"sku_name {line.requested_sku_name!r}"
            warnings.append({
                "line_item_identifier": line.identifier,
                "sku_code": line.requested_sku_code,
                "sku_name": line.requested_sku_name,
                "message": f"{given} does not match an active SKU; the line has no SKU",
            })
    return warnings
