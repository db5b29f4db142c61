"""The dashboard: server-rendered pages for managers. htmx swaps fragments where it is loaded;
every page also works as plain links and forms. Views only translate: core decides and writes."""
from __future__ import annotations

from flask import Blueprint

dashboard = Blueprint("dashboard", __name__)

# Importing the modules registers their routes, the session check and the layout's context.
from web.dashboard import layout, overview, session, sign_in  # noqa: E402,F401
