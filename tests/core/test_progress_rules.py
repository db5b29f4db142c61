"""A PO's receipt, billing and match statuses and when it closes itself, as pure functions."""
from decimal import Decimal as D

import pytest

from core.rules.progress import billing_status, closes_itself, match_status, receipt_status
from core.types import PoStatus


def pairs(*values):
    return [(D(o), D(d)) for o, d in values]


PROGRESS = [
    # (ordered, done) per line, and the word for it
    (pairs(("10", "0")), "not"),
    (pairs(("10", "0"), ("5", "0")), "not"),
    (pairs(("10", "0.0001"), ("5", "0")), "partially"),
    (pairs(("10", "4"), ("5", "0")), "partially"),
    (pairs(("10", "10"), ("5", "4.9999")), "partially"),
    (pairs(("10", "10"), ("5", "5")), "fully"),
    (pairs(("10", "12"), ("5", "5")), "fully"),
    (pairs(("10", "10")), "fully"),
    # twice the goods on one line cannot hide a line that is still short
    (pairs(("10", "25"), ("5", "0")), "partially"),
    (pairs(("10", "20"), ("10", "0")), "partially"),
    ([], "not"),
]


@pytest.mark.parametrize("lines, word", PROGRESS)
def test_receipt_status_from_what_each_line_received(lines, word):
    assert receipt_status(lines).value == f"{word}_received"


@pytest.mark.parametrize("lines, word", PROGRESS)
def test_billing_status_from_what_each_line_billed(lines, word):
    assert billing_status(lines).value == f"{word}_billed"


@pytest.mark.parametrize("statuses, expected", [
    ([], "none"),
    (["matched"], "matched"),
    (["matched", "matched"], "matched"),
    (["exception"], "exception"),
    (["matched", "exception"], "exception"),
    (["exception", "matched", "matched"], "exception"),
])
def test_match_status_is_exception_while_any_invoice_has_one(statuses, expected):
    assert match_status(statuses).value == expected


CLOSES = [
    # status, matching, receipt, billing, closes?
    ("approved", "two_way", "not_received", "fully_billed", True),
    ("approved", "two_way", "partially_received", "fully_billed", True),
    ("approved", "two_way", "fully_received", "partially_billed", False),
    ("approved", "two_way", "not_received", "not_billed", False),
    ("approved", "three_way", "fully_received", "fully_billed", True),
    ("approved", "three_way", "partially_received", "fully_billed", False),
    ("approved", "three_way", "not_received", "fully_billed", False),
    ("approved", "three_way", "fully_received", "partially_billed", False),
    ("approved", "three_way", "fully_received", "not_billed", False),
]


@pytest.mark.parametrize("status, matching, receipt, billing, closes", CLOSES)
def test_an_approved_po_closes_itself_once_fully_billed_and_for_three_way_fully_received(status, matching, receipt, billing, closes):
    assert closes_itself(status, matching, receipt, billing) is closes


@pytest.mark.parametrize("status", [s.value for s in PoStatus if s != PoStatus.approved])
@pytest.mark.parametrize("matching", ["two_way", "three_way"])
def test_only_an_approved_po_closes_itself(status, matching):
    assert closes_itself(status, matching, "fully_received", "fully_billed") is False
