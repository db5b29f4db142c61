"""What the Slack bot writes: messages for the outbox (sent and retried by the bot's channel), the
DMs it posted about an approval level, and the Events API deliveries it has already handled."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable

from peewee import IntegrityError

from core import outbox
from core.db import database
from core.fields import utcnow
from core.models import SlackEvent, SlackMessage
from core.notifications import SLACK, slack_ordering


def tell_in_slack(payload: dict[str, Any], *, po_id: int | None = None, key: str | None = None,
                  ordering: str | None = None) -> bool:
    """Queue a message for Slack (the bot's channel renders and sends it after the commit); False
    when this deployment has no Slack. Messages about a PO leave in order with its notifications."""
    if not outbox.enabled(SLACK):
        return False
    body = {**payload, "po_id": po_id} if po_id is not None else dict(payload)
    with database.atomic():
        outbox.enqueue(SLACK, key or f"slack:{payload['type']}:{uuid.uuid4().hex}", body,
                       ordering_key=slack_ordering(po_id) if po_id is not None else ordering)
    return True


def remember_slack_messages(rows: list[dict[str, Any]]) -> None:
    """Keep where DMs about approval levels were posted, so a decision can update them in place.
    Each row: key, kind (request | reminder), po_id, approval_id, round, user_id, channel, ts; a key
    already kept takes the new channel and ts (a redelivery that had to post again)."""
    now = utcnow()
    values = [{"key": row["key"], "kind": row.get("kind", "request"), "po": row["po_id"], "approval_id": row["approval_id"],
               "round": row["round"], "user": row["user_id"], "channel": row["channel"], "ts": row["ts"], "created_at": now}
              for row in rows]
    if not values:
        return
    with database.atomic():
        (SlackMessage.insert_many(values)
         .on_conflict(conflict_target=[SlackMessage.key], preserve=[SlackMessage.channel, SlackMessage.ts])
         .execute())


def once_per_slack_event(event_id: str, work: Callable[[], None]) -> bool:
    """Run `work` for an Events API delivery unless this event id was handled before; False for a
    redelivery. The id is written in `work`'s transaction: two deliveries at once, or one after a
    restart, find it, and a failure in `work` takes it back so Slack's retry is handled afresh."""
    with database.atomic():
        try:
            with database.atomic():
                SlackEvent.insert(event_id=event_id[:64], received_at=utcnow()).execute()
        except IntegrityError:
            return False
        work()
    return True


def forget_slack_events(older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Drop handled event ids Slack can no longer redeliver (it retries for minutes, not days)."""
    with database.atomic():
        return SlackEvent.delete().where(SlackEvent.received_at < utcnow() - older_than).execute()
