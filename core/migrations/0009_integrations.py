"""POs emailed to vendors, webhooks and their deliveries, the accounting export's marks, vendor addresses."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, Model, TextField


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

    class PoEmail(BaseModel):
        id = AutoField()
        po = ForeignKeyField(PurchaseOrder, on_delete="CASCADE", index=False)
        outbox_key = CharField(max_length=200, unique=True)
        recipients = TextField()
        subject = CharField(max_length=255)
        body = TextField()
        document = TextField()
        locale = CharField(max_length=16)
        sent_by = ForeignKeyField(AppUser, on_delete="RESTRICT", index=False)
        queued_at = DateTimeField()
        sent_at = DateTimeField(null=True)

        class Meta:
            table_name = "po_email"
            indexes = ((("po", "id"), False),)

    class Webhook(BaseModel):
        id = AutoField()
        url = TextField()
        events = TextField()
        description = CharField(max_length=255, null=True)
        secret = CharField(max_length=100)
        created_by = ForeignKeyField(AppUser, on_delete="RESTRICT", index=False)
        created_at = DateTimeField()

    class WebhookEvent(BaseModel):
        id = CharField(max_length=40, primary_key=True)
        type = CharField(max_length=32)
        created_at = DateTimeField()
        data = TextField()

    class WebhookDelivery(BaseModel):
        id = AutoField()
        webhook = ForeignKeyField(Webhook, on_delete="CASCADE", index=False)
        event = ForeignKeyField(WebhookEvent, on_delete="CASCADE")
        outbox_key = CharField(max_length=200, unique=True)

        class Meta:
            table_name = "webhook_delivery"
            indexes = ((("webhook", "id"), False),)

    db.create_tables([PoEmail, Webhook, WebhookEvent, WebhookDelivery])
    migrator.migrate(
        migrator.add_column("vendor", "address", TextField(null=True)),
        migrator.add_column("purchase_order", "sent_at", DateTimeField(null=True)),
        migrator.add_column("invoice", "exported_at", DateTimeField(null=True)),
        migrator.add_column("invoice", "export_id", CharField(max_length=255, null=True)),
        migrator.add_column("invoice", "export_url", TextField(null=True)),
        migrator.add_index("invoice", ("exported_at", "created_at"), False),
    )
