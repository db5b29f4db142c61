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
from core.queries import QuerySchema
from core.schemas.bulk import JSON_WITHOUT_NUL
from core.schemas.purchase_orders import PurchaseOrderImport
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
    rules: tuple[str, ...] = ()  # refusals the schemas cannot state (see RULES_NOTE)


OPERATIONS: list[Operation] = []

PAGING = (
    Param("page", "from 1", QuerySchema.page()),
    Param("per_page", "1–200, default 50", QuerySchema.per_page()),
)
# Refusals the schemas cannot state (x-rule-errors), shared by the routes that can give them.
VERSION_RULES = ("version_mismatch",)  # If-Match: the PO has moved on since it was read
PO_RULES = (
    "vendor_not_found /vendor_id",  # unknown or inactive
    "invalid_delivery_date /delivery_date",  # before po_date
    "invalid_gstin /gstin",  # check digit
    "invalid_value /exchange_rate",  # required unless the base currency, where it is 1; total × rate too large
    "invalid_value /line_items/*", "invalid_value /line_items",  # a line's amount, or the total, too large to keep
    "sku_required /line_items/*", "sku_required /matching",  # three-way lines need a SKU
    "sku_not_found /line_items/*/sku_code", "sku_not_found /line_items/*/sku_name",
    "dimension_not_found /line_items/*/dimensions/*",
    "duplicate_identifier /line_items/*/identifier",  # as invoice pairing compares them
)
IF_MATCH_SCHEMA = {"type": "string", "pattern": '^(?:\\*|(?:W/)?"[0-9]+"|[0-9]+)$'}


def route(
    bp: Blueprint, rule: str, method: str, *, summary: str, tag: str, public: bool = False,
    body: type[BaseModel] | None = None, body_optional: bool = False, response: type[BaseModel] | None = None,
    status: int = 200, errors: tuple[int, ...] = (), params: tuple[Param, ...] = (), media: str | None = None,
    notes: str = "", rules: tuple[str, ...] = (),
) -> Callable:
    """Register a view on `bp` and describe it for the OpenAPI document (`public`: no key needed;
    `media`: the success answer is a file of that type, not JSON; `notes`: the rules in full, for the document;
    `rules`: the refusals of a request that its schemas admit, each "code" or "code /pointer" (`*`: any one segment))."""

    def decorate(view: Callable) -> Callable:
        path = (bp.url_prefix or "") + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        # The role is enforced by web.auth.requires on the view; here it is only documented.
        role = None if public else getattr(view, "required_role", "viewer")
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        OPERATIONS.append(Operation(method, path, summary, role, body, body_optional, response, status, errors, params, tag,
                                    media, notes, rules))
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


def _path_schema(name: str) -> dict[str, Any]:
    # Ids are integers, but any integer is answerable (0 or 2**40 is simply 404); a batch id is a UUID.
    return {"type": "string", "format": "uuid"} if name == "batch_id" else {"type": "integer"}


def _operation(op: Operation, path_params: list[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "operationId": f"{op.method.lower()}_{op.path}"}
    params = [{"name": p, "in": "path", "required": True, "schema": _path_schema(p)} for p in path_params]
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
    if op.rules:
        doc["x-rule-errors"] = [_rule(rule) for rule in op.rules]
    return doc


RULES_NOTE = (
    "A request the schemas admit is refused only for a rule they cannot state: what is stored (an unknown or "
    "inactive vendor, a taken code, a PO's status or version), one field against another, or a check digit. "
    "Each operation lists those refusals in `x-rule-errors` (the code, and the field when the code also "
    "names a malformed value); every other refusal is one the schemas describe."
)


def _rule(rule: str) -> dict[str, str]:
    code, _, at = rule.partition(" ")
    return {"code": code, "pointer": at} if at else {"code": code}  # `*` in a pointer: any one segment


def linked(schema: Any) -> Any:
    """`schema` with each {"x-ref": name} marker made a $ref to that component (schemas that refer
    to themselves are written with the marker, which pydantic does not try to resolve)."""
    if isinstance(schema, dict):
        if set(schema) == {"x-ref"}:
            return {"$ref": REF.format(model=schema["x-ref"])}
        return {key: linked(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [linked(item) for item in schema]
    return schema


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every registered endpoint."""
    models = {op.body for op in OPERATIONS if op.body} | {op.response for op in OPERATIONS if op.response}
    models.add(schemas.ErrorResponse)
    models.add(PurchaseOrderImport)  # what a bulk item must be (the worker checks each one alone)
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
                "Errors are always {\"errors\": [{code, detail, pointer?}]}. Error codes: " + ", ".join(sorted(ERROR_CODES)) + ". "
                + RULES_NOTE
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": linked({**top.get("$defs", {}), "JsonWithoutNul": JSON_WITHOUT_NUL}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "an API key from `podesk api-key create`"}},
        },
    }
