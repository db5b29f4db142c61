"""The dashboard's pages through Flask's test client, on the demo's data: what each shows, page or fragment."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from core.models import PurchaseOrder
from core.services.users import set_preferences, user_by_email
from tests.demo_data import database_url, demo_template, finished_batch_id, po_id  # noqa: F401 - fixtures
from tests.web.dashboard_client import ASHA, PRIYA, VERA, fragment, signed_in, text

FRAGMENTS = {  # path (filled in per test) → the element a fragment starts with
    "/": '<section id="overview"',
    "/purchase-orders": '<span id="po-count" hx-swap-oob="innerHTML">',
    "/purchase-orders/{po}": '<article id="po"',
    "/exceptions": '<section id="exceptions"',
    "/batches": '<section id="batches"',
    "/batches/{batch}": '<section id="batch"',
}


def _path(template: str) -> str:
    return template.format(po=po_id("Drills for the maintenance crew"), batch=finished_batch_id())


@pytest.mark.parametrize("template", list(FRAGMENTS))
def test_each_page_comes_whole_to_a_browser_and_as_its_fragment_to_htmx(app, template):
    client = signed_in(app, PRIYA)
    whole = client.get(_path(template))
    assert whole.status_code == 200 and text(whole).startswith("<!doctype html>")
    assert 'aria-label="Main"' in text(whole)
    part = fragment(client, _path(template))
    assert part.status_code == 200 and text(part).lstrip().startswith(FRAGMENTS[template])
    assert "<html" not in text(part) and "Sign out" not in text(part)


def test_the_overview_shows_counts_approvals_exceptions_spend_and_batches(app):
    page = text(signed_in(app, PRIYA).get("/"))
    assert re.search(r'<span class="tile-count">12</span> <span class="tile-label">Approved</span>', page)
    assert re.search(r'<span class="tile-count">2</span> <span class="tile-label">Pending approval</span>', page)
    waiting = page[page.index("Waiting for approval"):page.index("Open invoice exceptions")]
    assert waiting.index("Laptops for new hires") < waiting.index("Conveyor for plant expansion")  # oldest first
    assert "$4,325.00" in waiting and "₹9,91,200.00" in waiting
    assert "More billed than received" in page and "Another vendor&#39;s PO" in page and "All 7 open exceptions" in page
    assert "<svg" in page and 'class="bar"' in page and "Acme Tools" in page and "₹75,903.50" in page
    assert "<progress" in page and "0 of 40 (0%)" in page and "9 of 9 (100%)" in page


def test_the_overview_polls_the_batches_only_while_one_is_unfinished(app):
    client = signed_in(app, PRIYA)
    assert 'hx-trigger="every 1s"' in text(client.get("/"))  # the demo leaves a batch queued
    panel = fragment(client, "/overview/batches")
    assert text(panel).lstrip().startswith('<section id="recent-batches"') and 'hx-trigger="every' in text(panel)
    assert client.get("/overview/batches").headers["Location"] == "/batches"  # a plain visit


def test_money_and_times_follow_the_viewers_locale_and_timezone(app):
    omar = user_by_email("omar@example.com")
    assert (omar.timezone, omar.locale) == ("Asia/Kuwait", "en_GB")
    gb = text(signed_in(app, "omar@example.com").get("/"))
    assert "₹991,200.00" in gb and "Times are in Asia/Kuwait" in gb
    set_preferences(user_by_email(PRIYA), timezone="America/New_York", locale="de_DE")
    de = text(signed_in(app, PRIYA).get(f"/purchase-orders/{po_id('Drills for the maintenance crew')}"))
    assert "43.896,00\u00a0₹" in de
    # Formatted values are cached by locale: the same amount still reads the British way for Omar.
    assert "₹43,896.00" in text(signed_in(app, "omar@example.com").get(f"/purchase-orders/{po_id('Drills for the maintenance crew')}"))
    assert re.search(r'<time datetime="[^"]+Z">\d\d\.\d\d\.\d{4} \d\d:\d\d</time>', de)


def test_spend_this_month_starts_at_midnight_where_the_viewer_is(app):
    now = dt.datetime.now(ZoneInfo("Asia/Kolkata"))
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.timezone.utc)
    drills = po_id("Drills for the maintenance crew")  # Acme Tools, ₹43,896.00 of its ₹75,903.50
    # Approved in this month's first minute in Kolkata: the evening before in UTC, in UTC's previous month.
    PurchaseOrder.update(approved_at=month_start.replace(tzinfo=None)).where(PurchaseOrder.id == drills).execute()
    page = text(signed_in(app, PRIYA).get("/"))  # Priya's timezone is Asia/Kolkata
    table = page[page.index("<figcaption>"):page.index("</figcaption>")]
    assert re.search(r'<td>Acme Tools</td><td class="num">₹75,903.50</td>', table)


def test_the_po_page_shows_lines_receipts_invoices_reasons_approvals_and_history(app):
    page = text(signed_in(app, VERA).get(f"/purchase-orders/{po_id('Drills for the maintenance crew')}"))
    gloves = page[page.index("Work gloves"):page.index("</tr>", page.index("Work gloves"))]
    assert re.search(r">40</td>\s*<td[^>]*>20</td>\s*<td[^>]*>0</td>", gloves)  # ordered, received, billed
    assert "More billed than received</strong> on ACME-1002: received 20, billed in all 40" in gloves
    assert "Price differs from the PO</strong> on ACME-1003: PO rate ₹5,400.00, invoiced ₹5,600.00 (accepted)" in page
    assert "Invoice ACME-1003" in page and "Invoice ACME-1002" in page
    assert "recorded by Ravi Requester" in page and "Cordless drills: 6" in page
    assert "Price rise agreed with Acme by phone" in page  # the acceptance, in the history


def test_the_po_page_shows_who_decided_each_level(app):
    page = text(signed_in(app, VERA).get(f"/purchase-orders/{po_id('Conveyor for plant expansion')}"))
    approvals = page[page.index('id="approvals-title"'):page.index('id="receipts-title"')]
    assert "Priya Approver" in approvals and "Budgeted in P-100" in approvals and "Waiting" in approvals
    assert "Omar Finance" in approvals


def test_a_missing_po_is_a_friendly_404(app):
    response = signed_in(app, VERA).get("/purchase-orders/999999")
    assert response.status_code == 404
    assert "Purchase order not found" in text(response) and "Search the purchase orders" in text(response)


def test_the_exception_queue_lists_reasons_amounts_and_ages_oldest_first(app):
    page = text(signed_in(app, VERA).get("/exceptions"))
    assert "7 invoices did not match their PO, oldest first." in page
    assert page.index("ACME-1002") < page.index("ACME-1005")
    assert "PO number not found" in page and "Different currency" in page and "JP¥73,700" in page
    assert "Accept invoice" not in page  # a viewer cannot accept


def test_a_batch_page_lists_failures_first_with_their_errors_and_stops_polling_once_done(app):
    page = text(signed_in(app, VERA).get(f"/batches/{finished_batch_id()}"))
    assert page.index("Failed items") < page.index("SAP-4500099") < page.index("Created and updated") < page.index("SAP-4500001")
    assert "is not a current ISO 4217 currency code" in page
    assert "hx-trigger" not in page


def test_a_running_batch_polls_until_it_is_done(app):
    from core.services import batches, enqueue_batch

    body = {"purchase_orders": [{"external_id": f"ERP-{i}", "po_type": "services", "matching": "two_way",
                                 "line_items": [{"identifier": "Visit", "quantity": "1", "rate": "100"}]} for i in range(3)]}
    batch, _ = enqueue_batch(user_by_email(ASHA), body, chunk_size=1)
    client = signed_in(app, VERA)
    assert 'hx-trigger="every 1s"' in text(fragment(client, f"/batches/{batch.id}"))
    while batches.work_chunk("test"):
        pass
    done = text(fragment(client, f"/batches/{batch.id}"))
    assert "3 of 3 (100%)" in done and "hx-trigger" not in done


def test_an_unknown_batch_is_a_friendly_404(app):
    response = signed_in(app, VERA).get("/batches/not-a-batch")
    assert response.status_code == 404 and "Batch not found" in text(response)


def test_a_filter_that_matches_nothing_says_how_to_widen_it(app):
    page = text(signed_in(app, VERA).get("/purchase-orders?q=nothing-like-this"))
    assert "No purchase order matches these filters" in page and "Clear some of them" in page
