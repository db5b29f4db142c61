"""Request validation: every contract code reachable from a schema, with its JSON pointer."""
import datetime as dt
from decimal import Decimal as D

import pytest

from core.schemas.parse import parse
from core.schemas.purchase_orders import PurchaseOrderCreate, PurchaseOrderPatch
from core.schemas.reference import SettingsPatch, SkuBulk, VendorCreate

GSTIN = "27AAPFU0939F1ZV"


def line(**fields):
    return {"identifier": "Steel bolts", "quantity": "100", "rate": "10", **fields}


def po(**fields):
    return {"po_type": "goods", "line_items": [line()], **fields}


def problems(model, body, **kw):
    return [(p.code, p.pointer) for p in parse(model, body, **kw)[1]]


def create_problems(**fields):
    return problems(PurchaseOrderCreate, po(**fields))


def line_problems(**fields):
    return problems(PurchaseOrderCreate, po(line_items=[line(**fields)]))


def created(**fields):
    values, found = parse(PurchaseOrderCreate, po(**fields))
    assert found == []
    return values


def test_a_valid_create_gets_its_defaults():
    values = created()
    assert values["matching"] == "three_way"
    assert values["submit"] is False
    assert values["line_items"][0]["tax_rate"] == 0
    assert values["line_items"][0]["quantity"] == D("100")


@pytest.mark.parametrize("body", [None, [], "po", 5])
def test_a_body_that_is_not_an_object_is_invalid_type(body):
    assert problems(PurchaseOrderCreate, body) == [("invalid_type", None)]  # about the whole body, not a field: no pointer


def test_an_unknown_field_is_refused_with_its_pointer():
    assert create_problems(vendor=3) == [("unknown_field", "/vendor")]
    assert line_problems(qty=1) == [("unknown_field", "/line_items/0/qty")]


def test_a_pointer_escapes_slash_and_tilde():
    assert create_problems(**{"a/b": 1, "c~d": 2}) == [("unknown_field", "/a~1b"), ("unknown_field", "/c~0d")]


def test_absent_required_fields_are_missing_field():
    assert problems(PurchaseOrderCreate, {}) == [("missing_field", "/po_type"), ("missing_field", "/line_items")]
    assert problems(PurchaseOrderCreate, po(line_items=[{}])) == [
        ("missing_field", "/line_items/0/identifier"),
        ("missing_field", "/line_items/0/quantity"),
        ("missing_field", "/line_items/0/rate"),
    ]


@pytest.mark.parametrize("field, value, code", [
    ("po_type", "GOODS", "invalid_po_type"),
    ("matching", "four_way", "invalid_matching"),
    ("po_date", "2026-02-30", "invalid_date"),
    ("po_date", "20/11/2026", "invalid_date"),
    ("delivery_date", "2026-13-01", "invalid_delivery_date"),
    ("delivery_date", "1 Dec 2026", "invalid_delivery_date"),
    ("currency", "usd", "invalid_currency"),
    ("currency", "DEM", "invalid_currency"),
    ("gstin", "27AAPFU0939F1ZA", "invalid_gstin"),
    ("gstin", "123", "invalid_gstin"),
    ("description", "", "invalid_description_length"),
    ("description", "x" * 256, "invalid_description_length"),
    ("po_number", "x" * 51, "invalid_value"),
    ("external_id", "x" * 101, "invalid_value"),
    ("payment_terms", "   ", "invalid_value"),
    ("notes", "", "invalid_value"),
    ("terms_and_conditions", "x" * 10_001, "invalid_value"),
    ("vendor_id", 0, "invalid_value"),
    ("exchange_rate", 0, "invalid_value"),
])
def test_the_right_type_with_a_wrong_value_gets_the_fields_own_code(field, value, code):
    assert create_problems(**{field: value}) == [(code, "/" + field)]


@pytest.mark.parametrize("field, value", [
    ("po_type", 1), ("matching", True), ("po_date", 20261120), ("delivery_date", 5),
    ("currency", 356), ("gstin", 5), ("description", 7), ("vendor_id", "3"), ("vendor_id", 3.0),
    ("vendor_id", True), ("exchange_rate", True), ("exchange_rate", [1]), ("submit", "yes"),
    ("notes", {"a": 1}),
])
def test_a_wrong_json_type_is_always_invalid_type(field, value):
    assert create_problems(**{field: value}) == [("invalid_type", "/" + field)]


@pytest.mark.parametrize("field, value", [
    ("quantity", True), ("rate", False), ("tax_rate", True), ("quantity", None), ("rate", [10]),
    ("identifier", 5), ("sku_code", 5), ("dimensions", "PROJECT"), ("dimensions", {"PROJECT": 100}),
])
def test_a_wrong_json_type_in_a_line_is_invalid_type(field, value):
    assert line_problems(**{field: value}) == [("invalid_type", f"/line_items/0/{field}")]


def test_a_line_that_is_not_an_object_is_invalid_type():
    assert create_problems(line_items=[line(), 5]) == [("invalid_type", "/line_items/1")]


@pytest.mark.parametrize("items", ["bolts", {"identifier": "x"}, [], [line(identifier=f"L{i}") for i in range(501)]])
def test_line_items_that_are_not_a_list_or_empty_or_too_many_are_invalid_line_items(items):
    assert create_problems(line_items=items) == [("invalid_line_items", "/line_items")]


def test_five_hundred_lines_are_allowed():
    assert len(created(line_items=[line(identifier=f"L{i}") for i in range(500)])["line_items"]) == 500


@pytest.mark.parametrize("value", [3, 2.5, D("2.5"), D("25e-1"), "2.5", "0", "-0"])
def test_numbers_are_accepted_as_json_numbers_decimals_and_numeric_strings(value):
    quantity = created(line_items=[line(quantity=value)])["line_items"][0]["quantity"]
    assert quantity == D(str(value).strip())


def test_a_json_float_keeps_its_written_digits():
    assert created(line_items=[line(rate=0.1)])["line_items"][0]["rate"] == D("0.1")


@pytest.mark.parametrize("value", [
    -1, "-0.5", "NaN", D("NaN"), float("nan"), "Infinity", D("-Infinity"), float("inf"),
    "1e400", D("1E+400"), "ten", "", "1,000", "0x10",
])
def test_numbers_that_are_not_finite_non_negative_values_are_invalid_value(value):
    assert line_problems(quantity=value) == [("invalid_value", "/line_items/0/quantity")]


@pytest.mark.parametrize("field, ok, too_precise", [
    ("quantity", "1.2345", "1.23456"),
    ("rate", "1.123456", "1.1234567"),
    ("tax_rate", "18.1234", "18.12345"),
])
def test_line_numbers_keep_a_limited_number_of_decimals(field, ok, too_precise):
    assert line_problems(**{field: ok}) == []
    assert line_problems(**{field: too_precise}) == [("invalid_value", f"/line_items/0/{field}")]


def test_trailing_zeros_do_not_count_as_decimals():
    assert line_problems(quantity="1.50000000") == []


@pytest.mark.parametrize("tax_rate, ok", [("0", True), ("100", True), ("100.0001", False), ("101", False), ("-1", False)])
def test_tax_rate_is_between_0_and_100(tax_rate, ok):
    assert line_problems(tax_rate=tax_rate) == ([] if ok else [("invalid_value", "/line_items/0/tax_rate")])


@pytest.mark.parametrize("rate, ok", [
    ("0.00000001", True), ("83.12345678", True), ("0", False), ("-1", False), ("1.123456789", False),
])
def test_exchange_rate_is_positive_with_at_most_8_decimals(rate, ok):
    assert create_problems(exchange_rate=rate) == ([] if ok else [("invalid_value", "/exchange_rate")])


def test_strings_are_trimmed():
    values = created(description="  Bolts for the line  ", line_items=[line(identifier="  Steel bolts ")])
    assert values["description"] == "Bolts for the line"
    assert values["line_items"][0]["identifier"] == "Steel bolts"


def test_length_is_measured_after_trimming():
    assert create_problems(description="  " + "x" * 255 + "  ") == []


@pytest.mark.parametrize("identifier", ["", "   ", "x" * 256])
def test_an_empty_or_over_long_identifier_is_invalid_value(identifier):
    assert line_problems(identifier=identifier) == [("invalid_value", "/line_items/0/identifier")]


def test_a_dimension_type_must_be_an_upper_case_word():
    assert line_problems(dimensions={"project": "P-100"}) == [("invalid_value", "/line_items/0/dimensions")]


def test_an_empty_dimension_id_is_a_wrong_value_not_a_wrong_type():
    found = line_problems(dimensions={"PROJECT": "  "})
    assert [code for code, _ in found] == ["invalid_value"]
    assert found[0][1].startswith("/line_items/0/dimensions")


def test_a_gstin_is_normalised_to_upper_case():
    assert created(gstin=GSTIN.lower())["gstin"] == GSTIN


def test_dates_are_parsed():
    values = created(po_date="2026-11-20", delivery_date="2026-12-01")
    assert (values["po_date"], values["delivery_date"]) == (dt.date(2026, 11, 20), dt.date(2026, 12, 1))


def test_every_problem_is_reported_at_once():
    body = po(po_type="x", currency="usd", foo=1, line_items=[line(quantity=-1, rate="NaN"), line(identifier="")])
    assert sorted(problems(PurchaseOrderCreate, body)) == sorted([
        ("invalid_po_type", "/po_type"),
        ("invalid_currency", "/currency"),
        ("invalid_value", "/line_items/0/quantity"),
        ("invalid_value", "/line_items/0/rate"),
        ("invalid_value", "/line_items/1/identifier"),
        ("unknown_field", "/foo"),
    ])


def test_on_failure_the_values_still_hold_the_fields_valid_on_their_own():
    body = po(po_type="x", description=" Bolts ", vendor_id=3, line_items=[line(quantity=-1, sku_code="BOLT-M8")])
    values, found = parse(PurchaseOrderCreate, body)
    assert found
    assert "po_type" not in values
    assert (values["description"], values["vendor_id"], values["matching"]) == ("Bolts", 3, "three_way")
    assert values["line_items"][0]["rate"] == D("10")
    assert values["line_items"][0]["sku_code"] == "BOLT-M8"
    assert "quantity" not in values["line_items"][0]


def test_a_patch_returns_only_the_fields_given():
    values, found = parse(PurchaseOrderPatch, {"description": "x", "line_items": [{"id": 41, "quantity": "2"}]}, with_defaults=False)
    assert found == []
    assert values == {"description": "x", "line_items": [{"id": 41, "quantity": D("2")}]}


def test_a_failed_patch_keeps_only_the_valid_given_fields():
    values, found = parse(PurchaseOrderPatch, {"description": "x", "currency": "usd"}, with_defaults=False)
    assert [(p.code, p.pointer) for p in found] == [("invalid_currency", "/currency")]
    assert values == {"description": "x"}


@pytest.mark.parametrize("body, expected", [
    ({"currency": None}, [("invalid_type", "/currency")]),
    ({"exchange_rate": None}, [("invalid_type", "/exchange_rate")]),
    ({"exchange_rate": "0"}, [("invalid_value", "/exchange_rate")]),
    ({"status": "bogus"}, [("immutable_field", "/status")]),
    ({"line_items": "x"}, [("invalid_line_items", "/line_items")]),
    ({"line_items": [{"id": True, "delete": "yes"}]}, [("invalid_type", "/line_items/0/id"), ("invalid_type", "/line_items/0/delete")]),
    ({"line_items": [{"id": 0}]}, [("invalid_value", "/line_items/0/id")]),
    ({"line_items": [{"id": 41, "identifier": None}]}, [("invalid_type", "/line_items/0/identifier")]),
    ({"line_items": [{"id": 41, "quantity": "1.23456"}]}, [("invalid_value", "/line_items/0/quantity")]),
    ({"line_items": [{"id": 41, "colour": "red"}]}, [("unknown_field", "/line_items/0/colour")]),
])
def test_patch_problems_with_their_pointers(body, expected):
    assert problems(PurchaseOrderPatch, body, with_defaults=False) == expected


def test_a_patch_may_send_an_empty_line_list():
    assert problems(PurchaseOrderPatch, {"line_items": []}, with_defaults=False) == []


def test_a_vendor_is_validated_and_normalised():
    values, found = parse(VendorCreate, {"name": "  Acme  ", "gstin": GSTIN.lower(), "currency": "USD", "email": "ap@acme.example"})
    assert found == []
    assert (values["name"], values["gstin"], values["active"]) == ("Acme", GSTIN, True)


def test_vendor_problems_are_all_reported():
    body = {"gstin": "27AAPFU0939F1ZA", "email": "not-an-email", "currency": "DEM", "active": "yes", "name": "x" * 256}
    assert sorted(problems(VendorCreate, body)) == sorted([
        ("invalid_value", "/name"),
        ("invalid_email", "/email"),
        ("invalid_gstin", "/gstin"),
        ("invalid_currency", "/currency"),
        ("invalid_type", "/active"),
    ])
    assert problems(VendorCreate, {}) == [("missing_field", "/name")]


@pytest.mark.parametrize("skus, expected", [
    ("x", [("invalid_type", "/skus")]),
    ([], [("invalid_value", "/skus")]),
    ([{"code": f"C{i}", "name": f"N{i}"} for i in range(1001)], [("batch_too_large", "/skus")]),
    ([{"code": "A", "name": "A"}, {"name": "B", "default_rate": -1}, 3], [
        ("missing_field", "/skus/1/code"), ("invalid_value", "/skus/1/default_rate"), ("invalid_type", "/skus/2"),
    ]),
])
def test_sku_bulk_problems_point_into_the_list(skus, expected):
    assert problems(SkuBulk, {"skus": skus}) == expected


def test_settings_patch_reports_every_problem_with_its_pointer():
    body = {
        "base_currency": "usd", "price_tolerance_pct": True, "quantity_tolerance_pct": "-1",
        "approval_levels": [{"min_total": "1000", "approvers": ["viewer", 0, False]}, {"min_total": "5", "approvers": []}],
        "approval_reminder_hours": 0,
    }
    assert sorted(problems(SettingsPatch, body, with_defaults=False)) == sorted([
        ("invalid_currency", "/base_currency"),
        ("invalid_type", "/price_tolerance_pct"),
        ("invalid_value", "/quantity_tolerance_pct"),
        ("invalid_value", "/approval_levels/0/approvers/0"),
        ("invalid_value", "/approval_levels/0/approvers/1"),
        ("invalid_type", "/approval_levels/0/approvers/2"),
        ("invalid_value", "/approval_levels/1/approvers"),
        ("invalid_value", "/approval_reminder_hours"),
    ])


def test_a_settings_patch_keeps_only_what_was_given():
    values, found = parse(SettingsPatch, {"price_tolerance_pct": "2.5", "approval_levels": [{"min_total": 0, "approvers": ["approver", 4]}]}, with_defaults=False)
    assert found == []
    assert values == {"price_tolerance_pct": D("2.5"), "approval_levels": [{"min_total": D("0"), "approvers": ["approver", 4]}]}
