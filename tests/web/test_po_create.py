"""POST /purchase-orders: what a caller gets back, every error the create table names, defaults,
money to the cent, submit-on-create, and that a failed create leaves nothing behind."""
import datetime as dt

import pytest

from core.models import PoLine, PurchaseOrder
from tests.factories import line, make_dimension, make_sku, make_vendor, po_body

VALID_GSTIN = "27AAPFU0939F1ZV"


@pytest.fixture
def create(api, people):
    """POST a create body as the requester."""
    return lambda body, **kw: api.as_(people.requester).post("/purchase-orders", json=body, **kw)


def problems(resp) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in resp.json["errors"]}


def only_line(resp) -> dict:
    (item,) = resp.json["line_items"]
    return item


# ---- success ---------------------------------------------------------------------------------

def test_a_created_po_comes_back_201_with_its_location_and_version_etag(create):
    resp = create(po_body())
    assert resp.status_code == 201, resp.json
    assert resp.headers["Location"].endswith(f"/api/v1/purchase-orders/{resp.json['id']}")
    assert resp.headers["ETag"] == '"1"'
    assert resp.json["version"] == 1
    assert resp.json["po_number"] == "PO-00001"
    assert resp.json["created_at"].endswith("Z") and resp.json["updated_at"].endswith("Z")


def test_a_new_po_is_a_draft_at_its_initial_statuses(create):
    po = create(po_body()).json
    assert (po["status"], po["receipt_status"], po["billing_status"], po["match_status"]) == (
        "draft", "not_received", "not_billed", "none")
    assert po["submit_warnings"] is None
    assert po["submitted_at"] is None and po["approved_at"] is None


def test_a_requester_can_create_but_a_viewer_gets_403(api, people):
    assert api.as_(people.requester).post("/purchase-orders", json=po_body()).status_code == 201
    resp = api.as_(people.viewer).post("/purchase-orders", json=po_body())
    assert resp.status_code == 403
    assert resp.json["errors"][0]["code"] == "forbidden"


def test_a_given_po_number_and_external_id_are_kept(create):
    po = create(po_body(po_number="MANUAL-7", external_id="ERP-7")).json
    assert (po["po_number"], po["external_id"]) == ("MANUAL-7", "ERP-7")


# ---- every create error code ---------------------------------------------------------------

BAD_FIELDS = [
    ({"po_type": "tangible"}, "invalid_po_type", "/po_type"),
    ({"matching": "four_way"}, "invalid_matching", "/matching"),
    ({"po_date": "2026-02-30"}, "invalid_date", "/po_date"),
    ({"po_date": "30/01/2026"}, "invalid_date", "/po_date"),
    ({"delivery_date": "soon"}, "invalid_delivery_date", "/delivery_date"),
    ({"po_date": "2026-03-10", "delivery_date": "2026-03-09"}, "invalid_delivery_date", "/delivery_date"),
    ({"delivery_date": "2000-01-01"}, "invalid_delivery_date", "/delivery_date"),
    ({"currency": "XYZ"}, "invalid_currency", "/currency"),
    ({"currency": "usd", "exchange_rate": "83"}, "invalid_currency", "/currency"),
    ({"currency": "USD"}, "invalid_value", "/exchange_rate"),
    ({"currency": "USD", "exchange_rate": 0}, "invalid_value", "/exchange_rate"),
    ({"currency": "USD", "exchange_rate": "-2"}, "invalid_value", "/exchange_rate"),
    ({"currency": "INR", "exchange_rate": "2"}, "invalid_value", "/exchange_rate"),
    ({"payment_terms": ""}, "invalid_value", "/payment_terms"),
    ({"terms_and_conditions": "   "}, "invalid_value", "/terms_and_conditions"),
    ({"notes": ""}, "invalid_value", "/notes"),
    ({"gstin": "27AAPFU0939F1ZX"}, "invalid_gstin", "/gstin"),
    ({"description": ""}, "invalid_description_length", "/description"),
    ({"description": "x" * 256}, "invalid_description_length", "/description"),
    ({"line_items": []}, "invalid_line_items", "/line_items"),
    ({"line_items": "bolts"}, "invalid_line_items", "/line_items"),
    ({"line_items": [line(f"L{i}") for i in range(501)]}, "invalid_line_items", "/line_items"),
    ({"line_items": [{"quantity": 1, "rate": 1}]}, "missing_field", "/line_items/0/identifier"),
    ({"line_items": [{"identifier": "A", "rate": 1}]}, "missing_field", "/line_items/0/quantity"),
    ({"line_items": [{"identifier": "A", "quantity": 1}]}, "missing_field", "/line_items/0/rate"),
    ({"line_items": [{"identifier": None, "quantity": 1, "rate": 1}]}, "invalid_type", "/line_items/0/identifier"),
    ({"line_items": [line("A"), line("A")]}, "duplicate_identifier", "/line_items/1/identifier"),
    ({"line_items": [line("A", quantity=-1)]}, "invalid_value", "/line_items/0/quantity"),
    ({"line_items": [line("A", rate="-0.01")]}, "invalid_value", "/line_items/0/rate"),
    ({"line_items": [line("A", rate="ten")]}, "invalid_value", "/line_items/0/rate"),
    ({"line_items": [line("A", quantity="1.00001")]}, "invalid_value", "/line_items/0/quantity"),
    ({"line_items": [line("A", rate="1.0000001")]}, "invalid_value", "/line_items/0/rate"),
    ({"line_items": [line("A", tax_rate=101)]}, "invalid_value", "/line_items/0/tax_rate"),
    ({"line_items": [line("A", tax_rate=-1)]}, "invalid_value", "/line_items/0/tax_rate"),
    ({"matching": "three_way", "line_items": [line("A")]}, "sku_required", "/line_items/0"),
    ({"matching": "three_way", "line_items": [line("A", sku_code="NOPE")]}, "sku_not_found", "/line_items/0/sku_code"),
    ({"matching": "three_way", "line_items": [line("A", sku_name="No such")]}, "sku_not_found", "/line_items/0/sku_name"),
    ({"line_items": [line("A", dimensions={"PROJECT": "NOPE"})]}, "dimension_not_found", "/line_items/0/dimensions/PROJECT"),
    ({"vendor_id": 999999}, "vendor_not_found", "/vendor_id"),
    ({"po_number": "P" * 51}, "invalid_value", "/po_number"),
    ({"colour": "red"}, "unknown_field", "/colour"),
    ({"line_items": [line("A", colour="red")]}, "unknown_field", "/line_items/0/colour"),
    ({"po_type": 5}, "invalid_type", "/po_type"),
    ({"vendor_id": "1"}, "invalid_type", "/vendor_id"),
    ({"submit": "yes"}, "invalid_type", "/submit"),
    ({"line_items": [line("A", quantity=True)]}, "invalid_type", "/line_items/0/quantity"),
    ({"line_items": ["A"]}, "invalid_type", "/line_items/0"),
]


@pytest.mark.parametrize("fields, code, ptr", BAD_FIELDS, ids=[f"{c}{p}" for _, c, p in BAD_FIELDS])
def test_a_bad_field_is_a_400_naming_its_code_and_pointer(create, fields, code, ptr):
    resp = create({**po_body(), **fields})
    assert resp.status_code == 400, resp.json
    assert (code, ptr) in problems(resp)


@pytest.mark.parametrize("name", ["po_type", "line_items"])
def test_a_missing_required_field_is_a_missing_field_400(create, name):
    body = po_body()
    del body[name]
    resp = create(body)
    assert resp.status_code == 400
    assert problems(resp) == {("missing_field", f"/{name}")}


def test_an_inactive_vendor_is_vendor_not_found(create):
    resp = create(po_body(vendor=make_vendor(active=False)))
    assert resp.status_code == 400
    assert problems(resp) == {("vendor_not_found", "/vendor_id")}


def test_an_inactive_sku_is_sku_not_found_on_a_three_way_line(create):
    sku = make_sku(active=False)
    resp = create(po_body(matching="three_way", lines=[line("A", sku_code=sku.code)]))
    assert resp.status_code == 400
    assert problems(resp) == {("sku_not_found", "/line_items/0/sku_code")}


def test_a_three_way_sku_code_wins_over_a_matching_name(create):
    sku = make_sku()
    resp = create(po_body(matching="three_way", lines=[line("A", sku_code="NOPE", sku_name=sku.name)]))
    assert resp.status_code == 400
    assert problems(resp) == {("sku_not_found", "/line_items/0/sku_code")}


def test_an_inactive_dimension_is_dimension_not_found(create):
    make_dimension("PROJECT", "P-OLD", active=False)
    resp = create(po_body(lines=[line("A", dimensions={"PROJECT": "P-OLD"})]))
    assert resp.status_code == 400
    assert problems(resp) == {("dimension_not_found", "/line_items/0/dimensions/PROJECT")}


def test_a_used_po_number_is_a_409_duplicate_po_number(create):
    create(po_body(po_number="PO-X"))
    resp = create(po_body(po_number="PO-X"))
    assert resp.status_code == 409
    assert problems(resp) == {("duplicate_po_number", "/po_number")}


def test_a_used_external_id_is_a_409_duplicate_external_id(create):
    create(po_body(external_id="ERP-1"))
    resp = create(po_body(external_id="ERP-1"))
    assert resp.status_code == 409
    assert problems(resp) == {("duplicate_external_id", "/external_id")}


def test_an_amount_too_large_to_keep_exactly_is_a_400_not_a_500(create):
    resp = create(po_body(lines=[line("A", quantity="9999999999", rate="999999999999")]))
    assert resp.status_code == 400
    assert resp.json["errors"][0]["code"] == "invalid_value"


def test_an_assigned_number_skips_one_typed_in_by_hand(create):
    create(po_body(po_number="PO-00001"))
    assert create(po_body()).json["po_number"] == "PO-00002"


def test_a_body_that_is_not_json_is_invalid_json(api, people):
    resp = api.as_(people.requester).post("/purchase-orders", data="{not json", content_type="application/json")
    assert resp.status_code == 400
    assert resp.json["errors"][0]["code"] == "invalid_json"


def test_a_json_body_that_is_not_an_object_is_invalid_type(create):
    resp = create([po_body()])
    assert resp.status_code == 400
    assert resp.json["errors"][0]["code"] == "invalid_type"


def test_a_non_json_content_type_is_415_unsupported_media_type(api, people):
    resp = api.as_(people.requester).post("/purchase-orders", data="po_type=goods", content_type="text/plain")
    assert resp.status_code == 415
    assert resp.json["errors"][0]["code"] == "unsupported_media_type"


def test_every_problem_is_reported_in_one_response(create):
    body = {
        "po_type": "tangible", "matching": "two_way", "currency": "XYZ", "colour": "red", "vendor_id": 999999,
        "line_items": [line("A", quantity=-1), line("A", rate=None), {"identifier": "B", "rate": 1}],
    }
    resp = create(body)
    assert resp.status_code == 400
    assert problems(resp) >= {
        ("invalid_po_type", "/po_type"), ("invalid_currency", "/currency"), ("unknown_field", "/colour"),
        ("vendor_not_found", "/vendor_id"), ("invalid_value", "/line_items/0/quantity"),
        ("invalid_type", "/line_items/1/rate"), ("missing_field", "/line_items/2/quantity"),
        ("duplicate_identifier", "/line_items/1/identifier"),
    }


def test_a_failed_create_writes_nothing_and_does_not_use_up_a_number(create, api, people):
    assert create({**po_body(), "vendor_id": 999999}).status_code == 400
    assert create({**po_body(), "line_items": [line("A"), line("A")]}).status_code == 400
    assert api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 0
    assert PoLine.select().count() == 0
    assert create(po_body()).json["po_number"] == "PO-00001"


def test_a_conflicting_create_does_not_use_up_a_number(create):
    assert create(po_body(external_id="ERP-9")).json["po_number"] == "PO-00001"
    assert create(po_body(external_id="ERP-9")).status_code == 409
    assert PurchaseOrder.select().count() == 1
    assert create(po_body()).json["po_number"] == "PO-00002"


# ---- defaults --------------------------------------------------------------------------------

def test_currency_and_payment_terms_default_from_the_vendor(create):
    vendor = make_vendor(currency="USD", payment_terms="Net 45")
    po = create(po_body(vendor=vendor, exchange_rate="83")).json
    assert (po["currency"], po["payment_terms"], po["exchange_rate"]) == ("USD", "Net 45", "83")


def test_currency_defaults_to_the_base_currency_with_rate_1_when_the_vendor_has_none(create):
    po = create(po_body(vendor=make_vendor(currency=None))).json
    assert (po["currency"], po["exchange_rate"]) == ("INR", "1")


def test_a_po_without_vendor_is_in_the_base_currency_without_payment_terms(create):
    po = create(po_body(vendor_id=None)).json
    assert (po["vendor_id"], po["vendor_name"], po["currency"], po["payment_terms"]) == (None, None, "INR", None)


def test_given_payment_terms_win_over_the_vendors(create):
    po = create(po_body(vendor=make_vendor(payment_terms="Net 45"), payment_terms="Advance")).json
    assert po["payment_terms"] == "Advance"


def test_nothing_but_currency_and_payment_terms_defaults_from_the_vendor(create):
    vendor = make_vendor(gstin=VALID_GSTIN, payment_terms=None)
    po = create(po_body(vendor=vendor)).json
    assert po["gstin"] is None and po["payment_terms"] is None
    assert po["vendor_name"] == vendor.name


def test_matching_defaults_to_three_way_and_po_date_to_today(create):
    sku = make_sku()
    body = po_body(lines=[line("A", sku_code=sku.code)])
    del body["matching"]
    po = create(body).json
    assert po["matching"] == "three_way"
    assert po["po_date"] == dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert po["delivery_date"] is None


def test_a_three_way_line_resolves_its_sku_by_code_before_name_and_by_name_ignoring_case(create):
    bolt, nut = make_sku(code="BOLT-M8", name="Steel bolt M8"), make_sku(code="NUT-M8", name="Steel nut M8")
    po = create(po_body(matching="three_way", lines=[
        line("A", sku_code=bolt.code, sku_name=nut.name), line("B", sku_name="STEEL NUT m8"),
    ])).json
    assert [(l["sku_code"], l["sku_name"]) for l in po["line_items"]] == [
        ("BOLT-M8", "Steel bolt M8"), ("NUT-M8", "Steel nut M8")]


def test_tax_rate_defaults_to_zero_and_dimensions_to_an_empty_object(create):
    item = only_line(create(po_body(lines=[line("A")])))
    assert (item["tax_rate"], item["tax_amount"], item["dimensions"]) == ("0", "0.00", {})


def test_line_dimensions_are_kept_by_type(create):
    make_dimension("PROJECT", "P-100")
    make_dimension("GL_ACCOUNT", "5010")
    item = only_line(create(po_body(lines=[line("A", dimensions={"PROJECT": "P-100", "GL_ACCOUNT": "5010"})])))
    assert item["dimensions"] == {"PROJECT": "P-100", "GL_ACCOUNT": "5010"}


# ---- money -----------------------------------------------------------------------------------

def totals(po: dict) -> tuple:
    return po["subtotal"], po["tax_total"], po["total"], po["total_base"]


def only_line_amount(po: dict) -> str:
    (item,) = po["line_items"]
    return item["amount"]


def test_jpy_amounts_round_half_up_to_whole_yen(create):
    po = create(po_body(currency="JPY", exchange_rate="0.55", lines=[line("A", quantity=3, rate="10.5")])).json
    assert only_line_amount(po) == "32"
    assert totals(po) == ("32", "0", "32", "17.60")


def test_inr_amounts_have_two_decimals(create):
    po = create(po_body(lines=[line("A", quantity=16, rate=105, tax_rate=18)])).json
    assert only_line_amount(po) == "1680.00"
    assert totals(po) == ("1680.00", "302.40", "1982.40", "1982.40")


def test_kwd_amounts_have_three_decimals(create):
    po = create(po_body(currency="KWD", exchange_rate="270", lines=[line("A", quantity=1, rate="1.25")])).json
    assert only_line_amount(po) == "1.250"
    assert totals(po) == ("1.250", "0.000", "1.250", "337.50")


def test_line_amount_and_tax_round_half_up_and_totals_sum_the_rounded_lines(create):
    lines = [line("A", quantity=1, rate="0.125", tax_rate=50), line("B", quantity=1, rate="0.125", tax_rate=50)]
    po = create(po_body(lines=lines)).json
    assert [(l["amount"], l["tax_amount"]) for l in po["line_items"]] == [("0.13", "0.07"), ("0.13", "0.07")]
    assert totals(po) == ("0.26", "0.14", "0.40", "0.40")


def test_total_base_is_the_total_times_the_exchange_rate_rounded_in_the_base_currency(create):
    po = create(po_body(currency="USD", exchange_rate="83.333", lines=[line("A", quantity=1, rate="10.01")])).json
    assert (po["total"], po["total_base"]) == ("10.01", "834.16")


def test_decimals_come_back_as_exact_strings_whether_sent_as_numbers_or_strings(create):
    po = create(po_body(lines=[line("A", quantity=2.5, rate="100", tax_rate=18)])).json
    item = po["line_items"][0]
    assert (item["quantity"], item["rate"], item["tax_rate"], item["amount"]) == ("2.5", "100.00", "18", "250.00")
    assert (item["quantity_received"], item["quantity_billed"]) == ("0", "0")
    assert all(isinstance(po[k], str) for k in ("exchange_rate", "subtotal", "tax_total", "total", "total_base"))


# ---- submit on create ------------------------------------------------------------------------

def test_submit_true_on_a_complete_po_approves_it_when_no_level_applies(create):
    po = create(po_body(submit=True)).json
    assert po["status"] == "approved"
    assert po["submit_warnings"] is None
    assert po["submitted_at"] is not None and po["approved_at"] is not None


def test_submit_true_on_an_incomplete_po_keeps_a_draft_and_lists_exactly_what_is_missing(create):
    body = {"po_type": "goods", "matching": "two_way", "submit": True, "line_items": [
        line("Bolts", quantity=0, rate=0), line("Nuts", quantity=5, rate=0), line("Washers")]}
    po = create(body).json
    assert po["status"] == "draft"
    assert po["submit_warnings"] == {
        "po": ["vendor_id", "description", "payment_terms"],
        "line_items": {"Bolts": ["quantity", "rate"], "Nuts": ["rate"]},
    }


def test_submit_warnings_name_only_the_missing_payment_terms(create):
    po = create(po_body(vendor=make_vendor(payment_terms=None), submit=True)).json
    assert po["status"] == "draft"
    assert po["submit_warnings"] == {"po": ["payment_terms"], "line_items": {}}


@pytest.mark.parametrize("submit", [False, None])
def test_without_submit_an_incomplete_po_is_a_draft_with_null_submit_warnings(create, submit):
    body = {"po_type": "goods", "matching": "two_way", "line_items": [line("A", rate=0)]}
    if submit is not None:
        body["submit"] = submit
    po = create(body).json
    assert (po["status"], po["submit_warnings"]) == ("draft", None)


# ---- two-way SKU warnings --------------------------------------------------------------------

def test_an_unresolved_two_way_sku_becomes_a_warning_and_the_line_has_no_sku(create):
    resp = create(po_body(lines=[line("Bolts", sku_code="NOPE")]))
    assert resp.status_code == 201
    (warning,) = resp.json["sku_match_warnings"]
    assert {k: warning[k] for k in ("line_item_identifier", "sku_code", "sku_name")} == {
        "line_item_identifier": "Bolts", "sku_code": "NOPE", "sku_name": None}
    assert warning["message"]
    assert (only_line(resp)["sku_code"], only_line(resp)["sku_name"]) == (None, None)


def test_a_resolved_two_way_sku_gives_no_warning(create):
    sku = make_sku()
    resp = create(po_body(lines=[line("Bolts", sku_code=sku.code)]))
    assert resp.json["sku_match_warnings"] == []
    assert only_line(resp)["sku_code"] == sku.code
