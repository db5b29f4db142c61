"""The one place errors become HTTP: every error path answers `{"errors": [{code, detail, pointer?}]}`."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
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


def register(app: Flask) -> None:
    """Install the handlers that keep the error shape the same on every path."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        response = jsonify(payload(error.problems, error.meta))
        response.status_code = status_of(error)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="podesk"'
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = HTTP_CODES.get(error.code or 500, "invalid_value" if (error.code or 500) < 500 else "internal_error")
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

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        response = jsonify(payload([Problem("internal_error", "something went wrong on our side; it has been logged")]))
        response.status_code = 500
        return response
