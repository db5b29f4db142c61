"""Dashboard sign-in: per-user session epochs, failed-attempt throttles, one-time sign-in links."""
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

    class SessionEpoch(BaseModel):
        user = ForeignKeyField(AppUser, primary_key=True, on_delete="CASCADE")
        epoch = CharField(max_length=32)
        changed_at = DateTimeField()

        class Meta:
            table_name = "session_epoch"

    class SignInThrottle(BaseModel):
        key = CharField(max_length=64, primary_key=True)
        failures = IntegerField(default=0)
        window_started_at = DateTimeField()
        locked_until = DateTimeField(null=True)

        class Meta:
            table_name = "sign_in_throttle"
            indexes = ((("window_started_at",), False),)

    class SignInLink(BaseModel):
        id = AutoField()
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = "sign_in_link"

    db.create_tables([SessionEpoch, SignInThrottle, SignInLink])
