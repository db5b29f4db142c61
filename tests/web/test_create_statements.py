"""POST /purchase-orders is short: at most 10 SQL statements from authentication to the response
(counted with peewee's query counter), and it still writes everything it did when it ran 19."""
import pytest
from playhouse.test_utils import count_queries

from core import events
from core.models import PurchaseOrder
from tests.factories import line, make_dimension, make_sku, make_vendor, po_body

MOST = 10


@pytest.fixture
def body():
    """A three-way PO naming a vendor, two SKUs and two dimensions on every line."""
    vendor = make_vendor(name="Acme Tools", payment_terms="Net 30")
    bolt, nut = make_sku(code="BOLT-M8"), make_sku(code="NUT-M8")
    make_dimension("PROJECT", "P-100")
    make_dimension("GL_ACCOUNT", "5010")
    dims = {"PROJECT": "P-100", "GL_ACCOUNT": "5010"}
    return po_body(vendor, matching="three_way", lines=[
        line("Steel bolts M8", quantity="1000", rate="4.50", sku_code=bolt.code, tax_rate="18", dimensions=dims),
        line("Steel nuts M8", quantity="1000", rate="0.80", sku_code=nut.code, tax_rate="18", dimensions=dims),
    ])


@pytest.fixture
def heard():
    """Every domain event published (and not rolled back) during the test."""
    got = []
    unsubscribe = events.on_event(got.append)
    yield got
    unsubscribe()


def counted_post(client, body):
    counter = count_queries()
    with counter:
        response = client.post("/purchase-orders", json=body)
    assert response.status_code == 201, response.json
    return response, [q.msg[0] for q in counter.get_queries()]


def test_creating_a_po_with_skus_and_dimensions_runs_at_most_ten_statements(api, people, body):
    _, statements = counted_post(api.as_(people.requester), body)
    assert len(statements) <= MOST, "\n".join(s[:100] for s in statements)


def test_creating_a_po_with_neither_skus_nor_dimensions_runs_at_most_ten_statements(api, people):
    _, statements = counted_post(api.as_(people.requester), po_body())
    assert len(statements) <= MOST, "\n".join(s[:100] for s in statements)


def test_the_short_create_answers_with_the_po_exactly_as_reading_it_back_shows_it(api, people, body):
    created, _ = counted_post(api.as_(people.requester), body)
    read = api.as_(people.requester).get(f"/purchase-orders/{created.json['id']}")
    assert created.json == read.json
    assert created.json["po_number"] == "PO-00001"
    assert [(l["sku_code"], l["dimensions"]) for l in created.json["line_items"]] == [
        ("BOLT-M8", {"GL_ACCOUNT": "5010", "PROJECT": "P-100"}), ("NUT-M8", {"GL_ACCOUNT": "5010", "PROJECT": "P-100"})]


def test_the_short_create_still_writes_its_audit_event_and_publishes_po_created(api, people, body, heard):
    created, _ = counted_post(api.as_(people.requester), body)
    trail = api.as_(people.requester).get(f"/purchase-orders/{created.json['id']}/events").json["data"]
    assert [(e["action"], e["actor"]["id"]) for e in trail] == [("created", people.requester.id)]
    assert trail[0]["changes"]["po_number"] == [None, "PO-00001"]
    assert trail[0]["changes"]["line_items"] == {"added": ["Steel bolts M8", "Steel nuts M8"]}
    assert [(e.name, e.po_id, e.actor_id) for e in heard] == [(events.PO_CREATED, created.json["id"], people.requester.id)]


def test_a_long_run_of_numbers_typed_by_hand_is_skipped_by_the_next_assigned_number(api, people):
    client = api.as_(people.requester)
    for n in range(1, 31):
        assert client.post("/purchase-orders", json=po_body(po_number=f"PO-{n:05d}")).status_code == 201
    assert client.post("/purchase-orders", json=po_body()).json["po_number"] == "PO-00031"


def test_a_number_typed_by_hand_that_is_taken_leaves_nothing_behind(api, people):
    client = api.as_(people.requester)
    client.post("/purchase-orders", json=po_body(po_number="MANUAL-1"))
    again = client.post("/purchase-orders", json=po_body(po_number="MANUAL-1"))
    assert (again.status_code, again.json["errors"][0]["code"]) == (409, "duplicate_po_number")
    assert PurchaseOrder.select().count() == 1
    assert client.post("/purchase-orders", json=po_body()).json["po_number"] == "PO-00001"
