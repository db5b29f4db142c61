"""Small helpers every service uses: parse-or-raise, row locking, unique-violation translation."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from peewee import IntegrityError, ModelSelect
from pydantic import BaseModel

from core.db import is_postgres
from core.errors import Conflict, Problem, ValidationFailed, VersionMismatch, not_found
from core.models import PurchaseOrder
from core.schemas.parse import parse


def parsed(schema: type[BaseModel], body: Any, *, partial: bool = False) -> dict[str, Any]:
    """The validated body (only the given fields when `partial`), or a 400 with every problem."""
    values, problems = parse(schema, body, with_defaults=not partial)
    if problems:
        raise ValidationFailed(problems)
    return values


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
    po = get_locked(PurchaseOrder, po_id, "purchase order")
    if expected_version is not None and po.version != expected_version:
        raise VersionMismatch([Problem("version_mismatch", f"the PO is at version {po.version}, not {expected_version}; reload it and try again")])
    return po


@contextmanager
def unique_as_conflict(code: str, detail: str, ptr: str | None = None) -> Iterator[None]:
    """Turn a unique-constraint violation that slipped past the checks (a race) into a 409."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict([Problem(code, detail, ptr)]) from exc
