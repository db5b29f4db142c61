"""Request schemas for sending POs by email, webhooks and the accounting export."""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from core.events import WEBHOOK_EVENTS
from core.schemas.types import EMAIL_SCHEMA, NUL_DETAIL, Strict, _nullable, email_address, fail, text

MAX_RECIPIENTS = 50  # per list: a PO goes to a vendor's few people, not to a mailing list
EVENT_NAMES = tuple(WEBHOOK_EVENTS.values())
# Control characters: all but tab, line feed and carriage return; in one line, those too.
_CONTROL = "".join(map(chr, [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f]))
_CONTROL_OR_BREAK = "".join(map(chr, [*range(0x00, 0x20), 0x7f]))


def prose(max_len: int, *, one_line: bool = False, nullable: bool = True):
    """Text people write (a subject, an email body, an address): trimmed, 1–`max_len` characters,
    no control characters, and no line break when `one_line` (a header must stay one header)."""
    if one_line:
        return text(max_len, nullable=nullable, forbidden=_CONTROL_OR_BREAK, forbidden_hint="must be one line of text")
    return text(max_len, nullable=nullable, forbidden=_CONTROL, forbidden_hint="must not contain control characters")


def _addresses(*, at_least_one: bool):
    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise fail("invalid_type", "must be a list of email addresses")
        if at_least_one and not value:
            raise fail("invalid_value", "needs at least one email address")
        if len(value) > MAX_RECIPIENTS:
            raise fail("invalid_value", f"at most {MAX_RECIPIENTS} addresses (got {len(value)})")
        return value

    return check


Address = Annotated[str, BeforeValidator(email_address), WithJsonSchema(EMAIL_SCHEMA)]
Recipients = Annotated[list[Address], BeforeValidator(_addresses(at_least_one=True)), Field(min_length=1, max_length=MAX_RECIPIENTS)]
MoreRecipients = Annotated[list[Address], BeforeValidator(_addresses(at_least_one=False)), Field(max_length=MAX_RECIPIENTS)]
Subject = prose(255, one_line=True)
Body = prose(20_000)


class SendPoBody(Strict):
    """POST /purchase-orders/{id}/send: the PO's PDF by email, through the outbox."""

    to: Annotated[Recipients, Field(description="at least one address; each bad one is a 400 invalid_email at /to/<i>")]
    cc: MoreRecipients = []
    bcc: Annotated[MoreRecipients, Field(description="told in the envelope only; no recipient sees them")] = []
    subject: Annotated[Subject, Field(description="default: settings po_email_subject with its placeholders filled in")] = None
    body: Annotated[Body, Field(description="plain text; default: settings po_email_body. {po_number}, {vendor_name}, "
                                             "{total} and {company_name} are filled in here too")] = None


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# An http(s) URL with a host, spelled in ASCII (an international name in its xn-- form, other
# characters %-encoded), with an optional port, path, query and fragment and no user:password.
WEB_URL = re.compile(rf"https?://(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{1,5}})?(?:[/?#][!-~]*)?")


def _web_url(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("invalid_type", "must be a string")
    if len(value) > 2000:
        raise fail("invalid_value", "must be at most 2000 characters")
    if "\x00" in value:
        raise fail("invalid_value", NUL_DETAIL)
    if not WEB_URL.fullmatch(value):
        raise fail("invalid_value", f"{value[:80]!r} is not an http:// or https:// URL with a host, written in ASCII "
                                    "(an international name in its xn-- form)")
    return value


def web_url(*, nullable: bool):
    """An http:// or https:// URL with a host (anything else, ftp:// or javascript:, is refused)."""
    schema = {"type": "string", "maxLength": 2000, "pattern": f"^{WEB_URL.pattern}$"}
    check = (lambda value: None if value is None else _web_url(value)) if nullable else _web_url
    return Annotated[str | None if nullable else str, BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


def _event(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("invalid_type", "an event name is a string")
    if value not in EVENT_NAMES:
        raise fail("invalid_event", f"{value!r} is not an event; use one of: {', '.join(EVENT_NAMES)}")
    return value


def _events(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("invalid_type", "must be a list of event names")
    if not value:
        raise fail("invalid_value", "subscribe to at least one event")
    return value


EventName = Annotated[str, BeforeValidator(_event), WithJsonSchema({"type": "string", "enum": list(EVENT_NAMES)})]


class WebhookCreate(Strict):
    """POST /webhooks: where to POST which events. The answer holds the signing secret, once."""

    url: Annotated[web_url(nullable=False), Field(description="http:// or https://; each delivery is a POST here")]
    events: Annotated[list[EventName], BeforeValidator(_events), Field(min_length=1, description="event names; "
                                                                        "an unknown one is a 400 invalid_event at /events/<i>")]
    description: text(255) = None


class MarkExported(Strict):
    """POST /invoices/{id}/mark-exported: booked in the ERP under `export_id`."""

    export_id: Annotated[text(255, nullable=False), Field(description="the ERP's id of the booking")]
    export_url: Annotated[web_url(nullable=True), Field(description="a link to it in the ERP")] = None


class MarkUnexported(Strict):
    """POST /invoices/{id}/mark-unexported (no fields; an empty body is fine)."""
