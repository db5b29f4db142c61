"""Your settings (`/settings`): the timezone and locale dates and money are shown to you in."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import flash, g, make_response, redirect, render_template, request, url_for

from core import queries, services
from core.errors import ValidationFailed
from core.rules.preferences import COMMON_LOCALES, timezone_choices
from web.dashboard import dashboard
from web.dashboard.formatting import DEFAULT_LOCALE, DEFAULT_TIMEZONE, money, sentence, when

EXAMPLE_AMOUNT = Decimal("123456.50")


def _offset(name: str, now: dt.datetime) -> str:
    offset = now.astimezone(ZoneInfo(name)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"


def _timezone_options(current: str | None) -> list[tuple[str, str]]:
    """(name, "Asia/Kolkata (UTC+05:30)") for each timezone to choose from, today's offsets."""
    now = dt.datetime.now(dt.timezone.utc)
    names = timezone_choices() if current in (None, *timezone_choices()) else (current, *timezone_choices())
    return [(name, name if name == "UTC" else f"{name} ({_offset(name, now)})") for name in names]


@cache
def _locale_label(code: str) -> str:
    """`German (Germany) · Deutsch (Deutschland)`: in English, then in its own language when that differs."""
    found = Locale.parse(code)
    english, own = found.get_display_name("en"), found.get_display_name(code)
    return english if english == own else f"{english} · {own}"


def _locale_options(current: str | None) -> list[tuple[str, str]]:
    codes = COMMON_LOCALES if current in (None, *COMMON_LOCALES) else (current, *COMMON_LOCALES)
    return [(code, _locale_label(code)) for code in codes]


def _form(status: int = 200, errors: dict[str, str] | None = None):
    user = g.user
    return make_response(render_template(
        "preferences.html", errors=errors or {},
        timezones=_timezone_options(user.timezone), locales=_locale_options(user.locale),
        default_timezone=DEFAULT_TIMEZONE, default_locale=_locale_label(DEFAULT_LOCALE),
        example_time=when(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)),
        example_money=money(EXAMPLE_AMOUNT, queries.settings()["base_currency"]),
    ), status)


@dashboard.get("/settings")
def preferences():
    """The signed-in person's timezone and locale, as a form."""
    return _form()


@dashboard.post("/settings")
def save_preferences():
    """Keep the timezone and locale chosen (core validates them and records the change)."""
    chosen = {name: request.form.get(name, "").strip() or None for name in ("timezone", "locale")}
    try:
        user = services.set_preferences(g.user, actor=g.user, **chosen)
    except ValidationFailed as error:
        errors = {p.pointer.strip("/"): sentence(p.detail) for p in error.problems if p.pointer}
        return _form(422, errors)
    locale = _locale_label(user.locale) if user.locale else f"{_locale_label(DEFAULT_LOCALE)} (the default)"
    flash(f"Saved. Times are shown in {user.timezone or DEFAULT_TIMEZONE}; dates and money as in {locale}.", "success")
    return redirect(url_for("dashboard.preferences"), 303)
