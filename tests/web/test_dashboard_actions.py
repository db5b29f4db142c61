"""The PO page's actions and the exception queue's accept, through Flask's test client on the demo's data:
each a POST form with a CSRF token that calls one core action; refusals change nothing and say why."""
import datetime as dt
import re

import pytest

from core import queries, services
from core.models import AuditEvent, PurchaseOrder
from core.services.users import user_by_email
from tests.demo_data import DEMO_PASSWORD, database_url, demo_template, invoice_id, po_id  # noqa: F401 - fixtures
from tests.web.dashboard_client import (
    ASHA, OMAR, PRIYA, RAVI, VERA, age_client_session, csrf_of, post_form, signed_in, text,
)
from web.security import SESSION_LIFETIME

LAPTOPS = "Laptops for new hires"  # pending approval at level 1 (Asha, Priya or Omar may decide), raised by Ravi


def status(description: str) -> str:
    return PurchaseOrder.get_by_id(po_id(description)).status


def trail_length(po: int) -> int:
    return AuditEvent.select().where(AuditEvent.entity_type == "purchase_order", AuditEvent.entity_id == po).count()


def test_an_approver_approves_from_the_page_and_sees_what_happened(app):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    response = post_form(client, f"/purchase-orders/{po}/approve", f"/purchase-orders/{po}", level="1", comment="Budgeted")
    assert response.status_code == 303 and response.headers["Location"] == f"/purchase-orders/{po}"
    page = text(client.get(f"/purchase-orders/{po}"))
    assert "You approved PO-00003 at level 1. It is now approved." in page
    assert status(LAPTOPS) == "approved" and "Budgeted" in page


def test_rejecting_needs_a_reason_and_without_one_nothing_changes(app):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    refused = post_form(client, f"/purchase-orders/{po}/reject", f"/purchase-orders/{po}", level="1", reason="  ")
    assert refused.status_code == 400
    assert re.search(r'id="reject-reason" name="reason"[^>]*aria-invalid="true"', text(refused))
    assert "Give the requester a reason" in text(refused) and status(LAPTOPS) == "pending_approval"
    done = post_form(client, f"/purchase-orders/{po}/reject", f"/purchase-orders/{po}", level="1", reason="Wrong model")
    assert done.status_code == 303 and status(LAPTOPS) == "rejected"
    assert "Wrong model" in text(client.get(f"/purchase-orders/{po}"))


def test_a_stale_approval_says_who_decided_first_and_when_and_changes_nothing(app):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    page = client.get(f"/purchase-orders/{po}")  # Priya sees level 1 waiting …
    services.approve_po(user_by_email(ASHA), po, level=1)  # … and Asha decides it first
    before = trail_length(po)
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(page)).group(1)
    late = client.post(f"/purchase-orders/{po}/approve", data={"csrf_token": token, "level": "1"})
    assert late.status_code == 409
    assert re.search(r"Level 1 was already approved by Asha Admin on \d+ \w+ \d{4} \d+:\d\d\s[AP]M\. Nothing was changed",
                     text(late))
    assert trail_length(po) == before
    assert queries.purchase_order(po)["approvals"][0]["decided_by"]["name"] == "Asha Admin"


def test_a_viewer_sees_no_actions_and_a_forged_post_is_refused_and_changes_nothing(app):
    client, po = signed_in(app, VERA), po_id(LAPTOPS)
    page = text(client.get(f"/purchase-orders/{po}"))
    assert "What you can do" not in page and f'action="/purchase-orders/{po}/' not in page
    forged = post_form(client, f"/purchase-orders/{po}/approve", f"/purchase-orders/{po}", level="1")
    assert forged.status_code == 403
    assert "Approving purchase orders needs the approver role (you are viewer)." in text(forged)
    assert status(LAPTOPS) == "pending_approval"


def test_an_approver_who_is_not_on_the_waiting_level_sees_no_approve_button(app):
    po = po_id("Conveyor for plant expansion")  # level 2 waits for Omar
    assert "Approve level" not in text(signed_in(app, PRIYA).get(f"/purchase-orders/{po}"))
    assert "Approve level 2" in text(signed_in(app, OMAR).get(f"/purchase-orders/{po}"))


@pytest.mark.parametrize("token", [None, "made-up", "another session's"])
def test_a_post_without_its_sessions_csrf_token_is_refused_and_changes_nothing(app, token):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    if token == "another session's":
        token = csrf_of(signed_in(app, PRIYA).get(f"/purchase-orders/{po}"))
    before = trail_length(po)
    response = client.post(f"/purchase-orders/{po}/approve", data={"level": "1", **({"csrf_token": token} if token else {})})
    assert response.status_code == 400 and "the form could not be sent" in text(response)
    assert status(LAPTOPS) == "pending_approval" and trail_length(po) == before
    assert client.get(f"/purchase-orders/{po}").status_code == 200  # still signed in


def test_an_approval_sent_after_the_session_expired_signs_in_again_and_returns_to_the_po_undone(app):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    here = f"/purchase-orders/{po}"
    token = csrf_of(client.get(here))
    age_client_session(app, client, SESSION_LIFETIME + dt.timedelta(minutes=1))  # the tab stayed open overnight
    before = trail_length(po)
    late = client.post(f"{here}/approve", data={"csrf_token": token, "level": "1"}, headers={"Referer": f"http://localhost{here}"})
    assert late.status_code == 303 and late.headers["Location"] == f"/sign-in?next={here}"
    assert status(LAPTOPS) == "pending_approval" and trail_length(po) == before
    form = client.get(late.headers["Location"])
    assert "Your session had ended, so that was not done. Sign in, then try it again." in text(form)
    back = client.post("/sign-in", data={"csrf_token": csrf_of(form), "email": PRIYA, "password": DEMO_PASSWORD, "next": here})
    assert back.status_code == 303 and back.headers["Location"] == here
    assert "Approve level 1" in text(client.get(here)) and status(LAPTOPS) == "pending_approval"


def test_a_session_used_within_its_lifetime_still_approves(app):
    client, po = signed_in(app, PRIYA), po_id(LAPTOPS)
    token = csrf_of(client.get(f"/purchase-orders/{po}"))
    age_client_session(app, client, SESSION_LIFETIME - dt.timedelta(minutes=1))
    done = client.post(f"/purchase-orders/{po}/approve", data={"csrf_token": token, "level": "1"})
    assert done.status_code == 303 and status(LAPTOPS) == "approved"


def test_a_requester_submits_a_complete_draft(app):
    client, po = signed_in(app, RAVI), po_id("Stationery restock")
    assert "Submit for approval" in text(client.get(f"/purchase-orders/{po}"))
    post_form(client, f"/purchase-orders/{po}/submit", f"/purchase-orders/{po}")
    assert status("Stationery restock") == "approved"  # ₹15,680 is under every approval level
    assert "no approval level applies to its total" in text(client.get(f"/purchase-orders/{po}"))


def test_submitting_an_incomplete_draft_says_what_it_lacks(app):
    client, po = signed_in(app, RAVI), po_id("Quote pending: safety kit")
    refused = post_form(client, f"/purchase-orders/{po}/submit", f"/purchase-orders/{po}")
    assert refused.status_code == 400 and "not complete enough to submit" in text(refused)
    assert "The PO needs a vendor." in text(refused) and "needs rate above zero" in text(refused)


def test_copying_opens_the_new_draft(app):
    client, po = signed_in(app, RAVI), po_id("Network audit")
    response = post_form(client, f"/purchase-orders/{po}/copy", f"/purchase-orders/{po}")
    new = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new != po and PurchaseOrder.get_by_id(new).status == "draft"
    assert "a new draft copied from the PO you were on" in text(client.get(f"/purchase-orders/{new}"))


def test_a_requester_cancels_their_own_draft_and_an_admin_closes_an_approved_po(app):
    ravi, asha = signed_in(app, RAVI), signed_in(app, ASHA)
    po = po_id("Stationery restock")
    post_form(ravi, f"/purchase-orders/{po}/cancel", f"/purchase-orders/{po}", reason="Bought locally")
    assert status("Stationery restock") == "cancelled"
    bearings = po_id("Spare bearings")
    assert "Close this PO" not in text(signed_in(app, PRIYA).get(f"/purchase-orders/{bearings}"))
    post_form(asha, f"/purchase-orders/{bearings}/close", f"/purchase-orders/{bearings}", comment="Done")
    assert status("Spare bearings") == "closed"


def test_an_approver_accepts_an_invoice_exception_with_a_reason(app):
    client = signed_in(app, PRIYA)
    refused = post_form(client, f"/exceptions/{invoice_id('TPK-77')}/accept", "/exceptions", reason="")
    assert refused.status_code == 400 and "Say why you accept this invoice" in text(refused)
    done = post_form(client, f"/exceptions/{invoice_id('TPK-77')}/accept", "/exceptions", reason="Price rise agreed")
    assert done.status_code == 303
    page = text(client.get("/exceptions"))
    assert "Invoice TPK-77 is accepted" in page and "6 invoices did not match" in page


def test_a_stale_accept_says_who_accepted_first_and_when_and_changes_nothing(app):
    client, tpk = signed_in(app, PRIYA), invoice_id("TPK-77")
    token = csrf_of(client.get("/exceptions"))  # Priya opens the queue …
    services.accept_invoice_exception(user_by_email(OMAR), tpk, reason="Agreed with Tokyo Parts")  # … Omar accepts first
    history = AuditEvent.select().where(AuditEvent.action == "exception_accepted").count()
    late = client.post(f"/exceptions/{tpk}/accept", data={"csrf_token": token, "reason": "Price rise agreed"})
    assert late.status_code == 409
    assert re.search(r'role="alert" id="accept-error">Invoice TPK-77 was already accepted by Omar Finance on '
                     r"\d+ \w+ \d{4} \d+:\d\d\s[AP]M\. Nothing was changed; the list below is up to date\.<", text(late))
    assert AuditEvent.select().where(AuditEvent.action == "exception_accepted").count() == history
    assert not AuditEvent.select().where(AuditEvent.comment == "Price rise agreed").exists()


def test_a_viewer_cannot_accept_an_invoice_exception(app):
    client = signed_in(app, VERA)
    forged = post_form(client, f"/exceptions/{invoice_id('TPK-77')}/accept", "/exceptions", reason="why not")
    assert forged.status_code == 403 and "7 invoices did not match" in text(forged)


DRILLS = "Drills for the maintenance crew"  # approved, Acme Tools (orders@acme.example), raised by Ravi


def test_without_email_set_up_an_approved_po_offers_no_send_form_but_its_pdf(app):
    client, po = signed_in(app, RAVI), po_id(DRILLS)
    page = text(client.get(f"/purchase-orders/{po}"))
    assert "Send to the vendor" not in page
    pdf = client.get(f"/purchase-orders/{po}/pdf")
    assert (pdf.status_code, pdf.mimetype, pdf.data[:5]) == (200, "application/pdf", b"%PDF-")


def test_a_requester_sends_an_approved_po_to_its_vendor_from_the_page(app, mail_configured):
    client, po = signed_in(app, RAVI), po_id(DRILLS)
    page = text(client.get(f"/purchase-orders/{po}"))
    assert 'id="send-to" name="to" type="text" autocomplete="email" value="orders@acme.example"' in page
    bad = post_form(client, f"/purchase-orders/{po}/send", f"/purchase-orders/{po}", to="orders@acme.example, nobody@",
                    subject="Order", body="Hello")
    assert bad.status_code == 400 and re.search(r'id="send-to"[^>]*aria-invalid="true"', text(bad))
    assert queries.po_emails(po, {})[0] == []
    sent = post_form(client, f"/purchase-orders/{po}/send", f"/purchase-orders/{po}", to="orders@acme.example",
                     cc="buyer@example.com", subject="Our order", body="Please confirm.")
    assert sent.status_code == 303
    after = text(client.get(f"/purchase-orders/{po}"))
    assert "on its way to orders@acme.example" in after and "Waiting for the mail server" in after
    (email,) = queries.po_emails(po, {})[0]
    assert (email["to"], email["cc"], email["subject"], email["sent_by"]["name"]) == (
        ["orders@acme.example"], ["buyer@example.com"], "Our order", "Ravi Requester")


def test_a_viewer_gets_no_send_form_and_a_forged_send_is_refused(app, mail_configured):
    client, po = signed_in(app, VERA), po_id(DRILLS)
    assert "Send to the vendor" not in text(client.get(f"/purchase-orders/{po}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(f"/purchase-orders/{po}"))).group(1)
    forged = client.post(f"/purchase-orders/{po}/send", data={"csrf_token": token, "to": "x@example.com"})
    assert forged.status_code == 403 and queries.po_emails(po, {})[0] == []
