"""The OpenAPI document says exactly what the validators accept: each field's JSON schema (its
pattern, bounds, enum) admits a value if and only if the validator takes it. The fuzzer relies on
this; here it is checked value by value, fast, with no server."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
import jsonschema_rs
from pydantic import TypeAdapter, ValidationError

from core.money import currency_codes
from core.queries import QuerySchema
from core.queries._params import Reader
from core.schemas.integrations import prose, web_url
from core.schemas.purchase_orders import ExchangeRate, Quantity, Rate, TaxRate
from core.schemas.types import DATE_SCHEMA, LONG_TEXT, WHITESPACE, currency, native_text, text

# Characters that make the edges interesting: digits, signs, points, white space of every kind, NUL.
EDGY = st.text(st.sampled_from("0123456789-.+e_ ١\t\n\x00\x0b\x1c\x85\xa0\u2000\u3000\ufeffaZ/:[]\"*W"), max_size=14)


def examples(*values):
    """Hypothesis examples that every run tries, besides the drawn ones."""
    def decorate(test):
        for value in reversed(values):
            test = example(value=value)(test)
        return test
    return decorate


def accepts(annotation, value) -> bool:
    try:
        TypeAdapter(annotation).validate_python(value)
        return True
    except ValidationError:
        return False


def admits(schema: dict, value) -> bool:
    """As the fuzzer's own validator reads the document (ECMA regexes: `$` is the very end)."""
    return jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value)


def schema_of(annotation) -> dict:
    return TypeAdapter(annotation).json_schema()


@pytest.mark.parametrize("field", [Quantity, Rate, TaxRate, ExchangeRate], ids=["quantity", "rate", "tax_rate", "exchange_rate"])
@given(value=EDGY)
@examples("1.23450", "1.00001", "-0", "-0.000", "0", "100", "100.0001", "9999999999.9999", "10000000000", "00.5", "0.000001", "0.0000001")
@settings(max_examples=300, deadline=None)
def test_a_decimal_string_is_documented_exactly(field, value):
    assert admits(schema_of(field), value) == accepts(field, value), value


@pytest.mark.parametrize("field", [Quantity, Rate, TaxRate], ids=["quantity", "rate", "tax_rate"])
@given(value=st.integers(0, 8).flatmap(lambda places: st.decimals(allow_nan=False, allow_infinity=False, places=places,
                                                                 min_value=-5, max_value=10**12)))
@settings(max_examples=200, deadline=None)
def test_a_decimal_number_is_documented_exactly(field, value):
    # JSON numbers reach the validators as Decimals; the document's number branch must agree.
    number = float(value)
    if Decimal(repr(number)) != value:  # only numbers that JSON carries exactly
        return
    assert admits(schema_of(field), number) == accepts(field, value), value


@pytest.mark.parametrize("field", [native_text(5), text(5), text(5, nullable=False), prose(5), prose(5, one_line=True),
                                   text(LONG_TEXT + 5)], ids=["line text", "text", "required text", "prose", "one line", "long text"])
@given(value=EDGY)
@examples(" a ", "\u3000x\u3000", "\x1c", "abcdef", "  abc  ", "\ufeff")
@settings(max_examples=300, deadline=None)
def test_text_is_documented_exactly(field, value):
    assert admits(schema_of(field), value) == accepts(field, value), value


def test_the_white_space_text_fields_trim_is_what_pydantic_trims():
    line_text = TypeAdapter(native_text(3))

    def trimmed(char: str) -> bool:
        try:
            return line_text.validate_python(char + "a") == "a"
        except ValidationError:  # NUL
            return False

    assert {chr(c) for c in range(0x3100) if trimmed(chr(c))} == set(WHITESPACE)


@given(value=st.text(st.sampled_from("htps:/[]1.-_a?#%é xn"), max_size=24))
@examples("https://acme.example/hook", "http://[::1]:8080/x", "https://Ï", "ftp://a", "https://a..b", "https://-a.b", "http://a:99999/", "https://a b")
@settings(max_examples=300, deadline=None)
def test_a_web_url_is_documented_exactly(value):
    field = web_url(nullable=False)
    assert admits(schema_of(field), value) == accepts(field, value), value


def test_a_currency_is_one_of_the_documented_codes():
    schema = schema_of(currency(nullable=False))
    assert schema["enum"] == currency_codes()
    assert all(accepts(currency(nullable=False), code) for code in schema["enum"])
    assert not admits(schema, "AAA") and not accepts(currency(nullable=False), "AAA")


@given(value=st.text(st.sampled_from("0123456789-"), min_size=8, max_size=12))
@examples("0000-01-01", "2026-02-29", "2024-02-29", "2026-13-01", "١٩٩٠-01-01")
@settings(max_examples=300, deadline=None)
def test_a_date_is_documented_exactly(value):
    reader = Reader({"d": [value]}, ["d"])
    reader.date("d")
    assert admits(DATE_SCHEMA, value) == (not reader.problems), value


QUERY_KINDS = {
    "ids": (QuerySchema.ids(), lambda r: r.ints("p")),
    "amount": (QuerySchema.amount(), lambda r: r.decimal("p")),
    "text": (QuerySchema.text(), lambda r: r.text("p")),
    "values": (QuerySchema.values(), lambda r: r.values("p")),
    "choices": (QuerySchema.choices(("draft", "approved")), lambda r: r.choices("p", ("draft", "approved"))),
    "sort": (QuerySchema.sort(("total", "po_date")), lambda r: r.sort(("total", "po_date"), "-total")),  # reads `sort`
    "page": (QuerySchema.page(), lambda r: r.paging()),
}


@pytest.mark.parametrize("kind", sorted(QUERY_KINDS))
@given(value=st.text(st.sampled_from("0123456789-.,draftpovedtl ١\x00"), max_size=12))
@settings(max_examples=200, deadline=None)
def test_a_query_parameter_is_documented_exactly(kind, value):
    schema, read = QUERY_KINDS[kind]
    name = kind if kind in ("page", "sort") else "p"
    reader = Reader({name: [value]} if value else {}, ["p", "sort"])
    read(reader)
    # What the document says one value of the parameter may be, as it travels in a query string.
    if schema["type"] == "array":
        items = value.split(",") if kind in ("ids", "values", "choices") else [value]
        item_schema = schema["items"]
        documented = all(_query_value_admits(item_schema, item) for item in items)
    else:
        documented = _query_value_admits(schema, value)
    if not value:  # an absent parameter is always fine
        documented = True
    refused = bool(reader.problems) or "\x00" in value  # the API refuses a NUL in any parameter before reading them
    assert documented == (not refused), (value, [p.detail for p in reader.problems])


def _query_value_admits(schema: dict, text_value: str) -> bool:
    if schema["type"] == "integer":
        return bool(re.fullmatch(r"-?[0-9]+", text_value)) and admits(schema, int(text_value))
    return admits(schema, text_value)
