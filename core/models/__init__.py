"""The tables (peewee models). Schema changes go through core/migrations, never create_tables()."""
from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from core.models.base import BaseModel
from core.fields import FixedDecimalField, IdField, JSONTextField, utcnow
from core.types import (
    AMOUNT_PLACES,
    EXCHANGE_RATE_PLACES,
    PERCENT_PLACES,
    QUANTITY_PLACES,
    RATE_PLACES,
)


class User(BaseModel):
    id = IdField()
    name = CharField(max_length=255)
    email = CharField(max_length=320, unique=True)  # stored lower-case
    role = CharField(max_length=16)
    slack_id = CharField(max_length=32, null=True, unique=True)
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    timezone = CharField(max_length=64, null=True)  # IANA name ("Asia/Kolkata"); UTC when unknown
    locale = CharField(max_length=16, null=True)  # babel locale ("en_IN"); the deployment's default when unknown
    # The person chose it themselves (dashboard or CLI): Slack's profile no longer replaces it.
    timezone_chosen = BooleanField(default=False)
    locale_chosen = BooleanField(default=False)

    class Meta:
        table_name = "app_user"  # "user" is reserved in PostgreSQL


class ApiKey(BaseModel):
    id = IdField()
    user = ForeignKeyField(User, backref="api_keys", on_delete="CASCADE")
    prefix = CharField(max_length=16)  # shown to people so they can tell keys apart
    key_hash = CharField(max_length=64, unique=True)  # sha256 of the whole key
    name = CharField(max_length=100, null=True)
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)


class Vendor(BaseModel):
    id = IdField()
    name = CharField(max_length=255, index=True)
    external_id = CharField(max_length=100, null=True, unique=True)
    email = CharField(max_length=320, null=True)
    gstin = CharField(max_length=15, null=True)
    currency = CharField(max_length=3, null=True)
    payment_terms = TextField(null=True)
    address = TextField(null=True)  # printed on the PO PDF
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Sku(BaseModel):
    id = IdField()
    code = CharField(max_length=64, unique=True)
    name = CharField(max_length=255)
    name_key = CharField(max_length=255, unique=True)  # lower-cased name: unique ignoring case
    unit = CharField(max_length=32, null=True)
    default_rate = FixedDecimalField(RATE_PLACES, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Dimension(BaseModel):
    id = IdField()
    type = CharField(max_length=64)
    erp_dimension_id = CharField(max_length=100)
    name = CharField(max_length=255)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("type", "erp_dimension_id"), True),)


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = JSONTextField()


class Counter(BaseModel):
    """Named sequences (PO numbers) advanced inside the writing transaction, so never reused."""

    name = CharField(max_length=64, primary_key=True)
    value = BigIntegerField(default=0)


class PurchaseOrder(BaseModel):
    id = IdField()
    po_number = CharField(max_length=50, unique=True)
    external_id = CharField(max_length=100, null=True, unique=True)
    status = CharField(max_length=20)
    receipt_status = CharField(max_length=20, index=True)
    billing_status = CharField(max_length=20, index=True)
    match_status = CharField(max_length=20, index=True)
    po_type = CharField(max_length=10, index=True)
    matching = CharField(max_length=10, index=True)
    vendor = ForeignKeyField(
        Vendor, null=True, backref="purchase_orders", on_delete="RESTRICT", index=False
    )
    vendor_name = CharField(max_length=255, null=True)  # copy of the vendor's, for sort and search
    po_date = DateField()
    delivery_date = DateField(null=True)
    currency = CharField(max_length=3)
    exchange_rate = FixedDecimalField(EXCHANGE_RATE_PLACES)
    gstin = CharField(max_length=15, null=True)
    description = CharField(max_length=255, null=True)
    payment_terms = TextField(null=True)
    terms_and_conditions = TextField(null=True)
    notes = TextField(null=True)
    subtotal = FixedDecimalField(AMOUNT_PLACES)
    tax_total = FixedDecimalField(AMOUNT_PLACES)
    total = FixedDecimalField(AMOUNT_PLACES)
    total_base = FixedDecimalField(AMOUNT_PLACES)
    requested_by = ForeignKeyField(
        User, backref="purchase_orders", on_delete="RESTRICT", index=False
    )
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_at = DateTimeField(null=True)
    approved_at = DateTimeField(null=True)
    approval_level = IntegerField(null=True)  # the level waiting for a decision while pending_approval
    sent_at = DateTimeField(null=True)  # when an email of it first reached the mail server

    class Meta:
        # Every filter and sort of GET /purchase-orders has an index ending in id, the tie-breaker.
        indexes = (
            (("created_at", "id"), False),
            (("status", "created_at", "id"), False),
                        (("po_date", "id"), False),
            (("delivery_date", "id"), False),
            (("total", "id"), False),
            (("vendor_name", "id"), False),
            (("vendor", "created_at", "id"), False),
            (("vendor", "status", "created_at", "id"), False),
            (("status", "id"), False),
            (("requested_by", "status"), False),
            (("status", "approval_level"), False),
            (("status", "submitted_at", "id"), False),  # approvals waiting, oldest first (0010)
            (("approved_at",), False),  # spend by month (0010)
        )


class PoLine(BaseModel):
    id = IdField()
    po = ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    line_no = IntegerField()
    identifier = CharField(max_length=255)
    sku = ForeignKeyField(Sku, null=True, on_delete="RESTRICT")
    requested_sku_code = CharField(max_length=255, null=True)  # as given, when it did not resolve
    requested_sku_name = CharField(max_length=255, null=True)
    quantity = FixedDecimalField(QUANTITY_PLACES)
    rate = FixedDecimalField(RATE_PLACES)
    tax_rate = FixedDecimalField(PERCENT_PLACES, default=0)
    amount = FixedDecimalField(AMOUNT_PLACES)
    tax_amount = FixedDecimalField(AMOUNT_PLACES)
    quantity_received = FixedDecimalField(QUANTITY_PLACES, default=0)
    quantity_billed = FixedDecimalField(QUANTITY_PLACES, default=0)

    class Meta:
        indexes = (
            (("po", "identifier"), True),
            (("po", "line_no"), False),
        )


class LineDimension(BaseModel):
    id = IdField()
    line = ForeignKeyField(PoLine, backref="dimensions", on_delete="CASCADE")
    type = CharField(max_length=64)
    dimension = ForeignKeyField(Dimension, on_delete="RESTRICT")

    class Meta:
        indexes = ((("line", "type"), True),)


class PoApproval(BaseModel):
    """One approval level frozen onto a PO at submit, and its decision."""

    id = IdField()
    po = ForeignKeyField(PurchaseOrder, backref="approvals", on_delete="CASCADE", index=False)
    level = IntegerField()
    # The submission these levels belong to: the PO's version when it was submitted. A resubmit
    # replaces the rows (and SQLite may hand out the same ids again); the round tells them apart.
    round = IntegerField(default=0)
    min_total = FixedDecimalField(AMOUNT_PLACES)
    decision = CharField(max_length=10, null=True)  # approved | rejected
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    comment = TextField(null=True)

    class Meta:
        indexes = ((("po", "level"), True),)


class PoApprover(BaseModel):
    """Who may decide a level (a role in the policy is expanded to its users at submit)."""

    id = IdField()
    approval = ForeignKeyField(PoApproval, backref="approvers", on_delete="CASCADE", index=False)
    user = ForeignKeyField(User, on_delete="RESTRICT")

    class Meta:
        indexes = ((("approval", "user"), True),)


class Receipt(BaseModel):
    """Goods received against a PO (three-way matching)."""

    id = IdField()
    po = ForeignKeyField(PurchaseOrder, backref="receipts", on_delete="CASCADE")
    received_on = DateField()
    note = TextField(null=True)
    received_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class ReceiptLine(BaseModel):
    id = IdField()
    receipt = ForeignKeyField(Receipt, backref="lines", on_delete="CASCADE")
    po_line = ForeignKeyField(PoLine, on_delete="CASCADE")
    quantity = FixedDecimalField(QUANTITY_PLACES)


class Invoice(BaseModel):
    """A vendor's invoice and how it matched its PO."""

    id = IdField()
    vendor = ForeignKeyField(Vendor, on_delete="RESTRICT", index=False)
    invoice_number = CharField(max_length=100)
    number_key = CharField(max_length=100)  # upper-cased, trimmed: duplicates are found whatever the case
    invoice_date = DateField()
    currency = CharField(max_length=3)
    po_number = CharField(max_length=50, null=True, index=True)  # as given
    po = ForeignKeyField(PurchaseOrder, null=True, backref="invoices", on_delete="RESTRICT")
    match_status = CharField(max_length=12)  # matched | exception | unmatched
    reasons = JSONTextField(null=True)  # header reasons [{code, expected, actual}]
    override = BooleanField(default=False)  # exceptions accepted by an approver
    subtotal = FixedDecimalField(AMOUNT_PLACES)
    tax_total = FixedDecimalField(AMOUNT_PLACES)
    total = FixedDecimalField(AMOUNT_PLACES)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    exported_at = DateTimeField(null=True)  # booked in the ERP (mark-exported); null until then
    export_id = CharField(max_length=255, null=True)
    export_url = TextField(null=True)

    class Meta:
        indexes = (
            (("vendor", "number_key"), True),
            (("exported_at", "created_at"), False),
            (("match_status", "created_at"), False),
            (("created_at", "id"), False),
        )


class InvoiceLine(BaseModel):
    id = IdField()
    invoice = ForeignKeyField(Invoice, backref="lines", on_delete="CASCADE", index=False)
    line_no = IntegerField()
    description = CharField(max_length=255)
    sku_code = CharField(max_length=255, null=True)
    po_line_ref = IntegerField(null=True)  # the po_line_id the invoice gave, as given
    po_line = ForeignKeyField(PoLine, null=True, on_delete="RESTRICT")  # the line it was paired with
    quantity = FixedDecimalField(QUANTITY_PLACES)
    unit_price = FixedDecimalField(RATE_PLACES)
    tax_rate = FixedDecimalField(PERCENT_PLACES)
    amount = FixedDecimalField(AMOUNT_PLACES)
    tax_amount = FixedDecimalField(AMOUNT_PLACES)
    match_status = CharField(max_length=12)
    reasons = JSONTextField(null=True)
    counted = BooleanField(default=False)  # its quantity is in the PO line's quantity_billed

    class Meta:
        indexes = ((("invoice", "line_no"), True),)


class InvoiceLineDimension(BaseModel):
    id = IdField()
    line = ForeignKeyField(InvoiceLine, backref="dimensions", on_delete="CASCADE", index=False)
    type = CharField(max_length=64)
    dimension = ForeignKeyField(Dimension, on_delete="RESTRICT")
    inherited = BooleanField(default=False)  # copied from the matched PO line

    class Meta:
        indexes = ((("line", "type"), True),)


class Batch(BaseModel):
    """An ERP bulk upsert: stored whole before 202 is answered, then worked off in chunks."""

    id = CharField(max_length=36, primary_key=True)
    status = CharField(max_length=12)  # queued | running | completed
    total = IntegerField()
    processed = IntegerField(default=0)
    succeeded = IntegerField(default=0)
    failed = IntegerField(default=0)
    created_by = ForeignKeyField(User, on_delete="RESTRICT", index=False)
    idempotency_key = CharField(max_length=255, null=True)
    body_hash = CharField(max_length=64)
    chunk_size = IntegerField()
    pause_seconds = FloatField(default=0)  # between chunks (0 in production; the demo's watchable batch)
    not_before = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "created_at"), False),
            (("created_at", "id"), False),
            (("created_by", "idempotency_key"), True),  # a key is reused only after 24 h, when it is cleared
        )


class BatchItem(BaseModel):
    id = IdField()
    batch = ForeignKeyField(Batch, backref="items", on_delete="CASCADE", index=False)
    index = IntegerField()
    payload = TextField()  # the item as sent (JSON)
    external_id = CharField(max_length=255, null=True)
    po_number = CharField(max_length=255, null=True)
    result = CharField(max_length=10, null=True)  # created | updated | failed; null until tried
    po = ForeignKeyField(PurchaseOrder, null=True, on_delete="SET NULL")
    errors = JSONTextField(null=True)
    processed_by = CharField(max_length=100, null=True)
    processed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("batch", "index"), True),
            (("batch", "result", "index"), False),
        )


class JobLease(BaseModel):
    """Who may run a once-per-deployment job until when."""

    name = CharField(max_length=64, primary_key=True)
    holder = CharField(max_length=100)
    expires_at = DateTimeField()


class WorkerHeartbeat(BaseModel):
    name = CharField(max_length=100, primary_key=True)
    last_seen = DateTimeField()


class AuditEvent(BaseModel):
    """Who did what to which object, when; never updated, never deleted."""

    id = IdField()
    entity_type = CharField(max_length=32)
    entity_id = BigIntegerField()
    action = CharField(max_length=40)
    actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)
    changes = JSONTextField(null=True)
    comment = TextField(null=True)

    class Meta:
        indexes = ((("entity_type", "entity_id", "id"), False),)


# Tables of later features live in their own modules of this package; importing them here
# registers them, and ALL_MODELS (every table, for tests that empty the database) finds them.
from core.models.outbox import *  # noqa: E402,F401,F403
from core.models.auth import *  # noqa: E402,F401,F403
from core.models.slack import *  # noqa: E402,F401,F403
from core.models.integrations import *  # noqa: E402,F401,F403


def _all_models() -> tuple[type[BaseModel], ...]:
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop(0)
        found.append(model)
        todo.extend(model.__subclasses__())
    return tuple(found)


ALL_MODELS = _all_models()
