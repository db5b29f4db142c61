"""Request schemas for receipts and invoices."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated


from core.schemas.purchase_orders import Rate, TaxRate, line_list
from core.schemas.types import Strict, Dimensions, currency, date, integer_id, native_decimal, text
from core.types import QUANTITY_PLACES

PositiveQuantity = native_decimal(places=QUANTITY_PLACES, below=Decimal(10) ** 10, exclusive_minimum=True)


class ReceiptLineIn(Strict):
    """One PO line received: named by `line_id`, `identifier` or `sku_code` (one of them)."""

    line_id: integer_id() = None
    identifier: text(255) = None
    sku_code: text(255) = None
    quantity: PositiveQuantity


class ReceiptCreate(Strict):
    """POST /purchase-orders/{id}/receipts."""

    received_on: date(code="invalid_date") = None
    note: text(2000) = None
    lines: Annotated[list[ReceiptLineIn], *line_list("ReceiptLineIn", min_items=1, field="lines")]


class InvoiceLineIn(Strict):
    """An invoice line; paired with a PO line by `po_line_id`, else `sku_code`, else its description."""

    description: text(255, nullable=False)
    sku_code: text(255) = None
    po_line_id: integer_id() = None
    quantity: PositiveQuantity
    unit_price: Rate
    tax_rate: TaxRate = Decimal(0)
    dimensions: Dimensions = None


class InvoiceCreate(Strict):
    """POST /invoices: matched at once against the PO named by `po_number`."""

    vendor_id: integer_id(nullable=False)
    invoice_number: text(100, nullable=False)
    invoice_date: date(code="invalid_date", nullable=False)
    currency: currency(nullable=False)
    po_number: text(50) = None
    lines: Annotated[list[InvoiceLineIn], *line_list("InvoiceLineIn", min_items=1, field="lines")]


class AcceptBody(Strict):
    """POST /invoices/{id}/accept: why the exceptions are acceptable."""

    reason: text(2000, nullable=False)

