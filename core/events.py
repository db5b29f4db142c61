"""Domain events: services publish what happened; the bot, the scheduler and tests subscribe.

Events are delivered only after the transaction that caused them commits, so a subscriber never
hears of a change that was rolled back. A failing subscriber is logged and never undoes a write.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from core.db import database
from core.fields import utcnow

log = logging.getLogger(__name__)

# Names services publish. The bot subscribes to these (slack.md); later issues add more.
PO_CREATED = "po_created"
PO_UPDATED = "po_updated"
PO_DELETED = "po_deleted"
PO_SUBMITTED = "po_submitted"  # data: approvers to ask (user ids) when approval is needed
PO_LEVEL_APPROVED = "po_level_approved"
PO_APPROVED = "po_approved"
PO_REJECTED = "po_rejected"
PO_CANCELLED = "po_cancelled"
PO_CLOSED = "po_closed"
RECEIPT_RECORDED = "receipt_recorded"
INVOICE_MATCHED = "invoice_matched"
INVOICE_EXCEPTION = "invoice_exception"  # the bot tells the requester (slack.md)
INVOICE_EXCEPTION_ACCEPTED = "invoice_exception_accepted"


@dataclass(frozen=True)
class DomainEvent:
    name: str
    po_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: Any = field(default_factory=utcnow)


class Notifier(Protocol):
    """Anything that wants to hear about domain events (the Slack bot, a recorder in tests)."""

    def __call__(self, event: DomainEvent) -> None: ...


_subscribers: list[Notifier] = []


def subscribe(notifier: Notifier) -> Callable[[], None]:
    """Deliver every event to `notifier` from now on; returns a function that unsubscribes."""
    _subscribers.append(notifier)
    return lambda: _subscribers.remove(notifier) if notifier in _subscribers else None


def _deliver(event: DomainEvent) -> None:
    for notifier in list(_subscribers):
        try:
            notifier(event)
        except Exception:  # a notifier's failure must not undo or fail the committed change
            log.exception("notifier %r failed on %s", notifier, event.name)


def publish(event: DomainEvent) -> None:
    """Deliver `event` once the current transaction commits (at once outside a transaction)."""
    database.after_commit(lambda: _deliver(event))
