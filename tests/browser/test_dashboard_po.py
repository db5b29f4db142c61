"""A PO's page in a real browser on the demo's data: each line's match reasons, approving and
rejecting, a stale click, a viewer, forged and token-less POSTs, and everything without JavaScript."""
import datetime as dt
import re

from playwright.sync_api import expect

from core import services
from core.services.users import user_by_email
from tests.demo_data import DEMO_PASSWORD, database_url, demo_template, po_id  # noqa: F401 - fixtures
from tests.factories import line
from tests.web.dashboard_client import SESSION_COOKIE, aged_session
from web.security import SESSION_LIFETIME

PRIYA, VERA, ASHA = "priya@example.com", "vera@example.com", "asha@example.com"


def csrf_token(page) -> str:
    """The token every form on the page carries (the sign-out form's, here)."""
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def test_the_po_page_shows_each_lines_quantities_and_why_its_invoices_did_not_match(page, sign_in):
    sign_in(page, VERA, DEMO_PASSWORD)
    page.goto(f"/purchase-orders/{po_id('Drills for the maintenance crew')}")
    lines = page.get_by_role("table", name=re.compile("^Lines: ordered"))
    gloves = lines.get_by_role("row").filter(has_text="Work gloves")
    expect(gloves.get_by_role("cell")).to_have_text(
        ["2", re.compile("Work gloves"), "40", "20", "0", "₹120.00", "₹4,800.00", re.compile("Exception")])
    expect(gloves).to_contain_text("More billed than received on ACME-1002: received 20, billed in all 40")
    drills = lines.get_by_role("row").filter(has_text="Cordless drills")
    expect(drills).to_contain_text("Price differs from the PO on ACME-1003: PO rate ₹5,400.00, invoiced ₹5,600.00 (accepted)")
    invoice = page.get_by_role("table", name="Lines of invoice ACME-1002 and why each did or did not match")
    expect(invoice).to_contain_text("received 20, billed in all 40")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Price rise agreed with Acme by phone")


def test_an_approver_approves_and_rejects_from_the_page(page, sign_in):
    ravi = user_by_email("ravi@example.com")
    body = {"po_type": "goods", "matching": "two_way", "vendor_id": 1, "description": "Safety boots",
            "line_items": [line("Boots", "100", "700")], "submit": True}
    boots = services.create_po(ravi, body).po.id
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.goto(f"/purchase-orders/{po_id('Laptops for new hires')}")
    page.get_by_label("Comment for approving (optional)").fill("Within the hiring budget")
    page.get_by_role("button", name="Approve level 1").click()
    expect(page.get_by_role("status").first).to_have_text("You approved PO-00003 at level 1. It is now approved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(page.get_by_role("table", name="Approval levels and who decided")).to_contain_text("Within the hiring budget")
    page.goto(f"/purchase-orders/{boots}")
    page.get_by_label("Reason for rejecting (required)").fill("Get a quote from a second supplier")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status").first).to_contain_text("You rejected")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rejected")
    expect(page.get_by_role("main")).to_contain_text("Get a quote from a second supplier")


def test_a_stale_approval_says_who_approved_first_and_when(page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    laptops = po_id("Laptops for new hires")
    page.goto(f"/purchase-orders/{laptops}")
    services.approve_po(user_by_email(ASHA), laptops, level=1)  # someone else, a moment earlier
    page.get_by_role("button", name="Approve level 1").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile(
        r"^Level 1 was already approved by Asha Admin on .+\. Nothing was changed; the page below is up to date\.$"))
    expect(page.get_by_role("button", name="Approve level 1")).to_have_count(0)
    expect(page.get_by_role("table", name="Approval levels and who decided")).to_contain_text("Asha Admin")


def test_a_viewer_sees_no_actions_and_a_forged_post_is_refused(page, sign_in):
    sign_in(page, VERA, DEMO_PASSWORD)
    laptops = po_id("Laptops for new hires")
    page.goto(f"/purchase-orders/{laptops}")
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    forged = page.request.post(f"/purchase-orders/{laptops}/approve", form={"csrf_token": csrf_token(page), "level": "1"})
    assert forged.status == 403 and "needs the approver role (you are viewer)" in forged.text()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending approval")


def test_a_post_without_a_csrf_token_is_refused(page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    laptops = po_id("Laptops for new hires")
    page.goto(f"/purchase-orders/{laptops}")
    refused = page.request.post(f"/purchase-orders/{laptops}/approve", form={"level": "1"})
    assert refused.status == 400 and "the form could not be sent" in refused.text()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending approval")


def expire_session(app, context) -> None:
    """Make the browser's session cookie one the app last renewed longer ago than a session lasts."""
    (cookie,) = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    old = aged_session(app, cookie["value"], SESSION_LIFETIME + dt.timedelta(minutes=1))
    context.add_cookies([{**cookie, "value": old}])


def test_an_approval_clicked_after_the_session_expired_signs_in_and_returns_to_the_po_undone(app, page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    laptops = po_id("Laptops for new hires")
    page.goto(f"/purchase-orders/{laptops}")
    # Every answer renews the cookie, the favicon's too: age it once the page has asked for everything.
    page.wait_for_load_state("networkidle")
    expire_session(app, page.context)  # the tab stayed open overnight
    page.get_by_label("Comment for approving (optional)").fill("Fine by me")
    page.get_by_role("button", name="Approve level 1").click()
    expect(page).to_have_url(re.compile(rf"/sign-in\?next=/purchase-orders/{laptops}$"))
    expect(page.get_by_role("status").first).to_have_text(
        "Your session had ended, so that was not done. Sign in, then try it again.")
    sign_in(page, PRIYA, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/purchase-orders/{laptops}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending approval")
    expect(page.get_by_role("button", name="Approve level 1")).to_be_visible()


def test_the_whole_flow_works_with_javascript_turned_off(page_without_js, sign_in):
    page = page_without_js
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.get_by_role("link", name="Purchase orders").click()
    page.get_by_label("Search").fill("laptops")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/purchase-orders\?q=laptops"))
    expect(page.locator("table.po-table tbody tr")).to_have_count(1)
    page.get_by_role("columnheader", name=re.compile("^Total")).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=total"))
    page.get_by_role("link", name="PO-00003").click()
    page.get_by_role("button", name="Approve level 1").click()
    expect(page.get_by_role("status").first).to_contain_text("You approved PO-00003")
    page.get_by_role("link", name="Exceptions").click()
    row = page.get_by_role("row").filter(has_text="TPK-77")
    row.get_by_text("Accept…").click()  # a <details>: opens without script
    row.get_by_label("Why accept invoice TPK-77?").fill("Price rise agreed")
    row.get_by_role("button", name="Accept invoice TPK-77").click()
    expect(page.get_by_role("status").first).to_contain_text("Invoice TPK-77 is accepted")
    page.get_by_role("link", name="Batches").click()
    page.get_by_role("table").get_by_role("link").last.click()
    expect(page.get_by_role("heading", name="Failed items")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("SAP-4500099")
