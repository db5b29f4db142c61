"""Buttons that open or grow a form: New purchase order, Record a receipt, Send to vendor, Add a line.
Each is acknowledged first; the form opens after the ack (views.open, views.update)."""
from __future__ import annotations

import json
import logging
from typing import Any, Callable

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.modals import ADD_LINE, FIRST_LINES, OPEN_NEW, OPEN_RECEIVE, OPEN_SEND, new_po_modal
from bot.context import Bot, Later
from bot.forms import Form, new_po_form, receive_form, send_form, show_modal
from bot.listeners.actions._private import for_clicker, tell

log = logging.getLogger(__name__)


def _listen_to_opener(app: App, bot: Bot, action_id: str, form: Callable[[Any, dict], Form]) -> None:
    @app.action(action_id)
    def open_form(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """A form for the person who clicked (new PO, receipt of the card's PO, email to its vendor)."""
        ack()

        def offer(user: Any, later: Later) -> None:
            view, problem = form(user, action)
            if view is None:
                tell(body, user, problem, later)
            else:
                later(show_modal, client, body["trigger_id"], view, lambda text: tell(body, user, text))

        for_clicker(bot, client, body, offer)


def _grow(client: WebClient, bot: Bot, view: dict) -> None:
    lines = int(json.loads(view.get("private_metadata") or "{}").get("lines", FIRST_LINES)) + 1
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_po_modal(bot.today(), lines=lines))
    except (SlackApiError, SlackClientError, OSError):
        log.warning("could not add a line to a new PO form", exc_info=True)


def register(app: App, bot: Bot) -> None:
    """Listen for the form buttons."""
    forms = {  # button → the form it opens for this user (or why not)
        OPEN_NEW: lambda user, action: new_po_form(bot, user),
        OPEN_RECEIVE: lambda user, action: receive_form(bot, user, int(action["value"])),
        OPEN_SEND: lambda user, action: send_form(user, int(action["value"])),
    }
    for action_id, form in forms.items():
        _listen_to_opener(app, bot, action_id, form)

    @app.action(ADD_LINE)
    def add_line(ack: Ack, body: dict, client: WebClient) -> None:
        """One more line row; Slack keeps what was typed in fields whose block ids stay the same."""
        ack()
        bot.later(_grow, client, bot, body["view"])
