"""Set-based writes: one statement per table whatever the number of rows.

peewee's `insert_many` builds one big parameterised query in Python, which was measured several
times slower than letting the driver do it; `create()` per row much slower still. These helpers
hand the rows to the driver (`executemany` on SQLite, `execute_values` on PostgreSQL) and log one
entry per statement to peewee's query log, so query counts stay honest.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import peewee
from psycopg2.extras import execute_values

from core.db import database, is_postgres
from core.fields import FixedDecimalField, JSONTextField, json_bytes

_PAGE = 1000


def _columns(model: type[peewee.Model], names: Sequence[str]) -> list[peewee.Field]:
    return [model._meta.fields[name] for name in names]


def _converter(field: peewee.Field):
    # Only fields that really convert are asked to: calling db_value on every one of 20,000 values
    # was a large part of writing a batch.
    if isinstance(field, FixedDecimalField):
        return field.db_value
    if isinstance(field, JSONTextField):
        return _json_text
    return None  # foreign keys are given as ids


def _json_text(value: Any) -> str | None:
    # The field's JSON encoded by orjson (the same values; non-ASCII characters unescaped), several
    # times faster: a batch of updates writes a hundred audit changes with every line's old and new values.
    return None if value is None else json_bytes(value).decode()


def _values(fields: list[peewee.Field], rows: list[dict[str, Any]]) -> list[tuple]:
    """The rows as the driver takes them, a tuple each, converted column by column."""
    columns = []
    for field in fields:
        column = [row[field.name] for row in rows]
        convert = _converter(field)
        columns.append(list(map(convert, column)) if convert is not None else column)
    return list(zip(*columns))


def _run(sql: str, params: list, *, returning: bool = False) -> list | None:
    db = database.obj
    db._log_query(sql, f"<{len(params)} rows>")
    with peewee.__exception_wrapper__:
        cursor = db.cursor()
        if is_postgres():  # one multi-row statement per page of rows
            rows = execute_values(cursor, sql, params, page_size=_PAGE, fetch=returning)
            return [r[0] for r in rows] if returning else None
        cursor.executemany(sql, params)
        if returning:
            # Inside the write transaction nobody else inserts, and SQLite gives a table without
            # AUTOINCREMENT the next rowid each time: the rows got the ids just below the last.
            last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
            return list(range(last - len(params) + 1, last + 1))
        return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'  # SQL standard, as SQLite and PostgreSQL both quote


def insert_rows(model: type[peewee.Model], rows: list[dict[str, Any]], *, returning_ids: bool = False,
                columns: Sequence[str] | None = None, skip_duplicates: bool = False) -> list[int] | None:
    """INSERT every row (each a dict of field name → Python value) in one statement: the `columns`
    given, else the first row's; with `returning_ids`, the new rows' ids in the order given; with
    `skip_duplicates`, a row whose unique key is taken is left out (ON CONFLICT DO NOTHING), which
    leaves no ids to return. Must run inside a transaction."""
    if not rows:
        return [] if returning_ids else None
    if returning_ids and skip_duplicates:
        raise ValueError("rows left out have no id: returning_ids and skip_duplicates do not go together")
    names = [n for n in model._meta.sorted_field_names if n in (rows[0] if columns is None else columns)]
    fields = _columns(model, names)
    table = _quote(model._meta.table_name)
    cols = ", ".join(_quote(f.column_name) for f in fields)
    conflicts = " ON CONFLICT DO NOTHING" if skip_duplicates else ""
    if is_postgres():
        suffix = f" RETURNING {_quote(model._meta.primary_key.column_name)}" if returning_ids else ""
        return _run(f"INSERT INTO {table} ({cols}) VALUES %s{conflicts}{suffix}", _values(fields, rows), returning=returning_ids)
    marks = ", ".join("?" for _ in fields)
    return _run(f"INSERT INTO {table} ({cols}) VALUES ({marks}){conflicts}", _values(fields, rows), returning=returning_ids)


def update_rows(model: type[peewee.Model], rows: list[dict[str, Any]], names: Sequence[str]) -> None:
    """UPDATE the `names` columns of each row, matched on its `id`, in one statement."""
    if not rows:
        return
    fields = _columns(model, names)
    pk = model._meta.primary_key
    table = _quote(model._meta.table_name)
    if is_postgres():
        types = database.obj.get_context_options()["field_types"]
        cols = ", ".join(_quote(f.column_name) for f in [pk, *fields])
        sets = ", ".join(
            f"{_quote(f.column_name)} = v.{_quote(f.column_name)}::{types.get(f.field_type, f.field_type)}" for f in fields
        )
        sql = f"UPDATE {table} AS t SET {sets} FROM (VALUES %s) AS v ({cols}) WHERE t.{_quote(pk.column_name)} = v.{_quote(pk.column_name)}"
        _run(sql, _values([pk, *fields], rows))
        return
    sets = ", ".join(f"{_quote(f.column_name)} = ?" for f in fields)
    sql = f"UPDATE {table} SET {sets} WHERE {_quote(pk.column_name)} = ?"
    _run(sql, _values([*fields, pk], rows))


def delete_ids(model: type[peewee.Model], ids: Iterable[int]) -> None:
    """DELETE the rows with these ids in one statement."""
    ids = list(ids)
    if ids:
        model.delete().where(model._meta.primary_key.in_(ids)).execute()
