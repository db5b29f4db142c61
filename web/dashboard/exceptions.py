"""The invoice exception queue (`/exceptions`): why each invoice is stuck, what is at stake, for how
long; approvers accept an invoice's exceptions with a reason."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from core import queries, services
from core.errors import Conflict, ExceptionAlreadyAccepted, NotFound, PermissionDenied, ValidationFailed
from core.rules.actions import may_accept_invoices
from web.dashboard import dashboard
from web.dashboard.formatting import sentence, when
from web.dashboard.render import page
from web.errors import status_of

QUEUE_ROWS = 200  # the oldest first; the rest wait their turn (the count says how many)


def _queue(status: int = 200, **extra):
    exceptions = queries.open_exceptions(limit=QUEUE_ROWS)
    return page("exceptions.html", "_exceptions.html", status, exceptions=exceptions,
                exception_count=queries.count_open_exceptions() if len(exceptions) >= QUEUE_ROWS else len(exceptions),
                accept=may_accept_invoices(g.user.role), **extra)


@dashboard.get("/exceptions")
def exceptions():
    """Invoices with open exceptions, oldest first."""
    return _queue()


@dashboard.post("/exceptions/<int:invoice_id>/accept")
def accept_exception(invoice_id: int):
    """Accept one invoice's exceptions with the reason given (core checks the role and the invoice)."""
    reason = request.form.get("reason", "").strip() or None
    try:
        invoice = services.accept_invoice_exception(g.user, invoice_id, reason=reason)
    except (ValidationFailed, PermissionDenied, Conflict, NotFound) as error:
        message = sentence(" ".join(p.detail for p in error.problems))
        if isinstance(error, ValidationFailed) and any(p.pointer == "/reason" for p in error.problems):
            message = "Say why you accept this invoice: the reason goes into its history."
        if isinstance(error, ExceptionAlreadyAccepted):  # someone else was quicker
            who = f" by {error.accepted_by_name}" if error.accepted_by_name else ""
            message = (f"Invoice {error.invoice_number} was already accepted{who} on {when(error.accepted_at)}. "
                       "Nothing was changed; the list below is up to date.")
        return _queue(status_of(error), accept_error=message, failed_invoice=invoice_id, form=request.form)
    flash(f"Invoice {invoice.invoice_number} is accepted and counts as matched.", "success")
    return redirect(url_for("dashboard.exceptions"), 303)
