"""Sending a PO to its vendor: an email with the PO's PDF, written with the request and sent by the outbox.

The PDF's values are taken when the buyer sends (kept with the email), and the PDF is drawn from
them when the email leaves: the request pays for no rendering, a retry an hour later carries the
same document, and `GET /purchase-orders/{id}/emails/{id}/pdf` shows exactly what the vendor got,
even after the PO changed (descriptive fields, or an ERP update of an approved PO).
"""
from __future__ import annotations

import secrets
from typing import Any, Iterable

from core import audit, outbox
from core.db import database
from core.errors import MailNotConfigured, PoNotOpen, not_found
from core.fields import utcnow
from core.models import PoEmail, PurchaseOrder, User, Vendor
from core.money import format_money
from core.rules.templates import fill
from core.schemas.integrations import SendPoBody
from core.services._access import require_role
from core.services._common import args, get_locked
from core.services._documents import DEFAULT_LOCALE, document_values, po_document
from core.services._po_store import bump_where
from core.services.settings import AppSettings, get_settings
from core.types import PoStatus, Role

EMAIL = "email"  # the outbox kind; its channel is registered only when PODESK_SMTP_URL is set
SENDABLE = (PoStatus.approved, PoStatus.closed)
SUBJECT_MAX = 255


def email_key(token: str) -> str:
    """The outbox key of an email: random, so Message-IDs made from it differ between deployments too."""
    return f"email:{token}"


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, (tuple, set, frozenset)) else value


def _unique(addresses: Iterable[str], seen: set[str]) -> list[str]:
    # The same person twice (or in both to and cc) gets one copy.
    kept = []
    for address in addresses:
        if address.casefold() not in seen:
            seen.add(address.casefold())
            kept.append(address)
    return kept


def _texts(po: PurchaseOrder, total: str, settings: AppSettings, subject: str | None, body: str | None) -> tuple[str, str]:
    values = {"po_number": po.po_number, "vendor_name": po.vendor_name, "total": total, "company_name": settings.company_name}
    # A vendor name filled into the subject must not break it onto two header lines, nor past its length.
    filled = " ".join(fill(subject or settings.po_email_subject, values).split())
    if len(filled) > SUBJECT_MAX:
        filled = filled[:SUBJECT_MAX - 1] + "…"
    return filled, fill(body or settings.po_email_body, values)


def draft(po_id: int, locale: str | None = None) -> dict[str, Any]:
    """What a send form starts with: the vendor's address in `to`, the settings' subject and body filled in."""
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    vendor_email = Vendor.select(Vendor.email).where(Vendor.id == po.vendor_id).scalar() if po.vendor_id else None
    subject, body = _texts(po, format_money(po.total, po.currency, locale or DEFAULT_LOCALE), get_settings(), None, None)
    return {"to": [vendor_email] if vendor_email else [], "cc": [], "bcc": [], "subject": subject, "body": body}


def send_po(actor: User, po_id: int, *, to: Iterable[str], cc: Iterable[str] = (), bcc: Iterable[str] = (),
            subject: str | None = None, body: str | None = None) -> PoEmail:
    """Email the PO's PDF (approved or closed POs); it leaves through the outbox, retried until the mail server takes it."""
    require_role(actor, Role.requester, "sending purchase orders")
    values = args(SendPoBody, to=_listed(to), cc=_listed(cc), bcc=_listed(bcc), subject=subject, body=body)
    with database.atomic():
        po = get_locked(PurchaseOrder, po_id, "purchase order")
        if not outbox.enabled(EMAIL):
            raise MailNotConfigured()
        if po.status not in SENDABLE:
            raise PoNotOpen(po.status, f"only an approved or closed PO can be sent to a vendor ({po.po_number} is {po.status})")
        doc, settings = po_document(po.id), get_settings()
        locale = actor.locale or DEFAULT_LOCALE
        subject_text, body_text = _texts(po, format_money(doc.total, doc.currency, locale), settings,
                                         values.get("subject"), values.get("body"))
        seen: set[str] = set()
        recipients = {name: _unique(values.get(name) or [], seen) for name in ("to", "cc", "bcc")}
        key = email_key(secrets.token_hex(16))
        email = PoEmail.create(po=po.id, outbox_key=key, recipients=recipients, subject=subject_text, body=body_text,
                               document=document_values(doc), locale=locale, sent_by=actor.id)
        outbox.enqueue(EMAIL, key, {
            "email_id": email.id, "po_id": po.id, **recipients, "subject": subject_text, "body": body_text,
            "reply_to": actor.email})
        audit.record("purchase_order", po.id, "sent", actor, {"email": [None, {"id": email.id, **recipients, "subject": subject_text}]})
    return email


def email_accepted(email_id: int) -> None:
    """The mail server took the email: record when, on it and (the first time) on its PO. The email channel calls this."""
    now = utcnow()
    with database.atomic():
        email = PoEmail.get_or_none(PoEmail.id == email_id)
        if email is None or email.sent_at is not None:
            return
        PoEmail.update(sent_at=now).where((PoEmail.id == email_id) & PoEmail.sent_at.is_null()).execute()
        bump_where((PurchaseOrder.id == email.po_id) & PurchaseOrder.sent_at.is_null(), {"sent_at": now})


def email_to_send(email_id: int) -> PoEmail | None:
    """The email as the channel needs it (None when it no longer exists)."""
    return PoEmail.get_or_none(PoEmail.id == email_id)
