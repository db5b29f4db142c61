"""Time to Slack's HTTP answer at POST /slack/events, on the real app with its outbox worker.

`podesk serve` runs in its own process exactly as a user starts it (gunicorn, 8 threads, the
scheduler delivering the outbox beside the app) on a temporary SQLite file or an empty PostgreSQL
database; the Slack Web API is the test suite's stand-in, in this process. Signed requests, each on a new
connection as Slack's are: slash commands (`/po help`, a PO's card, `/po list pending`) and button
clicks (Approve on a pending PO: a real decision, written with its outbox rows) — sequentially,
then from 8 threads at once. Prints p50/p99 per kind and overall; the last line is
`slack_ack_p99_ms=<sequential p99> slack_ack_p99_ms_8=<8 concurrent p99>` (targets: 50 and 300).

    .venv/bin/python bench/slack_ack.py [--requests 400] [--threads 8] [--database-url postgresql://…/empty_db]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import services  # noqa: E402
from core.db import bind, migrate, open_database  # noqa: E402
from core.services.users import add_user  # noqa: E402
from tests.bot import payloads  # noqa: E402
from tests.bot.signing import Signer  # noqa: E402
from tests.bot.standin import SlackStandIn  # noqa: E402

SECRET, TOKEN = "bench-signing-secret", "xoxb-bench"
APPROVERS = ("U0PRIYA", "U0OMAR")


def seed(url: str, slack: SlackStandIn, pending: int) -> list[tuple[int, str]]:
    """People, a vendor and `pending` POs waiting for level 1; returns (PO id, number) each."""
    db = bind(open_database(url))
    migrate(db)
    admin = add_user("Asha Admin", "asha@example.com", "admin", slack_id="U0ASHA")
    ravi = add_user("Ravi Requester", "ravi@example.com", "requester", slack_id="U0RAVI")
    approvers = [add_user(f"Approver {s}", f"{s.lower()}@example.com", "approver", slack_id=s) for s in APPROVERS]
    for user in (admin, ravi, *approvers):
        services.set_preferences(user, timezone="Asia/Kolkata", locale="en_IN")
        slack.add_user(user.slack_id, email=user.email)
    services.update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [a.id for a in approvers]}]})
    vendor = services.create_vendor(admin, {"name": "Acme Tools", "currency": "INR", "payment_terms": "Net 30"})
    made = []
    for i in range(pending):
        body = {"po_type": "goods", "matching": "two_way", "vendor_id": vendor.id, "description": f"Bench {i}", "submit": True,
                "line_items": [{"identifier": f"Line {n}", "quantity": "10", "rate": "125.50"} for n in range(5)]}
        po = services.create_po(ravi, body).po
        made.append((po.id, po.po_number))
    db.close()
    return made


def requests_for(signer: Signer, pos: list[tuple[int, str]]) -> list[tuple[str, object]]:
    """Alternating commands and Approve clicks (one per PO), as (kind, signed request)."""
    out = []
    for n, (po_id, number) in enumerate(pos):
        text = ("help", number, "list pending")[n % 3]
        out.append((f"/po {text.split()[0] if n % 3 != 1 else 'PO-…'}", signer.command(text, user_id=APPROVERS[n % 2])))
        message = {"ts": "1700000000.000100", "blocks": [{"type": "actions", "block_id": f"po_actions_{po_id}", "elements": [
            {"type": "button", "action_id": "approve_po", "value": f"{po_id}:1", "text": {"type": "plain_text", "text": "Approve"}}]}]}
        out.append(("approve click", signer.interactive(payloads.block_actions(APPROVERS[n % 2], "approve_po", message=message,
                                                                                channel_id="D00000001"))))
    return out


def send(url: str, request) -> float:
    """Milliseconds until the whole HTTP answer is read."""
    started = time.perf_counter()
    http = urllib.request.Request(url, data=request.body, headers=request.headers, method="POST")
    with urllib.request.urlopen(http, timeout=30) as resp:
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"answered {resp.status}")
    return (time.perf_counter() - started) * 1000


def p(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(title: str, timed: list[tuple[str, float]]) -> float:
    """Print p50/p99 per kind and overall; returns the overall p99."""
    print(f"{title}: {len(timed)} requests")
    for kind in sorted({k for k, _ in timed}):
        values = [ms for k, ms in timed if k == kind]
        print(f"  {kind:<16} p50 {p(values, 0.5):7.1f} ms   p99 {p(values, 0.99):7.1f} ms")
    values = [ms for _, ms in timed]
    print(f"  {'all':<16} p50 {p(values, 0.5):7.1f} ms   p99 {p(values, 0.99):7.1f} ms   mean {statistics.mean(values):.1f} ms")
    return p(values, 0.99)


def start_server(url: str, slack: SlackStandIn, port: int, no_worker: bool) -> subprocess.Popen:
    """`podesk serve` with the bot over HTTP, its Web API at the stand-in; returns once it answers."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": url, "PODESK_SECRET_KEY": "bench",
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
           "PODESK_BASE_URL": "https://po.example.com", "PODESK_LOG_LEVEL": "WARNING",
           "PODESK_SCHEDULER": "off" if no_worker else "on"}
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen([sys.executable, "-m", "podesk", "serve", "--port", str(port)], env=env, cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("podesk serve did not answer within 60 s")


def concurrently(endpoint: str, batches: list[list[tuple[str, object]]]) -> list[tuple[str, float]]:
    """Send each batch from its own thread, all starting together; every (kind, ms)."""
    timed: list[tuple[str, float]] = []
    lock, barrier = threading.Lock(), threading.Barrier(len(batches))

    def run(batch):
        barrier.wait()
        mine = [(kind, send(endpoint, request)) for kind, request in batch]
        with lock:
            timed.extend(mine)

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timed


def main() -> None:
    """Seed, serve, time sequential then concurrent requests, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per run (half of them Approve clicks)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default=None,
                        help="an EMPTY PostgreSQL database to use instead of a temporary SQLite file")
    parser.add_argument("--no-worker", action="store_true", help="leave the outbox undelivered (PODESK_SCHEDULER=off)")
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    pairs = args.requests // 2
    with tempfile.TemporaryDirectory() as tmp, SlackStandIn(token=TOKEN) as slack:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        pos = seed(url, slack, pairs * 2)
        server = start_server(url, slack, args.port, args.no_worker)
        endpoint = f"http://127.0.0.1:{args.port}/slack/events"
        signer = Signer(SECRET, response_urls=slack.response_url)
        try:
            for _ in range(20):  # warm-up: bolt's first request asks auth.test once
                send(endpoint, signer.command("help", user_id="U0RAVI"))
            sequential = [(kind, send(endpoint, request)) for kind, request in requests_for(signer, pos[:pairs])]
            seq_p99 = report("sequential", sequential)
            batches = [requests_for(signer, pos[pairs + i::args.threads]) for i in range(args.threads)]
            conc_p99 = report(f"{args.threads} concurrent", concurrently(endpoint, batches))
            health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/v1/health", timeout=10).read())
            print(f"outbox right after the runs: {health['outbox']}")
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"slack_ack_p99_ms={seq_p99:.1f} slack_ack_p99_ms_8={conc_p99:.1f}")


if __name__ == "__main__":
    main()
