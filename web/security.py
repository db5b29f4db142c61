"""Browser-facing safety: the session cookie, CSRF tokens on every form, and security headers."""
from __future__ import annotations

import datetime as dt

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from core.config import Settings
from web.errors import answers_json

SESSION_LIFETIME = dt.timedelta(hours=12)  # of inactivity: each request renews the cookie

# Only our own files: no inline script or style, no plugins, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
}


class PageSessions(SecureCookieSessionInterface):
    """The signed session cookie, for pages only. The API authenticates each request with its key and
    carries no cookie, so it gets no session at all: opening one built a signing serializer on every
    API request. The serializer is made once per app."""

    def open_session(self, app: Flask, request):
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        made = app.extensions.get("podesk_session_serializer")
        if made is None:
            made = app.extensions["podesk_session_serializer"] = super().get_signing_serializer(app)
        return made


def init_app(app: Flask, settings: Settings) -> CSRFProtect:
    """Configure the signed session cookie, CSRF protection and the headers of every page."""
    app.config.update(
        SESSION_COOKIE_NAME="podesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.base_url and settings.base_url.startswith("https://")),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # The token is bound to the session (which expires); a time limit on top would only
        # refuse a sign-in form that stayed open over lunch.
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.session_interface = PageSessions()
    csrf = CSRFProtect(app)
    # Machine endpoints authenticate every request otherwise (API keys; Slack's signature) and
    # carry no cookie, so there is nothing to forge. The Slack blueprint is exempted the same way.
    from web.api import api
    from web.dashboard import dashboard

    csrf.exempt(api)
    # The dashboard checks its forms' tokens itself, right after the session check
    # (web/dashboard/session.py): a form sent after the session ended goes to sign-in.
    csrf.exempt(dashboard)
    app.after_request(_page_headers)
    return csrf


def _page_headers(response: Response) -> Response:
    if answers_json(request.path):
        return response
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # Pages show business data: keep them out of shared and back-button caches after sign-out.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
