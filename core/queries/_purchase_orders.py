"""Purchase orders as people and programs read them: one PO in full, a page of them, its trail."""
from __future__ import annotations

import json
from typing import Any

from peewee import JOIN, fn

from core.errors import not_found
from core.db import Prepared, is_postgres
from core.models import AuditEvent, Dimension, LineDimension, PoLine, PurchaseOrder, Setting, Sku, User
from core.money import display_rate, plain, round_amount
from core.queries import _po_list
from core.queries._filters import PoFilter
from core.queries._params import Args, Reader
from core.rules.lines import sku_match_warnings
from core.rules.state import LineState, SkuRef
from core.services._approvals import Level, load_levels, load_levels_of
from core.services.settings import DEFAULTS

def _header(po: dict[str, Any], base_currency: str) -> dict[str, Any]:
    """The PO's header fields from a row of `_rows()` (a dict: cheaper than a model per row)."""
    cur = po["currency"]
    return {
        "id": po["id"], "po_number": po["po_number"], "external_id": po["external_id"], "status": po["status"],
        "receipt_status": po["receipt_status"], "billing_status": po["billing_status"],
        "match_status": po["match_status"], "po_type": po["po_type"], "matching": po["matching"],
        "vendor_id": po["vendor"], "vendor_name": po["vendor_name"], "po_date": po["po_date"],
        "delivery_date": po["delivery_date"], "currency": cur, "exchange_rate": plain(po["exchange_rate"]),
        "gstin": po["gstin"], "description": po["description"], "payment_terms": po["payment_terms"],
        "terms_and_conditions": po["terms_and_conditions"], "notes": po["notes"],
        "subtotal": round_amount(po["subtotal"], cur), "tax_total": round_amount(po["tax_total"], cur),
        "total": round_amount(po["total"], cur), "total_base": round_amount(po["total_base"], base_currency),
        "requested_by": {"id": po["requested_by"], "name": po["requester_name"]},
        "version": po["version"], "created_at": po["created_at"], "updated_at": po["updated_at"],
        "submitted_at": po["submitted_at"], "approved_at": po["approved_at"], "sent_at": po["sent_at"],
    }


def _line(line: dict[str, Any], currency: str) -> dict[str, Any]:
    """A PO line from a row of _LINES (a dict: cheaper than two models per row)."""
    return {
        "id": line["id"], "line_no": line["line_no"], "identifier": line["identifier"],
        "sku_code": line["sku_code"], "sku_name": line["sku_name"],
        "quantity": plain(line["quantity"]), "rate": display_rate(line["rate"], currency), "tax_rate": plain(line["tax_rate"]),
        "amount": round_amount(line["amount"], currency), "tax_amount": round_amount(line["tax_amount"], currency),
        "quantity_received": plain(line["quantity_received"]), "quantity_billed": plain(line["quantity_billed"]),
        "dimensions": dict(sorted(_decoded(line["dims"], {}).items())),
    }


def _rows(*extra):
    """PO rows as dicts, with the requester's name."""
    return (PurchaseOrder.select(PurchaseOrder, User.name.alias("requester_name"), *extra)
            .join(User, on=(PurchaseOrder.requested_by == User.id)).dicts())


def _base_currency():
    """The stored base currency as a scalar subquery: read with the PO's row, not by a statement of its own."""
    return Setting.select(Setting.value).where(Setting.key == "base_currency")


def _line_dimensions():
    """A line's dimensions as one JSON object {TYPE: erp_dimension_id}, a subquery read with the line."""
    collect = fn.json_object_agg if is_postgres() else fn.json_group_object
    return (LineDimension.select(collect(LineDimension.type, Dimension.erp_dimension_id)).join(Dimension)
            .where(LineDimension.line == PoLine.id))


def _decoded(value, default):
    """A JSON value as SQLite (text) or PostgreSQL (decoded already, or NULL) returns it."""
    if value is None:
        return default
    return json.loads(value) if isinstance(value, str) else value


def get_po(po_id: int) -> PurchaseOrder:
    """The PO row (404 when there is none)."""
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    return po


def _headers(cond):
    """PO header rows (dicts) with the requester's name and the stored base currency."""
    return _rows(_base_currency().alias("base_currency")).where(cond)


def _lines(cond):
    """PO line rows (dicts) with their SKU and dimensions, each PO's in line order."""
    return (PoLine.select(PoLine, Sku.code.alias("sku_code"), Sku.name.alias("sku_name"), Sku.active.alias("sku_active"),
                          _line_dimensions().alias("dims"))
            .join(Sku, JOIN.LEFT_OUTER).where(cond).order_by(PoLine.po, PoLine.line_no).dicts())


# One PO's header (with the base currency) and its lines (with SKU and dimensions): every read of a
# PO runs these two, so their SQL is written once (core.db.Prepared).
_HEADER = Prepared(lambda po_id: _headers(PurchaseOrder.id == po_id).limit(1), PurchaseOrder.id)
_LINES = Prepared(lambda po_id: _lines(PoLine.po == po_id), PoLine.po)


def purchase_order(po_id: int, *, submit_warnings: dict | None = None) -> dict[str, Any]:
    """One PO in full: header, totals, lines with dimensions, warnings, approval levels.

    Two queries (the header, the lines), and two more for the approval levels once it has been
    submitted: levels are frozen onto a PO only when it is.
    """
    po = _HEADER.first(po_id)
    if po is None:
        raise not_found("purchase order", po_id)
    levels = load_levels(po_id) if po["submitted_at"] is not None else []
    return _resource(po, list(_LINES.rows(po_id)), levels, submit_warnings)


def purchase_orders_by_id(po_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{id: the PO in full, exactly as `purchase_order` reads it} for many POs (a webhook event each):
    four queries whatever their number (the headers, the lines, the levels of the submitted ones and
    their approvers). An id with no PO is NotFound, as it is for one."""
    ids = list(dict.fromkeys(po_ids))
    if len(ids) <= 1:  # one PO (a request's event): its prepared reads
        return {i: purchase_order(i) for i in ids}
    headers = {po["id"]: po for po in _headers(PurchaseOrder.id.in_(ids))}
    if missing := [i for i in ids if i not in headers]:
        raise not_found("purchase order", missing[0])
    lines: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for line in _lines(PoLine.po.in_(ids)):
        lines[line["po"]].append(line)
    levels = load_levels_of([i for i in ids if headers[i]["submitted_at"] is not None])
    return {i: _resource(headers[i], lines[i], levels.get(i, []), None) for i in ids}


def _resource(po: dict[str, Any], lines: list[dict[str, Any]], levels: list[Level],
              submit_warnings: dict | None) -> dict[str, Any]:
    """The PO resource from its header row, its line rows (in order) and its levels."""
    base = _decoded(po["base_currency"], DEFAULTS["base_currency"])
    resource = _header(po, base)
    resource["line_items"] = [_line(l, po["currency"]) for l in lines]
    resource["submit_warnings"] = submit_warnings
    resource["sku_match_warnings"] = sku_match_warnings(po["matching"], [
        LineState(l["identifier"], l["quantity"], l["rate"],
                  sku=SkuRef(l["sku"], l["sku_code"], l["sku_name"], l["sku_active"]) if l["sku"] else None,
                  requested_sku_code=l["requested_sku_code"], requested_sku_name=l["requested_sku_name"])
        for l in lines
    ])
    resource["approvals"] = approvals(levels, base) if po["submitted_at"] is not None else []
    return resource


def approvals(levels: list[Level], base_currency: str) -> list[dict[str, Any]]:
    """The levels frozen onto the PO at its last submit, each with its approvers and decision."""
    return [
        {
            "level": level.level, "min_total": round_amount(level.min_total, base_currency),
            "approvers": [{"id": uid, "name": name} for uid, name in level.approvers],
            "decision": level.decision,
            "decided_by": {"id": level.decided_by_id, "name": level.decided_by_name} if level.decided_by_id else None,
            "decided_at": level.decided_at, "comment": level.comment,
        }
        for level in levels
    ]


def dimensions_of(table, line_ids: list[int]) -> dict[int, dict[str, str]]:
    """{line id: {TYPE: erp_dimension_id}} for PO lines (LineDimension) or invoice lines (one query)."""
    dims: dict[int, dict[str, str]] = {}
    if line_ids:
        query = (table.select(table.line, table.type, Dimension.erp_dimension_id).join(Dimension)
                 .where(table.line.in_(line_ids)).order_by(table.type))
        for line_id, dim_type, erp_id in query.tuples():
            dims.setdefault(line_id, {})[dim_type] = erp_id
    return dims


def purchase_orders(flt: PoFilter) -> tuple[list[dict[str, Any]], dict[str, int | bool]]:
    """A page of PO summaries and its meta, in two queries whatever the page size (three on
    PostgreSQL past 10,000 matches: the estimate)."""
    rows, total, exact = _po_list.page(flt)
    return summaries(rows), flt.paging.meta(total, exact)


def summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows (from core.queries._po_list) as the API's PO summaries: the header and the line count."""
    base = _decoded(rows[0]["base_currency"], DEFAULTS["base_currency"]) if rows else None
    return [{**_header(po, base), "line_count": po["line_count"]} for po in rows]


def events(po_id: int, args: Args) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The PO's audit trail, oldest first."""
    r = Reader(args, ())
    paging = r.paging()
    r.done()
    get_po(po_id)
    where = (AuditEvent.entity_type == "purchase_order") & (AuditEvent.entity_id == po_id)
    query = (AuditEvent.select(AuditEvent, User.id, User.name).join(User, JOIN.LEFT_OUTER)
             .where(where).order_by(AuditEvent.id).limit(paging.per_page).offset(paging.offset))
    data = [
        {"at": e.at, "actor": {"id": e.actor.id, "name": e.actor.name} if e.actor_id else None,
         "action": e.action, "changes": e.changes or {}, "comment": e.comment}
        for e in query
    ]
    return data, paging.meta_of(AuditEvent.select().where(where))

