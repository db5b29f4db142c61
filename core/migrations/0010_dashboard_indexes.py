"""Indexes for the dashboard's overview at 100k+ POs: approvals waiting (oldest submitted first)
read a range of (status, submitted_at, id) instead of sorting every pending PO; this month's spend
reads a range of approved_at instead of scanning every PO."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("purchase_order", ("status", "submitted_at", "id"), False),
        migrator.add_index("purchase_order", ("approved_at",), False),
    )
