"""Domain events: what happened, published by services inside the transaction that made it happen.

Publishing hands the event to core's notification rules (core/notifications.py), which write the
outbox rows that tell the outside world (a Slack DM, a webhook) in that same transaction: if the
change rolls back, so do its messages, and once it commits nothing can lose them. Delivery is the
outbox's job (core/outbox.py), never the request's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from core.fields import utcnow

# Names services publish (slack.md and api.md's webhook events are built on them).
PO_CREATED = "po_created"
PO_UPDATED = "po_updated"
PO_DELETED = "po_deleted"
PO_SUBMITTED = "po_submitted"  # data: level, approvers to ask (user ids) when approval is needed
PO_LEVEL_APPROVED = "po_level_approved"  # data: level, next_level, approvers of the next level
PO_APPROVED = "po_approved"
PO_REJECTED = "po_rejected"  # data: level, reason
PO_CANCELLED = "po_cancelled"
PO_CLOSED = "po_closed"
RECEIPT_RECORDED = "receipt_recorded"
INVOICE_MATCHED = "invoice_matched"
INVOICE_EXCEPTION = "invoice_exception"  # the requester is told (slack.md)
INVOICE_EXCEPTION_ACCEPTED = "invoice_exception_accepted"
BATCH_COMPLETED = "batch_completed"


@dataclass(frozen=True)
class DomainEvent:
    name: str
    po_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: Any = field(default_factory=utcnow)


Handler = Callable[[DomainEvent], None]
_handlers: list[Handler] = []


def on_event(handler: Handler) -> Callable[[], None]:
    """Also run `handler` on every event, inside the publishing transaction; returns an undo."""
    _handlers.append(handler)
    return lambda: _handlers.remove(handler) if handler in _handlers else None


def publish(event: DomainEvent) -> None:
    """Record `event`'s consequences (outbox rows) in the current transaction."""
    publish_many([event])


def publish_many(happened: list[DomainEvent]) -> None:
    """Record the consequences of events that happened together, in this order (a batch's POs,
    written before any of them is published): the same rows as publishing each in turn, written
    set-based, in a fixed number of statements however many events there are."""
    from core import notifications  # the rules of who is told what; they import services' helpers

    notifications.handle(happened)
    for event in happened:
        for handler in list(_handlers):
            handler(event)


# The events webhooks may subscribe to (api.md), by the domain event each one is.
WEBHOOK_EVENTS = {
    PO_CREATED: "po.created",
    PO_SUBMITTED: "po.submitted",
    PO_APPROVED: "po.approved",
    PO_REJECTED: "po.rejected",
    PO_CANCELLED: "po.cancelled",
    PO_CLOSED: "po.closed",
    RECEIPT_RECORDED: "receipt.recorded",
    INVOICE_MATCHED: "invoice.matched",
    INVOICE_EXCEPTION: "invoice.exception",
    INVOICE_EXCEPTION_ACCEPTED: "invoice.accepted",
    BATCH_COMPLETED: "batch.completed",
}
