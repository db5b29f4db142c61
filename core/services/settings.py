"""Application settings (base currency, PO numbering, tolerances, approval policy, PO documents and emails)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import audit
from core.fields import jsonable
from core.db import database
from core.errors import Conflict, Problem, ValidationFailed
from core.models import PurchaseOrder, Setting, User
from core.money import decimal_places, minor_units
from core.schemas.parse import parse
from core.rules.templates import PLACEHOLDERS, unknown_placeholders
from core.schemas.reference import SettingsPatch
from core.services._access import require_role
from core.types import Role

DEFAULTS: dict[str, Any] = {
    "base_currency": "INR",
    "po_number_format": "PO-{seq:05d}",
    "price_tolerance_pct": Decimal(0),
    "price_tolerance_abs": Decimal(0),
    "quantity_tolerance_pct": Decimal(0),
    "over_receipt_tolerance_pct": Decimal(0),
    "approval_levels": [],
    "approval_reminder_hours": 24,
    "company_name": None,
    "company_address": None,
    "po_email_subject": "Purchase order {po_number}",
    "po_email_body": ("Hello,\n\nPlease find attached our purchase order {po_number} for {total}.\n\n"
                      "Kind regards,\n{company_name}"),
}
TEMPLATE_KEYS = ("po_email_subject", "po_email_body")
_PLACEHOLDER_LIST = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
DECIMAL_KEYS = ("price_tolerance_pct", "price_tolerance_abs", "quantity_tolerance_pct", "over_receipt_tolerance_pct")


@dataclass(frozen=True)
class AppSettings:
    base_currency: str
    po_number_format: str
    price_tolerance_pct: Decimal
    price_tolerance_abs: Decimal
    quantity_tolerance_pct: Decimal
    over_receipt_tolerance_pct: Decimal
    approval_levels: list[dict[str, Any]] = field(default_factory=list)
    approval_reminder_hours: int = 24
    company_name: str | None = None
    company_address: str | None = None
    po_email_subject: str = DEFAULTS["po_email_subject"]
    po_email_body: str = DEFAULTS["po_email_body"]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DEFAULTS}


def _decode(key: str, value: Any) -> Any:
    if key in DECIMAL_KEYS:
        return Decimal(value)
    if key == "approval_levels":
        return [{"min_total": Decimal(level["min_total"]), "approvers": level["approvers"]} for level in value]
    return value


def get_settings() -> AppSettings:
    """The settings now in force: stored values over the defaults."""
    values = dict(DEFAULTS)
    for row in Setting.select():
        if row.key in values:
            values[row.key] = _decode(row.key, row.value)
    return AppSettings(**values)


def format_po_number(fmt: str, seq: int, year: int) -> str:
    """A PO number from the format (`PO-{seq:05d}`, `{year}/{seq:04d}`)."""
    return fmt.format(seq=seq, year=year)


def _format_problems(fmt: str) -> list[Problem]:
    try:
        sample = format_po_number(fmt, 1, 2026)
        other = format_po_number(fmt, 2, 2026)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        return [Problem("invalid_value", f"po_number_format may use only {{seq}} and {{year}}: {exc}", "/po_number_format")]
    if sample == other:
        return [Problem("invalid_value", "po_number_format must contain {seq} so that numbers differ", "/po_number_format")]
    if len(format_po_number(fmt, 10**9, 2026)) > 50:
        return [Problem("invalid_value", "po_number_format makes numbers longer than 50 characters", "/po_number_format")]
    return []


def _approver_problems(levels: list[dict[str, Any] | None]) -> list[Problem]:
    # A level that is not an object is None here (its invalid_type is already reported).
    ids = {a for level in levels if level for a in level.get("approvers") or [] if isinstance(a, int)}
    users = {u.id: u for u in User.select().where(User.id.in_(list(ids)))} if ids else {}
    problems = []
    mins: dict[Decimal, int] = {}
    for i, level in enumerate(levels):
        if level is None:
            continue
        for j, approver in enumerate(level.get("approvers") or []):
            if not isinstance(approver, int):
                continue
            user = users.get(approver)
            at = f"/approval_levels/{i}/approvers/{j}"
            if user is None or not user.active:
                problems.append(Problem("invalid_value", f"user {approver} does not exist", at))
            elif not Role(user.role).at_least(Role.approver):
                problems.append(Problem("invalid_value", f"user {approver} ({user.name}) is a {user.role}, not an approver", at))
        if "min_total" in level:
            if level["min_total"] in mins:
                problems.append(Problem("invalid_value", f"levels {mins[level['min_total']]} and {i} have the same min_total", f"/approval_levels/{i}/min_total"))
            mins[level["min_total"]] = i
    return problems


def update_settings(actor: User, body: Any) -> AppSettings:
    """Change the settings given in `body`; every other setting keeps its value."""
    require_role(actor, Role.admin, "changing settings")
    values, problems = parse(SettingsPatch, body, with_defaults=False)
    if "po_number_format" in values:
        problems += _format_problems(values["po_number_format"])
    problems += [Problem("invalid_value", f"{key} may use only {_PLACEHOLDER_LIST}; {{{name}}} is not one of them", f"/{key}")
                 for key in TEMPLATE_KEYS if key in values for name in unknown_placeholders(values[key])]
    if "approval_levels" in values:
        problems += _approver_problems(values["approval_levels"])
        base = values.get("base_currency") or get_settings().base_currency
        problems += [Problem("invalid_value", f"min_total has more decimals than {base} has ({minor_units(base)})", f"/approval_levels/{i}/min_total")
                     for i, level in enumerate(values["approval_levels"])
                     if level and "min_total" in level and decimal_places(level["min_total"]) > minor_units(base)]
    if problems:
        raise ValidationFailed(problems)
    with database.atomic():
        before = get_settings()
        if values.get("base_currency", before.base_currency) != before.base_currency and PurchaseOrder.select().exists():
            raise Conflict([Problem("base_currency_in_use", "the base currency cannot change once purchase orders exist (their base totals are in it)", "/base_currency")])
        if "approval_levels" in values:
            values["approval_levels"] = sorted(values["approval_levels"], key=lambda level: level["min_total"])
        for key, value in values.items():
            if value is None:  # null clears a setting that may be empty (company_name …): back to its default
                Setting.delete().where(Setting.key == key).execute()
                continue
            Setting.insert(key=key, value=jsonable(value)).on_conflict(conflict_target=[Setting.key], update={Setting.value: jsonable(value)}).execute()
        after = get_settings()
        changes = audit.diff(jsonable(before.as_dict()), jsonable(after.as_dict()))
        if changes:
            audit.record("settings", 0, "updated", actor, changes)
    return after
