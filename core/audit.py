"""The audit trail: every state change writes one event in the same transaction."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from core import bulk
from core.fields import utcnow
from core.models import AuditEvent, User


def jsonable(value: Any) -> Any:
    """`value` with Decimals, dates and enums turned into JSON strings (exactly as the API shows them)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def record(
    entity_type: str,
    entity_id: int,
    action: str,
    actor: User | None,
    changes: dict[str, Any] | None = None,
    comment: str | None = None,
) -> AuditEvent:
    """Write one audit event (call inside the service's transaction)."""
    return AuditEvent.create(
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        actor=actor.id if actor is not None else None,
        changes=changes or None,  # the JSON field writes Decimals and dates as the API shows them
        comment=comment,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for each field whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record_many(entity_type: str, actor: User | None, rows: list[tuple[int, str, dict[str, Any] | None]]) -> None:
    """Write many audit events in one statement: (entity_id, action, changes) each."""
    if not rows:
        return
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    bulk.insert_rows(AuditEvent, [
        {"entity_type": entity_type, "entity_id": eid, "action": action, "actor": actor_id, "at": now,
         "changes": changes or None, "comment": None}
        for eid, action, changes in rows
    ])
