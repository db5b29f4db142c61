"""What people typed stays text on every page, and every page passes axe-core (no serious or
critical problem), in a real browser on the demo's data."""
import re

from playwright.sync_api import expect

from core import services
from core.models import Batch
from core.services import batches
from core.services.users import user_by_email
from core.operator import add_user
from tests.demo_data import DEMO_PASSWORD, database_url, demo_template, finished_batch_id, po_id  # noqa: F401
from tests.factories import line

PAYLOAD = """<img src=x onerror="document.title='pwned'">"'&"""
ASHA, PRIYA = "asha@example.com", "priya@example.com"


def _payload_everywhere() -> dict[str, object]:
    """A vendor, PO, lines, receipt, invoice, rejection and batch item, each text field holding PAYLOAD."""
    asha = user_by_email(ASHA)
    requester = add_user(PAYLOAD, "mallory@example.com", "requester")
    vendor = services.create_vendor(asha, {"name": PAYLOAD, "currency": "INR", "payment_terms": PAYLOAD})
    body = {"po_type": "goods", "matching": "two_way", "vendor_id": vendor.id, "description": PAYLOAD, "notes": PAYLOAD,
            "terms_and_conditions": PAYLOAD, "external_id": PAYLOAD, "po_number": "PO-<b>x</b>",
            "line_items": [line(PAYLOAD, "2", "10"), line("Plain", "1", "5")], "submit": True}
    po = services.create_po(requester, body).po
    services.record_receipt(requester, po.id, {"note": PAYLOAD, "lines": [{"identifier": PAYLOAD, "quantity": "2"}]})
    services.register_invoice(asha, {"vendor_id": vendor.id, "invoice_number": PAYLOAD, "invoice_date": "2026-01-05",
                                     "currency": "INR", "po_number": po.po_number,
                                     "lines": [{"description": PAYLOAD, "quantity": "2", "unit_price": "99"}]})
    second = {**{k: v for k, v in body.items() if k != "external_id"}, "po_number": "PO-XSS-2",
              "line_items": [line("x", "100", "900")]}
    other = services.create_po(requester, second).po
    services.reject_po(user_by_email(PRIYA), other.id, reason=PAYLOAD)
    item = {"external_id": PAYLOAD, "po_type": "goods", "currency": PAYLOAD, "line_items": [line()]}
    batch, _ = services.enqueue_batch(asha, {"purchase_orders": [item]})
    while batches.work_chunk("test"):
        Batch.update(not_before=None).execute()  # the demo's slow batch waits between items; not here
    return {"po": po.id, "rejected": other.id, "batch": batch.id}


def _assert_shown_as_text(page) -> None:
    expect(page.get_by_text(PAYLOAD).filter(visible=True).first).to_be_visible()
    assert page.locator("main img, main b").count() == 0  # nothing typed became an element
    assert page.title() != "pwned"


def test_a_script_payload_in_every_text_field_renders_as_text(page, sign_in):
    made = _payload_everywhere()
    sign_in(page, PRIYA, DEMO_PASSWORD)
    for path in ("/", f"/purchase-orders?q={PAYLOAD[:10]}", f"/purchase-orders/{made['po']}",
                 f"/purchase-orders/{made['rejected']}", "/exceptions", f"/batches/{made['batch']}"):
        page.goto(path)
        _assert_shown_as_text(page)
    page.goto(f"/purchase-orders/{made['po']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("PO-<b>x</b>")
    for heading in ("Notes", "Terms and conditions"):  # the PO's longer texts, shown as typed
        expect(page.get_by_role("region", name=heading)).to_have_text(heading + PAYLOAD)
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
