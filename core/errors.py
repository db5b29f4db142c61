"""Business errors, named for the condition; the faces translate them (web/errors.py, the bot)."""
from __future__ import annotations

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


class ValidationFailed(DomainError):
    """The request breaks the contract's rules (shape, values or references): 400."""


class Unauthenticated(DomainError):
    code = "unauthenticated"


class PermissionDenied(DomainError):
    """The actor's role or relation to the object does not allow this: 403."""

    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request conflicts with the current state or a uniqueness rule: 409."""

    code = "conflict"


class VersionMismatch(DomainError):
    code = "version_mismatch"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, problems: Iterable[Problem] | str, *, retry_after: int):
        super().__init__(problems)
        self.retry_after = retry_after  # seconds until the caller may try again


def conflict(code: str, detail: str, ptr: str | None = None) -> Conflict:
    """A 409 with one problem."""
    return Conflict([Problem(code, detail, ptr)])


def invalid(code: str, detail: str, ptr: str | None = None) -> ValidationFailed:
    """A 400 with one problem."""
    return ValidationFailed([Problem(code, detail, ptr)])


def not_found(what: str, ident: object) -> NotFound:
    """A 404 for a resource named in the URL."""
    return NotFound([Problem("not_found", f"{what} {ident} does not exist")])
