"""A PO's PDF, as it stands now or as an email carried it."""
from __future__ import annotations

from core.documents import render_po_pdf
from core.errors import not_found
from core.models import PoEmail
from core.services._documents import DEFAULT_LOCALE, document_from, pdf_file_name, po_document


def po_pdf(po_id: int, locale: str | None = None) -> tuple[str, bytes]:
    """The PO's PDF drawn from its current values, and its file name (`PO-00017.pdf`)."""
    doc = po_document(po_id)
    return pdf_file_name(doc.po_number), render_po_pdf(doc, locale=locale or DEFAULT_LOCALE)


def email_pdf(po_id: int, email_id: int) -> tuple[str, bytes]:
    """The PDF exactly as that email of the PO carried it (drawn again from the values kept with it)."""
    email = PoEmail.get_or_none((PoEmail.id == email_id) & (PoEmail.po == po_id))
    if email is None:
        raise not_found("email", email_id)
    doc = document_from(email.document)
    return pdf_file_name(doc.po_number), render_po_pdf(doc, locale=email.locale)
