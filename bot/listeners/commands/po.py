"""`/po …`: every answer is private. The ack carries it when podesk can tell who typed the command
from its own records; otherwise the ack is empty and the answer follows through the command's
response_url once users.info has said. `new` and `receive` open their modals after the ack."""
from __future__ import annotations

from typing import Any, Callable

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.answers import Reply, answer, unknown_po
from bot.blocks.help import notice_blocks
from bot.context import Bot, Later, at_once, reply_privately
from bot.forms import new_po_form, receive_form, show_modal
from bot.parse import New, Receive, parse_command
from bot.people import identify, identify_locally
from core import queries

COMMAND = "/po"
Say = Callable[[Reply | None], None]  # the private answer (None: nothing to say, a modal opens)


def notice(text: str) -> Reply:
    """A line of text as a reply (blocks, so the ack's answer is JSON)."""
    return Reply(text, notice_blocks(text))


def respond(bot: Bot, client: WebClient, command: dict, user: Any | None, problem: str | None, say: Say, later: Later) -> None:
    """Answer one `/po` through `say`, once; the forms open through `later`."""
    if user is None:
        say(notice(problem))
        return
    parsed = parse_command(command.get("text") or "")
    if isinstance(parsed, New):
        view, problem = new_po_form(bot, user)
    elif isinstance(parsed, Receive):
        po_id = queries.po_id_by_number(parsed.po_number)
        if po_id is None:
            say(unknown_po(parsed.po_number, slash=True))
            return
        view, problem = receive_form(bot, user, po_id)
    else:
        say(answer(bot, user, parsed, slash=True))
        return
    if view is None:
        say(notice(problem))
        return
    say(None)
    later(show_modal, client, command["trigger_id"], view,
          lambda text: reply_privately(command.get("response_url"), text, notice_blocks(text)))


def register(app: App, bot: Bot) -> None:
    """Listen for `/po`."""

    @app.command(COMMAND)
    def po_command(ack: Ack, command: dict, client: WebClient) -> None:
        """Answer `/po` privately: in the ack, or after it when Slack must say who this is first."""
        who = identify_locally(command["user_id"])
        if who is not None:
            respond(bot, client, command, *who, lambda reply: ack(text=reply.text, blocks=reply.blocks) if reply else ack(),
                    bot.later)
            return
        ack()

        def after_users_info() -> None:
            def say(reply: Reply | None) -> None:
                if reply:
                    reply_privately(command.get("response_url"), reply.text, reply.blocks)
            respond(bot, client, command, *identify(client, command["user_id"]), say, at_once)

        bot.later(after_users_info)
