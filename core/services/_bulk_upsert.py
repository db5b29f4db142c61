"""Create or update many POs from the ERP at once, keyed by external_id (else po_number).

Fast by design: every PO, vendor, SKU and dimension the items mention is loaded in a few
set-based queries; each item is validated in memory with the same pure rules as the API; then
all valid items are written set-based (a statement per table, whatever the number of items).
An item that fails leaves no trace; the others are written. The caller owns the transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core import audit, bulk, events
from core.errors import Problem
from core.fields import utcnow
from core.models import PoApproval, PurchaseOrder, User
from core.rules.identifiers import identifier_key
from core.rules.po_patch import patched_po
from core.rules.purchase_orders import new_po, submit_warnings
from core.rules.state import Catalog, PoState
from core.schemas.parse import parse_many
from core.schemas.purchase_orders import PurchaseOrderImport
from core.services._common import locked
from core.services._catalog import collect, load_catalog
from core.services._numbering import next_po_numbers
from core.rules import lifecycle as transitions
from core.services._po_store import audited, bump_many, header_row, line_changes, load_states, write_lines_many
from core.services._progress import Facts, record_closed, settle
from core.services.settings import AppSettings, get_settings
from core.types import PoStatus

HEADER_WRITES = (
    "po_type", "matching", "po_date", "delivery_date", "currency", "exchange_rate", "gstin", "description",
    "payment_terms", "terms_and_conditions", "notes", "vendor", "vendor_name", "subtotal", "tax_total", "total",
    "total_base", "status", "approval_level", "submitted_at", "approved_at", "receipt_status", "billing_status",
)


@dataclass
class Outcome:
    index: int
    result: str  # created | updated | failed
    po_id: int | None = None
    po_number: str | None = None
    external_id: str | None = None
    errors: list[Problem] = field(default_factory=list)


@dataclass
class _Plan:
    outcome: Outcome
    state: PoState
    status: str
    action: str  # created | imported | updated
    existing: PurchaseOrder | None = None
    before: PoState | None = None
    closed: bool = False  # done once the ERP's change applied: it closes itself
    changed: bool = True  # an update's state differs from the stored one


def _key(values: dict[str, Any]) -> tuple[str | None, str | None]:
    return values.get("external_id"), values.get("po_number")


def _existing(parsed: list[tuple[int, dict, list]]) -> tuple[dict[str, PurchaseOrder], dict[str, PurchaseOrder]]:
    """The POs the items name, by external_id and by po_number, locked (one query)."""
    ext = {v["external_id"] for _, v, _ in parsed if v.get("external_id")}
    nums = {v["po_number"] for _, v, _ in parsed if v.get("po_number")}
    if not ext and not nums:
        return {}, {}
    query = PurchaseOrder.select().where(PurchaseOrder.external_id.in_(list(ext)) | PurchaseOrder.po_number.in_(list(nums)))
    found = list(locked(query))
    return {p.external_id: p for p in found if p.external_id}, {p.po_number: p for p in found}


def _line_ops(before: PoState, lines: list | None) -> list:
    """The item's lines as PATCH operations keyed by identifier (compared as pairing compares them):
    present → update or add, absent → remove."""
    by_key = {identifier_key(l.identifier): l for l in before.lines}
    ops, kept = [], set()
    for item in lines or []:
        line = by_key.get(identifier_key(item["identifier"])) if item and item.get("identifier") else None
        if line is None or line.id in kept:  # a second item for one line is a new one: a duplicate
            ops.append(item)
            continue
        kept.add(line.id)
        ops.append({**item, "id": line.id})
    return ops + [{"id": l.id, "delete": True} for l in before.lines if l.id not in kept]


def _plan_create(index: int, values: dict, shape: list, catalog, today: dt.date, taken: set[str]) -> _Plan | Outcome:
    ext, num = _key(values)
    state, problems = new_po(values, catalog, today, shape)
    if num and num in taken:
        problems.append(Problem("duplicate_po_number", f"PO number {num!r} is already used by another PO", "/po_number"))
    approved = values.get("status") == "approved"
    if approved and not problems and (warnings := submit_warnings(state)):
        problems.append(Problem("incomplete_po", f"an approved PO must be complete; missing: {warnings}"))
    if problems:
        return Outcome(index, "failed", None, num, ext, problems)
    if num:
        taken.add(num)
    return _Plan(Outcome(index, "created", None, num, ext), state, PoStatus.approved if approved else PoStatus.draft,
                 "imported" if approved else "created")


def _plan_update(index: int, values: dict, shape: list, catalog, po: PurchaseOrder, before: PoState) -> _Plan | Outcome:
    ext, num = _key(values)
    approved = values.get("status") == "approved"
    if approved and not transitions.allowed("import", po.status):
        return Outcome(index, "failed", po.id, po.po_number, po.external_id, [Problem(
            "po_not_editable", f"a {po.status} PO cannot be imported as approved", "/status")])
    patch = {k: v for k, v in values.items() if k != "status"}
    if "line_items" in values:
        patch["line_items"] = _line_ops(before, values["line_items"])
    outcome = patched_po(before, patch, catalog, shape, erp_approved=approved)
    problems = outcome.problems + outcome.conflicts
    if approved and not problems and (warnings := submit_warnings(outcome.state)):
        problems.append(Problem("incomplete_po", f"an approved PO must be complete; missing: {warnings}"))
    if problems:
        return Outcome(index, "failed", po.id, po.po_number, po.external_id, problems)
    status = PoStatus.approved if approved else (PoStatus.draft if po.status == PoStatus.rejected and outcome.changed else po.status)
    action = "imported" if approved else "updated"
    return _Plan(Outcome(index, "updated", po.id, po.po_number, po.external_id), outcome.state, status, action, po, before,
                 changed=outcome.changed)


def upsert_many(actor: User, items: list[tuple[int, Any]], *, today: dt.date | None = None) -> list[Outcome]:
    """Upsert every item; returns one outcome per item, in order. Runs inside the caller's transaction."""
    today = today or utcnow().date()
    settings = get_settings()
    parsed = _validate(items)
    loaded = _load(parsed, settings)
    plans = _plan(parsed, loaded, today)
    valid = [p for p in plans if isinstance(p, _Plan)]
    _write_creates(actor, [p for p in valid if p.existing is None], settings)
    _write_updates(actor, [p for p in valid if p.existing is not None], settings)
    return [p.outcome if isinstance(p, _Plan) else p for p in plans]


def _validate(items: list[tuple[int, Any]]) -> list[tuple[int, dict, list[Problem]]]:
    """Each item checked against PurchaseOrderImport: (index, its valid values, its problems)."""
    checked = parse_many(PurchaseOrderImport, [payload for _, payload in items], with_defaults=False)
    return [(index, values, problems) for (index, _), (values, problems) in zip(items, checked)]


@dataclass
class _Loaded:
    """What the rules need from the database: the POs the items name, locked, and the catalog."""

    by_ext: dict[str, PurchaseOrder]
    by_num: dict[str, PurchaseOrder]
    states: dict[int, PoState]
    catalog: Catalog


def _load(parsed: list[tuple[int, dict, list]], settings: AppSettings) -> _Loaded:
    by_ext, by_num = _existing(parsed)
    states = load_states(list({p.id: p for p in [*by_ext.values(), *by_num.values()]}.values()))
    return _Loaded(by_ext, by_num, states, load_catalog(collect(v for _, v, _ in parsed), settings.base_currency))


def _plan(parsed: list[tuple[int, dict, list]], loaded: _Loaded, today: dt.date) -> list[_Plan | Outcome]:
    """Every item through the rules: a plan to write, or the outcome of an item that failed."""
    by_ext, by_num, catalog = loaded.by_ext, loaded.by_num, loaded.catalog
    taken = set(by_num)
    planned: dict[int, int] = {}  # PO id → the item already planning it
    plans: list[_Plan | Outcome] = []
    for index, values, shape in parsed:
        ext, num = _key(values)
        if not ext and not num:
            plans.append(Outcome(index, "failed", errors=shape + [Problem("missing_field", "an ERP item needs external_id or po_number to be upserted", "/external_id")]))
            continue
        po = by_ext.get(ext) if ext else by_num.get(num)
        if po is None:
            plans.append(_plan_create(index, values, shape, catalog, today, taken))
        elif po.id in planned:  # two items naming one PO by different keys: the second would undo the first
            key = "/external_id" if ext else "/po_number"
            plans.append(Outcome(index, "failed", po.id, po.po_number, po.external_id, [Problem(
                f"duplicate_{key[1:]}", f"item {planned[po.id]} of this batch already updates PO {po.po_number}; send each PO once", key)]))
        else:
            planned[po.id] = index
            plans.append(_plan_update(index, values, shape, catalog, po, loaded.states[po.id]))
    return plans


def _write_creates(actor: User, plans: list[_Plan], settings: AppSettings) -> None:
    if not plans:
        return
    numbers = iter(next_po_numbers(settings.po_number_format, sum(1 for p in plans if not p.state.po_number)))
    now = utcnow()
    rows = []
    for plan in plans:
        plan.outcome.po_number = plan.state.po_number or next(numbers)
        approved = plan.status == PoStatus.approved
        rows.append({
            **header_row(plan.state, settings.base_currency), "po_number": plan.outcome.po_number,
            "external_id": plan.state.external_id, "status": plan.status, "receipt_status": "not_received",
            "billing_status": "not_billed", "match_status": "none", "requested_by": actor.id, "version": 1,
            "created_at": now, "updated_at": now, "submitted_at": now if approved else None,
            "approved_at": now if approved else None,
        })
    for plan, po_id in zip(plans, bulk.insert_rows(PurchaseOrder, rows, returning_ids=True)):
        plan.outcome.po_id = po_id
    write_lines_many([(p.outcome.po_id, [], p.state.lines, p.state.currency) for p in plans])
    _audit(actor, [(p, {"status": [None, p.status], "po_number": [None, p.outcome.po_number],
                        "line_items": {"added": [l.identifier for l in p.state.lines]}}) for p in plans])
    happened = []
    for plan in plans:
        happened.append(events.DomainEvent(events.PO_CREATED, plan.outcome.po_id, actor.id, {"source": "erp"}))
        if plan.status == PoStatus.approved:
            happened.append(events.DomainEvent(events.PO_APPROVED, plan.outcome.po_id, actor.id, {"imported": True}))
    events.publish_many(happened)


def _write_updates(actor: User, plans: list[_Plan], settings: AppSettings) -> None:
    changed = [p for p in plans if p.changed or p.status != p.existing.status]
    if not changed:
        return
    now = utcnow()
    base = settings.base_currency
    headers = [header_row(p.state, base) for p in changed]
    rows = []
    for plan, header in zip(changed, headers):
        po, approving = plan.existing, plan.status == PoStatus.approved and plan.existing.status != PoStatus.approved
        # Lines may now be cut to what was received or billed: the derived statuses follow, and a PO
        # that is done closes itself, as after a receipt or an invoice.
        settled = settle(Facts(plan.status, plan.state.matching, po.receipt_status, po.billing_status, po.match_status,
                               tuple((l.quantity, l.quantity_received, l.quantity_billed) for l in plan.state.lines)))
        if settled.closed:
            plan.status, plan.closed = PoStatus.closed, True
        rows.append({
            "id": po.id, **header, "status": plan.status,
            "approval_level": None if approving else po.approval_level,
            "submitted_at": po.submitted_at or (now if approving else None),
            "approved_at": now if approving else po.approved_at,
            "receipt_status": settled.values["receipt_status"], "billing_status": settled.values["billing_status"],
        })
    # Only the columns that changed somewhere: rewriting the others would churn the indexes on them
    # for nothing (writing them all doubled the cost of the statement).
    columns = [c for c in HEADER_WRITES if any(row[c] != _stored(p.existing, c) for row, p in zip(rows, changed))]
    bump_many(rows, columns, {p.existing.id: p.existing.version for p in changed})
    write_lines_many([(p.existing.id, p.before.lines, p.state.lines, p.state.currency) for p in changed])
    # Levels of an earlier submission (pending or rejected) mean nothing once the ERP approved the PO.
    superseded = [p.existing.id for p in changed if p.existing.status != PoStatus.approved and p.action == "imported"]
    if superseded:
        PoApproval.delete().where(PoApproval.po.in_(superseded)).execute()
    _audit(actor, [(p, _update_changes(p, header, base)) for p, header in zip(changed, headers)])
    happened = []
    for plan in changed:
        happened.append(events.DomainEvent(events.PO_UPDATED, plan.outcome.po_id, actor.id, {"source": "erp"}))
        if plan.action == "imported" and plan.existing.status != PoStatus.approved:
            happened.append(events.DomainEvent(events.PO_APPROVED, plan.outcome.po_id, actor.id, {"imported": True}))
    events.publish_many(happened)
    record_closed([(p.outcome.po_id, p.state.matching) for p in changed if p.closed], actor)


def _stored(po: PurchaseOrder, column: str) -> Any:
    return po.vendor_id if column == "vendor" else getattr(po, column)


def _update_changes(plan: _Plan, header: dict[str, Any], base: str) -> dict[str, Any]:
    changes = audit.diff(audited(header_row(plan.before, base)), audited(header))
    if plan.status != plan.existing.status:
        changes["status"] = [plan.existing.status, plan.status]
    if lines := line_changes(plan.before.lines, plan.state.lines):
        changes["line_items"] = lines
    return changes


def _audit(actor: User, entries: list[tuple[_Plan, dict]]) -> None:
    audit.record_many("purchase_order", actor, [(p.outcome.po_id, p.action, changes) for p, changes in entries])

