"""The Slack bot wired into podesk's processes: its HTTP endpoint on the web app, its outbox
channel, and Socket Mode (`podesk slack-socket`). web and bot never import each other; this does."""
from __future__ import annotations

import logging
import signal
import threading
from typing import TYPE_CHECKING

from core.config import Settings

if TYPE_CHECKING:
    from flask import Blueprint, Flask
    from slack_bolt import App

log = logging.getLogger(__name__)


def http_enabled(settings: Settings) -> bool:
    """True when requests from Slack come over HTTP: a bot token and a signing secret."""
    return bool(settings.slack_bot_token and settings.slack_signing_secret)


def slack_blueprint(bolt_app: "App") -> "Blueprint":
    """POST /slack/events: commands, clicks, forms, options and events, through bolt's Flask adapter."""
    from flask import Blueprint, request
    from slack_bolt.adapter.flask import SlackRequestHandler

    handler = SlackRequestHandler(bolt_app)
    blueprint = Blueprint("slack", __name__)
    # bolt reads the raw body itself (for the signature): nothing may touch request.form before it.
    blueprint.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    return blueprint


def mount(flask_app: "Flask", settings: Settings) -> bool:
    """Add the Slack endpoint to the web app when this deployment has Slack over HTTP."""
    if not http_enabled(settings):
        return False
    from bot.app import build_app

    bolt_app = build_app(settings)
    blueprint = slack_blueprint(bolt_app)
    flask_app.register_blueprint(blueprint)
    flask_app.extensions["slack_bolt"] = bolt_app  # its work after each answer can be waited for (bot.app.background_of)
    csrf = flask_app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(blueprint)  # Slack's signature authenticates every request; there is no cookie to forge
    return True


def install_channel(settings: Settings) -> bool:
    """Register the outbox's Slack channel (approval DMs and every other message) when Slack is configured."""
    if not settings.slack_enabled:
        return False
    from bot.channel import SlackChannel
    from core.delivery import DAY_POLICY, register

    # Retried for a day, like emails and webhooks: ten tries (about a quarter of an hour) gave up on
    # an approver's DM during an ordinary Slack outage. A DM is drawn when it leaves, so a late one
    # still shows the PO as it is.
    register("slack", SlackChannel(settings), DAY_POLICY)
    return True


def run_socket_mode(settings: Settings) -> None:
    """The bot over Socket Mode until SIGINT/SIGTERM, with the scheduler (unless PODESK_SCHEDULER=off)
    so its replies leave at once."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app
    from core.db import database
    from core.scheduler import Scheduler

    install_channel(settings)
    app = build_app(settings)

    @app.use
    def connected(next):  # noqa: A002 - bolt passes the rest of the chain by this name
        # Socket Mode runs listeners on its own threads: each gets a connection, given back after.
        with database.connection_context():
            next()

    scheduler = Scheduler() if settings.scheduler else None
    handler = SocketModeHandler(app, app_token=settings.slack_app_token)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if scheduler:
        scheduler.start()
    handler.connect()
    log.info("Slack bot connected over Socket Mode")
    try:
        stop.wait()
    finally:
        handler.close()
        if scheduler:
            scheduler.shutdown()
