"""/purchase-orders: create, read, list, update, delete, and the audit trail."""
from __future__ import annotations

import re

from flask import request, url_for

from core import services
from core import queries as q
from core.queries import PoFilter
from core.schemas import validated
from core.errors import invalid
from core.schemas.actions import ApproveBody, CancelBody, CloseBody, CopyBody, RejectBody, SubmitBody
from core.schemas.purchase_orders import PurchaseOrderCreate, PurchaseOrderPatch
from web import schemas
from web.api import api, args
from web.auth import actor, requires
from web.jsonio import body, etagged, listing
from web.openapi import IF_MATCH_SCHEMA, PAGING, PO_RULES, VERSION_RULES, Param, route

TAG = "purchase orders"
_MULTI = "repeat the parameter or separate values with commas"
_CHOICE_HELP = {name: ", ".join(values) for name, values in q.PO_FILTER_CHOICES.items()}
LIST_PARAMS = (
    *(Param(name, f"{_CHOICE_HELP[name]}; {_MULTI}", q.QuerySchema.choices(values)) for name, values in q.PO_FILTER_CHOICES.items()),
    Param("vendor_id", f"vendor ids; {_MULTI}", q.QuerySchema.ids()),
    Param("requested_by", f"user ids; {_MULTI}", q.QuerySchema.ids()),
    Param("po_date_from", "po_date on or after (YYYY-MM-DD)", q.QuerySchema.date()),
    Param("po_date_to", "po_date on or before (YYYY-MM-DD)", q.QuerySchema.date()),
    Param("min_total", "total (in the PO's currency) at least this", q.QuerySchema.amount()),
    Param("max_total", "total (in the PO's currency) at most this", q.QuerySchema.amount()),
    Param("q", "case-insensitive substring of the PO number, description or vendor name (at most 200 characters)", q.QuerySchema.text()),
    Param("external_id", "the ERP's id, exactly", q.QuerySchema.text()),
    Param("sort", f"comma-separated {', '.join(q.PO_SORTABLE)}; prefix - for descending (default -created_at)",
          q.QuerySchema.sort(q.PO_SORTABLE)),
    *PAGING,
)


_VERSION_TAG = re.compile(r'(?:W/)?"([0-9]+)"|([0-9]+)')  # as the ETag gave it, or the bare number


def if_match() -> int | None:
    """The version an If-Match header insists on (None when absent or `*`); -1 for one too long to
    be any PO's (so it never matches); a 400 when it is not a version at all."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = _VERSION_TAG.fullmatch(header.strip())
    if tag is None:
        raise invalid("invalid_value", f'If-Match must be one version as the ETag header gave it, such as "3" (or *); got {header[:40]!r}')
    version = tag.group(1) or tag.group(2)
    return int(version) if len(version) <= 18 else -1


@route(api, "/purchase-orders", "POST", summary="Create a purchase order (a draft, or submitted with submit: true)",
       tag=TAG, body=PurchaseOrderCreate, response=schemas.PurchaseOrder, status=201, errors=(409,), rules=PO_RULES)
@requires("requester")
def create_purchase_order():
    created = services.create_po(actor(), body())
    resource = q.purchase_order(created.po.id, submit_warnings=created.submit_warnings)
    return etagged(resource, 201, Location=url_for("api.get_purchase_order", po_id=created.po.id))


@route(api, "/purchase-orders", "GET", summary="List purchase orders (filters, sorts, pages)", tag=TAG,
       response=schemas.PurchaseOrderList, params=LIST_PARAMS)
def list_purchase_orders():
    return listing(*q.purchase_orders(PoFilter.from_args(args())))


@route(api, "/purchase-orders/<int:po_id>", "GET", summary="Read a purchase order", tag=TAG, response=schemas.PurchaseOrder)
def get_purchase_order(po_id: int):
    return etagged(q.purchase_order(po_id))


@route(api, "/purchase-orders/<int:po_id>", "PATCH", summary="Change a purchase order (only the fields given)",
       tag=TAG, body=PurchaseOrderPatch, response=schemas.PurchaseOrder, errors=(409, 412),
       rules=(*PO_RULES, *VERSION_RULES, "immutable_field /status", "immutable_field /po_number", "immutable_field /external_id",
              "invalid_line_items /line_items/*/id", "invalid_line_items /line_items/*/delete", "invalid_line_items /line_items",
              # a line without an id is a new one, and needs what a line of a new PO needs
              "missing_field /line_items/*/identifier", "missing_field /line_items/*/quantity", "missing_field /line_items/*/rate"),
       params=(Param("If-Match", 'the version you read, as "3": refused with 412 if it changed since, 400 if it is not a version', IF_MATCH_SCHEMA, where="header"),))
@requires("requester")
def update_purchase_order(po_id: int):
    services.update_po(actor(), po_id, body(), expected_version=if_match())
    return etagged(q.purchase_order(po_id))


@route(api, "/purchase-orders/<int:po_id>", "DELETE", summary="Delete a draft", tag=TAG,
       status=204, errors=(409, 412), rules=VERSION_RULES,
       params=(Param("If-Match", 'the version you read, as "3" (412 if it changed since, 400 if it is not a version)', IF_MATCH_SCHEMA, where="header"),))
@requires("requester")
def delete_purchase_order(po_id: int):
    services.delete_po(actor(), po_id, expected_version=if_match())
    return "", 204


@route(api, "/purchase-orders/<int:po_id>/events", "GET", summary="The PO's audit trail, oldest first", tag=TAG,
       response=schemas.EventList, params=PAGING)
def purchase_order_events(po_id: int):
    return listing(*q.po_events(po_id, args()))


# Lifecycle actions: each answers with the PO as it now is.

IF_MATCH = (Param("If-Match", 'optional: the version you read, as "3" (412 if it changed since, 400 if it is not a version)', IF_MATCH_SCHEMA, where="header"),)


def _action(name: str, service, schema, *, role: str, summary: str, errors: tuple[int, ...], rules: tuple[str, ...] = ()):
    """POST /purchase-orders/{id}/<name>: the body, checked by the action's schema, becomes its keyword arguments."""
    def view(po_id: int):
        service(actor(), po_id, **validated(schema, body()), expected_version=if_match())
        return etagged(q.purchase_order(po_id))

    view.__name__ = f"{name}_purchase_order"
    route(api, f"/purchase-orders/<int:po_id>/{name}", "POST", summary=summary, tag=TAG, body=schema,
          body_optional=schema is not RejectBody, response=schemas.PurchaseOrder, errors=errors, params=IF_MATCH,
          rules=(*VERSION_RULES, *rules))(requires(role)(view))


_action("submit", services.submit_po, SubmitBody, role="requester", errors=(409, 412), rules=("incomplete_po",),
        summary="Submit a draft: pending the first approval level, or approved when none applies (400 incomplete_po with meta.submit_warnings)")
_action("approve", services.approve_po, ApproveBody, role="approver", errors=(409, 412),
        summary="Approve the current level (403 self_approval_forbidden / not_your_approval; 409 when someone decided first)")
_action("reject", services.reject_po, RejectBody, role="approver", errors=(409, 412),
        summary="Reject the PO at its current level; reason required")
_action("cancel", services.cancel_po, CancelBody, role="requester", errors=(409, 412),
        summary="Cancel (the requester or an admin); 409 po_has_activity once anything is received or billed")
_action("close", services.close_po, CloseBody, role="admin", errors=(409, 412), summary="Close an approved PO")


@route(api, "/purchase-orders/<int:po_id>/copy", "POST", summary="Start a new draft from this PO (header, lines, dimensions)",
       tag=TAG, body=CopyBody, body_optional=True, response=schemas.PurchaseOrder, status=201, errors=(409,),
       rules=("invalid_delivery_date /po_date", "dimension_not_found /line_items/*/dimensions/*",
              "sku_not_found /line_items/*/sku_code"))  # what the original refers to may have gone inactive
@requires("requester")
def copy_purchase_order(po_id: int):
    created = services.copy_po(actor(), po_id, **validated(CopyBody, body()))
    resource = q.purchase_order(created.po.id)
    return etagged(resource, 201, Location=url_for("api.get_purchase_order", po_id=created.po.id))
