"""`/po …`: every answer is private (the ack's body is an ephemeral message), `new` and `receive`
open their modals."""
from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.answers import answer, unknown_po
from bot.blocks.help import notice_blocks
from bot.context import Bot
from bot.forms import open_new_po, open_receive
from bot.parse import New, Receive, parse_command
from bot.people import identify
from core import queries

COMMAND = "/po"


def _privately(ack: Ack, text: str | None) -> None:
    """The ack's body as an ephemeral message (blocks, so the answer is JSON); an empty one for None."""
    if text:
        ack(text=text, blocks=notice_blocks(text))
    else:
        ack()


def register(app: App, bot: Bot) -> None:
    """Listen for `/po`."""

    @app.command(COMMAND)
    def po_command(ack: Ack, command: dict, client: WebClient) -> None:
        """Answer `/po` privately. The ack carries the answer, so it comes last; with
        process_before_response the HTTP answer leaves when this returns, whatever the order."""
        user, problem = identify(client, command["user_id"])
        if user is None:
            _privately(ack, problem)
            return
        parsed = parse_command(command.get("text") or "")
        if isinstance(parsed, New):
            problem = open_new_po(bot, client, user, command["trigger_id"])
            _privately(ack, problem)
            return
        if isinstance(parsed, Receive):
            po_id = queries.po_id_by_number(parsed.po_number)
            if po_id is None:
                reply = unknown_po(parsed.po_number, slash=True)
                ack(text=reply.text, blocks=reply.blocks)
                return
            problem = open_receive(bot, client, user, po_id, command["trigger_id"])
            _privately(ack, problem)
            return
        reply = answer(bot, user, parsed, slash=True)
        ack(text=reply.text, blocks=reply.blocks)
