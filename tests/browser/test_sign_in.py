"""Signing in and out in a real browser against a running podesk."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.fields import utcnow
from core.services.sessions import issue_sign_in_link
from core.operator import add_user, set_password

PASSWORD = "correct horse battery"


@pytest.fixture
def asha(db):
    user = add_user("Asha Rao", "asha@example.com", "approver")
    set_password(user.email, PASSWORD)
    return user


def test_a_wrong_password_is_refused_and_the_form_says_so(page, asha, sign_in):
    sign_in(page, asha.email, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match an account")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_label("Email")).to_have_value(asha.email)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_repeated_failures_pause_sign_in_even_for_the_right_password(page, asha, sign_in):
    for attempt in range(5):
        sign_in(page, asha.email, f"guess number {attempt}")
    expect(page.get_by_role("alert")).to_contain_text("Sign-in is paused for 15 minutes")
    sign_in(page, asha.email, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    expect(page.get_by_role("heading", name="Overview")).to_have_count(0)


def test_the_right_password_lands_on_the_overview(page, asha, sign_in):
    sign_in(page, asha.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Signed in as Asha Rao")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")


def test_after_signing_in_the_visitor_returns_to_the_page_they_asked_for(page, asha, sign_in):
    page.goto("/?month=2026-03")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    sign_in(page, asha.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/\?month=2026-03$"))


def test_a_one_time_link_signs_in_once(page, asha):
    token = issue_sign_in_link(asha)
    page.goto(f"/sign-in/link/{token}")
    page.get_by_role("button", name="Continue as Asha Rao").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto(f"/sign-in/link/{token}")
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("already been used")


def test_a_one_time_link_does_not_work_after_ten_minutes(page, asha):
    token = issue_sign_in_link(asha, now=utcnow() - dt.timedelta(minutes=10, seconds=1))
    page.goto(f"/sign-in/link/{token}")
    expect(page.get_by_role("main")).to_contain_text("This sign-in link has expired")
    expect(page.get_by_role("button", name=re.compile("Continue"))).to_have_count(0)


def test_signing_out_ends_the_session(page, asha, sign_in):
    sign_in(page, asha.email, PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("main")).to_contain_text("You are signed out.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_sign_in_and_sign_out_work_with_javascript_turned_off(page_without_js, asha, sign_in):
    page = page_without_js
    sign_in(page, asha.email, "wrong password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(page, asha.email, PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("main")).to_contain_text("You are signed out.")


def test_htmx_runs_under_the_content_security_policy_and_swaps_a_fragment(page, asha, sign_in):
    sign_in(page, asha.email, PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert page.evaluate("htmx.config.includeIndicatorStyles === false && htmx.config.allowEval === false")
    page.evaluate("htmx.ajax('GET', '/', {target: '#main', swap: 'innerHTML'})")
    expect(page.locator("main > section#overview")).to_have_count(1)
    assert page.locator("header").count() == 1  # the fragment came without a second layout
    assert page.locator("style").count() == 0
    assert page.console_errors == []  # a refused inline script or style would be logged here


def test_the_skip_link_comes_first_and_focus_is_visible(page, asha, sign_in):
    sign_in(page, asha.email, PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_sign_in_page_has_no_serious_accessibility_problems(page, db, assert_accessible):
    page.goto("/sign-in")
    assert_accessible(page)


def test_a_refused_sign_in_has_no_serious_accessibility_problems(page, asha, sign_in, assert_accessible):
    sign_in(page, asha.email, "not the password")
    assert_accessible(page)


def test_the_overview_has_no_serious_accessibility_problems(page, asha, sign_in, assert_accessible):
    sign_in(page, asha.email, PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert_accessible(page)


def test_the_link_and_not_found_pages_have_no_serious_accessibility_problems(page, asha, assert_accessible):
    page.goto(f"/sign-in/link/{issue_sign_in_link(asha)}")
    assert_accessible(page)
    expired = issue_sign_in_link(asha, now=utcnow() - dt.timedelta(minutes=11))
    for token in (expired, "not-a-real-token"):  # a link that cannot be used, and says why
        page.goto(f"/sign-in/link/{token}")
        expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
        assert_accessible(page)
    page.goto("/no-such-page")
    assert_accessible(page)
