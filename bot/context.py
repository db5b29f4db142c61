"""What every listener and the outbox channel share: the settings and a Web API client."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from core.config import Settings

log = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api/"
LISTENER_TIMEOUT = 2.5  # a listener's call to Slack happens before the HTTP answer: Slack waits 3 s
DELIVERY_TIMEOUT = 10.0


def web_client(settings: Settings, *, timeout: float) -> WebClient:
    """A Web API client at SLACK_API_URL (or Slack's), without rate-limit sleeps: a 429 surfaces
    as an error, so a listener answers at once and the outbox retries after Retry-After."""
    base = settings.slack_api_url or SLACK_API
    return WebClient(token=settings.slack_bot_token, base_url=base if base.endswith("/") else base + "/", timeout=timeout)


@dataclass
class Bot:
    """The bot's settings and the client its listeners call Slack with (views.open, users.info)."""

    settings: Settings
    client: WebClient

    @property
    def base_url(self) -> str | None:
        """PODESK_BASE_URL: where "Open in dashboard" links point."""
        return self.settings.base_url

    def today(self, user: Any = None) -> dt.date:
        """Today where `user` is (their Slack timezone; UTC when unknown): a new PO's or receipt's date."""
        try:
            zone = ZoneInfo(getattr(user, "timezone", None) or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return dt.datetime.now(zone).date()


def reply_privately(response_url: str | None, text: str, blocks: list[dict[str, Any]] | None = None, *,
                    replace: bool = False) -> None:
    """Answer a click privately through its response_url (only the clicker sees it); a failure is
    logged and dropped: the click changed nothing, and Slack shows the user it did not work."""
    if not response_url:
        return
    try:
        WebhookClient(response_url, timeout=LISTENER_TIMEOUT).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=replace)
    except Exception:  # noqa: BLE001 - an explanation that cannot be delivered is not worth an error
        log.warning("could not answer a click privately", exc_info=True)
