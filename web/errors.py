"""Where errors become HTTP responses, each area in its own way.

Every error, whatever raised it (a DomainError from core, a routing 404/405, an oversized body, a
bug), is turned into (status, problems, meta) once here and then answered by the renderer of the
area the request is in: JSON `{"errors": [{code, detail, pointer?}]}` for the API (the default),
an HTML page for the dashboard, what Slack expects for /slack/events (the status and one short
line of plain text: Slack reads the status and shows nobody the body). Areas add their renderer
with `add_renderer`; this module registers the API's and Slack's, the dashboard its own.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from core.errors import (
    Conflict,
    DomainError,
    IdempotencyKeyReused,
    NotFound,
    PermissionDenied,
    Problem,
    SignInLocked,
    ValidationFailed,
    VersionMismatch,
    WrongCredentials,
)
from web.auth import RateLimited, Unauthenticated
from web.jsonio import UnsupportedMediaType

log = logging.getLogger(__name__)

STATUS = {
    ValidationFailed: 400,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    VersionMismatch: 412,
    UnsupportedMediaType: 415,
    IdempotencyKeyReused: 422,
    RateLimited: 429,
    WrongCredentials: 401,
    SignInLocked: 429,
}
HTTP_CODES = {
    400: "invalid_value", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited",
}

Renderer = Callable[[int, list[Problem], dict | None, Exception], Response]

# Paths whose clients are programs: JSON errors (or Slack's), and no page headers.
JSON_PREFIXES = ("/api/", "/slack/")


def answers_json(path: str) -> bool:
    """True when `path` is for programs (the API, Slack), not a page people look at."""
    return path.startswith(JSON_PREFIXES)


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def payload(problems: list[Problem], meta: dict | None = None) -> dict:
    body: dict = {"errors": [
        {"code": p.code, "detail": p.detail, **({"pointer": p.pointer} if p.pointer is not None else {})}
        for p in problems
    ]}
    if meta:
        body["meta"] = meta
    return body


def json_error(status: int, problems: list[Problem], meta: dict | None, error: Exception) -> Response:
    """The API's error shape, with the headers that go with some statuses."""
    response = jsonify(payload(problems, meta))
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="podesk"'
    return _with_headers(response, status, error)


def slack_error(status: int, problems: list[Problem], meta: dict | None, error: Exception) -> Response:
    """/slack/events: the status and the first problem's sentence as plain text (a 405 for a GET,
    a 413 for a body over 5 MB; bolt answers everything that reaches it itself)."""
    response = Response(problems[0].detail if problems else "", status=status, mimetype="text/plain")
    return _with_headers(response, status, error)


def _with_headers(response: Response, status: int, error: Exception) -> Response:
    """The headers that go with a wait or a wrong method, whatever the body's shape."""
    if isinstance(error, (RateLimited, SignInLocked)):
        response.headers["Retry-After"] = str(error.retry_after)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _http_problem(error: HTTPException) -> Problem:
    status = error.code or 500
    code = HTTP_CODES.get(status, "invalid_value" if status < 500 else "internal_error")
    detail = error.description or error.name
    if status == 404:
        detail = f"nothing at {request.path}; see /api/v1/openapi.json for the endpoints"
    elif status == 405:
        allowed = ", ".join(m for m in (getattr(error, "valid_methods", None) or []) if m not in ("HEAD", "OPTIONS"))
        detail = f"{request.method} is not allowed on {request.path}" + (f"; use {allowed}" if allowed else "")
    elif status == 413:
        detail = "the request body is larger than 5 MB"
    return Problem(code, detail)


def add_renderer(app: Flask, prefix: str, renderer: Renderer) -> None:
    """Answer errors of requests under `prefix` with `renderer` (the longest matching prefix wins)."""
    app.extensions.setdefault("podesk.error_renderers", {})[prefix] = renderer


def _render(app: Flask, status: int, problems: list[Problem], meta: dict | None, error: Exception) -> Response:
    renderers = app.extensions.get("podesk.error_renderers", {})
    matching = [p for p in renderers if request.path.startswith(p)]
    renderer = renderers[max(matching, key=len)] if matching else json_error
    return renderer(status, problems, meta, error)


def register(app: Flask) -> None:
    """Install the handlers that turn every error into its area's answer (JSON for the API, plain
    text for Slack's endpoint, whether or not this deployment mounts the bot)."""
    add_renderer(app, "/api/", json_error)
    add_renderer(app, "/slack/", slack_error)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _render(app, status_of(error), error.problems, error.meta, error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(app, error.code or 500, [_http_problem(error)], None, error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return _render(app, 500, [Problem("internal_error", "something went wrong on our side; it has been logged")], None, error)
