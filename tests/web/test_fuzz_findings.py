"""What the fuzzer (tests/fuzz) found once the OpenAPI document became exact: each was a 500 or an
answer the document contradicted, and each now gets the contract's answer."""
import pytest

from tests.factories import po_body


def codes(response):
    return [(e["code"], e.get("pointer")) for e in response.json["errors"]]


def test_clearing_the_company_name_with_null_clears_it(api, people):
    admin = api.as_(people.admin)
    assert admin.patch("/settings", json={"company_name": "Acme Pvt Ltd"}).json["company_name"] == "Acme Pvt Ltd"
    response = admin.patch("/settings", json={"company_name": None})
    assert response.status_code == 200 and response.json["company_name"] is None
    assert admin.get("/settings").json["company_name"] is None


@pytest.mark.parametrize("approver", [2**31, 10**20])
def test_an_approver_id_no_user_can_have_is_a_400_at_its_pointer(api, people, approver):
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": [{"min_total": "10", "approvers": [approver]}]})
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/approval_levels/0/approvers/0")]


def test_a_po_date_cannot_be_removed(api, people, new_po):
    po = new_po()
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"po_date": None})
    assert response.status_code == 400 and codes(response) == [("invalid_type", "/po_date")]
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json["po_date"] == po["po_date"]


def test_an_integer_written_with_a_zero_fraction_is_that_integer(api, people):
    # JSON Schema's integers are the numbers without a fraction: 1.0 is the integer 1.
    approver = api.as_(people.admin).patch("/settings", json={"approval_reminder_hours": 12.0, "approval_levels": [
        {"min_total": "0", "approvers": [float(people.approver.id)]}]})
    assert approver.status_code == 200
    assert (approver.json["approval_reminder_hours"], approver.json["approval_levels"][0]["approvers"]) == (12, [people.approver.id])


def test_an_integer_with_a_fraction_is_still_refused(api, people):
    response = api.as_(people.admin).patch("/settings", json={"approval_reminder_hours": 12.5})
    assert response.status_code == 400 and codes(response) == [("invalid_type", "/approval_reminder_hours")]


@pytest.mark.parametrize("key", ["k" * 256, " padded ", "tab\tinside", "ü"])
def test_an_idempotency_key_that_is_not_a_short_printable_header_is_refused_and_queues_nothing(api, people, key):
    admin = api.as_(people.admin)
    response = admin.post("/purchase-orders/bulk", json={"purchase_orders": [po_body()]}, headers={"Idempotency-Key": key})
    assert response.status_code == 400 and "Idempotency-Key" in response.json["errors"][0]["detail"]
    assert admin.get("/batches").json["meta"]["total"] == 0


def test_a_webhook_url_must_be_written_in_ascii(api, people):
    response = api.as_(people.admin).post("/webhooks", json={"url": "https://\u00cf", "events": ["po.closed"]})
    assert response.status_code == 400 and codes(response) == [("invalid_value", "/url")]
    assert api.as_(people.admin).post("/webhooks", json={"url": "https://xn--bcher-kva.example/hook", "events": ["po.closed"]}).status_code == 201


def test_a_gstin_is_fifteen_letters_and_digits_as_written(api, people):
    admin = api.as_(people.admin)
    assert codes(admin.post("/vendors", json={"name": "A", "gstin": "27-AAPFU0939F1ZV"})) == [("invalid_gstin", "/gstin")]
    assert admin.post("/vendors", json={"name": "B", "gstin": "27aapfu0939f1zv"}).json["gstin"] == "27AAPFU0939F1ZV"


@pytest.mark.parametrize("query", ["status=%20draft", "vendor_id=%201", "page=1%0A", "per_page=%D9%A1", "active=TRUE"])
def test_a_list_filter_is_read_exactly_as_written(api, people, query):
    path = "/vendors" if query.startswith("active") else "/purchase-orders"
    assert api.as_(people.viewer).get(f"{path}?{query}").status_code == 400


def test_a_search_may_have_white_space_around_it(api, people, new_po):
    new_po(description="Steel bolts")
    assert api.as_(people.viewer).get("/purchase-orders?q=%20bolts%20").json["meta"]["total"] == 1


def test_the_document_lists_the_refusals_no_schema_can_state(api):
    doc = api.get("/openapi.json").json
    create = doc["paths"]["/api/v1/purchase-orders"]["post"]
    assert {"code": "vendor_not_found", "pointer": "/vendor_id"} in create["x-rule-errors"]
    assert all(rule["code"] not in ("invalid_type", "unknown_field", "missing_field", "invalid_json")
               for op in (create, doc["paths"]["/api/v1/vendors"]["post"]) for rule in op["x-rule-errors"])
