"""How each Slack message type is rendered and sent, from podesk's state at delivery time.

Types written by core (core/notifications.py, core/reminders.py): approval_request,
approval_decided, requester_update, invoice_exception, approval_reminder. Types the bot queues
(core.slack_bookkeeping.tell_in_slack): po_card, card_update, receipt, post, ephemeral, notice,
dashboard_link, home.
"""
from __future__ import annotations

from typing import Any

from bot.answers import NO_DASHBOARD, card_reply
from bot.blocks.approval import (
    REMINDER_LIMIT,
    approval_request_blocks,
    approval_text,
    decided_blocks,
    outcome_text,
    reminder_blocks,
)
from bot.blocks.card import card_text, quantity
from bot.blocks.format import STATUS, Reader, escape, link, person, section
from bot.blocks.home import home_blocks, stranger_home_blocks
from bot.blocks.invoices import invoice_exception_blocks
from bot.channel import SlackChannel
from bot.people import CannotIdentify, acting_user
from core import queries, services, slack_bookkeeping
from core.delivery import DeliveryFailed, Message
from core.errors import NotFound
from core.types import Role

HOME_FETCH = 200


def _card(po_id: int, lines: int = 5) -> dict | None:
    try:
        return queries.po_card(po_id, max_lines=lines)
    except NotFound:
        return None  # the PO was deleted: nothing left to say about it


def _level(card: dict, approval_id: int, round: int | None) -> dict | None:
    """The card's level a message was about: the same row of the same submission (round None: any)."""
    if round is not None and card.get("round") != round:
        return None  # submitted again since: that round's levels are gone
    return next((level for level in card["levels"] if level["approval_id"] == approval_id), None)


def _outcome(card: dict, approval_id: int, round: int | None, user: Any, reader: Reader) -> str | None:
    """How the level a DM asked `user` about ended ("✅ Approved by …"); None while it waits for them."""
    level = _level(card, approval_id, round)
    if level and level["decision"]:
        return outcome_text(level["decision"], level["decided_by"], level["decided_at"], level["comment"], reader)
    waiting = (level is not None and card["status"] == "pending_approval" and card["approval_level"] == level["level"]
               and any(a["id"] == user.id for a in level["approvers"]))
    if waiting:
        return None
    if level is None and card["status"] == "pending_approval":
        return "No longer waiting: this request was for an earlier submission; the PO was submitted again and its approvers asked anew."
    return f"No longer waiting for you: the PO is {STATUS.get(card['status'], card['status']).lower()}."


def _approval_blocks(ch: SlackChannel, card: dict, payload: dict, user: Any, reader: Reader) -> list[dict]:
    """The request while it waits for this user; else how it ended."""
    outcome = _outcome(card, payload["approval_id"], payload.get("round"), user, reader)
    if outcome is None:
        return approval_request_blocks(card, payload["level"], reader, ch.base_url)
    return decided_blocks(card, payload["level"], outcome, reader, ch.base_url)


def approval_request(ch: SlackChannel, m: Message) -> None:
    """DM an approver the PO card with Approve and Reject; remember where, to update it later."""
    p, found, card = m.payload, ch.recipient(m.payload["user_id"]), _card(m.payload["po_id"])
    if found is None or card is None:
        return
    user, slack_id = found
    reader = Reader.of(user)
    blocks, text = _approval_blocks(ch, card, p, user, reader), approval_text(card, reader)
    earlier = queries.slack_message(m.key)
    if earlier and ch.update(earlier["channel"], earlier["ts"], text, blocks):
        return
    posted = ch.post(slack_id, text, blocks)
    slack_bookkeeping.remember_slack_messages([{"key": m.key, "po_id": card["id"], "approval_id": p["approval_id"],
                                       "round": p.get("round") or 0, "user_id": user.id, "channel": posted["channel"],
                                       "ts": posted["ts"]}])


def approval_decided(ch: SlackChannel, m: Message) -> None:
    """Update every DM of that level in place, requests and reminders: the decision, who, when; no buttons."""
    p, card = m.payload, _card(m.payload["po_id"])
    if card is None:
        return
    decider = queries.user(p["by_user_id"]) if p.get("by_user_id") else None
    by = {"name": decider.name, "slack_id": decider.slack_id} if decider else None
    level = _level(card, p["approval_id"], p.get("round"))
    at = (level or {}).get("decided_at") or m.created_at
    reminders = set()
    for dm in queries.slack_messages(card["id"], approval_id=p["approval_id"], round=p.get("round")):
        if dm["kind"] == "reminder":
            reminders.add((dm["channel"], dm["ts"], dm["user_id"]))
            continue
        reader = Reader.of(queries.user(dm["user_id"]))
        outcome = outcome_text(p["decision"], by, at, p.get("reason"), reader)
        ch.update(dm["channel"], dm["ts"], f"{outcome} · {card_text(card, reader)}",
                  decided_blocks(card, p["level"], outcome, reader, ch.base_url))
    for channel, ts, user_id in sorted(reminders):
        _refresh_reminder(ch, channel, ts, queries.user(user_id))


def _latest_decision(card: dict) -> dict | None:
    decided = [level for level in card["levels"] if level["decision"]]
    return max(decided, key=lambda level: (level["decided_at"], level["level"])) if decided else None


def requester_update(ch: SlackChannel, m: Message) -> None:
    """Tell the requester a level was approved, the PO approved, or rejected (and why)."""
    p, found, card = m.payload, ch.recipient(m.payload["user_id"]), _card(m.payload["po_id"])
    if found is None or card is None:
        return
    user, slack_id = found
    level, number = _latest_decision(card), escape(card["po_number"])
    by = person(level["decided_by"]) if level else "an approver"
    if p["what"] == "rejected":
        why = f": {escape(level['comment'])}" if level and level.get("comment") else ""
        intro = f"❌ *{number}* was rejected by {by}{why}\nChange it in the dashboard and submit it again."
    elif p["what"] == "approved":
        intro = f"✅ *{number}* is approved (last decision by {by})."
    else:
        waiting = next((l for l in card["levels"] if l["level"] == card["approval_level"]), None)
        names = ", ".join(person(a) for a in (waiting or {}).get("approvers", []))
        intro = f"✅ Level {level['level'] if level else ''} of *{number}* approved by {by}; now waiting for {names or 'the next level'}."
    reply = card_reply(ch.base_url, user, card["id"], intro=intro)
    ch.post(slack_id, reply.text, reply.blocks)


def invoice_exception(ch: SlackChannel, m: Message) -> None:
    """Tell the requester an invoice on their PO did not match, why, and where to look."""
    p, found, card = m.payload, ch.recipient(m.payload["user_id"]), _card(m.payload["po_id"])
    try:
        invoice = queries.invoice(p["invoice_id"])
    except NotFound:
        return
    if found is None or card is None or invoice["match_status"] != "exception":
        return  # matched or accepted since: nothing to tell
    user, slack_id = found
    ch.post(slack_id, escape(f"Invoice {invoice['invoice_number']} did not match {card['po_number']}"),
            invoice_exception_blocks(invoice, card, Reader.of(user), ch.base_url))


def _reminder_hours() -> int:
    return max(1, int(queries.settings()["approval_reminder_hours"]))


def approval_reminder(ch: SlackChannel, m: Message) -> None:
    """Remind an approver of what still waits for them (only what still does); remember each PO it
    lists, so a decision on one updates this reminder in place like the level's other DMs."""
    p, found = m.payload, ch.recipient(m.payload["user_id"])
    if found is None:
        return
    user, slack_id = found
    wanted = set(p["po_ids"])
    waiting = [item for item in queries.waiting_for(user.id, limit=HOME_FETCH) if item["id"] in wanted]
    if not waiting:
        return
    keys = [f"{m.key}:{item['id']}" for item in waiting]  # one row per PO listed, all at the same message
    text = f"⏰ {len(waiting)} PO(s) waiting for your decision"
    blocks = reminder_blocks(waiting, p["hours"], Reader.of(user), ch.base_url)
    earlier = queries.slack_message(*keys)
    if earlier and ch.update(earlier["channel"], earlier["ts"], text, blocks):
        posted = earlier
    else:
        posted = ch.post(slack_id, text, blocks)
    slack_bookkeeping.remember_slack_messages([
        {"key": key, "kind": "reminder", "po_id": item["id"], "approval_id": item["approval_id"], "round": item["round"],
         "user_id": user.id, "channel": posted["channel"], "ts": posted["ts"]} for key, item in zip(keys, waiting)])


def _refresh_reminder(ch: SlackChannel, channel: str, ts: str, user: Any) -> None:
    """Re-render a posted reminder: each PO it listed with its buttons while its level still waits
    for this approver, else how that level ended."""
    if user is None:
        return
    reader, listed = Reader.of(user), queries.slack_reminder(channel, ts)
    items, outcomes = [], {}
    for row in listed[:REMINDER_LIMIT]:
        card = _card(row["po_id"], lines=0)
        if card is None:
            continue
        items.append({**card, "round": row["round"]})
        outcome = _outcome(card, row["approval_id"], row["round"], user, reader)
        if outcome is not None:
            outcomes[card["id"]] = outcome
    waiting = len(items) - len(outcomes)
    ch.update(channel, ts, f"⏰ {waiting} PO(s) waiting for your decision",
              reminder_blocks(items, _reminder_hours(), reader, ch.base_url, outcomes=outcomes, count=len(listed)))


def po_card(ch: SlackChannel, m: Message) -> None:
    """DM a user a PO's card (a draft they made in a modal), with what they can do next."""
    found = ch.recipient(m.payload["user_id"])
    if found is None or _card(m.payload["po_id"]) is None:
        return
    user, slack_id = found
    reply = card_reply(ch.base_url, user, m.payload["po_id"], intro=m.payload.get("intro"))
    ch.post(slack_id, reply.text, reply.blocks)


def card_update(ch: SlackChannel, m: Message) -> None:
    """Re-render a card message in place (after its Submit button was used)."""
    p, user = m.payload, queries.user(m.payload["user_id"])
    if user is None or _card(p["po_id"]) is None:
        return
    reply = card_reply(ch.base_url, user, p["po_id"], intro=p.get("intro"))
    ch.update(p["channel"], p["ts"], reply.text, reply.blocks)


def receipt(ch: SlackChannel, m: Message) -> None:
    """Confirm a receipt to the person who recorded it."""
    p, found = m.payload, ch.recipient(m.payload["user_id"])
    if found is None or _card(p["po_id"]) is None:
        return
    user, slack_id = found
    got, reader = queries.receipt(p["receipt_id"]), Reader.of(user)
    lines = ", ".join(f"{quantity(line['quantity'], reader)} × {escape(line['identifier'])}" for line in got["lines"][:10])
    more = f" and {len(got['lines']) - 10} more lines" if len(got["lines"]) > 10 else ""
    reply = card_reply(ch.base_url, user, p["po_id"], intro=f"📦 Receipt recorded: {lines}{more}.")
    ch.post(slack_id, reply.text, reply.blocks)


def post(ch: SlackChannel, m: Message) -> None:
    """A reply the bot rendered already (to a mention or a DM), in its channel and thread."""
    p = m.payload
    ch.post(p["channel"], p["text"], p["blocks"], thread_ts=p.get("thread_ts"))


def ephemeral(ch: SlackChannel, m: Message) -> None:
    """A message only one person in a channel sees (in a thread, when it answers one)."""
    p = m.payload
    kwargs = {"thread_ts": p["thread_ts"]} if p.get("thread_ts") else {}
    ch.client.chat_postEphemeral(channel=p["channel"], user=p["slack_user"], text=p["text"],
                                 blocks=p.get("blocks") or [section(p["text"])], **kwargs)


def notice(ch: SlackChannel, m: Message) -> None:
    """A line of text in a user's DM."""
    found = ch.recipient(m.payload["user_id"])
    if found is not None:
        ch.post(found[1], m.payload["text"], [section(m.payload["text"])])


def dashboard_link(ch: SlackChannel, m: Message) -> None:
    """A one-time sign-in link, made now, so no secret ever waits in the outbox."""
    found = ch.recipient(m.payload["user_id"])
    if found is None:
        return
    user, slack_id = found
    if not ch.base_url:
        text = NO_DASHBOARD
    else:
        token = services.issue_sign_in_link(user)
        url = f"{ch.base_url}/sign-in/link/{token}"
        text = f"{link(url, 'Open the podesk dashboard')} — this link signs you in once and expires in 10 minutes."
    ch.post(slack_id, "Your sign-in link", [section(text)])


def home(ch: SlackChannel, m: Message) -> None:
    """Publish the Home tab for the role of whoever opened it."""
    slack_id = m.payload["slack_id"]
    try:
        user = acting_user(ch.client, slack_id)
    except CannotIdentify as exc:
        raise DeliveryFailed(f"users.info failed: {exc}") from exc
    if user is None:
        blocks = stranger_home_blocks()
    else:
        role, reader = Role(user.role), Reader.of(user)
        approver = role.at_least(Role.approver)
        blocks = home_blocks(
            user, reader, ch.base_url,
            waiting=queries.waiting_for(user.id, limit=HOME_FETCH) if approver else None,
            mine=queries.open_pos_of(user.id, limit=HOME_FETCH) if role.at_least(Role.requester) else None,
            exceptions=queries.open_exceptions(limit=HOME_FETCH) if approver else None)
    ch.client.views_publish(user_id=slack_id, view={"type": "home", "blocks": blocks})


HANDLERS = {
    "approval_request": approval_request, "approval_decided": approval_decided, "requester_update": requester_update,
    "invoice_exception": invoice_exception, "approval_reminder": approval_reminder, "po_card": po_card,
    "card_update": card_update, "receipt": receipt, "post": post, "ephemeral": ephemeral, "notice": notice,
    "dashboard_link": dashboard_link, "home": home,
}
