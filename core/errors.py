"""Business errors, named for the condition and carrying its data; the faces translate them.

The web API maps the base classes to status codes (web/errors.py); the Slack bot and the dashboard
read the attributes of the specific ones ("already approved by @y at 10:42") instead of parsing text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable


# Every `code` podesk may answer with (api.md lists them; codes are never reused for another meaning).
ERROR_CODES = frozenset(
    """
    invalid_json unknown_field missing_field invalid_type invalid_value invalid_po_type
    invalid_matching invalid_date invalid_delivery_date invalid_currency invalid_gstin
    invalid_description_length invalid_line_items duplicate_identifier sku_required sku_not_found
    dimension_not_found vendor_not_found immutable_field duplicate_po_number duplicate_external_id
    duplicate_invoice po_not_editable invalid_transition incomplete_po self_approval_forbidden
    not_your_approval over_receipt po_not_open po_has_activity batch_too_large version_mismatch
    unauthenticated forbidden not_found rate_limited idempotency_key_reused
    duplicate_sku_code duplicate_sku_name duplicate_dimension base_currency_in_use
    unsupported_media_type payload_too_large method_not_allowed internal_error
    duplicate_email duplicate_slack_id no_eligible_approver
    mail_not_configured invalid_email invalid_event invoice_not_matched already_exported
    """.split()
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: a contract error code, a sentence, and where in the request (RFC 6901)."""

    code: str
    detail: str
    pointer: str | None = None

    def at(self, prefix: str) -> "Problem":
        """The same problem, its pointer moved under `prefix` (`/line_items/2` + `/rate`)."""
        return Problem(self.code, self.detail, prefix + (self.pointer or ""))


def pointer(*parts: object) -> str:
    """An RFC 6901 JSON pointer from path parts (`pointer("line_items", 0, "rate")`)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class DomainError(Exception):
    """Base of every error a service raises on purpose. Carries one or more problems."""

    code = "invalid_value"

    def __init__(self, problems: Iterable[Problem] | str, *, meta: dict[str, Any] | None = None):
        if isinstance(problems, str):
            problems = [Problem(self.code, problems)]
        self.problems: list[Problem] = list(problems)
        self.meta = meta
        super().__init__("; ".join(p.detail for p in self.problems))

    @property
    def detail(self) -> str:
        """The first problem's sentence (what a face shows when it shows one line)."""
        return self.problems[0].detail if self.problems else self.code


# ---- the kinds of error, as the API's status codes group them ------------------------------------

class ValidationFailed(DomainError):
    """The request breaks the contract's rules (shape, values or references): 400."""


class PermissionDenied(DomainError):
    """The actor's role or relation to the object does not allow this: 403."""

    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request conflicts with the current state or a uniqueness rule: 409."""

    code = "conflict"


class VersionMismatch(DomainError):
    """An If-Match version that no longer holds: 412."""

    code = "version_mismatch"

    def __init__(self, current: int, expected: int):
        self.current, self.expected = current, expected
        super().__init__([Problem(self.code, f"the PO is at version {current}, not {expected}; reload it and try again")])


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


# ---- business conditions ---------------------------------------------------------------------------

class RoleRequired(PermissionDenied):
    """The actor's role is below what the action needs."""

    def __init__(self, needed: str, actual: str, doing: str):
        self.needed, self.actual, self.doing = needed, actual, doing
        super().__init__([Problem("forbidden", f"{doing} needs the {needed} role (you are {actual})")])


class NotOwner(PermissionDenied):
    """Only the PO's requester (or an admin) may do this."""

    def __init__(self, doing: str, po_number: str, owner_id: int):
        self.doing, self.po_number, self.owner_id = doing, po_number, owner_id
        super().__init__([Problem("forbidden", f"only the requester of {po_number} or an admin can {doing} it")])


class SelfApproval(PermissionDenied):
    """The requester tried to decide their own PO."""

    def __init__(self, po_number: str):
        self.po_number = po_number
        super().__init__([Problem("self_approval_forbidden", f"you raised {po_number}; someone else must decide it")])


class NotYourApproval(PermissionDenied):
    """The actor is not an approver of the level waiting for a decision."""

    def __init__(self, level: int, approvers: tuple[tuple[int, str], ...]):
        self.level, self.approvers = level, approvers
        names = ", ".join(name for _, name in approvers) or "nobody"
        super().__init__([Problem("not_your_approval", f"you are not an approver of level {level} (its approvers: {names})")])


class InvalidTransition(Conflict):
    """The PO's status does not allow the action."""

    def __init__(self, action: str, status: str, detail: str | None = None, ptr: str | None = None):
        self.action, self.status = action, status
        super().__init__([Problem("invalid_transition", detail or f"cannot {action} a PO that is {status}", ptr)])


class AlreadyDecided(InvalidTransition):
    """Someone decided that approval level first (a stale or doubled click)."""

    def __init__(self, level: int, decision: str | None, decided_by_id: int | None, decided_by_name: str | None,
                 decided_at: dt.datetime | None, status: str, detail: str | None = None, ptr: str | None = None):
        self.level, self.decision = level, decision
        self.decided_by_id, self.decided_by_name, self.decided_at = decided_by_id, decided_by_name, decided_at
        who = f" by {decided_by_name}" if decided_by_name else ""
        when = f" at {decided_at:%Y-%m-%d %H:%M} UTC" if decided_at else ""
        super().__init__("approve", status, detail or f"level {level} was already {decision or 'decided'}{who}{when}", ptr)


class SubmittedAgain(InvalidTransition):
    """A decision shown for an earlier submission of the PO (an old DM, reminder or Home tab): the PO
    was submitted again since, and that round's levels are decided only from the new requests."""

    def __init__(self, po_number: str, submitted_at: dt.datetime | None, status: str):
        self.po_number, self.submitted_at = po_number, submitted_at
        when = f" at {submitted_at:%Y-%m-%d %H:%M} UTC" if submitted_at else ""
        super().__init__("decide", status, f"{po_number} was submitted again{when}; this request was for an earlier submission")


class NoEligibleApprover(Conflict):
    """A level the PO needs has nobody who may decide it."""

    def __init__(self, level: int, min_total: Any, currency: str):
        self.level, self.min_total = level, min_total
        super().__init__([Problem("no_eligible_approver", f"approval level {level} (from {min_total} {currency}) has no active "
                                  "approver other than the requester; an admin must update approval_levels")])


class IncompletePo(ValidationFailed):
    """Submitting needs fields the PO does not have yet; `submit_warnings` says which."""

    def __init__(self, submit_warnings: dict[str, Any]):
        self.submit_warnings = submit_warnings
        super().__init__([Problem("incomplete_po", "the PO is not complete enough to submit; see meta.submit_warnings")],
                         meta={"submit_warnings": submit_warnings})


class PoNotEditable(Conflict):
    """The PO's status no longer allows this change."""

    def __init__(self, status: str, detail: str, ptr: str | None = None):
        self.status = status
        super().__init__([Problem("po_not_editable", detail, ptr)])


class PoNotOpen(Conflict):
    """Goods, invoices and emails need an approved (open) PO."""

    def __init__(self, status: str, detail: str):
        self.status = status
        super().__init__([Problem("po_not_open", detail)])


class PoHasActivity(Conflict):
    """Something was received or billed: the PO can be closed, not cancelled or deleted."""

    def __init__(self, detail: str):
        super().__init__([Problem("po_has_activity", detail)])


class DuplicateInvoice(Conflict):
    """The vendor already sent an invoice with this number."""

    def __init__(self, vendor_id: int, invoice_number: str):
        self.vendor_id, self.invoice_number = vendor_id, invoice_number
        super().__init__([Problem("duplicate_invoice", f"vendor {vendor_id} already sent invoice {invoice_number!r}", "/invoice_number")])


class InvoiceNotAcceptable(Conflict):
    """Only an invoice with exceptions can be accepted."""

    def __init__(self, match_status: str, detail: str | None = None):
        self.match_status = match_status
        super().__init__([Problem("invalid_transition",
                                  detail or f"only an invoice with exceptions can be accepted (this one is {match_status})")])


class ExceptionAlreadyAccepted(InvoiceNotAcceptable):
    """Someone accepted the invoice's exceptions first (a stale or doubled click)."""

    def __init__(self, match_status: str, invoice_number: str, accepted_by_id: int | None, accepted_by_name: str | None,
                 accepted_at: dt.datetime):
        self.invoice_number = invoice_number
        self.accepted_by_id, self.accepted_by_name, self.accepted_at = accepted_by_id, accepted_by_name, accepted_at
        who = f" by {accepted_by_name}" if accepted_by_name else ""
        super().__init__(match_status, f"invoice {invoice_number} was already accepted{who} at {accepted_at:%Y-%m-%d %H:%M} UTC")


class MailNotConfigured(Conflict):
    """Nothing can be emailed: this deployment has no SMTP server (PODESK_SMTP_URL)."""

    def __init__(self):
        super().__init__([Problem("mail_not_configured", "this podesk has no mail server to send through (PODESK_SMTP_URL is not set); "
                                  "ask whoever runs it to configure one")])


class InvoiceNotMatched(Conflict):
    """Only a matched invoice (accepted exceptions included) is ready to book in the ERP."""

    def __init__(self, match_status: str):
        self.match_status = match_status
        super().__init__([Problem("invoice_not_matched", f"only a matched invoice can be exported (this one is {match_status}); "
                                  "resolve or accept its exceptions first")])


class AlreadyExported(Conflict):
    """The invoice was already booked in the ERP: exporting it again would book it twice."""

    def __init__(self, export_id: str, exported_at: dt.datetime):
        self.export_id, self.exported_at = export_id, exported_at
        super().__init__([Problem("already_exported", f"this invoice was already exported as {export_id!r} on "
                                  f"{exported_at:%Y-%m-%d %H:%M} UTC; mark it unexported first if that booking was undone")])


class WrongCredentials(DomainError):
    """A dashboard sign-in that failed; it never says whether the email belongs to anyone."""

    code = "unauthenticated"
    MESSAGE = "That email and password do not match an account. Check them and try again."

    def __init__(self):
        super().__init__([Problem(self.code, self.MESSAGE)])


class SignInLocked(DomainError):
    """Too many failed sign-ins for an account or an address; `retry_after` is in seconds."""

    def __init__(self, detail: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__([Problem("rate_limited", detail)], meta={"retry_after": retry_after})


class SignInLinkUnusable(NotFound):
    """A one-time sign-in link that is unknown, already used or expired (`reason` says which)."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        super().__init__([Problem("not_found", detail)])


def conflict(code: str, detail: str, ptr: str | None = None) -> Conflict:
    """A 409 with one problem (uniqueness rules, named by their code)."""
    return Conflict([Problem(code, detail, ptr)])


def invalid(code: str, detail: str, ptr: str | None = None) -> ValidationFailed:
    """A 400 with one problem."""
    return ValidationFailed([Problem(code, detail, ptr)])


def not_found(what: str, ident: object) -> NotFound:
    """A 404 for a resource named in the URL (or by a face): `what` and `ident` are kept."""
    error = NotFound([Problem("not_found", f"{what} {ident} does not exist")])
    error.what, error.ident = what, ident
    return error
