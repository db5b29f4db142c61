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

from core.money import currency_codes, is_currency
from core.types import DECIMAL_STRING, MAX_ID

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UPPER_WORD = re.compile(r"^[A-Z][A-Z0-9_]*$")
# YYYY-MM-DD, any year but 0000 (which no calendar has); the format says the month and day exist.
DATE_SCHEMA = {"type": "string", "format": "date",
               "pattern": "^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)-[0-9]{2}-[0-9]{2}$"}

# What a text field trims from both ends: Unicode's White_Space characters, exactly the ones
# pydantic's strip_whitespace removes, so that one character class describes every text field.
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _chars(chars: str) -> str:
    """`chars` for a regex character class that ECMA, Python and Rust engines all read alike
    (\\uXXXX escapes, runs written as ranges)."""
    codes, parts, i = sorted(map(ord, chars)), [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" + (f"-\\u{codes[j]:04x}" if j > i else ""))
        i = j + 1
    return "".join(parts)


_WS = _chars(WHITESPACE)
_NUL = "\\u0000"
NO_NUL_PATTERN = f"^[^{_NUL}]*$"


def not_blank_pattern(forbidden: str = "") -> str:
    """A string with something besides white space in it and none of the `forbidden` characters (nor NUL)."""
    other = f"[^{_NUL}{_chars(forbidden)}]*"
    return f"^{other}[^{_NUL}{_chars(forbidden)}{_WS}]{other}$"


def trimmed_pattern(max_len: int, forbidden: str = "") -> str:
    """A string that is 1–`max_len` characters long once trimmed, with none of the `forbidden`
    characters (nor NUL): what trim-then-measure accepts, said without a length keyword (which
    would count the white space)."""
    no = _NUL + _chars(forbidden)
    solid = f"[^{no}{_WS}]"
    core = solid if max_len == 1 else f"{solid}(?:[^{no}]{{0,{max_len - 2}}}{solid})?"
    edge = _chars("".join(c for c in WHITESPACE if c not in forbidden))
    return f"^[{edge}]*{core}[{edge}]*$"


def _fraction(places: int) -> str:
    # Digits after the point that say at most `places` places once trailing zeros are dropped
    # (pydantic counts 1.50000 as 1.5).
    return f"(?:\\.[0-9]{{1,{places}}}0*)?"


def decimal_pattern(*, places: int, below: Decimal | None, maximum: Decimal | None, positive: bool) -> str:
    """The exact language of decimal strings a native_decimal accepts: ASCII `-?digits[.digits]`,
    at most `places` places, at least 0 (or above 0) and below `below` (a power of ten) or at most
    `maximum` (100)."""
    frac = _fraction(places)
    zero = "-0+(?:\\.0+)?"  # minus zero is zero
    if maximum is not None:
        if maximum != 100 or positive:
            raise ValueError("only 0–100 is spelled as a pattern")
        return f"^(?:0*(?:[0-9]{{1,2}}{frac}|100(?:\\.0+)?)|{zero})$"
    digits = len(str(int(below))) - 1
    if below != Decimal(10) ** digits:
        raise ValueError("a bound for a pattern must be a power of ten")
    if positive:
        return f"^(?:0*[1-9][0-9]{{0,{digits - 1}}}{frac}|0+\\.[0-9]{{0,{places - 1}}}[1-9]0*)$"
    return f"^(?:0*[0-9]{{1,{digits}}}{frac}|{zero})$"


def native_decimal(*, places: int, below: Decimal, maximum: Decimal | None = None, exclusive_minimum: bool = False,
                   nullable: bool = False):
    """An exact decimal (JSON number or numeric string) checked by pydantic's own validator, which is
    several times faster than a Python one (an ERP batch carries thousands). Its errors translate to
    the contract's codes: a wrong JSON type is invalid_type; NaN, out of range, too many places,
    not a number are invalid_value. The document says exactly which numbers and strings pass."""
    bounds: dict[str, Any] = {"gt": Decimal(0)} if exclusive_minimum else {"ge": Decimal(0)}
    bounds.update({"le": maximum} if maximum is not None else {"lt": below})
    number: dict[str, Any] = {"type": "number", ("exclusiveMinimum" if exclusive_minimum else "minimum"): 0}
    number.update({"maximum": int(maximum)} if maximum is not None else {"exclusiveMaximum": int(below)})
    number["multipleOf"] = float(Decimal(1).scaleb(-places))
    string = {"type": "string", "pattern": decimal_pattern(places=places, below=None if maximum is not None else below,
                                                           maximum=maximum, positive=exclusive_minimum),
              "description": f"an exact decimal, at most {places} places"}
    schema = {"anyOf": [number, string, {"type": "null"}] if nullable else [number, string]}
    # The constraints come before the validator: after it, pydantic would check each in Python.
    return Annotated[Decimal | None if nullable else Decimal, Field(decimal_places=places, allow_inf_nan=False, **bounds),
                     BeforeValidator(_decimal_string), WithJsonSchema(schema)]


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
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_len), AfterValidator(_no_nul),
                     WithJsonSchema({"type": "string", "pattern": trimmed_pattern(max_len)})]


class Strict(BaseModel):
    """A request body: unknown fields are refused (unknown_field), never silently dropped."""

    model_config = ConfigDict(extra="forbid")


def fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


LONG_TEXT = 10_000  # past this a length is counted as written: a pattern saying "trimmed" would be too large


def text(
    max_len: int, *, code: str = "invalid_value", nullable: bool = True,
    pattern: re.Pattern[str] | None = None, pattern_hint: str = "",
    forbidden: str = "", forbidden_hint: str = "",
):
    """A string, trimmed, then 1–`max_len` characters long (null allowed when `nullable`). With
    `pattern`, the value as given must match it (nothing is trimmed); none of the `forbidden`
    characters may appear anywhere. Texts longer than LONG_TEXT are measured as given."""
    bad = re.compile("[" + re.escape(forbidden) + "]") if forbidden else None

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise fail("invalid_type", "must be a string")
        value = _no_nul(value)
        if pattern is not None:
            if len(value) > max_len:
                raise fail(code, f"must be at most {max_len} characters (got {len(value)})")
            if not pattern.fullmatch(value):
                raise fail(code, pattern_hint or "has an invalid format")
            return value
        if bad is not None and bad.search(value):
            raise fail(code, forbidden_hint or "holds a character that is not allowed")
        measured = value if max_len > LONG_TEXT else value.strip(WHITESPACE)
        if len(measured) > max_len:
            raise fail(code, f"must be at most {max_len} characters (got {len(measured)})")
        value = value.strip(WHITESPACE)
        if not value:
            raise fail(code, "must not be empty")
        return value

    schema: dict[str, Any] = {"type": "string"}
    if pattern is not None:
        schema.update(minLength=1, maxLength=max_len, pattern=pattern.pattern)
    elif max_len > LONG_TEXT:
        schema.update(maxLength=max_len, pattern=not_blank_pattern(forbidden))
    else:
        schema["pattern"] = trimmed_pattern(max_len, forbidden)
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
        if not _DATE.fullmatch(value):
            raise fail(code, f"{value!r} is not a date in the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise fail(code, f"{value!r} is not a valid calendar date") from None

    return Annotated[dt.date | None if nullable else dt.date, BeforeValidator(check), WithJsonSchema(_nullable(DATE_SCHEMA, nullable))]


def whole_number(value: Any) -> int | None:
    """`value` as an int when it is a JSON integer (3, and also 3.0: JSON Schema's integers are the
    numbers without a fraction), else None (true and false are not numbers here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def integer_id(*, nullable: bool = True, code: str = "invalid_value"):
    """A positive integer id."""

    def check(value: Any) -> int | None:
        if value is None and nullable:
            return None
        number = whole_number(value)
        if number is None:
            raise fail("invalid_type", "must be an integer id")
        if number < 1 or number > MAX_ID:
            raise fail(code, "must be a positive integer id")
        return number

    return Annotated[int | None if nullable else int, BeforeValidator(check), WithJsonSchema(_nullable(ID_SCHEMA, nullable))]


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


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

    schema = {"type": "string", "enum": currency_codes(), "description": "a current ISO 4217 code"}
    return Annotated[str | None if nullable else str, BeforeValidator(check), WithJsonSchema(_nullable(schema, nullable))]


_GSTIN = re.compile(r"[0-9A-Za-z]{15}")


def _check_gstin(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail("invalid_type", "must be a string")
    if not _GSTIN.fullmatch(value) or not stdnum_gstin.is_valid(value):
        raise fail("invalid_gstin", f"{value[:40]!r} is not a valid GSTIN (15 letters and digits with a valid check digit)")
    return value.upper()


def email_address(value: Any) -> str:
    """`value` as a normalised email address, or invalid_email (the syntax, and names no mail can reach)."""
    if not isinstance(value, str):
        raise fail("invalid_type", "an email address is a string")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise fail("invalid_email", f"{value[:80]!r} is not an email address: {exc}") from None


def _check_email(value: Any) -> str | None:
    return None if value is None else email_address(value)


EMAIL_SCHEMA = {"type": "string", "format": "idn-email", "maxLength": 254}


def _check_dimensions(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("invalid_type", 'must be an object {"TYPE": "erp_dimension_id"}')
    for key, ident in value.items():
        if not _UPPER_WORD.fullmatch(key):
            raise fail("invalid_value", f"dimension type {key[:40]!r} must be an upper-case word such as PROJECT")
        if not isinstance(ident, str):
            raise fail("invalid_type", f"dimension {key} must name an erp_dimension_id string")
        if "\x00" in ident:
            raise fail("invalid_value", f"dimension {key}: {NUL_DETAIL}")
        if not ident.strip(WHITESPACE):
            raise fail("invalid_value", f"dimension {key} names an empty erp_dimension_id")
    return {key: ident.strip(WHITESPACE) for key, ident in value.items()}


_DIMENSIONS_SCHEMA = {"type": "object", "propertyNames": {"pattern": _UPPER_WORD.pattern},
                      "additionalProperties": {"type": "string", "pattern": not_blank_pattern()},
                      "description": "{TYPE: erp_dimension_id}; replaces all of the line's dimensions"}


Currency = currency()
Gstin = Annotated[str | None, BeforeValidator(_check_gstin), WithJsonSchema(_nullable(
    {"type": "string", "pattern": "^[0-9A-Za-z]{15}$", "description": "Indian GSTIN; its check digit is verified (invalid_gstin)"}, True))]
Email = Annotated[str | None, BeforeValidator(_check_email), WithJsonSchema(_nullable(EMAIL_SCHEMA, True))]
Dimensions = Annotated[dict[str, str] | None, BeforeValidator(_check_dimensions), WithJsonSchema(_nullable(_DIMENSIONS_SCHEMA, True))]
DimensionType = text(64, pattern=_UPPER_WORD, pattern_hint="must be an upper-case word such as PROJECT or GL_ACCOUNT", nullable=False)
UPPER_WORD = _UPPER_WORD
