"""Parsing list query strings (filters, sorts, paging) into plain values, or a 400 naming the parameter."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from peewee import fn

from core.db import is_postgres
from core.errors import Problem, ValidationFailed
from core.money import decimal_places
from core.queries._counting import total as count_total
from core.types import AMOUNT_PLACES, DECIMAL_STRING

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
_INT = re.compile(r"^\d{1,10}$")
MAX_ID = 2**31 - 1
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Args = Mapping[str, Sequence[str]]  # every value of each query parameter, as given


def contains(field, text: str):
    """`field` contains `text`, ignoring case (Unicode too: SQLite folds through Python's casefold)."""
    if is_postgres():
        return field.contains(text)  # ILIKE
    return fn.casefold(field).contains(text.casefold())


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def meta(self, total: int, exact: bool = True) -> dict[str, int | bool]:
        """The list's meta for a total the caller knows."""
        return {"page": self.page, "per_page": self.per_page, "total": total, "total_exact": exact}

    def meta_of(self, query) -> dict[str, int | bool]:
        """The list's meta, counting the rows `query` matches (exact up to 10,000, else an estimate)."""
        return self.meta(*count_total(query))


class Reader:
    """Reads one list request's parameters, collecting every problem before raising."""

    def __init__(self, args: Args, allowed: Iterable[str]):
        self.args = args
        self.problems: list[Problem] = []
        known = set(allowed) | {"page", "per_page"}
        for name in args:
            if name not in known:
                self._bad("unknown_field", name, f"unknown query parameter {name!r} (known: {', '.join(sorted(known))})")

    def _bad(self, code: str, name: str, detail: str) -> None:
        self.problems.append(Problem(code, f"{name}: {detail}" if not detail.startswith("unknown query") else detail))

    def _blank(self, name: str) -> None:
        self._bad("invalid_value", name, "is empty; give a value or leave the parameter out")

    def values(self, name: str) -> list[str]:
        """Every value given, repeated or comma-separated (an empty one is a bad value, not an absent one)."""
        found = [v.strip() for raw in self.args.get(name, ()) for v in raw.split(",")]
        if any(not v for v in found):
            self._blank(name)
        return [v for v in found if v]

    def one(self, name: str) -> str | None:
        given = self.args.get(name) or ()
        if len(given) > 1:
            self._bad("invalid_value", name, "give this parameter once")
        if given and not given[0].strip():
            self._blank(name)
        return given[0].strip() if given and given[0].strip() else None

    def choices(self, name: str, allowed: Iterable[str]) -> list[str]:
        allowed = list(allowed)
        found = self.values(name)
        for value in found:
            if value not in allowed:
                self._bad("invalid_value", name, f"{value!r} is not one of {', '.join(allowed)}")
        return [v for v in found if v in allowed]

    def ints(self, name: str) -> list[int]:
        found = self.values(name)
        for value in found:
            if not _INT.match(value) or not 1 <= int(value) <= MAX_ID:
                self._bad("invalid_value", name, f"{value!r} is not a positive integer id")
        return [int(v) for v in found if _INT.match(v) and 1 <= int(v) <= MAX_ID]

    def date(self, name: str) -> dt.date | None:
        value = self.one(name)
        if value is None:
            return None
        try:
            if not _DATE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self._bad("invalid_date", name, f"{value!r} is not a date YYYY-MM-DD")
            return None

    def decimal(self, name: str) -> Decimal | None:
        value = self.one(name)
        if value is None:
            return None
        value = self.args[name][0]  # as given: " 10 " is no more a number here than in a body
        number = Decimal(value) if DECIMAL_STRING.fullmatch(value) else None
        if number is None or number < 0 or number >= Decimal(10) ** 14:
            self._bad("invalid_value", name, f"{value!r} is not a non-negative amount")
            return None
        if decimal_places(number) > AMOUNT_PLACES:
            self._bad("invalid_value", name, f"{value!r} has more than {AMOUNT_PLACES} decimal places")
            return None
        return number

    def boolean(self, name: str) -> bool | None:
        value = self.one(name)
        if value is None:
            return None
        if value.lower() not in ("true", "false", "1", "0"):
            self._bad("invalid_value", name, f"{value!r} is not true or false")
            return None
        return value.lower() in ("true", "1")

    def text(self, name: str, max_len: int = 200) -> str | None:
        value = self.one(name)
        if value is not None and len(value) > max_len:
            self._bad("invalid_value", name, f"at most {max_len} characters")
            return None
        return value

    def sort(self, allowed: Iterable[str], default: str) -> list[tuple[str, bool]]:
        """[(key, descending)] from `sort=-created_at,po_number`."""
        allowed = list(allowed)
        keys = self.values("sort") or [default]
        out = []
        for key in keys:
            name = key[1:] if key.startswith("-") else key
            if name not in allowed:
                self._bad("invalid_value", "sort", f"{name!r} is not sortable; use {', '.join(allowed)} (prefix - for descending)")
            else:
                out.append((name, key.startswith("-")))
        return out

    def paging(self) -> Paging:
        page = self._positive("page", 1, None)
        per_page = self._positive("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        return Paging(page, per_page)

    def _positive(self, name: str, default: int, maximum: int | None) -> int:
        value = self.one(name)
        if value is None:
            return default
        if not _INT.match(value) or int(value) < 1 or (maximum and int(value) > maximum):
            bound = f"1–{maximum}" if maximum else "1 or more"
            self._bad("invalid_value", name, f"{value!r} must be a whole number {bound}")
            return default
        return int(value)

    def done(self) -> None:
        """Raise a 400 listing every bad parameter, if any."""
        if self.problems:
            raise ValidationFailed(self.problems)
