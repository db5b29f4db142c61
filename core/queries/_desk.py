"""What the desk looks like right now, for the dashboard's overview, App Home and the bot's lists.

Each query runs a fixed number of statements whatever the data, on indexed columns.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from peewee import JOIN, Case, fn

from core.fields import utcnow
from core.models import Batch, Invoice, InvoiceLine, PoApproval, PoApprover, PurchaseOrder, User, Vendor
from core.money import round_amount
from core.queries._batches import resource as batch_resource
from core.queries._params import checked, row_limit
from core.services.settings import get_settings
from core.types import PoStatus

OPEN_STATUSES = (PoStatus.draft, PoStatus.pending_approval, PoStatus.approved, PoStatus.rejected)


def _summary(row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    cur = row["currency"]
    since = row.get("submitted_at") or row["created_at"]
    return {
        "id": row["id"], "po_number": row["po_number"], "status": row["status"], "vendor_name": row["vendor_name"],
        "description": row["description"], "currency": cur, "total": round_amount(row["total"], cur),
        "approval_level": row["approval_level"], "requested_by": {"id": row["requested_by"], "name": row["requester_name"]},
        "created_at": row["created_at"], "submitted_at": row["submitted_at"], "age": now - since,
    }


def _pos():
    return (PurchaseOrder.select(PurchaseOrder.id, PurchaseOrder.po_number, PurchaseOrder.status, PurchaseOrder.vendor_name,
                                 PurchaseOrder.description, PurchaseOrder.currency, PurchaseOrder.total,
                                 PurchaseOrder.approval_level, PurchaseOrder.requested_by, PurchaseOrder.created_at,
                                 PurchaseOrder.submitted_at, User.name.alias("requester_name"))
            .join(User, on=(PurchaseOrder.requested_by == User.id)))


def waiting_for(user_id: int, *, limit: int = 20, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """POs whose current approval level this user may decide, oldest submitted first, each with
    that level's `approval_id` and `round` (the submission it belongs to; one query)."""
    now, limit = now or utcnow(), row_limit(limit)
    asked = PoApprover.select(PoApprover.id).where(PoApprover.approval == PoApproval.id, PoApprover.user == user_id)
    query = (_pos().select_extend(PoApproval.id.alias("approval_id"), PoApproval.round)
             .join(PoApproval, on=((PoApproval.po == PurchaseOrder.id) & (PoApproval.level == PurchaseOrder.approval_level)),
                   src=PurchaseOrder)
             .where(PurchaseOrder.status == PoStatus.pending_approval, PurchaseOrder.requested_by != user_id,
                    PoApproval.decision.is_null(), fn.EXISTS(asked))
             .order_by(PurchaseOrder.submitted_at, PurchaseOrder.id).limit(limit))
    return [{**_summary(row, now), "approval_id": row["approval_id"], "round": row["round"]} for row in query.dicts()]


def all_waiting(*, limit: int = 20, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every PO waiting for approval, oldest submitted first (the overview's list)."""
    now, limit = now or utcnow(), row_limit(limit)
    query = (_pos().where(PurchaseOrder.status == PoStatus.pending_approval)
             .order_by(PurchaseOrder.submitted_at, PurchaseOrder.id).limit(limit))
    return [_summary(row, now) for row in query.dicts()]


def open_pos_of(user_id: int, *, limit: int = 20, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The POs this user requested that are still in play (draft to approved), newest first (one query)."""
    now, limit = now or utcnow(), row_limit(limit)
    query = (_pos().where(PurchaseOrder.requested_by == user_id, PurchaseOrder.status.in_([s.value for s in OPEN_STATUSES]))
             .order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id.desc()).limit(limit))
    return [_summary(row, now) for row in query.dicts()]


def counts_by_status() -> dict[str, int]:
    """How many POs are in each status (every status present, 0 when none; one query)."""
    counts = dict(PurchaseOrder.select(PurchaseOrder.status, fn.COUNT(PurchaseOrder.id)).group_by(PurchaseOrder.status).tuples())
    return {s.value: counts.get(s.value, 0) for s in PoStatus}


def _month(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month holding `day` where `zone`'s clocks are, as stored timestamps (naive UTC) [start, end)."""
    def utc(year: int, month: int) -> dt.datetime:
        return dt.datetime(year, month, 1, tzinfo=zone).astimezone(dt.timezone.utc).replace(tzinfo=None)

    return utc(day.year, day.month), utc(day.year + (day.month == 12), day.month % 12 + 1)


def spend_by_vendor(*, month: dt.date | None = None, timezone: dt.tzinfo = dt.timezone.utc, limit: int = 10) -> dict[str, Any]:
    """Approved spend in the base currency by vendor for a month POs were approved in (one query).

    The month is a reader's: the one holding `month` (default: today) on `timezone`'s clocks, from
    its first midnight there to the next month's.
    """
    month = checked("month", month, (dt.date, type(None)), "a date (any day of the month)")
    limit = row_limit(limit)
    base = get_settings().base_currency
    day = month or dt.datetime.now(timezone).date()
    start, end = _month(day, timezone)
    total = fn.SUM(PurchaseOrder.total_base)
    query = (PurchaseOrder.select(PurchaseOrder.vendor, PurchaseOrder.vendor_name, total.alias("spend"))
             .where(PurchaseOrder.approved_at >= start, PurchaseOrder.approved_at < end,
                    PurchaseOrder.status.in_([PoStatus.approved.value, PoStatus.closed.value]))
             .group_by(PurchaseOrder.vendor, PurchaseOrder.vendor_name).order_by(total.desc()).limit(limit))
    scale = PurchaseOrder.total_base  # stored scaled: convert the sum the way the column converts a value
    rows = [{"vendor_id": v, "vendor_name": name or "(no vendor)", "spend": round_amount(scale.python_value(s), base)}
            for v, name, s in query.tuples()]
    return {"currency": base, "month": day.replace(day=1), "vendors": rows}


def _unmatched_lines(rows: list[dict[str, Any]]) -> dict[int, tuple[Decimal, list[str]]]:
    """Per invoice: the amount (with tax) of its lines that are not matched, and their reasons (one query)."""
    found: dict[int, tuple[Decimal, list[str]]] = {}
    if not rows:
        return found
    query = (InvoiceLine.select(InvoiceLine.invoice, InvoiceLine.amount, InvoiceLine.tax_amount, InvoiceLine.reasons)
             .where(InvoiceLine.invoice.in_([r["id"] for r in rows]), InvoiceLine.match_status != "matched")
             .order_by(InvoiceLine.invoice, InvoiceLine.line_no))
    for line in query:
        amount, codes = found.get(line.invoice_id, (Decimal(0), []))
        codes += [r["code"] for r in line.reasons or [] if r["code"] not in codes]
        found[line.invoice_id] = (amount + line.amount + line.tax_amount, codes)
    return found


def open_exceptions(*, limit: int = 50, vendor_id: int | None = None, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Invoices with open exceptions, oldest first: why, the amount at stake and how long they have waited (two queries)."""
    now, limit = now or utcnow(), row_limit(limit)
    query = (Invoice.select(Invoice.id, Invoice.invoice_number, Invoice.po_number, Invoice.po, Invoice.currency,
                            Invoice.total, Invoice.reasons, Invoice.created_at, Vendor.name.alias("vendor_name"),
                            PurchaseOrder.requested_by)
             .join(Vendor, on=(Invoice.vendor == Vendor.id))
             .join(PurchaseOrder, JOIN.LEFT_OUTER, on=(Invoice.po == PurchaseOrder.id))
             .where(Invoice.match_status == "exception").order_by(Invoice.created_at, Invoice.id).limit(limit))
    if vendor_id is not None:
        query = query.where(Invoice.vendor == vendor_id)
    rows = list(query.dicts())
    lines = _unmatched_lines(rows)
    out = []
    for r in rows:
        cur = r["currency"]
        header = [reason["code"] for reason in r["reasons"] or []]
        unmatched, line_reasons = lines.get(r["id"], (Decimal(0), []))
        at_stake = r["total"] if header else unmatched
        out.append({
            "id": r["id"], "invoice_number": r["invoice_number"], "vendor_name": r["vendor_name"], "po_number": r["po_number"],
            "purchase_order_id": r["po"], "requested_by": r["requested_by"], "currency": cur, "total": round_amount(r["total"], cur),
            "at_stake": round_amount(at_stake, cur), "reasons": header + [c for c in line_reasons if c not in header],
            "created_at": r["created_at"],
            "age": now - r["created_at"],
        })
    return out


def count_open_exceptions() -> int:
    """How many invoices have open exceptions."""
    return Invoice.select().where(Invoice.match_status == "exception").count()


def recent_batches(*, limit: int = 10) -> list[dict[str, Any]]:
    """Running and queued batches first, then the most recent ones (one query)."""
    limit = row_limit(limit)
    running = Case(None, [(Batch.status == "completed", 1)], 0)
    query = Batch.select().order_by(running, Batch.created_at.desc(), Batch.id.desc()).limit(limit)
    return [batch_resource(b) for b in query]
