"""How values read on a page: money in the viewer's locale, times in their timezone, words for codes."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_compact_decimal, format_decimal
from flask import g

from core.money import format_money
from core.queries import EXACT_UP_TO
from web.dashboard import dashboard

DEFAULT_LOCALE = "en_IN"
DEFAULT_TIMEZONE = "UTC"

LABELS = {
    "draft": "Draft", "pending_approval": "Pending approval", "approved": "Approved", "rejected": "Rejected",
    "cancelled": "Cancelled", "closed": "Closed",
    "not_received": "Not received", "partially_received": "Partly received", "fully_received": "Received",
    "not_billed": "Not billed", "partially_billed": "Partly billed", "fully_billed": "Billed",
    "none": "No invoice", "matched": "Matched", "exception": "Exception", "unmatched": "Unmatched",
    "accepted": "Accepted", "goods": "Goods", "services": "Services", "two_way": "Two-way", "three_way": "Three-way",
    "queued": "Queued", "running": "Running", "completed": "Completed", "created": "Created", "updated": "Updated",
    "failed": "Failed",
}


def locale() -> Locale:
    """The signed-in viewer's locale (the deployment's default when they have none)."""
    user = g.get("user")
    return _parsed((user.locale if user is not None else None) or DEFAULT_LOCALE)


@lru_cache(maxsize=256)
def _parsed(name: str) -> Locale:
    # Parsed once per name: babel parses a locale string again on every call (a PO list formats
    # hundreds of values), and an unusable name reads as the default rather than failing the page.
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def timezone() -> ZoneInfo:
    """The signed-in viewer's timezone (UTC when unknown)."""
    user = g.get("user")
    try:
        return ZoneInfo((user.timezone if user is not None else None) or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local(value: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp in the viewer's timezone."""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(timezone())


@dashboard.app_template_filter("money")
def money(amount: Decimal | str | None, currency: str) -> str:
    """`₹1,680.00`, `¥32`: an amount in the viewer's locale."""
    if amount is None:
        return ""
    return _money(Decimal(amount), currency, locale())


@dashboard.app_template_filter("number")
def number(value: Decimal | int | str | None) -> str:
    """A quantity or a count in the viewer's locale (`1,000`, `12.5`), exactly as given."""
    if value is None:
        return ""
    return _number(str(value), locale())


# Formatting a value is a pure function of it and the locale, and babel's costs about 40 µs: the
# rows people look at (the first page of a list, a PO everyone opens) are formatted once, not on
# every view. Money prints with its currency's digits, so equal amounts (1.5, 1.50) print alike; a
# number prints the digits it has, so it is keyed by its text.
@lru_cache(maxsize=8192)
def _money(amount: Decimal, currency: str, where: Locale) -> str:
    return format_money(amount, currency, where)


@lru_cache(maxsize=8192)
def _number(text: str, where: Locale) -> str:
    return format_decimal(Decimal(text), locale=where, decimal_quantization=False)


@dashboard.app_template_filter("total")
def total(meta: dict) -> str:
    """A list's total as people should read it: exact (`1,234`), "10,000+" when only that much is
    known (SQLite past 10,000), or "about 1.2 million" (PostgreSQL's estimate)."""
    if meta.get("total_exact", True):
        return number(meta["total"])
    if meta["total"] <= EXACT_UP_TO + 1:
        return number(EXACT_UP_TO) + "+"
    return "about " + format_compact_decimal(meta["total"], format_type="long", fraction_digits=1, locale=locale())


@dashboard.app_template_filter("when")
def when(value: dt.datetime | None) -> str:
    """A timestamp as the viewer reads it: `30 Nov 2026 1:43 PM` in their timezone."""
    if value is None:
        return ""
    moment = local(value)
    return f"{format_date(moment, 'medium', locale=locale())} {format_time(moment, 'short', locale=locale())}"


@dashboard.app_template_filter("iso")
def iso(value: dt.datetime | dt.date | None) -> str:
    """The machine-readable form for a <time datetime> attribute (UTC with Z for timestamps)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


@dashboard.app_template_filter("day")
def day(value: dt.date | None) -> str:
    """A calendar date (a PO date needs no timezone) in the viewer's locale."""
    return _day(value, locale()) if value is not None else ""


@lru_cache(maxsize=4096)
def _day(value: dt.date, where: Locale) -> str:
    return format_date(value, "medium", locale=where)


@dashboard.app_template_filter("month")
def month(value: dt.date) -> str:
    """`November 2026`."""
    return format_date(value, "MMMM y", locale=locale())


@dashboard.app_template_filter("age")
def age(value: dt.timedelta | None) -> str:
    """How long something has waited, in words (`3 days`)."""
    if value is None:
        return ""
    return format_timedelta(max(value, dt.timedelta(0)), threshold=1.0, locale=locale())


@dashboard.app_template_filter("label")
def label(code: str | None) -> str:
    """Words for a status code (`pending_approval` → `Pending approval`)."""
    if code is None:
        return ""
    return LABELS.get(code, code.replace("_", " ").capitalize())


def sentence(text: str) -> str:
    """Core's messages start in lower case (they are also API details); a page shows a sentence."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


@dashboard.app_template_filter("percent")
def percent(fraction: float | Decimal) -> str:
    """A 0–1 progress as a whole percentage (`42%`)."""
    return f"{int(Decimal(str(fraction)) * 100)}%"


@dashboard.app_context_processor
def formatting_context() -> dict:
    """The viewer's timezone name, for the pages that say which timezone times are in."""
    return {"viewer_timezone": timezone().key}
