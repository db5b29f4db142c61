"""A worker killed (SIGKILL) in the middle of delivering loses no message, and a receiver that
recognises the stable key applies nothing twice."""
import json
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from core import outbox
from core.db import database
from core.models import OutboxMessage
from tests.concurrency import wait_until

ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """An idempotent HTTP receiver: applies each Idempotency-Key once; can hold the Nth request
    after applying it (the sender then crashes before it hears back)."""

    def __init__(self, hold_key: str):
        self.hold_key = hold_key
        self.arrivals: list[str] = []
        self.applied: list[str] = []
        self.release = threading.Event()
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                key = self.headers["Idempotency-Key"]
                json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.changed:
                    receiver.arrivals.append(key)
                    if key not in receiver.applied:
                        receiver.applied.append(key)
                    receiver.changed.notify_all()
                if key == receiver.hold_key and receiver.arrivals.count(key) == 1:
                    receiver.release.wait(30)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/deliver"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_until(self, predicate, timeout=30):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self), timeout), f"arrivals: {self.arrivals}"

    def close(self):
        self.release.set()
        self.server.shutdown()


def start_worker(database_url: str, receiver: Receiver) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.core.outbox_worker", database_url, receiver.url, "1"], cwd=ROOT)


def delivered_count() -> int:
    with database.connection_context():
        return OutboxMessage.select().where(OutboxMessage.status == "delivered").count()


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_applies_each_message_once(db, database_url):
    keys = [f"msg-{i}" for i in range(1, 6)]
    with database.atomic():
        for key in keys:
            outbox.enqueue("test", key, {"key": key}, ordering_key="po:1")
    receiver = Receiver(hold_key="msg-3")
    first = start_worker(database_url, receiver)
    try:
        receiver.wait_until(lambda r: "msg-3" in r.arrivals)  # applied at the receiver, not yet marked delivered
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert OutboxMessage.get(OutboxMessage.key == "msg-3").status == "pending"  # claimed, never finished
        receiver.release.set()
        second = start_worker(database_url, receiver)
        try:
            receiver.wait_until(lambda r: len(r.applied) == 5 and r.arrivals.count("msg-3") == 2)
            wait_until(lambda: delivered_count() == 5, 30, "the worker to mark the last message delivered")
        finally:
            second.kill()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        receiver.close()
    assert receiver.applied == keys  # each once, in order
    assert receiver.arrivals.count("msg-3") == 2  # redelivered after the crash, recognised by its key
    assert delivered_count() == 5
