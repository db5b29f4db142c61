"""Races on the integrations, each call in its own thread and connection, released together (rounds,
because one lucky ordering proves little): an invoice exported twice at once, a webhook deleted
while a PO event is being written for it."""
from core import outbox, services
from core.channels.webhook import WebhookChannel
from core.errors import AlreadyExported
from core.models import Invoice, OutboxMessage, WebhookDelivery
from core.services.purchase_orders import create_po
from tests.concurrency import race
from tests.factories import line, make_person, make_vendor, po_body, unique

ROUNDS = 6


def test_two_exports_of_one_invoice_at_once_book_it_once(db):
    admin, requester, vendor = make_person("admin").user, make_person("requester").user, make_vendor()
    for _ in range(ROUNDS):
        po = create_po(requester, po_body(vendor, lines=[line("Bolts", quantity=10, rate=100)], submit=True)).po
        invoice = services.register_invoice(admin, {
            "vendor_id": vendor.id, "invoice_number": unique("INV"), "invoice_date": "2026-01-15", "currency": "INR",
            "po_number": po.po_number, "lines": [{"description": "Bolts", "quantity": "10", "unit_price": "100"}]})
        outcomes = race(lambda: services.mark_invoice_exported(admin, invoice.id, export_id="A"),
                        lambda: services.mark_invoice_exported(admin, invoice.id, export_id="B"))
        won = [o for o in outcomes if isinstance(o, Invoice)]
        lost = [o for o in outcomes if isinstance(o, AlreadyExported)]
        assert (len(won), len(lost)) == (1, 1), outcomes
        assert Invoice.get_by_id(invoice.id).export_id == won[0].export_id == lost[0].export_id


def test_deleting_a_webhook_while_an_event_is_written_for_it_fails_neither(db):
    admin, requester, vendor = make_person("admin").user, make_person("requester").user, make_vendor()
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    try:
        for _ in range(ROUNDS):
            hook = services.create_webhook(admin, {"url": "https://erp.example.com/hook", "events": ["po.created", "po.approved"]})
            outcomes = race(lambda: create_po(requester, po_body(vendor, submit=True)),
                            lambda: services.delete_webhook(admin, hook.id) or "deleted")
            assert outcomes[0] is not None and outcomes[0].po.status == "approved", outcomes
            assert outcomes[1] == "deleted", outcomes
            assert WebhookDelivery.select().where(WebhookDelivery.webhook == hook.id).count() == 0
            # whatever was written before the delete was dropped with it; nothing is left to deliver
            assert outbox.deliver_due("test").tried == 0
    finally:
        outbox.unregister("webhook")
    assert OutboxMessage.select().where(OutboxMessage.kind == "webhook", OutboxMessage.status == "pending").count() == 0
