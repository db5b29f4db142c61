"""100 POs emailed to a real SMTP server and 1,000 webhook deliveries to a real HTTP receiver, through
the outbox, both on 127.0.0.1: what queuing costs the request, how long the worker takes, and how
many retries the induced failures cost.

Emails: 100 approved POs of 10 lines each, one send_po each (the request side: validate, snapshot
the PO's document values, write the email, its outbox row and the audit event); then one worker
delivers them: draws each PDF, talks SMTP, records sent_at. The server defers every 25th message
(451), so some are retried.
Webhooks: one webhook subscribed to po.created and po.approved; 500 POs created with submit (1,000
events, each stored once with the PO's snapshot, one delivery each, in the PO's transaction); then
the worker POSTs them, signed. The receiver answers every 20th request 503.
Backoff waits are skipped (the worker's clock jumps ahead when nothing is due), so the times are
the worker's own work. Every received signature is checked.

    .venv/bin/python bench/outbox.py [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import outbox  # noqa: E402
from core import services  # noqa: E402
from core.channels.email import EmailChannel  # noqa: E402
from core.channels.webhook import WebhookChannel  # noqa: E402
from core.db import bind, migrate, open_database  # noqa: E402
from core.fields import utcnow  # noqa: E402
from core.documents import render_po_pdf  # noqa: E402
from core.models import OutboxMessage, PoEmail  # noqa: E402
from core.services._documents import document_from  # noqa: E402
from core.services.users import add_user  # noqa: E402
from tests.mail import MailServer  # noqa: E402
from tests.receiver import Receiver  # noqa: E402

EMAILS, WEBHOOK_POS, LINES = 100, 500, 10


def po_body(vendor_id: int, i: int) -> dict:
    return {"po_type": "goods", "matching": "two_way", "vendor_id": vendor_id, "description": f"Restock {i}",
            "payment_terms": "Net 30", "submit": True,
            "line_items": [{"identifier": f"Part {k}", "quantity": str(10 + k), "rate": f"{12.5 * (k + 1):.2f}", "tax_rate": "18"}
                           for k in range(LINES)]}


def drain(kind: str) -> tuple[float, int]:
    """Deliver every message of `kind`; returns (seconds of work, delivery rounds). Backoff waits are jumped over."""
    offset, rounds, busy = dt.timedelta(0), 0, 0.0
    while OutboxMessage.select().where((OutboxMessage.kind == kind) & (OutboxMessage.status == "pending")).exists():
        started = time.perf_counter()
        report = outbox.deliver_due("bench", limit=50, budget_seconds=600, clock=lambda: utcnow() + offset)
        busy += time.perf_counter() - started
        rounds += 1
        if report.tried == 0:
            offset += dt.timedelta(seconds=30)  # nothing due: let the retries' backoff pass
    return busy, rounds


def attempts(kind: str) -> tuple[int, int, int]:
    rows = list(OutboxMessage.select(OutboxMessage.attempts, OutboxMessage.status).where(OutboxMessage.kind == kind).tuples())
    return sum(a for a, _ in rows), sum(a - 1 for a, _ in rows), sum(1 for _, s in rows if s == "dead")


def bench_emails(admin, requester, vendor_id) -> float:
    mail = MailServer().start()
    mail.defer_every = 25
    outbox.register("email", EmailChannel(mail.url, "orders@acme.example"), outbox.DAY_POLICY)
    try:
        pos = [services.create_po(requester, po_body(vendor_id, i)).po.id for i in range(EMAILS)]
        queued = []
        for po_id in pos:
            started = time.perf_counter()
            services.send_po(requester, po_id, to=["sales@vendor.example"], cc=["ap@vendor.example"])
            queued.append(time.perf_counter() - started)
        drawing = []
        for email in PoEmail.select().limit(10):  # the same PDFs the channel draws, timed alone
            started = time.perf_counter()
            render_po_pdf(document_from(email.document), locale=email.locale)
            drawing.append(time.perf_counter() - started)
        busy, rounds = drain("email")
        tries, retries, dead = attempts("email")
        received = len(mail.wait_for(EMAILS))
        print(f"emails: {EMAILS} queued, median {statistics.median(queued) * 1000:.1f} ms per send_po (request side); "
              f"delivered {received} in {busy:.2f} s of worker time ({busy / EMAILS * 1000:.1f} ms each, of which drawing "
              f"the PDF about {statistics.median(drawing) * 1000:.0f} ms), {tries} attempts, {retries} retries (server "
              f"deferred every 25th), {dead} dead, {rounds} rounds")
        assert received == EMAILS and dead == 0
    finally:
        outbox.unregister("email")
        mail.stop()
    return busy


def bench_webhooks(admin, requester, vendor_id) -> float:
    receiver = Receiver().start()
    receiver.fail_every = 20
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    try:
        plain = []
        for i in range(50):  # the same PO creation with no webhook subscribed, for the cost of the rows
            started = time.perf_counter()
            services.create_po(requester, po_body(vendor_id, i))
            plain.append(time.perf_counter() - started)
        OutboxMessage.delete().where(OutboxMessage.kind == "webhook").execute()
        hook = services.create_webhook(admin, {"url": receiver.url, "events": ["po.created", "po.approved"]})
        written = []
        for i in range(WEBHOOK_POS):
            started = time.perf_counter()
            services.create_po(requester, po_body(vendor_id, i))
            written.append(time.perf_counter() - started)
        busy, rounds = drain("webhook")
        tries, retries, dead = attempts("webhook")
        requests = receiver.wait_for(2 * WEBHOOK_POS)
        good = sum(1 for r in requests if _verified(hook.secret, r))
        deliveries = 2 * WEBHOOK_POS
        print(f"webhooks: {deliveries} deliveries; creating+approving a PO took median {statistics.median(written) * 1000:.1f} ms "
              f"with 2 events to store vs {statistics.median(plain) * 1000:.1f} ms with no webhook; delivered in {busy:.2f} s "
              f"of worker time ({busy / deliveries * 1000:.2f} ms each), {tries} attempts, {retries} retries "
              f"(receiver failed every 20th request), {dead} dead, {rounds} rounds; {good}/{len(requests)} signatures verified")
        assert dead == 0 and good == len(requests)
    finally:
        outbox.unregister("webhook")
        receiver.stop()
    return busy


def _verified(secret: str, request) -> bool:
    parts = dict(item.split("=", 1) for item in request.headers["Podesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a temporary SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = options.database_url or f"sqlite:///{tmp}/bench.db"
        db = bind(open_database(url))
        migrate(db)
        admin = add_user("Bench Admin", "admin@example.com", "admin")
        requester = add_user("Bench Buyer", "buyer@example.com", "requester")
        vendor = services.create_vendor(admin, {"name": "Bolt & Nut Traders", "currency": "INR", "address": "12 Nehru Place\nNew Delhi"})
        print(f"database: {'postgresql' if options.database_url else 'sqlite'}")
        email_s = bench_emails(admin, requester, vendor.id)
        hook_s = bench_webhooks(admin, requester, vendor.id)
        print(f"outbox_emails_per_s={EMAILS / email_s:.0f} outbox_webhooks_per_s={2 * WEBHOOK_POS / hook_s:.0f}")
        db.close()


if __name__ == "__main__":
    main()
