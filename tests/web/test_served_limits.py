"""What reaches the app through gunicorn, run for real as `podesk serve` and the Procfile's web line run it.

Long query values and large headers must reach the app, which answers in the contract's error shape;
only what is over the server's own limits (README, Request limits) gets gunicorn's plain answer.
"""
import http.client
import json
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.config import sqlite_path
from core.db import bind, open_database
from tests.conftest import PG_URL
from tests.factories import make_people

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_web_line(port: int) -> list[str]:
    """The Procfile's `web:` command, bound to 127.0.0.1:port, with this interpreter's gunicorn."""
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    words = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)).replace("${WEB_CONCURRENCY:-2}", "1"))
    assert words[0] == "gunicorn"
    return [sys.executable, "-m", "gunicorn", *[w.replace("0.0.0.0", "127.0.0.1") for w in words[1:]]]


def podesk_serve(port: int) -> list[str]:
    return [sys.executable, "-m", "podesk", "serve", "--host", "127.0.0.1", "--port", str(port)]


def wait_until_listening(proc: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    deadline, tick = time.monotonic() + timeout, threading.Event()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            tick.wait(0.05)
    pytest.fail(f"nothing listened on port {port} within {timeout}s")


@pytest.fixture(scope="module")
def staff(database_url_template, tmp_path_factory):
    """One person of each role in a database of this module's own (the servers outlive single tests)."""
    url = PG_URL or f"sqlite:///{tmp_path_factory.mktemp('served') / 'podesk.db'}"
    if not PG_URL:
        shutil.copyfile(database_url_template, sqlite_path(url))
    db = bind(open_database(url))
    yield url, make_people()
    db.close()


@pytest.fixture(scope="module", params=["podesk serve", "Procfile web"])
def served(request, staff, tmp_path_factory):
    """A real gunicorn on a free port over the module's database; yields (port, people)."""
    url, persons = staff
    port = free_port()
    command = podesk_serve(port) if request.param == "podesk serve" else procfile_web_line(port)
    env = {"DATABASE_URL": url, "PODESK_SCHEDULER": "off", "PODESK_SECRET_KEY": "test",
           "PODESK_RATE_LIMIT_PER_MINUTE": "0", "PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)}
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_listening(proc, port, log)
        yield port, persons
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def call(port, person, target, headers=None, body=None):
    """GET (or POST `body` parts, chunked) `target` under /api/v1; the status and the raw answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        if body is None:
            conn.request("GET", "/api/v1" + target, headers={**person.headers, **(headers or {})})
        else:
            conn.request("POST", "/api/v1" + target, body=iter(body), encode_chunked=True,
                         headers={**person.headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def test_a_5000_character_q_reaches_the_app_and_is_a_json_400_naming_q(served):
    server, people = served
    status, kind, raw = call(server, people.viewer, "/purchase-orders?q=" + "b" * 5000)
    assert (status, kind) == (400, "application/json")
    [problem] = json.loads(raw)["errors"]
    assert problem["code"] == "invalid_value" and problem["detail"].startswith("q:") and "200" in problem["detail"]


def test_a_q_at_its_limit_is_searched(served):
    server, people = served
    status, _, raw = call(server, people.viewer, "/purchase-orders?q=" + "b" * 200)
    assert status == 200 and json.loads(raw)["meta"]["total"] == 0


def test_a_9_kb_header_reaches_the_app(served):
    server, people = served
    status, kind, raw = call(server, people.viewer, "/vendors", headers={"X-Trace": "t" * 9 * 1024})
    assert (status, kind) == (200, "application/json"), raw[:300]


def test_a_request_line_over_8190_bytes_is_refused_by_the_server_alone(served):
    server, people = served
    status, kind, _ = call(server, people.viewer, "/purchase-orders?q=" + "b" * 8200)
    assert status == 414 and kind != "application/json"


def test_a_chunked_body_over_5_mb_is_a_json_413_through_gunicorn(served):
    server, people = served
    status, kind, raw = call(server, people.requester, "/purchase-orders",
                             body=[b'{"notes": "', *[b"x" * 65536] * 81, b'"}'])
    assert (status, kind, json.loads(raw)["errors"][0]["code"]) == (413, "application/json", "payload_too_large")


def test_a_header_over_16_kb_is_refused_by_the_server_alone(served):
    server, people = served
    status, kind, _ = call(server, people.viewer, "/vendors", headers={"X-Trace": "t" * 17 * 1024})
    assert status == 431 and kind != "application/json"


def test_more_than_100_headers_are_refused_by_the_server_alone(served):
    server, people = served
    status, kind, _ = call(server, people.viewer, "/vendors", headers={f"X-H{i}": "1" for i in range(101)})
    assert status == 431 and kind != "application/json"
