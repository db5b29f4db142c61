"""Which timezones and locales a person may choose for how dates and money are shown to them."""
from __future__ import annotations

import zoneinfo
from functools import cache

from babel import Locale, UnknownLocaleError

from core.errors import Problem

# The IANA names of places (the rest of the database is old aliases such as US/Eastern and fixed
# offsets such as Etc/GMT+5, which are valid but no one looks for them in a list).
REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
# A short list to choose from; any locale babel knows is accepted (Slack's, say).
COMMON_LOCALES = (
    "en_IN", "hi_IN", "en_US", "en_GB", "en_AU", "en_CA", "en_SG", "en_AE", "de_DE", "de_CH", "fr_FR", "fr_CA",
    "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR", "pt_PT", "sv_SE", "pl_PL", "tr_TR", "ar_AE", "ja_JP", "zh_CN",
    "zh_TW", "ko_KR", "id_ID", "th_TH", "vi_VN",
)
MAX_LOCALE = 16  # the column's width
# Files in some timezone databases that are not a place's time: the server's own zone (a link to
# /etc/localtime) and the "Factory" placeholder.
NOT_A_PLACE = frozenset({"localtime", "Factory", "posixrules"})


@cache
def known_timezones() -> frozenset[str]:
    """Every IANA timezone name this machine's timezone database has."""
    return frozenset(zoneinfo.available_timezones() - NOT_A_PLACE)


@cache
def timezone_choices() -> tuple[str, ...]:
    """UTC, then the places' timezones in alphabetical order."""
    return ("UTC", *sorted(name for name in known_timezones() if name.startswith(REGIONS)))


def timezone_problem(name: object) -> Problem | None:
    """Why `name` is not a timezone podesk can show times in (None when it is one)."""
    if isinstance(name, str) and name in known_timezones():
        return None
    return Problem("invalid_value", f"{name!r} is not a known timezone (e.g. Asia/Kolkata)", "/timezone")


def normal_locale(name: object) -> str | Problem:
    """`name` as babel spells it (`en-IN` → `en_IN`), or the problem with it."""
    if isinstance(name, str):
        try:
            spelled = str(Locale.parse(name.replace("-", "_")))
        except (UnknownLocaleError, ValueError):
            spelled = ""
        if spelled and len(spelled) <= MAX_LOCALE:
            return spelled
    return Problem("invalid_value", f"{name!r} is not a known locale (e.g. en_IN)", "/locale")
