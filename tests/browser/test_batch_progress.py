"""A batch's page in a real browser: its progress bar advances while the worker runs, and the page
stops asking once the batch is done. The page's clock is driven by the test, so no time is waited."""
import pytest
from playwright.sync_api import expect

from core.services import batches, enqueue_batch
from core.operator import add_user, set_password
from tests.factories import line

PASSWORD = "watching the erp"


@pytest.fixture
def admin(db):
    user = add_user("Asha Admin", "asha@example.com", "admin")
    set_password(user.email, PASSWORD)
    return user


def _batch(admin, items: int):
    body = {"purchase_orders": [{"external_id": f"ERP-{i}", "po_type": "services", "matching": "two_way",
                                 "line_items": [line()] if i != 2 else []} for i in range(items)]}  # item 3 fails
    return enqueue_batch(admin, body, chunk_size=1)[0]


def test_batch_progress_advances_while_it_runs_and_polling_stops_when_it_is_done(page, admin, sign_in):
    batch = _batch(admin, 4)
    page.clock.install()
    sign_in(page, admin.email, PASSWORD)
    page.clock.pause_at(page.evaluate("Date.now()") + 10)  # from here on the page's timers wait for the test
    page.goto(f"/batches/{batch.id}")
    bar = page.get_by_role("progressbar", name="Progress of this batch")
    expect(page.locator("#batch")).to_contain_text("0 of 4 (0%)")
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith(f"/batches/{batch.id}") else None)

    batches.work_chunk("test")
    with page.expect_response(lambda r: r.url.endswith(f"/batches/{batch.id}")):
        page.clock.run_for(1_100)
    expect(page.locator("#batch")).to_contain_text("1 of 4 (25%)")
    expect(bar).to_have_attribute("value", "1")

    while batches.work_chunk("test"):
        pass
    with page.expect_response(lambda r: r.url.endswith(f"/batches/{batch.id}")):
        page.clock.run_for(1_100)
    expect(page.locator("#batch")).to_contain_text("4 of 4 (100%), 1 failed")
    expect(page.locator("#batch")).not_to_have_attribute("hx-trigger", "every 1s")
    expect(page.get_by_role("table", name="Items that failed, with their errors")).to_contain_text("ERP-2")
    asked = len(polls)
    page.clock.run_for(10_000)  # ten more seconds of page time: a page that still polled would ask ten times
    page.evaluate("0")  # one more round trip to the page, so any request it started has been reported
    assert len(polls) == asked


def test_the_overview_batch_panel_follows_a_running_batch_and_then_stops(page, admin, sign_in):
    batch = _batch(admin, 2)
    page.clock.install()
    sign_in(page, admin.email, PASSWORD)
    page.clock.pause_at(page.evaluate("Date.now()") + 10)
    page.goto("/")
    panel = page.locator("#recent-batches")
    expect(panel).to_contain_text("0 of 2 (0%)")
    while batches.work_chunk("test"):
        pass
    with page.expect_response(lambda r: "/overview/batches" in r.url):
        page.clock.run_for(1_100)
    expect(panel).to_contain_text("2 of 2 (100%)")
    expect(panel).not_to_have_attribute("hx-trigger", "every 1s")
    assert batch.id[:8] in panel.inner_text()
