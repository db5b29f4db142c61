"""A local stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that records every call and
answers like Slack, and that a test can tell to rate-limit, fail, crash, slow down or hold a method.

    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        slack.add_user("U1", email="ann@example.com")
        ...
        call = slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "D00000001")

Where to point a client: slack_sdk's WebClient joins `base_url` and the method name with
`urllib.parse.urljoin`, adding a trailing "/" when base_url lacks one. So `base_url` must be the
prefix up to and including "/api/" -- use `slack.api_url` ("http://127.0.0.1:<port>/api/"); for
bolt, `App(client=WebClient(token=..., base_url=slack.api_url), ...)`. The stand-in answers
`POST|GET /api/<method>` and `POST /response/<id>` (the `response_url` of interactive payloads,
made with `slack.response_url()`); anything else is a 404.

Unknown methods answer `{"ok": true}`. Messages and views that break Block Kit's limits (50 blocks a
message, 100 a view, 3,000 characters a section, 100 options a select) are refused as Slack
refuses them (`invalid_blocks`, `invalid_arguments`) and kept in `refused`. Users exist only once added with `slack.add_user`
(users.info, users.lookupByEmail, chat.postEphemeral and views.publish refuse others with Slack's
error codes); users.info leaves out `locale` unless called with `include_locale=true`, as Slack
does. A trigger_id opens one view only (`exchanged_trigger_id` after that).
"""
from __future__ import annotations

import collections
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

from tests.bot.workspace import MESSAGE_BLOCKS, SCOPES, SlackError, Workspace, block_kit_errors, decode_json_fields

RESPONSE_URL = "response_url"  # the method name under which posts to a response_url are recorded


@dataclass
class Call:
    """One request the stand-in received, and (once answered) the HTTP status it got."""

    method: str
    params: dict
    authorization: str | None
    path: str
    at: float = field(default_factory=time.monotonic)
    status: int | None = None
    body: dict | None = None

    @property
    def token(self) -> str | None:
        """The token the caller sent (Bearer header, else a `token` param)."""
        auth = self.authorization or ""
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else self.params.get("token")


class Hold:
    """A call parked by `SlackStandIn.hold` until the test releases it."""

    def __init__(self, standin: SlackStandIn):
        self._standin, self._released = standin, threading.Event()
        self.call: Call | None = None

    def wait_held(self, timeout: float = 5.0) -> Call:
        """Wait until a call has arrived and is being held; return it."""
        self._standin.wait_until(lambda: self.call is not None, timeout, "a held call")
        return self.call

    def release(self) -> None:
        """Let the held call go on to its normal answer."""
        self._released.set()


class SlackStandIn:
    """Slack's Web API on a random free port of 127.0.0.1, serving from a background thread."""

    def __init__(self, token: str | None = None):
        self.expected_token = token  # when set, any other token gets `invalid_auth`
        self.workspace = Workspace()  # guarded by self._cond, like everything the handler touches
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._script: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._holds: list[Hold] = []
        self._response_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._stopped = threading.Event()
        self.refused: list[Call] = []  # calls refused for breaking Block Kit's limits (the harness fails a test on any)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        """Bind a free port and serve in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.standin = self
        # A short poll interval: shutdown() waits for the serving loop's next wake-up.
        threading.Thread(target=self._server.serve_forever, args=(0.02,), name="slack-standin",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        """Release every held or slowed call and shut the server down."""
        self._stopped.set()
        for hold in self._holds:
            hold.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:54321."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """The base_url for WebClient (ends in /api/)."""
        return self.url + "/api/"

    def response_url(self) -> str:
        """A fresh response_url, as Slack puts in interactive payloads and slash commands."""
        return f"{self.url}/response/{next(self._response_ids)}"

    # -- scripting failures ---------------------------------------------------------------------
    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and a Retry-After header."""
        self._queue(method, times, ("status", 429, {"ok": False, "error": "ratelimited"},
                                    {"Retry-After": str(retry_after)}))

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 200 `{"ok": false, "error": error}`."""
        self._queue(method, times, ("status", 200, {"ok": False, "error": error}, {}))

    def server_error(self, method: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with an HTTP 500."""
        self._queue(method, times, ("status", 500, None, {}))

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next `times` calls of `method` normally, but only after `seconds` (a slow Slack)."""
        self._queue(method, times, ("slow", seconds))

    def hold(self, method: str) -> Hold:
        """Park the next call of `method` until the returned Hold is released (a slow Slack)."""
        hold = Hold(self)
        self._holds.append(hold)
        self._queue(method, 1, ("hold", hold))
        return hold

    def _queue(self, method, times, outcome):
        with self._cond:
            self._script[method].extend([outcome] * times)

    # -- the workspace ----------------------------------------------------------------------------
    def add_user(self, user_id: str, **profile) -> dict:
        """Make a person known to users.info and users.lookupByEmail (see Workspace.add_user)."""
        with self._cond:
            return self.workspace.add_user(user_id, **profile)

    def messages_in(self, channel: str) -> list[dict]:
        """The messages now in a channel (updates applied, deletions gone), oldest first."""
        with self._cond:
            found = [m for (ch, _), m in self.workspace.messages.items() if ch == channel]
        return sorted(found, key=lambda m: m["ts"])

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM channel with this user."""
        with self._cond:
            return self.workspace.dm_channel(user_id)

    def home_of(self, user_id: str) -> dict | None:
        """The Home tab view last published for this user."""
        with self._cond:
            return self.workspace.homes.get(user_id)

    # -- reading what happened ------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every call so far, in arrival order (a copy)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method, in arrival order."""
        return [c for c in self.calls if c.method == method]

    def wait_until(self, condition: Callable[[], object], timeout: float = 5.0, what: str = "it"):
        """Wait (woken by each call) until condition() is truthy; return its value or fail."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (value := condition()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"gave up waiting for {what} after {timeout}s; "
                                         f"calls: {[c.method for c in self._calls]}")
                self._cond.wait(left)
            return value

    def wait_for(self, method: str, where: Callable[[Call], bool] = lambda c: True,
                 timeout: float = 5.0) -> Call:
        """The first call of `method` matching `where`, waiting for it if need be."""
        return self.wait_for_count(method, 1, where, timeout)[0]

    def wait_for_count(self, method: str, count: int, where: Callable[[Call], bool] = lambda c: True,
                       timeout: float = 5.0) -> list[Call]:
        """The first `count` calls of `method` matching `where`, waiting for them if need be."""
        def enough():
            found = [c for c in self._calls if c.method == method and where(c)]
            return found[:count] if len(found) >= count else None
        return self.wait_until(enough, timeout, f"{count} x {method}")

    def wait_answered(self, call: Call, timeout: float = 5.0) -> Call:
        """Wait until the stand-in has answered `call`."""
        self.wait_until(lambda: call.status is not None, timeout, f"the answer to {call.method}")
        return call

    # -- serving --------------------------------------------------------------------------------
    def _arrive(self, call: Call):
        with self._cond:
            self._calls.append(call)
            script = self._script.get(call.method)
            outcome = script.popleft() if script else None
            if outcome and outcome[0] == "hold":
                outcome[1].call = call
            self._cond.notify_all()
            return outcome

    def _respond(self, call: Call, outcome) -> tuple[int, dict | None, dict]:
        if outcome and outcome[0] == "hold":
            outcome[1]._released.wait()
            outcome = None
        elif outcome and outcome[0] == "slow":
            self._stopped.wait(outcome[1])  # the server's thread takes its time; stop() cuts it short
            outcome = None
        with self._cond:
            status, body, headers = outcome[1:] if outcome else self._answer(call)
            call.status, call.body = status, body
            self._cond.notify_all()
        return status, body, headers

    def _answer(self, call: Call) -> tuple[int, dict, dict]:
        if call.method == RESPONSE_URL:
            if errors := block_kit_errors(call.params.get("blocks"), MESSAGE_BLOCKS):
                self.refused.append(call)
                return 400, {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": errors}}, {}
            return 200, {"ok": True}, {}
        if not call.token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if self.expected_token and call.token != self.expected_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        try:
            body = self.workspace.answer(call.method, call.params)
        except SlackError as exc:
            body = {"ok": False, "error": exc.code}
            if exc.messages:  # Block Kit limits: Slack says which, and the harness remembers it
                body["response_metadata"] = {"messages": exc.messages}
                self.refused.append(call)
        return 200, body, {"X-OAuth-Scopes": SCOPES} if call.method == "auth.test" else {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def log_message(self, *args):  # keep test output quiet
        pass

    def _serve(self):
        standin: SlackStandIn = self.server.standin
        parts = urlsplit(self.path)
        if parts.path.startswith("/api/"):
            method = parts.path.removeprefix("/api/")
        elif parts.path.startswith("/response/"):
            method = RESPONSE_URL
        else:
            return self._send(404, {"ok": False, "error": "unknown_path"}, {})
        params = dict(parse_qsl(parts.query)) | self._body_params()
        call = Call(method, decode_json_fields(params), self.headers.get("Authorization"), parts.path)
        status, body, headers = standin._respond(call, standin._arrive(call))
        self._send(status, body, headers)

    def _body_params(self) -> dict:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not raw:
            return {}
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            return json.loads(raw)
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))

    def _send(self, status: int, body: dict | None, headers: dict):
        data = json.dumps(body).encode() if body is not None else b"Internal Server Error"
        content_type = "application/json; charset=utf-8" if body is not None else "text/plain"
        try:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a crash under test)
            pass
