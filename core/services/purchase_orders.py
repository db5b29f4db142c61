"""Create, edit and delete purchase orders: the one way a PO's content changes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import IntegrityError

from core import audit, events
from core.db import database
from core.errors import Conflict, PoHasActivity, PoNotEditable, Problem, ValidationFailed, conflict, not_found
from core.fields import utcnow
from core.models import Invoice, PurchaseOrder, User
from core.rules import lifecycle as transitions
from core.rules.po_patch import patched_po
from core.rules.purchase_orders import new_po, submit_warnings
from core.rules.state import PoState
from core.schemas.parse import parse
from core.schemas.actions import CopyBody
from core.schemas.purchase_orders import PurchaseOrderCreate, PurchaseOrderPatch
from core.services import lifecycle
from core.services._common import args, locked_po
from core.services._access import require_role
from core.services._catalog import References, load_catalog
from core.services._numbering import next_po_number
from core.services._po_store import audited, bump, header_row, insert_po, line_changes, load_state, write_lines
from core.services.settings import AppSettings, get_settings
from core.types import PoStatus, Role

_SHAPE_CODES = ("unknown_field", "missing_field", "invalid_type")
MAX_NUMBER_TRIES = 10_000  # each try takes the counter's next number: a run of hand-typed ones is skipped


@dataclass(frozen=True)
class Created:
    po: PurchaseOrder
    submit_warnings: dict[str, Any] | None = None


def _check_unique(po_number: str | None, external_id: str | None) -> None:
    problems = []
    if po_number and PurchaseOrder.select().where(PurchaseOrder.po_number == po_number).exists():
        problems.append(Problem("duplicate_po_number", f"PO number {po_number!r} is already used", "/po_number"))
    if external_id and PurchaseOrder.select().where(PurchaseOrder.external_id == external_id).exists():
        problems.append(Problem("duplicate_external_id", f"external_id {external_id!r} is already used by another PO", "/external_id"))
    if problems:
        raise Conflict(problems)


def create_po(actor: User, body: Any, *, today: dt.date | None = None) -> Created:
    """A new draft PO; with `submit: true` submitted at once when complete (else its warnings)."""
    require_role(actor, Role.requester, "creating purchase orders")
    values, shape = parse(PurchaseOrderCreate, body)
    # Read and check before the write transaction: on SQLite it holds the one write lock from its
    # first statement, so all it does, every other writer waits for. (PostgreSQL's read-committed
    # transaction saw the vendors and SKUs no more consistently inside than they are read here.)
    settings, state = _checked(values, shape, today or utcnow().date())
    with database.atomic():
        return _write(actor, state, settings, submit=bool(values.get("submit")))


def _checked(values: dict[str, Any], shape: list[Problem], today: dt.date) -> tuple[AppSettings, PoState]:
    """The settings in force and the new PO's state, or ValidationFailed / Conflict."""
    settings = get_settings()
    catalog = load_catalog(References().add_po(values), settings.base_currency)
    state, problems = new_po(values, catalog, today, shape)
    if problems:
        raise ValidationFailed(problems)
    _check_unique(state.po_number, state.external_id)
    return settings, state


def _write(actor: User, state: PoState, settings: AppSettings, *, submit: bool, action: str = "created",
           comment: str | None = None) -> Created:
    po = _insert_numbered(state, actor, settings)
    audit.record("purchase_order", po.id, action, actor, _created_changes(po, state, settings.base_currency), comment=comment)
    events.publish(events.DomainEvent(events.PO_CREATED, po.id, actor.id))
    warnings = None
    if submit:
        warnings = submit_warnings(state)
        if warnings is None:
            lifecycle.submit_locked(po, actor, settings)
            po = PurchaseOrder.get_by_id(po.id)  # its status, version and timestamps moved
    return Created(po, warnings)


def _insert_numbered(state: PoState, actor: User, settings: AppSettings) -> PurchaseOrder:
    """Insert the PO under its own number, or the counter's next one nobody has taken.

    A number someone typed by hand (committed, or in a transaction not yet committed) is met at the
    unique index, where the insert does nothing and the counter's next number is tried.
    """
    for _ in range(MAX_NUMBER_TRIES):
        number = state.po_number or next_po_number(settings.po_number_format)
        try:
            po = insert_po(state, po_number=number, requested_by=actor, base_currency=settings.base_currency, status=PoStatus.draft)
        except IntegrityError as exc:
            if "external_id" in str(exc):
                raise conflict("duplicate_external_id", f"external_id {state.external_id!r} is already used by another PO", "/external_id") from exc
            raise
        if po is not None:
            return po
        if state.po_number:
            raise conflict("duplicate_po_number", f"PO number {number!r} is already used", "/po_number")
    raise conflict("duplicate_po_number", "no free PO number after many tries; check po_number_format against the numbers in use")


def _copy_body(state: PoState, values: dict[str, Any], po_date: dt.date) -> dict[str, Any]:
    header = {name: getattr(state, name) for name in PoState.HEADER_FIELDS if name != "po_date"}
    if header["delivery_date"] and header["delivery_date"] < po_date:
        header["delivery_date"] = None  # the old date has passed: the new order needs its own
    lines = []
    for line in state.lines:
        item = {"identifier": line.identifier, "quantity": line.quantity, "rate": line.rate, "tax_rate": line.tax_rate,
                "dimensions": {t: ref.erp_dimension_id for t, ref in line.dimensions.items()}}
        if line.sku is not None:
            item["sku_code"] = line.sku.code
        elif line.requested_sku_code or line.requested_sku_name:
            item["sku_code"], item["sku_name"] = line.requested_sku_code, line.requested_sku_name
        lines.append(item)
    return dict(header, vendor_id=state.vendor.id if state.vendor else None, line_items=lines,
                po_date=values.get("po_date"), po_number=values.get("po_number"), submit=False)


def copy_po(actor: User, po_id: int, *, po_date: dt.date | str | None = None, po_number: str | None = None,
            today: dt.date | None = None) -> Created:
    """A new draft with the header and lines (and their dimensions) of another PO, whatever its status."""
    require_role(actor, Role.requester, "copying purchase orders")
    if isinstance(po_date, dt.date):
        po_date = po_date.isoformat()
    values = args(CopyBody, po_date=po_date, po_number=po_number)
    with database.atomic():
        source = PurchaseOrder.get_or_none(PurchaseOrder.id == po_id)
        if source is None:
            raise not_found("purchase order", po_id)
        po_date = values.get("po_date") or today or utcnow().date()
        settings, state = _checked(_copy_body(load_state(source), values, po_date), [], po_date)
        return _write(actor, state, settings, submit=False, action="copied_from", comment=f"copied from {source.po_number}")


def _created_changes(po: PurchaseOrder, state: PoState, base_currency: str) -> dict[str, Any]:
    changes = {k: [None, v] for k, v in audited(header_row(state, base_currency)).items() if v is not None}
    changes.update({"po_number": [None, po.po_number], "status": [None, po.status]})
    changes["line_items"] = {"added": [l.identifier for l in state.lines]}
    return {k: v for k, v in changes.items() if v != [None, None]}


def _raise_patch_problems(outcome, shape: list[Problem]) -> None:
    early = [p for p in outcome.problems if p.code in _SHAPE_CODES or p.code == "immutable_field"] or shape
    if early:
        raise ValidationFailed(outcome.problems)
    if outcome.conflicts:
        raise Conflict(outcome.conflicts)
    if outcome.problems:
        raise ValidationFailed(outcome.problems)


def update_po(actor: User, po_id: int, body: Any, *, expected_version: int | None = None) -> PurchaseOrder:
    """Apply a PATCH: only the given fields change; lines by id (update/delete) or new."""
    require_role(actor, Role.requester, "editing purchase orders")
    values, shape = parse(PurchaseOrderPatch, body, with_defaults=False)
    with database.atomic():
        po = locked_po(po_id, expected_version)
        lifecycle.require_owner(actor, po, "edit")
        settings = get_settings()
        before = load_state(po)
        catalog = load_catalog(References().add_po(values), settings.base_currency)
        outcome = patched_po(before, values, catalog, shape)
        _raise_patch_problems(outcome, shape)
        if not outcome.changed:
            return po
        after = outcome.state
        old_row, new_row = header_row(before, settings.base_currency), header_row(after, settings.base_currency)
        changes = audit.diff(audited(old_row), audited(new_row))
        if transitions.allowed("edit", po.status):  # editing a rejected PO makes it a draft again
            new_row["status"] = PoStatus.draft
            changes["status"] = [po.status, PoStatus.draft]
        bump(po.id, new_row)
        write_lines(po.id, before.lines, after.lines, after.currency)
        if lines := line_changes(before.lines, after.lines):
            changes["line_items"] = lines
        audit.record("purchase_order", po.id, "updated", actor, changes)
        events.publish(events.DomainEvent(events.PO_UPDATED, po.id, actor.id, {"changes": list(changes)}))
    return PurchaseOrder.get_by_id(po_id)


def delete_po(actor: User, po_id: int, *, expected_version: int | None = None) -> None:
    """Delete a draft (anything further along is cancelled instead, so its record stays)."""
    require_role(actor, Role.requester, "deleting purchase orders")
    with database.atomic():
        po = locked_po(po_id, expected_version)
        lifecycle.require_owner(actor, po, "delete")
        if po.status != PoStatus.draft:
            raise PoNotEditable(po.status, f"only a draft can be deleted (this PO is {po.status}); cancel it instead")
        if Invoice.select().where(Invoice.po == po.id).exists():
            raise PoHasActivity("an invoice names this PO; it can be cancelled, not deleted")
        audit.record("purchase_order", po.id, "deleted", actor, {"po_number": [po.po_number, None]})
        po.delete_instance()
        events.publish(events.DomainEvent(events.PO_DELETED, po.id, actor.id, {"po_number": po.po_number}))
