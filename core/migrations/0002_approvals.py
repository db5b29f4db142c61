"""Approval levels frozen onto a PO at submit, their approvers, and the PO's current level."""
from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
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

    class PurchaseOrder(BaseModel):
        id = AutoField()

    class PoApproval(BaseModel):
        id = AutoField()
        po = ForeignKeyField(PurchaseOrder, on_delete="CASCADE", index=False)
        level = IntegerField()
        min_total = BigIntegerField()
        decision = CharField(max_length=10, null=True)
        decided_by = ForeignKeyField(AppUser, null=True, on_delete="RESTRICT")
        decided_at = DateTimeField(null=True)
        comment = TextField(null=True)

        class Meta:
            indexes = ((("po", "level"), True),)

    class PoApprover(BaseModel):
        id = AutoField()
        approval = ForeignKeyField(PoApproval, on_delete="CASCADE", index=False)
        user = ForeignKeyField(AppUser, on_delete="RESTRICT")

        class Meta:
            indexes = ((("approval", "user"), True),)

    db.create_tables([PoApproval, PoApprover])
    migrator.migrate(
        migrator.add_column("purchase_order", "approval_level", IntegerField(null=True)),
        migrator.add_index("purchase_order", ("status", "approval_level"), False),
    )
