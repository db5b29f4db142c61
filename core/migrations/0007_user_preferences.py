"""Each user's timezone and locale, for dates and money shown to them (learned from Slack when linked)."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("app_user", "timezone", CharField(max_length=64, null=True)),
        migrator.add_column("app_user", "locale", CharField(max_length=16, null=True)),
    )
