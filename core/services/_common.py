"""Small helpers every service uses: parse-or-raise, row locking, unique-violation translation."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from peewee import IntegrityError, ModelSelect
from pydantic import BaseModel

from core.db import is_postgres
from core.errors import Conflict, Problem, VersionMismatch, invalid, not_found
from core.models import PurchaseOrder
from core.schemas import validated


def parsed(schema: type[BaseModel], body: Any, *, partial: bool = False) -> dict[str, Any]:
    """The validated body (only the given fields when `partial`), or a 400 with every problem."""
    return validated(schema, body, partial=partial)


def args(schema: type[BaseModel], **values: Any) -> dict[str, Any]:
    """Typed keyword arguments of an action checked by the schema its API body uses (None = not given).

    A face that passes a wrong type or value (a bot handler, a form) gets the same precise problem,
    pointing at the argument's name, as an API client sending that body.
    """
    return parsed(schema, {k: v for k, v in values.items() if v is not None})


def locked(query: ModelSelect) -> ModelSelect:
    """`query` taking row locks on PostgreSQL (SQLite's IMMEDIATE transaction already holds the write lock).

    FOR NO KEY UPDATE, not FOR UPDATE: it excludes every other writer of the row just the same, but
    lets foreign-key checks (KEY SHARE) through, so that locking a vendor while another transaction
    writes one of its POs cannot deadlock.
    """
    return query.for_update("FOR NO KEY UPDATE") if is_postgres() else query


def get_locked(model, ident: int, what: str):
    """The row with this id, locked for the rest of the transaction; 404 when it does not exist."""
    row = locked(model.select().where(model.id == ident)).first()
    if row is None:
        raise not_found(what, ident)
    return row


def locked_po(po_id: int, expected_version: int | None = None):
    """The PO, locked; 404 when missing, 412 when `expected_version` (If-Match) no longer holds."""
    if expected_version is not None and type(expected_version) is not int:  # not a bool either
        raise invalid("invalid_type", "expected_version must be the whole number of the version the change was made on",
                      "/expected_version")
    po = get_locked(PurchaseOrder, po_id, "purchase order")
    if expected_version is not None and po.version != expected_version:
        raise VersionMismatch(po.version, expected_version)
    return po


@contextmanager
def unique_as_conflict(code: str, detail: str, ptr: str | None = None) -> Iterator[None]:
    """Turn a unique-constraint violation that slipped past the checks (a race) into a 409."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict([Problem(code, detail, ptr)]) from exc
