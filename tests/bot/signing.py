"""Requests exactly as Slack sends them to an app's request URL, signed with the app's secret:
`X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:<timestamp>:<raw body>"))` and
`X-Slack-Request-Timestamp: <unix seconds>`.

    signer = Signer("the-signing-secret", response_urls=slack.response_url)
    req = signer.command("new", user_id="U1")
    flask_client.post("/slack/events", data=req.body, headers=req.headers)

Every builder takes `timestamp=` (e.g. `now - 301` for a stale request) and `secret=` (a wrong one).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from tests.bot import payloads
from tests.bot.workspace import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

# Nothing listens on the discard port: a bot that uses a response_url the test did not provide
# fails loudly here instead of reaching the internet.
UNREACHABLE_RESPONSE_URL = "http://127.0.0.1:9/response/not-provided"

_event_ids = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    """A raw body and the headers Slack sends with it."""

    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8")


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's v0 signature of a raw body."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Signer:
    """Builds signed slash commands, interactive payloads and Events API callbacks."""

    def __init__(self, signing_secret: str, *, response_urls: Callable[[], str] | None = None,
                 clock: Callable[[], float] = time.time):
        self.secret, self.clock = signing_secret, clock
        self.response_urls = response_urls or (lambda: UNREACHABLE_RESPONSE_URL)

    def sign(self, body: bytes | str, content_type: str, *, timestamp: int | None = None,
             secret: str | None = None, headers: dict | None = None) -> SignedRequest:
        """Sign a raw body as Slack would at `timestamp` (default now)."""
        body = body.encode("utf-8") if isinstance(body, str) else body
        timestamp = int(self.clock()) if timestamp is None else timestamp
        return SignedRequest(body, {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature(secret or self.secret, timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {})})

    def form(self, fields: dict, **signing) -> SignedRequest:
        """A form-encoded request (how Slack sends commands and interactions)."""
        return self.sign(urlencode(fields), "application/x-www-form-urlencoded", **signing)

    def command(self, text: str = "", *, user_id: str, command: str = "/po",
                channel_id: str = "C0GENERAL", user_name: str | None = None,
                trigger_id: str | None = None, response_url: str | None = None,
                **signing) -> SignedRequest:
        """A slash command, e.g. `/po new` is command(\"new\", user_id=...)."""
        return self.form({
            "token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id, "channel_name": "general", "user_id": user_id,
            "user_name": user_name or user_id.lower(), "command": command, "text": text,
            "api_app_id": APP_ID, "is_enterprise_install": "false",
            "response_url": response_url or self.response_urls(),
            "trigger_id": trigger_id or payloads.trigger_id()}, **signing)

    def interactive(self, payload: dict, **signing) -> SignedRequest:
        """An interactive payload (form field `payload` holding JSON), from the payloads module."""
        if "response_url" in payload and payload["response_url"] is None:
            payload = {**payload, "response_url": self.response_urls()}
        return self.form({"payload": json.dumps(payload)}, **signing)

    def event(self, event: dict, *, event_id: str | None = None, event_time: int | None = None,
              retry_num: int | None = None, retry_reason: str = "http_timeout",
              **signing) -> SignedRequest:
        """An Events API event_callback (`retry()` makes its redelivery)."""
        envelope = {
            "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
            "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):08d}{int(self.clock())}",
            "event_time": event_time or int(self.clock()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": "4-podesk-test"}
        headers = dict(signing.pop("headers", None) or {})
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.sign(json.dumps(envelope), "application/json", headers=headers, **signing)

    def url_verification(self, challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                         **signing) -> SignedRequest:
        """The handshake Slack sends when the request URL is saved."""
        body = {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
        return self.sign(json.dumps(body), "application/json", **signing)

    def retry(self, delivered: SignedRequest, retry_num: int = 1, retry_reason: str = "http_timeout",
              **signing) -> SignedRequest:
        """Slack's redelivery of an event: the same body, signed anew, with the retry headers."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.sign(delivered.body, "application/json", headers=headers, **signing)
