"""/invoices and /purchase-orders/{id}/receipts: goods received, invoices matched."""
from __future__ import annotations

from flask import jsonify, url_for

from core import queries as q
from core.schemas.invoices import AcceptBody, InvoiceCreate, ReceiptCreate
from core import services
from core.schemas import validated
from web import schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, Param, route



@route(api, "/purchase-orders/<int:po_id>/receipts", "POST", summary="Record goods received (approved POs only)",
       tag="receipts", body=ReceiptCreate, response=schemas.ReceiptRecorded, status=201, errors=(409,))
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
       tag="invoices", body=InvoiceCreate, response=schemas.Invoice, status=201, errors=(409,))
@requires("admin")
def register_invoice():
    invoice = services.register_invoice(actor(), body())
    response = jsonify(q.invoice(invoice.id))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_invoice", invoice_id=invoice.id)
    return response


@route(api, "/invoices", "GET", summary="List invoices, newest first", tag="invoices", response=schemas.InvoiceList,
       params=(Param("match_status", "matched, exception, unmatched; comma-separated"), Param("vendor_id", "vendor ids"),
               Param("po_number", "PO numbers, as given on the invoice"), Param("purchase_order_id", "PO ids"), *PAGING))
def list_invoices():
    return listing(*q.invoices(args()))


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
