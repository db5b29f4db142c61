"""The overview page (`/`): what waits, what is stuck, where the money went, what the ERP is sending."""
from __future__ import annotations

from flask import g, redirect, url_for

from core import queries
from web.dashboard import dashboard
from web.dashboard.chart import spend_chart
from web.dashboard.formatting import timezone
from web.dashboard.render import page, wants_fragment

POLL_SECONDS = 1  # how often a running batch's progress is asked for while a page shows it
WAITING_ROWS = 10
EXCEPTION_ROWS = 5
BATCH_ROWS = 5


def batches_context() -> dict:
    """The running and recent batches, and whether the panel keeps polling (only while one is unfinished)."""
    batches = queries.recent_batches(limit=BATCH_ROWS)
    return {"batches": batches, "batches_live": any(b["status"] != "completed" for b in batches),
            "poll_seconds": POLL_SECONDS}


@dashboard.get("/")
def overview():
    """Counts by status, approvals waiting (oldest first), open exceptions, this month's spend, batches."""
    spend = queries.spend_by_vendor(timezone=timezone())  # this month as the viewer's calendar has it
    return page(
        "overview.html", "_overview.html",
        user=g.user,
        counts=queries.counts_by_status(),
        waiting=queries.all_waiting(limit=WAITING_ROWS),
        exceptions=queries.open_exceptions(limit=EXCEPTION_ROWS),
        exception_count=queries.count_open_exceptions(),
        accept=False,  # accepting needs a reason per invoice: the exception queue has the form
        spend=spend, chart=spend_chart(spend["vendors"], spend["currency"]),
        **batches_context(),
    )


@dashboard.get("/overview/batches")
def recent_batches():
    """The overview's batch panel alone, for its polling (a plain visit goes to the batches page)."""
    if not wants_fragment():
        return redirect(url_for("dashboard.batches"), 303)
    return page("_recent_batches.html", "_recent_batches.html", **batches_context())
