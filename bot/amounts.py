"""Numbers and money as people type them in Slack: `1,000`, `1,00,000`, `12,50`, `₹4.50`, `4.50 USD`.

Pure text reading; amounts stay exact `Decimal`s as written (never float). A number is digits with
an optional decimal point. A comma inside a number (a digit on both sides) is read like this:

- groups of exactly three digits after a first group of 1–3: thousands (`1,000`, `12,500.75`);
- Indian grouping, pairs then a final three (`1,00,000`, `10,00,000.50`);
- one comma followed by one or two digits and no point: a decimal comma (`12,50` is 12.50);
- anything else (`1.000,50`, `1,5000`, `4.50,20`) is refused as ambiguous rather than guessed.

So `12,500` is always twelve thousand five hundred, never 12.5.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SYMBOLS = {"₹": "INR", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

# The shape of a number token; read_number decides what its commas and points mean.
NUMBER = r"[0-9](?:[0-9]|[.,](?=[0-9]))*"
MINUS = "-−"

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_LAKHS = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}")

_SYMBOL = "[" + "".join(SYMBOLS) + "]"
# "Rs" / "Rs." is how rupees are usually written in India; the lookahead keeps RSD a code.
_CODE = rf"{_SYMBOL}|rs\.?(?=\s*[{MINUS}0-9])|[a-z]{{3}}"
_MONEY = re.compile(
    rf"""(?P<sign1>[{MINUS}])?\s*(?P<pre>{_CODE})?\s*(?P<sign2>[{MINUS}])?\s*
        (?P<number>{NUMBER})\s*(?:/-)?\s*(?P<post>{_SYMBOL}|[a-z]{{3}})?""",
    re.X | re.I,
)
# What may follow a rate without changing it: "each", "per unit", "/kg", "a piece".
_PER_UNIT = re.compile(r"\s*(?:each|ea|apiece|(?:per|a)\s+[a-z]+|/\s*[a-z]+)\.?\s*$", re.I)

NUMBER_HINT = "write decimals with a point and thousands with commas, like 1,000.50"


class Unreadable(ValueError):
    """A piece of text that cannot be read; the message says why, for a person."""


def read_number(token: str) -> Decimal:
    """The exact value of a number token (see the module docstring), or Unreadable."""
    if _PLAIN.fullmatch(token):
        text = token
    elif _THOUSANDS.fullmatch(token) or _LAKHS.fullmatch(token):
        text = token.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(token):
        text = token.replace(",", ".")
    else:
        raise Unreadable(f"the number {token!r} is ambiguous — {NUMBER_HINT}")
    try:
        return Decimal(text)
    except InvalidOperation:  # the patterns above make this unreachable; stay total anyway
        raise Unreadable(f"could not read the number {token!r} — {NUMBER_HINT}") from None


def decimal_places(value: Decimal) -> int:
    """Decimal places that matter (`4.50` has 1, `4.500001` has 6)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _currency(code: str | None) -> str | None:
    if code is None:
        return None
    if code in SYMBOLS:
        return SYMBOLS[code]
    upper = code.upper()
    return "INR" if upper in ("RS", "RS.") else upper


def read_money(text: str) -> tuple[Decimal, str | None, bool]:
    """(amount, currency or None, negative) from `4.50`, `₹4.50`, `4.50 USD`, `INR 4.50` …; or Unreadable.

    A three-letter code is taken as written (upper-cased); the bot checks it is ISO 4217.
    `$` is USD and `¥` is JPY: other dollars and the yuan are written as codes (CAD, CNY).
    """
    written = " ".join(text.split())  # one space per run keeps the pattern linear
    match = _MONEY.fullmatch(_PER_UNIT.sub("", written).rstrip(".").strip())
    if match is None:
        raise Unreadable(f"could not read the rate {written!r} — write it as @ 4.50 or @ 4.50 USD")
    amount = read_number(match["number"])
    pre, post = _currency(match["pre"]), _currency(match["post"])
    if pre and post and pre != post:
        raise Unreadable(f"the rate {written!r} names two currencies, {pre} and {post}")
    negative = bool(match["sign1"] or match["sign2"]) and amount != 0
    return amount, pre or post, negative
