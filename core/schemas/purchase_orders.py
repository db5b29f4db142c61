"""Request schemas for purchase orders: what the API, the bot and the ERP batch all validate with."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from core.schemas.types import (
    Strict,
    Currency,
    Dimensions,
    Gstin,
    boolean,
    choice,
    currency,
    date,
    fail,
    integer_id,
    native_decimal,
    native_text,
    text,
)
from core.types import (
    EXCHANGE_RATE_PLACES,
    PERCENT_PLACES,
    QUANTITY_PLACES,
    RATE_PLACES,
    Matching,
    PoStatus,
    PoType,
)

MAX_LINES = 500

# Line fields use pydantic's native validators: an ERP batch carries a thousand lines.
Quantity = native_decimal(places=QUANTITY_PLACES, below=Decimal(10) ** 10)
Rate = native_decimal(places=RATE_PLACES, below=Decimal(10) ** 12)
TaxRate = native_decimal(places=PERCENT_PLACES, below=Decimal(1000), maximum=Decimal(100))
ExchangeRate = native_decimal(places=EXCHANGE_RATE_PLACES, below=Decimal(10) ** 9, exclusive_minimum=True, nullable=True)
ExchangeRateRequired = native_decimal(places=EXCHANGE_RATE_PLACES, below=Decimal(10) ** 9, exclusive_minimum=True)
CurrencyRequired = currency(nullable=False)
Identifier = native_text(255)
SkuRef = native_text(255) | None
PoNumber = text(50)
ExternalId = text(100)
Description = text(255, code="invalid_description_length")
FreeText = text(10_000)
PoTypeField = choice(tuple(PoType), code="invalid_po_type")
MatchingField = choice(tuple(Matching), code="invalid_matching")
PoDate = date(code="invalid_date")
DeliveryDate = date(code="invalid_delivery_date")
VendorId = integer_id()
Flag = boolean()


def line_list(item_schema_ref: str, *, min_items: int, field: str = "line_items"):
    """A JSON array of line objects, `min_items`–500 long (`invalid_line_items` otherwise)."""

    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise fail("invalid_line_items", "must be a list of line objects")
        if len(value) < min_items:
            raise fail("invalid_line_items", f"needs at least {min_items} line" if field != "line_items" else "a purchase order needs at least one line item")
        if len(value) > MAX_LINES:
            raise fail("invalid_line_items", f"at most {MAX_LINES} line items (got {len(value)})")
        return value

    return BeforeValidator(check), Field(min_length=min_items, max_length=MAX_LINES)


class LineItemCreate(Strict):
    """A line of a new purchase order."""

    identifier: Annotated[Identifier, Field(description="free-text label, unique within the PO")]
    sku_code: SkuRef = None
    sku_name: SkuRef = None
    quantity: Quantity
    rate: Rate
    tax_rate: TaxRate = Decimal(0)
    dimensions: Dimensions = None


class PurchaseOrderFields(Strict):
    """What describes a purchase order, whoever sends it (the API's create, an ERP batch item)."""

    po_number: PoNumber = None
    external_id: ExternalId = None
    po_type: PoTypeField
    matching: MatchingField = Matching.three_way.value
    po_date: PoDate = None
    delivery_date: DeliveryDate = None
    vendor_id: VendorId = None
    currency: Currency = None
    exchange_rate: ExchangeRate = None
    gstin: Gstin = None
    description: Description = None
    payment_terms: FreeText = None
    terms_and_conditions: FreeText = None
    notes: FreeText = None
    line_items: Annotated[list[LineItemCreate], *line_list("LineItemCreate", min_items=1)]


class PurchaseOrderCreate(PurchaseOrderFields):
    """POST /purchase-orders."""

    submit: Flag = False


class PurchaseOrderImport(PurchaseOrderFields):
    """One item of POST /purchase-orders/bulk: keyed by external_id, else po_number.

    `status: approved` says the ERP approved it: created or kept approved without podesk's levels.
    """

    status: choice(("draft", "approved"), code="invalid_value") = "draft"


class LineItemPatch(Strict):
    """A line in PATCH: with `id` it updates (or with `delete: true` removes) that line; without, adds one."""

    id: integer_id() = None
    delete: boolean(nullable=True) = None
    identifier: Identifier = None
    sku_code: SkuRef = None
    sku_name: SkuRef = None
    quantity: Quantity = None
    rate: Rate = None
    tax_rate: TaxRate = None
    dimensions: Dimensions = None


class PurchaseOrderPatch(Strict):
    """PATCH /purchase-orders/{id}: only the fields given change."""

    status: choice(tuple(PoStatus), code="immutable_field", nullable=True) = None
    po_number: PoNumber = None
    external_id: ExternalId = None
    po_type: PoTypeField = None
    matching: MatchingField = None
    po_date: date(code="invalid_date", nullable=False) = None  # a PO always has a date
    delivery_date: DeliveryDate = None
    vendor_id: VendorId = None
    currency: CurrencyRequired = None
    exchange_rate: ExchangeRateRequired = None
    gstin: Gstin = None
    description: Description = None
    payment_terms: FreeText = None
    terms_and_conditions: FreeText = None
    notes: FreeText = None
    line_items: Annotated[list[LineItemPatch], *line_list("LineItemPatch", min_items=0)] = None
