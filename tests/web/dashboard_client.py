"""Helpers for driving the dashboard through Flask's test client as a signed-in person."""
from __future__ import annotations

import re

from tests.demo_data import DEMO_PASSWORD

ASHA, RAVI, PRIYA, OMAR, VERA = ("asha@example.com", "ravi@example.com", "priya@example.com",
                                 "omar@example.com", "vera@example.com")


def text(response) -> str:
    return response.get_data(as_text=True)


def csrf_of(response) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', text(response)).group(1)


def signed_in(app, email: str, password: str = DEMO_PASSWORD):
    """A test client with a session for `email` (signed in through the real form)."""
    client = app.test_client()
    token = csrf_of(client.get("/sign-in"))
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == 303, text(response)
    return client


def post_form(client, path: str, page: str, **fields):
    """POST a page's form as a browser would: with the CSRF token of the page it was on."""
    return client.post(path, data={"csrf_token": csrf_of(client.get(page)), **fields})


def fragment(client, path: str, **kw):
    """GET as htmx does when it swaps part of a page."""
    return client.get(path, headers={"HX-Request": "true"}, **kw)
