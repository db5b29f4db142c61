"""PO rules on plain values: create defaults and checks, submit warnings, and PATCH."""
import datetime as dt
from decimal import Decimal as D

import pytest

from core.rules.lines import sku_match_warnings
from core.rules.po_patch import patched_po
from core.rules.purchase_orders import new_po, submit_warnings
from core.rules.state import Catalog, DimensionRef, LineState, PoState, SkuRef, VendorRef
from core.schemas.parse import parse
from core.schemas.purchase_orders import PurchaseOrderCreate, PurchaseOrderPatch

TODAY = dt.date(2026, 11, 20)
BOLT = SkuRef(1, "BOLT-M8", "Steel bolt M8")
WASHER = SkuRef(3, "WASHER", "Flat washer", active=False)
ACME = VendorRef(3, "Acme Tools", True, currency="USD", payment_terms="Net 30")
GONE = VendorRef(4, "Gone Ltd", False)
LOCAL = VendorRef(5, "Local Supplies", True)
P100 = DimensionRef(1, "PROJECT", "P-100")
GL = DimensionRef(2, "GL_ACCOUNT", "5010")
CLOSED = DimensionRef(3, "PROJECT", "P-OLD", active=False)
CATALOG = Catalog(
    "INR",
    vendors={v.id: v for v in (ACME, GONE, LOCAL)},
    skus_by_code={s.code: s for s in (BOLT, WASHER)},
    skus_by_name={s.name.casefold(): s for s in (BOLT, WASHER)},
    dimensions={(d.type, d.erp_dimension_id): d for d in (P100, GL, CLOSED)},
)


def line(**fields):
    return {"identifier": "Steel bolts", "quantity": "100", "rate": "10", "sku_code": "BOLT-M8", **fields}


def create(**fields):
    values, shape = parse(PurchaseOrderCreate, {"po_type": "goods", "line_items": [line()], **fields})
    return new_po(values, CATALOG, TODAY, shape)


def codes(problems):
    return [(p.code, p.pointer) for p in problems]


def test_a_minimal_po_gets_its_defaults():
    state, problems = create()
    assert problems == []
    assert (state.matching, state.po_date, state.currency, state.exchange_rate) == ("three_way", TODAY, "INR", D(1))
    assert (state.vendor, state.payment_terms, state.status) == (None, None, "draft")
    assert state.lines[0].sku == BOLT


def test_the_currency_and_payment_terms_default_from_the_vendor():
    state, problems = create(vendor_id=3, exchange_rate="83.1")
    assert problems == []
    assert (state.vendor, state.currency, state.exchange_rate, state.payment_terms) == (ACME, "USD", D("83.1"), "Net 30")


def test_given_currency_and_payment_terms_beat_the_vendors():
    state, problems = create(vendor_id=3, currency="INR", payment_terms="Net 10")
    assert problems == []
    assert (state.currency, state.exchange_rate, state.payment_terms) == ("INR", D(1), "Net 10")


def test_a_vendor_without_a_currency_leaves_the_base_currency():
    state, problems = create(vendor_id=5)
    assert problems == []
    assert (state.currency, state.exchange_rate, state.payment_terms) == ("INR", D(1), None)


@pytest.mark.parametrize("fields", [{"currency": "USD"}, {"vendor_id": 3}])
def test_a_foreign_currency_needs_an_exchange_rate(fields):
    assert codes(create(**fields)[1]) == [("invalid_value", "/exchange_rate")]


@pytest.mark.parametrize("rate, ok", [("1", True), ("1.00", True), ("2", False), ("0.5", False)])
def test_the_base_currency_exchange_rate_must_be_1(rate, ok):
    assert codes(create(exchange_rate=rate)[1]) == ([] if ok else [("invalid_value", "/exchange_rate")])


def test_a_bad_exchange_rate_is_reported_once():
    assert codes(create(currency="USD", exchange_rate="0")[1]) == [("invalid_value", "/exchange_rate")]


@pytest.mark.parametrize("fields, ok", [
    ({"delivery_date": "2026-11-20"}, True),
    ({"delivery_date": "2026-11-19"}, False),
    ({"po_date": "2026-12-01", "delivery_date": "2026-11-25"}, False),
    ({"po_date": "2026-10-01", "delivery_date": "2026-11-01"}, True),
])
def test_delivery_cannot_come_before_the_po_date(fields, ok):
    assert codes(create(**fields)[1]) == ([] if ok else [("invalid_delivery_date", "/delivery_date")])


@pytest.mark.parametrize("vendor_id", [4, 99])
def test_a_missing_or_inactive_vendor_is_not_found(vendor_id):
    state, problems = create(vendor_id=vendor_id)
    assert codes(problems) == [("vendor_not_found", "/vendor_id")]
    assert state.vendor is None


def test_a_duplicate_identifier_is_reported_at_the_later_line():
    _, problems = create(line_items=[line(), line(identifier="Nuts"), line()])
    assert codes(problems) == [("duplicate_identifier", "/line_items/2/identifier")]


@pytest.mark.parametrize("fields, expected", [
    ({"sku_code": None}, [("sku_required", "/line_items/0")]),
    ({"sku_code": "NOPE"}, [("sku_not_found", "/line_items/0/sku_code")]),
    ({"sku_code": "NOPE", "sku_name": "Steel bolt M8"}, [("sku_not_found", "/line_items/0/sku_code")]),
    ({"sku_code": "WASHER"}, [("sku_not_found", "/line_items/0/sku_code")]),
    ({"sku_code": None, "sku_name": "Nothing like it"}, [("sku_not_found", "/line_items/0/sku_name")]),
    ({"sku_code": None, "sku_name": "STEEL BOLT m8"}, []),
])
def test_three_way_lines_must_name_an_active_sku(fields, expected):
    assert codes(create(line_items=[line(**fields)])[1]) == expected


def test_an_unresolved_two_way_sku_is_only_a_warning():
    state, problems = create(matching="two_way", line_items=[line(sku_code="NOPE"), line(identifier="Labour", sku_code=None)])
    assert problems == []
    assert [l.sku for l in state.lines] == [None, None]
    assert [w["line_item_identifier"] for w in sku_match_warnings(state.matching, state.lines)] == ["Steel bolts"]


def test_dimensions_resolve_and_bad_ones_are_pointed_at_by_type():
    state, problems = create(line_items=[line(), line(identifier="Nuts", dimensions={"PROJECT": "P-OLD", "GL_ACCOUNT": "5010", "CLASS": "X"})])
    assert codes(problems) == [("dimension_not_found", "/line_items/1/dimensions/PROJECT"), ("dimension_not_found", "/line_items/1/dimensions/CLASS")]
    good, _ = create(line_items=[line(dimensions={"PROJECT": "P-100"})])
    assert good.lines[0].dimensions == {"PROJECT": P100}


def test_amounts_too_large_to_keep_are_refused():
    assert codes(create(line_items=[line(quantity="9999999999", rate="99999")])[1]) == [("invalid_value", "/line_items/0")]
    two_big = [line(quantity="999999", rate="99999999"), line(identifier="More", quantity="999999", rate="99999999")]
    assert codes(create(line_items=two_big)[1]) == [("invalid_value", "/line_items")]


def test_shape_problems_are_kept_and_rules_still_run_on_the_valid_fields():
    _, problems = create(po_type="x", vendor_id=99, line_items=[line(quantity="-1"), line()])
    assert sorted(codes(problems)) == sorted([
        ("invalid_po_type", "/po_type"), ("invalid_value", "/line_items/0/quantity"),
        ("vendor_not_found", "/vendor_id"), ("duplicate_identifier", "/line_items/1/identifier"),
    ])


def test_a_bad_matching_value_does_not_pile_sku_errors_on_top():
    assert codes(create(matching="four_way", line_items=[line(sku_code=None)])[1]) == [("invalid_matching", "/matching")]


def complete(**overrides):
    po = PoState(po_type="goods", matching="three_way", po_date=TODAY, currency="INR", exchange_rate=D(1),
                 vendor=LOCAL, description="Bolts", payment_terms="Net 30",
                 lines=[LineState("Steel bolts", D(10), D(2), id=41, sku=BOLT, dimensions={"PROJECT": P100}),
                        LineState("Nuts", D(5), D(1), id=42, sku=BOLT)])
    for name, value in overrides.items():
        setattr(po, name, value)
    return po


def test_a_complete_po_has_no_submit_warnings():
    assert submit_warnings(complete()) is None


def test_submit_warnings_list_exactly_what_is_missing():
    po = complete(vendor=None, description=None, payment_terms="",
                  lines=[LineState("Bolts", D(0), D(2)), LineState("Nuts", None, D(0)), LineState("Pins", D(1), D(1))])
    assert submit_warnings(po) == {
        "po": ["vendor_id", "description", "payment_terms"],
        "line_items": {"Bolts": ["quantity"], "Nuts": ["quantity", "rate"]},
    }


def test_submit_warnings_keep_both_keys_when_only_lines_are_incomplete():
    assert submit_warnings(complete(lines=[LineState("Bolts", D(1), None)])) == {"po": [], "line_items": {"Bolts": ["rate"]}}


def patch(body, current=None):
    values, shape = parse(PurchaseOrderPatch, body, with_defaults=False)
    return patched_po(current or complete(), values, CATALOG, shape)


def test_sending_immutable_fields_unchanged_is_allowed():
    current = complete(po_number="PO-00001", external_id="ERP-1")
    out = patch({"status": "draft", "po_number": "PO-00001", "external_id": "ERP-1"}, current)
    assert (out.problems, out.conflicts, out.changed) == ([], [], False)


@pytest.mark.parametrize("field, value", [("status", "approved"), ("po_number", "PO-2"), ("external_id", "ERP-9")])
def test_status_number_and_external_id_can_never_change(field, value):
    assert codes(patch({field: value}, complete(po_number="PO-00001")).problems) == [("immutable_field", "/" + field)]


LOCKED = [("currency", "USD"), ("exchange_rate", "2"), ("po_type", "services"), ("matching", "two_way"),
          ("po_date", "2026-01-01"), ("gstin", "27AAPFU0939F1ZV"), ("line_items", [{"id": 41, "quantity": 1}])]


@pytest.mark.parametrize("status", ["pending_approval", "approved"])
@pytest.mark.parametrize("field, value", LOCKED)
def test_lines_and_pricing_fields_are_locked_after_submit(status, field, value):
    assert codes(patch({field: value}, complete(status=status)).conflicts) == [("po_not_editable", "/" + field)]


@pytest.mark.parametrize("status", ["draft", "rejected"])
@pytest.mark.parametrize("field, value", LOCKED)
def test_lines_and_pricing_fields_change_in_draft_or_rejected(status, field, value):
    assert patch({field: value}, complete(status=status)).conflicts == []


def test_the_same_locked_value_sent_again_is_no_conflict():
    assert patch({"currency": "INR", "po_type": "goods"}, complete(status="approved")).conflicts == []


@pytest.mark.parametrize("status, conflict", [("draft", False), ("rejected", True), ("pending_approval", True)])
def test_the_vendor_changes_only_while_draft(status, conflict):
    out = patch({"vendor_id": 3}, complete(status=status))
    assert codes(out.conflicts) == ([("po_not_editable", "/vendor_id")] if conflict else [])


@pytest.mark.parametrize("status", ["draft", "pending_approval", "approved", "rejected"])
def test_descriptive_fields_change_in_any_open_status(status):
    out = patch({"description": "New", "notes": "n", "payment_terms": "Net 45", "delivery_date": "2026-12-24"}, complete(status=status))
    assert (out.conflicts, out.problems, out.state.description) == ([], [], "New")


@pytest.mark.parametrize("status", ["cancelled", "closed"])
def test_nothing_changes_once_cancelled_or_closed(status):
    assert codes(patch({"description": "New"}, complete(status=status)).conflicts) == [("po_not_editable", "/description")]


def test_a_line_update_changes_only_the_fields_given():
    out = patch({"line_items": [{"id": 41, "quantity": "3"}]})
    bolts = out.state.lines[0]
    assert (bolts.quantity, bolts.rate, bolts.sku, bolts.dimensions) == (D(3), D(2), BOLT, {"PROJECT": P100})
    assert out.changed and out.problems == []


def test_a_line_without_id_is_added():
    out = patch({"line_items": [{"identifier": "Pins", "quantity": 1, "rate": 1, "sku_code": "BOLT-M8"}]})
    assert [l.identifier for l in out.state.lines] == ["Steel bolts", "Nuts", "Pins"]
    assert out.problems == []


def test_a_new_line_needs_identifier_quantity_and_rate():
    out = patch({"line_items": [{"sku_code": "BOLT-M8"}]})
    assert codes(out.problems) == [("missing_field", f"/line_items/0/{n}") for n in ("identifier", "quantity", "rate")]


def test_a_line_is_deleted_by_id():
    out = patch({"line_items": [{"id": 42, "delete": True}]})
    assert [l.identifier for l in out.state.lines] == ["Steel bolts"]
    assert out.problems == []


@pytest.mark.parametrize("item, pointer", [({"id": 99, "quantity": 1}, "/line_items/0/id"), ({"id": 99, "delete": True}, "/line_items/0/id"), ({"delete": True}, "/line_items/0/delete")])
def test_an_unknown_line_id_is_invalid_line_items(item, pointer):
    assert codes(patch({"line_items": [item]}).problems) == [("invalid_line_items", pointer)]


def test_a_deleted_lines_identifier_may_be_reused_by_a_new_line():
    out = patch({"line_items": [{"id": 41, "delete": True}, {"identifier": "Steel bolts", "quantity": 1, "rate": 1, "sku_code": "BOLT-M8"}]})
    assert out.problems == [] and [l.identifier for l in out.state.lines] == ["Nuts", "Steel bolts"]


def test_deleting_the_last_line_is_refused():
    out = patch({"line_items": [{"id": 41, "delete": True}, {"id": 42, "delete": True}]})
    assert codes(out.problems) == [("invalid_line_items", "/line_items")]


def test_an_edited_identifier_may_not_clash_with_another_line():
    assert codes(patch({"line_items": [{"id": 42, "identifier": "Steel bolts"}]}).problems) == [("duplicate_identifier", "/line_items/0/identifier")]


@pytest.mark.parametrize("dimensions, expected", [
    ({"GL_ACCOUNT": "5010"}, {"GL_ACCOUNT": GL}),
    ({}, {}),
    (None, {"PROJECT": P100}),
])
def test_given_dimensions_replace_all_empty_clears_and_null_keeps(dimensions, expected):
    assert patch({"line_items": [{"id": 41, "dimensions": dimensions}]}).state.lines[0].dimensions == expected


def test_absent_dimensions_are_kept():
    assert patch({"line_items": [{"id": 41, "rate": 3}]}).state.lines[0].dimensions == {"PROJECT": P100}


def test_switching_to_three_way_with_a_line_lacking_a_sku_is_refused():
    current = complete(matching="two_way", lines=[LineState("Labour", D(1), D(1), id=41)])
    assert codes(patch({"matching": "three_way"}, current).problems) == [("sku_required", "/matching")]


def test_switching_to_three_way_checks_lines_edited_in_the_same_patch():
    current = complete(matching="two_way", lines=[LineState("Labour", D(1), D(1), id=41)])
    out = patch({"matching": "three_way", "line_items": [{"id": 41, "quantity": 2}]}, current)
    assert "sku_required" in [p.code for p in out.problems]


def test_a_new_foreign_currency_needs_its_own_rate():
    out = patch({"currency": "USD"})
    assert codes(out.problems) == [("invalid_value", "/exchange_rate")]
    assert patch({"currency": "USD", "exchange_rate": "83.5"}).state.exchange_rate == D("83.5")


def test_returning_to_the_base_currency_resets_the_rate_to_1():
    out = patch({"currency": "INR"}, complete(currency="USD", exchange_rate=D("83")))
    assert (out.problems, out.state.exchange_rate) == ([], D(1))


@pytest.mark.parametrize("body", [
    {}, {"description": "Bolts"}, {"vendor_id": 5}, {"currency": "INR", "exchange_rate": "1.00"},
    {"line_items": [{"id": 41, "quantity": "10.00", "dimensions": {"PROJECT": "P-100"}}]},
])
def test_a_patch_that_changes_nothing_is_not_a_change(body):
    out = patch(body)
    assert (out.problems, out.changed) == ([], False)


def test_an_item_that_does_not_say_its_matching_is_three_way_and_its_skus_are_checked():
    # ERP items are parsed without defaults: an absent `matching` must still mean three-way.
    values = {"po_type": "goods", "line_items": [{"identifier": "Bolts", "quantity": D("1"), "rate": D("1"), "sku_code": "NOPE"}]}
    state, problems = new_po(values, Catalog("INR"), dt.date(2026, 11, 20), [])
    assert state.matching == "three_way"
    assert [(p.code, p.pointer) for p in problems] == [("sku_not_found", "/line_items/0/sku_code")]
