"""Two clerks registering invoices for the same open quantity at the same instant: one is matched,
the other is an exception, and the PO line is billed once, never twice.

Each registration runs in its own thread with its own database connection, released together by
a barrier, so their transactions really overlap (on PostgreSQL when PODESK_TEST_DATABASE_URL is
set, on SQLite otherwise). Several rounds, because one lucky ordering proves little.
"""
from decimal import Decimal

import pytest

from core.models import Invoice, InvoiceLine, PoLine, PurchaseOrder
from core.services.invoicing import register_invoice
from core.services.purchase_orders import create_po
from tests.concurrency import race
from tests.factories import line, make_person, make_vendor, po_body, unique

ROUNDS = 8


@pytest.fixture
def cast(db):
    admin = make_person("admin").user
    requester = make_person("requester").user
    return admin, requester, make_vendor()


def invoice_body(vendor, po, quantity):
    return {
        "vendor_id": vendor.id, "invoice_number": unique("INV"), "invoice_date": "2026-01-15", "currency": "INR",
        "po_number": po.po_number, "lines": [{"description": "Steel bolts M8", "quantity": quantity, "unit_price": "100"}],
    }


def test_two_invoices_for_the_whole_open_quantity_at_once_bill_the_po_line_exactly_once(cast):
    admin, requester, vendor = cast
    for _ in range(ROUNDS):
        po = create_po(requester, po_body(vendor, lines=[line("Steel bolts M8", quantity=10, rate=100)], submit=True)).po
        assert po.status == "approved"
        bodies = [invoice_body(vendor, po, "10"), invoice_body(vendor, po, "10")]
        outcomes = race(lambda: register_invoice(admin, bodies[0]), lambda: register_invoice(admin, bodies[1]))
        assert all(isinstance(o, Invoice) for o in outcomes), outcomes
        statuses = sorted(Invoice.get_by_id(o.id).match_status for o in outcomes)
        assert statuses == ["exception", "matched"]
        loser = next(o for o in outcomes if Invoice.get_by_id(o.id).match_status == "exception")
        reasons = InvoiceLine.get(InvoiceLine.invoice == loser.id).reasons
        assert [r["code"] for r in reasons] == ["quantity_exceeds_ordered"]
        assert (reasons[0]["expected"], reasons[0]["actual"]) == ("10", "20")
        assert PoLine.get(PoLine.po == po.id).quantity_billed == Decimal(10)
        assert PurchaseOrder.get_by_id(po.id).status == "closed"


def test_two_invoices_each_for_part_of_the_open_quantity_at_once_are_both_matched(cast):
    admin, requester, vendor = cast
    for _ in range(ROUNDS // 2):
        po = create_po(requester, po_body(vendor, lines=[line("Steel bolts M8", quantity=10, rate=100)], submit=True)).po
        bodies = [invoice_body(vendor, po, "6"), invoice_body(vendor, po, "4")]
        outcomes = race(lambda: register_invoice(admin, bodies[0]), lambda: register_invoice(admin, bodies[1]))
        assert [Invoice.get_by_id(o.id).match_status for o in outcomes] == ["matched", "matched"], outcomes
        assert PoLine.get(PoLine.po == po.id).quantity_billed == Decimal(10)
