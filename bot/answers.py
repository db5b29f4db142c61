"""Answers to what people ask podesk (the `/po` command, mentions and DMs share them): help, a PO's
card, lists, "did you mean", a draft from a sentence, the dashboard link. Each answer is one core
query or action, rendered by a builder from bot/blocks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.blocks.card import SUBMIT, card_text, po_card_blocks
from bot.blocks.format import Reader, button, escape, section
from bot.blocks.help import did_you_mean_blocks, help_blocks
from bot.blocks.lists import LIST_LIMIT, exception_list_blocks, po_list_blocks
from bot.blocks.modals import OPEN_NEW, OPEN_RECEIVE, OPEN_SEND
from bot.context import Bot
from bot.drafts import read_sentence
from bot.explain import sentence
from bot.parse import Command, Dashboard, Help, List, New, NewPo, Receive, Show, Unknown
from core import queries, services, slack_bookkeeping
from core.errors import DomainError, PermissionDenied
from core.types import Role

OPEN_STATUSES = ("draft", "pending_approval", "approved", "rejected")
CARD_LINES = 10
NO_DASHBOARD = "The dashboard's address (PODESK_BASE_URL) is not set, so I cannot make a sign-in link. Ask an admin."


@dataclass(frozen=True)
class Reply:
    """A message: its notification text and its blocks; `private` when it is for the asker alone
    (a refusal), even where answers are otherwise posted for everyone (a channel's thread)."""

    text: str
    blocks: list[dict[str, Any]]
    private: bool = False


def say(text: str) -> Reply:
    """A one-section reply."""
    return Reply(text, [section(text)])


def card_buttons(card: dict[str, Any], user: Any) -> list[dict]:
    """What this user can do next from a PO's card: submit a complete draft, record goods, send it to the vendor."""
    role = Role(user.role)
    owner = card["requested_by"] and card["requested_by"]["id"] == user.id
    if card["status"] == "draft" and not card.get("submit_warnings") and (owner or role.at_least(Role.admin)):
        return [button("Submit for approval", SUBMIT, str(card["id"]), style="primary")]
    found = []
    if card["status"] == "approved" and role.at_least(Role.requester) and card.get("receipt_status") != "fully_received":
        found.append(button("Record a receipt", OPEN_RECEIVE, str(card["id"])))
    if card["status"] in ("approved", "closed") and role.at_least(Role.requester) and queries.mail_configured():
        found.append(button("Send to vendor", OPEN_SEND, str(card["id"])))
    return found


def card_reply(base_url: str | None, user: Any, po_id: int, *, intro: str | None = None) -> Reply:
    """A PO's card with the buttons this user may use."""
    card = queries.po_card(po_id, max_lines=CARD_LINES)
    reader = Reader.of(user)
    return Reply(card_text(card, reader), po_card_blocks(card, reader, base_url, intro=intro,
                                                         buttons=card_buttons(card, user)))


def unknown_po(number: str, *, slash: bool) -> Reply:
    """No PO has this number: the closest ones."""
    close = queries.closest_po_numbers(number)
    text = f"No PO is numbered “{escape(number)}”."
    if close:
        prefix = "/po " if slash else "status "
        text += " Did you mean " + " or ".join(f"`{prefix}{n}`" for n in close) + "?"
    return say(text)


def show(bot: Bot, user: Any, number: str, *, slash: bool) -> Reply:
    """`/po PO-00042`: the card, privately."""
    po_id = queries.po_id_by_number(number)
    return card_reply(bot.base_url, user, po_id) if po_id is not None else unknown_po(number, slash=slash)


def listing(bot: Bot, user: Any, scope: str) -> Reply:
    """`/po list mine|pending|exceptions`: up to 10, with how many more."""
    reader = Reader.of(user)
    if scope == "exceptions":
        items = queries.open_exceptions(limit=LIST_LIMIT)
        return Reply("Open exceptions", exception_list_blocks(items, queries.count_open_exceptions(), reader, bot.base_url))
    if scope == "pending" and Role(user.role).at_least(Role.approver):
        items = queries.waiting_for(user.id, limit=200)
        return Reply("Waiting for your approval", po_list_blocks(
            "Waiting for your approval", items, len(items), reader, bot.base_url, empty="Nothing is waiting for you. ✨",
            path="/purchase-orders?status=pending_approval"))
    if scope == "pending":
        flt = queries.PoFilter(status=("pending_approval",), per_page=LIST_LIMIT)
        title, empty, path = "Waiting for approval", "No PO is waiting for approval.", "/purchase-orders?status=pending_approval"
    else:
        flt = queries.PoFilter(status=OPEN_STATUSES, requested_by=(user.id,), per_page=LIST_LIMIT)
        title, empty, path = "My open POs", "You have no open POs. `/po new` raises one.", f"/purchase-orders?requested_by={user.id}"
    items, meta = queries.purchase_orders(flt)
    return Reply(title, po_list_blocks(title, items, meta["total"], reader, bot.base_url, empty=empty, path=path))


def draft(bot: Bot, user: Any, parsed: NewPo) -> Reply:
    """A draft PO from the sentence, or what could not be understood (nothing created then)."""
    reader = Reader.of(user)
    reading = read_sentence(parsed, reader)
    understood = ("*Understood:* " + " · ".join(reading.understood)) if reading.understood else "*Understood:* nothing yet"
    understood += ("\n*Assumed:* " + "; ".join(reading.assumed)) if reading.assumed else ""
    if reading.body is None:
        problems = "\n".join(f"• {p}" for p in reading.problems) or "• no lines"
        return Reply("No PO created", [section(f"No PO created yet.\n{understood}\n*Not understood:*\n{problems}")])
    try:
        created = services.create_po(user, reading.body, today=bot.today(user))
    except DomainError as error:
        return Reply("No PO created", [section(f"No PO created.\n{understood}\n{sentence(error, reader)}")],
                     private=isinstance(error, PermissionDenied))
    return card_reply(bot.base_url, user, created.po.id, intro=f"📝 Draft created from your message.\n{understood}")


def dashboard_link(bot: Bot, user: Any) -> Reply:
    """`/po dashboard`: the link goes by DM (made when it is sent, so no secret waits in the outbox)."""
    if not bot.base_url:
        return say(NO_DASHBOARD)
    slack_bookkeeping.tell_in_slack({"type": "dashboard_link", "user_id": user.id}, ordering=f"slack:user:{user.id}")
    return say("I've sent you a one-time sign-in link in a DM. It works once, for 10 minutes.")


def answer(bot: Bot, user: Any, command: Command, *, slash: bool) -> Reply:
    """The reply to a parsed command (the modal commands of `/po` are opened by its listener)."""
    if isinstance(command, Help):
        return Reply("podesk help", help_blocks())
    if isinstance(command, Show):
        return show(bot, user, command.po_number, slash=slash)
    if isinstance(command, List):
        return listing(bot, user, command.scope)
    if isinstance(command, NewPo):
        return draft(bot, user, command)
    if isinstance(command, Dashboard):
        return dashboard_link(bot, user)
    if isinstance(command, New):
        return Reply("New purchase order", [section("Raise a PO in a form:"), {"type": "actions", "elements": [
            button("New purchase order", OPEN_NEW, "new", style="primary")]}])
    if isinstance(command, Receive):
        po_id = queries.po_id_by_number(command.po_number)
        if po_id is None:
            return unknown_po(command.po_number, slash=slash)
        return card_reply(bot.base_url, user, po_id)
    assert isinstance(command, Unknown)
    return Reply("I did not understand", did_you_mean_blocks(command.text, [command.suggestion] if command.suggestion else [],
                                                            command.usage, slash=slash))
