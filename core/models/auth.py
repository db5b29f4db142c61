"""Dashboard sign-in: session epochs, throttling of failed attempts, one-time sign-in links."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from core.fields import IdField, utcnow
from core.models import User  # defined before the package imports this module at its end
from core.models.base import BaseModel

__all__ = ["SessionEpoch", "SignInLink", "SignInThrottle"]


class SessionEpoch(BaseModel):
    """A random value every dashboard session carries; replacing it ends all of the user's sessions."""

    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    epoch = CharField(max_length=32)
    changed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "session_epoch"


class SignInThrottle(BaseModel):
    """Recent failed sign-ins for one account or one client address (the key is a hash of which)."""

    key = CharField(max_length=64, primary_key=True)
    failures = IntegerField(default=0)
    window_started_at = DateTimeField()
    locked_until = DateTimeField(null=True)

    class Meta:
        table_name = "sign_in_throttle"
        indexes = ((("window_started_at",), False),)


class SignInLink(BaseModel):
    """A one-time sign-in link (from Slack): only the token's hash is kept."""

    id = IdField()
    user = ForeignKeyField(User, on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "sign_in_link"
