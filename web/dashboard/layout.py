"""What every page's layout needs: the signed-in user, the navigation, htmx's settings, the CSRF header."""
from __future__ import annotations

import json

from flask import g, request
from flask_wtf.csrf import generate_csrf

from web.dashboard import dashboard

NAV = (("/", "Overview"), ("/purchase-orders", "Purchase orders"), ("/exceptions", "Exceptions"), ("/batches", "Batches"))

# Read by htmx from <meta name="htmx-config"> (no inline script under our CSP). Indicator styles
# live in podesk.css, since htmx would otherwise inject a <style> the CSP refuses; no eval and no
# script tags from responses; no page snapshots kept in sessionStorage (a back button reloads from
# the server, which always answers a history request with the full page); form errors (422) and
# throttling (429) are swapped in like any answer.
HTMX_CONFIG = json.dumps({
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
    "historyRestoreAsHxRequest": False,
    "reportValidityOfForms": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "42[29]", "swap": True, "error": False},
        {"code": "[45]..", "swap": False, "error": True},
    ],
}, separators=(",", ":"))


def _current(href: str) -> bool:
    return request.path == href if href == "/" else request.path == href or request.path.startswith(href + "/")


@dashboard.app_context_processor
def layout_context() -> dict:
    """The names base.html uses, on every page (error pages too)."""
    return {
        "user": g.get("user"),
        "nav": [(href, label, _current(href)) for href, label in NAV],
        "htmx_config": HTMX_CONFIG,
        # htmx sends this header with every request it makes, so its POSTs pass the CSRF check too.
        "hx_headers": lambda: json.dumps({"X-CSRFToken": generate_csrf()}),
    }
