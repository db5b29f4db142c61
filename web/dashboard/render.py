"""One view, two answers: the full page, or just the fragment htmx asked for."""
from __future__ import annotations

from flask import Response, make_response, render_template, request


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page (not a boosted link, not a history reload)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page(template: str, fragment: str, status: int = 200, **context) -> Response:
    """Render `template` (which includes `fragment`), or only `fragment` for an htmx request."""
    response = make_response(render_template(fragment if wants_fragment() else template, **context), status)
    # The same URL answers two ways: caches must keep them apart.
    response.vary.add("HX-Request")
    return response
