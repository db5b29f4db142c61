"""GET /purchase-orders: filters, sorts, paging, bad parameters, and the shape of a list item."""
from urllib.parse import urlencode

import pytest

from tests.factories import line, make_sku, make_vendor, po_body


@pytest.fixture
def create(new_po):
    return new_po


@pytest.fixture
def listing(api, people):
    """GET the list as the viewer; `params` a dict or a list of pairs (for repeats)."""
    return lambda params=(): api.as_(people.viewer).get("/purchase-orders?" + urlencode(params))


@pytest.fixture
def pos(create):
    """Three POs whose every sort key orders them differently.

    | po  | created | po_number | po_date    | delivery   | total | vendor        | status   | type     | matching  |
    | p1  | 1st     | PO-300    | 2026-02-15 | 2026-04-01 | 50    | Crane Corp    | draft    | goods    | two_way   |
    | p2  | 2nd     | PO-100    | 2026-03-01 | 2026-03-05 | 250   | Bolt Brothers | approved | services | three_way |
    | p3  | 3rd     | PO-200    | 2026-01-10 | 2026-05-01 | 100   | Acme Tools    | draft    | goods    | two_way   |
    """
    vendors = {n: make_vendor(name=n) for n in ("Crane Corp", "Bolt Brothers", "Acme Tools")}
    sku = make_sku()
    made = {
        "p1": create(vendor=vendors["Crane Corp"], po_number="PO-300", po_date="2026-02-15", delivery_date="2026-04-01",
                     description="Steel bolts", external_id="ERP-1", lines=[line("A", quantity=1, rate=50)]),
        "p2": create(vendor=vendors["Bolt Brothers"], po_number="PO-100", po_date="2026-03-01", delivery_date="2026-03-05",
                     description="Annual Maintenance", external_id="ERP-10", po_type="services", matching="three_way",
                     lines=[line("B", quantity=1, rate=200, sku_code=sku.code), line("C", quantity=1, rate=50, sku_code=sku.code)],
                     submit=True),
        "p3": create(vendor=vendors["Acme Tools"], po_number="PO-200", po_date="2026-01-10", delivery_date="2026-05-01",
                     description="Widgets", lines=[line("D", quantity=2, rate=50)]),
    }
    assert made["p2"]["status"] == "approved"
    made["vendors"] = {name: v.id for name, v in vendors.items()}
    return made


@pytest.fixture
def names(pos):
    """The fixture names of the POs in a list response, in order."""
    by_id = {po["id"]: name for name, po in pos.items() if name != "vendors"}
    return lambda resp: [by_id[item["id"]] for item in resp.json["data"]]


def codes(resp) -> set[str]:
    return {e["code"] for e in resp.json["errors"]}


# ---- filters ---------------------------------------------------------------------------------

ENUM_FILTERS = [
    ("status", "draft", ["p1", "p3"]),
    ("status", "approved", ["p2"]),
    ("status", "pending_approval", []),
    ("status", "draft,approved", ["p1", "p2", "p3"]),
    ("po_type", "goods", ["p1", "p3"]),
    ("po_type", "services", ["p2"]),
    ("po_type", "goods,services", ["p1", "p2", "p3"]),
    ("matching", "two_way", ["p1", "p3"]),
    ("matching", "three_way", ["p2"]),
    ("matching", "two_way,three_way", ["p1", "p2", "p3"]),
    ("receipt_status", "not_received", ["p1", "p2", "p3"]),
    ("receipt_status", "fully_received", []),
    ("receipt_status", "partially_received,fully_received", []),
    ("receipt_status", "fully_received,not_received", ["p1", "p2", "p3"]),
    ("billing_status", "not_billed", ["p1", "p2", "p3"]),
    ("billing_status", "partially_billed", []),
    ("billing_status", "fully_billed,not_billed", ["p1", "p2", "p3"]),
    ("match_status", "none", ["p1", "p2", "p3"]),
    ("match_status", "exception", []),
    ("match_status", "matched,exception", []),
    ("match_status", "matched,none", ["p1", "p2", "p3"]),
]


@pytest.mark.parametrize("name, value, expected", ENUM_FILTERS, ids=[f"{n}={v}" for n, v, _ in ENUM_FILTERS])
def test_an_enum_filter_keeps_the_pos_with_any_of_its_comma_separated_values(listing, names, name, value, expected):
    resp = listing({name: value, "sort": "created_at"})
    assert resp.status_code == 200
    assert names(resp) == expected
    assert resp.json["meta"]["total"] == len(expected)


@pytest.mark.parametrize("name, values, expected", [
    ("status", ["draft", "approved"], ["p1", "p2", "p3"]),
    ("po_type", ["services", "goods"], ["p1", "p2", "p3"]),
    ("matching", ["three_way", "three_way"], ["p2"]),
    ("receipt_status", ["partially_received", "not_received"], ["p1", "p2", "p3"]),
    ("billing_status", ["partially_billed", "fully_billed"], []),
    ("match_status", ["exception", "none"], ["p1", "p2", "p3"]),
])
def test_an_enum_filter_may_be_repeated(listing, names, name, values, expected):
    assert names(listing([(name, v) for v in values] + [("sort", "created_at")])) == expected


def test_vendor_id_filters_by_one_or_many_vendors_comma_separated_or_repeated(listing, names, pos):
    crane, acme = pos["vendors"]["Crane Corp"], pos["vendors"]["Acme Tools"]
    assert names(listing({"vendor_id": crane})) == ["p1"]
    assert names(listing({"vendor_id": f"{crane},{acme}", "sort": "created_at"})) == ["p1", "p3"]
    assert names(listing([("vendor_id", crane), ("vendor_id", acme), ("sort", "created_at")])) == ["p1", "p3"]
    assert names(listing({"vendor_id": 999999})) == []


@pytest.mark.parametrize("params, expected", [
    ({"po_date_from": "2026-02-15"}, ["p1", "p2"]),
    ({"po_date_to": "2026-02-15"}, ["p1", "p3"]),
    ({"po_date_from": "2026-01-11", "po_date_to": "2026-02-28"}, ["p1"]),
    ({"po_date_from": "2026-03-02"}, []),
])
def test_po_date_from_and_to_are_inclusive_bounds(listing, names, params, expected):
    assert names(listing({**params, "sort": "created_at"})) == expected


@pytest.mark.parametrize("params, expected", [
    ({"min_total": "100"}, ["p2", "p3"]),
    ({"max_total": "100"}, ["p1", "p3"]),
    ({"min_total": "50.01", "max_total": "250"}, ["p2", "p3"]),
    ({"min_total": 251}, []),
])
def test_min_and_max_total_are_inclusive_bounds(listing, names, params, expected):
    assert names(listing({**params, "sort": "created_at"})) == expected


def test_total_bounds_are_in_the_pos_own_currency(create, listing):
    usd = create(currency="USD", exchange_rate="83", lines=[line("A", quantity=1, rate=100)])
    assert usd["total_base"] == "8300.00"
    assert [p["id"] for p in listing({"max_total": "100"}).json["data"]] == [usd["id"]]
    assert listing({"min_total": "101"}).json["data"] == []


def test_a_total_bound_with_more_decimals_than_amounts_keep_is_a_400_naming_it(pos, listing):
    resp = listing({"min_total": "50.00001", "sort": "created_at"})
    assert resp.status_code == 400
    assert [(e["code"], e["detail"].split(":")[0]) for e in resp.json["errors"]] == [("invalid_value", "min_total")]


@pytest.mark.parametrize("q, expected", [
    ("PO-2", ["p3"]),
    ("po-1", ["p2"]),
    ("MAINTEN", ["p2"]),
    ("steel BOLTS", ["p1"]),
    ("acme", ["p3"]),
    ("bolt", ["p1", "p2"]),
    ("nothing like this", []),
])
def test_q_matches_po_number_description_or_vendor_name_ignoring_case(listing, names, q, expected):
    assert names(listing({"q": q, "sort": "created_at"})) == expected


def test_q_matches_percent_and_underscore_literally(create, listing):
    cotton = create(description="100% cotton_rags")
    create(description="Plain rags")
    assert [p["id"] for p in listing({"q": "0%"}).json["data"]] == [cotton["id"]]
    assert [p["id"] for p in listing({"q": "n_r"}).json["data"]] == [cotton["id"]]


def test_q_ignores_case_beyond_ascii(create, listing):
    muller = create(vendor=make_vendor(name="Müller Gmbh"))
    assert [p["id"] for p in listing({"q": "MÜLLER"}).json["data"]] == [muller["id"]]


def test_external_id_matches_exactly(listing, names):
    assert names(listing({"external_id": "ERP-1"})) == ["p1"]
    assert names(listing({"external_id": "erp-1"})) == []


def test_filters_combine_with_and(listing, names):
    assert names(listing({"status": "draft", "min_total": "60"})) == ["p3"]


# ---- sorting ---------------------------------------------------------------------------------

ASCENDING = {
    "created_at": ["p1", "p2", "p3"],
    "po_number": ["p2", "p3", "p1"],
    "po_date": ["p3", "p1", "p2"],
    "delivery_date": ["p2", "p1", "p3"],
    "total": ["p1", "p3", "p2"],
    "vendor_name": ["p3", "p2", "p1"],
}


@pytest.mark.parametrize("key", ASCENDING)
def test_each_sort_key_orders_ascending(listing, names, key):
    assert names(listing({"sort": key})) == ASCENDING[key]


@pytest.mark.parametrize("key", ASCENDING)
def test_each_sort_key_with_a_minus_orders_descending(listing, names, key):
    assert names(listing({"sort": f"-{key}"})) == ASCENDING[key][::-1]


def test_sorting_by_status_groups_the_statuses_and_minus_reverses_it(listing, names):
    ascending = names(listing({"sort": "status"}))
    assert ascending in (["p2", "p1", "p3"], ["p1", "p3", "p2"])
    assert names(listing({"sort": "-status"})) == ascending[::-1]


def test_the_default_sort_is_newest_first(listing, names):
    assert names(listing()) == ["p3", "p2", "p1"]


def test_several_sort_keys_apply_in_order(create, listing):
    a, b = make_vendor(name="Alpha"), make_vendor(name="Beta")
    a10 = create(vendor=a, lines=[line("x", quantity=1, rate=10)])["id"]
    b15 = create(vendor=b, lines=[line("x", quantity=1, rate=15)])["id"]
    a20 = create(vendor=a, lines=[line("x", quantity=1, rate=20)])["id"]
    assert [p["id"] for p in listing({"sort": "vendor_name,-total"}).json["data"]] == [a20, a10, b15]
    assert [p["id"] for p in listing({"sort": "-vendor_name,total"}).json["data"]] == [b15, a10, a20]


# ---- paging ----------------------------------------------------------------------------------

def test_the_default_page_is_1_of_50(pos, listing):
    assert listing().json["meta"] == {"page": 1, "per_page": 50, "total": 3, "total_exact": True}


def test_pages_split_the_sorted_list(listing, names):
    first = listing({"sort": "created_at", "per_page": 2})
    second = listing({"sort": "created_at", "per_page": 2, "page": 2})
    assert (names(first), names(second)) == (["p1", "p2"], ["p3"])
    assert second.json["meta"] == {"page": 2, "per_page": 2, "total": 3, "total_exact": True}


def test_a_page_past_the_end_is_empty_with_the_true_total(pos, listing):
    resp = listing({"page": 9, "per_page": 2})
    assert resp.status_code == 200
    assert resp.json == {"data": [], "meta": {"page": 9, "per_page": 2, "total": 3, "total_exact": True}}


@pytest.mark.parametrize("per_page", [1, 200])
def test_per_page_accepts_1_to_200(pos, listing, per_page):
    resp = listing({"per_page": per_page})
    assert resp.status_code == 200
    assert len(resp.json["data"]) == min(per_page, 3)


@pytest.mark.parametrize("params", [
    {"page": 0}, {"page": -1}, {"page": "two"}, {"page": "1.5"},
    {"per_page": 0}, {"per_page": 201}, {"per_page": "ten"}, {"per_page": "2.0"},
], ids=lambda p: urlencode(p))
def test_bad_paging_is_a_400(listing, params):
    resp = listing(params)
    assert resp.status_code == 400
    assert codes(resp) == {"invalid_value"}


# ---- bad parameters --------------------------------------------------------------------------

@pytest.mark.parametrize("params, code", [
    ({"status": "bogus"}, "invalid_value"),
    ({"status": "draft,bogus"}, "invalid_value"),
    ({"receipt_status": "received"}, "invalid_value"),
    ({"billing_status": "billed"}, "invalid_value"),
    ({"match_status": "unmatched"}, "invalid_value"),
    ({"po_type": "tangible"}, "invalid_value"),
    ({"matching": "four_way"}, "invalid_value"),
    ({"vendor_id": "acme"}, "invalid_value"),
    ({"po_date_from": "2026-13-01"}, "invalid_date"),
    ({"po_date_to": "yesterday"}, "invalid_date"),
    ({"min_total": "lots"}, "invalid_value"),
    ({"max_total": "-1"}, "invalid_value"),
    ({"sort": "colour"}, "invalid_value"),
    ({"sort": "-colour"}, "invalid_value"),
    ({"sort": "total,colour"}, "invalid_value"),
    ({"colour": "red"}, "unknown_field"),
], ids=lambda v: urlencode(v) if isinstance(v, dict) else v)
def test_a_bad_parameter_is_a_400_with_its_code(listing, params, code):
    resp = listing(params)
    assert resp.status_code == 400
    assert codes(resp) == {code}


def test_every_bad_parameter_is_reported_at_once(listing):
    resp = listing({"status": "bogus", "po_date_from": "soon", "per_page": 0, "colour": "red"})
    assert resp.status_code == 400
    assert len(resp.json["errors"]) == 4
    assert codes(resp) == {"invalid_value", "invalid_date", "unknown_field"}


# ---- the items -------------------------------------------------------------------------------

def test_a_list_item_is_a_summary_without_lines(pos, listing, people):
    item = next(i for i in listing().json["data"] if i["id"] == pos["p2"]["id"])
    assert "line_items" not in item
    assert item["line_count"] == 2
    assert item["requested_by"] == {"id": people.requester.id, "name": people.requester.user.name}
    assert (item["vendor_name"], item["po_number"], item["status"]) == ("Bolt Brothers", "PO-100", "approved")
    assert (item["subtotal"], item["tax_total"], item["total"], item["total_base"]) == ("250.00", "0.00", "250.00", "250.00")
    full = pos["p2"]
    for key in ("external_id", "po_type", "matching", "vendor_id", "po_date", "delivery_date", "currency",
                "exchange_rate", "description", "payment_terms", "version", "created_at", "receipt_status",
                "billing_status", "match_status"):
        assert item[key] == full[key], key


def test_listing_needs_an_api_key(api):
    resp = api.get("/purchase-orders")
    assert resp.status_code == 401


def test_the_list_and_a_po_read_back_round_total_base_in_the_configured_base_currency(api, people):
    assert api.as_(people.admin).patch("/settings", json={"base_currency": "JPY"}).status_code == 200
    body = po_body(currency="USD", exchange_rate="150.123", lines=[line(quantity="1", rate="10.55")])
    created = api.as_(people.requester).post("/purchase-orders", json=body).json
    listed = api.as_(people.viewer).get("/purchase-orders").json["data"]
    read = api.as_(people.viewer).get(f"/purchase-orders/{created['id']}").json
    assert created["total_base"] == listed[0]["total_base"] == read["total_base"] == "1584"  # 10.55 × 150.123, whole yen
