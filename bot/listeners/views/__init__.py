"""Modal submissions (view_submission)."""
from slack_bolt import App

from bot.context import Bot
from bot.listeners.views import new_po, receive, reject, send


def register(app: App, bot: Bot) -> None:
    """The new PO, receipt, rejection and send-to-vendor forms."""
    new_po.register(app, bot)
    receive.register(app, bot)
    reject.register(app, bot)
    send.register(app, bot)
