"""The outbox: messages to Slack, email and webhooks, written with the change and delivered by workers."""
from peewee import AutoField, CharField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class BaseModel(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class OutboxMessage(BaseModel):
        id = AutoField()
        kind = CharField(max_length=32)
        key = CharField(max_length=200, unique=True)
        ordering_key = CharField(max_length=64, null=True)
        payload = TextField()
        status = CharField(max_length=10, default="pending")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        claimed_by = CharField(max_length=100, null=True)
        claimed_until = DateTimeField(null=True)
        last_error = TextField(null=True)
        last_status_code = IntegerField(null=True)
        last_attempt_at = DateTimeField(null=True)
        created_at = DateTimeField()
        delivered_at = DateTimeField(null=True)

        class Meta:
            table_name = "outbox_message"
            indexes = (
                (("status", "next_attempt_at"), False),
                (("ordering_key", "status", "id"), False),
                (("kind", "status"), False),
            )

    db.create_tables([OutboxMessage])
