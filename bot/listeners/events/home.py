"""The Home tab: published through the outbox for whoever opened it (once per event, even when
Slack redelivers it)."""
from __future__ import annotations

from slack_bolt import App

from bot.context import Bot
from core import slack_bookkeeping


def register(app: App, bot: Bot) -> None:
    """Listen for app_home_opened."""

    @app.event("app_home_opened")
    def home_opened(body: dict, event: dict) -> None:
        """Publish the Home tab (not for the Messages tab, which fires this event too)."""
        if event.get("tab") != "home" or not event.get("user"):
            return
        slack_id = event["user"]
        slack_bookkeeping.once_per_slack_event(body["event_id"], lambda: slack_bookkeeping.tell_in_slack(
            {"type": "home", "slack_id": slack_id}, ordering=f"slack:home:{slack_id}"))
