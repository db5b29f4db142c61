"""Response shapes, for the OpenAPI document (tests check real responses against them)."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Dec = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?$", description="an exact decimal as a string")]
Timestamp = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", description="UTC, ISO 8601")]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Out):
    code: str = Field(description="a stable error code (see the contract's list)")
    detail: str = Field(description="a sentence for people")
    pointer: str | None = Field(None, description="RFC 6901 pointer into the request body, when about a field")


class ErrorResponse(Out):
    errors: list[ErrorItem]
    meta: dict[str, Any] | None = None


class ListMeta(Out):
    page: int
    per_page: int
    total: int = Field(description="rows matching the filters: exact when total_exact, else an estimate, at least 10,001 "
                                   "(exactly 10,001 when the database can say only \"more than 10,000\")")
    total_exact: bool = Field(description="true whenever at most 10,000 rows match; false when total is an estimate")


class UserRef(Out):
    id: int
    name: str


class LineItem(Out):
    id: int
    line_no: int
    identifier: str
    sku_code: str | None
    sku_name: str | None
    quantity: Dec
    rate: Dec
    tax_rate: Dec
    amount: Dec
    tax_amount: Dec
    quantity_received: Dec
    quantity_billed: Dec
    dimensions: dict[str, str]


class SkuMatchWarning(Out):
    line_item_identifier: str
    sku_code: str | None
    sku_name: str | None
    message: str


class SubmitWarnings(Out):
    po: list[Literal["vendor_id", "description", "payment_terms"]]
    line_items: dict[str, list[Literal["quantity", "rate"]]]


class ApprovalLevel(Out):
    level: int
    min_total: Dec
    approvers: list[UserRef]
    decision: Literal["approved", "rejected"] | None
    decided_by: UserRef | None
    decided_at: Timestamp | None
    comment: str | None


class PurchaseOrderSummary(Out):
    """A PO in a list: the header and totals, without lines."""

    id: int
    po_number: str
    external_id: str | None
    status: Literal["draft", "pending_approval", "approved", "rejected", "cancelled", "closed"]
    receipt_status: Literal["not_received", "partially_received", "fully_received"]
    billing_status: Literal["not_billed", "partially_billed", "fully_billed"]
    match_status: Literal["none", "matched", "exception"]
    po_type: Literal["goods", "services"]
    matching: Literal["two_way", "three_way"]
    vendor_id: int | None
    vendor_name: str | None
    po_date: Day
    delivery_date: Day | None
    currency: str
    exchange_rate: Dec
    gstin: str | None
    description: str | None
    payment_terms: str | None
    terms_and_conditions: str | None
    notes: str | None
    subtotal: Dec
    tax_total: Dec
    total: Dec
    total_base: Dec
    requested_by: UserRef
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None
    approved_at: Timestamp | None
    sent_at: Timestamp | None = Field(description="when an email of this PO first reached the mail server (POST /send)")
    line_count: int | None = None


class PurchaseOrder(PurchaseOrderSummary):
    """A PO in full."""

    line_items: list[LineItem]
    submit_warnings: SubmitWarnings | None
    sku_match_warnings: list[SkuMatchWarning]
    approvals: list[ApprovalLevel]


class PurchaseOrderList(Out):
    data: list[PurchaseOrderSummary]
    meta: ListMeta


class Event(Out):
    at: Timestamp
    actor: UserRef | None
    action: str
    changes: dict[str, Any]
    comment: str | None


class EventList(Out):
    data: list[Event]
    meta: ListMeta


class Vendor(Out):
    id: int
    name: str
    external_id: str | None
    email: str | None
    gstin: str | None
    currency: str | None
    payment_terms: str | None
    address: str | None = Field(description="postal address (several lines), printed on PO documents")
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class VendorList(Out):
    data: list[Vendor]
    meta: ListMeta


class Sku(Out):
    id: int
    code: str
    name: str
    unit: str | None
    default_rate: Dec | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class SkuList(Out):
    data: list[Sku]
    meta: ListMeta


class SkuBulkCreated(Out):
    data: list[Sku]


class Dimension(Out):
    id: int
    type: str
    erp_dimension_id: str
    name: str
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class DimensionList(Out):
    data: list[Dimension]
    meta: ListMeta


class ApprovalLevelSetting(Out):
    min_total: Dec
    approvers: list[int | Literal["approver", "admin"]]


class Settings(Out):
    base_currency: str
    po_number_format: str
    price_tolerance_pct: Dec
    price_tolerance_abs: Dec
    quantity_tolerance_pct: Dec
    over_receipt_tolerance_pct: Dec
    approval_levels: list[ApprovalLevelSetting]
    approval_reminder_hours: int
    company_name: str | None = Field(description="our company, at the top of every PO document")
    company_address: str | None = Field(description="our address (several lines), on PO documents")
    po_email_subject: str = Field(description="default subject of a PO sent by email; placeholders {po_number}, {vendor_name}, {total}, {company_name}")
    po_email_body: str = Field(description="default text of a PO sent by email; the same placeholders")


class OutboxHealth(Out):
    pending: int = Field(description="messages to Slack, email and webhooks not yet delivered")
    overdue: int = Field(description="due more than a minute ago and not delivered")
    dead: int = Field(description="given up after their retries")


class Health(Out):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    scheduler: Literal["running", "stopped"]
    outbox: OutboxHealth
    slack: Literal["on", "off"]


class Reason(Out):
    code: str = Field(description="price_variance, quantity_exceeds_ordered, quantity_exceeds_received, no_matching_po_line, "
                                  "po_not_found, po_not_open, vendor_mismatch, currency_mismatch")
    expected: Any = None
    actual: Any = None


class InvoiceLine(Out):
    id: int
    line_no: int
    description: str
    sku_code: str | None
    po_line_id: int | None = Field(description="the PO line it was paired with")
    quantity: Dec
    unit_price: Dec
    tax_rate: Dec
    amount: Dec
    tax_amount: Dec
    match_status: Literal["matched", "exception", "unmatched"]
    reasons: list[Reason]
    dimensions: dict[str, str] = Field(description="its own, or inherited from the matched PO line")


class InvoiceSummary(Out):
    id: int
    vendor_id: int
    vendor_name: str
    invoice_number: str
    invoice_date: Day
    currency: str
    po_number: str | None
    purchase_order_id: int | None
    match_status: Literal["matched", "exception", "unmatched"]
    override: bool = Field(description="true when an approver accepted its exceptions")
    reasons: list[Reason] = Field(description="header reasons: po_not_found, po_not_open, vendor_mismatch, currency_mismatch")
    subtotal: Dec
    tax_total: Dec
    total: Dec
    created_at: Timestamp
    updated_at: Timestamp
    exported_at: Timestamp | None = Field(description="when it was marked exported to the ERP; null while not")
    export_id: str | None = Field(description="the ERP's id of the booking (mark-exported)")
    export_url: str | None = Field(description="a link to the booking in the ERP")


class Invoice(InvoiceSummary):
    lines: list[InvoiceLine]


class InvoiceList(Out):
    data: list[Invoice]
    meta: ListMeta


class ReceiptLine(Out):
    line_id: int
    identifier: str
    quantity: Dec


class Receipt(Out):
    id: int
    purchase_order_id: int
    received_on: Day
    note: str | None
    received_by: UserRef
    created_at: Timestamp
    lines: list[ReceiptLine]


class ReceiptList(Out):
    data: list[Receipt]
    meta: ListMeta


class ReceiptRecorded(Out):
    receipt: Receipt
    purchase_order: PurchaseOrder


class BatchAccepted(Out):
    batch_id: str
    status: Literal["queued", "running", "completed"]
    total: int


class Batch(Out):
    id: str
    status: Literal["queued", "running", "completed"] = Field(description="completed: every item was tried")
    progress: float = Field(ge=0, le=1)
    total: int
    processed: int
    succeeded: int
    failed: int
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None


class BatchList(Out):
    data: list[Batch]
    meta: ListMeta


class BatchResult(Out):
    index: int
    external_id: str | None
    po_number: str | None
    result: Literal["created", "updated", "failed"]
    purchase_order_id: int | None
    errors: list[ErrorItem]


class BatchResults(Out):
    data: list[BatchResult]
    meta: ListMeta
