"""A new desk with nothing on it: every page says what to do next instead of showing empty tables."""
import pytest

from core.operator import add_user, set_password
from tests.web.dashboard_client import signed_in, text

PASSWORD = "a fresh desk"


@pytest.fixture
def client(app, db):
    add_user("Nina New", "nina@example.com", "approver")
    set_password("nina@example.com", PASSWORD)
    return signed_in(app, "nina@example.com", PASSWORD)


def test_the_overview_of_an_empty_desk_says_where_things_will_appear(client):
    page = text(client.get("/"))
    assert "Nothing is waiting for approval." in page
    assert "No invoice is stuck" in page
    assert "No purchase order has been approved this month yet" in page and "<svg" not in page
    assert "No ERP batch has arrived yet" in page and "hx-trigger" not in page


def test_an_empty_list_says_how_purchase_orders_arrive(client):
    page = text(client.get("/purchase-orders"))
    assert "No purchase orders yet." in page and "POST /api/v1/purchase-orders" in page
    assert "Download" not in page


def test_an_empty_exception_queue_and_batch_list_say_so(client):
    assert "The queue is empty" in text(client.get("/exceptions"))
    assert "No ERP batch has arrived yet" in text(client.get("/batches"))


def test_a_page_past_the_last_one_offers_the_first(client):
    page = text(client.get("/batches?page=3"))
    assert "There is no page 3 of batches." in page and 'href="/batches"' in page
