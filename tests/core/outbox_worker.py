"""A worker process for the outbox crash test: delivers `test` messages over HTTP to a receiver.

Run as `python -m tests.core.outbox_worker DATABASE_URL RECEIVER_URL LEASE_SECONDS`; it loops until
killed. The channel sends each message's stable key as Idempotency-Key, so the receiver can tell a
redelivery after a crash from a new message.
"""
import json
import sys
import threading
import urllib.request

from core import outbox
from core.db import bind, open_database
from core.outbox import DeliveryFailed


class HttpChannel:
    def __init__(self, url: str):
        self.url = url

    def deliver(self, message):
        request = urllib.request.Request(self.url, data=json.dumps(message.payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Idempotency-Key": message.key})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except OSError as exc:
            raise DeliveryFailed(str(exc)) from exc


def main(database_url: str, receiver_url: str, lease: str) -> None:
    db = bind(open_database(database_url))
    outbox.register("test", HttpChannel(receiver_url))
    idle = threading.Event()
    while True:
        with db.connection_context():
            outbox.deliver_due(f"worker-{receiver_url}", limit=1, lease_seconds=float(lease), budget_seconds=1)
        idle.wait(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:])
