"""Health and the OpenAPI document (no key needed)."""
from __future__ import annotations

from flask import current_app, jsonify

from core import queries
from web import schemas
from web.api import api
from web.openapi import document, route


@route(api, "/health", "GET", summary="Is podesk up? (database and scheduler)", tag="meta", public=True, response=schemas.Health, errors=(503,))
def health():
    podesk = current_app.extensions["podesk"]
    ok = queries.database_ok()
    running = podesk.scheduler_running() or (ok and queries.scheduler_alive())
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unavailable",
            "scheduler": "running" if running else "stopped",
            "outbox": queries.outbox_health() if ok else {"pending": 0, "overdue": 0, "dead": 0},
            "slack": "on" if podesk.slack_on else "off"}
    return jsonify(body), 200 if ok else 503


@route(api, "/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", tag="meta", public=True)
def openapi():
    return jsonify(document())
