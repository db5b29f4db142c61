"""The dashboard: server-rendered pages for managers. htmx swaps fragments where it is loaded;
every page also works as plain links and forms. Views only translate: core decides and writes."""
from __future__ import annotations

from flask import Blueprint

dashboard = Blueprint("dashboard", __name__)

# Importing the modules registers their routes, the session check, the layout's context and filters.
from web.dashboard import (  # noqa: E402,F401
    batches,
    exceptions,
    formatting,
    layout,
    overview,
    po_actions,
    po_page,
    preferences,
    purchase_orders,
    reasons,
    session,
    sign_in,
)
