"""POST /purchase-orders under 8 concurrent clients, on SQLite and PostgreSQL, and its statement count.

For each database: a fresh, migrated database with a requester, a vendor, SKUs and dimensions; then
`podesk serve` (gunicorn, one worker, 8 threads, exactly as deployed) in its own process, and 8
client threads each creating POs over HTTP with keep-alive (3 lines with SKU codes, 2 dimensions
each). Prints p50/p90/p99 latency and creates per second; the statements one create runs (counted
with peewee's query log through the Flask test client: auth, the write, the read-back). The last
line: `create_p99_ms_sqlite=<x> create_p99_ms_pg=<y> create_statements=<n>` (nan: not run).

    .venv/bin/python bench/create.py [--database sqlite|postgresql|both] [--clients 8] [--per-client 60]
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _listdata as data  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from core import services  # noqa: E402
from core.config import Settings  # noqa: E402
from core.db import bind, migrate, open_database  # noqa: E402
from core.services.users import add_user, create_api_key  # noqa: E402

SKUS = ("BOLT-M8", "NUT-M8", "WASHER-M8")


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def prepare(url: str) -> tuple[str, int]:
    """Migrate, add a requester (returns its API key) and the vendor, SKUs and dimensions bodies name."""
    db = bind(open_database(url))
    migrate(db)
    admin = add_user("Bench Admin", "admin@example.com", "admin")
    add_user("Bench Requester", "requester@example.com", "requester")
    key, _ = create_api_key("requester@example.com")
    vendor = services.create_vendor(admin, {"name": "Acme", "currency": "INR", "payment_terms": "Net 30"})
    services.create_skus(admin, {"skus": [{"code": code, "name": f"Part {code}"} for code in SKUS]})
    for dim_type, erp_id in (("PROJECT", "P-100"), ("GL_ACCOUNT", "5010")):
        services.create_dimension(admin, {"type": dim_type, "erp_dimension_id": erp_id, "name": erp_id})
    db.close()
    return key, vendor.id


def body(vendor_id: int, n: int) -> dict:
    dims = {"PROJECT": "P-100", "GL_ACCOUNT": "5010"}
    return {"po_type": "goods", "vendor_id": vendor_id, "description": f"Bench order {n}",
            "line_items": [{"identifier": f"Part {code}", "sku_code": code, "quantity": "10", "rate": "4.50",
                            "tax_rate": "18", "dimensions": dims} for code in SKUS]}


def statements(url: str, key: str, vendor_id: int) -> int:
    """SQL statements one POST /purchase-orders runs, from authentication to the response."""
    from web import create_app

    db = bind(open_database(url))
    app = create_app(Settings(database_url=url, rate_limit_per_minute=0, secret_key="bench", scheduler=False), db=db)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    client.post("/api/v1/purchase-orders", json=body(vendor_id, 0), headers=headers)  # warm
    with count_queries() as counter:
        response = client.post("/api/v1/purchase-orders", json=body(vendor_id, 0), headers=headers)
    assert response.status_code == 201, response.json
    db.close()
    return counter.count


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str) -> tuple[subprocess.Popen, str]:
    """`podesk serve` on a free port, once it answers /health."""
    port = _free_port()
    env = {**os.environ, "PODESK_SCHEDULER": "off", "PODESK_RATE_LIMIT_PER_MINUTE": "0", "PODESK_SECRET_KEY": "bench",
           "PODESK_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "podesk", "--database-url", url, "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/api/v1/health", timeout=1).status_code in (200, 503):
                return server, base
        except requests.ConnectionError:
            threading.Event().wait(0.1)
    server.kill()
    raise RuntimeError("podesk serve did not answer within 30 s")


def hammer(base: str, key: str, vendor_id: int, clients: int, per_client: int) -> tuple[list[float], float]:
    """`clients` threads each creating `per_client` POs at once; (latencies in ms, wall seconds)."""
    start = threading.Barrier(clients + 1)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        session.post(base + "/api/v1/purchase-orders", json=body(vendor_id, -1))  # connect, warm
        start.wait()
        for n in range(per_client):
            began = time.perf_counter()
            response = session.post(base + "/api/v1/purchase-orders", json=body(vendor_id, index * 10_000 + n))
            took = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(took)
                if response.status_code != 201:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    assert not failures, failures[:3]
    return latencies, wall


def run(label: str, url: str, clients: int, per_client: int) -> tuple[float, int]:
    """Measure one database; returns (p99 ms, statements per create)."""
    key, vendor_id = prepare(url)
    count = statements(url, key, vendor_id)
    server, base = serve(url)
    try:
        latencies, wall = hammer(base, key, vendor_id, clients, per_client)
    finally:
        server.terminate()
        server.wait(timeout=30)
    p99 = percentile(latencies, 99)
    print(f"{label}: {count} statements per create; {clients} clients × {per_client}: p50 {statistics.median(latencies):.1f} ms, "
          f"p90 {percentile(latencies, 90):.1f} ms, p99 {p99:.1f} ms, {len(latencies) / wall:.0f} creates/s "
          f"(1-min load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    return p99, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=60)
    args = parser.parse_args()
    choice = args.database or ("both" if data.postgres_answers() else "sqlite")
    results: dict[str, tuple[float, int]] = {}
    if choice in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="podesk-bench-create-"))
        try:
            results["sqlite"] = run("sqlite", f"sqlite:///{folder / 'create.db'}", args.clients, args.per_client)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if choice in ("postgresql", "both"):
        name = f"podesk_bench_create_{time.time_ns()}"
        try:
            results["postgresql"] = run("postgresql", data.create_postgres(name), args.clients, args.per_client)
        finally:
            data.drop_postgres(name)
    lite, pg = results.get("sqlite", (math.nan, 0)), results.get("postgresql", (math.nan, 0))
    print(f"create_p99_ms_sqlite={lite[0]:.1f} create_p99_ms_pg={pg[0]:.1f} create_statements={max(lite[1], pg[1])}")


if __name__ == "__main__":
    main()
