"""A PO as a PDF and sent to its vendor, over HTTP: what is answered, what is queued, what is refused."""
import pytest

from core.models import OutboxMessage, PoEmail
from tests.factories import line
from tests.integrations import approved_po, pdf_text, table_sizes


@pytest.fixture
def company(api, people):
    response = api.as_(people.admin).patch("/settings", json={
        "company_name": "Acme Industries Pvt Ltd", "company_address": "42 MG Road\nBengaluru 560001"})
    assert response.status_code == 200, response.json


def codes_at(response) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in response.json["errors"]}


# The PDF

def test_the_pdf_is_the_po_as_the_vendor_would_receive_it(api, people, company):
    po = approved_po(api, people.requester, lines=[line("Steel bolts M8", 100, 10, tax_rate=18), line("Washers", 50, 2)])
    response = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{po["po_number"]}.pdf"'
    text = pdf_text(response.data)
    for expected in (po["po_number"], "Acme Industries Pvt Ltd", "42 MG Road", "Bolt & Nut Traders", "12 Nehru Place",
                     "Steel bolts M8", "Washers", "Net 30", "Total (INR) ₹1,280.00", "Page 1 of 1"):
        assert expected in text


def test_a_po_number_with_a_slash_gives_a_file_name_without_one(api, people):
    po = approved_po(api, people.requester, po_number="2026/0042")
    response = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/pdf")
    assert response.headers["Content-Disposition"] == 'inline; filename="2026-0042.pdf"'
    assert "2026/0042" in pdf_text(response.data)


def test_the_pdf_of_a_po_that_does_not_exist_is_not_found(api, people):
    response = api.as_(people.viewer).get("/purchase-orders/999999/pdf")
    assert (response.status_code, response.json["errors"][0]["code"]) == (404, "not_found")


def test_a_500_line_po_downloads_with_every_line_and_numbered_pages(api, people):
    lines = [line(f"Part {n:03d}", 1, 1) for n in range(1, 501)]
    po = approved_po(api, people.requester, lines=lines)
    text = pdf_text(api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/pdf").data)
    assert all(f"Part {n:03d}" in text for n in range(1, 501))
    pages = text.count("Page ")
    assert pages > 5 and f"Page {pages} of {pages}" in text


# Sending

def test_sending_queues_the_email_and_answers_202_with_the_po_and_the_email(api, people, mail_configured):
    po = approved_po(api, people.requester)
    response = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={
        "to": ["sales@boltnut.example"], "cc": ["accounts@boltnut.example"], "bcc": ["buyer@acme.example"],
        "subject": "Our order", "body": "Please confirm."})
    assert response.status_code == 202, response.json
    email = response.json["email"]
    assert response.json["purchase_order"]["id"] == po["id"]
    assert response.json["purchase_order"]["sent_at"] is None  # not until the mail server takes it
    assert (email["status"], email["to"], email["cc"], email["bcc"]) == (
        "queued", ["sales@boltnut.example"], ["accounts@boltnut.example"], ["buyer@acme.example"])
    assert (email["subject"], email["body"], email["sent_at"], email["sent_by"]["id"]) == ("Our order", "Please confirm.", None, people.requester.id)
    assert response.headers["Location"].endswith(f"/purchase-orders/{po['id']}/emails/{email['id']}")
    listed = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/emails").json
    assert listed["data"] == [email] and listed["meta"]["total"] == 1
    assert OutboxMessage.select().where(OutboxMessage.kind == "email").count() == 1


def test_the_audit_trail_says_who_sent_the_po_to_whom(api, people, mail_configured):
    po = approved_po(api, people.requester)
    api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"], "bcc": ["me@acme.example"]})
    sent = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"][-1]
    assert (sent["action"], sent["actor"]["id"]) == ("sent", people.requester.id)
    recorded = sent["changes"]["email"][1]
    assert (recorded["to"], recorded["cc"], recorded["bcc"]) == (["sales@boltnut.example"], [], ["me@acme.example"])


def test_subject_and_body_default_to_the_settings_templates_with_the_po_filled_in(api, people, company, mail_configured):
    changed = api.as_(people.admin).patch("/settings", json={"po_email_subject": "PO {po_number} from {company_name}",
                                                             "po_email_body": "Dear {vendor_name}, our order totals {total}."})
    assert changed.status_code == 200, changed.json
    po = approved_po(api, people.requester, lines=[line("Bolts", 100, 10, tax_rate=18)])
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"]}).json["email"]
    assert email["subject"] == f"PO {po['po_number']} from Acme Industries Pvt Ltd"
    assert email["body"] == "Dear Bolt & Nut Traders, our order totals ₹1,180.00."


def test_placeholders_in_a_given_text_are_filled_in_and_other_braces_left_alone(api, people, mail_configured):
    po = approved_po(api, people.requester)
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={
        "to": ["sales@boltnut.example"], "subject": "{po_number} (ref {ours})", "body": 'Total {total}; {"json": true}'}).json["email"]
    assert (email["subject"], email["body"]) == (f"{po['po_number']} (ref {{ours}})", 'Total ₹1,000.00; {"json": true}')


def test_the_default_templates_need_no_settings(api, people, mail_configured):
    po = approved_po(api, people.requester)
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"]}).json["email"]
    assert email["subject"] == f"Purchase order {po['po_number']}"
    assert f"purchase order {po['po_number']} for ₹1,000.00" in email["body"]


def test_a_closed_po_can_be_sent_again(api, people, mail_configured):
    po = approved_po(api, people.requester)
    assert api.as_(people.admin).post(f"/purchase-orders/{po['id']}/close").status_code == 200
    response = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"]})
    assert response.status_code == 202


# Refusals: each precise, and nothing written

def refused(api, who, po_id, body):
    before = table_sizes()
    response = api.as_(who).post(f"/purchase-orders/{po_id}/send", json=body)
    assert table_sizes() == before
    return response


def test_every_bad_address_is_listed_at_once_with_its_pointer(api, people, mail_configured):
    po = approved_po(api, people.requester)
    response = refused(api, people.requester, po["id"], {
        "to": ["sales@boltnut.example", "not an address", "x@"], "cc": ["also@bad@example"], "bcc": [42]})
    assert response.status_code == 400
    assert codes_at(response) == {("invalid_email", "/to/1"), ("invalid_email", "/to/2"), ("invalid_email", "/cc/0"), ("invalid_type", "/bcc/0")}
    assert "'not an address' is not an email address" in response.json["errors"][0]["detail"]


@pytest.mark.parametrize("body, expected", [
    ({}, {("missing_field", "/to")}),
    ({"to": []}, {("invalid_value", "/to")}),
    ({"to": "sales@boltnut.example"}, {("invalid_type", "/to")}),
    ({"to": ["sales@boltnut.example"], "subject": "Order\r\nBcc: everyone@example.com"}, {("invalid_value", "/subject")}),
    ({"to": ["sales@boltnut.example"], "subject": "   "}, {("invalid_value", "/subject")}),
    ({"to": ["sales@boltnut.example"], "reply_to": "x@example.com"}, {("unknown_field", "/reply_to")}),
])
def test_missing_empty_or_malformed_fields_are_refused(api, people, mail_configured, body, expected):
    po = approved_po(api, people.requester)
    response = refused(api, people.requester, po["id"], body)
    assert (response.status_code, codes_at(response)) == (400, expected)


@pytest.mark.parametrize("status", ["draft", "pending_approval", "rejected", "cancelled"])
def test_only_an_approved_or_closed_po_can_be_sent(api, people, mail_configured, status):
    from tests.web.test_lifecycle_api import Desk

    desk = Desk(api, people)
    desk.policy(("500", [people.approver.id]))
    po = desk.reach(status)
    response = refused(api, people.requester, po["id"], {"to": ["sales@boltnut.example"]})
    assert (response.status_code, codes_at(response)) == (409, {("po_not_open", None)})
    assert status in response.json["errors"][0]["detail"]


def test_without_a_mail_server_sending_is_refused_clearly(api, people):
    po = approved_po(api, people.requester)
    response = refused(api, people.requester, po["id"], {"to": ["sales@boltnut.example"]})
    assert (response.status_code, codes_at(response)) == (409, {("mail_not_configured", None)})
    assert "PODESK_SMTP_URL" in response.json["errors"][0]["detail"]


def test_a_viewer_cannot_send(api, people, mail_configured):
    po = approved_po(api, people.requester)
    response = refused(api, people.viewer, po["id"], {"to": ["sales@boltnut.example"]})
    assert response.status_code == 403


def test_sending_a_po_that_does_not_exist_is_not_found(api, people, mail_configured):
    assert refused(api, people.requester, 999999, {"to": ["sales@boltnut.example"]}).status_code == 404


def test_an_unknown_placeholder_in_a_template_is_refused(api, people):
    response = api.as_(people.admin).patch("/settings", json={"po_email_subject": "PO {po_nubmer}", "po_email_body": "{total} {vendor}"})
    assert (response.status_code, codes_at(response)) == (400, {("invalid_value", "/po_email_subject"), ("invalid_value", "/po_email_body")})
    assert "{po_nubmer}" in response.json["errors"][0]["detail"]


# What was sent stays visible

def test_an_emails_pdf_is_what_was_sent_even_after_the_po_changed(api, people, mail_configured):
    po = approved_po(api, people.requester, description="Fasteners for line 4")
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"]}).json["email"]
    changed = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"description": "Fasteners for line 5"})
    assert changed.status_code == 200, changed.json
    sent = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/emails/{email['id']}/pdf")
    assert sent.status_code == 200 and "Fasteners for line 4" in pdf_text(sent.data)
    assert "Fasteners for line 5" in pdf_text(api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/pdf").data)


def test_an_email_is_found_only_under_its_own_po(api, people, mail_configured):
    po, other = approved_po(api, people.requester), approved_po(api, people.requester)
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["a@example.com"]}).json["email"]
    assert api.as_(people.viewer).get(f"/purchase-orders/{other['id']}/emails/{email['id']}").status_code == 404
    assert api.as_(people.viewer).get(f"/purchase-orders/{other['id']}/emails/{email['id']}/pdf").status_code == 404
    assert PoEmail.select().count() == 1


def test_the_same_person_named_twice_gets_one_copy(api, people, mail_configured):
    po = approved_po(api, people.requester)
    email = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={
        "to": ["sales@boltnut.example", "Sales@boltnut.example"], "cc": ["sales@boltnut.example", "ap@boltnut.example"],
        "bcc": ["ap@boltnut.example"]}).json["email"]
    assert (email["to"], email["cc"], email["bcc"]) == (["sales@boltnut.example"], ["ap@boltnut.example"], [])


def test_a_send_form_starts_from_the_vendors_address_and_the_filled_in_templates(api, people, company):
    from core import queries

    po = approved_po(api, people.requester, lines=[line("Bolts", 100, 10, tax_rate=18)])
    assert queries.email_draft(po["id"]) == {
        "to": ["sales@boltnut.example"], "cc": [], "bcc": [], "subject": f"Purchase order {po['po_number']}",
        "body": f"Hello,\n\nPlease find attached our purchase order {po['po_number']} for ₹1,180.00.\n\nKind regards,\nAcme Industries Pvt Ltd"}
    assert queries.email_draft(po["id"], "en_US")["body"].count("₹1,180.00") == 1
