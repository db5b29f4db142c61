"""Finding things by what people type: users by Slack id or email, vendors and SKUs by name or code
(ranked with rapidfuzz, for the sentence parser and pickers), and the PO numbers closest to a typo."""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
import string
from typing import Any

from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz, process, utils

from core.db import database, is_postgres
from core.fields import utcnow
from core.models import ApiKey, PurchaseOrder, Sku, User, Vendor
from core.queries._params import checked, row_limit
from core.services.settings import format_po_number, get_settings

KEY_PREFIX = "pdk_"
_ALPHABET = string.digits + string.ascii_uppercase + "-/"


def user_by_slack_id(slack_id: str) -> User | None:
    """The active podesk user linked to this Slack user, if any."""
    if not isinstance(slack_id, str) or not slack_id:
        return None
    return User.get_or_none(User.slack_id == slack_id, User.active == True)  # noqa: E712


def user_by_email(email: str) -> User | None:
    """The active podesk user with this email address (any case), if any."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except (EmailNotValidError, AttributeError):
        return None
    return User.get_or_none(User.email == address, User.active == True)  # noqa: E712


def user(user_id: int) -> User | None:
    """The user with this id, if any."""
    return User.get_or_none(User.id == user_id)


def user_for_api_key(key: str | None) -> User | None:
    """The active user an API key belongs to; None for a missing, unknown or revoked key."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    # Every API request runs this; the statement is written once, not rebuilt by peewee each time
    # (that was a quarter of a list request's time).
    postgres = is_postgres()
    row = database.execute_sql(_key_statement(postgres), (hashlib.sha256(key.encode()).hexdigest(), True)).fetchone()
    if row is None:
        return None
    return User(**{f.name: f.python_value(value) for f, value in zip(User._meta.sorted_fields, row)})


@lru_cache(maxsize=2)
def _key_statement(postgres: bool) -> str:
    mark = "%s" if postgres else "?"
    columns = ", ".join(f'u."{f.column_name}"' for f in User._meta.sorted_fields)
    return (f'SELECT {columns} FROM "{ApiKey._meta.table_name}" AS k JOIN "{User._meta.table_name}" AS u '
            f'ON k."{ApiKey.user.column_name}" = u."id" WHERE k."{ApiKey.key_hash.column_name}" = {mark} '
            f'AND k."{ApiKey.revoked_at.column_name}" IS NULL AND u."{User.active.column_name}" = {mark} LIMIT 1')


def _typed(text: str | None) -> str:
    """What was typed, trimmed ("" for nothing); ValidationFailed at /text for anything but a string."""
    return (checked("text", text, (str, type(None)), "a string") or "").strip()


def _ranked(text: str, choices: dict[int, str], limit: int, cutoff: float) -> list[tuple[int, float]]:
    found = process.extract(text, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=cutoff)
    return [(key, score) for _, score, key in found]


def find_vendors(text: str, *, limit: int = 10, cutoff: float = 60) -> list[dict[str, Any]]:
    """Active vendors most like `text` (an exact name first); with no text, the first by name."""
    text, limit = _typed(text), row_limit(limit)
    vendors = {v.id: v for v in Vendor.select().where(Vendor.active == True)}  # noqa: E712
    if not text:
        ranked = [(v.id, 0.0) for v in sorted(vendors.values(), key=lambda v: v.name.casefold())[:limit]]
    else:
        exact = [(v.id, 100.0) for v in vendors.values() if v.name.casefold() == text.casefold()]
        ranked = exact + [r for r in _ranked(text, {i: v.name for i, v in vendors.items()}, limit, cutoff) if r[0] not in dict(exact)]
    return [{"id": i, "name": vendors[i].name, "currency": vendors[i].currency, "payment_terms": vendors[i].payment_terms,
             "score": score} for i, score in ranked[:limit]]


def find_skus(text: str, *, limit: int = 10, cutoff: float = 60) -> list[dict[str, Any]]:
    """Active SKUs whose code or name is most like `text` (an exact code or name first)."""
    text, limit = _typed(text), row_limit(limit)
    skus = {s.id: s for s in Sku.select().where(Sku.active == True)}  # noqa: E712
    exact = [(s.id, 100.0) for s in skus.values() if text and text.casefold() in (s.code.casefold(), s.name_key)]
    seen = dict(exact)
    by_code = _ranked(text, {i: s.code for i, s in skus.items()}, limit, cutoff) if text else []
    by_name = _ranked(text, {i: s.name for i, s in skus.items()}, limit, cutoff) if text else []
    ranked = list(exact)
    for i, score in sorted(by_code + by_name, key=lambda r: -r[1]):
        if i not in seen:
            seen[i] = score
            ranked.append((i, score))
    return [{"id": i, "code": skus[i].code, "name": skus[i].name, "unit": skus[i].unit,
             "default_rate": skus[i].default_rate, "score": score} for i, score in ranked[:limit]]


def _edits(word: str) -> set[str]:
    """Every string one typo away (a character dropped, swapped with its neighbour, changed or added)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _ALPHABET} | {a + c + b for a, b in splits for c in _ALPHABET})


def closest_po_numbers(text: str, *, limit: int = 3) -> list[str]:
    """Existing PO numbers closest to what was typed ("did you mean"): one typo away, or the number
    alone ("42" → PO-00042), best first; found with the unique index, whatever the number of POs."""
    typed, limit = _typed(text).upper(), row_limit(limit)
    if not typed or len(typed) > 50:
        return []
    candidates = {typed} | _edits(typed)
    if re.fullmatch(r"\d{1,9}", typed):
        candidates.add(format_po_number(get_settings().po_number_format, int(typed), utcnow().year))
    found: set[str] = set()
    pool = sorted(candidates)
    for start in range(0, len(pool), 900):  # stay under every database's bound-parameter limit
        chunk = pool[start:start + 900]
        found |= {n for (n,) in PurchaseOrder.select(PurchaseOrder.po_number).where(PurchaseOrder.po_number.in_(chunk)).tuples()}
    return sorted(found, key=lambda n: (-fuzz.ratio(typed, n), n))[:limit]

