"""The delivery loop the scheduler runs (`podesk serve`, `podesk worker`), against real receivers on
127.0.0.1: a retry leaves the moment it falls due, and a receiver that hangs holds back neither the
emails of the same process nor the other webhooks' deliveries."""
import datetime as dt
import json

import pytest

from core import outbox
from core.channels.email import EmailChannel
from core.channels.webhook import WebhookChannel
from core.models import OutboxMessage
from core.scheduler import Scheduler
from tests.concurrency import wait_until
from tests.integrations import approved_po, subscribe
from tests.mail import MailServer
from tests.receiver import Receiver


@pytest.fixture
def scheduler(db):
    made = Scheduler()
    yield made
    made.shutdown()


@pytest.fixture
def webhooks(db):
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)  # api.md's 10 s to answer
    yield
    outbox.unregister("webhook")


def webhook_row() -> OutboxMessage:
    return OutboxMessage.get(OutboxMessage.kind == "webhook")


def test_a_failed_delivery_is_tried_again_the_moment_its_retry_falls_due(api, people, webhooks, scheduler):
    receiver = Receiver(500).start()  # fails once, then answers 200
    try:
        subscribe(api, people, receiver.url, "po.approved")
        scheduler.start()
        approved_po(api, people.requester)  # the commit nudges the loop: the first attempt leaves at once
        first, second = receiver.wait_for(2, timeout=15)
        # The receiver keeps a request before it answers, and the outbox records the answer after.
        wait_until(lambda: webhook_row().status == "delivered", 10, "the second attempt to be recorded")
    finally:
        receiver.stop()
    row = webhook_row()
    assert row.attempts == 2
    assert second.at - first.at < 5  # api.md: the first retry within 5 s
    # ... because the loop woke when the retry fell due (1 to 2 s after the failure), not at its next poll.
    due = row.next_attempt_at.replace(tzinfo=dt.timezone.utc).timestamp()
    assert second.at - due < 1.5


def test_a_hanging_webhook_receiver_holds_back_no_email(api, people, webhooks, receiver, scheduler):
    mail = MailServer().start()
    outbox.register("email", EmailChannel(mail.url, "orders@acme.example", timeout_seconds=5), outbox.DAY_POLICY)
    try:
        hook = subscribe(api, people, receiver.url, "po.approved")
        receiver.hang()
        scheduler.start()
        po = approved_po(api, people.requester)
        receiver.wait_for(1)  # the webhook delivery now waits up to 10 s for an answer
        sent = api.as_(people.requester).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"]})
        assert sent.status_code == 202, sent.json
        [received] = mail.wait_for(1, timeout=5)  # well inside the hang
        assert received.rcpt_tos == ["sales@boltnut.example"]
        [delivery] = api.as_(people.admin).get(f"/webhooks/{hook['id']}/deliveries").json["data"]
        assert (delivery["status"], delivery["attempts"]) == ("pending", 1)  # still waiting for its answer
    finally:
        receiver.released.set()
        mail.stop()
        outbox.unregister("email")


def test_a_hanging_receiver_holds_back_no_other_webhooks_deliveries(api, people, webhooks, receiver, scheduler):
    healthy = Receiver().start()
    try:
        hanging = subscribe(api, people, receiver.url, "po.approved")  # subscribed first: its deliveries are written first
        subscribe(api, people, healthy.url, "po.approved")
        receiver.hang()
        scheduler.start()
        approved_po(api, people.requester)
        approved_po(api, people.requester)
        receiver.wait_for(2)  # both its deliveries are hanging
        arrived = healthy.wait_for(2, timeout=5)  # well inside the 10 s hang
        assert [json.loads(r.body)["type"] for r in arrived] == ["po.approved", "po.approved"]
        waiting = api.as_(people.admin).get(f"/webhooks/{hanging['id']}/deliveries").json["data"]
        assert [(d["status"], d["attempts"]) for d in waiting] == [("pending", 1), ("pending", 1)]  # still unanswered
    finally:
        receiver.released.set()
        healthy.stop()
