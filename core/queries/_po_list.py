"""A page of PO summaries, fast at a million POs.

The list is the hottest read there is, and at 1M POs its SQL runs in well under a millisecond, so
what is left is Python: peewee rebuilding the same statement's text on every request and turning
each row into a model-shaped dict were most of a request. So the statement is written here from
the filter's values (a fixed shape per set of filters given, cached), rows come back as tuples and
only the dates and amounts are converted.

A page is chosen on the indexes alone (filters, sort, LIMIT/OFFSET over `SELECT id`): a deep page
walks a covering index, and only the page's rows are then read and joined to their requester.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from peewee import DateField, DateTimeField

from core.db import database, is_postgres
from core.fields import FixedDecimalField
from core.models import PurchaseOrder
from core.queries._counting import counted
from core.queries._filters import CHOICES, PoFilter

NULLABLE_SORTS = ("delivery_date", "vendor_name")
_FIELDS = PurchaseOrder._meta.sorted_fields
_NAMES = [f.name for f in _FIELDS] + ["requester_name", "line_count", "base_currency"]


def _converter(field):
    """The function turning this column's value as the driver returns it into the model's value."""
    if isinstance(field, (DateTimeField, DateField)):
        # SQLite returns the ISO text dates were stored as; the C parser is several times faster than
        # peewee's format-by-format strptime, and every row has six of them.
        parse = dt.datetime.fromisoformat if isinstance(field, DateTimeField) else dt.date.fromisoformat
        return lambda value: parse(value) if isinstance(value, str) else value
    return field.python_value


_CONVERT = [(i, _converter(f)) for i, f in enumerate(_FIELDS) if isinstance(f, (DateField, DateTimeField, FixedDecimalField))]
_COLUMNS = ", ".join(f't1."{f.column_name}"' for f in _FIELDS)
_TEXT = ("po_number", "description", "vendor_name")  # what `q` searches


def page(flt: PoFilter) -> tuple[list[dict[str, Any]], int, bool]:
    """The page's PO rows (dicts keyed like the model's fields, plus requester_name, line_count and
    the stored base_currency setting), and the filter's total with whether it is exact."""
    paging = flt.paging
    found = rows(flt, limit=paging.per_page, offset=paging.offset)
    total, exact = counted(*_count_statement(flt))
    return found, total, exact


def rows(flt: PoFilter, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """`limit` rows the filter selects from `offset` on, in its order (its own page ignored; an export reads on)."""
    postgres = is_postgres()
    where, params = _where(flt, "%s" if postgres else "?", postgres)
    rows_sql, _ = _statements(where, flt.sort, postgres)
    return [_dict(row) for row in database.execute_sql(rows_sql, [*params, limit, offset]).fetchall()]


def count_up_to(flt: PoFilter, most: int) -> int:
    """How many POs the filter selects, counted exactly up to `most` + 1 (enough to know "more than `most`")."""
    count_sql, params = _count_statement(flt)
    return database.execute_sql(f'SELECT COUNT(1) FROM ({count_sql} LIMIT {int(most) + 1}) AS "_wrapped"', params).fetchone()[0]


def _count_statement(flt: PoFilter) -> tuple[str, list]:
    postgres = is_postgres()
    where, params = _where(flt, "%s" if postgres else "?", postgres)
    return _statements(where, flt.sort, postgres)[1], params


def _dict(row: tuple) -> dict[str, Any]:
    values = list(row)
    for i, convert in _CONVERT:
        values[i] = convert(values[i])
    return dict(zip(_NAMES, values))


def _where(flt: PoFilter, mark: str, postgres: bool) -> tuple[str, list]:
    """The WHERE text (its shape depends only on which filters are given, and how many values each
    has) and its parameters."""
    parts: list[str] = []
    params: list[Any] = []

    def one_of(column: str, values) -> None:
        parts.append(f'"{column}" IN ({", ".join([mark] * len(values))})')
        params.extend(values)

    def compare(field, op: str, value) -> None:
        if value is not None:
            parts.append(f'"{field.column_name}" {op} {mark}')
            params.append(field.db_value(value))

    for name in CHOICES:
        if chosen := getattr(flt, name):
            one_of(name, chosen)
    if flt.vendor_id:
        one_of("vendor_id", flt.vendor_id)
    if flt.requested_by:
        one_of("requested_by_id", flt.requested_by)
    compare(PurchaseOrder.po_date, ">=", flt.po_date_from)
    compare(PurchaseOrder.po_date, "<=", flt.po_date_to)
    compare(PurchaseOrder.total, ">=", flt.min_total)
    compare(PurchaseOrder.total, "<=", flt.max_total)
    compare(PurchaseOrder.external_id, "=", flt.external_id)
    if flt.q is not None:
        # Case-insensitive substring: ILIKE on PostgreSQL; on SQLite both sides folded the way
        # Python folds them (core.db registers casefold), since SQLite's own LIKE folds ASCII only.
        text = flt.q if postgres else flt.q.casefold()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        like = '"{}" ILIKE {} ESCAPE \'\\\'' if postgres else 'casefold("{}") LIKE {} ESCAPE \'\\\''
        parts.append("(" + " OR ".join(like.format(column, mark) for column in _TEXT) + ")")
        params.extend([pattern] * len(_TEXT))
    return " AND ".join(parts), params


@lru_cache(maxsize=1024)
def _statements(where: str, sort: tuple[tuple[str, bool], ...], postgres: bool) -> tuple[str, str]:
    """(the page's rows, the SELECT whose rows the total counts) for one shape of filter and sort."""
    mark = "%s" if postgres else "?"
    condition = f" WHERE {where}" if where else ""
    page_ids = (f'SELECT t4."id" FROM "purchase_order" AS t4{condition} ORDER BY {_order(sort, "t4")} '
                f"LIMIT {mark} OFFSET {mark}")
    # The base currency rides along as a column (the stored JSON text): no statement of its own.
    rows = (f'SELECT {_COLUMNS}, t2."name", (SELECT COUNT(*) FROM "po_line" AS t3 WHERE t3."po_id" = t1."id"), '
            f'(SELECT t5."value" FROM "setting" AS t5 WHERE t5."key" = \'base_currency\') '
            f'FROM "purchase_order" AS t1 INNER JOIN "app_user" AS t2 ON t1."requested_by_id" = t2."id" '
            f'WHERE t1."id" IN ({page_ids}) ORDER BY {_order(sort, "t1")}')
    return rows, f'SELECT 1 FROM "purchase_order"{condition}'


def _order(sort: tuple[tuple[str, bool], ...], alias: str) -> str:
    """ORDER BY terms ending in id, the tie-breaker, in the last key's direction; a missing value
    sorts as the largest on either database (the indexes are ASC NULLS LAST, walked either way)."""
    terms = []
    for name, desc in sort:
        term = f'{alias}."{name}" {"DESC" if desc else "ASC"}'
        if name in NULLABLE_SORTS:
            term += " NULLS FIRST" if desc else " NULLS LAST"
        terms.append(term)
    last_desc = sort[-1][1] if sort else True
    terms.append(f'{alias}."id" {"DESC" if last_desc else "ASC"}')
    return ", ".join(terms)
