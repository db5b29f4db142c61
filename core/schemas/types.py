"""Field types for request schemas: each validates one JSON value and fails with a contract code.

Every validator here runs before pydantic's own and raises `PydanticCustomError(code, …)`, so
the error type *is* the contract's error code (`invalid_currency`, `invalid_value` …). A wrong
JSON type is always `invalid_type`; the right type with a wrong value gets the field's own code.
Each type also carries the JSON schema the OpenAPI document shows for it.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum.in_ import gstin as stdnum_gstin

from core.money import is_currency
from core.types import DECIMAL_STRING

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ID = 2**31 - 1  # ids are 32-bit serials on PostgreSQL
_UPPER_WORD = re.compile(r"^[A-Z][A-Z0-9_]*$")


def native_decimal(*, places: int, below: Decimal, maximum: Decimal | None = None, exclusive_minimum: bool = False,
                   nullable: bool = False):
    """An exact decimal (JSON number or numeric string) checked by pydantic's own validator, which is
    several times faster than a Python one (an ERP batch carries thousands). Its errors translate to
    the contract's codes: a wrong JSON type is invalid_type; NaN, out of range, too many places,
    not a number are invalid_value."""
    bounds: dict[str, Any] = {"gt": Decimal(0)} if exclusive_minimum else {"ge": Decimal(0)}
    bounds.update({"le": maximum} if maximum is not None else {"lt": below})
    # The constraints come before the validator: after it, pydantic would check each in Python.
    return Annotated[Decimal | None if nullable else Decimal, Field(decimal_places=places, allow_inf_nan=False, **bounds),
                     BeforeValidator(_decimal_string)]


_is_decimal_string = DECIMAL_STRING.fullmatch


def _decimal_string(value: Any) -> Any:
    # Only strings are looked at (a JSON number arrives as int or Decimal): pydantic's own parsing
    # would take "1_000", " 10 " and other scripts' digits as numbers.
    if value.__class__ is str and not _is_decimal_string(value):
        raise fail("invalid_value", f"{value[:40]!r} is not a decimal number: write ASCII digits, "
                                    "optionally with a leading - and a . followed by digits")
    return value


NUL_DETAIL = "must not contain a NUL character (\\u0000)"


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text (SQLite can): refuse it on every face, the same way.
    if "\x00" in value:
        raise fail("invalid_value", NUL_DETAIL)
    return value


def native_text(max_len: int):
    """A trimmed, non-empty string checked by pydantic's own validator (for line fields)."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_len), AfterValidator(_no_nul)]


class Strict(BaseModel):
    """A request body: unknown fields are refused (unknown_field), never silently dropped."""

    model_config = ConfigDict(extra="forbid")


def fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def text(
    max_len: int, *, code: str = "invalid_value", min_len: int = 1, nullable: bool = True,
    pattern: re.Pattern[str] | None = None, pattern_hint: str = "",
):
    """A string, trimmed, `min_len`–`max_len` characters long (null allowed when `nullable`)."""

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a string")
        value = _no_nul(value.strip())
        if len(value) < min_len:
            raise fail(code, "must not be empty" if min_len == 1 else f"must be at least {min_len} characters")
        if len(value) > max_len:
            raise fail(code, f"must be at most {max_len} characters (got {len(value)})")
        if pattern is not None and not pattern.match(value):
            raise fail(code, pattern_hint or "has an invalid format")
        return value

    schema: dict[str, Any] = {"type": "string", "minLength": min_len, "maxLength": max_len}
    if pattern is not None:
        schema["pattern"] = pattern.pattern
    return Annotated[str | None if nullable else str, BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


def choice(values: tuple[str, ...], *, code: str, nullable: bool = False):
    """One of `values`."""

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a string")
        if value not in values:
            raise fail(code, "must be one of: " + ", ".join(values))
        return value

    schema = {"type": "string", "enum": list(values)}
    return Annotated[Literal[values] | None if nullable else Literal[values], BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


def date(*, code: str, nullable: bool = True):
    """A calendar date written `YYYY-MM-DD`."""

    def check(value: Any) -> dt.date | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a date string YYYY-MM-DD")
        if not _DATE.match(value):
            raise fail(code, f"{value!r} is not a date in the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise fail(code, f"{value!r} is not a valid calendar date") from None

    return Annotated[dt.date | None if nullable else dt.date, BeforeValidator(check), WithJsonSchema(_nullable({"type": "string", "format": "date"}, nullable))]


def integer_id(*, nullable: bool = True, code: str = "invalid_value"):
    """A positive integer id."""

    def check(value: Any) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("invalid_type", "must be an integer id")
        if value < 1 or value > MAX_ID:
            raise fail(code, "must be a positive integer id")
        return value

    return Annotated[int | None if nullable else int, BeforeValidator(check), WithJsonSchema(_nullable({"type": "integer", "minimum": 1, "maximum": MAX_ID}, nullable))]


def boolean(*, nullable: bool = False):
    """true or false, nothing that merely looks like one."""

    def check(value: Any) -> bool | None:
        if value is None and nullable:
            return None
        if not isinstance(value, bool):
            raise fail("invalid_type", "must be true or false")
        return value

    return Annotated[bool | None if nullable else bool, BeforeValidator(check), WithJsonSchema(_nullable({"type": "boolean"}, nullable))]


def currency(*, nullable: bool = True):
    """A current ISO 4217 code, upper case."""

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a string")
        if not is_currency(value):
            raise fail("invalid_currency", f"{value!r} is not a current ISO 4217 currency code (e.g. INR, USD, JPY)")
        return value

    schema = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}
    return Annotated[str | None if nullable else str, BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


def _check_gstin(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail("invalid_type", "must be a string")
    if not stdnum_gstin.is_valid(value):
        raise fail("invalid_gstin", f"{value!r} is not a valid GSTIN (15 characters with a valid check digit)")
    return stdnum_gstin.compact(value)


def _check_email(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail("invalid_type", "must be a string")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise fail("invalid_value", f"is not a valid email address: {exc}") from None


def _check_dimensions(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("invalid_type", 'must be an object {"TYPE": "erp_dimension_id"}')
    for key, ident in value.items():
        if not _UPPER_WORD.match(key):
            raise fail("invalid_value", f"dimension type {key!r} must be an upper-case word such as PROJECT")
        if not isinstance(ident, str):
            raise fail("invalid_type", f"dimension {key} must name an erp_dimension_id string")
        if not ident.strip():
            raise fail("invalid_value", f"dimension {key} names an empty erp_dimension_id")
        if "\x00" in ident:
            raise fail("invalid_value", f"dimension {key}: {NUL_DETAIL}")
    return {key: ident.strip() for key, ident in value.items()}


Currency = currency()
Gstin = Annotated[str | None, BeforeValidator(_check_gstin), WithJsonSchema(_nullable({"type": "string", "minLength": 15, "maxLength": 15, "description": "Indian GSTIN, check digit verified"}, True))]
Email = Annotated[str | None, BeforeValidator(_check_email), WithJsonSchema(_nullable({"type": "string", "format": "email"}, True))]
Dimensions = Annotated[dict[str, str] | None, BeforeValidator(_check_dimensions), WithJsonSchema(_nullable({"type": "object", "additionalProperties": {"type": "string"}, "description": "{TYPE: erp_dimension_id}; replaces all of the line's dimensions"}, True))]
DimensionType = text(64, pattern=_UPPER_WORD, pattern_hint="must be an upper-case word such as PROJECT or GL_ACCOUNT", nullable=False)
UPPER_WORD = _UPPER_WORD
