"""The outbox's Slack channel: renders each message from podesk's current state at delivery time
and sends it through the Web API. A 429 becomes a retry no sooner than its Retry-After, a Slack
outage a retry with backoff (for a day, as podesk/slack.py registers it), a person Slack will never reach a message given up on; a podesk
action never waits for any of it (core.outbox)."""
from __future__ import annotations

import logging
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.context import DELIVERY_TIMEOUT, web_client
from bot.people import learn_preferences
from core import queries, slack_bookkeeping
from core.config import Settings
from core.delivery import DeliveryFailed, Message
from core.errors import DomainError

log = logging.getLogger(__name__)

# Answers that will never change by trying again (the person or conversation is gone, or the
# message itself is refused); anything else (a token being fixed, an outage) is retried.
PERMANENT = frozenset({
    "user_not_found", "users_not_found", "channel_not_found", "cannot_dm_bot", "user_disabled", "is_archived",
    "not_in_channel", "user_not_in_channel", "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
    "invalid_arguments", "too_many_attachments", "restricted_action",
})
GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


def _header(response: Any, name: str) -> str | None:
    headers = getattr(response, "headers", None) or {}
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def failure(exc: Exception) -> DeliveryFailed:
    """The outbox's view of a failed Web API call."""
    if isinstance(exc, SlackApiError):
        status, error = exc.response.status_code, (exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else None
        if status == 429 or error == "ratelimited":
            retry_after = _header(exc.response, "Retry-After")
            return DeliveryFailed("Slack rate-limited the call", retry_after=float(retry_after or 1), status_code=429)
        if status == 200 and error in PERMANENT:
            return DeliveryFailed(f"Slack refused it: {error}", permanent=True, status_code=status)
        return DeliveryFailed(f"Slack answered {status} {error or ''}".strip(), status_code=status)
    return DeliveryFailed(f"Slack could not be reached: {type(exc).__name__}: {exc}")


def slack_error(exc: SlackApiError) -> str | None:
    """The `error` code of an `ok: false` answer."""
    data = exc.response.data
    return data.get("error") if isinstance(data, dict) else None


class SlackChannel:
    """Delivers outbox messages of kind "slack" (see bot/deliveries.py for each type)."""

    def __init__(self, settings: Settings, client: WebClient | None = None):
        self.client = client or web_client(settings, timeout=DELIVERY_TIMEOUT)
        self.base_url = settings.base_url

    def deliver(self, message: Message) -> int | None:
        """Send one message; DeliveryFailed tells the outbox when (or whether) to try again."""
        from bot.deliveries import HANDLERS

        handler: Callable[[SlackChannel, Message], None] | None = HANDLERS.get(message.payload.get("type"))
        if handler is None:
            raise DeliveryFailed(f"unknown Slack message type {message.payload.get('type')!r}", permanent=True)
        try:
            handler(self, message)
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise failure(exc) from exc
        return 200

    def recipient(self, user_id: int) -> tuple[Any, str] | None:
        """(podesk user, Slack id) of an active user Slack can reach; linked by email on first use."""
        user = queries.user(user_id)
        if user is None or not user.active:
            return None
        slack_id = user.slack_id
        if not slack_id:
            try:
                slack_id = self.client.users_lookupByEmail(email=user.email)["user"]["id"]
            except SlackApiError as exc:
                if exc.response.status_code == 200 and slack_error(exc) in PERMANENT:
                    return None  # not in this Slack workspace: nothing to tell them here
                raise
            try:
                user = slack_bookkeeping.link_slack_id(user, slack_id)
            except DomainError:
                return None
        if user.locale is None:
            user = self._learn(user, slack_id)
        return user, slack_id

    def _learn(self, user: Any, slack_id: str) -> Any:
        try:
            return learn_preferences(user, self.client.users_info(user=slack_id, include_locale=True)["user"])
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise
            return user  # the defaults serve until Slack tells us more

    def post(self, slack_id_or_channel: str, text: str, blocks: list[dict], thread_ts: str | None = None) -> dict:
        """chat.postMessage (to a user id: their DM with the app)."""
        kwargs = {"thread_ts": thread_ts} if thread_ts else {}
        return self.client.chat_postMessage(channel=slack_id_or_channel, text=text, blocks=blocks, **kwargs).data

    def update(self, channel: str, ts: str, text: str, blocks: list[dict]) -> bool:
        """chat.update; False when the message is gone (deleted by its reader)."""
        try:
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            return True
        except SlackApiError as exc:
            if exc.response.status_code == 200 and slack_error(exc) in GONE:
                log.info("a Slack message to update is gone (%s %s)", channel, ts)
                return False
            raise
