"""Paging through the PO list: every page, far past the first, holds exactly the rows that sorting
the whole list and slicing it (what OFFSET promises) would give — for every sort key, ascending and
descending, with ties and with missing values (which sort as the largest)."""
import datetime as dt
import random
from decimal import Decimal

import pytest

from core import bulk, queries
from core.db import database
from core.fields import utcnow
from core.models import PurchaseOrder
from core.queries import PoFilter
from core.queries._filters import SORTABLE
from tests.factories import make_person

ROWS, PER_PAGE = 57, 5  # twelve pages, the last one short
STATUSES = ("draft", "pending_approval", "approved", "rejected", "cancelled", "closed")


@pytest.fixture
def listed(db):
    """57 POs whose sort keys tie often and are missing often; returns them as the list shows them."""
    requester = make_person("requester").user
    rng = random.Random(13)
    start = utcnow().replace(microsecond=0)
    rows = []
    for n in range(ROWS):
        vendor = rng.choice([None, "Vendor A", "Vendor B", "Vendor C"])
        rows.append({
            "po_number": f"T-{rng.randrange(10_000):04d}-{n:02d}", "status": rng.choice(STATUSES),
            "receipt_status": "not_received", "billing_status": "not_billed", "match_status": "none",
            "po_type": "goods", "matching": "two_way", "vendor": None, "vendor_name": vendor,
            "po_date": dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(4)),
            "delivery_date": rng.choice([None, None, dt.date(2026, 4, 1), dt.date(2026, 4, 2)]),
            "currency": "INR", "exchange_rate": Decimal(1), "subtotal": Decimal(0), "tax_total": Decimal(0),
            "total": Decimal(rng.choice([100, 250, 250, 999])), "total_base": Decimal(0),
            "requested_by": requester.id, "version": 1,
            "created_at": start + dt.timedelta(seconds=rng.randrange(6)), "updated_at": start,
        })
    with database.atomic():
        bulk.insert_rows(PurchaseOrder, rows)
    data, _ = queries.purchase_orders(PoFilter(per_page=200))
    return data


def reference(rows: list[dict], sort: tuple[tuple[str, bool], ...]) -> list[int]:
    """The ids in list order, by sorting in Python: each key in turn, a missing value the largest,
    ties broken by id in the last key's direction."""
    ordered = sorted(rows, key=lambda r: r["id"], reverse=sort[-1][1])
    for name, desc in reversed(sort):
        ordered.sort(key=lambda r: (r[name] is None, r[name] if r[name] is not None else 0), reverse=desc)
    return [r["id"] for r in ordered]


def every_page(sort, **filters) -> list[list[int]]:
    pages = []
    for page in range(1, ROWS // PER_PAGE + 3):  # one page past the end too
        data, meta = queries.purchase_orders(PoFilter(sort=sort, page=page, per_page=PER_PAGE, **filters))
        pages.append([po["id"] for po in data])
    return pages


def assert_pages_slice(expected: list[int], pages: list[list[int]]) -> None:
    for number, ids in enumerate(pages, start=1):
        offset = (number - 1) * PER_PAGE
        assert ids == expected[offset:offset + PER_PAGE], f"page {number}"


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("key", SORTABLE)
def test_every_page_of_every_sort_holds_the_rows_offset_promises(listed, key, descending):
    sort = ((key, descending),)
    assert_pages_slice(reference(listed, sort), every_page(sort))


@pytest.mark.parametrize("sort", [
    (("vendor_name", False), ("total", True)),
    (("delivery_date", True), ("po_date", False)),
    (("status", False), ("created_at", True)),
], ids=lambda s: ",".join(("-" if d else "") + k for k, d in s))
def test_pages_of_a_sort_on_several_keys_hold_the_rows_offset_promises(listed, sort):
    assert_pages_slice(reference(listed, sort), every_page(sort))


def test_pages_of_a_filtered_list_hold_the_rows_offset_promises(listed):
    chosen = ("draft", "approved", "closed")
    sort = (("delivery_date", False),)
    expected = reference([r for r in listed if r["status"] in chosen], sort)
    assert len(expected) > 2 * PER_PAGE
    assert_pages_slice(expected, every_page(sort, status=chosen))


def test_the_data_has_the_ties_and_gaps_the_sorts_must_handle(listed):
    for key in ("created_at", "po_date", "total", "status", "vendor_name", "delivery_date"):
        values = [r[key] for r in listed]
        assert len(set(values)) < len(values), f"{key} has no ties"
    assert any(r["delivery_date"] is None for r in listed) and any(r["vendor_name"] is None for r in listed)
