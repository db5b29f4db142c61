"""/invoices and /purchase-orders/{id}/receipts: goods received, invoices matched."""
from __future__ import annotations

from flask import Response, jsonify, url_for

from core import queries as q
from core.schemas.integrations import MarkExported, MarkUnexported
from core.schemas.invoices import AcceptBody, InvoiceCreate, ReceiptCreate
from core import services
from core.schemas import validated
from web import schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, Param, route



@route(api, "/purchase-orders/<int:po_id>/receipts", "POST", summary="Record goods received (approved POs only)",
       tag="receipts", body=ReceiptCreate, response=schemas.ReceiptRecorded, status=201, errors=(409,),
       rules=("over_receipt /lines/*/quantity", "invalid_line_items /lines/*/*", "missing_field /lines/*",
              "invalid_value /lines/*/sku_code"))  # a SKU on several lines of the PO names none of them
@requires("requester")
def record_receipt(po_id: int):
    made = services.record_receipt(actor(), po_id, body())
    response = jsonify({"receipt": q.receipt(made.id), "purchase_order": q.purchase_order(po_id)})
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_receipts", po_id=po_id)
    return response


@route(api, "/purchase-orders/<int:po_id>/receipts", "GET", summary="The PO's receipts, oldest first", tag="receipts",
       response=schemas.ReceiptList, params=PAGING)
def list_receipts(po_id: int):
    return listing(*q.receipts(po_id, args()))


@route(api, "/invoices", "POST", summary="Register an invoice; it is matched at once (two- or three-way)",
       tag="invoices", body=InvoiceCreate, response=schemas.Invoice, status=201, errors=(409,),
       rules=("vendor_not_found /vendor_id", "dimension_not_found /lines/*/dimensions/*", "invalid_value /lines/*"))
@requires("admin")
def register_invoice():
    invoice = services.register_invoice(actor(), body())
    response = jsonify(q.invoice(invoice.id))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_invoice", invoice_id=invoice.id)
    return response


FILTERS = (Param("match_status", "matched, exception, unmatched; repeated or comma-separated",
                 q.QuerySchema.choices(("matched", "exception", "unmatched"))),
           Param("vendor_id", "vendor ids", q.QuerySchema.ids()),
           Param("po_number", "PO numbers, as given on the invoice", q.QuerySchema.values()),
           Param("purchase_order_id", "PO ids", q.QuerySchema.ids()),
           Param("exported", "true: marked exported to the ERP; false: not yet (with match_status=matched: ready to book)",
                 q.QuerySchema.boolean()))


@route(api, "/invoices", "GET", summary="List invoices with their lines and dimensions, newest first", tag="invoices",
       response=schemas.InvoiceList, params=(*FILTERS, *PAGING), notes=(
           "For the accounting export, `?match_status=matched&exported=false` lists what is ready to book: each line "
           "carries its dimensions (its own, or inherited from the PO line it matched). Book them, then "
           "`POST /invoices/{id}/mark-exported` so that none is booked twice."))
def list_invoices():
    return listing(*q.invoices(args()))


@route(api, "/invoices.csv", "GET", summary="The same invoices as a CSV file: one row per invoice line", tag="invoices",
       params=(*FILTERS, *PAGING), media="text/csv", notes=(
           "Columns: invoice_number, invoice_date, vendor, po_number, line, description, quantity, unit_price, amount, "
           "tax, currency, match_status (the invoice's), then one column per dimension type (its erp_dimension_id; "
           "empty when the line has none of that type). Every invoice the filters select, newest first, unless "
           "page/per_page are given (then that page, exactly as GET /invoices pages). Amounts are exact decimals as "
           "in the JSON. Text that starts like a spreadsheet formula (=, +, -, @) gets a leading ' so that opening "
           "the file never runs it. UTF-8, CRLF line ends (RFC 4180)."))
def invoices_csv():
    return Response(q.invoices_csv(args()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="invoices.csv"'})


@route(api, "/invoices/<int:invoice_id>", "GET", summary="Read an invoice and its match result", tag="invoices",
       response=schemas.Invoice)
def get_invoice(invoice_id: int):
    return q.invoice(invoice_id)


@route(api, "/invoices/<int:invoice_id>/accept", "POST", summary="Accept an invoice's exceptions, with a reason",
       tag="invoices", body=AcceptBody, response=schemas.Invoice, errors=(409,))
@requires("approver")
def accept_invoice(invoice_id: int):
    services.accept_invoice_exception(actor(), invoice_id, **validated(AcceptBody, body()))
    return q.invoice(invoice_id)


@route(api, "/invoices/<int:invoice_id>/mark-exported", "POST", summary="Record that the ERP booked this invoice",
       tag="invoices", body=MarkExported, response=schemas.Invoice, errors=(409,), notes=(
           "Only a matched invoice (`409 invoice_not_matched`); once only (`409 already_exported`, the detail names "
           "the earlier export_id). Sets exported_at, export_id, export_url."))
@requires("admin")
def mark_invoice_exported(invoice_id: int):
    services.mark_invoice_exported(actor(), invoice_id, **validated(MarkExported, body()))
    return q.invoice(invoice_id)


@route(api, "/invoices/<int:invoice_id>/mark-unexported", "POST", summary="Forget an invoice's export (the ERP booking was undone)",
       tag="invoices", body=MarkUnexported, body_optional=True, response=schemas.Invoice,
       notes="Clears exported_at, export_id and export_url; answers 200 even if it was not exported.")
@requires("admin")
def mark_invoice_unexported(invoice_id: int):
    validated(MarkUnexported, body())
    services.mark_invoice_unexported(actor(), invoice_id)
    return q.invoice(invoice_id)
