"""Webhooks and their deliveries as admins read them (the signing secret is never among them)."""
from __future__ import annotations

from typing import Any

from peewee import JOIN

from core.errors import not_found
from core.models import OutboxMessage, User, Webhook, WebhookDelivery, WebhookEvent
from core.queries._params import Args, Reader


def _webhook(hook: Webhook) -> dict[str, Any]:
    return {"id": hook.id, "url": hook.url, "events": hook.events, "description": hook.description,
            "created_by": {"id": hook.created_by.id, "name": hook.created_by.name}, "created_at": hook.created_at}


def _hooks():
    # Every column but the secret: what is not read cannot leak into a response.
    return (Webhook.select(Webhook.id, Webhook.url, Webhook.events, Webhook.description, Webhook.created_at,
                           Webhook.created_by, User.id, User.name)
            .join(User, on=(Webhook.created_by == User.id)))


def webhook(webhook_id: int) -> dict[str, Any]:
    """One webhook: URL, events, who made it and when."""
    hook = _hooks().where(Webhook.id == webhook_id).first()
    if hook is None:
        raise not_found("webhook", webhook_id)
    return _webhook(hook)


def webhooks(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every webhook, oldest first."""
    r = Reader(args, ())
    paging = r.paging()
    r.done()
    rows = _hooks().order_by(Webhook.id).limit(paging.per_page).offset(paging.offset)
    return [_webhook(h) for h in rows], paging.meta_of(Webhook.select())


def _status(row: OutboxMessage | None) -> str:
    if row is None or row.id is None:
        return "pending"
    if row.status in ("delivered", "dead"):
        return row.status
    return "failed" if row.last_error is not None else "pending"


def _delivery(d: WebhookDelivery) -> dict[str, Any]:
    row = d.attempt if getattr(d, "attempt", None) is not None and d.attempt.id is not None else None
    waiting = row is not None and row.status == "pending"
    return {
        "id": d.id, "event_id": d.event.id, "event": d.event.type, "status": _status(row),
        "attempts": row.attempts if row else 0, "last_status_code": row.last_status_code if row else None,
        "last_attempt_at": row.last_attempt_at if row else None,
        "next_attempt_at": row.next_attempt_at if waiting else None,
        "last_error": row.last_error if row else None, "delivered_at": row.delivered_at if row else None,
    }


def webhook_deliveries(webhook_id: int, args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A webhook's deliveries, newest first: each event's status, attempts and the receiver's last answer."""
    r = Reader(args, ())
    paging = r.paging()
    r.done()
    if not Webhook.select().where(Webhook.id == webhook_id).exists():
        raise not_found("webhook", webhook_id)
    rows = (WebhookDelivery.select(WebhookDelivery, WebhookEvent.id, WebhookEvent.type, OutboxMessage)
            .join(WebhookEvent).switch(WebhookDelivery)
            .join(OutboxMessage, JOIN.LEFT_OUTER, on=(OutboxMessage.key == WebhookDelivery.outbox_key), attr="attempt")
            .where(WebhookDelivery.webhook == webhook_id)
            .order_by(WebhookDelivery.id.desc()).limit(paging.per_page).offset(paging.offset))
    return [_delivery(d) for d in rows], paging.meta_of(WebhookDelivery.select().where(WebhookDelivery.webhook == webhook_id))
