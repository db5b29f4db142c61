"""Request schemas for reference data: vendors, SKUs, dimensions and settings."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from core.schemas.types import (
    ID_SCHEMA,
    MAX_ID,
    Strict,
    whole_number,
    UPPER_WORD,
    Currency,
    Email,
    currency,
    Gstin,
    boolean,
    native_decimal,
    fail,
    text,
)
from core.schemas.integrations import prose
from core.types import AMOUNT_PLACES, PERCENT_PLACES, RATE_PLACES, Role

MAX_BULK_SKUS = 1000
Address = Annotated[prose(2000), Field(description="postal address, several lines; printed on PO documents")]
_TEMPLATE_HELP = "placeholders {po_number}, {vendor_name}, {total} (with its currency symbol) and {company_name}"
MAX_APPROVAL_LEVELS = 20


class VendorCreate(Strict):
    """POST /vendors."""

    name: text(255, nullable=False)
    external_id: text(100) = None
    email: Email = None
    gstin: Gstin = None
    currency: Currency = None
    payment_terms: text(10_000) = None
    address: Address = None
    active: boolean() = True


class VendorPatch(Strict):
    """PATCH /vendors/{id}: only the fields given change."""

    name: text(255, nullable=False) = None
    external_id: text(100) = None
    email: Email = None
    gstin: Gstin = None
    currency: Currency = None
    payment_terms: text(10_000) = None
    address: Address = None
    active: boolean() = None


SkuCode = text(64, nullable=False)
SkuName = text(255, nullable=False)
DefaultRate = native_decimal(places=RATE_PLACES, below=Decimal(10) ** 12, nullable=True)


class SkuCreate(Strict):
    """POST /skus (and each item of POST /skus/bulk)."""

    code: SkuCode
    name: SkuName
    unit: text(32) = None
    default_rate: DefaultRate = None
    active: boolean() = True


class SkuPatch(Strict):
    """PATCH /skus/{id}."""

    code: SkuCode = None
    name: SkuName = None
    unit: text(32) = None
    default_rate: DefaultRate = None
    active: boolean() = None


def _sku_list(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("invalid_type", "must be a list of SKU objects")
    if not value:
        raise fail("invalid_value", "must not be empty")
    if len(value) > MAX_BULK_SKUS:
        raise fail("batch_too_large", f"at most {MAX_BULK_SKUS} SKUs per request (got {len(value)})")
    return value


class SkuBulk(Strict):
    """POST /skus/bulk: all or nothing."""

    skus: Annotated[list[SkuCreate], BeforeValidator(_sku_list), Field(min_length=1, max_length=MAX_BULK_SKUS)]


DimensionTypeField = text(64, nullable=False, pattern=UPPER_WORD, pattern_hint="must be an upper-case word such as PROJECT or GL_ACCOUNT")


class DimensionCreate(Strict):
    """POST /dimensions."""

    type: DimensionTypeField
    erp_dimension_id: text(100, nullable=False)
    name: text(255, nullable=False)
    active: boolean() = True


class DimensionPatch(Strict):
    """PATCH /dimensions/{id}."""

    type: DimensionTypeField = None
    erp_dimension_id: text(100, nullable=False) = None
    name: text(255, nullable=False) = None
    active: boolean() = None


def _approver(value: Any) -> Any:
    if isinstance(value, str):
        if value not in (Role.approver, Role.admin):
            raise fail("invalid_value", f"role {value[:40]!r} cannot approve; use approver or admin")
        return value
    number = whole_number(value)
    if number is None:
        raise fail("invalid_type", "an approver is a user id (integer) or a role name")
    if not 1 <= number <= MAX_ID:
        raise fail("invalid_value", "a user id is a positive integer")
    return number


Approver = Annotated[int | str, BeforeValidator(_approver), WithJsonSchema({"oneOf": [ID_SCHEMA, {"type": "string", "enum": ["approver", "admin"]}]})]


def _approvers(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("invalid_type", "must be a list")
    if not value:
        raise fail("invalid_value", "a level needs at least one approver")
    return value


class ApprovalLevelIn(Strict):
    """A level: POs whose total in the base currency is at least `min_total` need one of `approvers`."""

    min_total: native_decimal(places=AMOUNT_PLACES, below=Decimal(10) ** 14)
    approvers: Annotated[list[Approver], BeforeValidator(_approvers), Field(min_length=1)]


def _levels(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("invalid_type", "must be a list")
    if len(value) > MAX_APPROVAL_LEVELS:
        raise fail("invalid_value", f"at most {MAX_APPROVAL_LEVELS} approval levels")
    return value


Percent = native_decimal(places=PERCENT_PLACES, below=Decimal(10) ** 4)


def _hours(value: Any) -> Any:
    number = whole_number(value)
    if number is None:
        raise fail("invalid_type", "must be a whole number of hours")
    if not 1 <= number <= 24 * 30:
        raise fail("invalid_value", "must be between 1 and 720 hours")
    return number


class SettingsPatch(Strict):
    """PATCH /settings: fields omitted keep their value."""

    base_currency: currency(nullable=False) = None
    po_number_format: text(100, nullable=False) = None
    price_tolerance_pct: Percent = None
    price_tolerance_abs: native_decimal(places=AMOUNT_PLACES, below=Decimal(10) ** 12) = None
    quantity_tolerance_pct: Percent = None
    over_receipt_tolerance_pct: Percent = None
    approval_levels: Annotated[list[ApprovalLevelIn], BeforeValidator(_levels), Field(max_length=MAX_APPROVAL_LEVELS)] = None
    approval_reminder_hours: Annotated[int, BeforeValidator(_hours), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 720})] = None
    company_name: Annotated[prose(255, one_line=True), Field(description="our company, at the top of every PO document")] = None
    company_address: Annotated[prose(2000), Field(description="our address, under the company name on PO documents (several lines)")] = None
    po_email_subject: Annotated[prose(255, one_line=True, nullable=False), Field(
        description=f"the subject of a PO sent by email when the sender gives none; {_TEMPLATE_HELP}")] = None
    po_email_body: Annotated[prose(20_000, nullable=False), Field(
        description=f"the text of a PO sent by email when the sender gives none; {_TEMPLATE_HELP}")] = None
