"""Slash commands."""
from slack_bolt import App

from bot.context import Bot
from bot.listeners.commands import po


def register(app: App, bot: Bot) -> None:
    """The `/po` command."""
    po.register(app, bot)
