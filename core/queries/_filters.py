"""What a PO list shows, as a typed value: parsed from a query string by the API and the dashboard
(one parser), built directly by the bot, checked against the same limits either way (the page,
amounts, text: core/queries/_params.py holds them).

A face that builds a `PoFilter` with a wrong type or an unknown value gets ValidationFailed naming
the field, exactly as an API client sending that query string would.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from core.errors import Problem, ValidationFailed
from core.queries._params import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_TEXT,
    Args,
    Paging,
    Reader,
    amount_problem,
    text_problem,
)
from core.types import MAX_ID, BillingStatus, Matching, MatchStatus, PoStatus, PoType, ReceiptStatus

SORTABLE = ("po_number", "po_date", "delivery_date", "created_at", "total", "vendor_name", "status")
CHOICES: dict[str, tuple[str, ...]] = {
    "status": tuple(PoStatus), "receipt_status": tuple(ReceiptStatus), "billing_status": tuple(BillingStatus),
    "match_status": tuple(MatchStatus), "po_type": tuple(PoType), "matching": tuple(Matching),
}
IDS = ("vendor_id", "requested_by")


@dataclass(frozen=True)
class PoFilter:
    """Filters, sort and page of a PO list (api.md "Read and list")."""

    status: tuple[str, ...] = ()
    receipt_status: tuple[str, ...] = ()
    billing_status: tuple[str, ...] = ()
    match_status: tuple[str, ...] = ()
    po_type: tuple[str, ...] = ()
    matching: tuple[str, ...] = ()
    vendor_id: tuple[int, ...] = ()
    requested_by: tuple[int, ...] = ()
    po_date_from: dt.date | None = None
    po_date_to: dt.date | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    q: str | None = None
    external_id: str | None = None
    sort: tuple[tuple[str, bool], ...] = (("created_at", True),)  # (column, descending)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValidationFailed(problems)

    @classmethod
    def of(cls, **values: Any) -> "PoFilter":
        """The filter a face builds from names (the bot): an unknown name is ValidationFailed, like a bad value."""
        known = {f.name for f in fields(cls)}
        unknown = [Problem("unknown_field", f"unknown filter {name!r} (known: {', '.join(sorted(known))})", "/" + name)
                   for name in values if name not in known]
        if unknown:
            raise ValidationFailed(unknown)
        return cls(**values)

    @property
    def paging(self) -> Paging:
        return Paging(self.page, self.per_page)

    @classmethod
    def from_args(cls, args: Args) -> "PoFilter":
        """The filter a query string describes (400 naming every bad parameter)."""
        r = Reader(args, [f.name for f in fields(cls) if f.name not in ("page", "per_page")])
        values: dict[str, Any] = {name: tuple(r.choices(name, allowed)) for name, allowed in CHOICES.items()}
        values.update({name: tuple(r.ints(name)) for name in IDS})
        values.update(po_date_from=r.date("po_date_from"), po_date_to=r.date("po_date_to"),
                      min_total=r.decimal("min_total"), max_total=r.decimal("max_total"),
                      q=r.text("q", MAX_TEXT), external_id=r.text("external_id", MAX_TEXT))
        sort = r.sort(SORTABLE, "-created_at")
        paging = r.paging()
        r.done()
        return cls(**values, sort=tuple(sort) or (("created_at", True),), page=paging.page, per_page=paging.per_page)

    def to_args(self, **changes: Any) -> dict[str, str]:
        """This filter as a query string's parameters (for links: a shared URL, the next page, the CSV)."""
        target = self.replace(**changes) if changes else self
        out: dict[str, str] = {}
        for f in fields(target):
            value = getattr(target, f.name)
            if value == f.default or value in ((), None):
                continue
            if f.name == "sort":
                out["sort"] = ",".join(("-" if desc else "") + name for name, desc in value)
            elif isinstance(value, tuple):
                out[f.name] = ",".join(str(v) for v in value)
            else:
                out[f.name] = format(value, "f") if isinstance(value, Decimal) else str(value)
        return out

    def replace(self, **changes: Any) -> "PoFilter":
        """A copy with some fields changed (checked again)."""
        return PoFilter(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def _problems(flt: PoFilter) -> list[Problem]:
    problems: list[Problem] = []

    def bad(name: str, detail: str, code: str = "invalid_value") -> None:
        problems.append(Problem(code, f"{name}: {detail}", "/" + name))

    for name, allowed in CHOICES.items():
        value = getattr(flt, name)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            bad(name, "must be a tuple of strings", "invalid_type")
        elif unknown := [v for v in value if v not in allowed]:
            bad(name, f"{unknown[0]!r} is not one of {', '.join(allowed)}")
    for name in IDS:
        value = getattr(flt, name)
        if not isinstance(value, tuple) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            bad(name, "must be a tuple of integer ids", "invalid_type")
        elif any(not 1 <= v <= MAX_ID for v in value):
            bad(name, "ids are positive integers")
    for name in ("po_date_from", "po_date_to"):
        if getattr(flt, name) is not None and not isinstance(getattr(flt, name), dt.date):
            bad(name, "must be a date", "invalid_type")
    for name in ("min_total", "max_total"):
        value = getattr(flt, name)
        if value is not None and not isinstance(value, Decimal):
            bad(name, "must be a Decimal", "invalid_type")
        elif value is not None and (problem := amount_problem(value)):
            bad(name, f"{format(value, 'f') if value.is_finite() else value} {problem}")
    for name in ("q", "external_id"):
        value = getattr(flt, name)
        if value is not None and not isinstance(value, str):
            bad(name, f"must be a string of 1–{MAX_TEXT} characters", "invalid_type")
        elif value is not None and (problem := text_problem(value)):
            bad(name, problem)
    if not isinstance(flt.sort, tuple) or not flt.sort or not all(
            isinstance(s, tuple) and len(s) == 2 and s[0] in SORTABLE and isinstance(s[1], bool) for s in flt.sort):
        bad("sort", f"must be ((column, descending), …) with columns among {', '.join(SORTABLE)}")
    if not isinstance(flt.page, int) or isinstance(flt.page, bool) or not 1 <= flt.page <= MAX_PAGE:
        bad("page", f"must be a whole number 1–{MAX_PAGE:,}")
    if not isinstance(flt.per_page, int) or isinstance(flt.per_page, bool) or not 1 <= flt.per_page <= MAX_PER_PAGE:
        bad("per_page", f"must be a whole number 1–{MAX_PER_PAGE}")
    return problems
