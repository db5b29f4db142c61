"""Plain values the PO rules work on: a PO and its lines, and the reference data they point to."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class VendorRef:
    id: int
    name: str
    active: bool
    currency: str | None = None
    payment_terms: str | None = None


@dataclass(frozen=True)
class SkuRef:
    id: int
    code: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class DimensionRef:
    id: int
    type: str
    erp_dimension_id: str
    active: bool = True


@dataclass(frozen=True)
class Catalog:
    """The reference data a request mentions, loaded before the rules run."""

    base_currency: str
    vendors: dict[int, VendorRef] = field(default_factory=dict)
    skus_by_code: dict[str, SkuRef] = field(default_factory=dict)
    skus_by_name: dict[str, SkuRef] = field(default_factory=dict)  # key: name.casefold()
    dimensions: dict[tuple[str, str], DimensionRef] = field(default_factory=dict)


@dataclass
class LineState:
    identifier: str
    quantity: Decimal | None
    rate: Decimal | None
    tax_rate: Decimal = Decimal(0)
    sku: SkuRef | None = None
    requested_sku_code: str | None = None  # kept only when it did not resolve (two-way)
    requested_sku_name: str | None = None
    dimensions: dict[str, DimensionRef] = field(default_factory=dict)
    id: int | None = None
    quantity_received: Decimal = Decimal(0)
    quantity_billed: Decimal = Decimal(0)
    invoiced: bool = field(default=False, compare=False)  # an invoice line is paired with it


@dataclass
class PoState:
    po_type: str | None
    matching: str
    po_date: dt.date | None
    currency: str | None
    exchange_rate: Decimal | None
    lines: list[LineState]
    status: str = "draft"
    po_number: str | None = None
    external_id: str | None = None
    vendor: VendorRef | None = None
    delivery_date: dt.date | None = None
    gstin: str | None = None
    description: str | None = None
    payment_terms: str | None = None
    terms_and_conditions: str | None = None
    notes: str | None = None

    HEADER_FIELDS = (
        "po_type", "matching", "po_date", "delivery_date", "currency", "exchange_rate", "gstin",
        "description", "payment_terms", "terms_and_conditions", "notes",
    )
