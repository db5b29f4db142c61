"""Every PO a filter selects, in its order, for an export (the dashboard's CSV): all pages, read
in chunks so that memory stays flat whatever the number of rows."""
from __future__ import annotations

from typing import Any, Iterator

from core.queries import _po_list
from core.queries._filters import PoFilter
from core.queries._purchase_orders import summaries

EXPORT_CAP = 100_000  # rows in one export; a larger selection is refused, to be narrowed by its filters
CHUNK = 1_000


def count_purchase_orders(flt: PoFilter, *, up_to: int = EXPORT_CAP) -> int:
    """How many POs the filter selects (paging ignored), counted exactly up to `up_to` + 1 (one query)."""
    return _po_list.count_up_to(flt, up_to)


def export_purchase_orders(flt: PoFilter, *, limit: int = EXPORT_CAP, chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """The POs the filter selects, in its sort order, ignoring its page: the list's rows, every page.

    Reads `chunk` rows per query (the sort ends in the id, so chunks neither repeat nor skip a row
    while nothing changes); stops after `limit` rows.
    """
    done = 0
    while done < limit:
        size = min(chunk, limit - done)
        found = summaries(_po_list.rows(flt, limit=size, offset=done))
        yield from found
        done += len(found)
        if len(found) < size:
            return
