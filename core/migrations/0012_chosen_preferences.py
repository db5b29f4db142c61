"""Whether each user chose their timezone and locale themselves: Slack's profile fills in only the
ones they did not choose. Existing values came from Slack or the demo, so none counts as chosen."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("app_user", "timezone_chosen", BooleanField(default=False)),
        migrator.add_column("app_user", "locale_chosen", BooleanField(default=False)),
    )
