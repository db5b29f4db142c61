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
    from podesk import slack

    return ["slack"] if slack.install_channel(settings) else []


def build_web_app(settings: Settings, *, db: "Database | None" = None,
                  scheduler_running: Callable[[], bool] | None = None) -> "Flask":
    """The web app with every face this deployment has (the API always)."""
    from podesk import slack
    from web import create_app

    install_channels(settings)
    app = create_app(settings, db=db, scheduler_running=scheduler_running)
    slack.mount(app, settings)
    return app
