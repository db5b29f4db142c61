"""Vendors, SKUs and dimensions: admins create and change them through one path.

Each kind says what differs (its schemas, fields, uniqueness rules, values derived from others);
`_create` and `_update` do the rest the same way for all three: role, validation, lock, uniqueness
(checked first for a clear message, and by the unique index for a race), the row, the audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from peewee import Model

from core import audit
from core.db import database
from core.errors import Conflict, Problem, ValidationFailed, invalid
from core.fields import utcnow
from core.models import Dimension, PurchaseOrder, Sku, User, Vendor
from core.schemas.parse import parse
from core.schemas.reference import (
    DimensionCreate,
    DimensionPatch,
    SkuBulk,
    SkuCreate,
    SkuPatch,
    VendorCreate,
    VendorPatch,
)
from core.services._access import require_role
from core.services._common import get_locked, parsed, unique_as_conflict
from core.services._po_store import bump_where
from core.types import Role

Uniqueness = Callable[[list[tuple[str, dict[str, Any]]], int | None], list[Problem]]


@dataclass(frozen=True)
class _Kind:
    model: type[Model]
    entity: str  # audit entity type
    what: str  # in messages: "vendor", "SKU", "dimension"
    doing: str
    create: type
    patch: type
    fields: tuple[str, ...]
    unique: Uniqueness
    race_code: str  # the code a unique-index violation (a race) answers with
    derived: Callable[[dict[str, Any]], dict[str, Any]] = lambda values: {}


def _vendor_unique(items: list[tuple[str, dict[str, Any]]], exclude_id: int | None) -> list[Problem]:
    problems = []
    for at, values in items:
        ext = values.get("external_id")
        query = Vendor.select().where(Vendor.external_id == ext)
        if ext is not None and (query if exclude_id is None else query.where(Vendor.id != exclude_id)).exists():
            problems.append(Problem("duplicate_external_id", f"another vendor has external_id {ext!r}", at + "/external_id"))
    return problems


def _sku_unique(items: list[tuple[str, dict[str, Any]]], exclude_id: int | None) -> list[Problem]:
    codes = {v["code"] for _, v in items if "code" in v}
    keys = {v["name"].casefold() for _, v in items if "name" in v}
    query = Sku.select(Sku.code, Sku.name_key).where(Sku.code.in_(list(codes)) | Sku.name_key.in_(list(keys)))
    if exclude_id is not None:
        query = query.where(Sku.id != exclude_id)
    rows = list(query.tuples())
    taken_codes, taken_keys = {c for c, _ in rows}, {k for _, k in rows}
    problems, seen_codes, seen_keys = [], set(), set()
    for at, v in items:
        code, key = v.get("code"), v["name"].casefold() if "name" in v else None
        if code is not None and (code in taken_codes or code in seen_codes):
            problems.append(Problem("duplicate_sku_code", f"SKU code {code!r} is already used", at + "/code"))
        if key is not None and (key in taken_keys or key in seen_keys):
            problems.append(Problem("duplicate_sku_name", f"SKU name {v['name']!r} is already used (names are unique ignoring case)", at + "/name"))
        seen_codes.add(code)
        seen_keys.add(key)
    return problems


def _dimension_unique(items: list[tuple[str, dict[str, Any]]], exclude_id: int | None) -> list[Problem]:
    problems = []
    for at, v in items:
        query = Dimension.select().where(Dimension.type == v["type"], Dimension.erp_dimension_id == v["erp_dimension_id"])
        if (query if exclude_id is None else query.where(Dimension.id != exclude_id)).exists():
            problems.append(Problem("duplicate_dimension", f"dimension {v['type']} {v['erp_dimension_id']!r} already exists", at + "/erp_dimension_id"))
    return problems


VENDOR = _Kind(Vendor, "vendor", "vendor", "managing vendors", VendorCreate, VendorPatch,
               ("name", "external_id", "email", "gstin", "currency", "payment_terms", "address", "active"), _vendor_unique, "duplicate_external_id")
SKU = _Kind(Sku, "sku", "SKU", "managing SKUs", SkuCreate, SkuPatch, ("code", "name", "unit", "default_rate", "active"),
            _sku_unique, "duplicate_sku_code", derived=lambda v: {"name_key": v["name"].casefold()})
DIMENSION = _Kind(Dimension, "dimension", "dimension", "managing dimensions", DimensionCreate, DimensionPatch,
                  ("type", "erp_dimension_id", "name", "active"), _dimension_unique, "duplicate_dimension")


def _snapshot(kind: _Kind, row: Model) -> dict[str, Any]:
    return {name: getattr(row, name) for name in kind.fields}


def _raise_first(problems: list[Problem]) -> None:
    if problems:
        raise Conflict(problems[:1])


def _create(kind: _Kind, actor: User, body: Any) -> Model:
    require_role(actor, Role.admin, kind.doing)
    values = parsed(kind.create, body)
    with database.atomic():
        _raise_first(kind.unique([("", values)], None))
        with unique_as_conflict(kind.race_code, f"this {kind.what} already exists"):
            row = kind.model.create(**values, **kind.derived(values))
        audit.record(kind.entity, row.id, "created", actor, audit.diff({}, _snapshot(kind, row)))
    return row


def _update(kind: _Kind, actor: User, ident: int, body: Any, check: Callable[[Model, dict], None] = lambda row, values: None) -> Model:
    require_role(actor, Role.admin, kind.doing)
    values = parsed(kind.patch, body, partial=True)
    with database.atomic():
        row = get_locked(kind.model, ident, kind.what)
        check(row, values)
        before = _snapshot(kind, row)
        for name, value in values.items():
            setattr(row, name, value)
        after = _snapshot(kind, row)
        changes = audit.diff(before, after)
        if changes:
            _raise_first(kind.unique([("", {k: after[k] for k in kind.fields})], row.id))
            for name, value in {**kind.derived(after), "updated_at": utcnow()}.items():
                setattr(row, name, value)
            with unique_as_conflict(kind.race_code, f"this {kind.what} already exists"):
                row.save()
            if kind is VENDOR and "name" in changes:  # POs keep a copy of the name, for sorting and search
                bump_where(PurchaseOrder.vendor == row.id, {"vendor_name": row.name})
            audit.record(kind.entity, row.id, "updated", actor, changes)
    return row


def create_vendor(actor: User, body: Any) -> Vendor:
    """Add a vendor; its external_id is unique."""
    return _create(VENDOR, actor, body)


def update_vendor(actor: User, vendor_id: int, body: Any) -> Vendor:
    """Change the fields given; a new name shows on the vendor's purchase orders too."""
    return _update(VENDOR, actor, vendor_id, body)


def create_sku(actor: User, body: Any) -> Sku:
    """Add a SKU; code and name (ignoring case) are unique."""
    return _create(SKU, actor, body)


def update_sku(actor: User, sku_id: int, body: Any) -> Sku:
    """Change the fields given."""
    return _update(SKU, actor, sku_id, body)


def create_dimension(actor: User, body: Any) -> Dimension:
    """Add a dimension; (type, erp_dimension_id) is unique."""
    return _create(DIMENSION, actor, body)


def _type_is_fixed(row: Dimension, values: dict[str, Any]) -> None:
    if values.get("type", row.type) != row.type:
        # PO lines keep a dimension under its type; moving it to another type would re-code them.
        raise invalid("immutable_field", "a dimension's type cannot change; create a new dimension", "/type")


def update_dimension(actor: User, dimension_id: int, body: Any) -> Dimension:
    """Change the fields given (not its type)."""
    return _update(DIMENSION, actor, dimension_id, body, check=_type_is_fixed)


def create_skus(actor: User, body: Any) -> list[Sku]:
    """Add many SKUs at once: all of them, or none and a 400 listing every problem."""
    require_role(actor, Role.admin, SKU.doing)
    values, problems = parse(SkuBulk, body)
    items = [(f"/skus/{i}", v) for i, v in enumerate(values.get("skus") or []) if v is not None]
    with database.atomic():
        problems += SKU.unique(items, None)
        if problems:
            raise ValidationFailed(problems)
        now = utcnow()
        rows = [dict(v, **SKU.derived(v), created_at=now, updated_at=now) for _, v in items]
        with unique_as_conflict(SKU.race_code, "a SKU code or name is already used", "/skus"):
            for chunk in range(0, len(rows), 200):
                Sku.insert_many(rows[chunk:chunk + 200]).execute()
        by_code = {s.code: s for s in Sku.select().where(Sku.code.in_([v["code"] for _, v in items]))}
        created = [by_code[v["code"]] for _, v in items]
        audit.record_many("sku", actor, [(s.id, "created", audit.diff({}, v)) for s, (_, v) in zip(created, items)])
    return created
