"""ERP batches (`/batches`, `/batches/<id>`): progress that updates itself while a batch runs, and
what happened to each item, failures first."""
from __future__ import annotations

from flask import make_response, render_template, request, url_for

from core import queries
from core.errors import NotFound
from web.dashboard import dashboard
from web.dashboard.overview import POLL_SECONDS
from web.dashboard.render import page

ALL_ITEMS = ["200"]  # a batch holds at most 100 items: one page has them all
LIST_ARGS = ("page", "status")


@dashboard.get("/batches")
def batches():
    """Batches, newest first, a page at a time (polled while one on the page is unfinished)."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k in LIST_ARGS}
    rows, meta = queries.batches(args)
    last = max(1, -(-meta["total"] // meta["per_page"]))
    here = url_for("dashboard.batches", **{k: ",".join(v) for k, v in args.items()})
    return page("batches.html", "_batches.html", batches=rows, meta=meta, last=last, here=here,
                live=any(b["status"] != "completed" for b in rows), poll_seconds=POLL_SECONDS)


@dashboard.get("/batches/<batch_id>")
def batch(batch_id: str):
    """One batch: progress (polled while unfinished; the fragment stops asking once it is done) and its items."""
    try:
        found = queries.batch(batch_id)
    except NotFound:
        text = f"There is no batch {batch_id}. The link may be wrong; the batches page lists every one."
        return make_response(render_template("error.html", title="Batch not found", text=text, status=404,
                                             link=("/batches", "See all batches")), 404)
    failed = queries.batch_results(batch_id, {"result": ["failed"], "per_page": ALL_ITEMS})[0]
    done = queries.batch_results(batch_id, {"result": ["created", "updated"], "per_page": ALL_ITEMS})[0]
    return page("batch.html", "_batch.html", batch=found, failed=failed, done=done,
                live=found["status"] != "completed", poll_seconds=POLL_SECONDS)
