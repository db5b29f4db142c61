"""Every list's `meta.total`: exact whenever at most 10,000 rows match (`total_exact: true`); past
that an estimate of at least 10,001, flagged `total_exact: false`, so a list never counts millions.

Rows are inserted straight through the driver (core.bulk), ten thousand in a fraction of a second.
"""
import datetime as dt
from decimal import Decimal

import pytest

from core import bulk
from core.db import database
from core.fields import utcnow
from core.models import AuditEvent, PurchaseOrder, Vendor
from tests.factories import make_po, make_vendor


def insert_pos(count: int, requester, *, vendor=None, status: str = "draft", start: int = 0) -> None:
    """`count` draft POs of `requester` (numbers BULK-<start>… upwards), in one statement."""
    now = utcnow()
    rows = [{
        "po_number": f"BULK-{n:06d}", "status": status, "receipt_status": "not_received", "billing_status": "not_billed",
        "match_status": "none", "po_type": "goods", "matching": "two_way", "vendor": vendor.id if vendor else None,
        "vendor_name": vendor.name if vendor else None, "po_date": dt.date(2026, 1, 5), "currency": "INR",
        "exchange_rate": Decimal(1), "subtotal": Decimal(100), "tax_total": Decimal(0), "total": Decimal(100),
        "total_base": Decimal(100), "requested_by": requester.id, "version": 1, "created_at": now, "updated_at": now,
    } for n in range(start, start + count)]
    with database.atomic():
        bulk.insert_rows(PurchaseOrder, rows)


def meta(api, person, path: str, **query) -> dict:
    response = api.as_(person).get(path, query_string={"per_page": 1, **query})
    assert response.status_code == 200, response.json
    return response.json["meta"]


def test_ten_thousand_matching_pos_are_counted_exactly(api, people):
    insert_pos(10_000, people.requester)
    assert meta(api, people.viewer, "/purchase-orders") == {"page": 1, "per_page": 1, "total": 10_000, "total_exact": True}


def test_past_ten_thousand_pos_the_total_is_flagged_as_not_exact_and_is_at_least_10001(api, people, is_postgres):
    insert_pos(10_001, people.requester)
    found = meta(api, people.viewer, "/purchase-orders")
    assert found["total_exact"] is False
    assert found["total"] >= 10_001
    if not is_postgres:  # SQLite has no planner estimate: only "more than 10,000" is known
        assert found["total"] == 10_001


def test_a_filter_matching_a_few_of_many_pos_is_counted_exactly(api, people):
    acme = make_vendor(name="Acme")
    insert_pos(10_001, people.requester)
    insert_pos(3, people.requester, vendor=acme, status="approved", start=20_000)
    found = meta(api, people.viewer, "/purchase-orders", vendor_id=acme.id, status="approved")
    assert (found["total"], found["total_exact"]) == (3, True)


def test_a_page_past_ten_thousand_still_lists_the_right_rows(api, people):
    insert_pos(10_050, people.requester)
    response = api.as_(people.viewer).get("/purchase-orders", query_string={"sort": "po_number", "per_page": 10, "page": 1001})
    assert [po["po_number"] for po in response.json["data"]] == [f"BULK-{n:06d}" for n in range(10_000, 10_010)]
    assert response.json["meta"]["total_exact"] is False


def test_on_postgresql_the_total_past_ten_thousand_is_the_planners_estimate_near_the_truth(api, people, is_postgres):
    if not is_postgres:
        pytest.skip("the estimate is PostgreSQL's planner's; SQLite has none and says 10,001 (the test above)")
    insert_pos(30_000, people.requester)
    database.execute_sql("ANALYZE purchase_order")
    found = meta(api, people.viewer, "/purchase-orders")
    assert found["total_exact"] is False
    assert 27_000 <= found["total"] <= 33_000


def test_other_lists_count_the_same_way_vendors(api, people):
    now = utcnow()
    rows = [{"name": f"Vendor {n:05d}", "currency": "INR", "active": True, "created_at": now, "updated_at": now}
            for n in range(10_000)]
    with database.atomic():
        bulk.insert_rows(Vendor, rows)
    assert meta(api, people.viewer, "/vendors")["total_exact"] is True
    assert meta(api, people.viewer, "/vendors")["total"] == 10_000
    make_vendor()
    found = meta(api, people.viewer, "/vendors")
    assert found["total_exact"] is False and found["total"] >= 10_001
    assert meta(api, people.viewer, "/vendors", q="Vendor 0000") == {"page": 1, "per_page": 1, "total": 10, "total_exact": True}


def test_other_lists_count_the_same_way_a_pos_audit_trail(api, people):
    po = make_po(people.requester)  # its first event: created
    now = utcnow()
    with database.atomic():
        bulk.insert_rows(AuditEvent, [{"entity_type": "purchase_order", "entity_id": po.id, "action": "updated",
                                       "actor": people.requester.id, "at": now, "changes": None, "comment": None}
                                      for _ in range(9_999)])
    path = f"/purchase-orders/{po.id}/events"
    assert meta(api, people.viewer, path) == {"page": 1, "per_page": 1, "total": 10_000, "total_exact": True}
    with database.atomic():
        bulk.insert_rows(AuditEvent, [{"entity_type": "purchase_order", "entity_id": po.id, "action": "updated",
                                       "actor": people.requester.id, "at": now, "changes": None, "comment": None}])
    found = meta(api, people.viewer, path)
    assert found["total_exact"] is False and found["total"] >= 10_001


def test_other_lists_count_the_same_way_a_webhooks_deliveries(api, people):
    from core.models import Webhook, WebhookDelivery, WebhookEvent

    now = utcnow()
    hook = Webhook.create(url="https://erp.example/hook", events=["po.created"], secret="whsec_x", created_by=people.admin.id)
    WebhookEvent.create(id="evt_bulk", type="po.created", created_at=now, data={})
    path = f"/webhooks/{hook.id}/deliveries"

    def deliveries(start: int, count: int) -> None:
        with database.atomic():
            bulk.insert_rows(WebhookDelivery, [{"webhook": hook.id, "event": "evt_bulk", "outbox_key": f"webhook:bulk:{n}"}
                                               for n in range(start, start + count)])

    deliveries(0, 10_000)
    assert meta(api, people.admin, path) == {"page": 1, "per_page": 1, "total": 10_000, "total_exact": True}
    deliveries(10_000, 1)
    found = meta(api, people.admin, path)
    assert found["total_exact"] is False and found["total"] >= 10_001
