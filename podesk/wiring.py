"""Where the faces and the channels are put together: every process (web, worker, serve, demo) builds
itself from here, so each has the same outbox channels and the web app the same faces."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from core.config import Settings

if TYPE_CHECKING:
    from flask import Flask
    from peewee import Database


def install_channels(settings: Settings) -> list[str]:
    """Register the outbox channel of every outside service this deployment is configured for;
    returns their kinds. Messages for a kind are only written when its channel is registered."""
    from core import outbox
    from core.channels.email import EmailChannel
    from core.channels.webhook import WebhookChannel
    from podesk import slack

    kinds = ["slack"] if slack.install_channel(settings) else []
    if settings.smtp_url:  # without it, sending a PO answers 409 mail_not_configured
        outbox.register("email", EmailChannel(settings.smtp_url, settings.resolved_mail_from), outbox.DAY_POLICY)
        kinds.append("email")
    # Webhooks need no configuration: with none subscribed, an event writes nothing.
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    kinds.append("webhook")
    return kinds


def build_web_app(settings: Settings, *, db: "Database | None" = None,
                  scheduler_running: Callable[[], bool] | None = None) -> "Flask":
    """The web app with every face this deployment has (the API always)."""
    from podesk import slack
    from web import create_app

    install_channels(settings)
    app = create_app(settings, db=db, scheduler_running=scheduler_running)
    slack.mount(app, settings)
    return app
