"""What webhooks are told: each event once, with the resource as the API showed it at that moment.

An event (`evt_…`) is stored once with that snapshot; each webhook subscribed to its type gets a
delivery and an outbox row, all in the transaction of the change. The snapshot is taken when the
event happens, not when it is delivered: a receiver that was down for an hour then hears
"po.approved" with the PO as it was approved, not as it is an hour later (already closed, say),
and events that arrive late or are replayed still tell a true history.

Events published together (`events.publish_many`: an ERP chunk's hundreds) are written together: the
POs they are about read in a fixed number of queries, then one INSERT each for the events, the
deliveries and the outbox rows, in the order one-by-one publishing would have written them.
"""
from __future__ import annotations

import json
import threading
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from core import bulk, events, outbox
from core.db import database, is_postgres
from core.fields import json_default
from core.models import Webhook, WebhookDelivery, WebhookEvent

WEBHOOK = "webhook"
_memo = threading.local()


def webhook_ordering(webhook_id: int, po_id: int | None) -> str | None:
    """One receiver's events about one PO arrive in order; a slow receiver holds back only its own."""
    return f"webhook:{webhook_id}:po:{po_id}" if po_id is not None else None


def _other_resource(event: events.DomainEvent) -> dict[str, Any] | None:
    """The receipt, invoice or batch the event is about, as the API shows it now (None: it is about its PO)."""
    from core import queries  # read models; imported late, as they import services' helpers

    data = event.data
    if event.name == events.RECEIPT_RECORDED:
        return queries.receipt(data["receipt_id"])
    if "invoice_id" in data:
        return queries.invoice(data["invoice_id"])
    if event.name == events.BATCH_COMPLETED:
        return queries.batch(data["batch_id"])
    return None


def _resources(told: list[events.DomainEvent]) -> list[dict[str, Any]]:
    """Each event's resource as the API shows it now: every PO in a fixed number of queries however
    many there are (an ERP batch's); a receipt, an invoice or a batch each on its own (a request or
    a chunk publishes one)."""
    from core import queries

    others = [_other_resource(event) for event in told]
    pos = queries.purchase_orders_by_id([event.po_id for event, other in zip(told, others) if other is None])
    return [pos[event.po_id] if other is None else other for event, other in zip(told, others)]


def _subscriptions() -> list[tuple[int, list[str]]]:
    """Every webhook's events, read once per transaction (a request or a batch chunk publishes several times).

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


def record(published: list[events.DomainEvent]) -> None:
    """Write the deliveries these events call for (inside the publishing transaction), in their order:
    one WebhookEvent each, then for each webhook subscribed to it a delivery and its outbox row. A
    fixed number of statements whatever the number of events and webhooks; none if nobody listens."""
    named = [(event, events.WEBHOOK_EVENTS[event.name]) for event in published if event.name in events.WEBHOOK_EVENTS]
    if not named:
        return
    subscriptions = _subscriptions()
    told = [(event, name, [hook_id for hook_id, names in subscriptions if name in names]) for event, name in named]
    told = [entry for entry in told if entry[2]]
    if not told:
        return
    resources = _resources([event for event, _, _ in told])
    stored, deliveries = [], []  # deliveries: (webhook id, event id, PO id), in the order they are told
    for (event, name, listening), data in zip(told, resources):
        event_id = f"evt_{uuid.uuid4().hex}"
        stored.append({"id": event_id, "type": name, "created_at": event.at, "data": data})
        deliveries += [(webhook_id, event_id, event.po_id) for webhook_id in listening]
    bulk.insert_rows(WebhookEvent, stored)
    keys = [f"webhook:{webhook_id}:{event_id}" for webhook_id, event_id, _ in deliveries]
    ids = bulk.insert_rows(WebhookDelivery, [{"webhook": webhook_id, "event": event_id, "outbox_key": key}
                                              for (webhook_id, event_id, _), key in zip(deliveries, keys)], returning_ids=True)
    outbox.enqueue_many(WEBHOOK, [
        outbox.Draft(key, {"delivery_id": delivery_id, "webhook_id": webhook_id, "event_id": event_id},
                     webhook_ordering(webhook_id, po_id))
        for (webhook_id, event_id, po_id), key, delivery_id in zip(deliveries, keys, ids)
    ])


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
