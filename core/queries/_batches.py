"""Batches and their per-item results, as the API and the dashboard read them."""
from __future__ import annotations

from typing import Any

from core.errors import not_found
from core.models import Batch, BatchItem
from core.queries._params import Args, Reader

STATUSES = ("queued", "running", "completed")


def resource(b: Batch) -> dict[str, Any]:
    """A batch as the API shows it (progress 0.0–1.0)."""
    return {
        "id": b.id, "status": b.status, "progress": round(b.processed / b.total, 4) if b.total else 1.0,
        "total": b.total, "processed": b.processed, "succeeded": b.succeeded, "failed": b.failed,
        "created_at": b.created_at, "started_at": b.started_at, "finished_at": b.finished_at,
    }


def get_batch(batch_id: str) -> Batch:
    batch = Batch.get_or_none(Batch.id == batch_id)
    if batch is None:
        raise not_found("batch", batch_id)
    return batch


def batch(batch_id: str) -> dict[str, Any]:
    """A batch's progress."""
    return resource(get_batch(batch_id))


def batches(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Batches, newest first; filter `status`."""
    r = Reader(args, ("status",))
    query = Batch.select()
    if statuses := r.choices("status", STATUSES):
        query = query.where(Batch.status.in_(statuses))
    paging = r.paging()
    r.done()
    rows = query.order_by(Batch.created_at.desc(), Batch.id.desc()).limit(paging.per_page).offset(paging.offset)
    return [resource(b) for b in rows], paging.meta_of(query)


def results(batch_id: str, args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Per-item results in request order, only items tried so far."""
    r = Reader(args, ("result",))
    chosen = r.choices("result", ("created", "updated", "failed"))
    paging = r.paging()
    r.done()
    get_batch(batch_id)
    query = BatchItem.select(BatchItem.index, BatchItem.external_id, BatchItem.po_number, BatchItem.result,
                             BatchItem.po, BatchItem.errors).where(BatchItem.batch == batch_id, BatchItem.result.is_null(False))
    if chosen:
        query = query.where(BatchItem.result.in_(chosen))
    rows = query.order_by(BatchItem.index).limit(paging.per_page).offset(paging.offset)
    data = [{"index": i.index, "external_id": i.external_id, "po_number": i.po_number, "result": i.result,
             "purchase_order_id": i.po_id, "errors": i.errors or []} for i in rows]
    return data, paging.meta_of(query)
