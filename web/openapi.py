"""Routes declare what they take and give; the OpenAPI 3.1 document is built from those declarations
and from the same pydantic schemas that validate the request bodies."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from core.errors import ERROR_CODES
from web import schemas

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    where: str = "query"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    role: str | None
    body: type[BaseModel] | None
    body_optional: bool
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    params: tuple[Param, ...]
    tag: str
    media: str | None = None  # a response that is not JSON (application/pdf, text/csv)
    notes: str = ""  # what the summary cannot say: rules, headers, codes


OPERATIONS: list[Operation] = []

PAGING = (
    Param("page", "from 1", {"type": "integer", "minimum": 1}),
    Param("per_page", "1–200, default 50", {"type": "integer", "minimum": 1, "maximum": 200}),
)


def route(
    bp: Blueprint, rule: str, method: str, *, summary: str, tag: str, public: bool = False,
    body: type[BaseModel] | None = None, body_optional: bool = False, response: type[BaseModel] | None = None,
    status: int = 200, errors: tuple[int, ...] = (), params: tuple[Param, ...] = (), media: str | None = None,
    notes: str = "",
) -> Callable:
    """Register a view on `bp` and describe it for the OpenAPI document (`public`: no key needed;
    `media`: the success answer is a file of that type, not JSON; `notes`: the rules in full, for the document)."""

    def decorate(view: Callable) -> Callable:
        path = (bp.url_prefix or "") + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        # The role is enforced by web.auth.requires on the view; here it is only documented.
        role = None if public else getattr(view, "required_role", "viewer")
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        OPERATIONS.append(Operation(method, path, summary, role, body, body_optional, response, status, errors, params, tag, media, notes))
        return view

    return decorate


def _error_response(status: int) -> dict[str, Any]:
    descriptions = {
        400: "Invalid request: bad JSON, wrong types, failed rules or unknown references; every problem is listed",
        401: "Missing, unknown or revoked API key", 403: "The key's role is too low, or the rule forbids this actor",
        404: "The resource in the URL does not exist", 409: "Conflicts with the current state or a uniqueness rule",
        412: "If-Match no longer holds", 413: "Body over 5 MB", 415: "The body is not JSON",
        422: "Idempotency key reused with another body", 429: "Rate limited",
    }
    return {"description": descriptions.get(status, "Error"),
            "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}}}


def _operation(op: Operation, path_params: list[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "operationId": f"{op.method.lower()}_{op.path}"}
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "integer"}} for p in path_params]
    params += [{"name": p.name, "in": p.where, "required": False, "description": p.description, "schema": p.schema} for p in op.params]
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {"required": not op.body_optional,
                              "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    ok: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}
    elif op.media is not None:
        ok["content"] = {op.media: {"schema": {"type": "string", **({"format": "binary"} if op.media == "application/pdf" else {})}}}
    doc["responses"] = {str(op.status): ok}
    statuses = set(op.errors) | ({400} if op.body is not None or op.params else set())
    if op.role is not None:
        statuses |= {401, 403, 429}
    if path_params:
        statuses.add(404)
    if op.body is not None:
        statuses |= {413, 415}
    for status in sorted(statuses):
        doc["responses"][str(status)] = _error_response(status)
    if op.role is not None:
        doc["description"] = f"Needs an API key whose user has the `{op.role}` role or a higher one."
        doc["security"] = [{"bearer": []}]
    else:
        doc["security"] = []
    if op.notes:
        doc["description"] = (op.notes + "\n\n" + doc.get("description", "")).strip()
    return doc


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every registered endpoint."""
    models = {op.body for op in OPERATIONS if op.body} | {op.response for op in OPERATIONS if op.response}
    models.add(schemas.ErrorResponse)
    requests = {op.body for op in OPERATIONS}
    pairs = [(m, "validation" if m in requests else "serialization") for m in models]
    _, top = models_json_schema(pairs, ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path_params = re.findall(r"{(\w+)}", op.path)
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, path_params)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "podesk API", "version": "1",
            "description": (
                "Purchase orders, approvals, receipts and invoice matching. Amounts, quantities and rates are "
                "accepted as JSON numbers or numeric strings and returned as strings holding exact decimals. "
                "Errors are always {\"errors\": [{code, detail, pointer?}]}. Error codes: " + ", ".join(sorted(ERROR_CODES)) + "."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "an API key from `podesk api-key create`"}},
        },
    }
