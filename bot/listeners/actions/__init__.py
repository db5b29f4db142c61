"""Button clicks (block_actions)."""
import re

from slack_bolt import Ack, App

from bot.context import Bot
from bot.listeners.actions import decide, forms, submit


def register(app: App, bot: Bot) -> None:
    """Approve, Reject, Submit, the buttons that open forms, and a catch-all that only acknowledges."""
    decide.register(app, bot)
    submit.register(app, bot)
    forms.register(app, bot)

    @app.action(re.compile(".*"))
    def anything_else(ack: Ack) -> None:
        """A click podesk has nothing to do for (a link button): acknowledged, so Slack shows no error."""
        ack()
