"""Two indexes the PO list needs at a million POs.

(vendor_id, status, created_at, id): a vendor's POs in one status, newest first, and their count,
read from the index alone (counting "vendor 17, approved" went through 5,000 rows and a bitmap of
375,000 before). (status, id): sorting by status, ties by id, without sorting every row.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("purchase_order", ("vendor_id", "status", "created_at", "id"), False),
        migrator.add_index("purchase_order", ("status", "id"), False),
    )
