"""Buttons that open or grow a form: New purchase order, Record a receipt, Send to vendor, Add a line."""
from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.modals import ADD_LINE, FIRST_LINES, OPEN_NEW, OPEN_RECEIVE, OPEN_SEND, new_po_modal
from bot.context import Bot
from bot.forms import open_new_po, open_receive, open_send
from bot.listeners.actions._private import tell
from bot.people import identify

log = logging.getLogger(__name__)


def register(app: App, bot: Bot) -> None:
    """Listen for the form buttons."""

    @app.action(OPEN_NEW)
    def open_new(ack: Ack, body: dict, client: WebClient) -> None:
        """The new PO form (from a reply to `new` in a mention or DM)."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        problem = problem or open_new_po(bot, client, user, body["trigger_id"])
        if problem:
            tell(body, user, problem)

    @app.action(OPEN_RECEIVE)
    def open_receipt(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """The receipt form of the card's PO."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        problem = problem or open_receive(bot, client, user, int(action["value"]), body["trigger_id"])
        if problem:
            tell(body, user, problem)

    @app.action(OPEN_SEND)
    def open_sending(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """The email form of the card's PO, the vendor's address prefilled."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        problem = problem or open_send(client, user, int(action["value"]), body["trigger_id"])
        if problem:
            tell(body, user, problem)

    @app.action(ADD_LINE)
    def add_line(ack: Ack, body: dict, client: WebClient) -> None:
        """One more line row; Slack keeps what was typed in fields whose block ids stay the same."""
        ack()
        view = body["view"]
        lines = int(json.loads(view.get("private_metadata") or "{}").get("lines", FIRST_LINES)) + 1
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_po_modal(bot.today(), lines=lines))
        except (SlackApiError, SlackClientError, OSError):
            log.warning("could not add a line to a new PO form", exc_info=True)
