"""The dashboard through Flask's test client: fragments or pages, sessions, CSRF, headers, errors."""
import datetime as dt
import re

import pytest

from core.fields import utcnow
from core.models import SignInThrottle
from core.services.sessions import issue_sign_in_link
from core.operator import add_user, set_password
from web.dashboard.session import safe_next

PASSWORD = "correct horse battery"


@pytest.fixture
def asha(db):
    user = add_user("Asha Rao", "asha@example.com", "approver")
    set_password(user.email, PASSWORD)
    return user


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_of(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def sign_in(client, email="asha@example.com", password=PASSWORD, next_=None):
    token = csrf_of(client.get("/sign-in"))
    data = {"csrf_token": token, "email": email, "password": password, **({"next": next_} if next_ else {})}
    return client.post("/sign-in", data=data)


def text(response) -> str:
    return response.get_data(as_text=True)


# Pages and fragments

def test_a_page_request_gets_the_whole_page_with_the_layout(client, asha):
    sign_in(client)
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert text(page).startswith("<!doctype html>")
    assert 'aria-label="Main"' in text(page) and "Sign out" in text(page)
    assert '<section id="overview"' in text(page)


def test_an_htmx_request_gets_only_the_fragment(client, asha):
    sign_in(client)
    fragment = client.get("/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert text(fragment).lstrip().startswith('<section id="overview"')
    assert "<html" not in text(fragment) and "Sign out" not in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("header", ["HX-History-Restore-Request", "HX-Boosted"])
def test_an_htmx_history_restore_or_boosted_link_gets_the_whole_page(client, asha, header):
    sign_in(client)
    page = client.get("/", headers={"HX-Request": "true", header: "true"})
    assert text(page).startswith("<!doctype html>")


def test_the_overview_says_who_is_signed_in(client, asha):
    sign_in(client)
    page = text(client.get("/"))
    assert "Asha Rao" in page and "asha@example.com" in page and "approver" in page


def test_what_a_user_typed_renders_as_text_not_markup(client, db):
    user = add_user('<script>alert("x")</script>', "mallory@example.com", "viewer")
    set_password(user.email, PASSWORD)
    sign_in(client, "mallory@example.com")
    page = text(client.get("/"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


# Sessions

def test_a_page_without_a_session_sends_the_visitor_to_sign_in_and_back_afterwards(client, asha):
    away = client.get("/?month=2026-03&vendor=7")
    assert away.status_code == 303
    assert away.headers["Location"] == "/sign-in?next=/?month%3D2026-03%26vendor%3D7"
    form = client.get(away.headers["Location"])
    assert 'name="next" value="/?month=2026-03&amp;vendor=7"' in text(form)
    back = client.post("/sign-in", data={"csrf_token": csrf_of(form), "email": asha.email, "password": PASSWORD,
                                         "next": "/?month=2026-03&vendor=7"})
    assert back.status_code == 303 and back.headers["Location"] == "/?month=2026-03&vendor=7"


def test_an_htmx_request_without_a_session_redirects_the_whole_page_to_sign_in(client, asha):
    response = client.get("/", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/batches?page=2"})
    assert response.headers["HX-Redirect"] == "/sign-in?next=/batches?page%3D2"


@pytest.mark.parametrize("value", [
    None, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "/sign-out", "/api/v1/vendors", "evil",
])
def test_sign_in_returns_only_to_a_path_on_this_site(value):
    assert safe_next(value) == "/"


@pytest.mark.parametrize("value", ["/", "/purchase-orders?status=approved&page=2", "/batches/abc"])
def test_sign_in_returns_to_a_path_of_this_site(value):
    assert safe_next(value) == value


def test_the_session_cookie_is_http_only_and_same_site_lax_and_not_secure_over_http(client, asha):
    cookie = sign_in(client).headers["Set-Cookie"]
    assert cookie.startswith("podesk_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_the_base_url_is_https(settings, db, asha):
    from web import create_app

    client = create_app(settings.with_overrides(base_url="https://podesk.example.com"), db=db).test_client()
    token = csrf_of(client.get("/sign-in", base_url="https://localhost"))
    response = client.post("/sign-in", base_url="https://localhost", headers={"Referer": "https://localhost/sign-in"},
                           data={"csrf_token": token, "email": asha.email, "password": PASSWORD})
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_new_password_ends_the_session(client, asha):
    sign_in(client)
    set_password(asha.email, "a brand new password")
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")
    assert "Your session has ended" in text(client.get(response.headers["Location"]))


def test_signing_out_ends_the_session(client, asha):
    sign_in(client)
    page = client.get("/")
    response = client.post("/sign-out", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 303


# Sign-in

def test_a_wrong_password_is_refused_with_a_message_that_does_not_say_which_part_was_wrong(client, asha):
    response = sign_in(client, password="not it at all")
    assert response.status_code == 422
    assert "That email and password do not match an account" in text(response)
    assert client.get("/").status_code == 303


def test_five_wrong_passwords_pause_sign_in_with_a_retry_after(client, asha):
    for _ in range(4):
        assert sign_in(client, password="nope").status_code == 422
    locked = sign_in(client, password="nope")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "900"
    assert "Sign-in is paused for 15 minutes" in text(locked)
    assert sign_in(client).status_code == 429


# One-time links

def test_opening_a_link_uses_nothing_and_its_button_signs_in_once(client, asha):
    token = issue_sign_in_link(asha)
    confirm = client.get(f"/sign-in/link/{token}")
    assert confirm.status_code == 200 and "Continue as Asha Rao" in text(confirm)
    assert client.get(f"/sign-in/link/{token}").status_code == 200  # a link preview fetched it: still usable
    used = client.post(f"/sign-in/link/{token}", data={"csrf_token": csrf_of(confirm)})
    assert used.status_code == 303 and used.headers["Location"] == "/"
    assert "Asha Rao" in text(client.get("/"))
    again = client.get(f"/sign-in/link/{token}")
    assert again.status_code == 410 and "already been used" in text(again)


def test_an_expired_link_says_so(client, asha):
    token = issue_sign_in_link(asha, now=utcnow() - dt.timedelta(minutes=11))
    response = client.get(f"/sign-in/link/{token}")
    assert response.status_code == 410 and "has expired" in text(response)


def test_a_made_up_link_is_a_friendly_404(client, db):
    response = client.get("/sign-in/link/not-a-real-token")
    assert response.status_code == 404 and "This sign-in link is not valid" in text(response)


# CSRF

def test_a_sign_out_without_a_csrf_token_is_refused_and_the_session_stays(client, asha):
    sign_in(client)
    response = client.post("/sign-out")
    assert response.status_code == 400 and "the form could not be sent" in text(response)
    assert client.get("/").status_code == 200


def test_a_sign_in_without_a_csrf_token_is_refused_and_neither_signs_in_nor_counts(client, asha):
    response = client.post("/sign-in", data={"email": asha.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 303
    client.post("/sign-in", data={"email": asha.email, "password": "wrong"})
    assert SignInThrottle.select().count() == 0


def test_a_csrf_token_from_another_session_is_refused(app, client, asha):
    foreign = csrf_of(app.test_client().get("/sign-in"))
    sign_in(client)
    assert client.post("/sign-out", data={"csrf_token": foreign}).status_code == 400
    assert client.get("/").status_code == 200


def test_htmx_requests_carry_the_csrf_token_in_a_header(client, asha):
    sign_in(client)
    page = text(client.get("/"))
    header = re.search(r'hx-headers="\{&#34;X-CSRFToken&#34;: &#34;([^&]+)&#34;\}"', page).group(1)
    response = client.post("/sign-out", headers={"X-CSRFToken": header, "HX-Request": "true"})
    assert response.status_code == 303


def test_the_api_needs_no_csrf_token(api, people):
    assert api.as_(people.admin).post("/vendors", json={"name": "Acme"}).status_code == 201


# Headers

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@pytest.mark.parametrize("path", ["/sign-in", "/", "/no-such-page", "/static/podesk.css", "/static/vendor/htmx.min.js"])
def test_every_page_and_static_file_carries_the_security_headers(client, db, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == PAGE_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_are_not_stored_by_caches(client, asha):
    sign_in(client)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_no_page_carries_an_inline_script_or_style(client, asha):
    pages = [text(client.get("/sign-in")), text(client.get("/nope"))]
    sign_in(client)
    pages.append(text(client.get("/")))
    for page in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert "<style" not in page and " style=" not in page and " on" + "click=" not in page


def test_htmx_is_told_not_to_inject_its_indicator_style(client, db):
    assert "&#34;includeIndicatorStyles&#34;:false" in text(client.get("/sign-in"))


# Errors: HTML on pages, JSON on the API exactly as before

def test_an_unknown_dashboard_path_is_a_friendly_html_404(client, asha):
    sign_in(client)
    response = client.get("/no-such-page/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Page not found" in text(response) and "Signed in as" in text(response)


def test_an_unknown_api_path_is_still_a_json_404(api, people):
    response = api.as_(people.viewer).get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.json == {"errors": [{"code": "not_found", "detail": "nothing at /api/v1/nothing-here; see /api/v1/openapi.json for the endpoints"}]}
    assert "Content-Security-Policy" not in response.headers


def test_a_wrong_method_on_a_page_is_an_html_405_naming_the_allowed_ones(client, db):
    response = client.delete("/sign-in")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "POST" in response.headers["Allow"]


def test_an_unexpected_failure_on_a_page_is_an_html_500_without_details(app, client, db):
    def explode():
        raise RuntimeError("postgresql://secret-password@db/podesk")

    app.add_url_rule("/explode", "explode", explode)
    response = client.get("/explode")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Something went wrong" in text(response) and "secret-password" not in text(response)


def test_a_forbidden_action_on_a_page_is_an_html_403_that_says_why(app, client, db):
    from core.errors import PermissionDenied, Problem

    def refuse():
        raise PermissionDenied([Problem("forbidden", "approving needs the approver role (you are viewer)")])

    app.add_url_rule("/refuse", "refuse", refuse)
    response = client.get("/refuse")
    assert response.status_code == 403 and "approving needs the approver role" in text(response)
