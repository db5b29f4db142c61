"""Options for external selects (block_suggestion)."""
from slack_bolt import App

from bot.context import Bot
from bot.listeners.options import vendors


def register(app: App, bot: Bot) -> None:
    """The vendor picker."""
    vendors.register(app, bot)
