"""Recording goods received against an approved PO."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import JOIN

from core import audit, bulk, events
from core.db import database
from core.errors import PoNotOpen, Problem, ValidationFailed
from core.fields import utcnow
from core.models import PoLine, PurchaseOrder, Receipt, ReceiptLine, Sku, User
from core.money import plain
from core.rules.identifiers import identifier_key
from core.schemas.invoices import ReceiptCreate
from core.schemas.parse import parse
from core.services import _progress, invoicing
from core.services._common import get_locked
from core.services._access import require_role
from core.services.settings import get_settings
from core.types import PoStatus, Role


def _resolve(items: list, lines: list[tuple], problems: list[Problem]) -> list[tuple[int, tuple, Decimal]]:
    """(index, PO line row, quantity) for each receipt line that names exactly one line of this PO."""
    by_id = {row[0]: row for row in lines}
    by_identifier = {identifier_key(row[1]): row for row in lines}  # as lines are told apart within a PO
    found, seen = [], set()
    for i, item in enumerate(items):
        at = f"/lines/{i}"
        if not item or "quantity" not in item:
            continue
        if item.get("line_id") is not None:
            row, field, given = by_id.get(item["line_id"]), "line_id", item["line_id"]
        elif item.get("identifier") is not None:
            row, field, given = by_identifier.get(identifier_key(item["identifier"])), "identifier", item["identifier"]
        elif item.get("sku_code") is not None:
            same = [r for r in lines if r[5] == item["sku_code"]]
            if len(same) > 1:
                problems.append(Problem("invalid_value", f"sku_code {item['sku_code']!r} is on {len(same)} lines of this PO; name the line by line_id", at + "/sku_code"))
                continue
            row, field, given = (same[0] if same else None), "sku_code", item["sku_code"]
        else:
            problems.append(Problem("missing_field", "name the PO line by line_id, identifier or sku_code", at))
            continue
        if row is None:
            problems.append(Problem("invalid_line_items", f"this PO has no line with {field} {given!r}", f"{at}/{field}"))
        elif row[0] in seen:
            problems.append(Problem("invalid_line_items", f"line {row[1]!r} appears twice in this receipt", f"{at}/{field}"))
        else:
            seen.add(row[0])
            found.append((i, row, item["quantity"]))
    return found


def record_receipt(actor: User, po_id: int, body: Any) -> Receipt:
    """Record goods received; re-match this PO's invoices that were waiting for them, in the same transaction."""
    require_role(actor, Role.requester, "recording receipts")
    values, problems = parse(ReceiptCreate, body)
    with database.atomic():
        po = get_locked(PurchaseOrder, po_id, "purchase order")
        if po.status != PoStatus.approved:
            raise PoNotOpen(po.status, f"goods can only be received on an approved PO (this one is {po.status})")
        lines = list(PoLine.select(PoLine.id, PoLine.identifier, PoLine.quantity, PoLine.quantity_received, PoLine.line_no, Sku.code)
                     .join(Sku, JOIN.LEFT_OUTER).where(PoLine.po == po.id).tuples())
        received = _resolve(values.get("lines") or [], lines, problems)
        limit = get_settings().over_receipt_tolerance_pct
        for i, (_, identifier, ordered, already, _, _), quantity in received:
            allowed = ordered + ordered * limit / 100
            if already + quantity > allowed:
                problems.append(Problem("over_receipt", f"line {identifier!r}: {plain(already)} received of {plain(ordered)} ordered; "
                                        f"{plain(quantity)} more would exceed the {plain(limit)}% tolerance (at most {plain(allowed - already)} more)",
                                        f"/lines/{i}/quantity"))
        if problems:
            raise ValidationFailed(problems)
        receipt = Receipt.create(po=po.id, received_on=values.get("received_on") or utcnow().date(), note=values.get("note"), received_by=actor.id)
        bulk.insert_rows(ReceiptLine, [{"receipt": receipt.id, "po_line": row[0], "quantity": q} for _, row, q in received])
        bulk.update_rows(PoLine, [{"id": row[0], "quantity_received": row[3] + q} for _, row, q in received], ["quantity_received"])
        audit.record("purchase_order", po.id, "receipt_recorded", actor,
                     {row[1]: [plain(row[3]), plain(row[3] + q)] for _, row, q in received}, comment=values.get("note"))
        invoicing.rematch_waiting(po, actor)
        _progress.refresh(po.id, actor, lines_changed=True)
        events.publish(events.DomainEvent(events.RECEIPT_RECORDED, po.id, actor.id, {"receipt_id": receipt.id}))
    return receipt

