"""Every change of a PO moves its version (the ETag) and updated_at on (api.md, Versions), also a
change that leaves every status as it was; what does not change the PO leaves its version alone."""
from tests.factories import line
from tests.integrations import po_row
from tests.web.desk import inv_line

BOLTS = "Steel bolts M8"


def etag(desk, po):
    return desk.api.as_(desk.people.viewer).get(f"/purchase-orders/{po['id']}").headers["ETag"]


def test_a_second_partial_receipt_moves_the_version_and_updated_at_on(desk):
    po = desk.po(line(BOLTS, quantity=10, rate=100))
    first = desk.received(po, (BOLTS, 2))["purchase_order"]
    stamped = po_row(po).updated_at
    second = desk.received(po, (BOLTS, 3))["purchase_order"]
    assert (first["receipt_status"], second["receipt_status"]) == ("partially_received", "partially_received")
    assert second["line_items"][0]["quantity_received"] == "5"
    assert second["version"] == first["version"] + 1
    assert etag(desk, po) == f'"{second["version"]}"'
    assert po_row(po).updated_at > stamped


def test_an_invoice_that_bills_more_of_a_partly_billed_po_moves_the_version_on(desk):
    po = desk.po(line(BOLTS, quantity=10, rate=100))
    desk.invoice(po, inv_line(BOLTS, quantity="2"))
    before = desk.read(po)
    desk.invoice(po, inv_line(BOLTS, quantity="3"))
    after = desk.read(po)
    assert [(p["billing_status"], p["match_status"]) for p in (before, after)] == [("partially_billed", "matched")] * 2
    assert after["line_items"][0]["quantity_billed"] == "5"
    assert after["version"] == before["version"] + 1


def test_accepting_an_exception_bills_its_line_and_moves_the_version_on(desk):
    po = desk.po(line(BOLTS, quantity=10, rate=100))
    desk.invoice(po, inv_line(BOLTS, quantity="2"))
    dearer = desk.invoice(po, inv_line(BOLTS, quantity="3", unit_price="150"))  # price variance: an exception
    desk.invoice(po, inv_line(BOLTS, quantity="1", unit_price="150"))  # another, which stays open
    before = desk.read(po)
    assert desk.accept(dearer, {"reason": "agreed with the vendor"}).status_code == 200
    after = desk.read(po)
    assert [(p["billing_status"], p["match_status"]) for p in (before, after)] == [("partially_billed", "exception")] * 2
    assert (before["line_items"][0]["quantity_billed"], after["line_items"][0]["quantity_billed"]) == ("2", "5")
    assert after["version"] == before["version"] + 1


def test_an_invoice_that_bills_nothing_and_changes_no_status_leaves_the_version(desk):
    po = desk.po(line(BOLTS, quantity=10, rate=100))
    desk.invoice(po, inv_line(BOLTS, quantity="2", unit_price="150"))
    before = desk.read(po)
    desk.invoice(po, inv_line(BOLTS, quantity="3", unit_price="150"))
    after = desk.read(po)
    assert (after["match_status"], after["line_items"][0]["quantity_billed"]) == ("exception", "0")
    assert after["version"] == before["version"]
