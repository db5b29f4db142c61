"""Real worker processes (`podesk worker`) on a real database: killed mid-batch, and two at once.

The worker is started exactly as the Procfile starts it. The tests wait on conditions in the
database with deadlines; they never sleep for a fixed time.
"""
import signal
import subprocess
import sys

import pytest
from peewee import fn

from core.models import AuditEvent, Batch, BatchItem, PoLine, PurchaseOrder
from core.services import batches
from tests.concurrency import wait_until
from core.operator import add_user
from tests.factories import make_sku, make_vendor

LINES = 2


def start_worker(database_url: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "podesk", "--database-url", database_url, "worker"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def backlog(db):
    """Queue `n` batches of `size` POs (chunks of 5 items) and return what was asked for."""
    admin = add_user("ERP Admin", "erp@example.com", "admin")
    vendor, sku = make_vendor(), make_sku(code="PART")

    def queue(n: int, size: int) -> list[str]:
        ids = []
        for b in range(n):
            body = {"purchase_orders": [
                {"external_id": f"ERP-{b}-{i}", "po_type": "goods", "vendor_id": vendor.id, "description": "ERP order",
                 "line_items": [{"identifier": f"Line {k}", "sku_code": sku.code, "quantity": "3", "rate": "7.50"}
                                for k in range(LINES)]}
                for i in range(size)]}
            batch, _ = batches.enqueue_batch(admin, body, chunk_size=5)
            ids.append(batch.id)
        return ids

    return queue


def processed() -> int:
    return BatchItem.select().where(BatchItem.result.is_null(False)).count()


def assert_applied_exactly_once(expected_pos: int) -> None:
    assert PurchaseOrder.select().count() == expected_pos
    assert PoLine.select().count() == expected_pos * LINES
    assert BatchItem.select().where(BatchItem.result != "created").count() == 0
    distinct = PurchaseOrder.select(PurchaseOrder.external_id).distinct().count()
    assert distinct == expected_pos
    created = AuditEvent.select().where(AuditEvent.entity_type == "purchase_order", AuditEvent.action == "created")
    assert created.count() == expected_pos  # every PO's creation was recorded once, never twice
    assert all(b.status == "completed" and b.processed == b.total == b.succeeded for b in Batch.select())


def test_a_worker_killed_mid_batch_is_restarted_and_applies_every_item_exactly_once(database_url, backlog):
    batch_ids = backlog(20, 60)  # 1,200 POs in chunks of 5: far more than a worker does before the kill
    total = 20 * 60
    worker = start_worker(database_url)
    try:
        wait_until(lambda: processed() >= 100, 60, "the worker to be well into the backlog")
        worker.send_signal(signal.SIGKILL)  # no clean-up: a transaction may be cut off half-way
        worker.wait(timeout=30)
    finally:
        stop(worker)
    done_at_kill = processed()
    assert 100 <= done_at_kill < total, "the kill must land mid-way through the backlog"
    assert Batch.select().where(Batch.status != "completed").count() > 0
    restarted = start_worker(database_url)
    try:
        wait_until(lambda: Batch.select().where(Batch.status != "completed").count() == 0, 180,
                   "the restarted worker to finish every batch")
    finally:
        stop(restarted)
    assert len(batch_ids) == Batch.select().count()
    assert_applied_exactly_once(total)


def test_two_workers_share_a_backlog_without_doing_any_item_twice(database_url, backlog, is_postgres):
    if not is_postgres:
        pytest.skip("several workers share a backlog on PostgreSQL (SKIP LOCKED); SQLite has a single writer")
    backlog(40, 25)
    total = 40 * 25
    workers = [start_worker(database_url), start_worker(database_url)]
    try:
        wait_until(lambda: Batch.select().where(Batch.status != "completed").count() == 0, 180,
                   "two workers to finish the backlog")
    finally:
        for worker in workers:
            stop(worker)
    assert_applied_exactly_once(total)
    shares = dict(BatchItem.select(BatchItem.processed_by, fn.COUNT(BatchItem.id)).group_by(BatchItem.processed_by).tuples())
    assert len(shares) == 2, f"both workers should have done part of the work: {shares}"
    assert all(n > 0 for n in shares.values())


def test_the_in_process_scheduler_starts_a_queued_batch_within_two_seconds(db, backlog):
    from core.scheduler import Scheduler

    scheduler = Scheduler()
    scheduler.start()
    try:
        (batch_id,) = backlog(1, 10)
        wait_until(lambda: Batch.get_by_id(batch_id).status == "completed", 10, "the in-process worker to finish the batch")
    finally:
        scheduler.shutdown()
    batch = Batch.get_by_id(batch_id)
    assert (batch.started_at - batch.created_at).total_seconds() <= 2
    assert PurchaseOrder.select().count() == 10


def test_health_reports_a_running_scheduler_from_a_separate_workers_heartbeat(db, api):
    assert api.get("/health").json["scheduler"] == "stopped"
    from core.jobs import heartbeat

    heartbeat()
    assert api.get("/health").json == {"status": "ok", "database": "ok", "scheduler": "running",
                                       "outbox": {"pending": 0, "overdue": 0, "dead": 0}, "slack": "off"}
