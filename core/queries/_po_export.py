"""Every PO a filter selects, in its order, for an export (the dashboard's CSV): all pages, read
in chunks so that memory stays flat whatever the number of rows."""
from __future__ import annotations

from typing import Any, Iterator

from core.models import PurchaseOrder
from core.queries._filters import PoFilter
from core.queries._purchase_orders import _filters, _header, _order, _rows, _where
from core.services.settings import get_settings

EXPORT_CAP = 100_000  # rows in one export; a larger selection is refused, to be narrowed by its filters
CHUNK = 1_000


def count_purchase_orders(flt: PoFilter) -> int:
    """How many POs the filter selects (paging ignored; one query)."""
    return _where(PurchaseOrder.select(), _filters(flt)).count()


def export_purchase_orders(flt: PoFilter, *, limit: int = EXPORT_CAP, chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """The POs the filter selects, in its sort order, ignoring its page: the list's rows, every page.

    Reads `chunk` rows per query (the sort ends in the id, so chunks neither repeat nor skip a row
    while nothing changes); stops after `limit` rows.
    """
    conds, order = _filters(flt), _order(list(flt.sort))
    base = get_settings().base_currency
    done = 0
    while done < limit:
        size = min(chunk, limit - done)
        rows = list(_where(_rows(), conds).order_by(*order).limit(size).offset(done))
        for row in rows:
            yield _header(row, base)
        done += len(rows)
        if len(rows) < size:
            return
