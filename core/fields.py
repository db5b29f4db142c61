"""Column types: ids, exact decimals stored as scaled integers, JSON stored as text, UTC timestamps."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import orjson
from peewee import AutoField, BigIntegerField, TextField

from core.errors import not_found
from core.types import MAX_ID


def utcnow() -> dt.datetime:
    """The current time in UTC, without tzinfo (how timestamps are stored)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class IdField(AutoField):
    """A table's id. A value no row can have (anything but a whole number from 1 to MAX_ID) is
    refused where it reaches SQL, as a NotFound naming the model, by every query and service alike.

    Ids reach core from the faces (a bot button's value, a form field); SQLite answers one that does
    not fit 64 bits with OverflowError, PostgreSQL one that is not an integer or does not fit its
    column with DataError: both a 500, and a bool would be read as the id 1. A foreign key converts
    its values with the id field it points at, so `PoLine.po == 10**20` is refused the same way.
    """

    def db_value(self, value):
        if value is None or (type(value) is int and 1 <= value <= MAX_ID):
            return value
        raise not_found(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", self.model.__name__).lower(), value)  # PurchaseOrder: "purchase order"


class FixedDecimalField(BigIntegerField):
    """A Decimal kept exactly as an integer count of 10^-places units.

    SQLite has no exact decimal type (NUMERIC columns turn "12.50" into a float), so amounts,
    quantities and rates are stored scaled: exact, summable and sortable in SQL on SQLite and
    PostgreSQL alike. Validation refuses inputs with more places than the contract allows; a value
    that would lose digits here is a programming error and raises.
    """

    def __init__(self, places: int, *args, **kwargs):
        self.places = places
        self._unit = Decimal(1).scaleb(-places)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        if not value:
            return 0
        scaled = (value if isinstance(value, Decimal) else Decimal(value)).scaleb(self.places)
        if scaled.to_integral_value() != scaled:
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def python_value(self, value):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)


def json_default(value):
    """The one JSON encoding of podesk's values, as the API shows them: Decimals as exact strings,
    dates as ISO 8601, timestamps in UTC with Z, timedeltas as seconds (stored JSON, hashes and
    responses all use it)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# The same encoding, done by orjson (several times faster than the json module's, which a list of
# fifty POs spent a third of its time in): timestamps as UTC with Z and no microseconds, keys as
# given; Decimals and what else json_default knows go through json_default.
_FAST = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS | orjson.OPT_NON_STR_KEYS


def json_bytes(value) -> bytes:
    """`value` as compact UTF-8 JSON, exactly as json_default encodes podesk's values."""
    try:
        return orjson.dumps(value, default=json_default, option=_FAST)
    except orjson.JSONEncodeError:  # what orjson alone refuses (an integer past 64 bits): the json module's answer
        return json.dumps(value, default=json_default, separators=(",", ":"), ensure_ascii=False).encode()


def jsonable(value):
    """`value` as plain JSON values (Decimals and dates become the strings `json_default` gives)."""
    return json.loads(json.dumps(value, default=json_default))


class JSONTextField(TextField):
    """A JSON document stored as text (portable between SQLite and PostgreSQL)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, separators=(",", ":"), default=json_default)

    def python_value(self, value):
        return None if value is None else json.loads(value)
