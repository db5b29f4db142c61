"""Approval DMs: the request with Approve (behind a confirm dialog) and Reject, the same message
once decided ("✅ Approved by @x · time", no buttons), and the reminder of what still waits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.blocks.card import card_text, po_card_blocks
from bot.blocks.format import Reader, age, button, context, escape, link, money, moment, person, po_url, section, status_text

APPROVE = "approve_po"  # value: "<po id>:<level>:<round>"
REJECT = "reject_po"  # value: "<po id>:<level>:<round>" (opens the reason modal)
REMINDER_LIMIT = 20  # two blocks each, within a message's 50


@dataclass(frozen=True)
class Decision:
    """What an Approve/Reject button was shown for: a level of one submission (`round`) of a PO."""

    po_id: int
    level: int | None
    round: int | None  # None on buttons posted before rounds existed: core then checks the level only


def decision_value(po_id: int, level: int, round: int | None) -> str:
    """What an Approve/Reject button carries: the PO, the level and the round the approver was shown."""
    return f"{po_id}:{level}" + (f":{round}" if round is not None else "")


def read_decision_value(value: str) -> Decision:
    """The Decision in a button's value (or the reason modal's metadata); ValueError for anything else."""
    po, level, round_ = (str(value).split(":") + ["", ""])[:3]
    return Decision(int(po), int(level) if level else None, int(round_) if round_ else None)


def decision_buttons(po_id: int, po_number: str, level: int, round: int | None) -> list[dict]:
    """Approve (confirmed in a dialog first) and Reject."""
    confirm = {"title": {"type": "plain_text", "text": "Approve this PO?"},
               "text": {"type": "mrkdwn", "text": f"Approve *{escape(po_number)}* at level {level}? Everyone is told at once."},
               "confirm": {"type": "plain_text", "text": "Approve"}, "deny": {"type": "plain_text", "text": "Cancel"},
               "style": "primary"}
    value = decision_value(po_id, level, round)
    return [button("Approve", APPROVE, value, style="primary", confirm=confirm),
            button("Reject", REJECT, value, style="danger")]


def outcome_text(decision: str, by: dict | None, at: dt.datetime | None, reason: str | None, reader: Reader) -> str:
    """`✅ Approved by @x · 3 Mar, 10:42 CET` or `❌ Rejected by @x: reason`."""
    when = f" · {moment(at, reader)}" if at else ""
    if decision == "rejected":
        because = f": {escape(reason)}" if reason else ""
        return f"❌ Rejected by {person(by)}{because}{when}"
    return f"✅ Approved by {person(by)}{when}"


def _intro(card: dict[str, Any], level: int, *, asked: bool = False) -> str:
    count = len(card.get("levels") or []) or level
    verb = "asked" if asked else "asks"
    return f"{person(card.get('requested_by'))} {verb} you to approve *{escape(card['po_number'])}* (level {level} of {count})."


def approval_request_blocks(card: dict[str, Any], level: int, reader: Reader, base_url: str | None) -> list[dict]:
    """The DM asking an approver to decide `level` of the PO."""
    return po_card_blocks(card, reader, base_url, intro=_intro(card, level), show_missing=False,
                          buttons=decision_buttons(card["id"], card["po_number"], level, card.get("round")))


def decided_blocks(card: dict[str, Any], level: int, outcome: str, reader: Reader, base_url: str | None) -> list[dict]:
    """The same DM once its level is decided (or no longer waiting): no buttons, the outcome last."""
    return po_card_blocks(card, reader, base_url, intro=_intro(card, level, asked=True), show_missing=False, outcome=outcome)


def approval_text(card: dict[str, Any], reader: Reader) -> str:
    """The notification line of an approval DM."""
    return f"Approval needed: {card_text(card, reader)}"


def reminder_blocks(waiting: list[dict[str, Any]], hours: int, reader: Reader, base_url: str | None, *,
                    outcomes: dict[int, str] | None = None, count: int | None = None) -> list[dict]:
    """One reminder listing the POs waiting for this approver, each with its buttons (≤ 42 blocks);
    a PO in `outcomes` shows how its level ended instead (the reminder updated after a decision).
    `count`: how many it listed first, when `waiting` is only what is left of them."""
    outcomes = outcomes or {}
    count = len(waiting) if count is None else count
    blocks = [section(f"⏰ {count} purchase order{'s have' if count != 1 else ' has'} waited more than "
                      f"{hours} h for your decision:")]
    for item in waiting[:REMINDER_LIMIT]:
        url = po_url(base_url, item["id"])
        waited = f" · waiting {age(item['age'])}" if item.get("age") is not None else ""
        blocks.append(section(f"*{link(url, item['po_number'])}* — {escape(item.get('vendor_name') or 'no vendor')} · "
                              f"{money(item['total'], item['currency'], reader)} · {status_text(item)}{waited}"))
        if item["id"] in outcomes:
            blocks.append(context(outcomes[item["id"]]))
        else:
            blocks.append({"type": "actions", "block_id": f"remind_{item['id']}", "elements": decision_buttons(
                item["id"], item["po_number"], item["approval_level"], item.get("round"))})
    if count > REMINDER_LIMIT:
        more = f"… and {count - REMINDER_LIMIT} more"
        blocks.append(section(f"{more} — {link(base_url, 'see them in the dashboard')}" if base_url else more))
    return blocks
