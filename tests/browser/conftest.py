"""Browser tests: the real app served on 127.0.0.1 from a thread, driven by Debian's chromium
through Playwright (never a downloaded browser), with axe-core checking accessibility."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.live import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # a generous deadline for each wait on a condition


@pytest.fixture
def live_server(app):
    """The app on a free port of 127.0.0.1 (threaded, like production); yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _context(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and a page in it, pointed at the live server."""
    context = _context(browser, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # a refused inline script or style shows up here as a CSP error
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server):
    """Like `page`, with JavaScript turned off: the dashboard must work as plain HTML."""
    context = _context(browser, live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()


def _assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "axe-core found serious or critical problems:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'])}" for v in bad
    )


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: run axe-core on the current page; fail on serious or critical violations."""
    return _assert_accessible


def _sign_in(page, email: str, password: str) -> None:
    if "/sign-in" not in page.url:
        page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    # Wait for the answer to this submission, so the next step never acts on the page it replaces.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sign_in():
    """`sign_in(page, email, password)`: sign in as a person does, through the real form (on the
    sign-in page the browser is on, keeping its `next`, or a fresh one)."""
    return _sign_in
