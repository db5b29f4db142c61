"""Opening the modals (from `/po new`, `/po receive`, "Send to vendor" and their buttons): checked first, so a form
is only shown to someone who may use it, for a PO it can be used on."""
from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.format import STATUS, Reader, escape
from bot.blocks.modals import new_po_modal, open_lines, receive_modal, send_modal
from bot.context import Bot
from bot.explain import sentence
from core import queries, services
from core.errors import DomainError
from core.types import Role

FORM_FAILED = "Slack did not open the form just now (it may be busy). Please try again."


def show_modal(client: WebClient, trigger_id: str, view: dict) -> str | None:
    """views.open right away (a trigger_id lasts 3 seconds and opens one view); a problem, or None."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError):
        return FORM_FAILED
    return None


def open_new_po(bot: Bot, client: WebClient, user: Any, trigger_id: str) -> str | None:
    """The new PO form, for requesters and above; what stopped it otherwise."""
    try:
        services.require_role(user, Role.requester, "creating purchase orders")
    except DomainError as error:
        return sentence(error, Reader.of(user))
    return show_modal(client, trigger_id, new_po_modal(bot.today(user)))


def open_receive(bot: Bot, client: WebClient, user: Any, po_id: int, trigger_id: str) -> str | None:
    """The receipt form of an approved PO with something still to receive; what stopped it otherwise."""
    reader = Reader.of(user)
    try:
        services.require_role(user, Role.requester, "recording receipts")
        po = queries.purchase_order(po_id)
    except DomainError as error:
        return sentence(error, reader)
    number = escape(po["po_number"])
    if po["status"] != "approved":
        return f"Goods can only be received on an approved PO; *{number}* is {STATUS.get(po['status'], po['status']).lower()}."
    if not open_lines(po):
        return f"Everything ordered on *{number}* has been received."
    return show_modal(client, trigger_id, receive_modal(po, reader, bot.today(user)))


def open_send(client: WebClient, user: Any, po_id: int, trigger_id: str) -> str | None:
    """The "Send to vendor" form of an approved or closed PO, when email is set up; what stopped it otherwise."""
    reader = Reader.of(user)
    try:
        services.require_role(user, Role.requester, "sending purchase orders")
        po = queries.po_card(po_id)
    except DomainError as error:
        return sentence(error, reader)
    if not queries.mail_configured():
        return "Sending POs by email is not set up in podesk yet (an admin sets PODESK_SMTP_URL)."
    if po["status"] not in ("approved", "closed"):
        return f"Only an approved PO can be sent to its vendor; *{escape(po['po_number'])}* is {STATUS.get(po['status'], po['status']).lower()}."
    return show_modal(client, trigger_id, send_modal(po, queries.email_draft(po_id, user.locale)))
