"""What the Slack bot must remember across processes: the DMs it posted about an approval (so a
decision can update every one of them in place) and the events it has handled (Slack redelivers)."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from core.fields import IdField, utcnow
from core.models import PurchaseOrder, User  # defined before the package imports this module at its end
from core.models.base import BaseModel

__all__ = ["SlackEvent", "SlackMessage"]


class SlackMessage(BaseModel):
    """A message the bot posted in a user's DM about one approval level: a request, or a reminder (one
    row per PO it lists, all with the same channel and ts)."""

    id = IdField()
    key = CharField(max_length=200, unique=True)  # the outbox message that posted it: a redelivery updates, never reposts
    po = ForeignKeyField(PurchaseOrder, on_delete="CASCADE", index=False)
    approval_id = IntegerField()  # not a foreign key: a resubmit replaces the levels, the posted DM stays
    round = IntegerField(default=0)  # the PO's submission round it was about (approval ids may repeat across rounds)
    kind = CharField(max_length=16, default="request")  # request | reminder (one reminder lists several POs)
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    channel = CharField(max_length=32)
    ts = CharField(max_length=32)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "slack_message"
        indexes = ((("approval_id", "id"), False), (("po", "id"), False), (("channel", "ts"), False))


class SlackEvent(BaseModel):
    """An Events API event already handled: its retries are acknowledged and change nothing."""

    event_id = CharField(max_length=64, primary_key=True)
    received_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "slack_event"
