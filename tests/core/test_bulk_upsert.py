"""The ERP upsert below the API: `upsert_many` and `work_chunk` run a fixed number of SQL statements
whatever the number of items; an item that fails for an unexpected reason (a real database error)
fails alone as internal_error; and the database leases that keep once-per-deployment jobs single."""
import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from playhouse.test_utils import count_queries

from peewee import fn

from core import events, leases, outbox, services
from core.channels.webhook import WebhookChannel
from core.db import database
from core.fields import utcnow
from core.models import JobLease, OutboxMessage, PoLine, PurchaseOrder, WebhookDelivery, WebhookEvent
from core.queries import _batches as batch_queries
from core.services import batches
from core.services._bulk_upsert import upsert_many
from core.operator import add_user
from tests.factories import make_dimension, make_sku, make_vendor

SMALL, LARGE = 10, 100


class Erp:
    """An ERP admin, the vendor, SKUs and projects its items name, and items for three-way POs."""

    def __init__(self):
        self.admin = add_user("ERP Admin", "erp@example.com", "admin")
        self.vendor = make_vendor()
        for code in ("BOLT", "WIRE", "NUT"):
            make_sku(code=code)
        for project in ("P-1", "P-2"):
            make_dimension("PROJECT", project)

    def new(self, external_id, *extra_lines):
        """A PO of two lines (bolts on project P-1, wire)."""
        return self._item(external_id, "ERP order", [
            {"identifier": "Steel bolts M8", "sku_code": "BOLT", "quantity": "10", "rate": "100", "tax_rate": "18", "dimensions": {"PROJECT": "P-1"}},
            {"identifier": "Copper wire", "sku_code": "WIRE", "quantity": "5", "rate": "20"},
            *extra_lines])

    def revised(self, external_id):
        """The same PO revised: bolts changed (quantity, project), wire dropped, nuts added, new description."""
        return self._item(external_id, "Revised ERP order", [
            {"identifier": "Steel bolts M8", "sku_code": "BOLT", "quantity": "12", "rate": "100", "tax_rate": "18", "dimensions": {"PROJECT": "P-2"}},
            {"identifier": "Hex nuts", "sku_code": "NUT", "quantity": "40", "rate": "1.5", "dimensions": {"PROJECT": "P-1"}}])

    def _item(self, external_id, description, lines):
        return {"external_id": external_id, "po_type": "goods", "matching": "three_way", "vendor_id": self.vendor.id,
                "description": description, "payment_terms": "Net 30", "line_items": lines}

    def upsert(self, items):
        with database.atomic():
            return upsert_many(self.admin, list(enumerate(items)))

    def enqueue(self, items):
        batch, created = batches.enqueue_batch(self.admin, {"purchase_orders": items})
        assert created
        return batch.id


@pytest.fixture
def erp(db):
    return Erp()


def statements(call):
    """How many SQL statements `call` runs, and what it returns."""
    counter = count_queries()
    with counter:
        result = call()
    return counter.count, result


def ids(prefix, n):
    return [f"{prefix}-{i}" for i in range(n)]


# ---- a fixed number of statements, whatever the size -----------------------------------------------

def test_upserting_100_new_pos_runs_as_many_statements_as_upserting_10(erp):
    counts = {}
    for size in (SMALL, LARGE):
        counts[size], outcomes = statements(partial(erp.upsert, [erp.new(e) for e in ids(f"NEW{size}", size)]))
        assert [o.result for o in outcomes] == ["created"] * size
    assert counts[SMALL] == counts[LARGE], counts
    assert (PurchaseOrder.select().count(), PoLine.select().count()) == (SMALL + LARGE, 2 * (SMALL + LARGE))


def test_upserting_100_existing_pos_runs_as_many_statements_as_upserting_10(erp):
    counts = {}
    for size in (SMALL, LARGE):
        erp.upsert([erp.new(e) for e in ids(f"OLD{size}", size)])
        counts[size], outcomes = statements(partial(erp.upsert, [erp.revised(e) for e in ids(f"OLD{size}", size)]))
        assert [o.result for o in outcomes] == ["updated"] * size
    assert counts[SMALL] == counts[LARGE], counts
    revised = PurchaseOrder.get(PurchaseOrder.external_id == f"OLD{LARGE}-99")
    assert [(l.identifier, l.quantity) for l in revised.lines.order_by(PoLine.line_no)] == [("Steel bolts M8", Decimal(12)), ("Hex nuts", Decimal(40))]


@pytest.mark.parametrize("kind", ["creates", "updates"])
def test_working_off_a_chunk_of_100_pos_runs_as_many_statements_as_a_chunk_of_10(erp, kind):
    counts = {}
    for size in (SMALL, LARGE):
        keys = ids(f"B{size}", size)
        if kind == "updates":
            erp.upsert([erp.new(e) for e in keys])
        batch_id = erp.enqueue([erp.revised(e) if kind == "updates" else erp.new(e) for e in keys])
        counts[size], tried = statements(partial(batches.work_chunk, "test-worker"))
        progress = batch_queries.batch(batch_id)
        assert (tried, progress["status"], progress["succeeded"]) == (size, "completed", size)
    assert counts[SMALL] == counts[LARGE], counts


# ---- a chunk is validated at once, each item failing alone ------------------------------------------

def test_the_items_of_a_chunk_are_checked_at_once_yet_each_keeps_its_own_errors_and_the_valid_ones_are_written(erp):
    bad_rate = erp.new("ERP-2")
    bad_rate["line_items"][1]["rate"] = "-1"
    unknown = {**erp.new("ERP-3"), "colour": "red"}
    shape_and_rule = erp.new("ERP-4")  # a schema error and a rule error: both are told
    shape_and_rule["currency"] = "XYZ"
    shape_and_rule["line_items"][0]["sku_code"] = "NO-SUCH-SKU"
    outcomes = erp.upsert([erp.new("ERP-1"), bad_rate, unknown, shape_and_rule, erp.new("ERP-5")])
    assert [(o.index, o.result, [(e.code, e.pointer) for e in o.errors]) for o in outcomes] == [
        (0, "created", []),
        (1, "failed", [("invalid_value", "/line_items/1/rate")]),
        (2, "failed", [("unknown_field", "/colour")]),
        (3, "failed", [("invalid_currency", "/currency"), ("sku_not_found", "/line_items/0/sku_code")]),
        (4, "created", []),
    ]
    written = PurchaseOrder.select(PurchaseOrder.external_id).order_by(PurchaseOrder.id).tuples()
    assert [e for (e,) in written] == ["ERP-1", "ERP-5"]


# ---- an unexpected failure fails its item alone -----------------------------------------------------

@pytest.fixture
def exploding_line(db, is_postgres):
    """The database itself refuses any PO line named EXPLODE, as a broken disk or a bug would."""
    table = PoLine._meta.table_name
    with db.atomic():
        if is_postgres:
            db.execute_sql("CREATE OR REPLACE FUNCTION podesk_test_explode() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           "BEGIN IF NEW.identifier = 'EXPLODE' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$")
            db.execute_sql(f"CREATE TRIGGER podesk_test_explode BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION podesk_test_explode()")
        else:
            db.execute_sql(f"CREATE TRIGGER podesk_test_explode BEFORE INSERT ON {table} "
                           "WHEN NEW.identifier = 'EXPLODE' BEGIN SELECT RAISE(ABORT, 'boom'); END")
    yield {"identifier": "EXPLODE", "sku_code": "NUT", "quantity": "1", "rate": "1"}
    with db.atomic():
        db.execute_sql("DROP TRIGGER IF EXISTS podesk_test_explode" + (f" ON {table}" if is_postgres else ""))
        if is_postgres:
            db.execute_sql("DROP FUNCTION IF EXISTS podesk_test_explode()")


def test_an_item_that_fails_unexpectedly_is_failed_as_internal_error_and_the_others_are_written(erp, exploding_line):
    batch_id = erp.enqueue([erp.new("ERP-1"), erp.new("ERP-2", exploding_line), erp.new("ERP-3")])
    batches.run_pending("test-worker")
    progress = batch_queries.batch(batch_id)
    assert (progress["status"], progress["processed"], progress["succeeded"], progress["failed"]) == ("completed", 3, 2, 1)
    results, _ = batch_queries.results(batch_id, {})
    assert [(r["external_id"], r["result"], [e["code"] for e in r["errors"]]) for r in results] == [
        ("ERP-1", "created", []), ("ERP-2", "failed", ["internal_error"]), ("ERP-3", "created", [])]
    assert results[1]["purchase_order_id"] is None and "boom" not in results[1]["errors"][0]["detail"]


def test_an_item_that_fails_unexpectedly_leaves_no_po_no_lines_and_no_po_number_used(erp, exploding_line):
    erp.enqueue([erp.new("ERP-1"), erp.new("ERP-2", exploding_line), erp.new("ERP-3")])
    batches.run_pending("test-worker")
    written = PurchaseOrder.select().order_by(PurchaseOrder.id)
    assert [(p.external_id, p.po_number) for p in written] == [("ERP-1", "PO-00001"), ("ERP-3", "PO-00002")]
    assert PoLine.select().count() == 4 and not PoLine.select().where(PoLine.identifier == "EXPLODE").exists()


def test_a_whole_chunk_that_fails_unexpectedly_still_completes_its_batch(erp, exploding_line):
    batch_id = erp.enqueue([erp.new(f"ERP-{i}", exploding_line) for i in range(3)])
    assert batches.run_pending("test-worker") == 3
    progress = batch_queries.batch(batch_id)
    assert (progress["status"], progress["failed"], PurchaseOrder.select().count()) == ("completed", 3, 0)
    assert batches.run_pending("test-worker") == 0  # nothing is left to retry for ever


# ---- webhooks: a chunk's events in a fixed number of statements --------------------------------------

MOST_PER_CHUNK = 30  # statements for a chunk of 100 creates, its events to two webhooks included


@pytest.fixture
def hooks(erp):
    """A webhook channel in this process, and two webhooks subscribed to po.created and po.approved."""
    outbox.register("webhook", WebhookChannel(), outbox.DAY_POLICY)
    yield [services.create_webhook(erp.admin, {"url": f"https://erp-{n}.example.com/hook", "events": ["po.created", "po.approved"]})
           for n in (1, 2)]
    outbox.unregister("webhook")


def approved(item):
    return {**item, "status": "approved"}


def told(after: int = 0) -> list[tuple]:
    """What the webhooks were told by the deliveries after id `after`, in the order written: webhook,
    event (type, time, data), outbox row (ordering key, payload, status), with the event and delivery
    ids replaced by their rank so that two writings of the same events compare equal."""
    query = WebhookDelivery.select().order_by(WebhookDelivery.id)
    deliveries = list(query.where(WebhookDelivery.id > after) if after else query)  # no row has the id 0
    rows = {r.key: r for r in OutboxMessage.select().where(OutboxMessage.kind == "webhook")}
    ranks = {d.id: n for n, d in enumerate(deliveries)}
    events_in_order = list(dict.fromkeys(d.event_id for d in deliveries))
    stored = {e.id: e for e in WebhookEvent.select().where(WebhookEvent.id.in_(events_in_order))}
    numbered = {event_id: n for n, event_id in enumerate(events_in_order)}
    written = [rows[d.outbox_key].id for d in deliveries]
    assert written == sorted(written)  # the outbox rows follow the deliveries' order
    result = []
    for d in deliveries:
        event, row = stored[d.event_id], rows[d.outbox_key]
        assert d.outbox_key == f"webhook:{d.webhook_id}:{d.event_id}"
        assert row.payload == {"delivery_id": d.id, "webhook_id": d.webhook_id, "event_id": d.event_id}
        result.append((d.webhook_id, numbered[d.event_id], event.type, event.created_at, event.data,
                       row.ordering_key, ranks[d.id], row.status))
    return result


def last_delivery() -> int:
    return WebhookDelivery.select(fn.MAX(WebhookDelivery.id)).scalar() or 0


def test_a_chunk_of_100_creates_tells_two_webhooks_in_as_many_statements_as_a_chunk_of_10(erp, hooks):
    counts = {}
    for size in (SMALL, LARGE):
        erp.enqueue([approved(erp.new(e)) for e in ids(f"W{size}", size)])
        counts[size], tried = statements(partial(batches.work_chunk, "test-worker"))
        assert tried == size
    assert counts[SMALL] == counts[LARGE] <= MOST_PER_CHUNK, counts
    events = 2 * (SMALL + LARGE)  # each PO created, then approved by the ERP
    webhook_rows = OutboxMessage.select().where(OutboxMessage.kind == "webhook", OutboxMessage.status == "pending")
    assert (WebhookEvent.select().count(), WebhookDelivery.select().count(), webhook_rows.count()) == (events, 2 * events, 2 * events)


def test_a_chunk_tells_webhooks_exactly_what_its_events_published_one_by_one_tell_them(erp, hooks, api, people):
    """The events a chunk published, published again one at a time as single requests do, write the
    same events (types, times, snapshots), deliveries and outbox rows, in the same order."""
    services.create_webhook(erp.admin, {"url": "https://approvals.example.com/hook", "events": ["po.approved"]})
    keys = ids("ERP", 12)
    chunks = [
        [erp.new(e) if i % 3 == 0 else approved(erp.new(e)) for i, e in enumerate(keys)],  # creates, most approved
        [approved(erp.revised(e)) if i % 3 == 0 else erp.revised(e) for i, e in enumerate(keys)] + [approved(erp.new("ERP-new"))],
    ]
    for items in chunks:
        before, heard = last_delivery(), []
        erp.enqueue(items)
        stop_hearing = events.on_event(heard.append)
        try:
            assert batches.work_chunk("test-worker") == len(items)
        finally:
            stop_hearing()
        batched = told(after=before)
        assert batched, "the chunk told the webhooks nothing"
        for _, _, kind, _, data, *_ in batched:  # each PO as the API shows it now (nothing changed it since)
            if kind.startswith("po."):
                assert data == api.as_(people.viewer).get(f"/purchase-orders/{data['id']}").json
        again = last_delivery()
        with database.atomic():
            for event in heard:
                events.publish(event)
        assert told(after=again) == batched
    assert {kind for _, _, kind, *_ in told()} == {"po.created", "po.approved"}


def test_the_events_of_a_chunk_that_failed_as_a_whole_are_written_once_for_the_items_that_then_succeeded(erp, hooks, exploding_line):
    erp.enqueue([approved(erp.new("ERP-1")), approved(erp.new("ERP-2", exploding_line)), approved(erp.new("ERP-3"))])
    batches.run_pending("test-worker")
    by_po = {}
    for _, _, kind, _, data, *_ in told():
        by_po.setdefault(data["external_id"], []).append(kind)
    assert by_po == {e: ["po.created", "po.created", "po.approved", "po.approved"] for e in ("ERP-1", "ERP-3")}
    assert WebhookEvent.select().count() == 4


# ---- leases ----------------------------------------------------------------------------------------

def expiry(name):
    return JobLease.get_by_id(name).expires_at


def test_a_free_lease_is_acquired_by_the_first_holder(db):
    assert leases.acquire("nightly-sync", "worker-a", 30)
    assert JobLease.get_by_id("nightly-sync").holder == "worker-a"


def test_a_running_lease_is_refused_to_another_holder(db):
    leases.acquire("nightly-sync", "worker-a", 30)
    assert not leases.acquire("nightly-sync", "worker-b", 30)
    assert JobLease.get_by_id("nightly-sync").holder == "worker-a"


def test_the_holder_renews_its_running_lease_for_longer(db):
    leases.acquire("nightly-sync", "worker-a", 30)
    first = expiry("nightly-sync")
    assert leases.acquire("nightly-sync", "worker-a", 600)
    assert expiry("nightly-sync") - first > dt.timedelta(seconds=500)
    assert not leases.acquire("nightly-sync", "worker-b", 30)


def test_an_expired_lease_is_taken_over_by_another_holder(db):
    leases.acquire("nightly-sync", "worker-a", -1)
    assert leases.acquire("nightly-sync", "worker-b", 30)
    assert JobLease.get_by_id("nightly-sync").holder == "worker-b" and expiry("nightly-sync") > utcnow()
    assert not leases.acquire("nightly-sync", "worker-a", 30)


def test_a_released_lease_is_free_for_another_holder(db):
    leases.acquire("nightly-sync", "worker-a", 30)
    leases.release("nightly-sync", "worker-a")
    assert leases.acquire("nightly-sync", "worker-b", 30)


def test_only_the_holder_can_release_a_lease(db):
    leases.acquire("nightly-sync", "worker-a", 30)
    leases.release("nightly-sync", "worker-b")
    assert not leases.acquire("nightly-sync", "worker-b", 30)


def test_leases_of_different_names_do_not_block_each_other(db):
    assert leases.acquire("nightly-sync", "worker-a", 30)
    assert leases.acquire("digest-mail", "worker-b", 30)
