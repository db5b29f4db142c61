"""Mentions (`@podesk status PO-00042`) and DMs: the same answers as `/po`, in the thread.

Each event is handled once (its id is written in the transaction of the answer, so Slack's
redeliveries, even after a restart, change nothing) and the answer leaves through the outbox."""
from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers import Reply, answer
from bot.blocks.format import section
from bot.context import Bot
from bot.parse import parse_message
from bot.people import identify
from core import slack_bookkeeping


def _post(channel: str, thread_ts: str | None, reply: Reply) -> None:
    slack_bookkeeping.tell_in_slack({"type": "post", "channel": channel, "thread_ts": thread_ts, "text": reply.text,
                            "blocks": reply.blocks}, ordering=f"slack:channel:{channel}")


def _handle(bot: Bot, client: WebClient, body: dict, event: dict, *, thread_ts: str | None, in_dm: bool) -> None:
    user, problem = identify(client, event["user"])
    channel = event["channel"]

    def work() -> None:
        """Answer (inside the transaction that records the event id)."""
        if user is not None:
            _post(channel, thread_ts, answer(bot, user, parse_message(event.get("text") or ""), slash=False))
        elif in_dm:
            _post(channel, thread_ts, Reply(problem, [section(problem)]))
        else:
            slack_bookkeeping.tell_in_slack({"type": "ephemeral", "channel": channel, "slack_user": event["user"], "text": problem},
                                   ordering=f"slack:channel:{channel}")

    slack_bookkeeping.once_per_slack_event(body["event_id"], work)


def register(app: App, bot: Bot) -> None:
    """Listen for mentions and DMs."""

    @app.event("app_mention")
    def mentioned(body: dict, event: dict, client: WebClient) -> None:
        """Answer in the mention's thread."""
        if event.get("user") and not event.get("bot_id"):
            _handle(bot, client, body, event, thread_ts=event.get("thread_ts") or event.get("ts"), in_dm=False)

    @app.event("message")
    def direct_message(body: dict, event: dict, client: WebClient) -> None:
        """Answer a person's DM; every other message event (edits, bots, channels) is acknowledged only."""
        if event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id") and event.get("user"):
            _handle(bot, client, body, event, thread_ts=event.get("thread_ts"), in_dm=True)

