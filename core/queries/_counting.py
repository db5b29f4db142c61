"""How many rows a list matches, without counting millions: exact up to 10,000, an estimate beyond.

A COUNT(*) over a million matching rows reads a million index entries on every page request; it
was most of a list's time at 1M POs. So every list counts over a subquery bounded at 10,001 rows:
up to 10,000 the total is exact (`total_exact`); past that, only "more than 10,000" is known, and
the total becomes an estimate:

- PostgreSQL: the planner's row estimate for the filtered query (EXPLAIN, no rows read), never
  below the 10,001 just counted.
- SQLite: 10,001 itself, a lower bound. SQLite has no planner estimate to ask; `sqlite_stat1`
  exists only after ANALYZE and holds average rows per index prefix, not per value, so a filtered
  "estimate" built from it would be a guess (status=approved as 1/6 of the rows when it is 3/8)
  dressed up as a number. A count maintained per status was the other option; it would make every
  status-changing write update one hot row (on PostgreSQL, every creator and approver queueing on
  that row's lock) to serve only status filters. "More than 10,000" is true and costs nothing.
"""
from __future__ import annotations

from typing import Any

from core.db import database, is_postgres

EXACT_UP_TO = 10_000


def total(query) -> tuple[int, bool]:
    """(rows the peewee `query` matches, whether that is exact): exact up to EXACT_UP_TO, else an estimate."""
    bounded = query.order_by().limit(EXACT_UP_TO + 1).count()
    if bounded <= EXACT_UP_TO:
        return bounded, True
    return max(bounded, _estimate(*query.order_by().sql())), False


def counted(select_sql: str, params: list) -> tuple[int, bool]:
    """`total` of a `SELECT 1 FROM … WHERE …` statement written by hand."""
    bounded = database.execute_sql(f'SELECT COUNT(1) FROM ({select_sql} LIMIT {EXACT_UP_TO + 1}) AS "_wrapped"', params).fetchone()[0]
    if bounded <= EXACT_UP_TO:
        return bounded, True
    return max(bounded, _estimate(select_sql, params)), False


def _estimate(sql: str, params: list) -> int:
    """The planner's guess of the rows a SELECT returns (PostgreSQL; no rows are read), else 0."""
    if not is_postgres():
        return 0
    plan: Any = database.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])
