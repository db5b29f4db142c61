"""The Slack bot's memory: DMs posted per approval level (updated in place later) and handled event ids."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


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

        class Meta:
            table_name = "purchase_order"

    class SlackMessage(BaseModel):
        id = AutoField()
        key = CharField(max_length=200, unique=True)
        po = ForeignKeyField(PurchaseOrder, on_delete="CASCADE", index=False)
        approval_id = IntegerField()
        user = ForeignKeyField(AppUser, on_delete="CASCADE", index=False)
        channel = CharField(max_length=32)
        ts = CharField(max_length=32)
        created_at = DateTimeField()

        class Meta:
            table_name = "slack_message"
            indexes = ((("approval_id", "id"), False), (("po", "id"), False))

    class SlackEvent(BaseModel):
        event_id = CharField(max_length=64, primary_key=True)
        received_at = DateTimeField(index=True)

        class Meta:
            table_name = "slack_event"

    db.create_tables([SlackMessage, SlackEvent])
