"""Vendors, SKUs, dimensions and settings as the API and the faces read them."""
from __future__ import annotations

from typing import Any

from core.errors import not_found
from core.models import Dimension, Sku, Vendor
from core.money import display_rate, plain
from core.queries._params import Args, Reader, contains
from core.services.settings import AppSettings, get_settings


def vendor(v: Vendor) -> dict[str, Any]:
    return {
        "id": v.id, "name": v.name, "external_id": v.external_id, "email": v.email, "gstin": v.gstin,
        "currency": v.currency, "payment_terms": v.payment_terms, "address": v.address, "active": v.active,
        "created_at": v.created_at, "updated_at": v.updated_at,
    }


def sku(s: Sku) -> dict[str, Any]:
    return {
        "id": s.id, "code": s.code, "name": s.name, "unit": s.unit,
        "default_rate": plain(s.default_rate) if s.default_rate is not None else None,
        "active": s.active, "created_at": s.created_at, "updated_at": s.updated_at,
    }


def dimension(d: Dimension) -> dict[str, Any]:
    return {
        "id": d.id, "type": d.type, "erp_dimension_id": d.erp_dimension_id, "name": d.name,
        "active": d.active, "created_at": d.created_at, "updated_at": d.updated_at,
    }


def settings(s: AppSettings | None = None) -> dict[str, Any]:
    s = s or get_settings()
    return {
        "base_currency": s.base_currency,
        "po_number_format": s.po_number_format,
        "price_tolerance_pct": plain(s.price_tolerance_pct),
        "price_tolerance_abs": display_rate(s.price_tolerance_abs, s.base_currency),
        "quantity_tolerance_pct": plain(s.quantity_tolerance_pct),
        "over_receipt_tolerance_pct": plain(s.over_receipt_tolerance_pct),
        "approval_levels": [
            {"min_total": display_rate(level["min_total"], s.base_currency), "approvers": level["approvers"]}
            for level in s.approval_levels
        ],
        "approval_reminder_hours": s.approval_reminder_hours,
        "company_name": s.company_name,
        "company_address": s.company_address,
        "po_email_subject": s.po_email_subject,
        "po_email_body": s.po_email_body,
    }


def _one(model, ident: int, what: str, render):
    row = model.get_or_none(model.id == ident)
    if row is None:
        raise not_found(what, ident)
    return render(row)


def get_vendor(vendor_id: int) -> dict[str, Any]:
    return _one(Vendor, vendor_id, "vendor", vendor)


def get_sku(sku_id: int) -> dict[str, Any]:
    return _one(Sku, sku_id, "SKU", sku)


def get_dimension(dimension_id: int) -> dict[str, Any]:
    return _one(Dimension, dimension_id, "dimension", dimension)


def _page(query, r: Reader, render, order) -> tuple[list[dict[str, Any]], dict[str, int]]:
    paging = r.paging()
    r.done()
    rows = query.order_by(*order).limit(paging.per_page).offset(paging.offset)
    return [render(row) for row in rows], paging.meta_of(query)


def vendors(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Vendors by name; filters `q` (name contains), `active`, `external_id`."""
    r = Reader(args, ("q", "active", "external_id"))
    query = Vendor.select()
    if (q := r.text("q")) is not None:
        query = query.where(contains(Vendor.name, q))
    if (active := r.boolean("active")) is not None:
        query = query.where(Vendor.active == active)
    if (ext := r.text("external_id")) is not None:
        query = query.where(Vendor.external_id == ext)
    return _page(query, r, vendor, (Vendor.name, Vendor.id))


def skus(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """SKUs by code; filters `q` (code or name contains), `active`, `code`."""
    r = Reader(args, ("q", "active", "code"))
    query = Sku.select()
    if (q := r.text("q")) is not None:
        query = query.where(contains(Sku.code, q) | contains(Sku.name, q))
    if (active := r.boolean("active")) is not None:
        query = query.where(Sku.active == active)
    if codes := r.values("code"):
        query = query.where(Sku.code.in_(codes))
    return _page(query, r, sku, (Sku.code,))


def dimensions(args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Dimensions by type then id; filters `type`, `active`, `q` (name or id contains)."""
    r = Reader(args, ("type", "active", "q"))
    query = Dimension.select()
    if types := r.values("type"):
        query = query.where(Dimension.type.in_(types))
    if (active := r.boolean("active")) is not None:
        query = query.where(Dimension.active == active)
    if (q := r.text("q")) is not None:
        query = query.where(contains(Dimension.name, q) | contains(Dimension.erp_dimension_id, q))
    return _page(query, r, dimension, (Dimension.type, Dimension.erp_dimension_id))
