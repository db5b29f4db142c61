"""The body of bench/http.py (which see)."""
from __future__ import annotations

import sys
from pathlib import Path

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import bind, migrate, open_database  # noqa: E402
from core.demo import seed  # noqa: E402
from core.models import PurchaseOrder  # noqa: E402

CASES = ("health", "get_po", "list_50", "create_po")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def procfile_web(port: int) -> list[str]:
    """The Procfile's web: command on 127.0.0.1:port, with this interpreter's gunicorn."""
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    words = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    words = [w.replace("0.0.0.0", "127.0.0.1").replace("${WEB_CONCURRENCY:-2}", "2") for w in words]
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str) -> tuple[str, int, dict]:
    """Migrate and seed the demo; returns (admin key, an approved PO's id, a create body)."""
    db = bind(open_database(url))
    migrate(db)
    demo = seed()
    po = PurchaseOrder.select().where(PurchaseOrder.status == "approved").order_by(PurchaseOrder.id).first()
    vendor_id = po.vendor_id
    db.close()
    body = {"po_type": "goods", "vendor_id": vendor_id, "description": "Bench order", "matching": "two_way",
            "line_items": [{"identifier": f"Part {n}", "quantity": "10", "rate": "4.50", "tax_rate": "18"} for n in range(3)]}
    return demo.admin_key, po.id, body


def client(port: int, key: str, case: str, po_id: int, body: dict, seconds: float, start_at: float, out) -> None:
    """One keep-alive connection sending `case` requests until the time is up; puts its latencies (ms)."""
    headers = {"Authorization": f"Bearer {key}"}
    payload = None
    method, path = {"health": ("GET", "/api/v1/health"), "get_po": ("GET", f"/api/v1/purchase-orders/{po_id}"),
                    "list_50": ("GET", "/api/v1/purchase-orders?per_page=50"),
                    "create_po": ("POST", "/api/v1/purchase-orders")}[case]
    if case == "create_po":
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    while time.time() < end:
        began = time.perf_counter()
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status not in (200, 201):
            out.put(("error", f"{case}: {response.status}"))
            return
    conn.close()
    out.put(("ok", latencies))


def measure(port: int, key: str, case: str, po_id: int, body: dict, clients: int, seconds: float) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) of `clients` closed-loop connections for `seconds`."""
    out = mp.Queue()
    start_at = time.time() + 1.0
    procs = [mp.Process(target=client, args=(port, key, case, po_id, body, seconds, start_at, out)) for _ in range(clients)]
    for p in procs:
        p.start()
    latencies: list[float] = []
    for _ in procs:
        kind, value = out.get(timeout=seconds + 60)
        if kind == "error":
            raise RuntimeError(value)
        latencies.extend(value)
    for p in procs:
        p.join()
    return len(latencies) / seconds, statistics.median(latencies), percentile(latencies, 99)


def serve(url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {"PATH": str(Path(sys.executable).parent), "DATABASE_URL": url, "PODESK_SCHEDULER": "off",
           "PODESK_RATE_LIMIT_PER_MINUTE": "0", "PODESK_SECRET_KEY": "bench", "PODESK_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(procfile_web(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status in (200, 503):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", help="an empty database to seed (default: a temporary SQLite file)")
    args = parser.parse_args()
    folder = None
    url = args.database_url
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="podesk-bench-http-"))
        url = f"sqlite:///{folder / 'demo.db'}"
    try:
        key, po_id, body = prepare(url)
        server, port = serve(url)
        try:
            for case in CASES:  # warm every path in both workers
                measure(port, key, case, po_id, body, 2, 0.5)
            results = {case: measure(port, key, case, po_id, body, args.clients, args.seconds) for case in CASES}
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    health = results["health"][0]
    print(f"{'request':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'÷ health':>9}   "
          f"({args.clients} clients, {args.seconds:g} s each, {os.cpu_count()} cores)")
    for case, (rate, p50, p99) in results.items():
        print(f"{case:<12} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {rate / health:>9.2f}")
    get, listed = results["get_po"], results["list_50"]
    print(f"http_get_ratio={get[0] / health:.2f} http_list_ratio={listed[0] / health:.2f} http_get_p99_ms={get[2]:.1f}")


if __name__ == "__main__":
    main()
