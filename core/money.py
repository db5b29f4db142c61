"""Exact money: ISO 4217 codes, minor units, and the one place where amounts are rounded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Iterable

from babel.core import Locale, get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies

# Quantity (14 digits) × rate (18 digits) needs more than the default 28 digits of precision.
_PRECISION = 60
_CONTEXT = Context(prec=_PRECISION, rounding=ROUND_HALF_UP)


# babel's currency data is CLDR's, which gives display digits; ISO 4217's minor unit differs for
# these (CLDR shows IQD, RSD … in whole units; ISO keeps the minor unit), and CLDR's tender lists
# miss a few current ISO codes. The contract rounds to the ISO 4217 minor unit.
ISO_MINOR_UNITS = {
    "AFN": 2, "ALL": 2, "IQD": 3, "IRR": 2, "KPW": 2, "LAK": 2, "LBP": 2, "MGA": 2, "MMK": 2,
    "RSD": 2, "SOS": 2, "SYP": 2, "YER": 2, "CLF": 4, "UYW": 4, "VED": 2,
}
ISO_CODES_MISSING_FROM_CLDR = frozenset({"CLF", "UYW", "VED"})


@lru_cache(maxsize=1)
def _circulating_currencies() -> frozenset[str]:
    # Codes some territory uses as legal tender today: ISO 4217's current list, without the
    # withdrawn ones (DEM, FRF …) that CLDR still knows.
    today = dt.date.today()
    codes: set[str] = set(ISO_CODES_MISSING_FROM_CLDR)
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today))
    return frozenset(codes)


def currency_codes() -> list[str]:
    """Every current ISO 4217 code, sorted (what a currency field accepts)."""
    return sorted(_circulating_currencies())


def is_currency(code: object) -> bool:
    """True for a current ISO 4217 code in upper case (`INR`, `USD`, `JPY`, `KWD` …)."""
    return isinstance(code, str) and code in _circulating_currencies()


@lru_cache(maxsize=None)
def minor_units(currency: str) -> int:
    """Decimal places of the currency's ISO 4217 minor unit: JPY 0, INR 2, KWD 3."""
    return ISO_MINOR_UNITS.get(currency, get_currency_precision(currency))


@lru_cache(maxsize=None)
def _exponent(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_amount(value: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (the only place amounts are rounded)."""
    return value.quantize(_exponent(minor_units(currency)), context=_CONTEXT)


def multiply(a: Decimal, b: Decimal) -> Decimal:
    """An exact product, whatever the number of digits."""
    return _CONTEXT.multiply(a, b)


def decimal_places(value: Decimal) -> int:
    """How many decimal places `value` really has (trailing zeros do not count)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros (`100.0000` → `100`, `2.50` → `2.5`)."""
    normal = value.normalize()
    if normal.as_tuple().exponent > 0:  # 1E+2 → 100
        normal = normal.quantize(Decimal(1))
    return normal


def display_rate(rate: Decimal, currency: str) -> Decimal:
    """A unit rate with at least the currency's minor-unit places (`10` INR → `10.00`)."""
    places = max(minor_units(currency), decimal_places(rate))
    return rate.quantize(_exponent(places))


@dataclass(frozen=True)
class LineMoney:
    amount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    total_base: Decimal


@lru_cache(maxsize=65536)  # the same line is priced by the rules, the totals and the row writer
def line_money(quantity: Decimal, rate: Decimal, tax_rate: Decimal, currency: str) -> LineMoney:
    """amount = round(quantity × rate); tax = round(amount × tax_rate / 100)."""
    amount = round_amount(multiply(quantity, rate), currency)
    tax = round_amount(_CONTEXT.divide(multiply(amount, tax_rate), Decimal(100)), currency)
    return LineMoney(amount, tax)


def po_totals(
    lines: Iterable[LineMoney], currency: str, exchange_rate: Decimal, base_currency: str
) -> Totals:
    """Sums of the rounded line values, and the total in the base currency."""
    zero = round_amount(Decimal(0), currency)
    subtotal, tax_total = zero, zero
    for line in lines:
        subtotal += line.amount
        tax_total += line.tax
    total = subtotal + tax_total
    total_base = round_amount(multiply(total, exchange_rate), base_currency)
    return Totals(subtotal, tax_total, total, total_base)


def format_money(amount: Decimal, currency: str, locale: "str | Locale" = "en_IN") -> str:
    """`₹1,680.00`, `¥32`: an amount for people, in their locale."""
    return format_currency(amount, currency, locale=locale, currency_digits=True)
