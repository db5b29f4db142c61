"""Response shapes of the documents and integrations endpoints (emails, webhooks), for the OpenAPI document."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.events import WEBHOOK_EVENTS
from web.schemas import ListMeta, Out, PurchaseOrder, Timestamp, UserRef

EVENT_NAMES_DOC = "any of: " + ", ".join(WEBHOOK_EVENTS.values())


class Email(Out):
    id: int
    purchase_order_id: int
    status: Literal["queued", "sent", "failed"] = Field(
        description="queued: waiting for (or retrying) the mail server; sent: the server took it; failed: given up after 24 h of retries")
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    body: str
    sent_by: UserRef
    queued_at: Timestamp
    sent_at: Timestamp | None
    attempts: int = Field(description="deliveries tried so far")
    last_error: str | None = Field(description="why the last try failed, while not sent")


class EmailList(Out):
    data: list[Email]
    meta: ListMeta


class PoSent(Out):
    purchase_order: PurchaseOrder
    email: Email


class Webhook(Out):
    id: int
    url: str
    events: list[str] = Field(description=EVENT_NAMES_DOC)
    description: str | None
    created_by: UserRef
    created_at: Timestamp


class WebhookCreated(Webhook):
    secret: str = Field(description="signs every delivery (Podesk-Signature); shown in this response only")


class WebhookList(Out):
    data: list[Webhook]
    meta: ListMeta


class Delivery(Out):
    id: int = Field(description="also sent as the Podesk-Delivery header")
    event_id: str
    event: str
    status: Literal["pending", "delivered", "failed", "dead"] = Field(
        description="pending: not tried yet; failed: the last try failed and another is due; dead: given up after 24 h")
    attempts: int
    last_status_code: int | None = Field(description="the receiver's HTTP status at the last try (null: no answer)")
    last_attempt_at: Timestamp | None
    next_attempt_at: Timestamp | None = Field(description="when the next try is due, while pending or failed")
    last_error: str | None
    delivered_at: Timestamp | None


class DeliveryList(Out):
    data: list[Delivery]
    meta: ListMeta
