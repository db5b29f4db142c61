"""The Slack bot: a bolt App with every listener, built from the settings (no Slack call at build).

    app = build_app(settings)          # HTTP: podesk mounts it at POST /slack/events (Flask adapter)
    SocketModeHandler(app, settings.slack_app_token).start()   # or Socket Mode (`podesk slack-socket`)

process_before_response=True: a listener runs in the request's own thread and the HTTP answer
(the ack's body) leaves when it returns. podesk's listeners are short by design — identify the
person, one core action or query, render — and everything slow goes through the outbox after the
commit (DMs, updates, replies to mentions, the Home tab); only views.open (its trigger_id expires
in 3 s) and the private answer to a refused click call Slack from a listener, with a short timeout.
So there is no hidden five-thread pool for acks to starve in, database work keeps the request's
connection handling, and an answer never races the work it reports. An unexpected error is turned
into a polite private answer (commands, clicks, forms) by `_on_error`; for an event it stays a 500,
so Slack redelivers it — and since the event id is written in the same transaction as the answer,
a redelivery after a failure is handled afresh and one after a success changes nothing.
"""
from __future__ import annotations

import json
import logging

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot import listeners
from bot.blocks.modals import notice_modal
from bot.context import LISTENER_TIMEOUT, Bot, reply_privately, web_client
from core.config import Settings

log = logging.getLogger(__name__)

SORRY = "Something went wrong on podesk's side, and nothing changed. Please try again; if it keeps happening, tell an admin."


def _on_error(error: Exception, body: dict) -> BoltResponse | None:
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
        reply_privately(body.get("response_url"), SORRY)
        return BoltResponse(status=200, body="")
    return None


def build_app(settings: Settings, *, client: WebClient | None = None) -> App:
    """The bolt App with podesk's listeners; `client` defaults to one at SLACK_API_URL."""
    client = client or web_client(settings, timeout=LISTENER_TIMEOUT)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",  # Socket Mode needs none: requests come over its socket
        # bolt would call auth.test while being built (a dead Slack would stop podesk from starting);
        # instead it asks once, on the first request that needs the bot's own user id, and keeps it.
        token_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("podesk.slack"),
    )
    listeners.register(app, Bot(settings, client))
    app.error(_on_error)
    return app
