"""Between rows and the matching rule: PO facts in, line results and billed quantities out."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import JOIN

from core import bulk
from core.fields import jsonable
from core.models import InvoiceLine, InvoiceLineDimension, LineDimension, PoLine, PurchaseOrder, Sku
from core.money import display_rate, plain
from core.rules.matching import InvoiceLineFacts, InvoiceMatch, LineMatch, PoFacts, PoLineFacts, Reason


def po_facts(po: PurchaseOrder) -> PoFacts:
    """What matching needs to know of a PO and its lines (one query)."""
    rows = (PoLine.select(PoLine.id, PoLine.identifier, PoLine.quantity, PoLine.rate, PoLine.quantity_received,
                          PoLine.quantity_billed, Sku.code)
            .join(Sku, JOIN.LEFT_OUTER).where(PoLine.po == po.id).order_by(PoLine.line_no).tuples())
    lines = tuple(
        PoLineFacts(id=i, identifier=ident, ordered=plain(q), rate=plain(rate), received=plain(rec), billed=plain(billed), sku_code=code)
        for i, ident, q, rate, rec, billed, code in rows
    )
    return PoFacts(po.id, po.status, po.vendor_id, po.currency, po.matching, lines)


def reason_json(reason: Reason, currency: str) -> dict[str, Any]:
    """A reason as the API shows it: prices with the currency's places, quantities plainly."""
    def show(value):
        if isinstance(value, Decimal):
            return display_rate(value, currency) if reason.code == "price_variance" else plain(value)
        return value
    return jsonable({"code": reason.code, "expected": show(reason.expected), "actual": show(reason.actual)})


def line_facts(rows: list[InvoiceLine]) -> list[InvoiceLineFacts]:
    """Stored invoice lines as matching input (counted ones stay as they are)."""
    return [
        InvoiceLineFacts(r.description, plain(r.quantity), plain(r.unit_price), r.sku_code, r.po_line_ref,
                         counted=r.counted, paired_line_id=r.po_line_id)
        for r in rows
    ]


def bill(facts: PoFacts, lines: list[tuple[int, Decimal]]) -> bool:
    """Add (po_line_id, quantity) to the PO lines' billed quantities (one statement); True when any changed."""
    extra: dict[int, Decimal] = {}
    for line_id, quantity in lines:
        extra[line_id] = extra.get(line_id, Decimal(0)) + quantity
    current = {l.id: l.billed for l in facts.lines}
    bulk.update_rows(PoLine, [{"id": i, "quantity_billed": current[i] + q} for i, q in extra.items()], ["quantity_billed"])
    return any(extra.values())


def inherit_dimensions(pairs: list[tuple[int, int]]) -> None:
    """Copy each matched PO line's dimensions onto its invoice line, unless the invoice line has its own.

    `pairs` are (invoice_line_id, po_line_id).
    """
    if not pairs:
        return
    own = {line_id for (line_id,) in InvoiceLineDimension.select(InvoiceLineDimension.line)
           .where(InvoiceLineDimension.line.in_([i for i, _ in pairs])).tuples()}
    wanted = [(i, p) for i, p in pairs if i not in own]
    if not wanted:
        return
    dims: dict[int, list[tuple[str, int]]] = {}
    query = LineDimension.select(LineDimension.line, LineDimension.type, LineDimension.dimension).where(
        LineDimension.line.in_([p for _, p in wanted]))
    for po_line_id, dim_type, dim_id in query.tuples():
        dims.setdefault(po_line_id, []).append((dim_type, dim_id))
    bulk.insert_rows(InvoiceLineDimension, [
        {"line": i, "type": t, "dimension": d, "inherited": True} for i, p in wanted for t, d in dims.get(p, [])
    ])


def line_values(result: LineMatch, currency: str) -> dict[str, Any]:
    """The stored columns of one line's match result."""
    return {
        "match_status": result.status, "po_line": result.po_line_id,
        "reasons": [reason_json(r, currency) for r in result.reasons] or None,
    }


def header_reasons(match: InvoiceMatch, currency: str) -> list[dict[str, Any]] | None:
    return [reason_json(r, currency) for r in match.reasons] or None
