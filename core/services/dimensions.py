"""Dimensions (GL account, project, department …) that PO lines and invoice lines carry."""
from __future__ import annotations

from typing import Any

from core import audit
from core.db import database
from core.errors import conflict, invalid
from core.fields import utcnow
from core.models import Dimension, User
from core.schemas.reference import DimensionCreate, DimensionPatch
from core.services._common import get_locked, parsed, unique_as_conflict
from core.services.access import require_role
from core.types import Role

FIELDS = ("type", "erp_dimension_id", "name", "active")


def _check_unique(dim_type: str, erp_id: str, dimension_id: int | None = None) -> None:
    query = Dimension.select().where(Dimension.type == dim_type, Dimension.erp_dimension_id == erp_id)
    if dimension_id is not None:
        query = query.where(Dimension.id != dimension_id)
    if query.exists():
        raise conflict("duplicate_dimension", f"dimension {dim_type} {erp_id!r} already exists", "/erp_dimension_id")


def create_dimension(actor: User | None, body: Any) -> Dimension:
    """Add a dimension; (type, erp_dimension_id) is unique."""
    require_role(actor, Role.admin, "managing dimensions")
    values = parsed(DimensionCreate, body)
    with database.atomic():
        _check_unique(values["type"], values["erp_dimension_id"])
        with unique_as_conflict("duplicate_dimension", "this dimension already exists", "/erp_dimension_id"):
            dimension = Dimension.create(**values)
        audit.record("dimension", dimension.id, "created", actor, audit.diff({}, values))
    return dimension


def update_dimension(actor: User | None, dimension_id: int, body: Any) -> Dimension:
    """Change the fields given."""
    require_role(actor, Role.admin, "managing dimensions")
    values = parsed(DimensionPatch, body, partial=True)
    with database.atomic():
        dimension = get_locked(Dimension, dimension_id, "dimension")
        if values.get("type", dimension.type) != dimension.type:
            # PO lines keep a dimension under its type; moving it to another type would re-code them.
            raise invalid("immutable_field", "a dimension's type cannot change; create a new dimension", "/type")
        before = {name: getattr(dimension, name) for name in FIELDS}
        for name, value in values.items():
            setattr(dimension, name, value)
        changes = audit.diff(before, {name: getattr(dimension, name) for name in FIELDS})
        if changes:
            if "erp_dimension_id" in changes:
                _check_unique(dimension.type, dimension.erp_dimension_id, dimension.id)
            dimension.updated_at = utcnow()
            with unique_as_conflict("duplicate_dimension", "this dimension already exists", "/erp_dimension_id"):
                dimension.save()
            audit.record("dimension", dimension.id, "updated", actor, changes)
    return dimension
