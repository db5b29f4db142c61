"""Helpers for driving the dashboard through Flask's test client as a signed-in person."""
from __future__ import annotations

import copy
import datetime as dt
import re
import time

from itsdangerous import TimestampSigner

from tests.demo_data import DEMO_PASSWORD

SESSION_COOKIE = "podesk_session"

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


def aged_session(app, cookie: str, age: dt.timedelta) -> str:
    """The session cookie `cookie` as it would be had the app last renewed it `age` ago.

    The signature carries the time it was made, and the app refuses one older than the session
    lifetime: this is how a session really expires, without waiting for it.
    """

    class SignedEarlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    serializer = app.session_interface.get_signing_serializer(app)
    earlier = copy.copy(serializer)  # the app may keep its serializer: leave that one as it is
    earlier.signer = SignedEarlier
    return earlier.dumps(serializer.loads(cookie))


def age_client_session(app, client, age: dt.timedelta) -> None:
    """Make the test client's session `age` old (see aged_session)."""
    cookie = client.get_cookie(SESSION_COOKIE)
    client.set_cookie(SESSION_COOKIE, aged_session(app, cookie.value, age))
