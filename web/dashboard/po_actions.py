"""The PO page's buttons: each is a POST form (with its CSRF token) that calls one core action.

Core checks the role, ownership and status again; the page only translates. On success the
browser is sent back to the page with a message (POST, redirect, GET); on a refusal the page is
shown again with the reason where it belongs and nothing changed.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from flask import flash, g, redirect, request, url_for

from core import queries, services
from core.errors import AlreadyDecided, Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from web.dashboard import dashboard
from web.dashboard.formatting import sentence, when
from web.dashboard.po_page import missing_po, render_po
from web.errors import status_of


def _text(name: str) -> str | None:
    value = request.form.get(name, "").strip()
    return value or None


def _level() -> int | str | None:
    """The approval level the page showed (a stale page's level is refused by core); forged text goes to core as is."""
    value = _text("level")
    return int(value) if value and value.isdigit() and len(value) < 10 else value


def _submit(po_id: int) -> tuple[str, int]:
    po = services.submit_po(g.user, po_id)
    if po.status == "approved":
        return f"{po.po_number} is submitted and approved: no approval level applies to its total.", po_id
    return f"{po.po_number} is submitted for approval.", po_id


def _approve(po_id: int) -> tuple[str, int]:
    level = _level()
    po = services.approve_po(g.user, po_id, level=level, comment=_text("comment"))
    done = " It is now approved." if po.status == "approved" else f" Level {po.approval_level} decides next."
    return f"You approved {po.po_number}{f' at level {level}' if isinstance(level, int) else ''}.{done}", po_id


def _reject(po_id: int) -> tuple[str, int]:
    po = services.reject_po(g.user, po_id, reason=_text("reason"), level=_level())
    return f"You rejected {po.po_number}. Its requester can change it and submit it again.", po_id


def _cancel(po_id: int) -> tuple[str, int]:
    po = services.cancel_po(g.user, po_id, reason=_text("reason"))
    return f"{po.po_number} is cancelled.", po_id


def _close(po_id: int) -> tuple[str, int]:
    po = services.close_po(g.user, po_id, comment=_text("comment"))
    return f"{po.po_number} is closed.", po_id


def _addresses(name: str) -> list[str]:
    """The addresses typed into one field, separated by commas, semicolons or spaces."""
    return [part for part in re.split(r"[,;\s]+", request.form.get(name, "")) if part]


def _send(po_id: int) -> tuple[str, int]:
    email = services.send_po(g.user, po_id, to=_addresses("to"), cc=_addresses("cc"), bcc=_addresses("bcc"),
                             subject=_text("subject"), body=_text("body"))
    return (f"The PO is on its way to {', '.join(email.recipients['to'])} as a PDF; "
            "“Sent to the vendor” below shows when the mail server took it.", po_id)


def _copy(po_id: int) -> tuple[str, int]:
    copy = services.copy_po(g.user, po_id).po
    return f"This is {copy.po_number}, a new draft copied from the PO you were on. Change what differs, then submit it.", copy.id


ACTIONS: dict[str, Callable[[int], tuple[str, int]]] = {
    "submit": _submit, "approve": _approve, "reject": _reject, "send": _send, "cancel": _cancel, "close": _close,
    "copy": _copy,
}


def _stale(action: str, error: DomainError, po_id: int) -> str | None:
    """Who decided first and when, for an approve or reject that came too late (None if that is not it)."""
    if action not in ("approve", "reject") or not isinstance(error, Conflict):
        return None
    if isinstance(error, AlreadyDecided) and error.decided_by_name:
        level, decision, name, at = error.level, error.decision, error.decided_by_name, error.decided_at
    else:
        shown = _level()
        try:
            levels = queries.purchase_order(po_id)["approvals"]
        except NotFound:
            return None
        decided = next((l for l in levels if l["level"] == shown and l["decision"]), None)
        if decided is None or decided["decided_by"] is None:
            return None
        level, decision, name, at = decided["level"], decided["decision"], decided["decided_by"]["name"], decided["decided_at"]
    moment = f" on {when(at)}" if at else ""
    return f"Level {level} was already {decision} by {name}{moment}. Nothing was changed; the page below is up to date."


def _field_errors(error: DomainError) -> dict[str, str]:
    """{form field: what is wrong} (`/to/1` is the To field's problem)."""
    found: dict[str, str] = {}
    for p in error.problems:
        if p.pointer:
            name = p.pointer.strip("/").split("/")[0]
            found[name] = f"{found[name]} {p.detail}" if name in found else p.detail
    return found


@dashboard.post("/purchase-orders/<int:po_id>/<any(submit, approve, reject, send, cancel, close, copy):action>")
def po_action(po_id: int, action: str):
    """Run one action on the PO as the signed-in user, then show the PO (the copy, for copy)."""
    try:
        message, target = ACTIONS[action](po_id)
    except NotFound:
        return missing_po(po_id)
    except (ValidationFailed, PermissionDenied, Conflict) as error:  # MailNotConfigured is a Conflict too
        return _refused(po_id, action, error)
    flash(message, "success")
    return redirect(url_for("dashboard.purchase_order", po_id=target), 303)


def _refused(po_id: int, action: str, error: DomainError):
    stale = _stale(action, error, po_id)
    details: dict[str, Any] = {"failed_action": action, "form": request.form, "field_errors": _field_errors(error),
                               "action_error": stale or sentence(" ".join(p.detail for p in error.problems))}
    if getattr(error, "submit_warnings", None):
        details["action_error"] = "This draft is not complete enough to submit yet: see what it still needs below."
    return render_po(po_id, status_of(error), **details)
