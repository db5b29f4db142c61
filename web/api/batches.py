"""/purchase-orders/bulk and /batches: the ERP's bulk upsert, accepted at once and worked off in the background."""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from core import queries as q
from core.schemas.bulk import BulkUpsert
from core import services
from web import schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, Param, route

TAG = "bulk upsert and batches"


@route(api, "/purchase-orders/bulk", "POST", tag=TAG, body=BulkUpsert, response=schemas.BatchAccepted,
       status=202, errors=(413, 422), rules=("idempotency_key_reused", "batch_too_large /purchase_orders"),
       summary="Queue up to 100 POs / 1,000 lines for upsert; answers at once with the batch to poll",
       params=(Param("Idempotency-Key", "repeat it with the same body within 24 h to get the first batch back",
                     {"type": "string", "pattern": "^[!-~](?:[ -~]{0,253}[!-~])?$"}, where="header"),))
@requires("admin")
def bulk_upsert():
    settings = current_app.extensions["podesk"].settings
    key = request.headers.get("Idempotency-Key")
    batch, _ = services.enqueue_batch(actor(), body(), idempotency_key=key, chunk_size=settings.batch_chunk_size)
    response = jsonify({"batch_id": batch.id, "status": batch.status, "total": batch.total})
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_batch", batch_id=batch.id)
    return response


@route(api, "/batches", "GET", tag=TAG, summary="Batches, newest first", response=schemas.BatchList,
       params=(Param("status", "queued, running, completed; repeated or comma-separated", q.QuerySchema.choices(("queued", "running", "completed"))), *PAGING))
@requires("admin")
def list_batches():
    return listing(*q.batches(args()))


@route(api, "/batches/<batch_id>", "GET", tag=TAG, summary="A batch's progress", response=schemas.Batch)
@requires("admin")
def get_batch(batch_id: str):
    return q.batch(batch_id)


@route(api, "/batches/<batch_id>/results", "GET", tag=TAG, response=schemas.BatchResults,
       summary="Per-item results in request order (only items tried so far)",
       params=(Param("result", "created, updated, failed; repeated or comma-separated", q.QuerySchema.choices(("created", "updated", "failed"))), *PAGING))
@requires("admin")
def batch_results(batch_id: str):
    return listing(*q.batch_results(batch_id, args()))
