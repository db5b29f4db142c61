"""The overview page (`/`)."""
from __future__ import annotations

from flask import g

from web.dashboard import dashboard
from web.dashboard.render import page


@dashboard.get("/")
def overview():
    """The overview: for now, who is signed in (counts, approvals and batches come with core's queries)."""
    return page("overview.html", "_overview.html", user=g.user)
