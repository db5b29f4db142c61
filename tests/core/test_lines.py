"""Line rules on their own: SKU resolution, dimensions, identifiers, amount bounds, SKU warnings."""
from decimal import Decimal as D

import pytest

from core.rules.lines import (
    AMOUNT_LIMIT,
    amount_problems,
    duplicate_identifiers,
    resolve_dimensions,
    resolve_sku,
    sku_match_warnings,
)
from core.rules.state import Catalog, DimensionRef, LineState, SkuRef

BOLT = SkuRef(1, "BOLT-M8", "Steel bolt M8")
NUT = SkuRef(2, "NUT-M8", "Hex nut M8")
WASHER = SkuRef(3, "WASHER", "Flat washer", active=False)
P100 = DimensionRef(1, "PROJECT", "P-100")
GL = DimensionRef(2, "GL_ACCOUNT", "5010")
CLOSED_PROJECT = DimensionRef(3, "PROJECT", "P-OLD", active=False)

CATALOG = Catalog(
    "INR",
    skus_by_code={s.code: s for s in (BOLT, NUT, WASHER)},
    skus_by_name={s.name.casefold(): s for s in (BOLT, NUT, WASHER)},
    dimensions={(d.type, d.erp_dimension_id): d for d in (P100, GL, CLOSED_PROJECT)},
)
AT = "/line_items/2"


def found(code=None, name=None, matching="three_way"):
    return resolve_sku(code, name, matching, CATALOG, AT)


def problem_of(resolution):
    p = resolution.problem
    return p and (p.code, p.pointer)


@pytest.mark.parametrize("matching", ["three_way", "two_way"])
def test_a_sku_is_found_by_its_code(matching):
    assert found(code="BOLT-M8", matching=matching).sku == BOLT


@pytest.mark.parametrize("name", ["Hex nut M8", "HEX NUT m8", "hex nut m8"])
def test_a_sku_is_found_by_its_name_ignoring_case(name):
    assert found(name=name).sku == NUT


def test_the_code_wins_over_the_name():
    assert found(code="BOLT-M8", name="Hex nut M8").sku == BOLT


def test_an_unknown_code_is_not_rescued_by_a_good_name():
    resolution = found(code="NOPE", name="Hex nut M8")
    assert resolution.sku is None
    assert problem_of(resolution) == ("sku_not_found", AT + "/sku_code")


def test_a_three_way_line_without_a_sku_is_refused():
    resolution = found()
    assert resolution.sku is None
    assert problem_of(resolution) == ("sku_required", AT)


@pytest.mark.parametrize("code, name, pointer", [
    ("NOPE", None, AT + "/sku_code"),
    (None, "Unknown thing", AT + "/sku_name"),
    ("WASHER", None, AT + "/sku_code"),
    (None, "flat washer", AT + "/sku_name"),
])
def test_a_three_way_sku_that_is_unknown_or_inactive_is_not_found(code, name, pointer):
    resolution = found(code=code, name=name)
    assert resolution.sku is None
    assert problem_of(resolution) == ("sku_not_found", pointer)


def test_a_two_way_line_may_have_no_sku():
    resolution = found(matching="two_way")
    assert (resolution.sku, resolution.problem, resolution.requested_code, resolution.requested_name) == (None, None, None, None)


@pytest.mark.parametrize("code, name", [("NOPE", None), (None, "Unknown thing"), ("WASHER", None), ("NOPE", "Hex nut M8")])
def test_an_unresolved_two_way_sku_is_kept_as_requested_without_a_problem(code, name):
    resolution = found(code=code, name=name, matching="two_way")
    assert resolution.sku is None
    assert resolution.problem is None
    assert (resolution.requested_code, resolution.requested_name) == (code, name)


def test_a_resolved_sku_keeps_no_requested_reference():
    resolution = found(code="BOLT-M8", name="whatever", matching="two_way")
    assert (resolution.requested_code, resolution.requested_name) == (None, None)


def test_dimensions_that_exist_and_are_active_resolve():
    dims, problems = resolve_dimensions({"PROJECT": "P-100", "GL_ACCOUNT": "5010"}, CATALOG, AT)
    assert dims == {"PROJECT": P100, "GL_ACCOUNT": GL}
    assert problems == []


def test_no_dimensions_resolve_to_none():
    assert resolve_dimensions({}, CATALOG, AT) == ({}, [])


@pytest.mark.parametrize("given, pointer", [
    ({"PROJECT": "P-404"}, AT + "/dimensions/PROJECT"),
    ({"PROJECT": "P-OLD"}, AT + "/dimensions/PROJECT"),
    ({"CLASS": "P-100"}, AT + "/dimensions/CLASS"),
    ({"GL_ACCOUNT": "P-100"}, AT + "/dimensions/GL_ACCOUNT"),
])
def test_a_dimension_that_is_missing_inactive_or_of_another_type_is_not_found(given, pointer):
    dims, problems = resolve_dimensions(given, CATALOG, AT)
    assert dims == {}
    assert [(p.code, p.pointer) for p in problems] == [("dimension_not_found", pointer)]


def test_every_bad_dimension_is_reported_and_the_good_ones_kept():
    dims, problems = resolve_dimensions({"PROJECT": "P-OLD", "GL_ACCOUNT": "5010", "CLASS": "X"}, CATALOG, AT)
    assert dims == {"GL_ACCOUNT": GL}
    assert [p.pointer for p in problems] == [AT + "/dimensions/PROJECT", AT + "/dimensions/CLASS"]


def placed(*identifiers):
    return [(f"/line_items/{i}", LineState(ident, D(1), D(1))) for i, ident in enumerate(identifiers)]


def test_distinct_identifiers_are_fine():
    assert duplicate_identifiers(placed("Bolts", "Nuts", "Bolt", "Bolts M8")) == []


def test_an_identifier_repeated_in_another_case_is_a_duplicate_too():
    problems = duplicate_identifiers(placed("Bolts", "Nuts", "BOLTS"))
    assert [(p.code, p.pointer) for p in problems] == [("duplicate_identifier", "/line_items/2/identifier")]
    assert "'Bolts'" in problems[0].detail


def test_a_repeated_identifier_is_reported_at_the_later_line():
    problems = duplicate_identifiers(placed("Bolts", "Nuts", "Bolts"))
    assert [(p.code, p.pointer) for p in problems] == [("duplicate_identifier", "/line_items/2/identifier")]


def test_each_repeat_is_reported():
    problems = duplicate_identifiers(placed("Bolts", "Bolts", "Nuts", "Bolts"))
    assert [p.pointer for p in problems] == ["/line_items/1/identifier", "/line_items/3/identifier"]


def money_lines(*pairs, tax_rate="0"):
    return [(f"/line_items/{i}", LineState(f"L{i}", q and D(q), r and D(r), D(tax_rate))) for i, (q, r) in enumerate(pairs)]


def test_amounts_below_the_limit_are_fine():
    # 100 × 999,999,999,999.99 = 99,999,999,999,999.00, one unit below the limit
    assert amount_problems(money_lines(("100", "999999999999.99")), "INR") == []


def test_a_line_amount_at_the_limit_is_refused():
    problems = amount_problems(money_lines(("1", "1"), ("100", "1000000000000")), "INR")
    assert [(p.code, p.pointer) for p in problems] == [("invalid_value", "/line_items/1")]


def test_the_tax_counts_toward_a_line_amount():
    problems = amount_problems(money_lines(("1", str(AMOUNT_LIMIT * 9 / 10)), tax_rate="18"), "INR")
    assert [(p.code, p.pointer) for p in problems] == [("invalid_value", "/line_items/0")]


def test_a_po_total_at_the_limit_is_refused_at_the_line_list():
    lines = money_lines(("1", "60000000000000"), ("1", "40000000000000"))
    assert [(p.code, p.pointer) for p in amount_problems(lines, "INR")] == [("invalid_value", "/line_items")]


def test_the_total_is_not_reported_again_when_a_line_already_is():
    lines = money_lines(("1", "100000000000000"), ("1", "50000000000000"))
    assert [p.pointer for p in amount_problems(lines, "INR")] == ["/line_items/0"]


def test_lines_without_quantity_or_rate_are_skipped():
    assert amount_problems(money_lines((None, "1"), ("1", None)), "INR") == []


def test_an_unresolved_two_way_sku_code_is_a_warning():
    line = LineState("Bolts", D(1), D(1), requested_sku_code="NOPE")
    assert sku_match_warnings("two_way", [line]) == [{
        "line_item_identifier": "Bolts",
        "sku_code": "NOPE",
        "sku_name": None,
        "message": "sku_code 'NOPE' does not match an active SKU; the line has no SKU",
    }]


def test_an_unresolved_two_way_sku_name_is_a_warning():
    line = LineState("Bolts", D(1), D(1), requested_sku_name="Bolt thing")
    [warning] = sku_match_warnings("two_way", [line])
    assert (warning["sku_code"], warning["sku_name"]) == (None, "Bolt thing")
    assert "sku_name 'Bolt thing'" in warning["message"]


def test_lines_with_a_sku_or_without_a_reference_give_no_warning():
    lines = [LineState("Bolts", D(1), D(1), sku=BOLT), LineState("Labour", D(1), D(1))]
    assert sku_match_warnings("two_way", lines) == []


def test_three_way_pos_have_no_sku_match_warnings():
    assert sku_match_warnings("three_way", [LineState("Bolts", D(1), D(1), requested_sku_code="NOPE")]) == []
