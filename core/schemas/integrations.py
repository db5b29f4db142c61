"""Request schemas for sending POs by email, webhooks and the accounting export."""
from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import BeforeValidator, Field, WithJsonSchema

from core.events import WEBHOOK_EVENTS
from core.schemas.types import Strict, fail, text

MAX_RECIPIENTS = 50  # per list: a PO goes to a vendor's few people, not to a mailing list
EVENT_NAMES = tuple(WEBHOOK_EVENTS.values())
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed and carriage return
_LINE_BREAK = re.compile(r"[\r\n]")


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def prose(max_len: int, *, one_line: bool = False, nullable: bool = True):
    """Text people write (a subject, an email body, an address): trimmed, 1–`max_len` characters,
    no control characters, and no line break when `one_line` (a header must stay one header)."""

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a string")
        value = value.strip()
        if not value:
            raise fail("invalid_value", "must not be empty")
        if len(value) > max_len:
            raise fail("invalid_value", f"must be at most {max_len} characters (got {len(value)})")
        if _CONTROL.search(value) or (one_line and _LINE_BREAK.search(value)):
            raise fail("invalid_value", "must be one line of text" if one_line else "must not contain control characters")
        return value

    schema = {"type": "string", "minLength": 1, "maxLength": max_len}
    return Annotated[str | None if nullable else str, BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


def _address(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("invalid_type", "an email address is a string")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise fail("invalid_email", f"{value!r} is not an email address: {exc}") from None


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


Address = Annotated[str, BeforeValidator(_address), WithJsonSchema({"type": "string", "format": "email"})]
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


def _web_url(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("invalid_type", "must be a string")
    value = value.strip()
    if len(value) > 2000:
        raise fail("invalid_value", "must be at most 2000 characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host or _CONTROL.search(value) or " " in value:
        raise fail("invalid_value", f"{value!r} is not an http:// or https:// URL with a host")
    return value


def web_url(*, nullable: bool):
    """An http:// or https:// URL with a host (anything else, ftp:// or javascript:, is refused)."""
    schema = {"type": "string", "format": "uri", "maxLength": 2000, "pattern": "^https?://"}
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
