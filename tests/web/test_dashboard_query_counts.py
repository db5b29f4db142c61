"""Every dashboard page runs a fixed number of queries, whatever the number of rows it shows."""
import pytest
from playhouse.test_utils import count_queries

from core import services
from core.services import batches
from core.operator import set_password
from tests.factories import line, make_po, make_sku, make_vendor, system_admin
from tests.web.dashboard_client import signed_in, text

SIZES = (1, 5, 20)
PASSWORD = "query counting"


@pytest.fixture
def viewer(people):
    set_password(people.viewer.user.email, PASSWORD)
    return people.viewer.user


def queries_of(client, path: str) -> int:
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, text(response)[:2000]
    return counter.count


def counts_while_growing(grow, client, path_of) -> dict[int, int]:
    """{size: queries of the page} after growing the data to each size in SIZES."""
    made, counts = 0, {}
    for size in SIZES:
        for n in range(made, size):
            grow(n)
        made = size
        counts[size] = queries_of(client, path_of())
    return counts


def assert_constant(counts: dict[int, int]) -> None:
    assert len(set(counts.values())) == 1, f"queries by size: {counts}"


def _approval_level(people) -> None:
    services.update_settings(system_admin(), {"approval_levels": [{"min_total": "1", "approvers": [people.approver.id]}]})


def _billed_po(people, vendor, n: int):
    """An approved PO with two lines, a receipt and an invoice with a price exception on one line."""
    po = make_po(people.requester, vendor=vendor, lines=[line(f"Bolts {n}", "10", "5", sku_code=make_sku().code),
                                                             line(f"Nuts {n}", "10", "2", sku_code=make_sku().code)],
                 matching="three_way", po_type="goods", submit=True)
    services.approve_po(people.approver.user, po.id)
    services.record_receipt(people.requester.user, po.id, {"lines": [{"identifier": f"Bolts {n}", "quantity": "10"}]})
    services.register_invoice(system_admin(), {
        "vendor_id": vendor.id, "invoice_number": f"INV-{n}", "invoice_date": "2026-01-05", "currency": "INR",
        "po_number": po.po_number, "lines": [{"description": f"Bolts {n}", "quantity": "10", "unit_price": "9"}]})
    return po


def test_the_overview_runs_the_same_queries_for_1_5_and_20_of_everything(app, people, viewer):
    _approval_level(people)
    vendor = make_vendor()

    def grow(n):
        make_po(people.requester, vendor=vendor, submit=True)  # waiting for approval
        _billed_po(people, make_vendor(), n)  # approved this month, with an open exception
        services.enqueue_batch(system_admin(), {"purchase_orders": [{"external_id": f"B-{n}", "po_type": "services",
                               "matching": "two_way", "line_items": [line()]}]})

    assert_constant(counts_while_growing(grow, signed_in(app, viewer.email, PASSWORD), lambda: "/"))


def test_the_po_list_runs_the_same_queries_for_1_5_and_20_rows(app, people, viewer):
    def grow(n):
        make_po(people.requester, vendor=make_vendor(), lines=[line(), line()])

    client = signed_in(app, viewer.email, PASSWORD)
    assert_constant(counts_while_growing(grow, client, lambda: "/purchase-orders?per_page=200"))
    assert_constant({size: queries_of(client, "/purchase-orders?per_page=200") for size in SIZES})


def test_a_po_page_runs_the_same_queries_for_1_5_and_20_lines_receipts_invoices_and_events(app, people, viewer):
    _approval_level(people)
    vendor = make_vendor()
    client = signed_in(app, viewer.email, PASSWORD)
    counts = {}
    for size in SIZES:  # one PO per size, holding `size` of everything
        lines = [line(f"Item {i}", "10", "5", sku_code=make_sku().code) for i in range(size)]
        po = make_po(people.requester, vendor=vendor, lines=lines, matching="three_way", po_type="goods", submit=True)
        services.approve_po(people.approver.user, po.id)
        for i in range(size):
            services.record_receipt(people.requester.user, po.id, {"lines": [{"identifier": f"Item {i}", "quantity": "1"}]})
            services.register_invoice(system_admin(), {
                "vendor_id": vendor.id, "invoice_number": f"S{size}-{i}", "invoice_date": "2026-01-05", "currency": "INR",
                "po_number": po.po_number, "lines": [{"description": f"Item {i}", "quantity": "2", "unit_price": "5"}]})
        counts[size] = queries_of(client, f"/purchase-orders/{po.id}")
    assert_constant(counts)


def test_the_exception_queue_runs_the_same_queries_for_1_5_and_20_invoices(app, people, viewer):
    _approval_level(people)
    vendor = make_vendor()
    assert_constant(counts_while_growing(lambda n: _billed_po(people, vendor, n),
                                         signed_in(app, viewer.email, PASSWORD), lambda: "/exceptions"))


def test_the_batch_pages_run_the_same_queries_for_1_5_and_20_batches_and_items(app, people, viewer):
    client = signed_in(app, viewer.email, PASSWORD)
    made = []

    def grow(n):
        items = [{"external_id": f"E-{n}-{i}", "po_type": "services", "matching": "two_way",
                  "line_items": [line()] if i % 2 else []} for i in range(n + 1)]  # every other item fails
        made.append(services.enqueue_batch(system_admin(), {"purchase_orders": items})[0].id)
        while batches.work_chunk("test"):
            pass

    assert_constant(counts_while_growing(grow, client, lambda: "/batches"))
    assert_constant({size: queries_of(client, f"/batches/{made[size - 1]}") for size in SIZES})
