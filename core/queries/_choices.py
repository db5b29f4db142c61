"""Short lists a face offers to choose from (a filter's options), as plain pairs in one query."""
from __future__ import annotations

from core.db import Prepared
from core.models import Vendor

CHOICES_LIMIT = 200
# The PO list's vendor select on every page view: its SQL is written once (core.db.Prepared).
_VENDORS = Prepared(lambda: Vendor.select(Vendor.id, Vendor.name).order_by(Vendor.name, Vendor.id).limit(CHOICES_LIMIT).tuples())


def vendor_choices() -> list[tuple[int, str]]:
    """(id, name) of vendors by name, at most CHOICES_LIMIT (one query, no count: a select box needs no more)."""
    return list(_VENDORS.rows())
