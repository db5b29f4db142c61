"""Webhook deliveries travel through the outbox to a real HTTP receiver on 127.0.0.1: signed, the
documented body, retried until a 2xx, in order per PO, never slowing podesk, and stopped by a delete."""
import datetime as dt
import hashlib
import hmac
import json
import threading
import time

import pytest

from core import outbox, services
from core.channels.webhook import WebhookChannel
from core.models import OutboxMessage, WebhookEvent
from core.services import batches
from tests.factories import line, make_vendor
from tests.integrations import approved_po, later, subscribe
from tests.receiver import Receiver


@pytest.fixture
def channel(db):
    made = WebhookChannel(timeout_seconds=1)  # the contract's 10 s, shortened so a hang costs the test a second
    outbox.register("webhook", made, outbox.DAY_POLICY)
    yield made
    outbox.unregister("webhook")


def deliveries(api, people, hook):
    return api.as_(people.admin).get(f"/webhooks/{hook['id']}/deliveries").json["data"]


def verified(secret: str, request, tolerance: int = 300) -> bool:
    """What a receiver does (README): recompute the HMAC over "t.body" and compare, and check t is fresh."""
    parts = dict(item.split("=", 1) for item in request.headers["Podesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) <= tolerance


def test_a_subscribed_event_arrives_signed_with_the_documented_body(api, people, channel, receiver):
    hook = subscribe(api, people, receiver.url, "po.approved")
    po = approved_po(api, people.requester)
    as_approved = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json
    assert outbox.deliver_due("test").delivered == 1
    [request] = receiver.wait_for(1)
    assert request.path == "/hooks/podesk"
    assert verified(hook["secret"], request)
    assert not verified("whsec_someone_else", request)
    body = json.loads(request.body)
    assert set(body) == {"id", "type", "created_at", "data"}
    assert body["id"].startswith("evt_") and body["type"] == "po.approved"
    assert body["data"] == as_approved
    [delivery] = deliveries(api, people, hook)
    assert (request.headers["Podesk-Event"], request.headers["Podesk-Delivery"]) == ("po.approved", str(delivery["id"]))
    assert request.headers["Content-Type"] == "application/json"
    assert (delivery["event_id"], delivery["event"], delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        body["id"], "po.approved", "delivered", 1, 200)
    assert delivery["delivered_at"] is not None and delivery["last_error"] is None


def test_a_tampered_body_fails_the_signature(api, people, channel, receiver):
    hook = subscribe(api, people, receiver.url, "po.created")
    approved_po(api, people.requester)
    outbox.deliver_due("test")
    [request] = receiver.wait_for(1)
    forged = type(request)(request.path, request.headers, request.body.replace(b'"status":"draft"', b'"status":"approved"'))
    assert forged.body != request.body and not verified(hook["secret"], forged)


def test_events_nobody_subscribed_to_write_nothing(api, people, channel, receiver):
    subscribe(api, people, receiver.url, "invoice.matched")
    approved_po(api, people.requester)  # created, submitted, approved: none of them subscribed
    assert WebhookEvent.select().count() == 0
    assert OutboxMessage.select().where(OutboxMessage.kind == "webhook").count() == 0


def test_a_500_then_a_200_is_retried_and_delivered_once(api, people, channel):
    receiver = Receiver(500).start()
    try:
        hook = subscribe(api, people, receiver.url, "po.approved")
        approved_po(api, people.requester)
        assert outbox.deliver_due("test").retrying == 1
        [failed] = deliveries(api, people, hook)
        assert (failed["status"], failed["attempts"], failed["last_status_code"]) == ("failed", 1, 500)
        assert "500" in failed["last_error"] and failed["next_attempt_at"] is not None
        assert outbox.deliver_due("test", clock=later(5)).delivered == 1
        assert outbox.deliver_due("test", clock=later(7200)).tried == 0
        first, second = receiver.wait_for(2)
        assert len(receiver.requests) == 2
        assert first.body == second.body and first.headers["Podesk-Delivery"] == second.headers["Podesk-Delivery"]
        assert verified(hook["secret"], second)
        [done] = deliveries(api, people, hook)
        assert (done["status"], done["attempts"], done["last_status_code"]) == ("delivered", 2, 200)
    finally:
        receiver.stop()


def test_a_receiver_that_says_retry_after_0_is_not_asked_again_at_once(api, people, channel):
    receiver = Receiver(default_status=503)
    receiver.answer_headers["Retry-After"] = "0"
    receiver.start()
    try:
        hook = subscribe(api, people, receiver.url, "po.approved")
        approved_po(api, people.requester)
        assert outbox.deliver_due("test").retrying == 1
        assert len(receiver.requests) == 1
        [failed] = deliveries(api, people, hook)
        waited = dt.datetime.fromisoformat(failed["next_attempt_at"]) - dt.datetime.fromisoformat(failed["last_attempt_at"])
        assert dt.timedelta(seconds=1) <= waited <= dt.timedelta(seconds=5)  # the policy's first backoff
    finally:
        receiver.stop()


def test_the_production_retry_policy_tries_for_24_hours_backing_off_to_an_hour_then_gives_up(api, people, receiver):
    """The webhook channel as podesk/wiring.py installs it, against a receiver that always fails;
    the worker's clock is moved to each retry's due time instead of waiting for it."""
    from core.config import Settings
    from podesk.wiring import install_channels

    install_channels(Settings())
    try:
        receiver.default_status = 500
        hook = subscribe(api, people, receiver.url, "po.approved")
        approved_po(api, people.requester)
        created = OutboxMessage.get(OutboxMessage.kind == "webhook").created_at
        attempts, moment = [], created
        while (row := OutboxMessage.get(OutboxMessage.kind == "webhook")).status == "pending":
            assert len(attempts) < 100, "still retrying after 100 attempts"
            moment = max(moment, row.next_attempt_at)
            assert outbox.deliver_due("test", clock=lambda: moment).tried == 1
            attempts.append(moment)
        assert outbox.deliver_due("test", clock=lambda: created + dt.timedelta(days=30)).tried == 0
    finally:
        outbox.unregister("webhook")
    waits = [(later - earlier).total_seconds() for earlier, later in zip(attempts, attempts[1:])]
    assert len(receiver.requests) == len(attempts) and row.status == "dead"
    assert waits[0] <= 5  # the first retry within 5 s
    # Doubling: the n-th wait is jittered within [½, 1] of 2ⁿ s, so each is at least the one before
    # and at most four times it, up to 1,024 s (the next ceilings, 2,048 s and the cap, overlap).
    doubling = waits[:10]
    assert all(earlier <= later <= 4 * earlier for earlier, later in zip(doubling, doubling[1:]))
    assert 512 <= doubling[-1] <= 1024
    assert 1800 <= max(waits) <= 3600 and all(wait <= 3600 for wait in waits)  # capped at an hour
    assert dt.timedelta(hours=23) <= attempts[-1] - created <= dt.timedelta(hours=24)  # for 24 hours, then dead
    [dead] = deliveries(api, people, hook)
    assert (dead["status"], dead["attempts"], dead["last_status_code"]) == ("dead", len(attempts), 500)
    assert api.get("/health").json["outbox"]["dead"] == 1


def test_a_hanging_receiver_times_out_and_never_slows_the_api(api, people, channel, receiver):
    hook = subscribe(api, people, receiver.url, "po.approved")
    receiver.hang()
    po = approved_po(api, people.requester)
    timing = {}

    def worker():
        started = time.monotonic()
        timing["report"] = outbox.deliver_due("worker")
        timing["seconds"] = time.monotonic() - started

    delivering = threading.Thread(target=worker)
    delivering.start()
    receiver.wait_for(1)  # the worker is now waiting on the receiver
    more = approved_po(api, people.requester)  # writes, submits and approves while the delivery hangs
    read = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}")
    assert delivering.is_alive(), "the API waited for the webhook"
    assert read.status_code == 200 and more["status"] == "approved"
    delivering.join(10)
    assert timing["report"].retrying >= 1
    assert 1 <= timing["seconds"] < 5
    failed = [d for d in deliveries(api, people, hook) if d["status"] == "failed"]
    assert failed and "within 1 s" in failed[-1]["last_error"] and failed[-1]["last_status_code"] is None


def test_a_deleted_webhook_stops_receiving(api, people, channel, receiver):
    hook = subscribe(api, people, receiver.url, "po.approved", "po.closed")
    po = approved_po(api, people.requester)  # one delivery waiting
    assert api.as_(people.admin).delete(f"/webhooks/{hook['id']}").status_code == 204
    assert api.as_(people.admin).post(f"/purchase-orders/{po['id']}/close").status_code == 200
    assert outbox.deliver_due("test", clock=later(60)).tried == 0
    assert receiver.requests == []
    assert OutboxMessage.select().where(OutboxMessage.kind == "webhook").count() == 0


def test_a_failing_receiver_holds_back_only_its_own_deliveries(api, people, channel, receiver):
    broken = Receiver(default_status=503).start()
    try:
        healthy, failing = subscribe(api, people, receiver.url, "po.created", "po.approved"), subscribe(api, people, broken.url, "po.created", "po.approved")
        approved_po(api, people.requester)
        report = outbox.deliver_due("test")
        assert (report.delivered, report.retrying) == (2, 1)
        assert [json.loads(r.body)["type"] for r in receiver.wait_for(2)] == ["po.created", "po.approved"]
        assert len(broken.requests) == 1  # po.approved waits behind po.created, for this receiver only
        assert [d["status"] for d in deliveries(api, people, failing)] == ["pending", "failed"]
        assert [d["status"] for d in deliveries(api, people, healthy)] == ["delivered", "delivered"]
    finally:
        broken.stop()


def test_each_event_carries_the_resource_as_it_was_when_it_happened(api, people, channel, receiver):
    subscribe(api, people, receiver.url, "po.approved", "po.closed")
    po = approved_po(api, people.requester)
    api.as_(people.admin).post(f"/purchase-orders/{po['id']}/close")
    outbox.deliver_due("test")
    approved, closed = (json.loads(r.body) for r in receiver.wait_for(2))
    assert (approved["type"], approved["data"]["status"]) == ("po.approved", "approved")
    assert (closed["type"], closed["data"]["status"]) == ("po.closed", "closed")
    assert approved["id"] != closed["id"]


def test_receipts_invoices_and_batches_arrive_as_the_api_shows_them(api, people, channel, receiver):
    subscribe(api, people, receiver.url, "receipt.recorded", "invoice.matched", "batch.completed")
    po = approved_po(api, people.requester, lines=[line("Bolts", 10, 5)])
    receipt = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/receipts", json={"lines": [{"identifier": "Bolts", "quantity": 10}]})
    assert receipt.status_code == 201, receipt.json
    invoice = api.as_(people.admin).post("/invoices", json={
        "vendor_id": po["vendor_id"], "invoice_number": "INV-1", "invoice_date": "2026-01-05", "currency": "INR",
        "po_number": po["po_number"], "lines": [{"description": "Bolts", "quantity": 10, "unit_price": 5}]})
    assert invoice.status_code == 201 and invoice.json["match_status"] == "matched", invoice.json
    accepted = api.as_(people.admin).post("/purchase-orders/bulk", json={"purchase_orders": [{
        "external_id": "ERP-1", "po_type": "goods", "matching": "two_way", "line_items": [{"identifier": "x", "quantity": 1, "rate": 1}]}]})
    assert accepted.status_code == 202, accepted.json
    while batches.work_chunk("test"):
        pass
    outbox.deliver_due("test")
    by_type = {b["type"]: b["data"] for b in (json.loads(r.body) for r in receiver.wait_for(3))}
    assert by_type["receipt.recorded"] == receipt.json["receipt"]
    assert by_type["invoice.matched"] == invoice.json
    assert by_type["batch.completed"] == api.as_(people.admin).get(f"/batches/{accepted.json['batch_id']}").json


def test_an_erp_batch_reads_the_subscriptions_once_not_once_per_event(api, people):
    from playhouse.test_utils import count_queries

    api.as_(people.admin).post("/webhooks", json={"url": "https://erp.example.com/hook", "events": ["invoice.matched"]})
    vendor, admin = make_vendor(), people.admin.user

    def statements(batch: str) -> int:
        body = {"purchase_orders": [{"external_id": f"ERP-{batch}-{i}", "po_type": "goods", "matching": "two_way", "status": "approved",
                                     "vendor_id": vendor.id, "description": "Restock", "payment_terms": "Net 30",
                                     "line_items": [{"identifier": "x", "quantity": 1, "rate": 1}]} for i in range(5)]}
        queued, _ = services.enqueue_batch(admin, body, chunk_size=10)
        with count_queries() as counter:
            while batches.work_chunk("test"):
                pass
        assert api.as_(people.admin).get(f"/batches/{queued.id}").json["succeeded"] == 5
        return counter.count

    without = statements("a")  # no webhook channel in this process: no subscription is read
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    try:
        with_channel = statements("b")  # 11 events: created and approved for each PO, batch.completed
    finally:
        outbox.unregister("webhook")
    assert with_channel - without == 1


def readme_receiver(secret: str):
    """The receiver the README shows, as written there, with this secret."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = next(block for block in readme.split("```python\n")[1:] if "def podesk_event" in block).split("```")[0]
    assert len([l for l in code.splitlines() if l.strip()]) <= 14
    namespace: dict = {"__name__": "__main__"}  # as if run as a script
    exec(code.replace('b"whsec_..."', repr(secret.encode())), namespace)  # noqa: S102 (our own README)
    return namespace["app"]


def test_the_readme_receiver_accepts_podesks_deliveries_and_refuses_forgeries(api, people, channel):
    from werkzeug.serving import make_server

    apps: dict[str, object] = {}  # each webhook's secret is known only once it exists: its app is set then
    servers = {name: make_server("127.0.0.1", 0, lambda environ, start, name=name: apps[name](environ, start), threaded=True)
               for name in ("genuine", "other_secret")}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hooks = {name: subscribe(api, people, f"http://127.0.0.1:{server.server_port}/podesk", "po.created")
                 for name, server in servers.items()}
        apps["genuine"] = readme_receiver(hooks["genuine"]["secret"])
        apps["other_secret"] = readme_receiver(hooks["genuine"]["secret"] + "x")  # podesk signs with the other webhook's
        approved_po(api, people.requester)
        report = outbox.deliver_due("test")
        assert (report.delivered, report.retrying) == (1, 1)
        [accepted], [refused] = deliveries(api, people, hooks["genuine"]), deliveries(api, people, hooks["other_secret"])
        assert (accepted["status"], accepted["last_status_code"]) == ("delivered", 204)
        assert (refused["status"], refused["last_status_code"]) == ("failed", 400)
    finally:
        for server in servers.values():
            server.shutdown()
