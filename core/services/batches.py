"""ERP batches: accepted durably at once, then worked off by background workers, chunk by chunk.

A chunk's item results commit in the same transaction as the POs they wrote, so a worker killed
mid-chunk leaves those items untried (its transaction rolls back) and the next worker redoes them:
nothing lost, nothing applied twice. Workers claim chunks with SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL, so several share a backlog; SQLite has one writer at a time anyway.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from typing import Any, NamedTuple

from peewee import Case, IntegrityError, InterfaceError, OperationalError

from core import bulk, events
from core.db import database, is_postgres
from core.errors import IdempotencyKeyReused, Problem, ValidationFailed
from core.fields import json_default, utcnow
from core.models import Batch, BatchItem, User
from core.schemas.bulk import BulkUpsert
from core.services._common import parsed
from core.services._access import require_role
from core.services._bulk_upsert import Outcome, upsert_many
from core.types import Role

log = logging.getLogger(__name__)

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)
# A header value: printable ASCII, no white space at either end, at most 255 characters (the column).
IDEMPOTENCY_KEY = re.compile(r"[!-~](?:[ -~]{0,253}[!-~])?")
DEFAULT_CHUNK = 100


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, default=json_default, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _item_keys(item: dict) -> tuple[str | None, str | None]:
    ext, num = item.get("external_id"), item.get("po_number")
    return (ext.strip() if isinstance(ext, str) and ext.strip() else None), (num.strip() if isinstance(num, str) and num.strip() else None)


def _duplicates(items: list[dict]) -> dict[int, Problem]:
    """Items naming an external_id or po_number that an earlier item of the batch already names.

    They fail at once: which of two items for one PO wins must not depend on how the batch is
    split into chunks.
    """
    first: dict[tuple[str, str], int] = {}
    failed = {}
    for index, item in enumerate(items):
        ext, num = _item_keys(item)
        keys = [k for k in (("external_id", ext), ("po_number", num)) if k[1]]
        clash = next((k for k in keys if k in first), None)
        if clash is not None:
            failed[index] = Problem(f"duplicate_{clash[0]}", f"{clash[0]} {clash[1]!r} is also in item {first[clash]} of this batch; send each PO once", f"/{clash[0]}")
            continue
        first.update({k: index for k in keys})
    return failed


def _replay(actor: User, key: str, digest: str) -> Batch | None:
    """The batch this key already made within 24 h (422 if it was for another body)."""
    Batch.update(idempotency_key=None).where(
        Batch.created_by == actor.id, Batch.idempotency_key == key, Batch.created_at < utcnow() - IDEMPOTENCY_WINDOW).execute()
    earlier = Batch.get_or_none(Batch.created_by == actor.id, Batch.idempotency_key == key)
    if earlier is not None and earlier.body_hash != digest:
        raise IdempotencyKeyReused([Problem("idempotency_key_reused", "this Idempotency-Key was used in the last 24 hours for a different body")])
    return earlier


def enqueue_batch(actor: User, body: Any, *, idempotency_key: str | None = None, chunk_size: int = DEFAULT_CHUNK,
            pause_seconds: float = 0) -> tuple[Batch, bool]:
    """Store a bulk upsert whole and queue it; returns (batch, created). A repeated key returns the first batch."""
    require_role(actor, Role.admin, "bulk upserts")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise ValidationFailed([Problem("invalid_value", "Idempotency-Key must be 1–255 printable ASCII characters")])
    values = parsed(BulkUpsert, body)
    items = values["purchase_orders"]
    not_objects = [Problem("invalid_type", "each purchase order must be an object", f"/purchase_orders/{i}") for i, item in enumerate(items) if not isinstance(item, dict)]
    if not_objects:
        raise ValidationFailed(not_objects)
    digest = body_hash(body)
    with database.atomic():
        if idempotency_key and (earlier := _replay(actor, idempotency_key, digest)) is not None:
            return earlier, False
        try:
            with database.atomic():
                batch = _create(actor, items, idempotency_key, digest, chunk_size, pause_seconds)
        except IntegrityError:  # the same key, sent twice at the same moment: the other request won
            earlier = _replay(actor, idempotency_key, digest)
            if earlier is None:
                raise
            return earlier, False
    return batch, True


def _create(actor: User, items: list[dict], key: str | None, digest: str, chunk_size: int, pause: float) -> Batch:
    failed = _duplicates(items)
    now = utcnow()
    batch = Batch.create(id=str(uuid.uuid4()), status="queued", total=len(items), processed=len(failed), failed=len(failed),
                         created_by=actor.id, idempotency_key=key, body_hash=digest, chunk_size=chunk_size,
                         pause_seconds=pause, created_at=now)
    rows = []
    for index, item in enumerate(items):
        ext, num = _item_keys(item)
        problem = failed.get(index)
        rows.append({"batch": batch.id, "index": index, "payload": json.dumps(item, default=json_default), "external_id": ext,
                     "po_number": num, "result": "failed" if problem else None,
                     "errors": [_error(problem)] if problem else None, "processed_at": now if problem else None})
    bulk.insert_rows(BatchItem, rows)
    return batch


def _error(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "detail": problem.detail, **({"pointer": problem.pointer} if problem.pointer is not None else {})}


def _claim() -> tuple[Batch, list[_Item]] | None:
    """The next chunk of untried items of the oldest batch that has some, locked for this transaction."""
    now = utcnow()
    query = (BatchItem.select(BatchItem.batch).join(Batch, on=(BatchItem.batch == Batch.id))
             .where(BatchItem.result.is_null(), Batch.not_before.is_null() | (Batch.not_before <= now))
             .order_by(Batch.created_at, Batch.id, BatchItem.index).limit(1))
    if is_postgres():
        query = query.for_update(of=BatchItem, skip_locked=True)
    first = query.first()
    if first is None:
        return None
    batch = Batch.get_by_id(first.batch_id)
    # Only what the worker reads, as tuples: a model per item was half the cost of claiming a chunk.
    items = (BatchItem.select(BatchItem.id, BatchItem.index, BatchItem.payload, BatchItem.external_id, BatchItem.po_number)
             .where(BatchItem.batch == batch.id, BatchItem.result.is_null()).order_by(BatchItem.index).limit(batch.chunk_size))
    if is_postgres():
        items = items.for_update(skip_locked=True)
    return batch, [_Item(*row) for row in items.tuples()]


class _Item(NamedTuple):
    """An untried item of a claimed chunk."""

    id: int
    index: int
    payload: str  # as sent (JSON)
    external_id: str | None
    po_number: str | None


def _upsert_isolating(actor: User, batch: Batch, items: list[_Item]) -> list[Outcome]:
    """Upsert the chunk set-based; if that fails unexpectedly, item by item, so one bad item fails alone."""
    payloads = [(item.index, json.loads(item.payload)) for item in items]
    try:
        with database.atomic():
            return upsert_many(actor, payloads)
    except (OperationalError, InterfaceError):
        raise  # the database, not an item: the whole chunk is retried on the next tick
    except Exception:
        log.exception("a chunk of batch %s failed as a whole; retrying its items one by one", batch.id)
    outcomes = []
    for index, payload in payloads:
        try:
            with database.atomic():
                outcomes += upsert_many(actor, [(index, payload)])
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            log.exception("item %s of batch %s failed unexpectedly", index, batch.id)
            outcomes.append(Outcome(index, "failed", errors=[Problem("internal_error", "this item could not be processed; it has been logged")]))
    return outcomes


def work_chunk(worker: str) -> int:
    """Process one chunk of the oldest pending batch; returns how many items were tried (0: nothing to do)."""
    with database.atomic():
        claimed = _claim()
        if claimed is None:
            return 0
        batch, items = claimed
        if not items:
            return 0
        actor = User.get_by_id(batch.created_by_id)
        outcomes = _upsert_isolating(actor, batch, items)
        if _record(batch, items, outcomes, worker):
            log.info("batch %s completed", batch.id)
            events.publish(events.DomainEvent(events.BATCH_COMPLETED, None, actor.id, {"batch_id": batch.id}))
    return len(items)


def _record(batch: Batch, items: list[_Item], outcomes: list[Outcome], worker: str) -> bool:
    """Store each item's result and advance the batch's counters, in the chunk's transaction; True when it completed it."""
    now = utcnow()
    by_index = {o.index: o for o in outcomes}
    bulk.update_rows(BatchItem, [
        {"id": item.id, "result": by_index[item.index].result, "po": by_index[item.index].po_id,
         "po_number": by_index[item.index].po_number or item.po_number,
         "external_id": by_index[item.index].external_id or item.external_id,
         "errors": [_error(p) for p in by_index[item.index].errors] or None, "processed_by": worker, "processed_at": now}
        for item in items
    ], ["result", "po", "po_number", "external_id", "errors", "processed_by", "processed_at"])
    done = len(items)
    ok = sum(1 for o in outcomes if o.result != "failed")
    finished = Batch.processed + done >= Batch.total
    # One conditional UPDATE: two workers finishing the last chunks at once cannot both miss completion.
    after = Batch.update(
        processed=Batch.processed + done, succeeded=Batch.succeeded + ok, failed=Batch.failed + (done - ok),
        status=Case(None, [(finished, "completed")], "running"),
        started_at=Case(None, [(Batch.started_at.is_null(), now)], Batch.started_at),
        finished_at=Case(None, [(finished, now)], None),
        not_before=now + dt.timedelta(seconds=batch.pause_seconds) if batch.pause_seconds else None,
    ).where(Batch.id == batch.id).returning(Batch.status).execute()
    return [row.status for row in after] == ["completed"]


def run_pending(worker: str, *, budget_seconds: float = 5.0) -> int:
    """Work off chunks until none is left or the time budget is spent; returns items tried."""
    started = utcnow()
    total = 0
    while (utcnow() - started).total_seconds() < budget_seconds:
        tried = work_chunk(worker)
        if not tried:
            break
        total += tried
    return total
