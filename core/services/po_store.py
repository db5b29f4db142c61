"""Between PO rows and the rules' plain PoState: load one, write one, in a fixed number of queries."""
from __future__ import annotations

from typing import Any

from peewee import JOIN

from core import bulk
from core.fields import utcnow
from core.models import Dimension, LineDimension, PoLine, PurchaseOrder, Sku, User, Vendor
from core.money import line_money, plain, po_totals
from core.rules.state import LineState, PoState
from core.services.catalog import dimension_ref, sku_ref, vendor_ref

LINE_COLUMNS = (
    "line_no", "identifier", "sku", "requested_sku_code", "requested_sku_name", "quantity", "rate",
    "tax_rate", "amount", "tax_amount",
)


def load_state(po: PurchaseOrder) -> PoState:
    """The PO and its lines as plain values (three queries)."""
    return load_states([po])[po.id]


def load_states(pos: list[PurchaseOrder]) -> dict[int, PoState]:
    """Many POs and their lines as plain values, in three queries whatever their number."""
    if not pos:
        return {}
    vendor_ids = {po.vendor_id for po in pos if po.vendor_id}
    vendors = {v.id: vendor_ref(v) for v in Vendor.select().where(Vendor.id.in_(list(vendor_ids)))} if vendor_ids else {}
    lines: dict[int, list[PoLine]] = {}
    query = (PoLine.select(PoLine, Sku).join(Sku, JOIN.LEFT_OUTER)
             .where(PoLine.po.in_([po.id for po in pos])).order_by(PoLine.po, PoLine.line_no))
    for line in query:
        lines.setdefault(line.po_id, []).append(line)
    dims: dict[int, dict[str, Any]] = {}
    line_ids = [l.id for ls in lines.values() for l in ls]
    if line_ids:
        query = LineDimension.select(LineDimension, Dimension).join(Dimension).where(LineDimension.line.in_(line_ids))
        for ld in query:
            dims.setdefault(ld.line_id, {})[ld.type] = dimension_ref(ld.dimension)
    return {po.id: _state(po, vendors.get(po.vendor_id), lines.get(po.id, []), dims) for po in pos}


def _state(po: PurchaseOrder, vendor, lines: list[PoLine], dims: dict[int, dict[str, Any]]) -> PoState:
    return PoState(
        po_type=po.po_type, matching=po.matching, po_date=po.po_date, currency=po.currency,
        exchange_rate=plain(po.exchange_rate), status=po.status, po_number=po.po_number, external_id=po.external_id,
        vendor=vendor, delivery_date=po.delivery_date, gstin=po.gstin, description=po.description,
        payment_terms=po.payment_terms, terms_and_conditions=po.terms_and_conditions, notes=po.notes,
        lines=[
            LineState(
                id=l.id, identifier=l.identifier, quantity=plain(l.quantity), rate=plain(l.rate),
                tax_rate=plain(l.tax_rate), sku=sku_ref(l.sku) if l.sku_id else None,
                requested_sku_code=l.requested_sku_code, requested_sku_name=l.requested_sku_name,
                dimensions=dims.get(l.id, {}), quantity_received=plain(l.quantity_received),
                quantity_billed=plain(l.quantity_billed),
            )
            for l in lines
        ],
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


def insert_po(state: PoState, *, po_number: str, requested_by: User, base_currency: str, status: str) -> PurchaseOrder:
    """Write a new PO and its lines."""
    now = utcnow()
    po = PurchaseOrder.create(
        po_number=po_number, external_id=state.external_id, status=status,
        receipt_status="not_received", billing_status="not_billed", match_status="none",
        requested_by=requested_by.id, created_at=now, updated_at=now, **header_row(state, base_currency),
    )
    write_lines(po.id, [], state.lines, state.currency)
    return po


def write_lines(po_id: int, before: list[LineState], after: list[LineState], currency: str) -> None:
    """Make the stored lines match `after` (set-based: a statement per kind of change)."""
    write_lines_many([(po_id, before, after, currency)])


def write_lines_many(changes: list[tuple[int, list[LineState], list[LineState], str]]) -> None:
    """Make many POs' stored lines match their `after` lists, a statement per kind of change in all."""
    gone, changed, renamed, fresh, old_dims = [], [], [], [], {}
    for po_id, before, after, currency in changes:
        old = {l.id: (no, l) for no, l in enumerate(before, start=1)}
        gone += list(set(old) - {l.id for l in after})
        rows = [line_row(po_id, no, l, currency) for no, l in enumerate(after, start=1)]
        for row, line in zip(rows, after):
            if line.id is None:
                fresh.append((row, line))
            elif (row["line_no"], line) != old[line.id]:
                changed.append(row)
                if row["identifier"] != old[line.id][1].identifier:
                    renamed.append(row)
        old_dims.update({l.id: l.dimensions for l in before})
    bulk.delete_ids(PoLine, gone)
    if len(renamed) > 1:
        # Two lines may swap identifiers: park them on unique names first (identifiers are unique per PO).
        bulk.update_rows(PoLine, [{"id": r["id"], "identifier": f"\x00{r['id']}"} for r in renamed], ["identifier"])
    bulk.update_rows(PoLine, changed, LINE_COLUMNS)
    if fresh:
        bulk.insert_rows(PoLine, [{k: v for k, v in row.items() if k != "id"} for row, _ in fresh])
        po_ids = {row["po"] for row, _ in fresh}
        ids = {(p, i): n for n, p, i in PoLine.select(PoLine.id, PoLine.po, PoLine.identifier)
               .where(PoLine.po.in_(list(po_ids))).tuples()}
        for row, line in fresh:
            line.id = ids[(row["po"], row["identifier"])]
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


def set_header(po_id: int, values: dict[str, Any]) -> None:
    """Update the PO row and bump its version."""
    values = dict(values, version=PurchaseOrder.version + 1, updated_at=utcnow())
    PurchaseOrder.update(**values).where(PurchaseOrder.id == po_id).execute()
