"""Receipts and their lines; invoices, their lines with match results, and invoice line dimensions."""
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


def up(migrator, db):
    class BaseModel(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class AppUser(BaseModel):
        id = AutoField()

        class Meta:
            table_name = "app_user"

    class Vendor(BaseModel):
        id = AutoField()

    class PurchaseOrder(BaseModel):
        id = AutoField()

    class PoLine(BaseModel):
        id = AutoField()

    class Dimension(BaseModel):
        id = AutoField()

    class Receipt(BaseModel):
        id = AutoField()
        po = ForeignKeyField(PurchaseOrder, on_delete="CASCADE")
        received_on = DateField()
        note = TextField(null=True)
        received_by = ForeignKeyField(AppUser, on_delete="RESTRICT")
        created_at = DateTimeField()

    class ReceiptLine(BaseModel):
        id = AutoField()
        receipt = ForeignKeyField(Receipt, on_delete="CASCADE")
        po_line = ForeignKeyField(PoLine, on_delete="CASCADE")
        quantity = BigIntegerField()

    class Invoice(BaseModel):
        id = AutoField()
        vendor = ForeignKeyField(Vendor, on_delete="RESTRICT", index=False)
        invoice_number = CharField(max_length=100)
        number_key = CharField(max_length=100)
        invoice_date = DateField()
        currency = CharField(max_length=3)
        po_number = CharField(max_length=50, null=True, index=True)
        po = ForeignKeyField(PurchaseOrder, null=True, on_delete="RESTRICT")
        match_status = CharField(max_length=12)
        reasons = TextField(null=True)
        override = BooleanField(default=False)
        subtotal = BigIntegerField()
        tax_total = BigIntegerField()
        total = BigIntegerField()
        created_by = ForeignKeyField(AppUser, on_delete="RESTRICT")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            indexes = (
                (("vendor", "number_key"), True),
                (("match_status", "created_at"), False),
                (("created_at", "id"), False),
            )

    class InvoiceLine(BaseModel):
        id = AutoField()
        invoice = ForeignKeyField(Invoice, on_delete="CASCADE", index=False)
        line_no = IntegerField()
        description = CharField(max_length=255)
        sku_code = CharField(max_length=255, null=True)
        po_line_ref = IntegerField(null=True)
        po_line = ForeignKeyField(PoLine, null=True, on_delete="RESTRICT")
        quantity = BigIntegerField()
        unit_price = BigIntegerField()
        tax_rate = BigIntegerField()
        amount = BigIntegerField()
        tax_amount = BigIntegerField()
        match_status = CharField(max_length=12)
        reasons = TextField(null=True)
        counted = BooleanField(default=False)

        class Meta:
            indexes = ((("invoice", "line_no"), True),)

    class InvoiceLineDimension(BaseModel):
        id = AutoField()
        line = ForeignKeyField(InvoiceLine, on_delete="CASCADE", index=False)
        type = CharField(max_length=64)
        dimension = ForeignKeyField(Dimension, on_delete="RESTRICT")
        inherited = BooleanField(default=False)

        class Meta:
            indexes = ((("line", "type"), True),)

    db.create_tables([Receipt, ReceiptLine, Invoice, InvoiceLine, InvoiceLineDimension])
