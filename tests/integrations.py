"""Helpers for the email, webhook and export tests: POs in a given state, and "nothing was written"."""
from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from core.fields import utcnow
from core.models import AuditEvent, Invoice, OutboxMessage, PoEmail, PurchaseOrder, Webhook, WebhookDelivery, WebhookEvent
from tests.factories import line, make_vendor, po_body

COUNTED = (PoEmail, OutboxMessage, AuditEvent, Webhook, WebhookEvent, WebhookDelivery)


def table_sizes() -> dict[str, int]:
    """Rows in every table these features write (compare before and after a refused request)."""
    return {model.__name__: model.select().count() for model in COUNTED}


def export_marks() -> list[tuple]:
    return list(Invoice.select(Invoice.id, Invoice.exported_at, Invoice.export_id, Invoice.export_url).order_by(Invoice.id).tuples())


def later(seconds: float):
    """A clock for outbox.deliver_due, `seconds` from now (a retry that is due without waiting for it)."""
    moment = utcnow() + dt.timedelta(seconds=seconds)
    return lambda: moment


def vendor_with_address(**fields):
    return make_vendor(**{"name": "Bolt & Nut Traders", "email": "sales@boltnut.example",
                          "address": "12 Nehru Place\nNew Delhi 110019", **fields})


def approved_po(api, who, *, lines=None, **fields) -> dict:
    """A PO created and submitted through the API, approved at once (no approval level applies)."""
    body = po_body(vendor=fields.pop("vendor", None) or vendor_with_address(), lines=lines or [line()], **fields)
    created = api.as_(who).post("/purchase-orders", json={**body, "submit": True})
    assert created.status_code == 201, created.json
    assert created.json["status"] == "approved", created.json
    return created.json


def subscribe(api, people, url: str, *events: str) -> dict:
    """A webhook created by the admin through the API (its secret included, as only creation shows it)."""
    response = api.as_(people.admin).post("/webhooks", json={"url": url, "events": list(events)})
    assert response.status_code == 201, response.json
    return response.json


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page after page (pypdf)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def po_row(po: dict) -> PurchaseOrder:
    return PurchaseOrder.get_by_id(po["id"])
