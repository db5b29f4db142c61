"""Signing in (email and password, or a one-time link from Slack) and signing out."""
from __future__ import annotations

from flask import Response, flash, g, make_response, redirect, render_template, request, url_for

from core.errors import SignInLinkUnusable, SignInLocked, ValidationFailed, WrongCredentials
from core.services import check_sign_in_link, redeem_sign_in_link, sign_in as password_sign_in
from web.dashboard import dashboard
from web.dashboard.session import end_session, public, safe_next, start_session

MAX_PASSWORD = 1024  # longer is no one's password; refusing it keeps hashing cheap


def _form(status: int = 200, error: str | None = None, email: str = "") -> Response:
    nxt = safe_next(request.values.get("next"))
    return make_response(render_template("sign_in.html", error=error, email=email, next=nxt), status)


@dashboard.get("/sign-in")
@public
def sign_in():
    """The sign-in form (a signed-in visitor goes straight on)."""
    if g.user is not None:
        return redirect(safe_next(request.args.get("next")), 303)
    return _form()


@dashboard.post("/sign-in")
@public
def sign_in_submit():
    """Check the email and password; on success start a session and go where the visitor was going."""
    email, password = request.form.get("email", "").strip(), request.form.get("password", "")
    if not email or not password:
        return _form(422, "Enter your email address and your password.", email)
    if len(password) > MAX_PASSWORD:
        return _form(422, WrongCredentials.MESSAGE, email)
    try:
        signed = password_sign_in(email, password, request.remote_addr)
    except ValidationFailed:
        return _form(422, "Enter your email address as name@example.com.", email)
    except SignInLocked as locked:
        response = _form(429, locked.problems[0].detail, email)
        response.headers["Retry-After"] = str(locked.retry_after)
        return response
    except WrongCredentials:
        return _form(422, WrongCredentials.MESSAGE, email)
    start_session(signed)
    return redirect(safe_next(request.form.get("next")), 303)


@dashboard.post("/sign-out")
def sign_out():
    """End this browser's session."""
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("dashboard.sign_in"), 303)


def _unusable(error: SignInLinkUnusable) -> Response:
    status = 404 if error.reason == "unknown" else 410
    return make_response(render_template("sign_in_link_unusable.html", message=error.problems[0].detail), status)


@dashboard.get("/sign-in/link/<token>")
@public
def sign_in_link(token: str):
    """Show whom a one-time link signs in, with a button that uses it.

    Opening the link uses nothing up: link previews and mail scanners fetch links before people
    click them, and must not spend the one use. The button's POST does.
    """
    try:
        user = check_sign_in_link(token)
    except SignInLinkUnusable as error:
        return _unusable(error)
    return render_template("sign_in_link.html", link_user=user, token=token)


@dashboard.post("/sign-in/link/<token>")
@public
def sign_in_link_submit(token: str):
    """Use the one-time link: sign its user in, once."""
    try:
        signed = redeem_sign_in_link(token)
    except SignInLinkUnusable as error:
        return _unusable(error)
    start_session(signed)
    return redirect(url_for("dashboard.overview"), 303)
