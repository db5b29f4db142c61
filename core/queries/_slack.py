"""What the Slack bot reads back: the DMs it posted about an approval level, and a PO by its number."""
from __future__ import annotations

from typing import Any

from core.models import PurchaseOrder, SlackMessage

_FIELDS = (SlackMessage.key, SlackMessage.kind, SlackMessage.po, SlackMessage.approval_id, SlackMessage.round,
           SlackMessage.user, SlackMessage.channel, SlackMessage.ts)


def _row(m: SlackMessage) -> dict[str, Any]:
    return {"key": m.key, "kind": m.kind, "po_id": m.po_id, "approval_id": m.approval_id, "round": m.round,
            "user_id": m.user_id, "channel": m.channel, "ts": m.ts}


def slack_messages(po_id: int, *, approval_id: int, round: int | None) -> list[dict[str, Any]]:
    """The DMs posted about one approval level of one submission (`round`; None: any), requests and
    reminders (`kind`), oldest first (one query)."""
    query = SlackMessage.select(*_FIELDS).where(SlackMessage.po == po_id, SlackMessage.approval_id == approval_id)
    if round is not None:
        query = query.where(SlackMessage.round == round)
    return [_row(m) for m in query.order_by(SlackMessage.id)]


def slack_reminder(channel: str, ts: str) -> list[dict[str, Any]]:
    """The levels one posted reminder listed, in the order it listed them (one query)."""
    query = (SlackMessage.select(*_FIELDS).where(SlackMessage.channel == channel, SlackMessage.ts == ts,
                                                 SlackMessage.kind == "reminder").order_by(SlackMessage.id))
    return [_row(m) for m in query]


def slack_message(*keys: str) -> dict[str, Any] | None:
    """The DM an outbox message posted, if it did, under the first of `keys` found (a redelivery
    updates it instead of posting again; one query)."""
    found = SlackMessage.select(SlackMessage.key, SlackMessage.channel, SlackMessage.ts).where(SlackMessage.key.in_(keys))
    by_key = {m.key: m for m in found}
    first = next((by_key[k] for k in keys if k in by_key), None)
    return {"channel": first.channel, "ts": first.ts} if first else None


def po_id_by_number(number: str) -> int | None:
    """The id of the PO with this number as typed, else in upper case (`po-00042`), else None."""
    typed = (number or "").strip()
    if not typed or len(typed) > 50:
        return None
    for candidate in dict.fromkeys((typed, typed.upper())):
        found = PurchaseOrder.select(PurchaseOrder.id).where(PurchaseOrder.po_number == candidate).scalar()
        if found is not None:
            return found
    return None
