"""Invoices through the API as an AP clerk meets them: matched at once, waiting for goods,
over-billed, for the wrong vendor or currency, duplicated, accepted with a reason; amounts
rounded per currency; the PO's billing progress and self-closing; bad input refused whole."""
import re

import pytest

from core.models import AuditEvent, Invoice, InvoiceLine
from tests.factories import line, make_dimension, make_vendor
from tests.web.desk import inv_line


def billed(po):
    return [l["quantity_billed"] for l in po["line_items"]]


def codes(invoice):
    return [r["code"] for r in invoice["reasons"]], [[r["code"] for r in l["reasons"]] for l in invoice["lines"]]


def counts():
    return Invoice.select().count(), InvoiceLine.select().count()


# ---- matching as the clerk sees it --------------------------------------------------------------

def test_an_invoice_that_fits_its_po_is_matched_and_billed_at_once(desk):
    po = desk.po()
    invoice = desk.invoice(po, inv_line(quantity="4"))
    assert (invoice["match_status"], invoice["reasons"], invoice["purchase_order_id"]) == ("matched", [], po["id"])
    assert [(l["match_status"], l["po_line_id"], l["reasons"]) for l in invoice["lines"]] == [("matched", po["line_items"][0]["id"], [])]
    after = desk.read(po)
    assert (billed(after), after["billing_status"], after["match_status"]) == (["4"], "partially_billed", "matched")


def test_an_invoice_before_the_goods_is_an_exception_then_the_receipt_matches_it(desk):
    po = desk.po(matching="three_way")
    invoice = desk.invoice(po)
    assert invoice["match_status"] == "exception"
    assert invoice["lines"][0]["reasons"] == [{"code": "quantity_exceeds_received", "expected": "0", "actual": "10"}]
    assert billed(desk.read(po)) == ["0"] and desk.read(po)["match_status"] == "exception"

    after = desk.received(po, ("Steel bolts M8", 10))["purchase_order"]
    assert (after["match_status"], after["billing_status"], billed(after)) == ("matched", "fully_billed", ["10"])
    again = desk.read_invoice(invoice)
    assert (again["match_status"], again["lines"][0]["match_status"], again["lines"][0]["reasons"]) == ("matched", "matched", [])


def test_a_partial_delivery_leaves_the_waiting_invoice_an_exception_with_the_new_received_quantity(desk):
    po = desk.po(matching="three_way")
    invoice = desk.invoice(po)
    assert desk.received(po, ("Steel bolts M8", 4))["purchase_order"]["match_status"] == "exception"
    assert desk.read_invoice(invoice)["lines"][0]["reasons"] == [{"code": "quantity_exceeds_received", "expected": "4", "actual": "10"}]
    assert billed(desk.read(po)) == ["0"]
    desk.received(po, ("Steel bolts M8", 6))
    assert desk.read_invoice(invoice)["match_status"] == "matched"


def test_two_invoices_waiting_for_the_same_goods_the_receipt_matches_the_first_and_the_second_exceeds_ordered(desk):
    po = desk.po(matching="three_way")
    first, second = desk.invoice(po, inv_line(quantity="6")), desk.invoice(po, inv_line(quantity="6"))
    after = desk.received(po, ("Steel bolts M8", 10))["purchase_order"]
    assert desk.read_invoice(first)["match_status"] == "matched"
    assert desk.read_invoice(second)["lines"][0]["reasons"] == [
        {"code": "quantity_exceeds_ordered", "expected": "10", "actual": "12"},
        {"code": "quantity_exceeds_received", "expected": "10", "actual": "12"},
    ]
    assert (billed(after), after["match_status"]) == (["6"], "exception")


def test_split_invoices_bill_each_line_partially_then_fully(desk):
    po = desk.po(line("Steel bolts M8", quantity=10, rate=100), line("Copper wire", quantity=5, rate=20))
    desk.invoice(po, inv_line(quantity="6"), inv_line("Copper wire", quantity="5", unit_price="20"))
    middle = desk.read(po)
    assert (billed(middle), middle["billing_status"], middle["status"]) == (["6", "5"], "partially_billed", "approved")
    desk.invoice(po, inv_line(quantity="4"))
    done = desk.read(po)
    assert (billed(done), done["billing_status"]) == (["10", "5"], "fully_billed")


def test_split_deliveries_and_split_invoices_on_a_three_way_po(desk):
    po = desk.po(line("Steel bolts M8", quantity=10, rate=100), line("Copper wire", quantity=5, rate=20), matching="three_way")
    step = desk.received(po, ("Steel bolts M8", 6))["purchase_order"]
    assert step["receipt_status"] == "partially_received"
    desk.invoice(po, inv_line(quantity="6"))
    step = desk.received(po, ("Steel bolts M8", 4), ("Copper wire", 5))["purchase_order"]
    assert [(l["quantity"], l["quantity_received"], l["quantity_billed"]) for l in step["line_items"]] == [("10", "10", "6"), ("5", "5", "0")]
    assert (step["receipt_status"], step["billing_status"], step["status"]) == ("fully_received", "partially_billed", "approved")
    desk.invoice(po, inv_line(quantity="4"), inv_line("Copper wire", quantity="5", unit_price="20"))
    done = desk.read(po)
    assert (billed(done), done["billing_status"], done["status"]) == (["10", "5"], "fully_billed", "closed")


def test_the_third_invoice_that_goes_past_the_ordered_quantity_is_quantity_exceeds_ordered(desk):
    po = desk.po()
    desk.invoice(po, inv_line(quantity="4"))
    desk.invoice(po, inv_line(quantity="4"))
    third = desk.invoice(po, inv_line(quantity="4"))
    assert third["lines"][0]["reasons"] == [{"code": "quantity_exceeds_ordered", "expected": "10", "actual": "12"}]
    after = desk.read(po)
    assert (billed(after), after["billing_status"], after["match_status"]) == (["8"], "partially_billed", "exception")


@pytest.mark.parametrize("fields, reason", [
    ({"currency": "USD"}, {"code": "currency_mismatch", "expected": "INR", "actual": "USD"}),
    ({"po_number": "PO-DOES-NOT-EXIST"}, {"code": "po_not_found", "expected": None, "actual": "PO-DOES-NOT-EXIST"}),
])
def test_a_header_problem_is_an_exception_in_the_top_level_reasons_and_bills_nothing(desk, fields, reason):
    po = desk.po()
    invoice = desk.invoice(po, **fields)
    assert (invoice["match_status"], invoice["reasons"]) == ("exception", [reason])
    assert billed(desk.read(po)) == ["0"]


def test_an_invoice_from_another_vendor_is_vendor_mismatch(desk):
    po, other = desk.po(), make_vendor()
    invoice = desk.invoice(po, vendor_id=other.id)
    assert invoice["reasons"] == [{"code": "vendor_mismatch", "expected": desk.vendor.id, "actual": other.id}]
    assert billed(desk.read(po)) == ["0"] and desk.read(po)["match_status"] == "exception"


def test_an_invoice_without_a_po_number_is_unmatched_and_touches_no_po(desk):
    po = desk.po()
    invoice = desk.invoice(None)
    assert (invoice["match_status"], invoice["reasons"], invoice["purchase_order_id"]) == ("unmatched", [], None)
    assert [l["match_status"] for l in invoice["lines"]] == ["unmatched"]
    assert desk.read(po)["match_status"] == "none"


@pytest.mark.parametrize("status, action, who", [("draft", None, None), ("cancelled", "cancel", "requester"), ("closed", "close", "admin")])
def test_an_invoice_for_a_po_that_is_not_approved_is_po_not_open(desk, people, status, action, who):
    po = desk.po(submit=status == "closed")
    if action:
        assert desk.api.as_(getattr(people, who)).post(f"/purchase-orders/{po['id']}/{action}", json={}).status_code == 200
    invoice = desk.invoice(po)
    assert invoice["reasons"] == [{"code": "po_not_open", "expected": "approved", "actual": status}]
    assert billed(desk.read(po)) == ["0"]


def test_a_line_nobody_ordered_is_no_matching_po_line_while_the_rest_of_the_invoice_is_shown(desk):
    po = desk.po()
    invoice = desk.invoice(po, inv_line(quantity="2"), inv_line("Freight charges", quantity="1", unit_price="50"))
    assert invoice["match_status"] == "exception"
    assert invoice["lines"][1]["reasons"] == [{"code": "no_matching_po_line", "expected": None, "actual": "Freight charges"}]
    assert invoice["lines"][1]["po_line_id"] is None


def test_a_po_line_id_of_another_pos_line_is_no_matching_po_line_and_bills_neither_po(desk):
    po, other = desk.po(), desk.po()
    foreign = other["line_items"][0]["id"]
    invoice = desk.invoice(po, inv_line(po_line_id=foreign))
    assert invoice["lines"][0]["reasons"] == [{"code": "no_matching_po_line", "expected": None, "actual": foreign}]
    assert (billed(desk.read(po)), billed(desk.read(other))) == (["0"], ["0"])


def test_a_kwd_price_one_percent_over_passes_and_a_tenth_of_a_fils_more_is_price_variance(desk):
    desk.settings(price_tolerance_pct="1")
    po = desk.po(line("Steel bolts M8", quantity=10, rate="1.250"), currency="KWD", exchange_rate="270")
    assert desk.invoice(po, inv_line(quantity="1", unit_price="1.2625"), currency="KWD")["match_status"] == "matched"
    over = desk.invoice(po, inv_line(quantity="1", unit_price="1.2626"), currency="KWD")
    assert over["lines"][0]["reasons"] == [{"code": "price_variance", "expected": "1.250", "actual": "1.2626"}]


# ---- duplicates --------------------------------------------------------------------------------

def test_the_same_invoice_number_from_the_same_vendor_in_another_case_is_409_duplicate_invoice(desk):
    desk.invoice(None, invoice_number="INV-2026-7")
    before = counts()
    resp = desk.post_invoice(desk.invoice_body(None, invoice_number="inv-2026-7"))
    assert resp.status_code == 409
    assert [(e["code"], e.get("pointer")) for e in resp.json["errors"]] == [("duplicate_invoice", "/invoice_number")]
    assert counts() == before


def test_another_vendor_may_use_the_same_invoice_number(desk):
    desk.invoice(None, invoice_number="INV-2026-7")
    assert desk.invoice(None, invoice_number="INV-2026-7", vendor_id=make_vendor().id)["invoice_number"] == "INV-2026-7"


# ---- accepting exceptions ----------------------------------------------------------------------

def test_an_approver_accepts_an_exception_with_a_reason_and_its_quantity_is_billed(desk, people):
    po = desk.po()
    invoice = desk.invoice(po, inv_line(quantity="4", unit_price="105"))
    resp = desk.accept(invoice, {"reason": "Price rise agreed by phone"})
    assert resp.status_code == 200, resp.json
    assert (resp.json["match_status"], resp.json["override"]) == ("matched", True)
    after = desk.read(po)
    assert (billed(after), after["billing_status"], after["match_status"]) == (["4"], "partially_billed", "matched")
    po_event = [e for e in desk.trail(po) if e["action"] == "exception_accepted"]
    assert [(e["actor"]["id"], e["comment"]) for e in po_event] == [(people.approver.id, "Price rise agreed by phone")]
    invoice_events = AuditEvent.select().where(AuditEvent.entity_type == "invoice", AuditEvent.entity_id == invoice["id"],
                                               AuditEvent.action == "exception_accepted")
    assert [(e.actor_id, e.comment) for e in invoice_events] == [(people.approver.id, "Price rise agreed by phone")]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_accepting_without_a_reason_is_400_at_reason_and_changes_nothing(desk, body):
    po = desk.po()
    invoice = desk.invoice(po, inv_line(unit_price="105"))
    resp = desk.accept(invoice, body)
    assert resp.status_code == 400
    assert "/reason" in [e.get("pointer") for e in resp.json["errors"]]
    assert desk.read_invoice(invoice)["match_status"] == "exception" and billed(desk.read(po)) == ["0"]


@pytest.mark.parametrize("with_po", [True, False], ids=["matched", "unmatched"])
def test_accepting_an_invoice_without_exceptions_is_409_invalid_transition(desk, with_po):
    invoice = desk.invoice(desk.po() if with_po else None)
    resp = desk.accept(invoice, {"reason": "just in case"})
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "invalid_transition"
    assert desk.read_invoice(invoice)["override"] is False
    assert desk.api.as_(desk.people.approver).post("/invoices/999999/accept", json={"reason": "x"}).status_code == 404


def test_accepting_an_invoice_someone_accepted_first_is_409_saying_who_and_when_and_changes_nothing(desk, people):
    po = desk.po()
    invoice = desk.invoice(po, inv_line(quantity="4", unit_price="105"))
    assert desk.accept(invoice, {"reason": "Price rise agreed"}, who=people.admin).status_code == 200
    trail = desk.trail(po)
    late = desk.accept(invoice, {"reason": "Also fine by me"})
    assert late.status_code == 409 and late.json["errors"][0]["code"] == "invalid_transition"
    assert re.fullmatch(rf"invoice {invoice['invoice_number']} was already accepted by {people.admin.user.name} "
                        r"at \d{4}-\d\d-\d\d \d\d:\d\d UTC", late.json["errors"][0]["detail"])
    assert desk.trail(po) == trail and billed(desk.read(po)) == ["4"]


def test_a_requester_cannot_accept_an_exception(desk, people):
    invoice = desk.invoice(desk.po(), inv_line(unit_price="105"))
    assert desk.accept(invoice, {"reason": "fine"}, who=people.requester).status_code == 403
    assert desk.read_invoice(invoice)["match_status"] == "exception"


def test_only_an_admin_registers_invoices(desk, people):
    po = desk.po()
    for who in (people.viewer, people.requester, people.approver):
        assert desk.post_invoice(desk.invoice_body(po), who=who).status_code == 403
    assert counts() == (0, 0)


# ---- dimensions, closing, money ----------------------------------------------------------------

def test_matched_lines_inherit_the_po_lines_dimensions_unless_they_bring_their_own(desk):
    for dim_type, erp_id in (("PROJECT", "P-100"), ("PROJECT", "P-200"), ("GL_ACCOUNT", "5010")):
        make_dimension(dim_type, erp_id)
    po = desk.po(line("Steel bolts M8", quantity=10, rate=100, dimensions={"PROJECT": "P-100", "GL_ACCOUNT": "5010"}))
    invoice = desk.invoice(po, inv_line(quantity="2"), inv_line(quantity="3", dimensions={"PROJECT": "P-200"}))
    assert [l["dimensions"] for l in invoice["lines"]] == [{"GL_ACCOUNT": "5010", "PROJECT": "P-100"}, {"PROJECT": "P-200"}]


def test_an_exception_line_inherits_the_dimensions_once_it_is_accepted(desk):
    make_dimension("PROJECT", "P-100")
    po = desk.po(line("Steel bolts M8", quantity=10, rate=100, dimensions={"PROJECT": "P-100"}))
    invoice = desk.invoice(po, inv_line(unit_price="105"))
    assert invoice["lines"][0]["dimensions"] == {}
    assert desk.accept(invoice, {"reason": "agreed"}).json["lines"][0]["dimensions"] == {"PROJECT": "P-100"}


def test_a_two_way_po_fully_billed_closes_itself_and_can_no_longer_be_cancelled(desk, people):
    po = desk.po()
    desk.invoice(po)
    after = desk.read(po)
    assert (after["status"], after["billing_status"]) == ("closed", "fully_billed")
    closed = [e for e in desk.trail(po) if e["action"] == "closed"]
    assert len(closed) == 1 and closed[0]["changes"]["status"] == ["approved", "closed"] and closed[0]["comment"]
    resp = desk.api.as_(people.admin).post(f"/purchase-orders/{po['id']}/cancel", json={"reason": "late"})
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "invalid_transition"


def test_cancelling_an_approved_po_with_a_billed_invoice_is_409_po_has_activity(desk, people):
    po = desk.po()
    desk.invoice(po, inv_line(quantity="1"))
    resp = desk.api.as_(people.requester).post(f"/purchase-orders/{po['id']}/cancel", json={})
    assert resp.status_code == 409 and resp.json["errors"][0]["code"] == "po_has_activity"
    assert desk.read(po)["status"] == "approved"


@pytest.mark.parametrize("currency, lines, amounts, totals", [
    # JPY: 3 × 333.5 = 1000.5 → 1001, tax 10% = 100.1 → 100; 1 × 0.5 → 1 (half up), tax 0.1 → 0
    ("JPY", [("3", "333.5", "10"), ("1", "0.5", "10")], [("1001", "100", "333.5"), ("1", "0", "0.5")], ("1002", "100", "1102")),
    # KWD: 3 × 0.3335 = 1.0005 → 1.001, tax 5% = 0.05005 → 0.050; 2 × 1.25 = 2.500, tax 0.125
    ("KWD", [("3", "0.3335", "5"), ("2", "1.25", "5")], [("1.001", "0.050", "0.3335"), ("2.500", "0.125", "1.250")], ("3.501", "0.175", "3.676")),
])
def test_invoice_amounts_are_rounded_per_line_to_the_currency_and_totals_sum_the_rounded_lines(desk, currency, lines, amounts, totals):
    invoice = desk.invoice(None, *(inv_line(f"Item {i}", q, p, tax_rate=t) for i, (q, p, t) in enumerate(lines)), currency=currency)
    assert [(l["amount"], l["tax_amount"], l["unit_price"]) for l in invoice["lines"]] == amounts
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == totals
    assert desk.read_invoice(invoice)["total"] == totals[2]


# ---- listing -----------------------------------------------------------------------------------

def test_invoices_are_listed_newest_first_and_filtered_by_match_status_vendor_and_po_number(desk):
    po, other = desk.po(), make_vendor()
    matched = desk.invoice(po, inv_line(quantity="1"))
    exception = desk.invoice(po, inv_line(quantity="1", unit_price="150"))
    unmatched = desk.invoice(None, vendor_id=other.id)
    viewer = desk.api.as_(desk.people.viewer)

    def ids(query):
        resp = viewer.get("/invoices" + query)
        assert resp.status_code == 200, resp.json
        return [i["id"] for i in resp.json["data"]]

    assert ids("") == [unmatched["id"], exception["id"], matched["id"]]
    assert ids("?match_status=exception") == [exception["id"]]
    assert ids("?match_status=matched,unmatched") == [unmatched["id"], matched["id"]]
    assert ids(f"?vendor_id={other.id}") == [unmatched["id"]]
    assert ids(f"?po_number={po['po_number']}") == [exception["id"], matched["id"]]
    assert ids(f"?po_number={po['po_number']}&match_status=matched") == [matched["id"]]
    page = viewer.get("/invoices?per_page=2&page=2").json
    assert ([i["id"] for i in page["data"]], page["meta"]) == ([matched["id"]], {"page": 2, "per_page": 2, "total": 3, "total_exact": True})
    assert viewer.get("/invoices?match_status=paid").status_code == 400


# ---- bad input: a 400 with a pointer, nothing written ------------------------------------------

@pytest.mark.parametrize("change, code, pointer", [
    ({"lines": []}, "invalid_line_items", "/lines"),
    ({"vendor_id": 999999}, "vendor_not_found", "/vendor_id"),
    ({"currency": "XYZ"}, "invalid_currency", "/currency"),
    ({"currency": "usd"}, "invalid_currency", "/currency"),
    ({"lines": [inv_line(dimensions={"PROJECT": "NOPE"})]}, "dimension_not_found", "/lines/0/dimensions/PROJECT"),
    ({"lines": [inv_line(quantity="0")]}, "invalid_value", "/lines/0/quantity"),
    ({"lines": [inv_line(quantity="-1")]}, "invalid_value", "/lines/0/quantity"),
])
def test_a_bad_invoice_is_400_with_a_pointer_and_nothing_is_written(desk, change, code, pointer):
    po = desk.po()
    before = counts()
    resp = desk.post_invoice({**desk.invoice_body(po), **change})
    assert resp.status_code == 400
    assert (code, pointer) in [(e["code"], e.get("pointer")) for e in resp.json["errors"]], resp.json
    assert counts() == before and billed(desk.read(po)) == ["0"]


def test_every_problem_of_a_bad_invoice_is_reported_at_once(desk):
    body = desk.invoice_body(None, inv_line(dimensions={"PROJECT": "NOPE"}), vendor_id=999999, currency="XYZ")
    resp = desk.post_invoice(body)
    assert resp.status_code == 400
    assert {e["code"] for e in resp.json["errors"]} >= {"vendor_not_found", "invalid_currency", "dimension_not_found"}
