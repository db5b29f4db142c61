"""Mentions (`@podesk status PO-00042`) and DMs: the same answers as `/po`, in the thread; in a
channel, what is for the writer only (a refusal: the role it needs) goes to them alone.

Each event is handled once (its id is written in the transaction of the answer, so Slack's
redeliveries, even after a restart, change nothing) and the answer leaves through the outbox."""
from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers import Reply, answer, say
from bot.context import Bot
from bot.parse import parse_message
from bot.people import with_person
from core import slack_bookkeeping


def _post(channel: str, thread_ts: str | None, reply: Reply) -> None:
    slack_bookkeeping.tell_in_slack({"type": "post", "channel": channel, "thread_ts": thread_ts, "text": reply.text,
                            "blocks": reply.blocks}, ordering=f"slack:channel:{channel}")


def _only_to(slack_id: str, channel: str, thread_ts: str | None, reply: Reply) -> None:
    slack_bookkeeping.tell_in_slack({"type": "ephemeral", "channel": channel, "slack_user": slack_id, "thread_ts": thread_ts,
                            "text": reply.text, "blocks": reply.blocks}, ordering=f"slack:channel:{channel}")


def _handle(bot: Bot, client: WebClient, body: dict, event: dict, *, thread_ts: str | None, in_dm: bool) -> None:
    channel = event["channel"]

    def work(user: Any | None, problem: str | None) -> None:
        """Answer (inside the transaction that records the event id): in the thread, except what
        is for this person only in a channel (a refusal, or that they are not in podesk)."""
        reply = answer(bot, user, parse_message(event.get("text") or ""), slash=False) if user is not None else say(problem)
        if in_dm or not (reply.private or user is None):
            _post(channel, thread_ts, reply)
        else:
            _only_to(event["user"], channel, thread_ts, reply)

    # Now when podesk knows who wrote (a failure is a 500, and Slack redelivers), else after users.info.
    with_person(bot, client, event["user"], lambda user, problem, later: slack_bookkeeping.once_per_slack_event(
        body["event_id"], lambda: work(user, problem)))


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

