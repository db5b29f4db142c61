"""Approval rounds: each submission's levels carry the PO's version at submit, and so do the DMs
posted about them (a resubmit replaces the level rows, whose ids SQLite may reuse); a DM also says
whether it was a request or a reminder. Rows from before this migration are round 0."""
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("po_approval", "round", IntegerField(default=0)),
        migrator.add_column("slack_message", "round", IntegerField(default=0)),
        migrator.add_column("slack_message", "kind", CharField(max_length=16, default="request")),
        migrator.add_index("slack_message", ("channel", "ts"), False),  # the rows of one reminder
    )
