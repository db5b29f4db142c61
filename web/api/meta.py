"""Health and the OpenAPI document (no key needed)."""
from __future__ import annotations

from flask import current_app, jsonify

from core.leases import workers_alive
from core.queries.health import database_ok
from web import schemas
from web.api import api
from web.openapi import document, route


@route(api, "/health", "GET", summary="Is podesk up? (database and scheduler)", tag="meta", role=None, response=schemas.Health, errors=(503,))
def health():
    ok = database_ok()
    running = current_app.extensions["podesk"].scheduler_running() or (ok and workers_alive())
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unavailable",
            "scheduler": "running" if running else "stopped"}
    return jsonify(body), 200 if ok else 503


@route(api, "/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", tag="meta", role=None)
def openapi():
    return jsonify(document())
