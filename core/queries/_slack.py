"""What the Slack bot reads back: the DMs it posted about an approval level, and a PO by its number."""
from __future__ import annotations

from typing import Any

from core.models import PurchaseOrder, SlackMessage


def slack_messages(approval_id: int) -> list[dict[str, Any]]:
    """The DMs posted about this approval level (requests and reminders), oldest first (one query)."""
    query = (SlackMessage.select(SlackMessage.key, SlackMessage.po, SlackMessage.user, SlackMessage.channel, SlackMessage.ts)
             .where(SlackMessage.approval_id == approval_id).order_by(SlackMessage.id))
    return [{"key": m.key, "po_id": m.po_id, "user_id": m.user_id, "channel": m.channel, "ts": m.ts} for m in query]


def slack_message(key: str) -> dict[str, Any] | None:
    """The DM an outbox message posted, if it did (a redelivery updates it instead of posting again)."""
    found = SlackMessage.get_or_none(SlackMessage.key == key)
    return {"channel": found.channel, "ts": found.ts} if found else None


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
