"""The JSON API under /api/v1: one module per resource, all on one blueprint."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from web.auth import require_user

api = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.health", "api.openapi"}


@api.before_request
def authenticate():
    if request.endpoint not in PUBLIC:
        require_user(current_app.extensions["podesk"].limiter)


def args() -> dict[str, list[str]]:
    """The query string, every value of each parameter."""
    return request.args.to_dict(flat=False)


# Importing the modules registers their routes on `api`.
from web.api import batches, documents, invoices, meta, purchase_orders, reference, webhooks  # noqa: E402,F401
