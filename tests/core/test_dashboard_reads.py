"""The reads behind the dashboard's PO page and CSV: invoices line by line, each line's match, every row of a filter."""
from decimal import Decimal

from core import queries, services
from core.queries import PoFilter
from tests.factories import line, make_po, make_sku, make_vendor, system_admin


def _invoice(vendor, po, number: str, lines: list[tuple[str, str, str]], **fields):
    body = {"vendor_id": vendor.id, "invoice_number": number, "invoice_date": "2026-01-05", "currency": "INR",
            "po_number": po.po_number, "lines": [{"description": d, "quantity": q, "unit_price": p} for d, q, p in lines],
            **fields}
    return services.register_invoice(system_admin(), body)


def _approved_po(people, vendor):
    po = make_po(people.requester, vendor=vendor, submit=True, matching="three_way",
                 lines=[line("Bolts", "10", "5", sku_code=make_sku().code), line("Nuts", "10", "2", sku_code=make_sku().code),
                        line("Washers", "10", "1", sku_code=make_sku().code)])
    services.record_receipt(people.requester.user, po.id, {"lines": [{"identifier": "Bolts", "quantity": "10"},
                                                                     {"identifier": "Nuts", "quantity": "10"}]})
    return po


def test_a_pos_invoices_come_oldest_first_with_each_lines_state_and_reasons(people):
    vendor = make_vendor()
    po = _approved_po(people, vendor)
    _invoice(vendor, po, "A-1", [("Bolts", "10", "5")])
    _invoice(vendor, po, "A-2", [("Nuts", "10", "2.5"), ("Washers", "1", "1")])
    first, second = queries.po_invoices(po.id)
    assert (first["invoice_number"], first["match_status"]) == ("A-1", "matched")
    assert [l["state"] for l in first["lines"]] == ["matched"]
    nuts, washers = second["lines"]
    assert nuts["state"] == "exception" and nuts["reasons"] == [{"code": "price_variance", "expected": "2.00", "actual": "2.50"}]
    assert washers["reasons"] == [{"code": "quantity_exceeds_received", "expected": "0", "actual": "1"}]


def test_each_po_line_takes_the_worst_state_of_the_invoice_lines_paired_with_it(people):
    vendor = make_vendor()
    po = _approved_po(people, vendor)
    lines = {l["identifier"]: l["id"] for l in queries.purchase_order(po.id)["line_items"]}
    _invoice(vendor, po, "B-1", [("Bolts", "5", "5")])
    accepted = _invoice(vendor, po, "B-2", [("Bolts", "5", "5.5")])
    services.accept_invoice_exception(people.approver.user, accepted.id, reason="agreed")
    _invoice(vendor, po, "B-3", [("Nuts", "20", "2")])
    matches = queries.line_matches(queries.po_invoices(po.id))
    assert matches[lines["Bolts"]]["state"] == "accepted"
    assert [(r["invoice_number"], r["code"], r["accepted"]) for r in matches[lines["Bolts"]]["reasons"]] == [
        ("B-2", "price_variance", True)]
    assert matches[lines["Nuts"]]["state"] == "exception"
    assert {r["code"] for r in matches[lines["Nuts"]]["reasons"]} == {"quantity_exceeds_ordered", "quantity_exceeds_received"}
    assert lines["Washers"] not in matches  # never invoiced


def test_an_invoices_header_reasons_count_against_every_line_paired_on_it(people):
    vendor, other = make_vendor(), make_vendor()
    po = _approved_po(people, vendor)
    _invoice(other, po, "C-1", [("Bolts", "1", "5")])
    (match,) = queries.line_matches(queries.po_invoices(po.id)).values()
    assert match["state"] == "exception"
    assert [(r["code"], r["expected"], r["actual"]) for r in match["reasons"]] == [("vendor_mismatch", vendor.id, other.id)]


def test_an_export_has_every_row_the_filter_selects_in_its_order_across_chunks(people):
    vendor = make_vendor()
    made = [make_po(people.requester, vendor=vendor, lines=[line(rate=str(10 + n))]) for n in range(7)]
    make_po(people.requester)  # another vendor's: not selected
    flt = PoFilter(vendor_id=(vendor.id,), sort=(("total", True),), page=2, per_page=2)
    rows = list(queries.export_purchase_orders(flt, chunk=3))
    assert [r["id"] for r in rows] == [po.id for po in reversed(made)]  # every page, not just page 2
    assert queries.count_purchase_orders(flt) == 7
    assert [r["id"] for r in queries.export_purchase_orders(flt, limit=4, chunk=3)] == [po.id for po in reversed(made)][:4]
    assert rows[0]["total"] == Decimal("160.00") and rows[0]["requested_by"]["id"] == people.requester.id


def test_a_draft_says_what_it_lacks_before_submitting_and_a_submitted_po_says_nothing(people):
    draft = make_po(people.requester, lines=[line("Gloves", rate="0")])
    assert queries.po_submit_warnings(draft.id) == {"po": [], "line_items": {"Gloves": ["rate"]}}
    assert queries.po_submit_warnings(make_po(people.requester, submit=True).id) is None
