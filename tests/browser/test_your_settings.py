"""Your settings in a real browser: a person picks their timezone and locale, with or without
JavaScript, and the page (refusal included) passes axe-core."""
import re

from playwright.sync_api import expect

from tests.demo_data import DEMO_PASSWORD, database_url, demo_template  # noqa: F401 - fixtures

PRIYA = "priya@example.com"  # Asia/Kolkata, en_IN


def test_a_person_chooses_their_timezone_and_locale_with_javascript_turned_off(page_without_js, sign_in):
    page = page_without_js
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.get_by_role("link", name="Your settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your settings")
    expect(page.get_by_label("Timezone")).to_have_value("Asia/Kolkata")
    page.get_by_label("Timezone").select_option("America/New_York")
    page.get_by_label("Language and region for dates and money").select_option(label="German (Germany) · Deutsch (Deutschland)")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Saved. Times are shown in America/New_York; dates and money as in German (Germany) · Deutsch (Deutschland).")
    expect(page.get_by_label("Timezone")).to_have_value("America/New_York")
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("main")).to_contain_text("Times are in America/New_York")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"75\.903,50\s₹"))  # Acme's spend, as Germans write it


def test_the_settings_page_and_a_refused_value_have_no_serious_accessibility_problems(page, sign_in, assert_accessible):
    sign_in(page, PRIYA, DEMO_PASSWORD)
    page.goto("/settings")
    assert_accessible(page)
    # A value no list offers (a page from another podesk, or a forged form) is refused on its field.
    page.get_by_label("Timezone").evaluate("select => select.add(new Option('Mars/Olympus', 'Mars/Olympus', true, true))")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_have_text("Nothing was saved: see what is wrong below.")
    expect(page.get_by_label("Timezone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pref-timezone-error")).to_have_text("'Mars/Olympus' is not a known timezone (e.g. Asia/Kolkata).")
    expect(page.get_by_label("Timezone")).to_have_value("Asia/Kolkata")  # nothing changed
    assert_accessible(page)
