"""What webhooks are told: each event once, with the resource as the API showed it at that moment.

An event (`evt_…`) is stored once with that snapshot; each webhook subscribed to its type gets a
delivery and an outbox row, all in the transaction of the change. The snapshot is taken when the
event happens, not when it is delivered: a receiver that was down for an hour then hears
"po.approved" with the PO as it was approved, not as it is an hour later (already closed, say),
and events that arrive late or are replayed still tell a true history.
"""
from __future__ import annotations

import json
import threading
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from core import events, outbox
from core.db import database, is_postgres
from core.fields import json_default
from core.models import Webhook, WebhookDelivery, WebhookEvent

WEBHOOK = "webhook"
_memo = threading.local()


def webhook_ordering(webhook_id: int, po_id: int | None) -> str | None:
    """One receiver's events about one PO arrive in order; a slow receiver holds back only its own."""
    return f"webhook:{webhook_id}:po:{po_id}" if po_id is not None else None


def _resource(event: events.DomainEvent) -> dict[str, Any]:
    from core import queries  # read models; imported late, as they import services' helpers

    data = event.data
    if event.name == events.RECEIPT_RECORDED:
        return queries.receipt(data["receipt_id"])
    if "invoice_id" in data:
        return queries.invoice(data["invoice_id"])
    if event.name == events.BATCH_COMPLETED:
        return queries.batch(data["batch_id"])
    return queries.purchase_order(event.po_id)


def _subscriptions() -> list[tuple[int, list[str]]]:
    """Every webhook's events, read once per transaction (an ERP batch publishes hundreds of events).

    On PostgreSQL the rows are share-locked (FOR KEY SHARE) until the transaction ends: a webhook
    deleted meanwhile waits for it, rather than vanishing between this read and its deliveries' insert.
    """
    transactions = database.obj._state.transactions
    outermost = transactions[0] if transactions else None
    cached = getattr(_memo, "entry", None)
    if outermost is not None and cached is not None and cached[0]() is outermost:
        return cached[1]
    query = Webhook.select(Webhook.id, Webhook.events).order_by(Webhook.id)
    found = [(hook.id, hook.events) for hook in (query.for_update("FOR KEY SHARE") if is_postgres() else query)]
    _memo.entry = (weakref.ref(outermost), found) if outermost is not None else None
    return found


def record(event: events.DomainEvent) -> None:
    """Write the deliveries `event` calls for (inside the publishing transaction); none if nobody listens."""
    name = events.WEBHOOK_EVENTS.get(event.name)
    if name is None:
        return
    listening = [hook_id for hook_id, names in _subscriptions() if name in names]
    if not listening:
        return
    event_id = f"evt_{uuid.uuid4().hex}"
    WebhookEvent.create(id=event_id, type=name, created_at=event.at, data=_resource(event))
    for webhook_id in listening:
        key = f"webhook:{webhook_id}:{event_id}"
        delivery = WebhookDelivery.create(webhook=webhook_id, event=event_id, outbox_key=key)
        outbox.enqueue(WEBHOOK, key, {"delivery_id": delivery.id, "webhook_id": webhook_id, "event_id": event_id},
                       ordering_key=webhook_ordering(webhook_id, event.po_id))


@dataclass(frozen=True)
class Outgoing:
    """One delivery as it goes over the wire."""

    delivery_id: int
    url: str
    secret: str
    event: str
    body: bytes  # the same bytes on every attempt; only the signature's timestamp changes


def outgoing(delivery_id: int) -> Outgoing | None:
    """The request for a delivery, or None when its webhook was deleted meanwhile."""
    row = (WebhookDelivery.select(WebhookDelivery, Webhook, WebhookEvent).join(Webhook)
           .switch(WebhookDelivery).join(WebhookEvent).where(WebhookDelivery.id == delivery_id).first())
    if row is None:
        return None
    event = row.event
    body = {"id": event.id, "type": event.type, "created_at": event.created_at, "data": event.data}
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=json_default).encode()
    return Outgoing(row.id, row.webhook.url, row.webhook.secret, event.type, raw)
