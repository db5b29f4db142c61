"""SKUs: one at a time, or up to 1,000 at once (all or nothing)."""
from __future__ import annotations

from typing import Any

from core import audit
from core.db import database
from core.errors import Problem, ValidationFailed, conflict
from core.fields import utcnow
from core.models import Sku, User
from core.schemas.reference import SkuBulk, SkuCreate, SkuPatch
from core.schemas.parse import parse
from core.services._common import get_locked, parsed, unique_as_conflict
from core.services.access import require_role
from core.types import Role

FIELDS = ("code", "name", "unit", "default_rate", "active")


def _taken(codes: set[str], name_keys: set[str], exclude_id: int | None = None) -> tuple[set[str], set[str]]:
    """Which of these codes and (case-folded) names other SKUs already use."""
    query = Sku.select(Sku.code, Sku.name_key).where(Sku.code.in_(list(codes)) | Sku.name_key.in_(list(name_keys)))
    if exclude_id is not None:
        query = query.where(Sku.id != exclude_id)
    rows = list(query.tuples())
    return {c for c, _ in rows if c in codes}, {n for _, n in rows if n in name_keys}


def _uniqueness(items: list[tuple[str, dict[str, Any]]], exclude_id: int | None = None) -> list[Problem]:
    codes = {v["code"] for _, v in items if "code" in v}
    names = {v["name"].casefold() for _, v in items if "name" in v}
    taken_codes, taken_names = _taken(codes, names, exclude_id)
    seen_codes: set[str] = set()
    seen_names: set[str] = set()
    problems = []
    for at, v in items:
        code, key = v.get("code"), v["name"].casefold() if "name" in v else None
        if code is not None and (code in taken_codes or code in seen_codes):
            problems.append(Problem("duplicate_sku_code", f"SKU code {code!r} is already used", at + "/code"))
        if key is not None and (key in taken_names or key in seen_names):
            problems.append(Problem("duplicate_sku_name", f"SKU name {v['name']!r} is already used (names are unique ignoring case)", at + "/name"))
        seen_codes.add(code)
        seen_names.add(key)
    return problems


def create_sku(actor: User | None, body: Any) -> Sku:
    """Add a SKU; code and name (ignoring case) are unique."""
    require_role(actor, Role.admin, "managing SKUs")
    values = parsed(SkuCreate, body)
    with database.atomic():
        problems = _uniqueness([("", values)])
        if problems:
            raise conflict(problems[0].code, problems[0].detail, problems[0].pointer)
        with unique_as_conflict("duplicate_sku_code", "this SKU code or name is already used", "/code"):
            sku = Sku.create(name_key=values["name"].casefold(), **values)
        audit.record("sku", sku.id, "created", actor, audit.diff({}, values))
    return sku


def create_skus(actor: User | None, body: Any) -> list[Sku]:
    """Add many SKUs at once: all of them, or none and a 400 listing every problem."""
    require_role(actor, Role.admin, "managing SKUs")
    values, problems = parse(SkuBulk, body)
    items = [(f"/skus/{i}", v) for i, v in enumerate(values.get("skus") or []) if v is not None]
    with database.atomic():
        problems += _uniqueness(items)
        if problems:
            raise ValidationFailed(problems)
        now = utcnow()
        rows = [dict(v, name_key=v["name"].casefold(), created_at=now, updated_at=now) for _, v in items]
        with unique_as_conflict("duplicate_sku_code", "a SKU code or name is already used", "/skus"):
            for chunk in range(0, len(rows), 200):
                Sku.insert_many(rows[chunk:chunk + 200]).execute()
        by_code = {s.code: s for s in Sku.select().where(Sku.code.in_([v["code"] for _, v in items]))}
        created = [by_code[v["code"]] for _, v in items]
        audit.record_many("sku", actor, [(s.id, "created", audit.diff({}, v)) for s, (_, v) in zip(created, items)])
    return created


def update_sku(actor: User | None, sku_id: int, body: Any) -> Sku:
    """Change the fields given."""
    require_role(actor, Role.admin, "managing SKUs")
    values = parsed(SkuPatch, body, partial=True)
    with database.atomic():
        sku = get_locked(Sku, sku_id, "SKU")
        before = {name: getattr(sku, name) for name in FIELDS}
        for name, value in values.items():
            setattr(sku, name, value)
        after = {name: getattr(sku, name) for name in FIELDS}
        changes = audit.diff(before, after)
        if changes:
            check = {k: after[k] for k in ("code", "name") if k in changes}
            problems = _uniqueness([("", check)], exclude_id=sku.id) if check else []
            if problems:
                raise conflict(problems[0].code, problems[0].detail, problems[0].pointer)
            sku.name_key, sku.updated_at = sku.name.casefold(), utcnow()
            with unique_as_conflict("duplicate_sku_code", "this SKU code or name is already used", "/code"):
                sku.save()
            audit.record("sku", sku.id, "updated", actor, changes)
    return sku
