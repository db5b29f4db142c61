"""Invoices and receipts as the API, the dashboard and the bot read them."""
from __future__ import annotations

from typing import Any


from core.errors import not_found
from core.models import Invoice, InvoiceLine, InvoiceLineDimension, PoLine, Receipt, ReceiptLine, User, Vendor
from core.money import display_rate, plain, round_amount
from core.queries._params import Args, Reader
from core.queries._purchase_orders import dimensions_of, get_po


def _header(row: dict[str, Any]) -> dict[str, Any]:
    cur = row["currency"]
    return {
        "id": row["id"], "vendor_id": row["vendor"], "vendor_name": row["vendor_name"],
        "invoice_number": row["invoice_number"], "invoice_date": row["invoice_date"], "currency": cur,
        "po_number": row["po_number"], "purchase_order_id": row["po"], "match_status": row["match_status"],
        "override": row["override"], "reasons": row["reasons"] or [],
        "subtotal": round_amount(row["subtotal"], cur), "tax_total": round_amount(row["tax_total"], cur),
        "total": round_amount(row["total"], cur), "created_at": row["created_at"], "updated_at": row["updated_at"],
        "exported_at": row["exported_at"], "export_id": row["export_id"], "export_url": row["export_url"],
    }


def _rows():
    return Invoice.select(Invoice, Vendor.name.alias("vendor_name")).join(Vendor, on=(Invoice.vendor == Vendor.id)).dicts()


def _line(l: InvoiceLine, cur: str, dims: dict[int, dict[str, str]]) -> dict[str, Any]:
    return {"id": l.id, "line_no": l.line_no, "description": l.description, "sku_code": l.sku_code,
            "po_line_id": l.po_line_id, "quantity": plain(l.quantity), "unit_price": display_rate(l.unit_price, cur),
            "tax_rate": plain(l.tax_rate), "amount": round_amount(l.amount, cur), "tax_amount": round_amount(l.tax_amount, cur),
            "match_status": l.match_status, "reasons": l.reasons or [], "dimensions": dims.get(l.id, {})}


def with_lines(headers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each invoice header with its lines and their dimensions, in two queries whatever their number."""
    ids = [h["id"] for h in headers]
    lines = list(InvoiceLine.select().where(InvoiceLine.invoice.in_(ids)).order_by(InvoiceLine.invoice, InvoiceLine.line_no)) if ids else []
    dims = dimensions_of(InvoiceLineDimension, [l.id for l in lines])
    by_invoice: dict[int, list[InvoiceLine]] = {}
    for l in lines:
        by_invoice.setdefault(l.invoice_id, []).append(l)
    return [{**h, "lines": [_line(l, h["currency"], dims) for l in by_invoice.get(h["id"], [])]} for h in headers]


def invoice(invoice_id: int) -> dict[str, Any]:
    """One invoice with its lines, each line's match result and dimensions (three queries)."""
    row = _rows().where(Invoice.id == invoice_id).first()
    if row is None:
        raise not_found("invoice", invoice_id)
    return with_lines([_header(row)])[0]


FILTERS = ("match_status", "vendor_id", "po_number", "purchase_order_id", "exported")


def filters(r: Reader) -> list:
    """The conditions of GET /invoices's filters (shared with its CSV)."""
    conds = []
    if statuses := r.choices("match_status", ("matched", "exception", "unmatched")):
        conds.append(Invoice.match_status.in_(statuses))
    if vendor_ids := r.ints("vendor_id"):
        conds.append(Invoice.vendor.in_(vendor_ids))
    if numbers := r.values("po_number"):
        conds.append(Invoice.po_number.in_(numbers))
    if po_ids := r.ints("purchase_order_id"):
        conds.append(Invoice.po.in_(po_ids))
    if (exported := r.boolean("exported")) is not None:
        conds.append(Invoice.exported_at.is_null(not exported))
    return conds


NEWEST_FIRST = (Invoice.created_at.desc(), Invoice.id.desc())


def page_of(ids_query, limit: int, offset: int) -> list[dict[str, Any]]:
    """Invoices (with lines) of one page of `ids_query` (Invoice ids, filtered), newest first: four queries."""
    page_ids = ids_query.order_by(*NEWEST_FIRST).limit(limit).offset(offset)
    return with_lines([_header(row) for row in _rows().where(Invoice.id.in_(page_ids)).order_by(*NEWEST_FIRST)])


def invoices(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Invoices with their lines, newest first; filters match_status, vendor_id, po_number, purchase_order_id (each
    may repeat) and exported (true/false)."""
    r = Reader(args, FILTERS)
    conds = filters(r)
    paging = r.paging()
    r.done()
    base = Invoice.select(Invoice.id)
    if conds:
        base = base.where(*conds)
    return page_of(base, paging.per_page, paging.offset), paging.meta_of(base)


def receipt(receipt_id: int) -> dict[str, Any]:
    """One receipt with its lines."""
    return _receipts(Receipt.id == receipt_id)[0]


def _receipts(where, paging=None) -> list[dict[str, Any]]:
    query = (Receipt.select(Receipt, User.name.alias("receiver")).join(User, on=(Receipt.received_by == User.id))
             .where(where).order_by(Receipt.id))
    if paging is not None:
        query = query.limit(paging.per_page).offset(paging.offset)
    rows = list(query.dicts())
    lines: dict[int, list[dict[str, Any]]] = {}
    if rows:
        query = (ReceiptLine.select(ReceiptLine.receipt, ReceiptLine.po_line, PoLine.identifier, ReceiptLine.quantity)
                 .join(PoLine).where(ReceiptLine.receipt.in_([r["id"] for r in rows])).order_by(ReceiptLine.id))
        for receipt_id, line_id, identifier, quantity in query.tuples():
            lines.setdefault(receipt_id, []).append({"line_id": line_id, "identifier": identifier, "quantity": plain(quantity)})
    return [
        {"id": r["id"], "purchase_order_id": r["po"], "received_on": r["received_on"], "note": r["note"],
         "received_by": {"id": r["received_by"], "name": r["receiver"]}, "created_at": r["created_at"],
         "lines": lines.get(r["id"], [])}
        for r in rows
    ]


def receipts(po_id: int, args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A PO's receipts, oldest first."""
    r = Reader(args, ())
    paging = r.paging()
    r.done()
    get_po(po_id)
    return _receipts(Receipt.po == po_id, paging), paging.meta_of(Receipt.select().where(Receipt.po == po_id))
