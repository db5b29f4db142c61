"""A PO as a PDF, and sent to its vendor by email: /purchase-orders/{id}/pdf, /send, /emails."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, url_for

from core import queries as q
from core import services
from core.schemas import validated
from core.schemas.integrations import SendPoBody
from web import integration_schemas as schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, route

TAG = "documents"


def pdf_response(file_name: str, pdf: bytes) -> Response:
    """The PDF shown in the browser (inline), saved under `file_name` (RFC 6266, UTF-8 for other scripts)."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f'inline; filename="{ascii_name}"'
    if ascii_name != file_name:
        disposition += f"; filename*=UTF-8''{quote(file_name)}"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": disposition})


@route(api, "/purchase-orders/<int:po_id>/pdf", "GET", summary="The PO as a PDF, as a vendor would receive it", tag=TAG,
       media="application/pdf", notes=(
           "Drawn from the PO as it is now: our company (settings company_name, company_address), the vendor and "
           "its address, number, dates, payment terms, terms and conditions, every line (item, SKU, quantity, rate, "
           "tax, amount), totals with the currency symbol, page numbers. A PO that is not an order yet (draft, "
           "pending approval, rejected, cancelled) says so in red under its number. `Content-Disposition: inline; "
           'filename="<po_number>.pdf"`. Dates and money follow the caller\'s locale (en_IN when unknown).'))
def purchase_order_pdf(po_id: int):
    return pdf_response(*q.po_pdf(po_id, actor().locale))


@route(api, "/purchase-orders/<int:po_id>/send", "POST", summary="Email the PO's PDF to the vendor (approved or closed POs)",
       rules=("invalid_email /to/*", "invalid_email /cc/*", "invalid_email /bcc/*"),  # names no mail can reach (example.com, .test …)
       tag=TAG, body=SendPoBody, response=schemas.PoSent, status=202, errors=(409,), notes=(
           "`202 {purchase_order, email}`: the email is queued and leaves through the outbox, retried until the "
           "mail server takes it (first retry within 5 s, then doubling, capped at 1 h, for 24 h); follow it at "
           "`GET /purchase-orders/{id}/emails`. The PDF is attached as `<po_number>.pdf`, drawn from the PO as it "
           "is at this request. `subject` and `body` default to settings `po_email_subject`/`po_email_body`; "
           "`{po_number}`, `{vendor_name}`, `{total}` and `{company_name}` are filled in. Replies go to the sender. "
           "Errors: every bad address `400 invalid_email` at its pointer (`/to/1`); `409 po_not_open` unless approved "
           "or closed; `409 mail_not_configured` when PODESK_SMTP_URL is not set. The PO gains `sent_at` when the "
           "first email of it reaches the mail server; the audit trail records `sent` with the recipients."))
@requires("requester")
def send_purchase_order(po_id: int):
    email = services.send_po(actor(), po_id, **validated(SendPoBody, body()))
    response = {"purchase_order": q.purchase_order(po_id), "email": q.po_email(email.id)}
    return response, 202, {"Location": url_for("api.get_purchase_order_email", po_id=po_id, email_id=email.id)}


@route(api, "/purchase-orders/<int:po_id>/emails", "GET", summary="The PO's emails to its vendor, oldest first, with their status",
       tag=TAG, response=schemas.EmailList, params=PAGING)
def list_purchase_order_emails(po_id: int):
    return listing(*q.po_emails(po_id, args()))


@route(api, "/purchase-orders/<int:po_id>/emails/<int:email_id>", "GET", summary="One email of the PO: recipients, text, status",
       tag=TAG, response=schemas.Email)
def get_purchase_order_email(po_id: int, email_id: int):
    return q.po_email(email_id, po_id)


@route(api, "/purchase-orders/<int:po_id>/emails/<int:email_id>/pdf", "GET", summary="The PDF exactly as that email carried it",
       tag=TAG, media="application/pdf")
def purchase_order_email_pdf(po_id: int, email_id: int):
    return pdf_response(*q.email_pdf(po_id, email_id))
