"""Between PO rows and the rules' plain PoState: load one, write one, in a fixed number of queries."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import JOIN, fn

from core import bulk
from core.db import database
from core.fields import utcnow
from core.models import Dimension, InvoiceLine, LineDimension, PoLine, PurchaseOrder, Sku, User, Vendor
from core.money import line_money, plain, po_totals
from core.rules.state import DimensionRef, LineState, PoState, SkuRef
from core.services._catalog import vendor_ref
from core.types import PERCENT_PLACES, QUANTITY_PLACES, RATE_PLACES

LINE_COLUMNS = (
    "line_no", "identifier", "sku", "requested_sku_code", "requested_sku_name", "quantity", "rate",
    "tax_rate", "amount", "tax_amount",
)
NEW_LINE_COLUMNS = ("po", *LINE_COLUMNS, "quantity_received", "quantity_billed")  # what line_row gives, but its id


def load_state(po: PurchaseOrder) -> PoState:
    """The PO and its lines as plain values (two queries)."""
    return load_states([po])[po.id]


def load_states(pos: list[PurchaseOrder]) -> dict[int, PoState]:
    """Many POs and their lines as plain values, in two queries whatever their number."""
    if not pos:
        return {}
    vendor_ids = {po.vendor_id for po in pos if po.vendor_id}
    vendors = {v.id: vendor_ref(v) for v in Vendor.select().where(Vendor.id.in_(list(vendor_ids)))} if vendor_ids else {}
    # Raw rows, converted here: building a model (or even a dict) per line dominated a 1,000-line batch.
    # A line comes once per dimension it has (the join is cheaper than a second query for them).
    invoiced = fn.EXISTS(InvoiceLine.select(InvoiceLine.id).where(InvoiceLine.po_line == PoLine.id))
    query = (PoLine.select(PoLine.id, PoLine.po, PoLine.identifier, PoLine.quantity, PoLine.rate, PoLine.tax_rate,
                           PoLine.requested_sku_code, PoLine.requested_sku_name, PoLine.quantity_received,
                           PoLine.quantity_billed, Sku.id, Sku.code, Sku.name, Sku.active, invoiced,
                           LineDimension.type, Dimension.id, Dimension.erp_dimension_id, Dimension.active)
             .join(Sku, JOIN.LEFT_OUTER).switch(PoLine).join(LineDimension, JOIN.LEFT_OUTER).join(Dimension, JOIN.LEFT_OUTER)
             .where(PoLine.po.in_([po.id for po in pos])).order_by(PoLine.po, PoLine.line_no))
    lines: dict[int, list[LineState]] = {}
    by_id: dict[int, LineState] = {}
    skus: dict[int, SkuRef] = {}  # one per SKU and dimension (they are immutable), not one per line
    dims: dict[int, DimensionRef] = {}
    for (line_id, po_id, identifier, qty, rate, tax, req_code, req_name, received, billed,
         sku_id, sku_code, sku_name, sku_active, on_invoice, dim_type, dim_id, erp_id, dim_active) in database.execute(query):
        line = by_id.get(line_id)
        if line is None:
            sku = (skus.get(sku_id) or skus.setdefault(sku_id, SkuRef(sku_id, sku_code, sku_name, bool(sku_active)))) if sku_id else None
            line = by_id[line_id] = LineState(
                id=line_id, identifier=identifier, quantity=_scaled(qty, QUANTITY_PLACES), rate=_scaled(rate, RATE_PLACES),
                tax_rate=_scaled(tax, PERCENT_PLACES), sku=sku, requested_sku_code=req_code, requested_sku_name=req_name,
                dimensions={}, quantity_received=_scaled(received, QUANTITY_PLACES),
                quantity_billed=_scaled(billed, QUANTITY_PLACES), invoiced=bool(on_invoice),
            )
            lines.setdefault(po_id, []).append(line)
        if dim_id is not None:
            line.dimensions[dim_type] = dims.get(dim_id) or dims.setdefault(dim_id, DimensionRef(dim_id, dim_type, erp_id, bool(dim_active)))
    return {po.id: _state(po, vendors.get(po.vendor_id), lines.get(po.id, [])) for po in pos}


_ZERO = Decimal(0)


def _scaled(value: int, places: int) -> Decimal:
    """A stored scaled integer as a plain Decimal (no trailing zeros)."""
    # plain() in three C calls (a 1,000-line batch converts 5,000 values): normalize drops the
    # trailing zeros, and adding 0 writes an exponent above 0 out as digits (1E+1 → 10).
    return Decimal(value).scaleb(-places).normalize() + _ZERO if value else _ZERO


def _state(po: PurchaseOrder, vendor, lines: list[LineState]) -> PoState:
    return PoState(
        po_type=po.po_type, matching=po.matching, po_date=po.po_date, currency=po.currency,
        exchange_rate=plain(po.exchange_rate), status=po.status, po_number=po.po_number, external_id=po.external_id,
        vendor=vendor, delivery_date=po.delivery_date, gstin=po.gstin, description=po.description,
        payment_terms=po.payment_terms, terms_and_conditions=po.terms_and_conditions, notes=po.notes, lines=lines,
    )


def header_row(state: PoState, base_currency: str) -> dict[str, Any]:
    """The purchase_order columns a PoState determines, totals included."""
    monies = [line_money(l.quantity, l.rate, l.tax_rate, state.currency) for l in state.lines]
    totals = po_totals(monies, state.currency, state.exchange_rate, base_currency)
    return {
        "po_type": state.po_type, "matching": state.matching, "po_date": state.po_date,
        "delivery_date": state.delivery_date, "currency": state.currency, "exchange_rate": state.exchange_rate,
        "gstin": state.gstin, "description": state.description, "payment_terms": state.payment_terms,
        "terms_and_conditions": state.terms_and_conditions, "notes": state.notes,
        "vendor": state.vendor.id if state.vendor else None, "vendor_name": state.vendor.name if state.vendor else None,
        "subtotal": totals.subtotal, "tax_total": totals.tax_total, "total": totals.total,
        "total_base": totals.total_base,
    }


def audited(row: dict[str, Any]) -> dict[str, Any]:
    """A header row with field names as the API shows them (vendor → vendor_id), for the audit trail."""
    return {("vendor_id" if k == "vendor" else k): v for k, v in row.items()}


def line_row(po_id: int, line_no: int, line: LineState, currency: str) -> dict[str, Any]:
    """The po_line columns of one line, its amounts computed."""
    money = line_money(line.quantity, line.rate, line.tax_rate, currency)
    return {
        "id": line.id, "po": po_id, "line_no": line_no, "identifier": line.identifier,
        "sku": line.sku.id if line.sku else None, "requested_sku_code": line.requested_sku_code,
        "requested_sku_name": line.requested_sku_name, "quantity": line.quantity, "rate": line.rate,
        "tax_rate": line.tax_rate, "amount": money.amount, "tax_amount": money.tax,
        "quantity_received": line.quantity_received, "quantity_billed": line.quantity_billed,
    }


def insert_po(state: PoState, *, po_number: str, requested_by: User, base_currency: str, status: str) -> PurchaseOrder | None:
    """Write a new PO and its lines; None, having written nothing, when `po_number` is taken."""
    now = utcnow()
    row = dict(
        po_number=po_number, external_id=state.external_id, status=status, receipt_status="not_received",
        billing_status="not_billed", match_status="none", requested_by=requested_by.id, version=1,
        created_at=now, updated_at=now, **header_row(state, base_currency),
    )
    # ON CONFLICT on the number alone: a taken number is no error (PostgreSQL would abort the whole
    # transaction on one), while any other constraint still raises.
    query = (PurchaseOrder.insert(**row).on_conflict(action="NOTHING", conflict_target=[PurchaseOrder.po_number])
             .returning(PurchaseOrder.id).tuples())
    inserted = list(query.execute())
    if not inserted:
        return None
    po = PurchaseOrder(id=inserted[0][0], **{**row, "requested_by": requested_by})
    write_lines(po.id, [], state.lines, state.currency)
    return po


def write_lines(po_id: int, before: list[LineState], after: list[LineState], currency: str) -> None:
    """Make the stored lines match `after` (set-based: a statement per kind of change)."""
    write_lines_many([(po_id, before, after, currency)])


def write_lines_many(changes: list[tuple[int, list[LineState], list[LineState], str]]) -> None:
    """Make many POs' stored lines match their `after` lists, a statement per kind of change in all."""
    gone, changed, renamed, fresh, old_dims, old_rows = [], [], [], [], {}, {}
    for po_id, before, after, currency in changes:
        old = {l.id: (no, l) for no, l in enumerate(before, start=1)}
        gone += list(set(old) - {l.id for l in after})
        for no, line in enumerate(after, start=1):
            if line.id is None:
                fresh.append((line_row(po_id, no, line, currency), line))
            elif (no, line) != old[line.id]:
                row = line_row(po_id, no, line, currency)
                changed.append(row)
                old_rows[line.id] = line_row(po_id, old[line.id][0], old[line.id][1], currency)
                if row["identifier"] != old[line.id][1].identifier:
                    renamed.append(row)
        old_dims.update({l.id: l.dimensions for l in before})
    bulk.delete_ids(PoLine, gone)
    if len(renamed) > 1:
        # Two lines may swap identifiers: park them on unique names first (identifiers are unique per PO).
        # A leading space: no identifier has one (they are trimmed), and PostgreSQL takes it (not NUL).
        bulk.update_rows(PoLine, [{"id": r["id"], "identifier": f" {r['id']}"} for r in renamed], ["identifier"])
    # Only the columns that changed somewhere: rewriting identifiers and line numbers that stayed the
    # same would churn their indexes for nothing (it tripled the cost of an ERP update batch).
    columns = [c for c in LINE_COLUMNS if any(r[c] != old_rows[r["id"]][c] for r in changed)]
    if columns:
        bulk.update_rows(PoLine, changed, columns)
    if fresh:
        ids = bulk.insert_rows(PoLine, [row for row, _ in fresh], returning_ids=True, columns=NEW_LINE_COLUMNS)
        for (_, line), new_id in zip(fresh, ids):
            line.id = new_id
    _write_dimensions(old_dims, [l for _, _, after, _ in changes for l in after])


def _write_dimensions(before: dict[int, dict], after: list[LineState]) -> None:
    changed = [l for l in after if before.get(l.id) != l.dimensions]
    if not changed:
        return
    replaced = [l.id for l in changed if before.get(l.id)]
    if replaced:
        LineDimension.delete().where(LineDimension.line.in_(replaced)).execute()
    bulk.insert_rows(LineDimension, [
        {"line": l.id, "type": t, "dimension": ref.id} for l in changed for t, ref in l.dimensions.items()
    ])


def line_changes(before: list[LineState], after: list[LineState]) -> dict[str, Any]:
    """What changed in a PO's lines, for the audit trail: added, removed and per-line field changes."""
    old = {l.id: l for l in before}
    new_ids = {l.id for l in after}
    changes: dict[str, Any] = {}
    added = [l.identifier for l in after if l.id not in old]
    removed = [l.identifier for l in before if l.id not in new_ids]
    edited = {}
    for line in after:
        prev = old.get(line.id)
        if prev is not None and prev != line:
            fields = ("identifier", "quantity", "rate", "tax_rate")
            diff = {f: [getattr(prev, f), getattr(line, f)] for f in fields if getattr(prev, f) != getattr(line, f)}
            if _sku_shown(prev) != _sku_shown(line):
                diff["sku_code"] = [_sku_shown(prev), _sku_shown(line)]
            if prev.dimensions != line.dimensions:
                diff["dimensions"] = [_dims(prev), _dims(line)]
            edited[prev.identifier] = diff
    for key, value in (("added", added), ("removed", removed), ("changed", edited)):
        if value:
            changes[key] = value
    return changes


def _sku_shown(line: LineState) -> str | None:
    """The SKU a line has, or the reference it asked for when that did not resolve."""
    return line.sku.code if line.sku else line.requested_sku_code or line.requested_sku_name


def _dims(line: LineState) -> dict[str, str]:
    return {t: ref.erp_dimension_id for t, ref in line.dimensions.items()}


def bump(po_id: int, values: dict[str, Any], *, if_version: int | None = None) -> bool:
    """The one writer of a PO row: `values`, a version bump and updated_at, in one UPDATE.

    With `if_version`, only while the row is still at that version (False when someone changed it).
    """
    query = PurchaseOrder.update(**values, version=PurchaseOrder.version + 1, updated_at=utcnow()).where(PurchaseOrder.id == po_id)
    if if_version is not None:
        query = query.where(PurchaseOrder.version == if_version)
    return query.execute() == 1


def bump_where(where, values: dict[str, Any]) -> int:
    """`bump` for every PO matching `where` (a vendor's new name on its POs); returns how many."""
    return PurchaseOrder.update(**values, version=PurchaseOrder.version + 1, updated_at=utcnow()).where(where).execute()


def bump_many(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str], versions: dict[int, int]) -> None:
    """`bump` set-based: each row (with its `id`) gets `columns`, its version after `versions[id]` and updated_at."""
    now = utcnow()
    bulk.update_rows(PurchaseOrder, [dict(row, version=versions[row["id"]] + 1, updated_at=now) for row in rows],
                     [*columns, "version", "updated_at"])
