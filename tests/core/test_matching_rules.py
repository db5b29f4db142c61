"""Invoice matching as a pure function (no database): every reason code with its expected and
actual values, tolerance boundaries to the last cent, pairing by id, SKU and description, and
the re-match rule. The semantics are those of core/rules/matching.py's module docstring."""
from decimal import Decimal as D

import pytest

from core.rules.matching import (
    EXCEPTION,
    MATCHED,
    UNMATCHED,
    InvoiceLineFacts,
    InvoiceMatch,
    LineMatch,
    PoFacts,
    PoLineFacts,
    Reason,
    Tolerances,
    match_invoice,
    only_waiting_for_goods,
)

VENDOR = 7
NO_TOLERANCE = Tolerances()


def po_line(id=1, identifier="Steel bolts M8", ordered="10", rate="100", received="0", billed="0", sku=None):
    return PoLineFacts(id, identifier, D(ordered), D(rate), D(received), D(billed), sku)


def purchase_order(*lines, status="approved", vendor_id=VENDOR, currency="INR", matching="two_way"):
    return PoFacts(1, status, vendor_id, currency, matching, tuple(lines) or (po_line(),))


def inv_line(description="Steel bolts M8", quantity="10", unit_price="100", sku=None, po_line_id=None, counted=False, paired=None):
    return InvoiceLineFacts(description, D(quantity), D(unit_price), sku, po_line_id, counted, paired)


def match(po, *lines, tol=NO_TOLERANCE, vendor_id=VENDOR, currency=None, po_number="PO-00001"):
    currency = currency or (po.currency if po else "INR")
    return match_invoice(vendor_id, currency, po_number, po, lines or (inv_line(),), tol)


def only_line(result: InvoiceMatch) -> LineMatch:
    assert len(result.lines) == 1
    return result.lines[0]


# ---- every reason code, with what was expected and what the invoice said ----------------------

LINE_REASONS = [
    pytest.param(purchase_order(po_line(rate="100")), inv_line(unit_price="101"),
                 Reason("price_variance", D("100"), D("101")), id="price_variance"),
    pytest.param(purchase_order(po_line(ordered="10", billed="4")), inv_line(quantity="7"),
                 Reason("quantity_exceeds_ordered", D("10"), D("11")), id="quantity_exceeds_ordered"),
    pytest.param(purchase_order(po_line(ordered="10", received="5"), matching="three_way"), inv_line(quantity="6"),
                 Reason("quantity_exceeds_received", D("5"), D("6")), id="quantity_exceeds_received"),
    pytest.param(purchase_order(po_line(id=1)), inv_line(po_line_id=99),
                 Reason("no_matching_po_line", None, 99), id="no_matching_po_line"),
]


@pytest.mark.parametrize("po, line, reason", LINE_REASONS)
def test_a_line_reason_names_what_the_po_expected_and_what_the_invoice_said(po, line, reason):
    result = match(po, line)
    assert result.status == EXCEPTION
    assert result.reasons == ()
    assert only_line(result).status == EXCEPTION
    assert only_line(result).reasons == (reason,)


HEADER_REASONS = [
    pytest.param(dict(status="draft"), {}, Reason("po_not_open", "approved", "draft"), id="po_not_open"),
    pytest.param(dict(status="cancelled"), {}, Reason("po_not_open", "approved", "cancelled"), id="po_not_open_cancelled"),
    pytest.param(dict(status="closed"), {}, Reason("po_not_open", "approved", "closed"), id="po_not_open_closed"),
    pytest.param({}, dict(vendor_id=8), Reason("vendor_mismatch", VENDOR, 8), id="vendor_mismatch"),
    pytest.param({}, dict(currency="USD"), Reason("currency_mismatch", "INR", "USD"), id="currency_mismatch"),
]


@pytest.mark.parametrize("po_fields, invoice_fields, reason", HEADER_REASONS)
def test_a_header_reason_makes_the_invoice_an_exception_and_bills_nothing(po_fields, invoice_fields, reason):
    result = match(purchase_order(**po_fields), inv_line(), **invoice_fields)
    assert result.status == EXCEPTION
    assert result.reasons == (reason,)
    # the line itself is fine and paired, but nothing is matched (so nothing is billed)
    assert only_line(result) == LineMatch(EXCEPTION, 1, ())


def test_an_unknown_po_number_is_po_not_found_and_no_line_is_paired():
    result = match(None, inv_line(), inv_line("Copper wire"), po_number="PO-404")
    assert result.status == EXCEPTION
    assert result.reasons == (Reason("po_not_found", None, "PO-404"),)
    assert [(l.status, l.po_line_id) for l in result.lines] == [(EXCEPTION, None), (EXCEPTION, None)]


def test_every_header_reason_is_reported_at_once():
    po = purchase_order(status="pending_approval", vendor_id=3, currency="EUR")
    result = match(po, inv_line(), vendor_id=VENDOR, currency="INR")
    assert [r.code for r in result.reasons] == ["po_not_open", "vendor_mismatch", "currency_mismatch"]


def test_with_a_header_reason_lines_are_still_paired_and_checked():
    po = purchase_order(po_line(1, "Steel bolts M8", rate="100"), po_line(2, "Copper wire", rate="5"))
    result = match(po, inv_line("Steel bolts M8", unit_price="120"), inv_line("Copper wire", unit_price="5", quantity="3"), vendor_id=99)
    assert result.reasons == (Reason("vendor_mismatch", VENDOR, 99),)
    assert result.lines[0] == LineMatch(EXCEPTION, 1, (Reason("price_variance", D("100"), D("120")),))
    assert result.lines[1] == LineMatch(EXCEPTION, 2, ())


def test_an_invoice_without_a_po_number_is_unmatched_with_no_reasons():
    result = match(None, inv_line(), inv_line("Copper wire"), po_number=None)
    assert result == InvoiceMatch(UNMATCHED, (), (LineMatch(UNMATCHED), LineMatch(UNMATCHED)))


def test_a_line_that_fits_is_matched_and_paired_with_its_po_line():
    result = match(purchase_order(po_line(id=5)), inv_line())
    assert result == InvoiceMatch(MATCHED, (), (LineMatch(MATCHED, 5, ()),))


def test_one_bad_line_makes_the_whole_invoice_an_exception_while_the_good_line_stays_matched():
    po = purchase_order(po_line(1, "Steel bolts M8"), po_line(2, "Copper wire", rate="5"))
    result = match(po, inv_line("Steel bolts M8"), inv_line("Copper wire", unit_price="6"))
    assert result.status == EXCEPTION
    assert [l.status for l in result.lines] == [MATCHED, EXCEPTION]


def test_several_line_reasons_are_reported_together():
    po = purchase_order(po_line(ordered="10", received="2", rate="100"), matching="three_way")
    codes = [r.code for r in only_line(match(po, inv_line(quantity="12", unit_price="90"))).reasons]
    assert codes == ["price_variance", "quantity_exceeds_ordered", "quantity_exceeds_received"]


# ---- tolerances: exactly at the limit passes, the smallest step over fails --------------------

PRICE_BOUNDARIES = [
    # rate, tolerances, unit price, within?
    ("100", Tolerances(price_pct=D(2)), "102.00", True),
    ("100", Tolerances(price_pct=D(2)), "102.01", False),
    ("100", Tolerances(price_pct=D(2)), "98.00", True),
    ("100", Tolerances(price_pct=D(2)), "97.99", False),
    ("100", Tolerances(price_abs=D("0.50")), "100.50", True),
    ("100", Tolerances(price_abs=D("0.50")), "100.51", False),
    ("100", Tolerances(price_abs=D("0.50")), "99.49", False),
    # a cheap item: 1% of 10.00 is 0.10, the absolute 0.50 is more generous and wins
    ("10", Tolerances(price_pct=D(1), price_abs=D("0.50")), "10.50", True),
    ("10", Tolerances(price_pct=D(1), price_abs=D("0.50")), "10.51", False),
    # a dear item: 1% of 1000.00 is 10.00, more generous than the absolute 0.50
    ("1000", Tolerances(price_pct=D(1), price_abs=D("0.50")), "1010.00", True),
    ("1000", Tolerances(price_pct=D(1), price_abs=D("0.50")), "1010.01", False),
    ("1000", Tolerances(price_pct=D(1), price_abs=D("0.50")), "990.00", True),
    ("100", NO_TOLERANCE, "100.00", True),
    ("100", NO_TOLERANCE, "100.01", False),
    ("100", NO_TOLERANCE, "99.99", False),
]


@pytest.mark.parametrize("rate, tol, price, within", PRICE_BOUNDARIES)
def test_price_tolerance_boundaries(rate, tol, price, within):
    result = match(purchase_order(po_line(rate=rate)), inv_line(unit_price=price), tol=tol)
    expected = () if within else (Reason("price_variance", D(rate), D(price)),)
    assert only_line(result).reasons == expected


QUANTITY_BOUNDARIES = [
    # ordered, received, matching, quantity_pct, quantity billed, reasons
    ("10", "0", "two_way", "10", "11", ()),
    ("10", "0", "two_way", "10", "11.01", ("quantity_exceeds_ordered",)),
    ("10", "0", "two_way", "10", "11.0001", ("quantity_exceeds_ordered",)),
    ("10", "0", "two_way", "0", "10", ()),
    ("10", "0", "two_way", "0", "10.0001", ("quantity_exceeds_ordered",)),
    ("100", "10", "three_way", "10", "11", ()),
    ("100", "10", "three_way", "10", "11.01", ("quantity_exceeds_received",)),
    ("10", "10", "three_way", "0", "10", ()),
    ("10", "12", "three_way", "0", "10.01", ("quantity_exceeds_ordered",)),
    ("10", "11", "three_way", "10", "11", ()),
]


@pytest.mark.parametrize("ordered, received, matching, pct, quantity, codes", QUANTITY_BOUNDARIES)
def test_quantity_tolerance_boundaries(ordered, received, matching, pct, quantity, codes):
    po = purchase_order(po_line(ordered=ordered, received=received), matching=matching)
    result = match(po, inv_line(quantity=quantity), tol=Tolerances(quantity_pct=D(pct)))
    assert tuple(r.code for r in only_line(result).reasons) == codes


def test_quantity_reasons_show_the_plain_limit_and_the_quantity_billed_after_this_line():
    po = purchase_order(po_line(ordered="100", received="10"), matching="three_way")
    reasons = only_line(match(po, inv_line(quantity="11.01"), tol=Tolerances(quantity_pct=D(10)))).reasons
    assert reasons == (Reason("quantity_exceeds_received", D("10"), D("11.01")),)


def test_two_way_matching_ignores_what_was_received():
    po = purchase_order(po_line(ordered="10", received="0"), matching="two_way")
    assert match(po, inv_line(quantity="10")).status == MATCHED


def test_three_way_matching_needs_the_goods_received():
    po = purchase_order(po_line(ordered="10", received="0"), matching="three_way")
    assert only_line(match(po, inv_line(quantity="10"))).reasons == (Reason("quantity_exceeds_received", D("0"), D("10")),)


# ---- cumulative billing ---------------------------------------------------------------------

def test_what_was_billed_before_counts_toward_the_ordered_quantity():
    po = purchase_order(po_line(ordered="10", billed="7"))
    assert match(po, inv_line(quantity="3")).status == MATCHED
    assert only_line(match(po, inv_line(quantity="3.0001"))).reasons == (Reason("quantity_exceeds_ordered", D("10"), D("10.0001")),)


def test_two_lines_of_one_invoice_on_the_same_po_line_add_up_to_the_ordered_quantity():
    result = match(purchase_order(po_line(ordered="10")), inv_line(quantity="6"), inv_line(quantity="4"))
    assert [l.status for l in result.lines] == [MATCHED, MATCHED]
    assert result.status == MATCHED


def test_the_second_line_of_one_invoice_that_goes_past_the_ordered_quantity_is_an_exception():
    result = match(purchase_order(po_line(ordered="10", billed="2")), inv_line(quantity="6"), inv_line(quantity="3"))
    assert result.lines[0] == LineMatch(MATCHED, 1, ())
    assert result.lines[1] == LineMatch(EXCEPTION, 1, (Reason("quantity_exceeds_ordered", D("10"), D("11")),))


def test_lines_of_one_invoice_add_up_against_what_was_received_too():
    po = purchase_order(po_line(ordered="10", received="5"), matching="three_way")
    result = match(po, inv_line(quantity="3"), inv_line(quantity="3"))
    assert result.lines[1].reasons == (Reason("quantity_exceeds_received", D("5"), D("6")),)


def test_with_a_header_reason_lines_of_one_invoice_still_add_up_on_their_po_line():
    # "lines are still paired and checked so the clerk sees everything at once"
    result = match(purchase_order(po_line(ordered="10")), inv_line(quantity="6"), inv_line(quantity="6"), vendor_id=99)
    assert result.lines[1] == LineMatch(EXCEPTION, 1, (Reason("quantity_exceeds_ordered", D("10"), D("12")),))


def test_lines_on_different_po_lines_do_not_add_up():
    po = purchase_order(po_line(1, "Steel bolts M8", ordered="10"), po_line(2, "Copper wire", ordered="10", rate="5"))
    result = match(po, inv_line("Steel bolts M8", quantity="10"), inv_line("Copper wire", quantity="10", unit_price="5"))
    assert result.status == MATCHED


# ---- rounding-sensitive currencies: the tolerance is a bound, never rounded -------------------

CURRENCY_BOUNDARIES = [
    # JPY (0 decimals): 1% of 1000 is 10 yen
    ("JPY", "1000", Tolerances(price_pct=D(1)), "1010", True),
    ("JPY", "1000", Tolerances(price_pct=D(1)), "1011", False),
    ("JPY", "1000", Tolerances(price_pct=D(1)), "990", True),
    ("JPY", "1000", Tolerances(price_pct=D(1)), "989", False),
    # 1% of 333 yen is 3.33, not 3: a unit price 3.33 over is within, 3.34 is not
    ("JPY", "333", Tolerances(price_pct=D(1)), "336.33", True),
    ("JPY", "333", Tolerances(price_pct=D(1)), "336.34", False),
    ("JPY", "333", Tolerances(price_abs=D(1)), "334", True),
    ("JPY", "333", Tolerances(price_abs=D(1)), "335", False),
    # KWD (3 decimals): 1% of 1.250 is 0.0125, finer than the fils
    ("KWD", "1.250", Tolerances(price_pct=D(1)), "1.2625", True),
    ("KWD", "1.250", Tolerances(price_pct=D(1)), "1.2626", False),
    ("KWD", "1.250", Tolerances(price_pct=D(1)), "1.2375", True),
    ("KWD", "1.250", Tolerances(price_pct=D(1)), "1.2374", False),
    ("KWD", "1.250", Tolerances(price_abs=D("0.005")), "1.255", True),
    ("KWD", "1.250", Tolerances(price_abs=D("0.005")), "1.256", False),
    ("KWD", "1.250", Tolerances(price_abs=D("0.005")), "1.2551", False),
]


@pytest.mark.parametrize("currency, rate, tol, price, within", CURRENCY_BOUNDARIES)
def test_price_tolerance_in_currencies_with_zero_and_three_decimals(currency, rate, tol, price, within):
    po = purchase_order(po_line(rate=rate), currency=currency)
    result = match(po, inv_line(unit_price=price), tol=tol, currency=currency)
    assert result.status == (MATCHED if within else EXCEPTION)
    if not within:
        assert only_line(result).reasons == (Reason("price_variance", D(rate), D(price)),)


# ---- pairing ----------------------------------------------------------------------------------

BOLTS_AND_WIRE = purchase_order(
    po_line(1, "Steel bolts M8", sku="BOLT-M8"), po_line(2, "Copper wire 2mm", rate="5", sku="WIRE-2"),
)


def test_a_po_line_id_pairs_whatever_the_description_says():
    line = only_line(match(BOLTS_AND_WIRE, inv_line("Something else entirely", unit_price="5", po_line_id=2)))
    assert line == LineMatch(MATCHED, 2, ())


def test_an_unknown_po_line_id_is_not_paired_by_description_instead():
    line = only_line(match(BOLTS_AND_WIRE, inv_line("Steel bolts M8", po_line_id=99)))
    assert line == LineMatch(EXCEPTION, None, (Reason("no_matching_po_line", None, 99),))


def test_a_sku_code_pairs_whatever_the_description_says():
    line = only_line(match(BOLTS_AND_WIRE, inv_line("Steel bolts M8", unit_price="5", sku="WIRE-2")))
    assert line == LineMatch(MATCHED, 2, ())


def test_a_sku_code_that_is_on_no_po_line_is_no_matching_po_line():
    line = only_line(match(BOLTS_AND_WIRE, inv_line("Steel bolts M8", sku="NUT-M8")))
    assert line == LineMatch(EXCEPTION, None, (Reason("no_matching_po_line", None, "NUT-M8"),))


def test_a_sku_on_two_open_po_lines_is_not_guessed():
    po = purchase_order(po_line(1, "Bolts for site A", sku="BOLT-M8"), po_line(2, "Bolts for site B", sku="BOLT-M8"))
    line = only_line(match(po, inv_line("Bolts", sku="BOLT-M8")))
    assert line == LineMatch(EXCEPTION, None, (Reason("no_matching_po_line", ["Bolts for site A", "Bolts for site B"], "BOLT-M8"),))


def test_a_sku_on_two_po_lines_of_which_one_is_fully_billed_pairs_with_the_open_one():
    po = purchase_order(po_line(1, "Bolts for site A", sku="BOLT-M8", billed="10"), po_line(2, "Bolts for site B", sku="BOLT-M8"))
    assert only_line(match(po, inv_line("Bolts", sku="BOLT-M8"))) == LineMatch(MATCHED, 2, ())


@pytest.mark.parametrize("description", [
    "Stel bolts M8",  # a typo
    "Steel bolt M8",  # singular
    "M8 steel bolts",  # word order
    "STEEL BOLTS m8",  # case
    "Steel bolts, M8.",  # punctuation
])
def test_a_description_close_to_one_identifier_pairs_with_it(description):
    assert only_line(match(BOLTS_AND_WIRE, inv_line(description))) == LineMatch(MATCHED, 1, ())


def test_a_typo_still_pairs_with_the_right_line_when_a_similar_line_is_clearly_further():
    po = purchase_order(po_line(1, "Steel bolts M6"), po_line(2, "Steel bolts M8"))
    assert only_line(match(po, inv_line("Stel bolts M8"))).po_line_id == 2


def test_words_in_another_order_pair_with_the_line_that_has_the_same_words():
    po = purchase_order(po_line(1, "White paint 1L"), po_line(2, "White paint 5L"))
    assert only_line(match(po, inv_line("Paint white 5L"))).po_line_id == 2


def test_a_near_tie_is_left_an_exception_that_lists_the_close_identifiers():
    po = purchase_order(po_line(1, "Steel bolts M6"), po_line(2, "Steel bolts M8"), po_line(3, "Copper wire 2mm"))
    line = only_line(match(po, inv_line("Steel bolts M7")))
    assert line == LineMatch(EXCEPTION, None, (Reason("no_matching_po_line", ["Steel bolts M6", "Steel bolts M8"], "Steel bolts M7"),))


@pytest.mark.parametrize("description", ["Hex nut", "Copper", "Invoice total"])
def test_a_description_below_the_threshold_is_not_paired(description):
    line = only_line(match(BOLTS_AND_WIRE, inv_line(description)))
    assert line == LineMatch(EXCEPTION, None, (Reason("no_matching_po_line", None, description),))


def test_a_description_exactly_at_the_threshold_is_paired():
    po = purchase_order(po_line(1, "Glue 5", rate="100"))  # token_sort_ratio("glue", "5 glue") == 80
    assert only_line(match(po, inv_line("Glue"))) == LineMatch(MATCHED, 1, ())


def test_a_paired_line_is_then_checked_like_any_other():
    line = only_line(match(BOLTS_AND_WIRE, inv_line("M8 steel bolts", unit_price="110")))
    assert line == LineMatch(EXCEPTION, 1, (Reason("price_variance", D("100"), D("110")),))


# ---- re-matching: lines already counted stay as they are -------------------------------------

def test_a_counted_line_stays_matched_on_re_match_even_though_its_quantity_is_in_billed():
    po = purchase_order(po_line(1, "Steel bolts M8", ordered="10", billed="10"))
    result = match(po, inv_line(quantity="10", counted=True, paired=1))
    assert result == InvoiceMatch(MATCHED, (), (LineMatch(MATCHED, 1, ()),))


def test_a_counted_line_is_not_counted_twice_but_a_new_line_on_the_same_po_line_is_checked_against_it():
    po = purchase_order(po_line(1, "Steel bolts M8", ordered="10", received="12", billed="6"), matching="three_way")
    result = match(po, inv_line(quantity="6", counted=True, paired=1), inv_line(quantity="4"))
    assert [l.status for l in result.lines] == [MATCHED, MATCHED]
    result = match(po, inv_line(quantity="6", counted=True, paired=1), inv_line(quantity="5"))
    assert result.lines[1].reasons == (Reason("quantity_exceeds_ordered", D("10"), D("11")),)


def test_a_counted_line_keeps_the_po_line_it_was_paired_with_even_if_its_description_no_longer_fits():
    po = purchase_order(po_line(1, "Steel bolts M8", billed="10"), po_line(2, "Copper wire 2mm", rate="5"))
    line = only_line(match(po, inv_line("Copper wire 2mm", counted=True, paired=1)))
    assert line == LineMatch(MATCHED, 1, ())


WAITING = Reason("quantity_exceeds_received", D("0"), D("10"))

ONLY_WAITING = [
    (InvoiceMatch(EXCEPTION, (), (LineMatch(EXCEPTION, 1, (WAITING,)),)), True),
    (InvoiceMatch(EXCEPTION, (), (LineMatch(MATCHED, 1), LineMatch(EXCEPTION, 2, (WAITING,)))), True),
    (InvoiceMatch(EXCEPTION, (), (LineMatch(EXCEPTION, 1, (WAITING, Reason("price_variance", D(1), D(2)))),)), False),
    (InvoiceMatch(EXCEPTION, (), (LineMatch(EXCEPTION, 1, (WAITING, Reason("quantity_exceeds_ordered", D(1), D(2)))),)), False),
    (InvoiceMatch(EXCEPTION, (), (LineMatch(EXCEPTION, 1, (WAITING,)), LineMatch(EXCEPTION, None, (Reason("no_matching_po_line"),)))), False),
    (InvoiceMatch(EXCEPTION, (Reason("vendor_mismatch", 1, 2),), (LineMatch(EXCEPTION, 1, (WAITING,)),)), False),
    (InvoiceMatch(EXCEPTION, (), (LineMatch(EXCEPTION, 1, (Reason("price_variance", D(1), D(2)),)),)), False),
    (InvoiceMatch(MATCHED, (), (LineMatch(MATCHED, 1),)), False),
    (InvoiceMatch(UNMATCHED, (), (LineMatch(UNMATCHED),)), False),
]


@pytest.mark.parametrize("result, waiting", ONLY_WAITING)
def test_only_an_invoice_whose_sole_problem_is_goods_not_yet_received_waits_for_goods(result, waiting):
    assert only_waiting_for_goods(result) is waiting


def test_an_invoice_matched_before_the_goods_came_is_waiting_and_matches_once_they_are_received():
    before = purchase_order(po_line(ordered="10", received="0"), matching="three_way")
    first = match(before, inv_line(quantity="10"))
    assert only_waiting_for_goods(first)
    after = purchase_order(po_line(ordered="10", received="10"), matching="three_way")
    assert match(after, inv_line(quantity="10")).status == MATCHED
