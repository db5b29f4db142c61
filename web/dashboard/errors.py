"""Error pages: what went wrong, in words, inside the layout (the JSON API keeps its own shape)."""
from __future__ import annotations

import logging

from flask import Response, g, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.errors import Problem
from web.dashboard.session import sign_in_redirect, signed_in_user

log = logging.getLogger(__name__)

WORDS = {
    400: ("That request could not be handled", None),
    403: ("You cannot do that", None),
    404: ("Page not found", "There is nothing at this address. The link may be wrong, or the page may have moved."),
    405: ("That does not work here", "This page cannot be used that way. Go back and use the page's own links and buttons."),
    413: ("That was too large", "What you sent is larger than 5 MB."),
    429: ("Too many requests", None),
    500: ("Something went wrong", "Something went wrong on our side. It has been logged; please try again in a moment."),
}
CSRF_WORDS = ("Please try that again",
              "For your safety, the form could not be sent: the page was open for too long, or your "
              "session ended. Go back, reload the page and try again.")


def _words(status: int, problems: list[Problem], error: Exception) -> tuple[str, str]:
    if isinstance(error, CSRFError):
        return CSRF_WORDS
    title, text = WORDS.get(status, WORDS[500] if status >= 500 else WORDS[400])
    if text is None:
        # Our own sentences (a DomainError's problems, or an HTTP error's description).
        text = " ".join(p.detail for p in problems)
    return title, text


def error_page(status: int, problems: list[Problem], error: Exception) -> Response:
    """The HTML answer to an error on a page: a redirect to sign in for 401, else a page that says why."""
    if status == 401:
        return sign_in_redirect()
    if "user" not in g and status < 500:
        try:
            g.user = signed_in_user()  # a 404 never reached the dashboard's own session check
        except Exception:  # noqa: BLE001 - an error page must render even when the database is down
            log.exception("could not read the session for an error page")
            g.user = None
    title, text = _words(status, problems, error)
    response = make_response(render_template("error.html", title=title, text=text, status=status), status)
    if isinstance(error, HTTPException) and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
