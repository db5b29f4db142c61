"""Vendors, SKUs, dimensions and settings over HTTP: admins write, everyone reads."""
from decimal import Decimal

import pytest

from tests.factories import line, make_dimension, make_po, make_sku, make_vendor, po_body

VALID_GSTIN = "29AABCA1234B1ZD"


@pytest.fixture
def admin(api, people):
    return api.as_(people.admin)


def codes_at(response) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in response.json["errors"]}


# Vendors

def test_an_admin_adds_a_vendor_and_is_told_where_it_lives(admin):
    body = {"name": "Acme Tools", "external_id": "ERP-V1", "email": "billing@acme.example", "gstin": VALID_GSTIN,
            "currency": "USD", "payment_terms": "Net 45"}
    response = admin.post("/vendors", json=body)
    assert response.status_code == 201, response.json
    vendor = response.json
    assert {k: vendor[k] for k in body} == body
    assert vendor["active"] is True
    assert response.headers["Location"].endswith(f"/api/v1/vendors/{vendor['id']}")
    assert admin.get(response.headers["Location"]).json == vendor


def test_a_vendor_needs_a_name(admin):
    response = admin.post("/vendors", json={"email": "a@b.example"})
    assert response.status_code == 400
    assert codes_at(response) == {("missing_field", "/name")}


def test_a_second_vendor_with_the_same_external_id_is_a_conflict(admin):
    make_vendor(external_id="ERP-7")
    response = admin.post("/vendors", json={"name": "Other", "external_id": "ERP-7"})
    assert response.status_code == 409
    assert codes_at(response) == {("duplicate_external_id", "/external_id")}


def test_moving_a_vendor_onto_another_vendors_external_id_is_a_conflict(admin):
    make_vendor(external_id="ERP-8")
    other = make_vendor(external_id="ERP-9")
    response = admin.patch(f"/vendors/{other.id}", json={"external_id": "ERP-8"})
    assert response.status_code == 409
    assert codes_at(response) == {("duplicate_external_id", "/external_id")}
    assert admin.get(f"/vendors/{other.id}").json["external_id"] == "ERP-9"


@pytest.mark.parametrize("field, value, code", [
    ("name", "   ", "invalid_value"),
    ("email", "not-an-address", "invalid_email"),
    ("gstin", "29AABCA1234B1ZE", "invalid_gstin"),  # wrong check digit
    ("gstin", "29AABCA1234B1Z", "invalid_gstin"),
    ("currency", "XYZ", "invalid_currency"),
    ("currency", "rupees", "invalid_currency"),
])
def test_a_vendor_field_with_a_bad_value_is_refused_with_its_code(admin, field, value, code):
    response = admin.post("/vendors", json={"name": "Acme", **{field: value}})
    assert response.status_code == 400
    assert codes_at(response) == {(code, f"/{field}")}


def test_every_problem_with_a_vendor_is_reported_at_once(admin):
    response = admin.post("/vendors", json={"email": "nope", "gstin": "123", "currency": "ABC", "colour": "red"})
    assert response.status_code == 400
    assert codes_at(response) == {
        ("missing_field", "/name"), ("invalid_email", "/email"), ("invalid_gstin", "/gstin"),
        ("invalid_currency", "/currency"), ("unknown_field", "/colour"),
    }
    assert admin.get("/vendors").json["meta"]["total"] == 0


def test_a_vendor_is_read_by_its_id(api, people):
    vendor = make_vendor(name="Bolt House", external_id="ERP-11")
    response = api.as_(people.viewer).get(f"/vendors/{vendor.id}")
    assert (response.status_code, response.json["name"], response.json["external_id"]) == (200, "Bolt House", "ERP-11")


def test_vendors_are_searched_by_name_ignoring_case(admin):
    for name in ("Acme Tools", "ACME Steel", "Bolt House"):
        make_vendor(name=name)
    response = admin.get("/vendors", query_string={"q": "acme"})
    assert sorted(v["name"] for v in response.json["data"]) == ["ACME Steel", "Acme Tools"]
    assert response.json["meta"]["total"] == 2


def test_vendors_are_filtered_by_active(admin):
    make_vendor(name="Current")
    make_vendor(name="Dormant", active=False)
    inactive = admin.get("/vendors", query_string={"active": "false"}).json["data"]
    active = admin.get("/vendors", query_string={"active": "true"}).json["data"]
    assert [v["name"] for v in inactive] == ["Dormant"]
    assert [v["name"] for v in active] == ["Current"]


def test_vendors_are_filtered_by_external_id(admin):
    make_vendor(external_id="ERP-1")
    wanted = make_vendor(external_id="ERP-2")
    response = admin.get("/vendors", query_string={"external_id": "ERP-2"})
    assert [v["id"] for v in response.json["data"]] == [wanted.id]


def test_vendors_are_listed_in_pages_that_cover_every_vendor_once(admin):
    made = {make_vendor().id for _ in range(5)}
    pages = [admin.get("/vendors", query_string={"page": n, "per_page": 2}).json for n in (1, 2, 3)]
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    assert pages[1]["meta"] == {"page": 2, "per_page": 2, "total": 5, "total_exact": True}
    assert {v["id"] for p in pages for v in p["data"]} == made


@pytest.mark.parametrize("query", [{"per_page": "0"}, {"per_page": "201"}, {"page": "0"}, {"page": "x"},
                                   {"active": "maybe"}, {"colour": "red"}])
def test_bad_list_parameters_are_refused(admin, query):
    response = admin.get("/vendors", query_string=query)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] in ("invalid_value", "unknown_field")


def test_patching_a_vendor_changes_only_the_fields_given(admin):
    vendor = make_vendor(name="Acme", email="a@acme.example", payment_terms="Net 30")
    response = admin.patch(f"/vendors/{vendor.id}", json={"payment_terms": "Net 60"})
    assert response.status_code == 200
    assert [response.json[k] for k in ("payment_terms", "name", "email")] == ["Net 60", "Acme", "a@acme.example"]


def test_renaming_a_vendor_renames_it_on_its_purchase_orders(admin, people):
    renamed, untouched = make_vendor(name="Old Name"), make_vendor(name="Keep Me")
    po, other_po = make_po(people.requester, vendor=renamed), make_po(people.requester, vendor=untouched)
    assert admin.patch(f"/vendors/{renamed.id}", json={"name": "New Name"}).status_code == 200
    assert admin.get(f"/purchase-orders/{po.id}").json["vendor_name"] == "New Name"
    assert admin.get(f"/purchase-orders/{other_po.id}").json["vendor_name"] == "Keep Me"
    found = admin.get("/purchase-orders", query_string={"q": "new name"}).json["data"]
    assert [p["id"] for p in found] == [po.id]


@pytest.mark.parametrize("method", ["get", "patch"])
def test_an_unknown_vendor_is_not_found(admin, method):
    response = getattr(admin, method)("/vendors/999999", **({"json": {"name": "x"}} if method == "patch" else {}))
    assert response.status_code == 404
    assert response.json["errors"][0]["code"] == "not_found"


# SKUs

def test_an_admin_adds_a_sku(admin):
    response = admin.post("/skus", json={"code": "BOLT-M8", "name": "Steel bolt M8", "unit": "pcs", "default_rate": "12.50"})
    assert response.status_code == 201, response.json
    sku = response.json
    assert (sku["code"], sku["name"], sku["unit"], sku["active"]) == ("BOLT-M8", "Steel bolt M8", "pcs", True)
    assert isinstance(sku["default_rate"], str) and Decimal(sku["default_rate"]) == Decimal("12.50")
    assert response.headers["Location"].endswith(f"/api/v1/skus/{sku['id']}")
    assert admin.get(f"/skus/{sku['id']}").json == sku


def test_a_sku_code_is_used_once(admin):
    make_sku(code="BOLT-M8", name="Steel bolt M8")
    response = admin.post("/skus", json={"code": "BOLT-M8", "name": "Another bolt"})
    assert response.status_code == 409
    assert response.json["errors"][0]["code"] == "duplicate_sku_code"


def test_a_sku_name_is_used_once_ignoring_case(admin):
    make_sku(code="BOLT-M8", name="Steel bolt M8")
    response = admin.post("/skus", json={"code": "BOLT-M9", "name": "STEEL BOLT m8"})
    assert response.status_code == 409
    assert response.json["errors"][0]["code"] == "duplicate_sku_name"


def test_renaming_a_sku_onto_another_skus_name_is_a_conflict(admin):
    make_sku(code="A-1", name="Washer")
    other = make_sku(code="A-2", name="Nut")
    response = admin.patch(f"/skus/{other.id}", json={"name": "washer"})
    assert response.status_code == 409
    assert response.json["errors"][0]["code"] == "duplicate_sku_name"
    assert admin.get(f"/skus/{other.id}").json["name"] == "Nut"


def test_bulk_adds_every_sku_and_returns_them_in_request_order(admin):
    items = [{"code": f"BULK-{i}", "name": f"Bulk item {i}"} for i in range(3)]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert response.status_code == 201, response.json
    assert [s["code"] for s in response.json["data"]] == ["BULK-0", "BULK-1", "BULK-2"]
    assert admin.get("/skus").json["meta"]["total"] == 3


def test_bulk_accepts_a_thousand_skus(admin):
    items = [{"code": f"K-{i:04d}", "name": f"Kit {i}"} for i in range(1000)]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert (response.status_code, len(response.json["data"])) == (201, 1000)
    assert admin.get("/skus").json["meta"]["total"] == 1000


def test_bulk_reports_every_duplicate_and_writes_nothing(admin):
    make_sku(code="OLD-1", name="Old item")
    items = [
        {"code": "NEW-1", "name": "Fresh"},
        {"code": "NEW-1", "name": "Fresher"},     # code repeated inside the request
        {"code": "NEW-3", "name": "FRESH"},       # name repeated inside the request, other case
        {"code": "OLD-1", "name": "Renamed old"},  # code of an existing SKU
        {"code": "NEW-5", "name": "old ITEM"},    # name of an existing SKU
    ]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert response.status_code == 400
    assert codes_at(response) == {
        ("duplicate_sku_code", "/skus/1/code"), ("duplicate_sku_name", "/skus/2/name"),
        ("duplicate_sku_code", "/skus/3/code"), ("duplicate_sku_name", "/skus/4/name"),
    }
    assert admin.get("/skus").json["meta"]["total"] == 1


def test_bulk_reports_every_invalid_item_with_a_pointer_and_writes_nothing(admin):
    items = [{"code": "OK-1", "name": "Fine"}, {"code": "OK-2"}, {"code": "OK-3", "name": "Priced", "default_rate": "-1"}]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert response.status_code == 400
    assert codes_at(response) == {("missing_field", "/skus/1/name"), ("invalid_value", "/skus/2/default_rate")}
    assert admin.get("/skus").json["meta"]["total"] == 0


def test_bulk_reports_invalid_items_and_duplicates_in_one_response(admin):
    make_sku(code="OLD-1", name="Old item")
    items = [{"code": "NEW-1"}, {"code": "OLD-1", "name": "Another"}]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert response.status_code == 400
    assert codes_at(response) == {("missing_field", "/skus/0/name"), ("duplicate_sku_code", "/skus/1/code")}


def test_bulk_refuses_more_than_a_thousand_skus_and_writes_nothing(admin):
    items = [{"code": f"K-{i:04d}", "name": f"Kit {i}"} for i in range(1001)]
    response = admin.post("/skus/bulk", json={"skus": items})
    assert response.status_code == 400
    assert response.json["errors"][0]["pointer"] == "/skus"
    assert admin.get("/skus").json["meta"]["total"] == 0


def test_bulk_refuses_an_empty_list(admin):
    response = admin.post("/skus/bulk", json={"skus": []})
    assert response.status_code == 400
    assert codes_at(response) == {("invalid_value", "/skus")}


# Dimensions

def test_an_admin_adds_a_dimension(admin):
    body = {"type": "GL_ACCOUNT", "erp_dimension_id": "5010", "name": "Office supplies"}
    response = admin.post("/dimensions", json=body)
    assert response.status_code == 201, response.json
    assert {k: response.json[k] for k in body} == body
    assert response.headers["Location"].endswith(f"/api/v1/dimensions/{response.json['id']}")


@pytest.mark.parametrize("dim_type", ["project", "Project", "GL ACCOUNT", "1ST", "GL-ACCOUNT", ""])
def test_a_dimension_type_must_be_an_upper_case_word(admin, dim_type):
    response = admin.post("/dimensions", json={"type": dim_type, "erp_dimension_id": "P-1", "name": "Pilot"})
    assert response.status_code == 400
    assert codes_at(response) == {("invalid_value", "/type")}


def test_the_same_erp_id_twice_in_one_type_is_a_conflict(admin):
    make_dimension("PROJECT", "P-100")
    response = admin.post("/dimensions", json={"type": "PROJECT", "erp_dimension_id": "P-100", "name": "Again"})
    assert response.status_code == 409
    assert response.json["errors"][0]["code"] == "duplicate_dimension"


def test_the_same_erp_id_in_another_type_is_a_different_dimension(admin):
    make_dimension("PROJECT", "100")
    assert admin.post("/dimensions", json={"type": "CLASS", "erp_dimension_id": "100", "name": "C"}).status_code == 201


def test_dimensions_are_filtered_by_type(admin):
    wanted = {make_dimension("PROJECT").id, make_dimension("PROJECT").id}
    make_dimension("CLASS")
    response = admin.get("/dimensions", query_string={"type": "PROJECT"})
    assert {d["id"] for d in response.json["data"]} == wanted
    assert {d["type"] for d in response.json["data"]} == {"PROJECT"}


def test_a_dimension_type_cannot_change(admin):
    dimension = make_dimension("PROJECT", "P-1")
    response = admin.patch(f"/dimensions/{dimension.id}", json={"type": "CLASS"})
    assert response.status_code == 400
    assert codes_at(response) == {("immutable_field", "/type")}
    assert admin.get(f"/dimensions/{dimension.id}").json["type"] == "PROJECT"


def test_a_dimension_patch_may_repeat_its_type_and_rename_it(admin):
    dimension = make_dimension("PROJECT", "P-1", name="Pilot")
    response = admin.patch(f"/dimensions/{dimension.id}", json={"type": "PROJECT", "name": "Pilot plant"})
    assert (response.status_code, response.json["name"]) == (200, "Pilot plant")


# Settings

def test_settings_start_with_the_defaults(api, people):
    response = api.as_(people.viewer).get("/settings")
    assert response.status_code == 200
    s = response.json
    assert (s["base_currency"], s["po_number_format"], s["approval_levels"]) == ("INR", "PO-{seq:05d}", [])
    for name in ("price_tolerance_pct", "quantity_tolerance_pct", "over_receipt_tolerance_pct"):
        assert s[name] == "0"
    assert isinstance(s["price_tolerance_abs"], str) and Decimal(s["price_tolerance_abs"]) == 0


def test_patching_settings_keeps_the_fields_left_out(admin):
    admin.patch("/settings", json={"po_number_format": "REQ-{seq:04d}"})
    response = admin.patch("/settings", json={"price_tolerance_pct": "2.5"})
    assert response.status_code == 200
    assert response.json["price_tolerance_pct"] == "2.5"
    assert admin.get("/settings").json["po_number_format"] == "REQ-{seq:04d}"
    assert admin.get("/settings").json["base_currency"] == "INR"


def test_new_purchase_orders_are_numbered_with_the_changed_format(admin, api, people):
    assert admin.patch("/settings", json={"po_number_format": "REQ-{seq:04d}"}).status_code == 200
    created = api.as_(people.requester).post("/purchase-orders", json=po_body())
    assert created.json["po_number"] == "REQ-0001"


@pytest.mark.parametrize("fmt", ["PO-{year}", "PO-FIXED", "PO-{number}", "PO-{seq", "PO-{seq:q}", "PO-{seq[0]}", "PO-{0}"])
def test_a_po_number_format_that_cannot_number_purchase_orders_is_refused(admin, fmt):
    response = admin.patch("/settings", json={"po_number_format": fmt})
    assert response.status_code == 400
    assert codes_at(response) == {("invalid_value", "/po_number_format")}
    assert admin.get("/settings").json["po_number_format"] == "PO-{seq:05d}"


def test_approval_levels_name_approvers_by_id_or_by_role(admin, people):
    levels = [{"min_total": "100000", "approvers": ["admin"]},
              {"min_total": 10000, "approvers": [people.approver.id, people.admin.id, "approver"]}]
    response = admin.patch("/settings", json={"approval_levels": levels})
    assert response.status_code == 200, response.json
    stored = admin.get("/settings").json["approval_levels"]
    assert [Decimal(level["min_total"]) for level in stored] == [10000, 100000]
    assert [level["approvers"] for level in stored] == [[people.approver.id, people.admin.id, "approver"], ["admin"]]


@pytest.mark.parametrize("who", ["requester_id", "unknown_id", "requester_role", "viewer_role"])
def test_an_approver_who_cannot_approve_is_refused_with_a_pointer(admin, people, who):
    bad = {"requester_id": people.requester.id, "unknown_id": 999999, "requester_role": "requester",
           "viewer_role": "viewer"}[who]
    levels = [{"min_total": 0, "approvers": ["admin"]}, {"min_total": 5000, "approvers": [people.approver.id, bad]}]
    response = admin.patch("/settings", json={"approval_levels": levels})
    assert response.status_code == 400
    assert codes_at(response) == {("invalid_value", "/approval_levels/1/approvers/1")}
    assert admin.get("/settings").json["approval_levels"] == []


def test_every_approver_who_cannot_approve_is_reported_at_once(admin, people):
    levels = [{"min_total": 0, "approvers": ["requester", people.requester.id, 999999]}]
    response = admin.patch("/settings", json={"approval_levels": levels})
    assert response.status_code == 400
    assert {e["pointer"] for e in response.json["errors"]} == {
        "/approval_levels/0/approvers/0", "/approval_levels/0/approvers/1", "/approval_levels/0/approvers/2",
    }


def test_the_base_currency_can_change_while_there_are_no_purchase_orders(admin):
    assert admin.patch("/settings", json={"base_currency": "USD"}).status_code == 200
    assert admin.get("/settings").json["base_currency"] == "USD"


def test_the_base_currency_cannot_change_once_a_purchase_order_exists(admin, people):
    make_po(people.requester, lines=[line()])
    response = admin.patch("/settings", json={"base_currency": "USD"})
    assert response.status_code == 409
    assert codes_at(response) == {("base_currency_in_use", "/base_currency")}
    assert admin.get("/settings").json["base_currency"] == "INR"
    assert admin.patch("/settings", json={"base_currency": "INR"}).status_code == 200


# Who may do what

@pytest.fixture
def existing(db):
    return {"vendor": make_vendor().id, "sku": make_sku().id, "dimension": make_dimension().id}


ADMIN_WRITES = [
    ("post", "/vendors", {"name": "Forbidden Vendor"}),
    ("patch", "/vendors/{vendor}", {"name": "Forbidden Vendor"}),
    ("post", "/skus", {"code": "NOPE-1", "name": "Forbidden"}),
    ("post", "/skus/bulk", {"skus": [{"code": "NOPE-2", "name": "Forbidden"}]}),
    ("patch", "/skus/{sku}", {"name": "Forbidden"}),
    ("post", "/dimensions", {"type": "PROJECT", "erp_dimension_id": "NOPE", "name": "Forbidden"}),
    ("patch", "/dimensions/{dimension}", {"name": "Forbidden"}),
    ("patch", "/settings", {"po_number_format": "NOPE-{seq}"}),
]


@pytest.mark.parametrize("role", ["viewer", "requester", "approver"])
@pytest.mark.parametrize("method, path, body", ADMIN_WRITES, ids=[f"{m} {p}" for m, p, _ in ADMIN_WRITES])
def test_only_admins_write_reference_data(api, people, existing, role, method, path, body):
    client = api.as_(getattr(people, role))
    response = getattr(client, method)(path.format(**existing), json=body)
    assert response.status_code == 403
    assert response.json["errors"][0]["code"] == "forbidden"
    assert "Forbidden" not in api.as_(people.admin).get(path.format(**existing).removesuffix("/bulk")).get_data(as_text=True)
    assert api.as_(people.admin).get("/settings").json["po_number_format"] == "PO-{seq:05d}"


READS = ["/vendors", "/vendors/{vendor}", "/skus", "/skus/{sku}", "/dimensions", "/dimensions/{dimension}", "/settings"]


@pytest.mark.parametrize("role", ["viewer", "requester", "approver", "admin"])
@pytest.mark.parametrize("path", READS)
def test_every_role_reads_reference_data(api, people, existing, role, path):
    assert api.as_(getattr(people, role)).get(path.format(**existing)).status_code == 200
