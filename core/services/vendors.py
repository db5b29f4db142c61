"""Vendors (admin writes)."""
from __future__ import annotations

from typing import Any

from core import audit
from core.db import database
from core.errors import conflict
from core.fields import utcnow
from core.models import PurchaseOrder, User, Vendor
from core.schemas.reference import VendorCreate, VendorPatch
from core.services._common import get_locked, parsed, unique_as_conflict
from core.services.access import require_role
from core.types import Role

FIELDS = ("name", "external_id", "email", "gstin", "currency", "payment_terms", "active")


def _snapshot(vendor: Vendor) -> dict[str, Any]:
    return {name: getattr(vendor, name) for name in FIELDS}


def _check_external_id(external_id: str | None, vendor_id: int | None = None) -> None:
    if external_id is None:
        return
    query = Vendor.select().where(Vendor.external_id == external_id)
    if vendor_id is not None:
        query = query.where(Vendor.id != vendor_id)
    if query.exists():
        raise conflict("duplicate_external_id", f"another vendor has external_id {external_id!r}", "/external_id")


def create_vendor(actor: User | None, body: Any) -> Vendor:
    """Add a vendor."""
    require_role(actor, Role.admin, "managing vendors")
    values = parsed(VendorCreate, body)
    with database.atomic():
        _check_external_id(values.get("external_id"))
        with unique_as_conflict("duplicate_external_id", "another vendor has this external_id", "/external_id"):
            vendor = Vendor.create(**values)
        audit.record("vendor", vendor.id, "created", actor, audit.diff({}, _snapshot(vendor)))
    return vendor


def update_vendor(actor: User | None, vendor_id: int, body: Any) -> Vendor:
    """Change the fields given; a new name shows on the vendor's purchase orders too."""
    require_role(actor, Role.admin, "managing vendors")
    values = parsed(VendorPatch, body, partial=True)
    with database.atomic():
        vendor = get_locked(Vendor, vendor_id, "vendor")
        before = _snapshot(vendor)
        if "external_id" in values:
            _check_external_id(values["external_id"], vendor.id)
        for name, value in values.items():
            setattr(vendor, name, value)
        changes = audit.diff(before, _snapshot(vendor))
        if changes:
            vendor.updated_at = utcnow()
            with unique_as_conflict("duplicate_external_id", "another vendor has this external_id", "/external_id"):
                vendor.save()
            if "name" in changes:
                PurchaseOrder.update(vendor_name=vendor.name, version=PurchaseOrder.version + 1, updated_at=utcnow()).where(
                    PurchaseOrder.vendor == vendor.id).execute()
            audit.record("vendor", vendor.id, "updated", actor, changes)
    return vendor
