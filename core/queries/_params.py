"""Parsing list query strings (filters, sorts, paging) into plain values, or a 400 naming the parameter."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Sequence

from peewee import fn

from core.db import is_postgres
from core.errors import Problem, ValidationFailed, invalid
from core.money import decimal_places
from core.queries._counting import total as count_total
from core.schemas.types import DATE_SCHEMA, WHITESPACE, decimal_pattern, not_blank_pattern
from core.types import AMOUNT_PLACES, DECIMAL_STRING, MAX_ID

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_PAGE = MAX_ID
MAX_TEXT = 200  # q, external_id and every value of a list parameter: long enough for any name, short enough to index
MAX_AMOUNT = Decimal(10) ** 14
_INT = re.compile(r"[0-9]{1,10}")  # ASCII digits only: int() would also read "١٠"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_BLANK = "is empty; give a value or leave the parameter out"

Args = Mapping[str, Sequence[str]]  # every value of each query parameter, as given


def amount_problem(number: Decimal) -> str | None:
    """Why `number` cannot bound a list's amounts (min_total, max_total), or None: an amount is
    non-negative, below 10^14 and has at most AMOUNT_PLACES decimal places (what totals keep)."""
    if not number.is_finite() or number < 0 or number >= MAX_AMOUNT:
        return "is not a non-negative amount"
    if decimal_places(number) > AMOUNT_PLACES:
        return f"has more than {AMOUNT_PLACES} decimal places"
    return None


def text_problem(text: str, max_len: int = MAX_TEXT) -> str | None:
    """Why `text` cannot be searched for (longer than `max_len`, or only white space), or None."""
    if len(text) > max_len:
        return f"at most {max_len} characters"
    if not text.strip(WHITESPACE):
        return _BLANK
    return None


def checked(name: str, value: Any, kind: type | tuple[type, ...], what: str,
            valid: Callable[[Any], bool] = lambda _: True) -> Any:
    """`value`, a query's keyword argument, when it is a `kind` (a bool is never a number here)
    that is `valid`; else ValidationFailed at /`name` saying it must be `what`. A face passing the
    wrong type hears which argument, as an API client hears which parameter."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise invalid("invalid_type", f"{name} must be {what}, not {type(value).__name__}", "/" + name)
    if not valid(value):
        raise invalid("invalid_value", f"{name} must be {what}", "/" + name)
    return value


def row_limit(limit: Any, maximum: int = MAX_PER_PAGE, *, name: str = "limit", least: int = 1) -> int:
    """A query's `limit` (how many rows at most), checked: a whole number from `least` to `maximum`."""
    return checked(name, limit, int, f"a whole number from {least} to {maximum}", lambda n: least <= n <= maximum)


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
        self._bad("invalid_value", name, _BLANK)

    def values(self, name: str) -> list[str]:
        """Every value given, repeated or comma-separated, exactly as written (an empty one is a bad
        value, not an absent one)."""
        found = [v for raw in self.args.get(name, ()) for v in raw.split(",")]
        if any(not v for v in found):
            self._blank(name)
        if any(len(v) > MAX_TEXT for v in found):
            self._bad("invalid_value", name, f"each value is at most {MAX_TEXT} characters")
            return []
        return [v for v in found if v]

    def one(self, name: str) -> str | None:
        """The parameter's one value, exactly as written, or None when absent."""
        given = self.args.get(name) or ()
        if len(given) > 1:
            self._bad("invalid_value", name, "give this parameter once")
        if given and not given[0]:
            self._blank(name)
        return given[0] if given and given[0] else None

    def choices(self, name: str, allowed: Iterable[str]) -> list[str]:
        allowed = list(allowed)
        found = self.values(name)
        for value in found:
            if value not in allowed:
                self._bad("invalid_value", name, f"{value[:40]!r} is not one of {', '.join(allowed)}")
        return [v for v in found if v in allowed]

    def ints(self, name: str) -> list[int]:
        found = self.values(name)
        ids = [int(v) for v in found if _INT.fullmatch(v) and 1 <= int(v) <= MAX_ID]
        if len(ids) < len(found):
            bad = next(v for v in found if not (_INT.fullmatch(v) and 1 <= int(v) <= MAX_ID))
            self._bad("invalid_value", name, f"{bad[:40]!r} is not a positive integer id")
        return ids

    def date(self, name: str) -> dt.date | None:
        value = self.one(name)
        if value is None:
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self._bad("invalid_date", name, f"{value[:40]!r} is not a date YYYY-MM-DD")
            return None

    def decimal(self, name: str) -> Decimal | None:
        value = self.one(name)
        if value is None:
            return None
        number = Decimal(value) if DECIMAL_STRING.fullmatch(value) else None  # " 10 " is no more a number here than in a body
        problem = "is not a non-negative amount" if number is None else amount_problem(number)
        if problem:
            self._bad("invalid_value", name, f"{value[:40]!r} {problem}")
            return None
        return number

    def boolean(self, name: str) -> bool | None:
        value = self.one(name)
        if value is None:
            return None
        if value not in _BOOLEANS:
            self._bad("invalid_value", name, f"{value[:40]!r} is not true or false")
            return None
        return _BOOLEANS[value]

    def text(self, name: str, max_len: int = MAX_TEXT) -> str | None:
        """Free text (a search), trimmed; at most `max_len` characters as written, and not only white space."""
        value = self.one(name)
        if value is None:
            return None
        problem = text_problem(value, max_len)
        if problem:
            self._bad("invalid_value", name, problem)
            return None
        return value.strip(WHITESPACE)

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
        page = self._positive("page", 1, MAX_PAGE)
        per_page = self._positive("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        return Paging(page, per_page)

    def _positive(self, name: str, default: int, maximum: int) -> int:
        value = self.one(name)
        if value is None:
            return default
        if not _INT.fullmatch(value) or not 1 <= int(value) <= maximum:
            bound = f"1–{maximum:,}"
            self._bad("invalid_value", name, f"{value!r} must be a whole number {bound}")
            return default
        return int(value)

    def done(self) -> None:
        """Raise a 400 listing every bad parameter, if any."""
        if self.problems:
            raise ValidationFailed(self.problems)


class QuerySchema:
    """The JSON schema of each kind of list parameter, exactly what the Reader method of that kind
    accepts, for the OpenAPI document (so the document and the parser cannot drift apart)."""

    @staticmethod
    def choices(allowed: Iterable[str]) -> dict:
        """Several of `allowed` (the parameter repeated; commas also separate values)."""
        return {"type": "array", "items": {"type": "string", "enum": list(allowed)}}

    @staticmethod
    def ids() -> dict:
        return {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}

    @staticmethod
    def values() -> dict:
        return {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": "^[^,\\u0000]+$"}}

    @staticmethod
    def text(max_len: int = MAX_TEXT) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": not_blank_pattern()}

    @staticmethod
    def date() -> dict:
        return dict(DATE_SCHEMA)

    @staticmethod
    def amount() -> dict:
        return {"type": "string", "pattern": decimal_pattern(places=AMOUNT_PLACES, below=MAX_AMOUNT, maximum=None, positive=False)}

    @staticmethod
    def boolean() -> dict:
        return {"type": "boolean"}

    @staticmethod
    def sort(allowed: Iterable[str]) -> dict:
        key = "-?(?:" + "|".join(allowed) + ")"
        return {"type": "string", "pattern": f"^{key}(?:,{key})*$"}

    @staticmethod
    def page() -> dict:
        return {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}

    @staticmethod
    def per_page() -> dict:
        return {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}
