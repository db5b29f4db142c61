""""Send to vendor" on an approved PO's card: a form with the vendor's address prefilled, the PO
emailed as a PDF through core's send_po and the outbox to a real SMTP server on 127.0.0.1."""
import io

import pytest
from pypdf import PdfReader

from core import outbox, queries, services
from core.channels.email import EmailChannel
from bot.blocks.modals import OPEN_SEND
from tests.bot.desk import buttons_of, text_of
from tests.bot.payloads import element_state as state
from tests.factories import line, po_body
from tests.mail import MailServer


@pytest.fixture
def mail(web):
    """An SMTP server podesk sends through (the deployment has PODESK_SMTP_URL)."""
    server = MailServer().start()
    outbox.register("email", EmailChannel(server.url, "podesk@acme.example"), outbox.DAY_POLICY)
    yield server
    outbox.unregister("email")
    server.stop()


def approved(cast):
    po = services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "4.50")], submit=True)).po
    assert po.status == "approved"
    return po


def fields(view):
    return {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}


def test_an_approved_pos_card_offers_send_to_vendor_and_the_form_is_prefilled(desk, cast, mail):
    po = approved(cast)
    status, card = desk.command(po.po_number, cast.ravi)
    assert OPEN_SEND in buttons_of(card)
    desk.click(cast.ravi, OPEN_SEND, {**card, "ts": "1700000000.000100"})  # the private answer, as Slack shows it
    view = desk.opened_view()
    prefilled = fields(view)
    assert prefilled["send_to"] == "orders@acme.example"
    assert po.po_number in prefilled["send_subject"] and prefilled["send_body"]


def test_sending_from_slack_emails_the_pdf_through_the_outbox(desk, cast, mail):
    po = approved(cast)
    card = desk.command(po.po_number, cast.ravi)[1]
    desk.click(cast.ravi, OPEN_SEND, {**card, "ts": "1700000000.000100"})  # the private answer, as Slack shows it
    status, body = desk.submit(cast.ravi, desk.opened_view(), {
        "send_to": state("plain_text_input", "orders@acme.example, sales@acme.example"),
        "send_subject": state("plain_text_input", f"Order {po.po_number}"),
        "send_body": state("plain_text_input", "Please confirm the delivery date.")})
    assert body["response_action"] == "update" and "on its way to orders@acme.example, sales@acme.example" in text_of(body["view"])
    assert mail.received == []  # nothing leaves inside the request
    desk.deliver()
    (sent,) = mail.wait_for(1)
    assert sorted(sent.rcpt_tos) == ["orders@acme.example", "sales@acme.example"]
    assert sent.message["Subject"] == f"Order {po.po_number}"
    (pdf,) = [part for part in sent.message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert po.po_number in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert queries.po_emails(po.id, {})[0][0]["status"] == "sent"


def test_a_bad_address_shows_on_its_field_and_nothing_is_sent(desk, cast, mail):
    po = approved(cast)
    card = desk.command(po.po_number, cast.ravi)[1]
    desk.click(cast.ravi, OPEN_SEND, {**card, "ts": "1700000000.000100"})  # the private answer, as Slack shows it
    status, body = desk.submit(cast.ravi, desk.opened_view(), {
        "send_to": state("plain_text_input", "orders@acme.example not-an-address"),
        "send_cc": state("plain_text_input", "boss@@acme"),
        "send_subject": state("plain_text_input", "Order"), "send_body": state("plain_text_input", "Hello")})
    assert body["response_action"] == "errors" and set(body["errors"]) == {"send_to", "send_cc"}
    assert queries.po_emails(po.id, {})[0] == []


def test_without_email_set_up_the_card_offers_no_send_button(desk, cast):
    po = approved(cast)
    assert OPEN_SEND not in buttons_of(desk.command(po.po_number, cast.ravi)[1])
