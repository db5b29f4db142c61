"""/vendors, /skus, /dimensions, /settings: admins write, everyone reads."""
from __future__ import annotations

from flask import jsonify, url_for

from core import queries as q
from core.schemas.reference import (
    DimensionCreate,
    DimensionPatch,
    SettingsPatch,
    SkuBulk,
    SkuCreate,
    SkuPatch,
    VendorCreate,
    VendorPatch,
)
from core import services
from web import schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, listing
from web.openapi import PAGING, Param, route

VENDOR_RULES = ("invalid_gstin /gstin", "invalid_email /email")  # a check digit; an address no mail can reach
ACTIVE = Param("active", "true or false", q.QuerySchema.boolean())


def created(resource: dict, endpoint: str, **ids):
    response = jsonify(resource)
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, **ids)
    return response


# Vendors

@route(api, "/vendors", "POST", summary="Add a vendor", tag="vendors", body=VendorCreate,
       response=schemas.Vendor, status=201, errors=(409,), rules=VENDOR_RULES)
@requires("admin")
def create_vendor():
    vendor = services.create_vendor(actor(), body())
    return created(q.vendor(vendor), "api.get_vendor", vendor_id=vendor.id)


@route(api, "/vendors", "GET", summary="List vendors", tag="vendors", response=schemas.VendorList,
       params=(Param("q", "name contains (case-insensitive)", q.QuerySchema.text()), ACTIVE,
               Param("external_id", "exactly", q.QuerySchema.text()), *PAGING))
def list_vendors():
    return listing(*q.vendors(args()))


@route(api, "/vendors/<int:vendor_id>", "GET", summary="Read a vendor", tag="vendors", response=schemas.Vendor)
def get_vendor(vendor_id: int):
    return q.get_vendor(vendor_id)


@route(api, "/vendors/<int:vendor_id>", "PATCH", summary="Change a vendor", tag="vendors",
       body=VendorPatch, response=schemas.Vendor, errors=(409,), rules=VENDOR_RULES)
@requires("admin")
def update_vendor(vendor_id: int):
    return q.vendor(services.update_vendor(actor(), vendor_id, body()))


# SKUs

@route(api, "/skus", "POST", summary="Add a SKU", tag="skus", body=SkuCreate, response=schemas.Sku,
       status=201, errors=(409,))
@requires("admin")
def create_sku():
    sku = services.create_sku(actor(), body())
    return created(q.sku(sku), "api.get_sku", sku_id=sku.id)


@route(api, "/skus/bulk", "POST", summary="Add up to 1,000 SKUs: all of them, or none and every problem",
       tag="skus", body=SkuBulk, response=schemas.SkuBulkCreated, status=201,
       rules=("duplicate_sku_code /skus/*/code", "duplicate_sku_name /skus/*/name"))
@requires("admin")
def create_skus():
    return {"data": [q.sku(s) for s in services.create_skus(actor(), body())]}, 201


@route(api, "/skus", "GET", summary="List SKUs", tag="skus", response=schemas.SkuList,
       params=(Param("q", "code or name contains", q.QuerySchema.text()), ACTIVE,
               Param("code", "exact codes, repeated or comma-separated", q.QuerySchema.values()), *PAGING))
def list_skus():
    return listing(*q.skus(args()))


@route(api, "/skus/<int:sku_id>", "GET", summary="Read a SKU", tag="skus", response=schemas.Sku)
def get_sku(sku_id: int):
    return q.get_sku(sku_id)


@route(api, "/skus/<int:sku_id>", "PATCH", summary="Change a SKU", tag="skus", body=SkuPatch,
       response=schemas.Sku, errors=(409,))
@requires("admin")
def update_sku(sku_id: int):
    return q.sku(services.update_sku(actor(), sku_id, body()))


# Dimensions

@route(api, "/dimensions", "POST", summary="Add a dimension", tag="dimensions", body=DimensionCreate,
       response=schemas.Dimension, status=201, errors=(409,))
@requires("admin")
def create_dimension():
    dimension = services.create_dimension(actor(), body())
    return created(q.dimension(dimension), "api.get_dimension", dimension_id=dimension.id)


@route(api, "/dimensions", "GET", summary="List dimensions", tag="dimensions", response=schemas.DimensionList,
       params=(Param("type", "PROJECT, GL_ACCOUNT …; repeated or comma-separated", q.QuerySchema.values()), ACTIVE,
               Param("q", "name or id contains", q.QuerySchema.text()), *PAGING))
def list_dimensions():
    return listing(*q.dimensions(args()))


@route(api, "/dimensions/<int:dimension_id>", "GET", summary="Read a dimension", tag="dimensions", response=schemas.Dimension)
def get_dimension(dimension_id: int):
    return q.get_dimension(dimension_id)


@route(api, "/dimensions/<int:dimension_id>", "PATCH", summary="Change a dimension", tag="dimensions",
       body=DimensionPatch, response=schemas.Dimension, errors=(409,), rules=("immutable_field /type",))
@requires("admin")
def update_dimension(dimension_id: int):
    return q.dimension(services.update_dimension(actor(), dimension_id, body()))


# Settings

@route(api, "/settings", "GET", summary="The settings in force", tag="settings", response=schemas.Settings)
def get_settings():
    return q.settings()


@route(api, "/settings", "PATCH", summary="Change settings (fields omitted keep their value)", tag="settings",
       body=SettingsPatch, response=schemas.Settings, errors=(409,), rules=(
           "invalid_value /po_number_format",  # must hold {seq}, only {seq} and {year}, numbers ≤ 50 characters
           "invalid_value /approval_levels/*/approvers/*",  # users who exist and may approve
           "invalid_value /approval_levels/*/min_total",  # distinct, within the base currency's places
           "invalid_value /po_email_subject", "invalid_value /po_email_body",  # only the known {placeholders}
       ))
@requires("admin")
def update_settings():
    return q.settings(services.update_settings(actor(), body()))
