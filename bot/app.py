"""The Slack bot: a bolt App with every listener, built from the settings (no Slack call at build).

    app = build_app(settings)          # HTTP: podesk mounts it at POST /slack/events (Flask adapter)
    SocketModeHandler(app, settings.slack_app_token).start()   # or Socket Mode (`podesk slack-socket`)

Listeners ack first. process_before_response=True: a listener runs in the request's own thread and
the HTTP answer (the ack's body) leaves when it returns, so what a listener does before returning
is only what the answer needs and podesk's own records give at once: who this is (by Slack id),
one core action or query, the rendering. Every Web API call (users.info for someone seen the first
time, views.open, views.update, a response_url) goes to `Bot.later`, a small pool of threads that
runs it after the answer; DMs, replies to mentions and the Home tab leave through the outbox after
the commit. So the ack never waits on Slack, no request waits for a pool thread to come free (with
process_before_response=False bolt runs every listener on its pool and holds the answer until the
listener acks there), and an answer never races the work it reports. Socket Mode runs the same listeners, each acked over the socket
when it returns. An unexpected error is turned into a polite private answer (commands, clicks,
forms) by the error handler; for an event it stays a 500, so Slack redelivers it — and since the
event id is written in the same transaction as the answer, a redelivery after a failure is handled
afresh and one after a success changes nothing.
"""
from __future__ import annotations

import json
import logging
from typing import Callable

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot import listeners
from bot.blocks.modals import notice_modal
from bot.context import LISTENER_TIMEOUT, Background, Bot, reply_privately, web_client
from core.config import Settings

log = logging.getLogger(__name__)

SORRY = "Something went wrong on podesk's side, and nothing changed. Please try again; if it keeps happening, tell an admin."


def _on_error(bot: Bot) -> Callable[[Exception, dict], BoltResponse | None]:
    """The error handler of `bot`'s App."""

    def on_error(error: Exception, body: dict) -> BoltResponse | None:
        """A listener's unexpected error: a private apology where Slack shows one, a 500 (redelivery) for events."""
        log.error("Slack listener failed: %s", error, exc_info=error)
        kind = body.get("type")
        if body.get("command"):
            return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": SORRY}),
                                headers={"content-type": ["application/json;charset=utf-8"]})
        if kind == "view_submission":
            return BoltResponse(status=200, body=json.dumps({"response_action": "update", "view": notice_modal("Sorry", SORRY)}),
                                headers={"content-type": ["application/json;charset=utf-8"]})
        if kind in ("block_actions", "block_suggestion", "view_closed"):
            bot.later(reply_privately, body.get("response_url"), SORRY)
            return BoltResponse(status=200, body="")
        return None

    return on_error


def build_app(settings: Settings, *, client: WebClient | None = None) -> App:
    """The bolt App with podesk's listeners; `client` defaults to one at SLACK_API_URL."""
    client = client or web_client(settings, timeout=LISTENER_TIMEOUT)
    bot = Bot(settings, client)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",  # Socket Mode needs none: requests come over its socket
        # bolt would call auth.test while being built (a dead Slack would stop podesk from starting);
        # instead it asks once, on the first request that needs the bot's own user id, and keeps it.
        token_verification_enabled=False,
        process_before_response=True,
        listener_executor=bot.background,  # bolt's own work in the background (lazy listeners) gets a connection too
        logger=logging.getLogger("podesk.slack"),
    )
    listeners.register(app, bot)
    app.error(_on_error(bot))
    return app


def background_of(app: App) -> Background:
    """The threads an App built here runs its listeners' work after the answer on (to wait for them: `idle`)."""
    return app.listener_runner.listener_executor
