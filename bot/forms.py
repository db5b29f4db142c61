"""The modals (from `/po new`, `/po receive`, "Send to vendor", Reject and their buttons): checked
first, so a form is only shown to someone who may use it, for a PO it can be used on; opened after
the listener's answer (`later`), each with the problem told privately if Slack would not open it."""
from __future__ import annotations

from typing import Any, Callable

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
Form = tuple[dict | None, str | None]  # (the view to open, None), or (None, why not)


def show_modal(client: WebClient, trigger_id: str, view: dict, explain: Callable[[str], None]) -> None:
    """views.open (a trigger_id lasts 3 seconds and opens one view); `explain` says it failed."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError):
        explain(FORM_FAILED)


def new_po_form(bot: Bot, user: Any) -> Form:
    """The new PO form, for requesters and above; what stops it otherwise."""
    try:
        services.require_role(user, Role.requester, "creating purchase orders")
    except DomainError as error:
        return None, sentence(error, Reader.of(user))
    return new_po_modal(bot.today(user)), None


def receive_form(bot: Bot, user: Any, po_id: int) -> Form:
    """The receipt form of an approved PO with something still to receive; what stops it otherwise."""
    reader = Reader.of(user)
    try:
        services.require_role(user, Role.requester, "recording receipts")
        po = queries.purchase_order(po_id)
    except DomainError as error:
        return None, sentence(error, reader)
    number = escape(po["po_number"])
    if po["status"] != "approved":
        return None, f"Goods can only be received on an approved PO; *{number}* is {STATUS.get(po['status'], po['status']).lower()}."
    if not open_lines(po):
        return None, f"Everything ordered on *{number}* has been received."
    return receive_modal(po, reader, bot.today(user)), None


def send_form(user: Any, po_id: int) -> Form:
    """The "Send to vendor" form of an approved or closed PO, when email is set up; what stops it otherwise."""
    reader = Reader.of(user)
    try:
        services.require_role(user, Role.requester, "sending purchase orders")
        po = queries.po_card(po_id)
    except DomainError as error:
        return None, sentence(error, reader)
    if not queries.mail_configured():
        return None, "Sending POs by email is not set up in podesk yet (an admin sets PODESK_SMTP_URL)."
    if po["status"] not in ("approved", "closed"):
        return None, (f"Only an approved PO can be sent to its vendor; *{escape(po['po_number'])}* is "
                      f"{STATUS.get(po['status'], po['status']).lower()}.")
    return send_modal(po, queries.email_draft(po_id, user.locale)), None
