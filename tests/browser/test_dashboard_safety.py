"""What people typed stays text on every page, and every page passes axe-core (no serious or
critical problem), in a real browser on the demo's data."""
import re

from playwright.sync_api import expect

from core import services
from core.models import Batch
from core.services import batches
from core.services.users import user_by_email
from core.operator import add_user
from tests.demo_data import DEMO_PASSWORD, database_url, demo_template, finished_batch_id, invoice_id, po_id  # noqa: F401
from tests.factories import line

PAYLOAD = """<img src=x onerror="document.title='pwned'">"'&"""
RECIPIENT = "o'brien&co@example.com"  # as hostile as an address may be: < and > make it no address
ASHA, PRIYA, RAVI = "asha@example.com", "priya@example.com", "ravi@example.com"


def _payload_everywhere() -> dict[str, object]:
    """Every text a person types that a page shows, each holding PAYLOAD: a vendor, a SKU, POs and
    their lines, a receipt, invoices, approval and rejection comments, cancel and close reasons, an
    accepted exception's reason, an email's subject, body and recipient, and a batch item."""
    asha, priya = user_by_email(ASHA), user_by_email(PRIYA)
    requester = add_user(PAYLOAD, "mallory@example.com", "requester")
    vendor = services.create_vendor(asha, {"name": PAYLOAD, "currency": "INR", "payment_terms": PAYLOAD})
    services.create_sku(asha, {"code": PAYLOAD, "name": "Hostile part", "unit": "pcs"})
    services.update_settings(asha, {"po_email_subject": PAYLOAD, "po_email_body": PAYLOAD})
    body = {"po_type": "goods", "matching": "two_way", "vendor_id": vendor.id, "description": PAYLOAD, "notes": PAYLOAD,
            "terms_and_conditions": PAYLOAD, "external_id": PAYLOAD, "po_number": "PO-<b>x</b>",
            "line_items": [line(PAYLOAD, "2", "10", sku_code=PAYLOAD), line("Plain", "1", "5")], "submit": True}
    po = services.create_po(requester, body).po
    services.record_receipt(requester, po.id, {"note": PAYLOAD, "lines": [{"identifier": PAYLOAD, "quantity": "2"}]})
    invoice = {"vendor_id": vendor.id, "invoice_date": "2026-01-05", "currency": "INR", "po_number": po.po_number,
               "lines": [{"description": PAYLOAD, "quantity": "2", "unit_price": "99"}]}
    services.register_invoice(asha, {**invoice, "invoice_number": PAYLOAD})  # stays open on /exceptions
    accepted = services.register_invoice(asha, {**invoice, "invoice_number": "INV-XSS-2"})
    services.accept_invoice_exception(priya, accepted.id, reason=PAYLOAD)
    plain = {k: v for k, v in body.items() if k != "external_id"}
    big = [line("x", "100", "900")]  # needs an approver
    rejected = services.create_po(requester, {**plain, "po_number": "PO-XSS-2", "line_items": big}).po
    services.reject_po(priya, rejected.id, reason=PAYLOAD)
    approved = services.create_po(requester, {**plain, "po_number": "PO-XSS-3", "line_items": big}).po
    services.approve_po(priya, approved.id, comment=PAYLOAD)
    services.send_po(requester, approved.id, to=[RECIPIENT], subject=PAYLOAD, body=PAYLOAD)
    services.close_po(asha, approved.id, comment=PAYLOAD)
    cancelled = services.create_po(requester, {**plain, "po_number": "PO-XSS-4", "submit": False}).po
    services.cancel_po(requester, cancelled.id, reason=PAYLOAD)
    item = {"external_id": PAYLOAD, "po_type": "goods", "currency": PAYLOAD, "line_items": [line()]}
    batch, _ = services.enqueue_batch(asha, {"purchase_orders": [item]})
    while batches.work_chunk("test"):
        Batch.update(not_before=None).execute()  # the demo's slow batch waits between items; not here
    return {"po": po.id, "rejected": rejected.id, "approved": approved.id, "cancelled": cancelled.id, "batch": batch.id}


def _assert_nothing_became_markup(page) -> None:
    assert page.locator("main img, main b").count() == 0  # nothing typed became an element
    assert page.title() != "pwned"


def _assert_shown_as_text(page) -> None:
    expect(page.get_by_text(PAYLOAD).filter(visible=True).first).to_be_visible()
    _assert_nothing_became_markup(page)


def test_a_script_payload_in_every_text_field_renders_as_text(page, sign_in, mail_configured):
    made = _payload_everywhere()
    sign_in(page, PRIYA, DEMO_PASSWORD)
    for path in ("/", f"/purchase-orders?q={PAYLOAD[:10]}", f"/purchase-orders/{made['po']}",
                 f"/purchase-orders/{made['rejected']}", f"/purchase-orders/{made['approved']}",
                 f"/purchase-orders/{made['cancelled']}", "/exceptions", f"/batches/{made['batch']}"):
        page.goto(path)
        _assert_shown_as_text(page)
    page.goto("/batches")  # shows nothing typed, but its rows are of the hostile batch too
    _assert_nothing_became_markup(page)
    page.goto(f"/purchase-orders/{made['po']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("PO-<b>x</b>")
    for heading in ("Notes", "Terms and conditions"):  # the PO's longer texts, shown as typed
        expect(page.get_by_role("region", name=heading)).to_have_text(heading + PAYLOAD)
    lines = page.get_by_role("table", name=re.compile("^Lines: ordered"))
    expect(lines.get_by_role("row").nth(1).get_by_role("cell").nth(1)).to_have_text(f"{PAYLOAD} {PAYLOAD}")  # line, SKU
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text(f"“{PAYLOAD}”")  # the accepted exception's reason
    page.goto(f"/purchase-orders/{made['approved']}")
    expect(page.get_by_role("table", name="Approval levels and who decided")).to_contain_text(PAYLOAD)
    emails = page.get_by_role("region", name="Sent to the vendor").get_by_role("row").nth(1).get_by_role("cell")
    expect(emails.nth(1)).to_have_text(RECIPIENT)
    expect(emails.nth(2)).to_have_text(PAYLOAD)
    expect(page.get_by_role("region", name="History")).to_contain_text(f"“{PAYLOAD}”")  # the closing comment
    page.get_by_text("Send to the vendor…").click()  # prefilled from the settings' templates
    expect(page.get_by_label("Subject")).to_have_value(PAYLOAD)
    expect(page.get_by_label("Message")).to_have_value(PAYLOAD)
    page.get_by_label("To", exact=True).fill(PAYLOAD)  # an address that is none: the error repeats it
    page.get_by_role("button", name=re.compile("^Send ")).click()
    expect(page.locator("#send-to-error")).to_contain_text("is not an email address")
    expect(page.get_by_label("To", exact=True)).to_have_value(PAYLOAD)
    _assert_nothing_became_markup(page)
    page.goto(f"/purchase-orders/{made['cancelled']}")
    expect(page.get_by_role("region", name="History")).to_contain_text(f"“{PAYLOAD}”")
    page.goto("/")
    expect(page.locator("svg text.bar-label").filter(has_text="<img src=x")).to_have_count(1)


def test_every_dashboard_page_has_no_serious_accessibility_problems(page, sign_in, assert_accessible):
    while batches.work_chunk("test"):  # finish the demo's slow batch, so no panel is being replaced mid-check
        Batch.update(not_before=None).execute()
    sign_in(page, PRIYA, DEMO_PASSWORD)
    for path in ("/", "/purchase-orders", "/purchase-orders?status=bogus&min_total=x",
                 f"/purchase-orders/{po_id('Laptops for new hires')}",
                 f"/purchase-orders/{po_id('Drills for the maintenance crew')}", "/exceptions", "/batches",
                 f"/batches/{finished_batch_id()}", "/purchase-orders/999999"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto("/exceptions")
    page.get_by_text("Accept…").first.click()  # the accept form, opened
    assert_accessible(page)
    page.goto(f"/purchase-orders/{po_id('Laptops for new hires')}")
    page.get_by_label("Comment for approving (optional)").focus()
    page.keyboard.press("Tab")  # on to the button, by keyboard: its focus must show
    expect(page.get_by_role("button", name="Approve level 1")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Reason for rejecting (required)")).to_be_focused()
    assert re.search("podesk", page.title())


def _hold_still(route) -> None:
    """htmx's polls get 204 No Content, which it swaps nothing for; pages load as usual."""
    if route.request.headers.get("hx-request"):
        route.fulfill(status=204)
    else:
        route.continue_()


def test_a_running_batch_has_no_serious_accessibility_problems(page, sign_in, assert_accessible):
    slow = Batch.get(Batch.status != "completed")  # the demo's slow batch: one item now, then a pause
    batches.work_chunk("test")
    sign_in(page, ASHA, DEMO_PASSWORD)
    page.route("**/*", _hold_still)  # the page keeps polling, but nothing is swapped mid-check
    for path in (f"/batches/{slow.id}", "/batches", "/"):
        page.goto(path)
        expect(page.get_by_text("1 of 40 (2%)").first).to_be_visible()
        expect(page.locator("[hx-trigger='every 1s']")).to_have_count(1)  # still running, still polling
        assert_accessible(page)
    page.goto(f"/batches/{slow.id}")
    expect(page.get_by_role("main")).to_contain_text("This page updates itself while the batch runs")


def test_the_requesters_and_the_admins_forms_have_no_serious_accessibility_problems(
        page, sign_in, assert_accessible, mail_configured):
    sign_in(page, RAVI, DEMO_PASSWORD)
    page.goto(f"/purchase-orders/{po_id('Stationery restock')}")  # Ravi's draft: submit, cancel, copy
    expect(page.get_by_role("button", name="Submit for approval")).to_be_visible()
    page.get_by_text("Cancel this PO…").click()
    assert_accessible(page)
    page.goto(f"/purchase-orders/{po_id('Drills for the maintenance crew')}")  # his approved PO: send it
    page.get_by_text("Send to the vendor…").click()
    expect(page.get_by_label("Subject")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ASHA, DEMO_PASSWORD)
    page.goto(f"/purchase-orders/{po_id('Drills for the maintenance crew')}")  # the admin closes it
    page.get_by_text("Close this PO…").click()
    expect(page.get_by_role("button", name=re.compile("^Close PO-"))).to_be_visible()
    assert_accessible(page)


def test_refused_actions_have_no_serious_accessibility_problems(page, sign_in, assert_accessible, mail_configured):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    laptops = po_id("Laptops for new hires")
    page.goto(f"/purchase-orders/{laptops}")
    page.get_by_label("Reason for rejecting (required)").fill("   ")  # typed, but no reason
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_label("Reason for rejecting (required)")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    services.approve_po(user_by_email(ASHA), laptops, level=1)  # someone else decides first
    page.get_by_role("button", name="Approve level 1").click()
    expect(page.get_by_role("alert")).to_contain_text("already approved by Asha Admin")
    assert_accessible(page)
    page.goto(f"/purchase-orders/{po_id('Drills for the maintenance crew')}")
    page.get_by_text("Send to the vendor…").click()
    page.get_by_label("To", exact=True).fill("not an address")
    page.get_by_role("button", name=re.compile("^Send ")).click()
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.goto("/exceptions")
    services.accept_invoice_exception(user_by_email(ASHA), invoice_id("TPK-77"), reason="Agreed")  # first, again
    row = page.get_by_role("row").filter(has_text="TPK-77")
    row.get_by_text("Accept…").click()
    row.get_by_label("Why accept invoice TPK-77?").fill("Price rise agreed")
    row.get_by_role("button", name="Accept invoice TPK-77").click()
    expect(page.get_by_role("alert")).to_contain_text("Invoice TPK-77 was already accepted by Asha Admin on ")
    assert_accessible(page)
