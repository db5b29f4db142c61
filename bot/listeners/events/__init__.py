"""Events API events: mentions, DMs, the Home tab."""
from slack_bolt import App

from bot.context import Bot
from bot.listeners.events import home, messages


def register(app: App, bot: Bot) -> None:
    """Mentions and DMs, then the Home tab (the catch-all for other message events comes last)."""
    home.register(app, bot)
    messages.register(app, bot)
