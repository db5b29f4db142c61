"""The PO list's query string, read with the API's own parser (`PoFilter.from_args`), one problem per filter.

A GET form sends every field, empty ones too; the API calls an empty value a bad one, so empty
fields are dropped first. When the query string is wrong, each parameter is read on its own to
tell which filter the message belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence
from urllib.parse import urlencode

from core.errors import ValidationFailed
from core.queries import PoFilter

# The filters the form has a field for; a problem with any other parameter is shown above the table.
FORM_LABELS = {"q": "Search", "status": "Status", "receipt_status": "Receipt", "billing_status": "Billing",
               "match_status": "Invoice match", "vendor_id": "Vendor", "po_date_from": "PO date from",
               "po_date_to": "PO date to", "min_total": "Total from", "max_total": "Total up to", "per_page": "Rows per page"}
NOT_FOR_EXPORT = ("page", "per_page")


@dataclass(frozen=True)
class ListArgs:
    """A list request as given (empty fields dropped), its filter when valid, else what is wrong where."""

    given: dict[str, list[str]]
    filter: PoFilter | None
    errors: dict[str, str] = field(default_factory=dict)  # form field → message
    general: list[str] = field(default_factory=list)  # messages about parameters the form has no field for

    def value(self, name: str) -> str:
        """A parameter as the form should show it (repeated values joined with commas)."""
        return ",".join(self.given.get(name, ()))

    def values(self, name: str) -> set[str]:
        """Every value of a multi-value parameter, repeated or comma-separated."""
        return {v.strip() for raw in self.given.get(name, ()) for v in raw.split(",") if v.strip()}

    def query(self, *, without: Sequence[str] = ()) -> str:
        """The query string as given, minus some parameters (e.g. the page for a CSV link)."""
        return urlencode([(k, v) for k, vs in self.given.items() if k not in without for v in vs])


def _without_blanks(args: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    kept = {name: [v for v in values if v.strip()] for name, values in args.items()}
    return {name: values for name, values in kept.items() if values}


def _strip_name(name: str, detail: str) -> str:
    return detail[len(name) + 2:] if detail.startswith(f"{name}: ") else detail


def read_list_args(args: Mapping[str, Sequence[str]]) -> ListArgs:
    """Parse a PO list query string; on failure, pin each problem to its filter."""
    given = _without_blanks(args)
    try:
        return ListArgs(given, PoFilter.from_args(given))
    except ValidationFailed as whole:
        problems = whole.problems
    errors: dict[str, str] = {}
    general: list[str] = []
    for name, values in given.items():
        try:
            PoFilter.from_args({name: values})
        except ValidationFailed as alone:
            for problem in alone.problems:
                if name in FORM_LABELS and problem.code != "unknown_field":
                    errors.setdefault(name, _strip_name(name, problem.detail))
                else:
                    general.append(problem.detail)
    if not errors and not general:  # wrong only in combination
        general = [p.detail for p in problems]
    return ListArgs(given, None, errors, general)
