"""POs emailed to vendors, and webhooks: who is told, what happened, and each delivery."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from core.fields import IdField, JSONTextField, utcnow
from core.models import PurchaseOrder, User  # defined before the package imports this module at its end
from core.models.base import BaseModel

__all__ = ["PoEmail", "Webhook", "WebhookDelivery", "WebhookEvent"]


class PoEmail(BaseModel):
    """A PO sent to a vendor: what was sent (the PDF's values as of sending) and to whom.

    Delivery is the outbox row `outbox_key`: its attempts and errors are the email's.
    """

    id = IdField()
    po = ForeignKeyField(PurchaseOrder, backref="emails", on_delete="CASCADE", index=False)
    outbox_key = CharField(max_length=200, unique=True)  # its delivery; the Message-ID is made from it too
    recipients = JSONTextField()  # {"to": [...], "cc": [...], "bcc": [...]}
    subject = CharField(max_length=255)
    body = TextField()
    document = JSONTextField()  # the PoDocument as it was when sent; the PDF is drawn from it
    locale = CharField(max_length=16)  # how its dates and money are written
    sent_by = ForeignKeyField(User, on_delete="RESTRICT", index=False)
    queued_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)  # the mail server accepted it

    class Meta:
        table_name = "po_email"
        indexes = ((("po", "id"), False),)


class Webhook(BaseModel):
    """An outside URL told about the events it subscribed to, signed with its secret."""

    id = IdField()
    url = TextField()
    events = JSONTextField()  # ["po.approved", ...]
    description = CharField(max_length=255, null=True)
    # Kept as given: podesk must sign with it, so whatever could decrypt it would sit beside it.
    # It is shown once, in the create response, and never again (README, "Webhooks").
    secret = CharField(max_length=100)
    created_by = ForeignKeyField(User, on_delete="RESTRICT", index=False)
    created_at = DateTimeField(default=utcnow)


class WebhookEvent(BaseModel):
    """Something that happened, with the resource as the API showed it at that moment."""

    id = CharField(max_length=40, primary_key=True)  # "evt_<hex>": the same for every webhook told
    type = CharField(max_length=32)
    created_at = DateTimeField(default=utcnow)
    data = JSONTextField()


class WebhookDelivery(BaseModel):
    """One event for one webhook; its attempts are those of the outbox row `outbox_key`."""

    id = IdField()
    webhook = ForeignKeyField(Webhook, backref="deliveries", on_delete="CASCADE", index=False)
    event = ForeignKeyField(WebhookEvent, on_delete="CASCADE")
    outbox_key = CharField(max_length=200, unique=True)

    class Meta:
        table_name = "webhook_delivery"
        indexes = ((("webhook", "id"), False),)
