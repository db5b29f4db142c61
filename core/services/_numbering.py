"""PO numbers from `po_number_format`, taken inside the creating transaction so none is reused."""
from __future__ import annotations

from core.fields import utcnow
from core.models import Counter, PurchaseOrder
from core.services.settings import format_po_number

PO_COUNTER = "po_number"


def _advance(name: str, by: int = 1) -> int:
    # An upsert that increments and returns in one statement: the row lock (PostgreSQL) or the
    # write lock (SQLite) serialises concurrent creators, and a rollback gives the number back.
    query = (
        Counter.insert(name=name, value=by)
        .on_conflict(conflict_target=[Counter.name], update={Counter.value: Counter.value + by})
        .returning(Counter.value)
    )
    return list(query.execute())[0].value


def next_po_numbers(fmt: str, count: int = 1) -> list[str]:
    """`count` unused PO numbers (skipping any a person typed in by hand)."""
    year = utcnow().year
    numbers: list[str] = []
    while len(numbers) < count:
        need = count - len(numbers)
        last = _advance(PO_COUNTER, need)
        candidates = [format_po_number(fmt, seq, year) for seq in range(last - need + 1, last + 1)]
        taken = set(
            PurchaseOrder.select(PurchaseOrder.po_number).where(PurchaseOrder.po_number.in_(candidates)).tuples()
        )
        numbers += [n for n in candidates if (n,) not in taken]
    return numbers


def next_po_number(fmt: str) -> str:
    """The counter's next PO number, unchecked: the caller's insert skips it when it is taken."""
    return format_po_number(fmt, _advance(PO_COUNTER), utcnow().year)
