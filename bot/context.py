"""What every listener and the outbox channel share: the settings, a Web API client, and the
threads a listener leaves its Slack calls to, so that they happen after its answer."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from core.config import Settings
from core.db import database

log = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api/"
LISTENER_TIMEOUT = 2.5  # a listener's call to Slack (after its answer): a trigger_id lasts 3 s anyway
DELIVERY_TIMEOUT = 10.0
BACKGROUND_THREADS = 8


def web_client(settings: Settings, *, timeout: float) -> WebClient:
    """A Web API client at SLACK_API_URL (or Slack's), without rate-limit sleeps: a 429 surfaces
    as an error, so a listener answers at once and the outbox retries after Retry-After."""
    base = settings.slack_api_url or SLACK_API
    return WebClient(token=settings.slack_bot_token, base_url=base if base.endswith("/") else base + "/", timeout=timeout)


class Background(Executor):
    """Threads for what listeners do after their answer: every Web API call (users.info, views.open,
    views.update, a response_url). Each job gets its own database connection, given back after, and
    a failure is logged (nobody waits on its future). `idle` says when every job so far is done."""

    def __init__(self, threads: int = BACKGROUND_THREADS):
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-after-ack")
        self._running = 0
        self._done = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` on a background thread, with a database connection."""
        def job() -> Any:
            try:
                with database.connection_context():
                    return fn(*args, **kwargs)
            except Exception:  # noqa: BLE001 - nobody reads the future: say it here
                log.exception("a Slack listener's work after its answer failed")
            finally:
                with self._done:
                    self._running -= 1
                    self._done.notify_all()

        with self._done:
            self._running += 1
        return self._pool.submit(job)

    def idle(self, timeout: float) -> bool:
        """Wait until no job is queued or running (True), or `timeout` seconds (False)."""
        with self._done:
            return self._done.wait_for(lambda: self._running == 0, timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking jobs; with `wait`, finish those taken."""
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


Later = Callable[..., None]  # later(fn, *args): run fn(*args) once the answer has left


def at_once(fn: Callable[..., Any], *args: Any) -> None:
    """A `Later` for work that already runs after the answer."""
    fn(*args)


@dataclass
class Bot:
    """The bot's settings, the client its listeners call Slack with (views.open, users.info), and
    the threads those calls run on after the answer (`later`)."""

    settings: Settings
    client: WebClient
    background: Background = field(default_factory=Background)

    def later(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` after this request's answer: with process_before_response the answer
        leaves when the listener returns, and Slack wants it within 3 s."""
        self.background.submit(fn, *args)

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
