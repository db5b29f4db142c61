"""/webhooks (admin): where podesk POSTs its events, signed; and how each delivery went."""
from __future__ import annotations

from flask import url_for

from core import queries as q
from core import services
from core.schemas.integrations import WebhookCreate
from web import integration_schemas as schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, route

TAG = "webhooks"
DELIVERY_NOTES = (
    "Each delivery is `POST <url>` with `{\"id\": \"evt_…\", \"type\": \"po.approved\", \"created_at\": \"…Z\", "
    "\"data\": {…}}`; `data` is the resource (a PO, receipt, invoice or batch) exactly as the API returned it when "
    "the event happened. Headers: `Podesk-Event`, `Podesk-Delivery` (the delivery id), `Podesk-Signature: "
    "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>`. A 2xx within 10 s is success; anything "
    "else (or no answer) is retried with exponential backoff (first retry within 5 s, doubling, capped at 1 h; a "
    "`Retry-After` in seconds is honoured) for 24 h, then `dead`. Events about one PO reach one webhook in order. "
    "An event is never delivered again after a 2xx.")


@route(api, "/webhooks", "POST", summary="Subscribe a URL to events; the answer holds its signing secret, shown this once",
       tag=TAG, body=WebhookCreate, response=schemas.WebhookCreated, status=201, notes=(
           "`url` must be http:// or https:// (`400 invalid_value`); an unknown event name is `400 invalid_event` at "
           "its pointer (`/events/1`). The `secret` is in this response only: no later answer contains it. "
           + DELIVERY_NOTES))
@requires("admin")
def create_webhook():
    hook = services.create_webhook(actor(), body())
    return {**q.webhook(hook.id), "secret": hook.secret}, 201, {"Location": url_for("api.get_webhook", webhook_id=hook.id)}


@route(api, "/webhooks", "GET", summary="List webhooks, oldest first (never their secrets)", tag=TAG,
       response=schemas.WebhookList, params=PAGING)
@requires("admin")
def list_webhooks():
    return listing(*q.webhooks(args()))


@route(api, "/webhooks/<int:webhook_id>", "GET", summary="Read a webhook (never its secret)", tag=TAG, response=schemas.Webhook)
@requires("admin")
def get_webhook(webhook_id: int):
    return q.webhook(webhook_id)


@route(api, "/webhooks/<int:webhook_id>", "DELETE", summary="Delete a webhook: it receives nothing more", tag=TAG, status=204,
       notes="Its deliveries not yet made are dropped; one already on its way when the delete commits may still arrive.")
@requires("admin")
def delete_webhook(webhook_id: int):
    services.delete_webhook(actor(), webhook_id)
    return "", 204


@route(api, "/webhooks/<int:webhook_id>/deliveries", "GET", summary="The webhook's deliveries, newest first, with each one's attempts",
       tag=TAG, response=schemas.DeliveryList, params=PAGING, notes=DELIVERY_NOTES)
@requires("admin")
def list_webhook_deliveries(webhook_id: int):
    return listing(*q.webhook_deliveries(webhook_id, args()))
