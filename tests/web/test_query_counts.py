"""Lists and a PO in full run a fixed number of queries, whatever the number of rows or lines."""
from playhouse.test_utils import count_queries

from core.services import purchase_orders
from tests.factories import line, make_dimension, make_person, make_po, make_sku, make_vendor

SIZES = (1, 10, 60)
ALL = {"per_page": 200}  # so that every row made is also rendered


def queries(call) -> int:
    """How many SQL statements one API call runs (it must succeed)."""
    counter = count_queries()
    with counter:
        response = call()
    assert response.status_code == 200, response.get_data(as_text=True)
    return counter.count


def counts_while_growing(make_one, call) -> dict[int, int]:
    """{rows: queries} after growing the data to each size in SIZES."""
    made, counts = 0, {}
    for size in SIZES:
        for _ in range(size - made):
            make_one()
        made = size
        counts[size] = queries(call)
    return counts


def assert_constant(counts: dict[int, int]) -> None:
    assert len(set(counts.values())) == 1, f"queries by size: {counts}"


def test_listing_purchase_orders_runs_the_same_queries_for_1_10_and_60(api, people):
    requesters = [people.requester, people.admin, make_person("requester")]
    made = []

    def make_one():
        made.append(make_po(requesters[len(made) % 3], vendor=make_vendor(), lines=[line(), line()]))

    client = api.as_(people.viewer)
    counts = counts_while_growing(make_one, lambda: client.get("/purchase-orders", query_string=ALL))
    assert len(client.get("/purchase-orders", query_string=ALL).json["data"]) == 60
    assert_constant(counts)


def test_listing_vendors_runs_the_same_queries_for_1_10_and_60(api, people):
    client = api.as_(people.viewer)
    assert_constant(counts_while_growing(make_vendor, lambda: client.get("/vendors", query_string=ALL)))


def test_listing_skus_runs_the_same_queries_for_1_10_and_60(api, people):
    client = api.as_(people.viewer)
    assert_constant(counts_while_growing(lambda: make_sku(default_rate="2.5"), lambda: client.get("/skus", query_string=ALL)))


def test_listing_dimensions_runs_the_same_queries_for_1_10_and_60(api, people):
    client = api.as_(people.viewer)
    types = iter(["PROJECT", "CLASS", "GL_ACCOUNT"] * 20)
    assert_constant(counts_while_growing(lambda: make_dimension(next(types)), lambda: client.get("/dimensions", query_string=ALL)))


def test_listing_a_purchase_orders_events_runs_the_same_queries_for_1_10_and_60(api, people):
    po = make_po(people.requester)  # its first event: created
    edits = iter(range(100))

    def make_one():
        n = next(edits)
        if n:  # the PO's creation is the first event
            purchase_orders.update_po(people.requester.user, po.id, {"notes": f"note {n}"})

    client = api.as_(people.viewer)
    counts = counts_while_growing(make_one, lambda: client.get(f"/purchase-orders/{po.id}/events", query_string=ALL))
    assert client.get(f"/purchase-orders/{po.id}/events", query_string=ALL).json["meta"]["total"] == 60
    assert_constant(counts)


def test_reading_a_purchase_order_runs_the_same_queries_for_1_10_and_60_lines(api, people):
    make_dimension("PROJECT", "P-1")
    make_dimension("GL_ACCOUNT", "5010")
    skus = [make_sku() for _ in range(max(SIZES))]
    client = api.as_(people.viewer)
    counts = {}
    for size in SIZES:
        lines = [line(sku_code=skus[i].code, dimensions={"PROJECT": "P-1", "GL_ACCOUNT": "5010"}) for i in range(size - 1)]
        lines.append(line(sku_code="NOT-A-SKU"))  # unresolved on a two-way PO: a SKU match warning
        po = make_po(people.requester, lines=lines)
        counts[size] = queries(lambda: client.get(f"/purchase-orders/{po.id}"))
        body = client.get(f"/purchase-orders/{po.id}").json
        assert len(body["line_items"]) == size
        assert len(body["sku_match_warnings"]) == 1
    assert_constant(counts)
