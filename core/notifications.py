"""Who is told what when something happens: domain events become outbox messages.

These are business rules (slack.md's flows), so they live in core; how a message looks and how it
travels is the channel's business (the bot renders Slack messages from the ids given here, fresh
at delivery time). Messages are written only for kinds this deployment has a channel for, in the
transaction of the change. Each has a stable key, so an event can never be told twice. Keys about
approvals name the PO, the submission round (its version when submitted) and the level, never the
approval row's id: a resubmit replaces those rows, and SQLite may give the new ones the old ids, so
an id-based key would make the new round's DMs look like the old round's, already delivered.

Slack message payloads (`type`):
- `approval_request` {po_id, approval_id, round, level, user_id}: ask an approver of a level to decide.
- `approval_decided` {po_id, approval_id, round, level, decision, by_user_id, reason}: update every
  DM of that level in place, requests and reminders (the decision, who, when; no more buttons).
- `requester_update` {po_id, user_id, what}: tell the requester (what: level_approved, approved, rejected).
- `invoice_exception` {po_id, invoice_id, user_id}: tell the requester an invoice did not match.

Webhook messages (kind `"webhook"`): one per webhook subscribed to the event's api.md name, keyed
`webhook:<webhook id>:<event id>`, ordered per webhook and PO (see core/webhook_events.py).
"""
from __future__ import annotations

from core import events, outbox, webhook_events
from core.models import PurchaseOrder

SLACK = "slack"


def slack_ordering(po_id: int) -> str:
    """Slack messages about one PO leave in the order they were written."""
    return f"slack:po:{po_id}"


def _requester(po_id: int) -> int:
    return PurchaseOrder.select(PurchaseOrder.requested_by).where(PurchaseOrder.id == po_id).scalar()


def _slack(key: str, po_id: int, payload: dict) -> None:
    outbox.enqueue(SLACK, f"slack:{key}", {**payload, "po_id": po_id}, ordering_key=slack_ordering(po_id))


def _level_key(event: events.DomainEvent, level: int) -> str:
    """`<po id>:<round>:<level>`: one approval level of one submission, whatever its row's id."""
    return f"{event.po_id}:{event.data['round']}:{level}"


def _ask(event: events.DomainEvent, approval_id: int, level: int, approvers: list[int]) -> None:
    for user_id in approvers:
        _slack(f"approval_request:{_level_key(event, level)}:{user_id}", event.po_id,
               {"type": "approval_request", "approval_id": approval_id, "round": event.data["round"], "level": level,
                "user_id": user_id})


def _decided(event: events.DomainEvent, decision: str) -> None:
    data = event.data
    _slack(f"approval_decided:{_level_key(event, data['level'])}", event.po_id, {
        "type": "approval_decided", "approval_id": data["approval_id"], "round": data["round"], "level": data["level"],
        "decision": decision, "by_user_id": event.actor_id, "reason": data.get("reason")})


def _tell_requester(event: events.DomainEvent, what: str, key: str) -> None:
    requester = _requester(event.po_id)
    if requester is not None and requester != event.actor_id:
        _slack(f"requester_update:{key}", event.po_id, {"type": "requester_update", "user_id": requester, "what": what})


def _slack_messages(event: events.DomainEvent) -> None:
    data = event.data
    if event.name == events.PO_SUBMITTED and data.get("approval_id"):
        _ask(event, data["approval_id"], data["level"], data["approvers"])
    elif event.name == events.PO_LEVEL_APPROVED:
        _decided(event, "approved")
        if data.get("next_approval_id"):
            _tell_requester(event, "level_approved", f"{_level_key(event, data['level'])}:approved")
            _ask(event, data["next_approval_id"], data["next_level"], data["approvers"])
        else:
            _tell_requester(event, "approved", f"{_level_key(event, data['level'])}:approved")
    elif event.name == events.PO_REJECTED:
        _decided(event, "rejected")
        _tell_requester(event, "rejected", f"{_level_key(event, data['level'])}:rejected")
    elif event.name == events.INVOICE_EXCEPTION and event.po_id is not None:
        requester = _requester(event.po_id)
        if requester is not None:
            _slack(f"invoice_exception:{data['invoice_id']}", event.po_id,
                   {"type": "invoice_exception", "invoice_id": data["invoice_id"], "user_id": requester})


def handle(happened: list[events.DomainEvent]) -> None:
    """Write the outbox messages these events call for, in their order (inside the publishing transaction)."""
    if outbox.enabled(SLACK):
        for event in happened:
            if event.po_id is not None:
                _slack_messages(event)
    if outbox.enabled(webhook_events.WEBHOOK):  # one row per subscribed webhook (core/webhook_events.py)
        webhook_events.record(happened)
