"""Webhooks: admins point podesk at a URL for the events it should hear, and take it away again."""
from __future__ import annotations

import secrets
from typing import Any

from core import audit
from core.db import database, is_postgres
from core.errors import not_found
from core.models import OutboxMessage, User, Webhook, WebhookDelivery
from core.schemas.integrations import WebhookCreate
from core.services._access import require_role
from core.services._common import parsed
from core.types import Role

SECRET_PREFIX = "whsec_"


def create_webhook(actor: User, body: Any) -> Webhook:
    """Subscribe a URL to events; the returned row carries the new signing secret (shown to the caller once)."""
    require_role(actor, Role.admin, "managing webhooks")
    values = parsed(WebhookCreate, body)
    subscribed = list(dict.fromkeys(values["events"]))  # each once, in the order given
    with database.atomic():
        webhook = Webhook.create(url=values["url"], events=subscribed, description=values.get("description"),
                                 secret=SECRET_PREFIX + secrets.token_urlsafe(32), created_by=actor.id)
        # The secret stays out of the audit trail: the trail is readable long after the one showing.
        audit.record("webhook", webhook.id, "created", actor, {"url": [None, webhook.url], "events": [None, subscribed]})
    return webhook


def delete_webhook(actor: User, webhook_id: int) -> None:
    """Stop telling the webhook anything: its deliveries not yet made are dropped with it."""
    require_role(actor, Role.admin, "managing webhooks")
    with database.atomic():
        # FOR UPDATE (not the usual NO KEY UPDATE): it waits for every transaction that is writing
        # deliveries for this webhook (they hold KEY SHARE, core/webhook_events.py) and keeps new ones out.
        query = Webhook.select().where(Webhook.id == webhook_id)
        webhook = (query.for_update() if is_postgres() else query).first()
        if webhook is None:
            raise not_found("webhook", webhook_id)
        keys = WebhookDelivery.select(WebhookDelivery.outbox_key).where(WebhookDelivery.webhook == webhook.id)
        OutboxMessage.delete().where(OutboxMessage.key.in_(keys)).execute()
        webhook.delete_instance()  # its deliveries go with it (ON DELETE CASCADE)
        audit.record("webhook", webhook.id, "deleted", actor, {"url": [webhook.url, None], "events": [webhook.events, None]})
