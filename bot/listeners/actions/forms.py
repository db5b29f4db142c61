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


def _listen_to_opener(app: App, action_id: str, opener) -> None:
    @app.action(action_id)
    def open_form(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """A form for the person who clicked (new PO, receipt of the card's PO, email to its vendor)."""
        ack()
        user, problem = identify(client, body["user"]["id"])
        problem = problem or opener(client, user, action, body["trigger_id"])
        if problem:
            tell(body, user, problem)


def register(app: App, bot: Bot) -> None:
    """Listen for the form buttons."""
    opens = {  # button → what opens its form (None when it opened, else why not)
        OPEN_NEW: lambda client, user, action, trigger: open_new_po(bot, client, user, trigger),
        OPEN_RECEIVE: lambda client, user, action, trigger: open_receive(bot, client, user, int(action["value"]), trigger),
        OPEN_SEND: lambda client, user, action, trigger: open_send(client, user, int(action["value"]), trigger),
    }
    for action_id, opener in opens.items():
        _listen_to_opener(app, action_id, opener)

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
