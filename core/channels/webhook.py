"""The outbox's webhook channel: each delivery is a signed POST; a 2xx within the time limit is success.

Signature (Stripe's scheme, so receivers can refuse stale or replayed requests):
`Podesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The body
is the same bytes on every attempt; `t` is the moment of the attempt. Redirects are not
followed (a 3xx is a failure, like any non-2xx), and nothing of the answer is read but its status.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import socket
import ssl
import time
from urllib.parse import urlsplit

from core import webhook_events
from core.outbox import DeliveryFailed, Message

log = logging.getLogger(__name__)

USER_AGENT = "podesk-webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Podesk-Signature header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _retry_after(value: str | None) -> float | None:
    # Seconds only (not an HTTP date); the outbox keeps it between its backoff and its cap.
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


class WebhookChannel:
    """Delivers `webhook` outbox messages (written by core.webhook_events.record)."""

    # Deliveries to different receivers at once (the outbox's threads for this kind): one that
    # hangs for its 10 s holds one of them, while the others keep delivering.
    concurrency = 4

    def __init__(self, *, timeout_seconds: float = 10.0, tls_context: ssl.SSLContext | None = None):
        self.timeout = timeout_seconds  # api.md: a 2xx within 10 s is success; tests use about a second
        self.tls_context = tls_context

    def deliver(self, message: Message) -> int | None:
        """POST the event to the webhook's URL; DeliveryFailed unless it answers 2xx in time."""
        request = webhook_events.outgoing(message.payload["delivery_id"])
        if request is None:  # the webhook was deleted after this row was claimed
            return None
        headers = {
            "Content-Type": "application/json", "User-Agent": USER_AGENT, "Podesk-Event": request.event,
            "Podesk-Delivery": str(request.delivery_id), "Podesk-Signature": sign(request.secret, int(time.time()), request.body),
        }
        status, retry_after = self._post(request.url, request.body, headers)
        if 200 <= status < 300:
            return status
        raise DeliveryFailed(f"the receiver answered {status}", status_code=status, retry_after=retry_after)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, float | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(host, parts.port, timeout=self.timeout,
                                               context=self.tls_context or ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        started = time.monotonic()
        try:
            conn.request("POST", target, body=body, headers=headers)
            response = conn.getresponse()
            status, retry_after = response.status, _retry_after(response.getheader("Retry-After"))
        except (socket.timeout, TimeoutError):
            raise DeliveryFailed(f"no answer from {host} within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise DeliveryFailed(f"could not reach {host}: {type(exc).__name__}: {exc}") from None
        finally:
            conn.close()
        if time.monotonic() - started > self.timeout:  # answered, but slower than the contract allows
            raise DeliveryFailed(f"{host} answered {status} after more than {self.timeout:g} s", status_code=status)
        return status, retry_after
