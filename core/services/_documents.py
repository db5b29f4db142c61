"""A PO as a document: the plain values its PDF is drawn from (now, or as kept with an email), and its file name."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from peewee import JOIN

from core.fields import jsonable
from core.documents import PdfLine, PoDocument
from core.errors import not_found
from core.models import PoLine, PurchaseOrder, Sku, User, Vendor
from core.services.settings import get_settings

DEFAULT_LOCALE = "en_IN"  # babel's, for people who have not told podesk theirs
_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def po_document(po_id: int) -> PoDocument:
    """The PO as a vendor would receive it now: our company (settings), the vendor, every line (three queries)."""
    row = (PurchaseOrder.select(PurchaseOrder, Vendor, User)
           .join(Vendor, JOIN.LEFT_OUTER, on=(PurchaseOrder.vendor == Vendor.id))
           .switch(PurchaseOrder).join(User, on=(PurchaseOrder.requested_by == User.id))
           .where(PurchaseOrder.id == po_id).first())
    if row is None:
        raise not_found("purchase order", po_id)
    lines = PoLine.select(PoLine, Sku).join(Sku, JOIN.LEFT_OUTER).where(PoLine.po == po_id).order_by(PoLine.line_no)
    settings = get_settings()
    vendor = row.vendor if row.vendor_id else None
    return PoDocument(
        company_name=settings.company_name, company_address=settings.company_address,
        po_number=row.po_number, status=row.status, po_date=row.po_date, delivery_date=row.delivery_date,
        vendor_name=row.vendor_name, vendor_address=vendor.address if vendor else None,
        vendor_email=vendor.email if vendor else None, vendor_gstin=vendor.gstin if vendor else None,
        gstin=row.gstin, description=row.description, payment_terms=row.payment_terms,
        terms_and_conditions=row.terms_and_conditions, notes=row.notes, currency=row.currency,
        subtotal=row.subtotal, tax_total=row.tax_total, total=row.total,
        lines=tuple(PdfLine(l.line_no, l.identifier, l.sku.code if l.sku_id else None, l.quantity, l.rate,
                            l.tax_rate, l.amount, l.tax_amount) for l in lines),
        requested_by=row.requested_by.name,
    )


def pdf_file_name(po_number: str) -> str:
    """`PO-00017.pdf`; characters a file name cannot hold (a `/` of `2026/0017`) become `-`."""
    return _UNSAFE_IN_FILE_NAME.sub("-", po_number) + ".pdf"


def document_values(doc: PoDocument) -> dict[str, Any]:
    """`doc` as JSON values (kept with an email, so the PDF it carried can be drawn again)."""
    return jsonable(dataclasses.asdict(doc))


_DECIMALS = ("subtotal", "tax_total", "total")
_LINE_DECIMALS = ("quantity", "rate", "tax_rate", "amount", "tax_amount")


def document_from(values: dict[str, Any]) -> PoDocument:
    """The PoDocument `document_values` wrote."""
    fields = dict(values)
    for name in _DECIMALS:
        fields[name] = Decimal(fields[name])
    for name in ("po_date", "delivery_date"):
        fields[name] = dt.date.fromisoformat(fields[name]) if fields[name] else None
    fields["lines"] = tuple(PdfLine(**{k: Decimal(v) if k in _LINE_DECIMALS else v for k, v in line.items()})
                            for line in fields["lines"])
    return PoDocument(**fields)
