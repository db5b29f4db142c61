"""The outbox: what podesk tells the outside world, written in the transaction of the change."""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField, TextField

from core.fields import IdField, JSONTextField, utcnow
from core.models.base import BaseModel

__all__ = ["OutboxMessage"]


class OutboxMessage(BaseModel):
    """One message for one channel (slack, email, webhook), delivered and retried by the worker."""

    id = IdField()
    kind = CharField(max_length=32)  # the channel that delivers it
    key = CharField(max_length=200, unique=True)  # stable: a redelivery after a crash carries the same key
    ordering_key = CharField(max_length=64, null=True)  # rows sharing it are delivered in id order ("po:42")
    payload = JSONTextField()
    status = CharField(max_length=10, default="pending")  # pending | delivered | dead
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    claimed_by = CharField(max_length=100, null=True)
    claimed_until = DateTimeField(null=True)  # a worker's lease; a killed worker's rows come back after it
    last_error = TextField(null=True)
    last_status_code = IntegerField(null=True)
    last_attempt_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    delivered_at = DateTimeField(null=True)

    class Meta:
        table_name = "outbox_message"
        indexes = (
            (("status", "next_attempt_at"), False),
            (("ordering_key", "status", "id"), False),
            (("kind", "status"), False),
        )
