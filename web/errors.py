"""The one place errors become HTTP: the JSON API answers `{"errors": [{code, detail, pointer?}]}`
on every error path; pages answer with an HTML page (rendered by the dashboard)."""
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
    RateLimited,
    Unauthenticated,
    ValidationFailed,
    VersionMismatch,
)
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
}
HTTP_CODES = {
    400: "invalid_value", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited",
}


# Paths whose clients are programs: they get the JSON error shape (and no page headers).
# Anything else is a page. The Slack endpoint joins this list when it arrives.
JSON_PREFIXES = ("/api/",)

# Renders an error page: (status, problems, the exception) -> response.
PageRenderer = Callable[[int, list[Problem], Exception], Response]


def answers_json(path: str) -> bool:
    """True when errors on `path` are answered in the API's JSON shape."""
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


def _code_of(error: HTTPException) -> str:
    return HTTP_CODES.get(error.code or 500, "invalid_value" if (error.code or 500) < 500 else "internal_error")


def _json_http_error(error: HTTPException) -> Response:
    code = _code_of(error)
    detail = error.description or error.name
    if error.code == 404:
        detail = f"nothing at {request.path}; see /api/v1/openapi.json for the endpoints"
    elif error.code == 405:
        allowed = ", ".join(m for m in (getattr(error, "valid_methods", None) or []) if m not in ("HEAD", "OPTIONS"))
        detail = f"{request.method} is not allowed on {request.path}" + (f"; use {allowed}" if allowed else "")
    elif error.code == 413:
        detail = "the request body is larger than 5 MB"
    response = jsonify(payload([Problem(code, detail)]))
    response.status_code = error.code or 500
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def register(app: Flask, page: PageRenderer | None = None) -> None:
    """Install the handlers that keep the error shape the same on every path (`page` renders HTML ones)."""

    def as_page() -> bool:
        return page is not None and not answers_json(request.path)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if as_page():
            return page(status_of(error), error.problems, error)
        response = jsonify(payload(error.problems, error.meta))
        response.status_code = status_of(error)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="podesk"'
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if as_page():
            return page(error.code or 500, [Problem(_code_of(error), error.description or error.name)], error)
        return _json_http_error(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        problems = [Problem("internal_error", "something went wrong on our side; it has been logged")]
        if as_page():
            return page(500, problems, error)
        response = jsonify(payload(problems))
        response.status_code = 500
        return response
