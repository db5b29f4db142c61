"""JSON in and out: exact decimals from request bodies, decimals as strings in responses."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Response, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge

from core.errors import DomainError, Problem, ValidationFailed, invalid, pointer
from core.fields import json_bytes, json_default
from core.schemas.types import NUL_DETAIL

JSON_TYPES = ("application/json",)
MAX_BODY = 5 * 1024 * 1024
# What werkzeug lets a view read: one byte more than allowed, so that a body sent without a
# Content-Length (chunked) and cut off at the limit is told from one exactly at the limit.
READ_LIMIT = MAX_BODY + 1


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class JSONProvider(DefaultJSONProvider):
    """Decimals as exact strings, timestamps as UTC with Z, dates as YYYY-MM-DD (core.fields'
    encoding; responses through its fast path)."""

    sort_keys = False
    default = staticmethod(json_default)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(json_bytes(obj) + b"\n", mimetype=self.mimetype)


def _is_json(mimetype: str) -> bool:
    return mimetype in JSON_TYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def body() -> Any:
    """The request's JSON body, numbers as exact Decimals. An empty body is `{}`, so a missing required
    field is reported as such rather than as a content-type problem; a PATCH must have one."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise RequestEntityTooLarge()
    if not raw.strip():
        if request.method == "PATCH":  # a change with nothing said is a mistake, not "change nothing"
            raise invalid("invalid_json", "the body is empty: a PATCH takes a JSON object of the fields to change")
        return {}
    if not _is_json(request.mimetype):
        raise UnsupportedMediaType([Problem("unsupported_media_type", f"send JSON with Content-Type: application/json (got {request.mimetype or 'none'})")])
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=Decimal)
    except UnicodeDecodeError:
        raise invalid("invalid_json", "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise invalid("invalid_json", f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise invalid("invalid_json", "the body nests too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise invalid("invalid_json", f"the body is not acceptable JSON: {exc}") from None
    # JSON can carry a NUL only escaped, so a body without that escape needs no walk.
    if b"\\u0000" in raw and (problems := nul_problems(data)):
        raise ValidationFailed(problems)
    return data


def nul_problems(data: Any) -> list[Problem]:
    """A problem for every string (object keys too) holding a NUL, which PostgreSQL cannot store."""
    problems = []
    stack: list[tuple[str, Any]] = [("", data)]  # a loop, not recursion: bodies may nest deeply
    while stack:
        at, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(Problem("invalid_value", NUL_DETAIL, at))
        elif isinstance(value, dict):
            for key, item in value.items():
                member = at + pointer(key)
                if "\x00" in key:
                    problems.append(Problem("invalid_value", "the field name " + NUL_DETAIL, member))
                stack.append((member, item))
        elif isinstance(value, list):
            stack.extend((f"{at}/{i}", item) for i, item in enumerate(value))
    return sorted(problems, key=lambda p: p.pointer)


def listing(data: list, meta: dict, status: int = 200) -> tuple[dict, int]:
    """The list envelope `{data, meta}`."""
    return {"data": data, "meta": meta}, status


def etagged(resource: dict, status: int = 200, **headers: str) -> Response:
    """A PO response carrying its version as the ETag."""
    response = jsonify(resource)
    response.status_code = status
    response.set_etag(str(resource["version"]))
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response
