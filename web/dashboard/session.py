"""Who is signed in: the signed session cookie carries a user id and that user's session epoch."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, make_response, redirect, request, session, url_for

from core.queries import session_user
from core.services import SignedIn
from web.dashboard import dashboard

if TYPE_CHECKING:
    from core.models import User

NOT_A_RETURN_PATH = ("/sign-in", "/sign-out", "/api/", "/static/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def public(view: Callable) -> Callable:
    """Mark a dashboard view as open to visitors who are not signed in (every other one needs a session)."""
    view.public = True
    return view


def start_session(signed: SignedIn) -> None:
    """Begin a fresh session for the user who just signed in (nothing of the visitor's is kept)."""
    session.clear()
    session.permanent = True
    session["uid"] = signed.user.id
    session["epoch"] = signed.epoch


def end_session() -> None:
    """Forget who is signed in on this browser."""
    session.clear()


def signed_in_user() -> User | None:
    """The user this request's session names, if it is still valid; forgets a session that is not."""
    uid, epoch = session.get("uid"), session.get("epoch")
    if not isinstance(uid, int) or not isinstance(epoch, str):
        return None
    user = session_user(uid, epoch)
    if user is None:
        session.clear()
        g.session_ended = True
    return user


@dashboard.before_request
def require_session():
    """Every dashboard view needs a signed-in user unless it is marked @public; then a form must
    carry the CSRF token of its session.

    In this order: a form sent after the session ended carries a token for a session that is gone,
    and its sender needs to sign in again, not to be told the form was refused. Sending them to
    sign in changes nothing, so no token is needed for that. (web/security.py leaves the
    dashboard's check to this function.)
    """
    g.user = signed_in_user()
    view = current_app.view_functions.get(request.endpoint or "")
    if g.user is None and not getattr(view, "public", False):
        return sign_in_redirect()
    if request.method not in SAFE_METHODS:
        current_app.extensions["csrf"].protect()  # CSRFError: refused, and nothing has run
    return None


def safe_next(value: str | None) -> str:
    """`value` if it is a path on this site worth returning to after sign-in, else the overview."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    # Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example"
    # and "/\t/evil.example" would leave the site.
    if "\\" in value or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(NOT_A_RETURN_PATH):
        return "/"
    return value


def _local(url: str | None) -> str | None:
    """The path and query of `url` when it points at this site."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in_redirect() -> Response:
    """Send the visitor to sign in, and back to where they were going afterwards (for a form, back
    to the page it was sent from: the action itself is not done, and not repeated)."""
    if request.method not in SAFE_METHODS:
        flash("Your session had ended, so that was not done. Sign in, then try it again.", "info")
    elif g.get("session_ended"):
        flash("Your session has ended. Sign in again to continue.", "info")
    if request.htmx:
        # A fragment request: redirect the whole page, back to the page the fragment belongs to.
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url_for("dashboard.sign_in", next=safe_next(_local(request.htmx.current_url)))
        return response
    here = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else _local(request.referrer)
    return redirect(url_for("dashboard.sign_in", next=safe_next(here)), 303)
