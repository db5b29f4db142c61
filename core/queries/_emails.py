"""A PO's emails to its vendor, each with where its delivery stands."""
from __future__ import annotations

from core import outbox

from typing import Any

from peewee import JOIN

from core.errors import not_found
from core.models import OutboxMessage, PoEmail, User
from core.queries._params import Args, Reader
from core.queries._purchase_orders import get_po
from core.services.sending import draft


EMAIL_KIND = "email"


def mail_configured() -> bool:
    """True when this deployment can send email (an SMTP server is configured), so "Send to vendor" is offered."""
    return outbox.enabled(EMAIL_KIND)


def email_draft(po_id: int, locale: str | None = None) -> dict[str, Any]:
    """A new email of the PO as a send form (Slack's modal, the dashboard) prefills it: {to, cc, bcc, subject, body}."""
    return draft(po_id, locale)


def _status(email: PoEmail, row: OutboxMessage | None) -> str:
    if email.sent_at is not None:
        return "sent"
    return "failed" if row is not None and row.status == "dead" else "queued"


def _rows():
    return (PoEmail.select(PoEmail, User.id, User.name, OutboxMessage)
            .join(User, on=(PoEmail.sent_by == User.id))
            .switch(PoEmail).join(OutboxMessage, JOIN.LEFT_OUTER, on=(OutboxMessage.key == PoEmail.outbox_key),
                                  attr="delivery"))


def _resource(email: PoEmail) -> dict[str, Any]:
    row = getattr(email, "delivery", None)
    row = row if row is not None and row.id is not None else None
    return {
        "id": email.id, "purchase_order_id": email.po_id, "status": _status(email, row),
        "to": email.recipients["to"], "cc": email.recipients["cc"], "bcc": email.recipients["bcc"],
        "subject": email.subject, "body": email.body,
        "sent_by": {"id": email.sent_by.id, "name": email.sent_by.name},
        "queued_at": email.queued_at, "sent_at": email.sent_at,
        "attempts": row.attempts if row else 0,
        "last_error": row.last_error if row and email.sent_at is None else None,
    }


def po_email(email_id: int, po_id: int | None = None) -> dict[str, Any]:
    """One email (of that PO, when `po_id` is given): recipients, text, and queued / sent / failed."""
    query = _rows().where(PoEmail.id == email_id)
    email = (query if po_id is None else query.where(PoEmail.po == po_id)).first()
    if email is None:
        raise not_found("email", email_id)
    return _resource(email)


def po_emails(po_id: int, args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A PO's emails, oldest first."""
    r = Reader(args, ())
    paging = r.paging()
    r.done()
    get_po(po_id)
    rows = _rows().where(PoEmail.po == po_id).order_by(PoEmail.id).limit(paging.per_page).offset(paging.offset)
    return [_resource(e) for e in rows], paging.meta_of(PoEmail.select().where(PoEmail.po == po_id))
