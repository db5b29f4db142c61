"""Every listener of the bot, grouped by what Slack sends (bolt-python starter template layout)."""
from __future__ import annotations

from slack_bolt import App

from bot.context import Bot
from bot.listeners import actions, commands, events, options, views


def register(app: App, bot: Bot) -> None:
    """Register every listener; catch-alls go last (bolt runs the first listener that matches)."""
    commands.register(app, bot)
    actions.register(app, bot)
    views.register(app, bot)
    options.register(app, bot)
    events.register(app, bot)
