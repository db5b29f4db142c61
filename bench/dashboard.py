"""The dashboard at 100k POs / 1M lines on SQLite, each page beside the API's JSON for the same rows.

Builds bench/list.py's data set, signs a dashboard user in, then times through the Flask test
client: the overview, the PO list (first page and filtered), a PO's page and the CSV of about
1,000 rows; next to each, the API calls that return the same rows as JSON (the list: the same
page; a PO: the PO, its trail, receipts and invoices; the CSV: the same rows, 200 a page). The
overview has no JSON twin (its counts and spend exist only on the page). Prints p50/p99 of each and
the ratios page ÷ JSON at p50 and p99; the last line is
`dash_overview_p99_ms=<x> dash_list_p99_ms=<worst list p99> dash_ratio=<worst p50 ratio>`.
Targets: overview and list p99 ≤ 50 ms, page ÷ JSON ≤ 3. The ratio that counts is the medians':
it is what rendering HTML costs over JSON; a p99 ratio mostly compares two samples of the
machine's noise (both are printed).

    .venv/bin/python bench/dashboard.py [--pos 100000] [--lines-per-po 10] [--runs 300]
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _listdata as data  # noqa: E402  (bench/list.py's data set: the same 100k POs)
from list import percentile  # noqa: E402

from core.config import Settings  # noqa: E402
from core.db import bind, open_database  # noqa: E402
from core.services.users import set_password  # noqa: E402
from web import create_app  # noqa: E402

PASSWORD = "bench dashboard"
EMAIL = "bench@example.com"  # bench/list.py's admin


def sign_in(client) -> None:
    """Sign the bench's admin in through the real form (the session cookie stays in `client`)."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)


def timed(calls, runs: int) -> list[float]:
    """Milliseconds per run of `calls` (every response read whole and checked)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for call in calls:
            response = call()
            response.get_data()
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def vendors_for(path: Path, rows: int) -> tuple[str, int]:
    """Vendor ids whose POs add up to about `rows` (a filter for the CSV), and how many they have."""
    conn = sqlite3.connect(path)
    counts = conn.execute("SELECT vendor_id, COUNT(*) FROM purchase_order GROUP BY vendor_id ORDER BY vendor_id").fetchall()
    conn.close()
    chosen, total = [], 0
    for vendor, count in counts:
        if total >= rows:
            break
        chosen.append(str(vendor))
        total += count
    return ",".join(chosen), total


def cases(client, api, po: int, csv_vendors: str, csv_rows: int) -> dict[str, tuple[list, list]]:
    """{name: (the page's requests, the same rows as API JSON requests)}."""
    get, json = client.get, (lambda url: (lambda: api.get(url, headers={"Authorization": f"Bearer {api.key}"})))
    filtered = "status=approved&vendor_id=17"
    csv_pages = [json(f"/api/v1/purchase-orders?vendor_id={csv_vendors}&per_page=200&page={n}")
                 for n in range(1, -(-csv_rows // 200) + 1)]
    return {
        "overview": ([lambda: get("/")], []),
        "list page 1": ([lambda: get("/purchase-orders")], [json("/api/v1/purchase-orders")]),
        "list filtered": ([lambda: get(f"/purchase-orders?{filtered}")], [json(f"/api/v1/purchase-orders?{filtered}")]),
        "po page": ([lambda: get(f"/purchase-orders/{po}")],
                    [json(f"/api/v1/purchase-orders/{po}"), json(f"/api/v1/purchase-orders/{po}/events"),
                     json(f"/api/v1/purchase-orders/{po}/receipts"), json(f"/api/v1/invoices?purchase_order_id={po}")]),
        f"csv {csv_rows:,} rows": ([lambda: get(f"/purchase-orders.csv?vendor_id={csv_vendors}")], csv_pages),
    }


def main() -> None:
    """Build the data, then time each page beside its JSON and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pos", type=int, default=100_000)
    parser.add_argument("--lines-per-po", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="podesk-bench-")) / "dashboard.db"
    started = time.perf_counter()
    key = data.prepare(f"sqlite:///{path}")
    data.load_sqlite(path, args.pos, args.lines_per_po)
    db = bind(open_database(f"sqlite:///{path}"))
    set_password(EMAIL, PASSWORD)
    db.close()
    print(f"built {args.pos:,} POs / {args.pos * args.lines_per_po:,} lines in {time.perf_counter() - started:.1f}s ({path})")
    app = create_app(Settings(database_url=f"sqlite:///{path}", rate_limit_per_minute=0, secret_key="bench"))
    client, api = app.test_client(), app.test_client()
    api.key = key
    sign_in(client)
    csv_vendors, csv_rows = vendors_for(path, 1_000)
    overview_p99, list_p99, worst_ratio = 0.0, 0.0, 0.0
    print(f"{'':<16} {'page p50':>9} {'page p99':>9} {'json p50':>9} {'json p99':>9} {'p50 ratio':>9} {'p99 ratio':>9}")
    for name, (page, same_rows) in cases(client, api, args.pos // 2, csv_vendors, csv_rows).items():
        timed(page + same_rows, 20)  # warm caches
        page_ms = timed(page, args.runs)
        p50, p99 = statistics.median(page_ms), percentile(page_ms, 99)
        if not same_rows:
            overview_p99 = p99
            print(f"{name:<16} {p50:8.2f}ms {p99:8.2f}ms {'—':>9} {'—':>9} {'—':>9} {'—':>9}")
            continue
        json_ms = timed(same_rows, args.runs)
        j50, j99 = statistics.median(json_ms), percentile(json_ms, 99)
        worst_ratio = max(worst_ratio, p50 / j50)
        if name.startswith("list"):
            list_p99 = max(list_p99, p99)
        print(f"{name:<16} {p50:8.2f}ms {p99:8.2f}ms {j50:8.2f}ms {j99:8.2f}ms {p50 / j50:8.2f}x {p99 / j99:8.2f}x")
    print(f"dash_overview_p99_ms={overview_p99:.2f} dash_list_p99_ms={list_p99:.2f} dash_ratio={worst_ratio:.2f}")


if __name__ == "__main__":
    main()
