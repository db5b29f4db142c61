"""Bodies of the lifecycle actions (all optional but reject's reason)."""
from __future__ import annotations


from core.schemas.types import Strict, date, integer_id, text

Comment = text(2000)
Reason = text(2000, nullable=False)


class SubmitBody(Strict):
    """POST /purchase-orders/{id}/submit (no fields; an empty body is fine)."""


class ApproveBody(Strict):
    """POST /purchase-orders/{id}/approve."""

    comment: Comment = None
    level: integer_id() = None  # the level the approver saw; a stale click is refused with 409


class RejectBody(Strict):
    """POST /purchase-orders/{id}/reject: the reason is required."""

    reason: Reason
    level: integer_id() = None


class CancelBody(Strict):
    """POST /purchase-orders/{id}/cancel."""

    reason: Comment = None


class CloseBody(Strict):
    """POST /purchase-orders/{id}/close."""

    comment: Comment = None


class CopyBody(Strict):
    """POST /purchase-orders/{id}/copy: the new draft's date and number (defaults: today, the next number)."""

    po_date: date(code="invalid_date") = None
    po_number: text(50) = None
