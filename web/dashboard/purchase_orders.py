"""The PO list (`/purchase-orders`): live filters, sortable columns, pages, and its CSV export."""
from __future__ import annotations

import csv
import io
import math
from typing import Any, Iterable, Iterator, NamedTuple
from urllib.parse import urlencode

from flask import Response, current_app, request, stream_with_context, url_for

from core import queries
from core.errors import Problem, ValidationFailed
from core.queries import EXPORT_CAP, PoFilter
from web.dashboard import dashboard
from web.dashboard.formatting import day, iso, label, money
from web.dashboard.list_args import FORM_LABELS, NOT_FOR_EXPORT, ListArgs, read_list_args
from web.dashboard.render import page, wants_fragment

# (sort key or None, heading): the table's columns, in order.
COLUMNS = (("po_number", "PO"), ("po_date", "PO date"), ("vendor_name", "Vendor"), (None, "Description"),
           ("status", "Status"), (None, "Receipt"), (None, "Billing"), (None, "Match"), ("total", "Total"))
PER_PAGE_CHOICES = (25, 50, 100, 200)


def _url(flt: PoFilter, **changes: Any) -> str:
    args = flt.to_args(**changes)
    return url_for("dashboard.purchase_orders") + (f"?{urlencode(args)}" if args else "")


def _sort_link(flt: PoFilter, key: str) -> dict[str, str | None]:
    """Where a column heading leads (ascending first, then the other way) and how it sorts now."""
    current, descending = flt.sort[0]
    now = ("descending" if descending else "ascending") if current == key else None
    flip = now == "ascending"
    return {"href": _url(flt, sort=((key, flip),), page=1), "aria_sort": now,
            "next": "descending" if flip else "ascending"}


def _pages(flt: PoFilter, meta: dict[str, Any], shown: int) -> dict[str, Any]:
    """Where the pager leads. Past 10,000 matches the total is only a bound or an estimate: then the
    last page is unknown, and "Next" is offered while a page comes back full."""
    first_row = (meta["page"] - 1) * meta["per_page"] + 1
    exact = meta.get("total_exact", True)
    last = max(1, math.ceil(meta["total"] / meta["per_page"])) if exact else None
    more = meta["page"] < last if exact else shown == meta["per_page"]
    return {
        "last": last, "first_row": first_row, "last_row": first_row + shown - 1,
        "prev": _url(flt, page=meta["page"] - 1) if meta["page"] > 1 else None,
        "next": _url(flt, page=meta["page"] + 1) if more else None,
        "first": _url(flt, page=1) if meta["page"] > 2 else None,
        "final": _url(flt, page=last) if exact and meta["page"] < last - 1 else None,
    }


class Row(NamedTuple):
    """A row's cells as the table shows them."""

    id: int
    number: str
    iso_date: str
    day: str
    vendor: str
    description: str
    status: str
    status_label: str
    receipt: str
    billing: str
    match: str
    total: str


def _row(po: dict[str, Any]) -> Row:
    # The rows are the list's hot path: formatted here in a few direct calls rather than through a
    # template filter per cell (Jinja's dispatch costs more than most of the filters).
    return Row(po["id"], po["po_number"], iso(po["po_date"]), day(po["po_date"]), po["vendor_name"] or "—",
               po["description"] or "—", po["status"], label(po["status"]), label(po["receipt_status"]),
               label(po["billing_status"]), label(po["match_status"]), money(po["total"], po["currency"]))


def _results(req: ListArgs) -> dict[str, Any]:
    if req.filter is None:
        return {"rows": [], "meta": None}
    rows, meta = queries.purchase_orders(req.filter)
    return {"rows": [_row(po) for po in rows], "meta": meta, "pages": _pages(req.filter, meta, len(rows)),
            "sorts": {key: _sort_link(req.filter, key) for key, _ in COLUMNS if key},
            "csv_url": url_for("dashboard.purchase_orders_csv") + _query(req.query(without=NOT_FOR_EXPORT))}


def _query(query: str) -> str:
    return f"?{query}" if query else ""


@dashboard.get("/purchase-orders")
def purchase_orders():
    """The list; an htmx request (typing in a filter, a sort, a page) gets the results alone and the URL to show."""
    req = read_list_args(request.args.to_dict(flat=False))
    fragment = wants_fragment()
    vendors = [] if fragment else queries.vendor_choices()  # the first 200 by name; the text search finds the rest
    vendor_options = [(str(vendor_id), name) for vendor_id, name in vendors]
    response = page("purchase_orders.html", "_po_results.html", 200 if req.filter else 422,
                    req=req, columns=COLUMNS, form_labels=FORM_LABELS, per_page_choices=PER_PAGE_CHOICES,
                    vendor_options=vendor_options, oob=fragment, **_results(req))
    if fragment:
        # The address bar follows the filters, so the URL can be shared and the back button undoes a change.
        response.headers["HX-Push-Url"] = url_for("dashboard.purchase_orders") + _query(req.query())
    return response


CSV_COLUMNS = ("po_number", "po_date", "vendor", "description", "status", "receipt_status", "billing_status",
               "match_status", "currency", "total", "total_base", "delivery_date", "external_id", "requested_by",
               "created_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A spreadsheet reads a cell that starts with = + - @ as a formula: text that does gets a leading '."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def _csv_row(po: dict[str, Any]) -> list[str]:
    values = {**po, "vendor": po["vendor_name"], "requested_by": po["requested_by"]["name"],
              "created_at": po["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ")}
    return [_cell(values[name]) for name in CSV_COLUMNS]


def _csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(out)  # the byte-order mark tells spreadsheets the file is UTF-8
    for i, po in enumerate(rows, 1):
        writer.writerow(_csv_row(po))
        if i % 500 == 0:
            yield _drain(out)
    yield _drain(out)


def _drain(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


@dashboard.get("/purchase-orders.csv")
def purchase_orders_csv():
    """Exactly the rows the same query string lists, every page, streamed (at most EXPORT_CAP rows:
    more is refused with a page that says so, rather than cut short without a word)."""
    req = read_list_args(request.args.to_dict(flat=False))
    if req.filter is None:
        raise ValidationFailed([Problem("invalid_value", m) for m in [*req.errors.values(), *req.general]])
    cap = current_app.config.get("PODESK_CSV_CAP", EXPORT_CAP)
    count = queries.count_purchase_orders(req.filter, up_to=cap)
    if count > cap:
        raise ValidationFailed([Problem("invalid_value", f"These filters select more than {cap:,} purchase orders, the most one "
                                        "export holds. Narrow the filters (a date range, a status) and export again.")])
    rows = queries.export_purchase_orders(req.filter, limit=cap)
    response = Response(stream_with_context(_csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="purchase-orders.csv"'
    return response
