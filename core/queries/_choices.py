"""Short lists a face offers to choose from (a filter's options), as plain pairs in one query."""
from __future__ import annotations

from core.models import Vendor


def vendor_choices(*, limit: int = 200) -> list[tuple[int, str]]:
    """(id, name) of vendors by name, at most `limit` (one query, no count: a select box needs no more)."""
    return list(Vendor.select(Vendor.id, Vendor.name).order_by(Vendor.name, Vendor.id).limit(limit).tuples())
