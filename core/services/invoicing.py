"""Invoices: register and match one, re-match those waiting for goods, accept exceptions."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import JOIN

from core import audit, bulk, events
from core.db import database
from core.errors import DuplicateInvoice, ExceptionAlreadyAccepted, InvoiceNotAcceptable, Problem, ValidationFailed, not_found
from core.fields import utcnow
from core.models import AuditEvent, Dimension, Invoice, InvoiceLine, InvoiceLineDimension, PurchaseOrder, User, Vendor
from core.money import line_money, po_totals
from core.rules.lines import amount_problems
from core.rules.state import LineState
from core.rules.matching import (
    MATCHED,
    InvoiceLineFacts,
    InvoiceMatch,
    LineMatch,
    Reason,
    Tolerances,
    match_invoice,
    only_waiting_for_goods,
)
from core.schemas.invoices import AcceptBody, InvoiceCreate
from core.schemas.parse import parse
from core.services import _match_store as store
from core.services import _progress as progress
from core.services._common import args, get_locked, locked, unique_as_conflict
from core.services._access import require_role
from core.services.settings import get_settings
from core.types import Role

INVOICE_MATCHED = events.INVOICE_MATCHED
INVOICE_EXCEPTION = events.INVOICE_EXCEPTION


def tolerances() -> Tolerances:
    s = get_settings()
    return Tolerances(s.price_tolerance_pct, s.price_tolerance_abs, s.quantity_tolerance_pct)


def _references(values: dict[str, Any]) -> tuple[list[Problem], dict[tuple[str, str], int]]:
    problems = []
    if isinstance(values.get("vendor_id"), int) and not Vendor.select().where(Vendor.id == values["vendor_id"]).exists():
        problems.append(Problem("vendor_not_found", f"vendor {values['vendor_id']} does not exist", "/vendor_id"))
    wanted = {pair for line in values.get("lines") or [] if line for pair in (line.get("dimensions") or {}).items()}
    found = {}
    if wanted:
        for dim in Dimension.select().where(Dimension.erp_dimension_id.in_([i for _, i in wanted])):
            if (dim.type, dim.erp_dimension_id) in wanted and dim.active:
                found[(dim.type, dim.erp_dimension_id)] = dim.id
    for i, line in enumerate(values.get("lines") or []):
        for dim_type, erp_id in ((line or {}).get("dimensions") or {}).items():
            if (dim_type, erp_id) not in found:
                problems.append(Problem("dimension_not_found", f"dimension {dim_type} {erp_id!r} does not exist or is inactive", f"/lines/{i}/dimensions/{dim_type}"))
    return problems, found


def _insert(values: dict[str, Any], actor: User, po: PurchaseOrder | None, match: InvoiceMatch, dims: dict) -> Invoice:
    cur = values["currency"]
    monies = [line_money(l["quantity"], l["unit_price"], l["tax_rate"], cur) for l in values["lines"]]
    totals = po_totals(monies, cur, Decimal(1), cur)
    number = values["invoice_number"]
    with unique_as_conflict("duplicate_invoice", f"vendor {values['vendor_id']} already sent invoice {number!r}", "/invoice_number"):
        invoice = Invoice.create(
            vendor=values["vendor_id"], invoice_number=number, number_key=number.upper(), invoice_date=values["invoice_date"],
            currency=cur, po_number=values.get("po_number"), po=po.id if po else None, match_status=match.status,
            reasons=store.header_reasons(match, cur), subtotal=totals.subtotal, tax_total=totals.tax_total,
            total=totals.total, created_by=actor.id)
    rows = [
        {"invoice": invoice.id, "line_no": n, "description": l["description"], "sku_code": l.get("sku_code"),
         "po_line_ref": l.get("po_line_id"), "quantity": l["quantity"], "unit_price": l["unit_price"],
         "tax_rate": l["tax_rate"], "amount": m.amount, "tax_amount": m.tax, "counted": r.status == MATCHED,
         **store.line_values(r, cur)}
        for n, (l, m, r) in enumerate(zip(values["lines"], monies, match.lines), start=1)
    ]
    bulk.insert_rows(InvoiceLine, rows)
    ids = dict(InvoiceLine.select(InvoiceLine.line_no, InvoiceLine.id).where(InvoiceLine.invoice == invoice.id).tuples())
    bulk.insert_rows(InvoiceLineDimension, [
        {"line": ids[n], "type": t, "dimension": dims[(t, e)], "inherited": False}
        for n, l in enumerate(values["lines"], start=1) for t, e in (l.get("dimensions") or {}).items()
    ])
    store.inherit_dimensions([(ids[n], r.po_line_id) for n, r in enumerate(match.lines, start=1) if r.status == MATCHED])
    return invoice


def register_invoice(actor: User, body: Any) -> Invoice:
    """Register an invoice and match it at once against its PO (and receipts, three-way)."""
    require_role(actor, Role.admin, "registering invoices")
    values, problems = parse(InvoiceCreate, body)
    with database.atomic():
        found, dims = _references(values)
        if values.get("currency") and not any(p.pointer and p.pointer.startswith("/lines") for p in problems):
            found += [p.at("") if p.pointer else p for p in amount_problems(
                [(f"/lines/{i}", LineState(l["description"], l["quantity"], l["unit_price"], l["tax_rate"]))
                 for i, l in enumerate(values.get("lines") or []) if l], values["currency"])]
        if problems or found:
            raise ValidationFailed(problems + found)
        key = values["invoice_number"].upper()
        if Invoice.select().where(Invoice.vendor == values["vendor_id"], Invoice.number_key == key).exists():
            raise DuplicateInvoice(values["vendor_id"], values["invoice_number"])
        po = None
        if values.get("po_number"):
            # Lock the PO: two invoices billing its last open quantity at once are decided one after the other.
            po = locked(PurchaseOrder.select().where(PurchaseOrder.po_number == values["po_number"])).first()
        facts = store.po_facts(po) if po else None
        lines = [InvoiceLineFacts(l["description"], l["quantity"], l["unit_price"], l.get("sku_code"), l.get("po_line_id")) for l in values["lines"]]
        match = match_invoice(values["vendor_id"], values["currency"], values.get("po_number"), facts, lines, tolerances())
        invoice = _insert(values, actor, po, match, dims)
        audit.record("invoice", invoice.id, "registered", actor, {"match_status": [None, match.status]})
        if po is not None:
            billed = store.bill(facts, [(r.po_line_id, l.quantity) for l, r in zip(lines, match.lines) if r.status == MATCHED])
            _after_match(po, invoice, match.status, actor, billed=billed)
    return invoice


def _after_match(po: PurchaseOrder, invoice: Invoice, status: str, actor: User | None, *, billed: bool | None) -> None:
    """Audit and announce an invoice matched against the PO; refresh the PO unless `billed` is None
    (the caller refreshes it afterwards), `billed` saying whether the invoice billed any of its lines."""
    action = INVOICE_MATCHED if status == MATCHED else INVOICE_EXCEPTION
    audit.record("purchase_order", po.id, action, actor, {"invoice": [None, invoice.invoice_number]})
    if billed is not None:
        progress.refresh(po.id, actor, lines_changed=billed)
    events.publish(events.DomainEvent(action, po.id, actor.id if actor else None, {"invoice_id": invoice.id}))


def rematch_waiting(po: PurchaseOrder, actor: User | None) -> list[int]:
    """Re-match this PO's invoices whose only reason was goods not yet received; ids now matched.

    The caller refreshes the PO's statuses afterwards (lines may be billed even when the invoice
    as a whole still waits).
    """
    waiting = Invoice.select().where(Invoice.po == po.id, Invoice.match_status == "exception", Invoice.override == False).order_by(Invoice.id)  # noqa: E712
    now_matched = []
    for invoice in waiting:
        rows = list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.line_no))
        stored = InvoiceMatch("exception", tuple(invoice.reasons or ()), tuple(_stored_line(r) for r in rows))
        if not only_waiting_for_goods(stored):
            continue
        facts = store.po_facts(PurchaseOrder.get_by_id(po.id))
        match = match_invoice(invoice.vendor_id, invoice.currency, invoice.po_number, facts, store.line_facts(rows), tolerances())
        fresh = [(row, r) for row, r in zip(rows, match.lines) if r.status == MATCHED and not row.counted]
        bulk.update_rows(InvoiceLine, [
            {"id": row.id, "counted": r.status == MATCHED, **store.line_values(r, invoice.currency)} for row, r in zip(rows, match.lines)
        ], ["match_status", "po_line", "reasons", "counted"])
        store.bill(facts, [(r.po_line_id, row.quantity) for row, r in fresh])
        store.inherit_dimensions([(row.id, r.po_line_id) for row, r in fresh])
        Invoice.update(match_status=match.status, updated_at=utcnow()).where(Invoice.id == invoice.id).execute()
        if match.status == MATCHED:
            audit.record("invoice", invoice.id, "rematched", actor, {"match_status": ["exception", MATCHED]}, comment="goods received")
            _after_match(po, invoice, MATCHED, actor, billed=None)
            now_matched.append(invoice.id)
    return now_matched


def _stored_line(row: InvoiceLine) -> LineMatch:
    return LineMatch(row.match_status, row.po_line_id, tuple(Reason(r["code"], r.get("expected"), r.get("actual")) for r in row.reasons or ()))


def _not_acceptable(invoice: Invoice) -> InvoiceNotAcceptable:
    """Why this invoice cannot be accepted now: who accepted it and when, if someone did."""
    if invoice.override:
        accepted = (AuditEvent.select(AuditEvent.at, User.id, User.name)
                    .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
                    .where(AuditEvent.entity_type == "invoice", AuditEvent.entity_id == invoice.id,
                           AuditEvent.action == "exception_accepted")
                    .order_by(AuditEvent.id.desc()).tuples().first())
        if accepted is not None:
            at, user_id, name = accepted
            return ExceptionAlreadyAccepted(invoice.match_status, invoice.invoice_number, user_id, name, at)
    return InvoiceNotAcceptable(invoice.match_status)


def accept_invoice_exception(actor: User, invoice_id: int, *, reason: str) -> Invoice:
    """Accept an invoice's exceptions with a reason: it becomes matched (override) and its paired lines are billed."""
    require_role(actor, Role.approver, "accepting invoice exceptions")
    values = args(AcceptBody, reason=reason)
    with database.atomic():
        invoice = Invoice.get_or_none(Invoice.id == invoice_id)
        if invoice is None:
            raise not_found("invoice", invoice_id)
        # Lock the PO before the invoice, the order receipts and new invoices take them in.
        po = get_locked(PurchaseOrder, invoice.po_id, "purchase order") if invoice.po_id else None
        invoice = get_locked(Invoice, invoice_id, "invoice")
        if invoice.match_status != "exception":
            raise _not_acceptable(invoice)
        rows = list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id, InvoiceLine.counted == False))  # noqa: E712
        paired = [r for r in rows if r.po_line_id is not None]
        InvoiceLine.update(counted=True).where(InvoiceLine.id.in_([r.id for r in paired])).execute()
        Invoice.update(match_status=MATCHED, override=True, updated_at=utcnow()).where(Invoice.id == invoice.id).execute()
        audit.record("invoice", invoice.id, "exception_accepted", actor, {"match_status": ["exception", MATCHED]}, comment=values["reason"])
        if po is not None:
            billed = store.bill(store.po_facts(po), [(r.po_line_id, r.quantity) for r in paired])
            store.inherit_dimensions([(r.id, r.po_line_id) for r in paired])
            audit.record("purchase_order", po.id, "exception_accepted", actor, {"invoice": [None, invoice.invoice_number]}, comment=values["reason"])
            progress.refresh(po.id, actor, lines_changed=billed)
        events.publish(events.DomainEvent(events.INVOICE_EXCEPTION_ACCEPTED, invoice.po_id, actor.id, {"invoice_id": invoice.id}))
    return Invoice.get_by_id(invoice_id)
