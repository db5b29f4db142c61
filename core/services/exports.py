"""The accounting export: the ERP marks the invoices it booked, so none is ever booked twice."""
from __future__ import annotations

from core import audit
from core.db import database
from core.errors import AlreadyExported, InvoiceNotMatched
from core.fields import utcnow
from core.models import Invoice, User
from core.schemas.integrations import MarkExported
from core.services._access import require_role
from core.services._common import args, get_locked
from core.types import Role


def mark_invoice_exported(actor: User, invoice_id: int, *, export_id: str, export_url: str | None = None) -> Invoice:
    """Record that the ERP booked this matched invoice as `export_id`; a second export is refused with the first one's id."""
    require_role(actor, Role.admin, "exporting invoices")
    values = args(MarkExported, export_id=export_id, export_url=export_url)
    with database.atomic():
        invoice = get_locked(Invoice, invoice_id, "invoice")  # two exports at once: the second sees the first
        if invoice.match_status != "matched":
            raise InvoiceNotMatched(invoice.match_status)
        if invoice.exported_at is not None:
            raise AlreadyExported(invoice.export_id, invoice.exported_at)
        mark = {"exported_at": utcnow(), "export_id": values["export_id"], "export_url": values.get("export_url")}
        Invoice.update(**mark, updated_at=mark["exported_at"]).where(Invoice.id == invoice.id).execute()
        audit.record("invoice", invoice.id, "exported", actor, {"export_id": [None, mark["export_id"]], "export_url": [None, mark["export_url"]]})
    return Invoice.get_by_id(invoice_id)


def mark_invoice_unexported(actor: User, invoice_id: int) -> Invoice:
    """Forget the invoice's export (the booking was undone in the ERP), so it can be exported again; a no-op if not exported."""
    require_role(actor, Role.admin, "exporting invoices")
    with database.atomic():
        invoice = get_locked(Invoice, invoice_id, "invoice")
        if invoice.exported_at is not None:
            Invoice.update(exported_at=None, export_id=None, export_url=None, updated_at=utcnow()).where(Invoice.id == invoice.id).execute()
            audit.record("invoice", invoice.id, "unexported", actor, {"export_id": [invoice.export_id, None], "export_url": [invoice.export_url, None]})
    return Invoice.get_by_id(invoice_id)
