"""The JSON API under /api/v1: one module per resource, all on one blueprint."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from core.errors import Problem, ValidationFailed
from core.schemas.types import NUL_DETAIL
from web.auth import require_user

api = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.health", "api.openapi"}


@api.before_request
def authenticate():
    if request.endpoint not in PUBLIC:
        require_user(current_app.extensions["podesk"].limiter)
    refuse_nul_in_query()


def refuse_nul_in_query() -> None:
    """A NUL anywhere in the query string is a 400 naming the parameter (PostgreSQL cannot take one)."""
    problems = [Problem("invalid_value", f"query parameter {name!r} {NUL_DETAIL}")
                for name, values in request.args.lists() if "\x00" in name or any("\x00" in v for v in values)]
    if problems:
        raise ValidationFailed(problems)


def args() -> dict[str, list[str]]:
    """The query string, every value of each parameter."""
    return request.args.to_dict(flat=False)


# Importing the modules registers their routes on `api`.
from web.api import batches, documents, invoices, meta, purchase_orders, reference, webhooks  # noqa: E402,F401
