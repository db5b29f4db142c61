"""The new-PO sentence: `new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80`.

    sentence  := "new" ["PO" | "purchase order" | "order"] ["for" | "from"] vendor body
    vendor    := a quoted name ("Acme Tools, Inc.") or the text up to the first ":" or newline
    body      := line {separator line}
    separator := newline | ";" | "," | " and " (only before a digit, so "Nuts and bolts" is a name)
    line      := quantity [times] item [("@" | "at") rate]
    quantity  := a number (bot/amounts.py) > 0 with at most 4 decimal places
    times     := "x" | "X" | "×" | "*", spaces optional around × and *; "x" needs a space after it
                 (`10x BOLT-M8`, `10 x BOLT-M8`, `10×BOLT-M8`; `10 xylophones` is 10 of "xylophones")
    item      := a SKU code or name as written (`BOLT-M8`, `Steel bolt M8`), or quoted free text for
                 a two-way line (`"Network audit day"`, with straight or curly quotes)
    rate      := [symbol | code] number [symbol | code] ["each" | "per unit" | "/kg" …], at most 6
                 decimal places: `4.50`, `₹4.50`, `$4.50`, `4.50 USD`, `INR 4.50`, `¥32`, `€12,50`

A comma with a digit on both sides belongs to the number (`1,000`, `1,00,000`, `12,50`); any other
comma separates lines, so `@ 4.50,20 x NUT` is refused as an ambiguous number — put a space after
the comma. Quotes protect everything inside them, separators included. A line may leave the rate
out (the bot says it is missing). All currencies written on the lines must agree.

Nothing raises: what cannot be read becomes a short sentence in `problems`, and a line with a
problem is left out of `lines`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.amounts import MINUS, NUMBER, Unreadable, decimal_places, read_money, read_number
from core.types import QUANTITY_PLACES, RATE_PLACES

MAX_LENGTH = 4000
MAX_PROBLEMS = 10  # a message of hundreds of problems helps nobody; the first ones do
EXAMPLE = "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80"
LINE_EXAMPLE = "20 x BOLT-M8 @ 4.50"

_DOUBLE = "\"“”„"
_SINGLE = "'‘’"
QUOTES = _DOUBLE + _SINGLE
# A closing quote is not followed by a letter or digit, so "O'Brien" keeps its apostrophe.
_CLOSERS = {family: re.compile(f"[{family}](?![^\\W_])") for family in (_DOUBLE, _SINGLE)}

_HEAD = re.compile(r"\s*new\b(?:\s+(?:po|purchase\s+order|order)\b)?(?:\s+(?:for|from)\b)?", re.I)
_TIMES = rf"\s*(?:[×*]|[xX](?=[\s{QUOTES}]|$))\s*"
_QUANTITY = re.compile(rf"(?P<sign>[{MINUS}]\s*)?(?P<number>{NUMBER})(?:{_TIMES}|\s+)")
# Where lines start, for a vendor written without the colon: "new PO for Acme 10 x BOLT-M8".
_LINE_START = re.compile(rf"(?:^|\s)(?={NUMBER}{_TIMES})")
# The lookbehind lets only the first space of a run try " and ", keeping the search linear.
_SEPARATOR = re.compile(rf"[\n;,{QUOTES}]|(?<!\s)\s+and\s+(?=[{MINUS}]?[0-9])", re.I)
# "4.50,20 x NUT": a line glued to the rate by a comma with no space after it.
_GLUED_LINE = re.compile(rf"[0-9],{NUMBER}{_TIMES}")
_VENDOR_TRIM = " \t-–—,"
_RATE_MARKER = re.compile(r"@|at\b", re.I)
# "at" marks the rate only when money follows, so "Cable at back" stays a name.
_AT_WORD = re.compile(rf"\s+at\s+(?=[{MINUS}]?\s*(?:[0-9₹$€£¥]|[a-z]{{2,3}}\.?\s*[0-9]))", re.I)


@dataclass(frozen=True)
class ParsedLine:
    """One line as written: `item` is a SKU code or name, or free text when `quoted`."""

    quantity: Decimal
    item: str
    quoted: bool
    rate: Decimal | None
    currency: str | None
    source: str


@dataclass(frozen=True)
class NewPo:
    """A draft PO read from a sentence; `problems` says what could not be read."""

    vendor: str
    lines: tuple[ParsedLine, ...]
    currency: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when everything written was understood."""
        return not self.problems


class _Refused(Exception):
    """One line cannot be read; the message is the problem sentence."""


def _opens_quote(text: str, i: int) -> bool:
    if text[i] not in QUOTES:
        return False
    # A quote opens at the start of a word: after a space, a separator, "@" or the times sign;
    # so the inch mark in `3/4" pipe` and the apostrophe in `O'Brien` open nothing.
    before = text[i - 2:i] if i >= 2 else " " + text[:i]
    return i == 0 or before[1].isspace() or before[1] in "×*:;,@" or (
        before[1] in "xX" and (before[0].isspace() or before[0].isdigit())
    )


def _closing_quote(text: str, i: int) -> int | None:
    family = _DOUBLE if text[i] in _DOUBLE else _SINGLE
    match = _CLOSERS[family].search(text, i + 1)
    return match.start() if match else None


def _split_lines(body: str) -> list[str]:
    """The body cut at separators outside quotes; a comma between two digits is part of a number."""
    chunks, start, pos = [], 0, 0
    while (match := _SEPARATOR.search(body, pos)) is not None:
        at = match.start()
        if match.group() in QUOTES:
            close = _closing_quote(body, at) if _opens_quote(body, at) else None
            pos = at + 1 if close is None else close + 1
            continue
        if match.group() == "," and 0 < at < len(body) - 1 and body[at - 1].isdigit() and body[at + 1].isdigit():
            pos = at + 1
            continue
        chunks.append(body[start:at])
        start = pos = match.end()
    chunks.append(body[start:])
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def _split_vendor(rest: str) -> tuple[str, str]:
    """(vendor, body) from what follows `new PO for`; raises _Refused for an unclosed quote."""
    rest = rest.lstrip(" \t")
    if rest and _opens_quote(rest, 0):
        close = _closing_quote(rest, 0)
        if close is None:
            raise _Refused("the quote around the vendor is never closed — write it as "
                           f'new PO for "Acme Tools, Inc.": {LINE_EXAMPLE}')
        after = rest[close + 1:].lstrip(" \t")
        return rest[1:close].strip(), after[1:] if after[:1] == ":" else after
    end = min((i for i in (rest.find(":"), rest.find("\n")) if i >= 0), default=-1)
    if end < 0:
        start = _LINE_START.search(rest)
        end = start.start() if start else len(rest)
        return rest[:end].strip(_VENDOR_TRIM), rest[end:]
    return rest[:end].strip(_VENDOR_TRIM), rest[end + 1:]


def _item_and_rate(rest: str, number: int, quantity: str) -> tuple[str, bool, str | None]:
    """(item, quoted, rate text or None) from what follows the quantity."""
    if rest and _opens_quote(rest, 0):
        close = _closing_quote(rest, 0)
        if close is None:
            raise _Refused(f"line {number}: the quote in {rest!r} is never closed")
        after = rest[close + 1:].strip()
        marker = _RATE_MARKER.match(after)
        if after and marker is None:
            raise _Refused(f"line {number}: understood {quantity} x {rest[:close + 1]}, "
                           f"but not {after!r} after it — write the rate as @ 4.50")
        return rest[1:close].strip(), True, after[marker.end():] if marker else None
    at = rest.find("@")
    if at >= 0:
        return rest[:at].strip(), False, rest[at + 1:]
    words = list(_AT_WORD.finditer(rest))
    if words:
        return rest[:words[-1].start()].strip(), False, rest[words[-1].end():]
    return rest, False, None


def _rate(text: str, number: int, understood: str) -> tuple[Decimal, str | None]:
    if not text.strip():
        raise _Refused(f"{understood} but no rate follows the @ — write it as @ 4.50")
    try:
        rate, currency, negative = read_money(text)
    except Unreadable as exc:
        hint = " (between lines, put a space after the comma)" if _GLUED_LINE.search(text) else ""
        raise _Refused(f"{understood} but {exc}{hint}") from None
    if negative:
        raise _Refused(f"line {number}: the rate cannot be negative ({text.strip()!r})")
    if decimal_places(rate) > RATE_PLACES:
        raise _Refused(f"line {number}: the rate {text.strip()!r} has more than {RATE_PLACES} decimal places")
    return rate, currency


def _quantity(match: re.Match[str], number: int) -> Decimal:
    written = (match["sign"] or "").strip() + match["number"]
    try:
        quantity = read_number(match["number"])
    except Unreadable as exc:
        raise _Refused(f"line {number}: {exc}") from None
    if match["sign"] or quantity <= 0:
        raise _Refused(f"line {number}: the quantity must be more than zero, not {written!r}")
    if decimal_places(quantity) > QUANTITY_PLACES:
        raise _Refused(f"line {number}: the quantity {written!r} has more than {QUANTITY_PLACES} decimal places")
    return quantity


def _parse_line(source: str, number: int) -> ParsedLine:
    """One line (`10 x BOLT-M8 @ 4.50`); raises _Refused with the problem sentence."""
    # One space wherever there was whitespace keeps every pattern below linear.
    text = " ".join(source.split())
    match = _QUANTITY.match(text)
    if match is None:
        raise _Refused(f"could not read line {number}: {text!r} — write it as {LINE_EXAMPLE}")
    quantity = _quantity(match, number)
    item, quoted, rate_text = _item_and_rate(text[match.end():].strip(), number, match["number"])
    if not item:
        raise _Refused(f"line {number}: {text!r} names no item — write it as {LINE_EXAMPLE}")
    shown = f'"{item}"' if quoted else item
    understood = f"line {number}: understood {match['number']} x {shown},"
    rate, currency = _rate(rate_text, number, understood) if rate_text is not None else (None, None)
    return ParsedLine(quantity, item, quoted, rate, currency, source)


def _one_currency(lines: list[ParsedLine], numbers: list[int]) -> tuple[str | None, list[str]]:
    written = {(n, line.currency) for n, line in zip(numbers, lines) if line.currency}
    codes = {code for _, code in written}
    if len(codes) <= 1:
        return next(iter(codes), None), []
    where = ", ".join(f"{code} on line {n}" for n, code in sorted(written))
    return None, [f"the lines use different currencies ({where}) — a PO has one currency"]


def parse_new_po(text: str) -> NewPo:
    """Read a `new PO for <vendor>: <lines>` sentence; never raises."""
    if len(text) > MAX_LENGTH:
        return NewPo("", (), None, (f"that message has {len(text):,} characters; a new PO sentence can have "
                                    f"at most {MAX_LENGTH:,} — use /po new for a long PO",))
    head = _HEAD.match(text)
    if head is None:
        return NewPo("", (), None, (f"a new PO is written like this: {EXAMPLE}",))
    try:
        vendor, body = _split_vendor(text[head.end():])
    except _Refused as exc:
        return NewPo("", (), None, (str(exc),))
    problems: list[str] = []
    if not vendor:
        problems.append(f"no vendor — name it after 'for': {EXAMPLE}")
    chunks = _split_lines(body)
    if not chunks:
        problems.append(f"no lines — list them after the vendor and a colon: {EXAMPLE}")
    lines, numbers = [], []
    for number, chunk in enumerate(chunks, start=1):
        try:
            lines.append(_parse_line(chunk, number))
            numbers.append(number)
        except _Refused as exc:
            problems.append(str(exc))
    currency, currency_problems = _one_currency(lines, numbers)
    problems += currency_problems
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS - 1:] = [f"… and {len(problems) - MAX_PROBLEMS + 1} more problems"]
    return NewPo(" ".join(vendor.split()), tuple(lines), currency, tuple(problems))
