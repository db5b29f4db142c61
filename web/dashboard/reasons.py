"""Why an invoice (line) did not match, in words: each reason code with its expected and actual values."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web.dashboard import dashboard
from web.dashboard.formatting import label, money, number

WORDS = {
    "price_variance": "Price differs from the PO",
    "quantity_exceeds_ordered": "More billed than ordered",
    "quantity_exceeds_received": "More billed than received",
    "no_matching_po_line": "No matching PO line",
    "po_not_found": "PO number not found",
    "po_not_open": "PO is not approved",
    "vendor_mismatch": "Another vendor's PO",
    "currency_mismatch": "Different currency",
}


# What each side of a reason is called: (the PO's side, the invoice's side).
SIDES = {
    "price_variance": ("PO rate", "invoiced"),
    "quantity_exceeds_ordered": ("ordered", "billed in all"),
    "quantity_exceeds_received": ("received", "billed in all"),
    "no_matching_po_line": ("PO lines", "invoice line"),
    "po_not_found": ("PO", "invoice quotes"),
    "po_not_open": ("PO should be", "it is"),
    "vendor_mismatch": ("PO vendor", "invoice from"),
    "currency_mismatch": ("PO currency", "invoice currency"),
}


@dataclass(frozen=True)
class Explained:
    """A reason in words: `text`, then "`expected_side` `expected`, `actual_side` `actual`"."""

    code: str
    text: str
    expected_side: str
    expected: str
    actual_side: str
    actual: str


def reason_words(code: str) -> str:
    """The sentence for a reason code."""
    return WORDS.get(code, label(code))


def _show(code: str, value: Any, currency: str, vendors: dict[int, str]) -> str:
    if value is None:
        return {"no_matching_po_line": "none close enough", "po_not_found": "none with that number"}.get(code, "—")
    if code == "price_variance":
        return money(value, currency)
    if code in ("quantity_exceeds_ordered", "quantity_exceeds_received"):
        return number(value)
    if code == "po_not_open":
        return label(value)
    if code == "vendor_mismatch":
        return vendors.get(value, f"vendor {value}")
    if isinstance(value, list):
        return "more than one could fit: " + ", ".join(str(v) for v in value)
    return str(value)


@dashboard.app_template_global("explain")
def explain(reason: dict[str, Any], currency: str, vendors: dict[int, str] | None = None) -> Explained:
    """A stored reason `{code, expected, actual}` as words and the two values a person compares."""
    code, vendors = reason["code"], vendors or {}
    ours, theirs = SIDES.get(code, ("expected", "actual"))
    return Explained(code, reason_words(code), ours, _show(code, reason.get("expected"), currency, vendors),
                     theirs, _show(code, reason.get("actual"), currency, vendors))


@dashboard.app_template_filter("reason")
def reason(code: str) -> str:
    """Template filter: the sentence for a reason code."""
    return reason_words(code)
