"""The overview and the PO list in a real browser on the demo's data: live filters, the URL, the
back button, sorting, paging, and a CSV that holds exactly the filtered rows."""
import csv
import re

from playwright.sync_api import expect

from tests.demo_data import DEMO_PASSWORD, database_url, demo_template  # noqa: F401 - fixtures

PRIYA = "priya@example.com"
STATUS_WORDS = {"Approved": "approved", "Pending approval": "pending_approval", "Draft": "draft",
                "Rejected": "rejected", "Cancelled": "cancelled", "Closed": "closed"}


def back(page) -> None:
    """The browser's back button. htmx keeps no page snapshots, so it reloads the earlier URL from the
    server; wait for that page before the next step."""
    with page.expect_event("load"):
        page.go_back(wait_until="commit")


def rows(page):
    return page.locator("table.po-table tbody tr")


def table(page) -> list[dict[str, str]]:
    """The PO table as a person reads it: one dict per row, by column heading."""
    out = []
    for row in rows(page).all():
        cells = row.locator("td").all_inner_texts()
        out.append(dict(zip(("po", "date", "vendor", "description", "status"), cells)))
    return out


def test_the_overview_shows_the_desk_at_a_glance(page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"^12 Approved$"))).to_have_attribute("href", "/purchase-orders?status=approved")
    waiting = page.get_by_role("table", name=re.compile("waiting for approval"))
    expect(waiting.locator("tbody tr")).to_have_count(2)
    expect(waiting.locator("tbody tr").first).to_contain_text("Laptops for new hires")
    expect(waiting.locator("tbody tr").first).to_contain_text(re.compile(r"\d+ (seconds?|minutes?)"))
    exceptions = page.get_by_role("table", name=re.compile("open exceptions"))
    expect(exceptions).to_contain_text("More billed than ordered")
    expect(page.get_by_role("img", name=re.compile("Bar chart of approved spend"))).to_be_visible()
    expect(page.locator("svg rect.bar")).to_have_count(3)
    expect(page.get_by_role("table", name=re.compile("Approved spend in"))).to_contain_text("₹75,903.50")
    expect(page.get_by_role("progressbar")).to_have_count(2)
    assert page.console_errors == []


def test_typing_a_filter_updates_the_table_and_the_url_and_the_back_button_undoes_it(page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.goto("/purchase-orders")
    expect(rows(page)).to_have_count(20)
    fragments = []
    page.on("request", lambda r: fragments.append(r.url) if r.headers.get("hx-request") else None)
    page.get_by_label("Search").press_sequentially("laptops", delay=20)
    expect(page).to_have_url(re.compile(r"/purchase-orders\?q=laptops$"))
    expect(rows(page)).to_have_count(1)
    assert len(fragments) < len("laptops")  # debounced: not one request per keystroke
    expect(page.locator("#po-count")).to_have_text("1 purchase order match these filters")
    page.get_by_label("Pending approval").check()
    expect(page).to_have_url(re.compile(r"\?q=laptops&status=pending_approval$"))
    page.get_by_label("Approved", exact=True).check()
    expect(page).to_have_url(re.compile(r"\?q=laptops&status=pending_approval&status=approved$"))
    back(page)
    expect(page).to_have_url(re.compile(r"\?q=laptops&status=pending_approval$"))
    expect(page.get_by_label("Approved", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Pending approval")).to_be_checked()
    back(page)
    expect(page.get_by_label("Pending approval")).not_to_be_checked()
    expect(page.get_by_label("Search")).to_have_value("laptops")
    back(page)
    expect(page).to_have_url(re.compile(r"/purchase-orders$"))
    expect(rows(page)).to_have_count(20)
    expect(page.get_by_label("Search")).to_have_value("")


def test_columns_sort_both_ways_and_pages_follow_in_the_url(page, sign_in):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.goto("/purchase-orders?per_page=5")
    total = page.get_by_role("columnheader", name=re.compile("^Total"))
    total.get_by_role("link").click()
    expect(total).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(r"\?sort=total&per_page=5$"))
    expect(rows(page).first).to_contain_text("Quote pending: safety kit")  # ₹0.00
    expect(total.get_by_role("link")).to_be_focused()  # the new table's heading link: a keyboard user stays put
    page.keyboard.press("Enter")
    expect(total).to_have_attribute("aria-sort", "descending")
    expect(rows(page).first).to_contain_text("₹9,91,200.00")
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Showing 6–10 of 20")
    expect(page).to_have_url(re.compile(r"\?sort=-total&page=2&per_page=5$"))
    page.get_by_label("Search").fill("acme")  # a new filter starts again from page 1, keeping the sort
    expect(page).to_have_url(re.compile(r"\?q=acme&per_page=5&sort=-total$"))
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Showing 1–5 of 14")
    back(page)
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Showing 6–10 of 20")


def test_the_csv_holds_exactly_the_rows_of_the_filtered_table(page, sign_in, tmp_path):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.goto("/purchase-orders?per_page=5")
    page.get_by_label("Vendor").select_option(label="Acme Tools")
    page.get_by_label("Billing").select_option(label="Not billed")
    expect(page).to_have_url(re.compile(r"\?billing_status=not_billed&vendor_id=\d+&per_page=5$"))
    shown = []
    while True:
        expect(rows(page).first).to_be_visible()
        shown += table(page)
        following = page.get_by_role("link", name="Next page")
        if not following.count():
            break
        page_text = page.get_by_role("navigation", name="Pages").inner_text()
        following.click()
        expect(page.get_by_role("navigation", name="Pages")).not_to_have_text(page_text)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    path = tmp_path / "pos.csv"
    download.value.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        exported = list(csv.DictReader(f))
    assert len(shown) == 12
    assert [r["po_number"] for r in exported] == [r["po"] for r in shown]
    assert [r["description"] for r in exported] == [r["description"] for r in shown]
    assert [r["status"] for r in exported] == [STATUS_WORDS[r["status"]] for r in shown]
    assert {r["vendor"] for r in exported} == {"Acme Tools"} and {r["billing_status"] for r in exported} == {"not_billed"}
