"""Edges where bad input or an odd sequence once reached a 500 or lost data: each stays fixed."""
import pytest

from core.services import batches
from tests.factories import line, make_sku, make_vendor, po_body
from tests.web.desk import inv_line


def codes(response):
    return [(e["code"], e.get("pointer")) for e in response.json["errors"]]


def test_a_total_too_large_in_the_base_currency_is_refused_at_the_exchange_rate(api, people):
    body = po_body(currency="USD", exchange_rate="999999999", lines=[line(quantity="1000000", rate="10000000")])
    response = api.as_(people.requester).post("/purchase-orders", json=body)
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/exchange_rate")]


def test_an_invoice_too_large_to_keep_exactly_is_refused(api, people):
    vendor = make_vendor()
    body = {"vendor_id": vendor.id, "invoice_number": "BIG-1", "invoice_date": "2026-11-20", "currency": "INR",
            "lines": [inv_line(quantity="9999999999", unit_price="999999999999")]}
    response = api.as_(people.admin).post("/invoices", json=body)
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/lines/0")]


def test_an_integer_of_thousands_of_digits_is_invalid_json(api, people):
    response = api.as_(people.requester).post("/purchase-orders", data='{"vendor_id": ' + "9" * 5000 + "}",
                                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert codes(response)[0][0] == "invalid_json"


def test_an_if_match_version_too_long_for_any_po_is_a_version_mismatch(api, people):
    # Not a version at all ("garbage", "²") is a 400: tests/web/test_hardening.py.
    po = api.as_(people.requester).post("/purchase-orders", json=po_body()).json
    header = '"' + "9" * 5000 + '"'
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"notes": "x"}, headers={"If-Match": header})
    assert response.status_code == 412


def test_an_id_too_large_for_the_database_is_simply_not_found(api, people):
    response = api.as_(people.viewer).get("/purchase-orders/99999999999999999999")
    assert response.status_code == 404
    assert codes(response)[0][0] == "not_found"


def test_a_po_line_id_beyond_any_possible_id_is_refused(api, people):
    vendor = make_vendor()
    body = {"vendor_id": vendor.id, "invoice_number": "X-1", "invoice_date": "2026-11-20", "currency": "INR",
            "po_number": "PO-00001", "lines": [inv_line(po_line_id=3_000_000_000)]}
    response = api.as_(people.admin).post("/invoices", json=body)
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/lines/0/po_line_id")]


def test_a_draft_an_invoice_names_cannot_be_deleted_nor_its_invoiced_line_removed(api, people):
    vendor = make_vendor()
    po = api.as_(people.requester).post("/purchase-orders", json=po_body(vendor, lines=[line("Bolts"), line("Nuts")])).json
    invoice = {"vendor_id": vendor.id, "invoice_number": "EARLY-1", "invoice_date": "2026-11-20", "currency": "INR",
               "po_number": po["po_number"], "lines": [inv_line("Bolts", quantity="1", unit_price="100")]}
    assert api.as_(people.admin).post("/invoices", json=invoice).json["reasons"][0]["code"] == "po_not_open"
    bolts = po["line_items"][0]["id"]
    removed = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"line_items": [{"id": bolts, "delete": True}]})
    assert removed.status_code == 409 and codes(removed)[0][0] == "po_has_activity"
    deleted = api.as_(people.requester).delete(f"/purchase-orders/{po['id']}")
    assert deleted.status_code == 409 and codes(deleted)[0][0] == "po_has_activity"
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").status_code == 200


def test_renaming_a_vendor_bumps_the_version_of_its_purchase_orders(api, people):
    vendor = make_vendor()
    po = api.as_(people.requester).post("/purchase-orders", json=po_body(vendor)).json
    api.as_(people.admin).patch(f"/vendors/{vendor.id}", json={"name": "Acme Renamed"})
    after = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}")
    assert after.json["vendor_name"] == "Acme Renamed"
    assert after.headers["ETag"] == f'"{po["version"] + 1}"'


@pytest.mark.parametrize("body", [[], False, 0, "reason"])
def test_an_action_body_that_is_not_an_object_is_invalid_type(api, people, body):
    po = api.as_(people.requester).post("/purchase-orders", json=po_body()).json
    response = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/submit", json=body)
    assert response.status_code == 400
    assert codes(response)[0][0] == "invalid_type"


def test_an_approval_threshold_finer_than_the_base_currency_is_refused(api, people):
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": [{"min_total": "100.005", "approvers": ["approver"]}]})
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/approval_levels/0/min_total")]


def test_two_items_naming_one_po_by_different_keys_do_not_both_apply(db, people):
    vendor, sku = make_vendor(), make_sku(code="PART")
    item = {"external_id": "E-1", "po_type": "goods", "vendor_id": vendor.id,
            "line_items": [{"identifier": "Part", "sku_code": sku.code, "quantity": "1", "rate": "5"}]}
    batches.enqueue_batch(people.admin.user, {"purchase_orders": [item]})
    batches.run_pending("test")
    number = batches.BatchItem.get().po_number
    both = [dict(item, notes="A"), {**{k: v for k, v in item.items() if k != "external_id"}, "po_number": number, "notes": "B"}]
    batch, _ = batches.enqueue_batch(people.admin.user, {"purchase_orders": both})
    batches.run_pending("test")
    results = {i.index: (i.result, (i.errors or [{}])[0].get("code")) for i in batches.BatchItem.select().where(batches.BatchItem.batch == batch.id)}
    assert results == {0: ("updated", None), 1: ("failed", "duplicate_po_number")}


def test_an_erp_update_records_its_line_changes_in_the_audit_trail(api, people):
    vendor = make_vendor()
    item = {"external_id": "E-9", "po_type": "services", "matching": "two_way", "vendor_id": vendor.id,
            "line_items": [{"identifier": "Day 1", "quantity": "1", "rate": "5"}]}
    for lines in (item["line_items"], item["line_items"] + [{"identifier": "Day 2", "quantity": "1", "rate": "5"}]):
        api.as_(people.admin).post("/purchase-orders/bulk", json={"purchase_orders": [dict(item, line_items=lines)]})
        batches.run_pending("test")
    po = api.as_(people.viewer).get("/purchase-orders?external_id=E-9").json["data"][0]
    events = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"]
    assert events[-1]["action"] == "updated"
    assert events[-1]["changes"]["line_items"] == {"added": ["Day 2"]}
