"""Small helpers every service uses: parse-or-raise, row locking, unique-violation translation."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from peewee import IntegrityError, ModelSelect
from pydantic import BaseModel

from core.db import is_postgres
from core.errors import Conflict, Problem, ValidationFailed, not_found
from core.schemas.parse import parse


def parsed(schema: type[BaseModel], body: Any, *, partial: bool = False) -> dict[str, Any]:
    """The validated body (only the given fields when `partial`), or a 400 with every problem."""
    values, problems = parse(schema, body, with_defaults=not partial)
    if problems:
        raise ValidationFailed(problems)
    return values


def locked(query: ModelSelect) -> ModelSelect:
    """`query` taking row locks on PostgreSQL (SQLite's IMMEDIATE transaction already holds the write lock)."""
    return query.for_update() if is_postgres() else query


def get_locked(model, ident: int, what: str):
    """The row with this id, locked for the rest of the transaction; 404 when it does not exist."""
    row = locked(model.select().where(model.id == ident)).first()
    if row is None:
        raise not_found(what, ident)
    return row


@contextmanager
def unique_as_conflict(code: str, detail: str, ptr: str | None = None) -> Iterator[None]:
    """Turn a unique-constraint violation that slipped past the checks (a race) into a 409."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict([Problem(code, detail, ptr)]) from exc
