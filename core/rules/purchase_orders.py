"""The rules a purchase order obeys on create, as plain functions over plain values."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from core.errors import Problem
from core.rules.lines import (
    amount_problems,
    duplicate_identifiers,
    resolve_dimensions,
    resolve_sku,
)
from core.rules.state import Catalog, LineState, PoState, VendorRef
from core.types import Matching


class Broken:
    """Where the request already failed validation, so the rules don't pile guesses on top."""

    def __init__(self, problems: Iterable[Problem]):
        self._pointers = [p.pointer or "" for p in problems]

    def __call__(self, at: str, *fields: str) -> bool:
        """Whether the value at `at` (under it: `fields`, as broken("/line_items/2", "rate")) failed."""
        if not self._pointers:  # the usual case: nothing was broken, and no pointer need be built
            return False
        if fields:
            at = "/".join((at, *fields))
        return any(p == at or p.startswith(at + "/") for p in self._pointers)


def resolve_vendor(vendor_id: int | None, catalog: Catalog, at: str = "/vendor_id") -> tuple[VendorRef | None, list[Problem]]:
    """The vendor a PO names, which must exist and be active."""
    if vendor_id is None:
        return None, []
    vendor = catalog.vendors.get(vendor_id)
    if vendor is None or not vendor.active:
        why = "is inactive" if vendor is not None else "does not exist"
        return None, [Problem("vendor_not_found", f"vendor {vendor_id} {why}", at)]
    return vendor, []


def header_problems(state: PoState, catalog: Catalog, broken: Broken) -> list[Problem]:
    """Rules across header fields: delivery after the PO date, an exchange rate that fits."""
    problems = []
    if state.delivery_date and state.po_date and state.delivery_date < state.po_date:
        problems.append(Problem("invalid_delivery_date", f"delivery_date {state.delivery_date} is before po_date {state.po_date}", "/delivery_date"))
    if state.currency and not broken("/currency") and not broken("/exchange_rate"):
        base = catalog.base_currency
        if state.currency == base and state.exchange_rate not in (None, Decimal(1)):
            problems.append(Problem("invalid_value", f"exchange_rate must be 1 for the base currency {base}", "/exchange_rate"))
        elif state.currency != base and state.exchange_rate is None:
            problems.append(Problem("invalid_value", f"exchange_rate is required: {state.currency} is not the base currency {base}", "/exchange_rate"))
    return problems


def new_line(item: dict[str, Any], matching: str | None, catalog: Catalog, at: str, broken: Broken) -> tuple[LineState, list[Problem]]:
    """A line from a request item, its SKU and dimensions resolved."""
    problems: list[Problem] = []
    line = LineState(
        identifier=item.get("identifier") or "",
        quantity=item.get("quantity"),
        rate=item.get("rate"),
        tax_rate=item.get("tax_rate") if item.get("tax_rate") is not None else Decimal(0),
    )
    set_sku(line, item, matching, catalog, at, broken, problems)
    if item.get("dimensions") is not None:
        line.dimensions, found = resolve_dimensions(item["dimensions"], catalog, at)
        problems.extend(found)
    return line, problems


def set_sku(line: LineState, item: dict[str, Any], matching: str | None, catalog: Catalog, at: str, broken: Broken, problems: list[Problem]) -> None:
    """Resolve the SKU an item names onto `line` (nothing when its inputs were already invalid)."""
    if matching is None or broken(at, "sku_code") or broken(at, "sku_name"):
        return
    found = resolve_sku(item.get("sku_code"), item.get("sku_name"), matching, catalog, at)
    line.sku, line.requested_sku_code, line.requested_sku_name = found.sku, found.requested_code, found.requested_name
    if found.problem:
        problems.append(found.problem)


def new_po(values: dict[str, Any], catalog: Catalog, today: dt.date, shape: list[Problem]) -> tuple[PoState, list[Problem]]:
    """The PO a create request describes, with its defaults, and every problem with it."""
    broken = Broken(shape)
    problems = list(shape)
    vendor, found = resolve_vendor(values.get("vendor_id"), catalog)
    problems += found
    # Absent means the default (an ERP item is parsed without defaults); broken means unknown.
    matching = (values.get("matching") or Matching.three_way) if not broken("/matching") else None
    currency = values.get("currency")
    if currency is None and not broken("/currency"):
        currency = (vendor.currency if vendor and vendor.currency else None) or catalog.base_currency
    rate = values.get("exchange_rate")
    if rate is None and currency == catalog.base_currency:
        rate = Decimal(1)
    state = PoState(
        po_type=values.get("po_type"), matching=matching or Matching.three_way, po_date=values.get("po_date") or today,
        currency=currency, exchange_rate=rate, lines=[], po_number=values.get("po_number"),
        external_id=values.get("external_id"), vendor=vendor, delivery_date=values.get("delivery_date"),
        gstin=values.get("gstin"), description=values.get("description"),
        payment_terms=values.get("payment_terms") or (vendor.payment_terms if vendor else None),
        terms_and_conditions=values.get("terms_and_conditions"), notes=values.get("notes"),
    )
    if broken("/po_date"):
        state.po_date = None
    placed = []
    for i, item in enumerate(values.get("line_items") or []):
        if item is None:
            continue
        at = f"/line_items/{i}"
        line, found = new_line(item, matching, catalog, at, broken)
        problems += found
        state.lines.append(line)
        placed.append((at, line))
    problems += header_problems(state, catalog, broken)
    problems += duplicate_identifiers((at, l) for at, l in placed if not broken(at, "identifier"))
    if currency:
        problems += amount_problems(placed, currency, rate)
    return state, problems


def submit_warnings(state: PoState) -> dict[str, Any] | None:
    """What still stops this PO from being submitted, field by field; None when nothing does."""
    po = [name for name, ok in (
        ("vendor_id", state.vendor is not None),
        ("description", bool(state.description)),
        ("payment_terms", bool(state.payment_terms)),
    ) if not ok]
    lines = {}
    for line in state.lines:
        missing = [name for name in ("quantity", "rate") if not (getattr(line, name) or 0) > 0]
        if missing:
            lines[line.identifier] = missing
    if not po and not lines:
        return None
    return {"po": po, "line_items": lines}
