"""GET /invoices.csv: one row per invoice line, for accountants who import files into the ERP."""
from __future__ import annotations

import csv
import io
from typing import Any

from core.models import Dimension, Invoice
from core.queries._invoices import FILTERS, filters, page_of
from core.queries._params import Args, Reader

COLUMNS = ("invoice_number", "invoice_date", "vendor", "po_number", "line", "description", "quantity", "unit_price",
           "amount", "tax", "currency", "match_status")
CHUNK = 500  # invoices read at a time: memory stays flat however many match
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str | None) -> str:
    """Text as a spreadsheet will not run it: one that starts like a formula gets a leading `'` (OWASP's advice)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(invoice: dict[str, Any], types: list[str]) -> list[list[Any]]:
    return [
        [cell(invoice["invoice_number"]), invoice["invoice_date"].isoformat(), cell(invoice["vendor_name"]), cell(invoice["po_number"]),
         line["line_no"], cell(line["description"]), line["quantity"], line["unit_price"], line["amount"], line["tax_amount"],
         invoice["currency"], invoice["match_status"], *(cell(line["dimensions"].get(t)) for t in types)]
        for line in invoice["lines"]
    ]


def invoices_csv(args: Args) -> str:
    """Every invoice the filters of GET /invoices select, newest first, one row per line, with one column per
    dimension type (its erp_dimension_id). No paging unless `page`/`per_page` are given (then that page only)."""
    r = Reader(args, FILTERS)
    conds = filters(r)
    paged = "page" in args or "per_page" in args
    paging = r.paging()
    r.done()
    ids = Invoice.select(Invoice.id)
    if conds:
        ids = ids.where(*conds)
    types = [t for (t,) in Dimension.select(Dimension.type).distinct().order_by(Dimension.type).tuples()]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([*COLUMNS, *types])
    if paged:
        for invoice in page_of(ids, paging.per_page, paging.offset):
            writer.writerows(_rows(invoice, types))
        return out.getvalue()
    offset = 0
    while True:
        chunk = page_of(ids, CHUNK, offset)
        for invoice in chunk:
            writer.writerows(_rows(invoice, types))
        if len(chunk) < CHUNK:
            return out.getvalue()
        offset += CHUNK
