"""Goods received through the API: split deliveries, the PO's receipt progress, the receipts list,
over-receipt tolerance to the last unit, and bad receipts refused whole with a pointer."""
import pytest

from core.models import Receipt, ReceiptLine
from tests.factories import line, make_sku


def quantities(po):
    return [(l["quantity"], l["quantity_received"]) for l in po["line_items"]]


def counts():
    return Receipt.select().count(), ReceiptLine.select().count()


def error_list(resp):
    return [(e["code"], e.get("pointer")) for e in resp.json["errors"]]


@pytest.fixture
def po(desk):
    """An approved three-way PO: 10 steel bolts and 5 copper wire."""
    return desk.po(line("Steel bolts M8", quantity=10, rate=100), line("Copper wire", quantity=5, rate=20), matching="three_way")


# ---- recording goods -----------------------------------------------------------------------------

def test_a_receipt_is_201_with_the_receipt_and_the_pos_new_state(desk, po, people):
    resp = desk.receive(po, ("Steel bolts M8", 4))
    assert resp.status_code == 201, resp.json
    assert resp.headers["Location"].endswith(f"/purchase-orders/{po['id']}/receipts")
    receipt = resp.json["receipt"]
    assert (receipt["purchase_order_id"], receipt["received_by"]["id"]) == (po["id"], people.requester.id)
    assert receipt["lines"] == [{"line_id": po["line_items"][0]["id"], "identifier": "Steel bolts M8", "quantity": "4"}]
    assert quantities(resp.json["purchase_order"]) == [("10", "4"), ("5", "0")]
    assert resp.json["purchase_order"]["receipt_status"] == "partially_received"


def test_split_deliveries_receive_each_line_partially_then_fully(desk, po):
    first = desk.received(po, ("Steel bolts M8", 6))["purchase_order"]
    assert (quantities(first), first["receipt_status"]) == ([("10", "6"), ("5", "0")], "partially_received")
    second = desk.received(po, ("Steel bolts M8", 4), ("Copper wire", "2.5"))["purchase_order"]
    assert (quantities(second), second["receipt_status"]) == ([("10", "10"), ("5", "2.5")], "partially_received")
    third = desk.received(po, ("Copper wire", "2.5"))["purchase_order"]
    assert (quantities(third), third["receipt_status"], third["billing_status"]) == ([("10", "10"), ("5", "5")], "fully_received", "not_billed")
    assert third["status"] == "approved"  # received but not billed: still open


def test_a_line_may_be_named_by_line_id_identifier_or_sku_code(desk, people):
    sku = make_sku()
    po = desk.po(line("Steel bolts M8", quantity=10, rate=100), line("Copper wire", quantity=5, rate=20, sku_code=sku.code),
                 line("Hex nuts", quantity=3, rate=1), matching="three_way")
    body = {"lines": [{"line_id": po["line_items"][0]["id"], "quantity": 1}, {"sku_code": sku.code, "quantity": 2},
                      {"identifier": "Hex nuts", "quantity": 3}]}
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/receipts", json=body)
    assert resp.status_code == 201, resp.json
    assert quantities(resp.json["purchase_order"]) == [("10", "1"), ("5", "2"), ("3", "3")]


def test_a_line_named_by_identifier_is_found_ignoring_case_and_invisible_characters(desk, po):
    resp = desk.receive(po, ("steel BOLTS m8\u200b", 2))
    assert resp.status_code == 201, resp.json
    assert quantities(resp.json["purchase_order"]) == [("10", "2"), ("5", "0")]


def test_the_pos_receipts_are_listed_oldest_first_with_their_lines(desk, po, people):
    first = desk.received(po, ("Steel bolts M8", 6))["receipt"]
    second = desk.received(po, ("Steel bolts M8", 4), ("Copper wire", 5))["receipt"]
    resp = desk.api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/receipts")
    assert resp.status_code == 200
    assert [r["id"] for r in resp.json["data"]] == [first["id"], second["id"]]
    assert [[(l["identifier"], l["quantity"]) for l in r["lines"]] for r in resp.json["data"]] == [
        [("Steel bolts M8", "6")], [("Steel bolts M8", "4"), ("Copper wire", "5")]]
    assert resp.json["meta"] == {"page": 1, "per_page": 50, "total": 2, "total_exact": True}
    page = desk.api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/receipts?per_page=1&page=2").json
    assert ([r["id"] for r in page["data"]], page["meta"]["total"]) == ([second["id"]], 2)


def test_the_receipts_of_a_po_that_does_not_exist_are_404(desk, people):
    assert desk.api.as_(people.viewer).get("/purchase-orders/999999/receipts").status_code == 404
    assert desk.api.as_(people.requester).post("/purchase-orders/999999/receipts", json={"lines": [{"line_id": 1, "quantity": 1}]}).status_code == 404


def test_a_receipt_note_and_date_are_kept(desk, po, people):
    body = {"received_on": "2026-01-10", "note": "Two boxes damaged", "lines": [{"identifier": "Copper wire", "quantity": 1}]}
    receipt = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/receipts", json=body).json["receipt"]
    assert (receipt["received_on"], receipt["note"]) == ("2026-01-10", "Two boxes damaged")
    event = [e for e in desk.trail(po) if e["action"] == "receipt_recorded"]
    assert [(e["changes"], e["comment"]) for e in event] == [({"Copper wire": ["0", "1"]}, "Two boxes damaged")]


# ---- roles ---------------------------------------------------------------------------------------

def test_a_requester_records_receipts_and_a_viewer_cannot(desk, po, people):
    resp = desk.receive(po, ("Steel bolts M8", 1), who=people.viewer)
    assert resp.status_code == 403 and counts() == (0, 0)
    assert desk.receive(po, ("Steel bolts M8", 1), who=people.requester).status_code == 201


# ---- over-receipt tolerance ----------------------------------------------------------------------

def test_without_tolerance_receiving_exactly_what_was_ordered_passes_and_a_ten_thousandth_more_is_over_receipt(desk, po):
    before = counts()
    resp = desk.receive(po, ("Steel bolts M8", "10.0001"))
    assert resp.status_code == 400 and error_list(resp) == [("over_receipt", "/lines/0/quantity")]
    assert counts() == before
    assert desk.receive(po, ("Steel bolts M8", "10")).status_code == 201


def test_receiving_exactly_at_the_over_receipt_tolerance_passes(desk, po):
    desk.settings(over_receipt_tolerance_pct="10")
    desk.received(po, ("Steel bolts M8", 6))
    after = desk.received(po, ("Steel bolts M8", 5))["purchase_order"]
    assert (quantities(after)[0], after["receipt_status"]) == (("10", "11"), "partially_received")


def test_receiving_past_the_over_receipt_tolerance_is_400_over_receipt_counting_earlier_receipts(desk, po):
    desk.settings(over_receipt_tolerance_pct="10")
    desk.received(po, ("Steel bolts M8", 6))
    before = counts()
    resp = desk.receive(po, ("Steel bolts M8", "5.0001"))
    assert resp.status_code == 400 and error_list(resp) == [("over_receipt", "/lines/0/quantity")]
    assert counts() == before and quantities(desk.read(po))[0] == ("10", "6")


def test_an_over_received_line_does_not_make_the_po_fully_received_while_another_is_short(desk, po):
    desk.settings(over_receipt_tolerance_pct="50")
    after = desk.received(po, ("Steel bolts M8", 15), ("Copper wire", 4))["purchase_order"]
    assert (quantities(after), after["receipt_status"]) == ([("10", "15"), ("5", "4")], "partially_received")


# ---- refused receipts: nothing half-written ------------------------------------------------------

@pytest.mark.parametrize("status, action, who", [("draft", None, None), ("cancelled", "cancel", "requester"), ("closed", "close", "admin")])
def test_a_receipt_on_a_po_that_is_not_approved_is_409_po_not_open(desk, people, status, action, who):
    po = desk.po(matching="three_way", submit=status == "closed")
    if action:
        assert desk.api.as_(getattr(people, who)).post(f"/purchase-orders/{po['id']}/{action}", json={}).status_code == 200
    resp = desk.receive(po, ("Steel bolts M8", 1))
    assert resp.status_code == 409 and [e["code"] for e in resp.json["errors"]] == ["po_not_open"]
    assert counts() == (0, 0) and quantities(desk.read(po)) == [("10", "0")]


def test_a_receipt_on_a_po_pending_approval_is_409_po_not_open(desk, people):
    desk.settings(approval_levels=[{"min_total": "0", "approvers": [people.approver.id]}])
    po = desk.po(matching="three_way", submit=False)
    assert desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/submit").json["status"] == "pending_approval"
    resp = desk.receive(po, ("Steel bolts M8", 1))
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "po_not_open"


def test_a_receipt_naming_a_line_of_another_po_is_400_invalid_line_items(desk, po, people):
    other = desk.po(matching="three_way")
    body = {"lines": [{"line_id": po["line_items"][0]["id"], "quantity": 1}, {"line_id": other["line_items"][0]["id"], "quantity": 1}]}
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/receipts", json=body)
    assert resp.status_code == 400 and error_list(resp) == [("invalid_line_items", "/lines/1/line_id")]
    assert counts() == (0, 0)
    assert quantities(desk.read(po))[0] == ("10", "0") and quantities(desk.read(other)) == [("10", "0")]


@pytest.mark.parametrize("quantity", [0, "0", -1, "-0.5"])
def test_a_zero_or_negative_quantity_is_400_at_its_quantity_and_nothing_is_received(desk, po, quantity):
    resp = desk.receive(po, ("Steel bolts M8", 2), ("Copper wire", quantity))
    assert resp.status_code == 400 and error_list(resp) == [("invalid_value", "/lines/1/quantity")]
    assert counts() == (0, 0) and quantities(desk.read(po)) == [("10", "0"), ("5", "0")]


@pytest.mark.parametrize("body, code, pointer", [
    ({"lines": []}, "invalid_line_items", "/lines"),
    ({"lines": [{"identifier": "Brass screws", "quantity": 1}]}, "invalid_line_items", "/lines/0/identifier"),
    ({"lines": [{"identifier": "Copper wire", "quantity": 1}, {"identifier": "Copper wire", "quantity": 1}]}, "invalid_line_items", "/lines/1/identifier"),
    ({"lines": [{"quantity": 1}]}, "missing_field", "/lines/0"),
    ({"lines": [{"identifier": "Copper wire"}]}, "missing_field", "/lines/0/quantity"),
    ({"lines": [{"identifier": "Copper wire", "quantity": 1, "qty": 1}]}, "unknown_field", "/lines/0/qty"),
])
def test_a_malformed_receipt_is_400_with_a_pointer_and_nothing_is_received(desk, po, people, body, code, pointer):
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/receipts", json=body)
    assert resp.status_code == 400 and (code, pointer) in error_list(resp), resp.json
    assert counts() == (0, 0)


# ---- receipts re-match invoices waiting for goods ------------------------------------------------

def test_a_receipt_that_matches_part_of_a_waiting_invoice_shows_that_part_in_the_pos_billing_status(desk, po):
    invoice = desk.invoice(po, {"description": "Steel bolts M8", "quantity": 10, "unit_price": 100},
                           {"description": "Copper wire", "quantity": 5, "unit_price": 20})
    after = desk.received(po, ("Steel bolts M8", 10))["purchase_order"]
    assert [l["match_status"] for l in desk.read_invoice(invoice)["lines"]] == ["matched", "exception"]
    assert [l["quantity_billed"] for l in after["line_items"]] == ["10", "0"]
    assert after["billing_status"] == "partially_billed"
    assert desk.read(po)["billing_status"] == "partially_billed"


def test_cancelling_an_approved_po_with_goods_received_is_409_po_has_activity(desk, po, people):
    desk.received(po, ("Steel bolts M8", 1))
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/cancel", json={"reason": "changed our mind"})
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "po_has_activity"
    assert desk.read(po)["status"] == "approved"


def test_a_three_way_po_fully_received_and_billed_closes_itself_and_cannot_then_be_cancelled(desk, po, people):
    desk.invoice(po, {"description": "Steel bolts M8", "quantity": 10, "unit_price": 100},
                 {"description": "Copper wire", "quantity": 5, "unit_price": 20})
    after = desk.received(po, ("Steel bolts M8", 10), ("Copper wire", 5))["purchase_order"]
    assert (after["status"], after["receipt_status"], after["billing_status"], after["match_status"]) == (
        "closed", "fully_received", "fully_billed", "matched")
    closed = [e for e in desk.trail(po) if e["action"] == "closed"]
    assert len(closed) == 1 and "received" in closed[0]["comment"]
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/cancel", json={})
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "invalid_transition"
    assert desk.receive(po, ("Steel bolts M8", 1)).status_code == 409
