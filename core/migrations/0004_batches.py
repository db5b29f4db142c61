"""ERP batches and their items; leases for once-per-deployment jobs; worker heartbeats."""
from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    FloatField,
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

    class Batch(BaseModel):
        id = CharField(max_length=36, primary_key=True)
        status = CharField(max_length=12)
        total = IntegerField()
        processed = IntegerField(default=0)
        succeeded = IntegerField(default=0)
        failed = IntegerField(default=0)
        created_by = ForeignKeyField(AppUser, on_delete="RESTRICT", index=False)
        idempotency_key = CharField(max_length=255, null=True)
        body_hash = CharField(max_length=64)
        chunk_size = IntegerField()
        pause_seconds = FloatField(default=0)
        not_before = DateTimeField(null=True)
        created_at = DateTimeField()
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("status", "created_at"), False),
                (("created_at", "id"), False),
                (("created_by", "idempotency_key"), True),
            )

    class BatchItem(BaseModel):
        id = AutoField()
        batch = ForeignKeyField(Batch, on_delete="CASCADE", index=False)
        index = IntegerField()
        payload = TextField()
        external_id = CharField(max_length=255, null=True)
        po_number = CharField(max_length=255, null=True)
        result = CharField(max_length=10, null=True)
        po = ForeignKeyField(PurchaseOrder, null=True, on_delete="SET NULL")
        errors = TextField(null=True)
        processed_by = CharField(max_length=100, null=True)
        processed_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("batch", "index"), True),
                (("batch", "result", "index"), False),
            )

    class JobLease(BaseModel):
        name = CharField(max_length=64, primary_key=True)
        holder = CharField(max_length=100)
        expires_at = DateTimeField()

    class WorkerHeartbeat(BaseModel):
        name = CharField(max_length=100, primary_key=True)
        last_seen = DateTimeField()

    db.create_tables([Batch, BatchItem, JobLease, WorkerHeartbeat])
