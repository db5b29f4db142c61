"""Realistic demo data, written through the same services the API uses."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from core.db import database, is_postgres
from core.models import ALL_MODELS, PurchaseOrder, User, Vendor
from core import services
from core.services import batches
from core.operator import add_user, create_api_key, set_password


@dataclass(frozen=True)
class Demo:
    admin_email: str
    admin_key: str
    users: dict[str, User]
    password: str  # every demo user's dashboard password


PEOPLE = (
    ("admin", "Asha Admin", "asha@example.com"),
    ("requester", "Ravi Requester", "ravi@example.com"),
    ("approver", "Priya Approver", "priya@example.com"),
    ("approver", "Omar Finance", "omar@example.com"),
    ("viewer", "Vera Viewer", "vera@example.com"),
)
# Where the demo people are: the dashboard shows each of them times in their timezone and money
# in their locale (the default for anyone else is UTC and en_IN).
PLACES = {
    "asha@example.com": ("Asia/Kolkata", "en_IN"), "ravi@example.com": ("Asia/Kolkata", "en_IN"),
    "priya@example.com": ("Asia/Kolkata", "en_IN"), "omar@example.com": ("Asia/Kuwait", "en_GB"),
    "vera@example.com": ("Europe/London", "en_GB"),
}
VENDORS = (
    {"name": "Acme Tools", "external_id": "V-1001", "email": "orders@acme.example", "gstin": "29AABCA1234B1ZD",
     "currency": "INR", "payment_terms": "Net 30", "address": "Plot 14, Peenya Industrial Area\nBengaluru 560058"},
    {"name": "Globex Supplies", "external_id": "V-1002", "email": "sales@globex.example", "currency": "USD",
     "payment_terms": "Net 45"},
    {"name": "Tokyo Parts KK", "external_id": "V-1003", "currency": "JPY", "payment_terms": "Net 60",
     "address": "東京都大田区蒲田5-1-1\nTokyo 144-0052, Japan"},
    {"name": "Gulf Trading Co", "external_id": "V-1004", "currency": "KWD", "payment_terms": "Net 30"},
    {"name": "Initech Services", "external_id": "V-1005", "gstin": "27AAECG5678K1Z1", "currency": "INR",
     "payment_terms": "Net 15"},
)
SKUS = (
    ("BOLT-M8", "Steel bolt M8", "each", "4.50"), ("NUT-M8", "Steel nut M8", "each", "0.80"),
    ("WASHER-M8", "Flat washer M8", "each", "0.25"), ("DRILL-10", "Cordless drill 10mm", "each", "5400.00"),
    ("GLOVES-L", "Work gloves, large", "pair", "120.00"), ("PAPER-A4", "Copier paper A4, ream", "ream", "280.00"),
    ("CABLE-CAT6", "CAT6 cable, 305 m", "box", "9800.00"), ("LAPTOP-14", "Laptop 14-inch", "each", "72000.00"),
)
DIMENSIONS = (
    ("PROJECT", "P-100", "Plant expansion"), ("PROJECT", "P-200", "Office refit"),
    ("GL_ACCOUNT", "5010", "Raw materials"), ("GL_ACCOUNT", "6020", "IT equipment"),
    ("GL_ACCOUNT", "7030", "Professional services"), ("DEPARTMENT", "OPS", "Operations"),
    ("DEPARTMENT", "IT", "Information technology"), ("LOCATION", "BLR", "Bengaluru"), ("LOCATION", "MUM", "Mumbai"),
)


def _line(identifier: str, sku: str | None, qty: str, rate: str, tax: str = "18", **dims: str) -> dict:
    line = {"identifier": identifier, "quantity": qty, "rate": rate, "tax_rate": tax}
    if sku:
        line["sku_code"] = sku
    if dims:
        line["dimensions"] = dims
    return line


def _purchase_orders(vendor_ids: dict[str, int], today: dt.date) -> list[dict]:
    acme, globex, tokyo, gulf, initech = (vendor_ids[v["name"]] for v in VENDORS)
    ops = {"PROJECT": "P-100", "GL_ACCOUNT": "5010", "DEPARTMENT": "OPS"}
    it = {"PROJECT": "P-200", "GL_ACCOUNT": "6020", "DEPARTMENT": "IT"}
    return [
        {"po_type": "goods", "vendor_id": acme, "description": "Fasteners for line 3", "submit": True,
         "delivery_date": str(today + dt.timedelta(days=10)),
         "line_items": [_line("Steel bolts M8", "BOLT-M8", "1000", "4.50", **ops),
                        _line("Steel nuts M8", "NUT-M8", "1000", "0.80", **ops),
                        _line("Washers M8", "WASHER-M8", "2000", "0.25", **ops)]},
        {"po_type": "goods", "vendor_id": acme, "description": "Drills for the maintenance crew", "submit": True,
         "line_items": [_line("Cordless drills", "DRILL-10", "6", "5400", **ops),
                        _line("Work gloves", "GLOVES-L", "40", "120", **ops)]},
        {"po_type": "goods", "vendor_id": globex, "description": "Laptops for new hires", "currency": "USD",
         "exchange_rate": "83.25", "submit": True,
         "line_items": [_line("Laptop 14-inch", "LAPTOP-14", "5", "865.00", "0", **it)]},
        {"po_type": "goods", "vendor_id": tokyo, "description": "Spare bearings", "currency": "JPY",
         "exchange_rate": "0.56", "matching": "two_way", "submit": True,
         "line_items": [_line("Bearing 6204", None, "200", "320", "10"), _line("Bearing 6205", None, "100", "410", "10")]},
        {"po_type": "goods", "vendor_id": gulf, "description": "Cabling for the Kuwait office", "currency": "KWD",
         "exchange_rate": "270.125", "submit": True,
         "line_items": [_line("CAT6 cable boxes", "CABLE-CAT6", "3", "12.125", "0", **it)]},
        {"po_type": "services", "vendor_id": initech, "matching": "two_way", "description": "Network audit",
         "payment_terms": "50% upfront, 50% on report", "submit": True,
         "line_items": [_line("Audit days", None, "5", "25000", **{"GL_ACCOUNT": "7030", "DEPARTMENT": "IT"})]},
        {"po_type": "goods", "vendor_id": acme, "description": "Stationery restock",
         "line_items": [_line("Copier paper", "PAPER-A4", "50", "280", "12")]},
        {"po_type": "goods", "description": "Quote pending: safety kit", "submit": True,
         "line_items": [_line("Gloves (quote awaited)", "GLOVES-L", "100", "0")]},
        {"po_type": "services", "vendor_id": initech, "matching": "two_way", "description": "Helpdesk retainer",
         "line_items": [{"identifier": "Monthly retainer", "sku_code": "SUPPORT-RETAINER", "quantity": "3", "rate": "40000"}]},
        {"po_type": "goods", "vendor_id": acme, "description": "Conveyor for plant expansion", "submit": True,
         "line_items": [_line("Conveyor section", None, "4", "210000", **ops)], "matching": "two_way"},
        {"po_type": "goods", "vendor_id": acme, "description": "Duplicate order of gloves", "submit": True,
         "line_items": [_line("Work gloves", "GLOVES-L", "10", "120", **ops)]},
        {"po_type": "goods", "vendor_id": acme, "description": "Last quarter's washers", "submit": True,
         "line_items": [_line("Washers M8", "WASHER-M8", "500", "0.25", **ops)]},
    ]


def _decide(by_description: dict[str, int], users: dict[str, User]) -> None:
    """Walk some POs through approvals, rejections, a cancel and a close, as people would."""
    priya, omar, ravi, asha = (users[e] for e in ("priya@example.com", "omar@example.com", "ravi@example.com", "asha@example.com"))
    services.approve_po(priya, by_description["Spare bearings"], comment="Within budget")
    services.approve_po(priya, by_description["Conveyor for plant expansion"], comment="Budgeted in P-100")
    services.reject_po(priya, by_description["Network audit"], reason="Please get a second quote first")
    services.cancel_po(ravi, by_description["Duplicate order of gloves"], reason="Ordered twice by mistake")
    services.close_po(asha, by_description["Last quarter's washers"], comment="Supplier confirmed nothing more will ship")


def _invoice(vendor_id: int, number: str, po_number: str | None, currency: str, lines: list[tuple], today: dt.date) -> dict:
    return {"vendor_id": vendor_id, "invoice_number": number, "invoice_date": str(today), "currency": currency,
            "po_number": po_number, "lines": [{"description": d, "quantity": q, "unit_price": p, "tax_rate": t} for d, q, p, t in lines]}


def _receive_and_bill(po_ids: dict[str, int], vendor_ids: dict[str, int], users: dict[str, User], today: dt.date) -> None:
    """Receipts, matched invoices, and one invoice of each exception kind."""
    ravi, asha, priya = users["ravi@example.com"], users["asha@example.com"], users["priya@example.com"]
    number = {d: PurchaseOrder.get_by_id(i).po_number for d, i in po_ids.items()}
    acme, globex, tokyo, gulf = (vendor_ids[n] for n in ("Acme Tools", "Globex Supplies", "Tokyo Parts KK", "Gulf Trading Co"))
    fasteners, drills = "Fasteners for line 3", "Drills for the maintenance crew"
    services.record_receipt(ravi, po_ids[fasteners], {"note": "Truck 1 of 2", "lines": [
        {"identifier": "Steel bolts M8", "quantity": "1000"}, {"identifier": "Steel nuts M8", "quantity": "1000"},
        {"identifier": "Washers M8", "quantity": "1200"}]})
    services.record_receipt(ravi, po_ids[drills], {"lines": [
        {"identifier": "Cordless drills", "quantity": "6"}, {"identifier": "Work gloves", "quantity": "20"}]})
    invoices = [
        # matched: fuzzy descriptions, word order and a typo
        _invoice(acme, "ACME-1001", number[fasteners], "INR", [("M8 steel bolts", "1000", "4.50", "18"), ("Stel nuts M8", "1000", "0.80", "18")], today),
        # quantity_exceeds_received: 40 gloves billed, 20 received (matches by itself when the rest arrives)
        _invoice(acme, "ACME-1002", number[drills], "INR", [("Work gloves", "40", "120", "18")], today),
        # price_variance, accepted below by an approver
        _invoice(acme, "ACME-1003", number[drills], "INR", [("Cordless drills", "6", "5600", "18")], today),
        # quantity_exceeds_ordered: 1,500 bolts billed on a PO for 1,000
        _invoice(acme, "ACME-1004", number[fasteners], "INR", [("Steel bolts M8", "500", "4.50", "18")], today),
        # price_variance beyond the 2% tolerance (two-way, JPY)
        _invoice(tokyo, "TPK-77", number["Spare bearings"], "JPY", [("Bearing 6204", "200", "335", "10")], today),
        # currency_mismatch and no_matching_po_line
        _invoice(gulf, "GT-5501", number["Cabling for the Kuwait office"], "USD", [("Fibre patch cords", "20", "3.50", "0")], today),
        # vendor_mismatch: Globex quoting Acme's PO
        _invoice(globex, "GLX-9001", number[fasteners], "INR", [("Steel bolts M8", "10", "4.50", "18")], today),
        # po_not_open: the laptops PO is still waiting for approval
        _invoice(globex, "GLX-9002", number["Laptops for new hires"], "USD", [("Laptop 14-inch", "5", "865.00", "0")], today),
        # po_not_found
        _invoice(acme, "ACME-1005", "PO-99999", "INR", [("Hex keys", "10", "85", "18")], today),
        # unmatched: no PO number at all
        _invoice(acme, "ACME-1006", None, "INR", [("Workshop cleaning", "1", "2500", "18")], today),
    ]
    made = {body["invoice_number"]: services.register_invoice(asha, body) for body in invoices}
    services.accept_invoice_exception(priya, made["ACME-1003"].id, reason="Price rise agreed with Acme by phone")


def _erp_batches(admin: User, vendor_ids: dict[str, int]) -> None:
    """A finished ERP sync with one failed item, and one left running slowly enough to watch."""
    acme, initech = vendor_ids["Acme Tools"], vendor_ids["Initech Services"]
    sync = [{"external_id": f"SAP-45000{i:02d}", "po_type": "goods", "vendor_id": acme, "status": "approved",
             "description": f"Monthly consumables, plant {i}", "payment_terms": "Net 30",
             "line_items": [{"identifier": "Steel bolts M8", "sku_code": "BOLT-M8", "quantity": "500", "rate": "4.50", "tax_rate": "18"},
                            {"identifier": "Steel nuts M8", "sku_code": "NUT-M8", "quantity": "500", "rate": "0.80", "tax_rate": "18"}]}
            for i in range(1, 9)]
    sync.append({"external_id": "SAP-4500099", "po_type": "goods", "vendor_id": acme, "currency": "XYZ",
                 "line_items": [{"identifier": "Unknown part", "sku_code": "NOPE-1", "quantity": "1", "rate": "10"}]})
    services.enqueue_batch(admin, {"purchase_orders": sync}, idempotency_key="demo-sync-1")
    batches.run_pending("demo")
    slow = [{"external_id": f"SAP-46000{i:02d}", "po_type": "services", "matching": "two_way", "vendor_id": initech,
             "description": f"Field service visit {i}", "line_items": [{"identifier": "Technician day", "quantity": "1", "rate": "12000"}]}
            for i in range(1, 41)]
    services.enqueue_batch(admin, {"purchase_orders": slow}, chunk_size=1, pause_seconds=3)  # about two minutes


def _people(password: str) -> dict[str, User]:
    """The demo people, each with the dashboard password and their timezone and locale."""
    users = {}
    for role, name, email in PEOPLE:
        add_user(name, email, role)
        set_password(email, password)
        zone, locale = PLACES[email]
        users[email] = services.set_preferences(User.get(User.email == email), timezone=zone, locale=locale)
    return users


def seed(today: dt.date | None = None, *, password: str | None = None) -> Demo:
    """Fill an empty database with demo people, reference data and purchase orders.

    Every demo user signs in to the dashboard with `password` (a new random one when not given,
    so a demo that is reachable from elsewhere does not open with a published password).
    """
    today = today or dt.date.today()
    password = password or secrets.token_urlsafe(9)
    users = _people(password)
    admin, requester = users["asha@example.com"], users["ravi@example.com"]
    vendor_ids = {v["name"]: services.create_vendor(admin, v).id for v in VENDORS}
    services.create_skus(admin, {"skus": [{"code": c, "name": n, "unit": u, "default_rate": r} for c, n, u, r in SKUS]})
    for dim_type, erp_id, name in DIMENSIONS:
        services.create_dimension(admin, {"type": dim_type, "erp_dimension_id": erp_id, "name": name})
    services.update_settings(admin, {"company_name": "Podesk Demo Manufacturing Pvt Ltd",
                                     "company_address": "42 MG Road\nBengaluru 560001\nGSTIN 29ABCDE1234F1Z5",
                                     "price_tolerance_pct": "2", "price_tolerance_abs": "1", "over_receipt_tolerance_pct": "5",
                                     "approval_levels": [
        {"min_total": "50000", "approvers": ["approver"]},
        {"min_total": "500000", "approvers": [users["omar@example.com"].id]},
    ]})
    by_description = {}
    for body in _purchase_orders(vendor_ids, today):
        by_description[body["description"]] = services.create_po(requester, body, today=today).po.id
    _decide(by_description, users)
    _receive_and_bill(by_description, vendor_ids, users, today)
    _erp_batches(admin, vendor_ids)
    key, _ = create_api_key(admin.email, name="demo")
    return Demo(admin.email, key, users, password)


def existing_data() -> str | None:
    """What podesk data the bound database holds ("2 users, 40 purchase orders"), or None when it holds none."""
    if not any(model.select().exists() for model in ALL_MODELS):
        return None
    counts = [(model.select().count(), label) for model, label in ((User, "users"), (Vendor, "vendors"), (PurchaseOrder, "purchase orders"))]
    return ", ".join(f"{n:,} {label}" for n, label in counts if n) or "settings or other rows"


def empty_tables() -> None:
    """Delete every row of every podesk table (the schema and its migration history stay), for `demo --reset`."""
    tables = [model._meta.table_name for model in ALL_MODELS]
    with database.atomic():
        if is_postgres():
            quoted = ", ".join(f'"{table}"' for table in tables)
            database.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            return
        database.execute_sql("PRAGMA defer_foreign_keys = ON")  # checked at commit, when every table is empty
        for table in tables:
            database.execute_sql(f'DELETE FROM "{table}"')
