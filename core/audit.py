"""The audit trail: every state change writes one event in the same transaction."""
from __future__ import annotations

from typing import Any

from core import bulk
from core.fields import utcnow
from core.models import AuditEvent, User


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
