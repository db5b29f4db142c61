"""A real HTTP server on 127.0.0.1 (http.server in a thread) standing in for a webhook receiver."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)  # when it arrived (Unix seconds)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with receiver.lock:
            receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
            status = receiver.script.pop(0) if receiver.script else receiver.default_status
            if receiver.fail_every and len(receiver.requests) % receiver.fail_every == 0:
                status = 503
            receiver.changed.notify_all()
        if receiver.hanging.is_set():
            receiver.released.wait(30)  # until the test lets go (stop() does)
        self.send_response(status)
        for name, value in receiver.answer_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: "Receiver"


class Receiver:
    """Answers each POST with the next status of `script`, then `default_status`; keeps every request."""

    def __init__(self, *script: int, default_status: int = 200):
        self.script = list(script)
        self.default_status = default_status
        self.fail_every = 0  # answer every n-th request 503 (0: never)
        self.answer_headers: dict[str, str] = {}  # sent with every answer ("Retry-After", say)
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.hanging, self.released = threading.Event(), threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def hang(self) -> None:
        """From now on, take each request and answer nothing until stopped."""
        self.hanging.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/podesk"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Request]:
        """The requests once at least `count` have come (AssertionError after `timeout` seconds)."""
        with self.lock:
            if not self.changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"{len(self.requests)} request(s) came, not {count}")
            return list(self.requests)
