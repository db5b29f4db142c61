"""Initial schema: users, API keys, reference data, purchase orders and lines, settings, audit."""
import datetime

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    # A frozen copy of the models as they were when this migration was written: later model
    # changes arrive as later migrations, never by editing this one.
    class BaseModel(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(BaseModel):
        id = AutoField()
        name = CharField(max_length=255)
        email = CharField(max_length=320, unique=True)  # stored lower-case
        role = CharField(max_length=16)
        slack_id = CharField(max_length=32, null=True, unique=True)
        password_hash = CharField(max_length=255, null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "app_user"

    class ApiKey(BaseModel):
        id = AutoField()
        user = ForeignKeyField(User, backref="api_keys", on_delete="CASCADE")
        prefix = CharField(max_length=16)  # shown to people so they can tell keys apart
        key_hash = CharField(max_length=64, unique=True)  # sha256 of the whole key
        name = CharField(max_length=100, null=True)
        created_at = DateTimeField(default=_now)
        revoked_at = DateTimeField(null=True)

    class Vendor(BaseModel):
        id = AutoField()
        name = CharField(max_length=255, index=True)
        external_id = CharField(max_length=100, null=True, unique=True)
        email = CharField(max_length=320, null=True)
        gstin = CharField(max_length=15, null=True)
        currency = CharField(max_length=3, null=True)
        payment_terms = TextField(null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)

    class Sku(BaseModel):
        id = AutoField()
        code = CharField(max_length=64, unique=True)
        name = CharField(max_length=255)
        name_key = CharField(max_length=255, unique=True)  # lower-cased name: unique ignoring case
        unit = CharField(max_length=32, null=True)
        default_rate = BigIntegerField(null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)

    class Dimension(BaseModel):
        id = AutoField()
        type = CharField(max_length=64)
        erp_dimension_id = CharField(max_length=100)
        name = CharField(max_length=255)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("type", "erp_dimension_id"), True),)

    class Setting(BaseModel):
        key = CharField(max_length=64, primary_key=True)
        value = TextField()

    class Counter(BaseModel):
        name = CharField(max_length=64, primary_key=True)
        value = BigIntegerField(default=0)

    class PurchaseOrder(BaseModel):
        id = AutoField()
        po_number = CharField(max_length=50, unique=True)
        external_id = CharField(max_length=100, null=True, unique=True)
        status = CharField(max_length=20)
        receipt_status = CharField(max_length=20, index=True)
        billing_status = CharField(max_length=20, index=True)
        match_status = CharField(max_length=20, index=True)
        po_type = CharField(max_length=10, index=True)
        matching = CharField(max_length=10, index=True)
        vendor = ForeignKeyField(Vendor, null=True, on_delete="RESTRICT", index=False)
        vendor_name = CharField(max_length=255, null=True)
        po_date = DateField()
        delivery_date = DateField(null=True)
        currency = CharField(max_length=3)
        exchange_rate = BigIntegerField()
        gstin = CharField(max_length=15, null=True)
        description = CharField(max_length=255, null=True)
        payment_terms = TextField(null=True)
        terms_and_conditions = TextField(null=True)
        notes = TextField(null=True)
        subtotal = BigIntegerField()
        tax_total = BigIntegerField()
        total = BigIntegerField()
        total_base = BigIntegerField()
        requested_by = ForeignKeyField(User, on_delete="RESTRICT", index=False)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)
        submitted_at = DateTimeField(null=True)
        approved_at = DateTimeField(null=True)

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
                (("requested_by", "status"), False),
            )

    class PoLine(BaseModel):
        id = AutoField()
        po = ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
        line_no = IntegerField()
        identifier = CharField(max_length=255)
        sku = ForeignKeyField(Sku, null=True, on_delete="RESTRICT")
        requested_sku_code = CharField(max_length=255, null=True)  # as given, when it did not resolve
        requested_sku_name = CharField(max_length=255, null=True)
        quantity = BigIntegerField()
        rate = BigIntegerField()
        tax_rate = BigIntegerField(default=0)
        amount = BigIntegerField()
        tax_amount = BigIntegerField()
        quantity_received = BigIntegerField(default=0)
        quantity_billed = BigIntegerField(default=0)

        class Meta:
            indexes = (
                (("po", "identifier"), True),
                (("po", "line_no"), False),
            )

    class LineDimension(BaseModel):
        id = AutoField()
        line = ForeignKeyField(PoLine, backref="dimensions", on_delete="CASCADE")
        type = CharField(max_length=64)
        dimension = ForeignKeyField(Dimension, on_delete="RESTRICT")

        class Meta:
            indexes = ((("line", "type"), True),)

    class AuditEvent(BaseModel):
        id = AutoField()
        entity_type = CharField(max_length=32)
        entity_id = BigIntegerField()
        action = CharField(max_length=40)
        actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        at = DateTimeField(default=_now)
        changes = TextField(null=True)
        comment = TextField(null=True)

        class Meta:
            indexes = ((("entity_type", "entity_id", "id"), False),)

    db.create_tables(
        [User, ApiKey, Vendor, Sku, Dimension, Setting, Counter, PurchaseOrder, PoLine,
         LineDimension, AuditEvent]
    )
