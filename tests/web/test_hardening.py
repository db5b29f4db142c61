"""Bad input that once reached a 500 or a wrong status (issue 12): each now gets the contract's answer."""
import http.client
import json
import re
from urllib.parse import urlsplit

import pytest

from web.auth import RateLimited
from core.models import PoLine
from core.services import batches
from tests.factories import ApiClient, line, make_vendor, po_body
from tests.live import serving
from web import IdConverter, create_app, whole_numbers_up_to
from web.auth import RateLimiter


def codes(response):
    return [(e["code"], e.get("pointer")) for e in response.json["errors"]]


# Settings

@pytest.mark.parametrize("item", [None, 1, "x", [], True])
def test_an_approval_level_that_is_not_an_object_is_refused_at_its_pointer(api, people, item):
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": [item]})
    assert response.status_code == 400
    assert codes(response) == [("invalid_type", "/approval_levels/0")]
    assert api.as_(people.viewer).get("/settings").json["approval_levels"] == []


def test_a_bad_approval_level_is_reported_beside_the_good_ones_problems(api, people):
    levels = [{"min_total": "10", "approvers": [999999]}, None]
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": levels})
    assert response.status_code == 400
    assert sorted(codes(response)) == [("invalid_type", "/approval_levels/1"), ("invalid_value", "/approval_levels/0/approvers/0")]


# NUL characters: PostgreSQL cannot store them, so nobody may send one (api.md, Conventions)

NUL = "\u0000"


def test_a_nul_in_a_po_line_identifier_is_refused_at_its_pointer_and_nothing_is_written(api, people):
    body = po_body(lines=[line("Steel bolts"), line("Bolt" + NUL)])
    response = api.as_(people.requester).post("/purchase-orders", json=body)
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/line_items/1/identifier")]
    assert api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 0


def test_a_nul_in_a_vendor_name_is_refused_and_no_vendor_is_added(api, people):
    response = api.as_(people.admin).post("/vendors", json={"name": "Acme" + NUL + "Tools"})
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/name")]
    assert api.as_(people.viewer).get("/vendors").json["meta"]["total"] == 0


def test_every_nul_in_a_body_is_reported_keys_included(api, people):
    body = po_body(notes="a" + NUL, lines=[line(dimensions={"PROJECT": "P" + NUL})])
    body["odd" + NUL + "key"] = 1
    response = api.as_(people.requester).post("/purchase-orders", json=body)
    assert response.status_code == 400
    assert sorted(codes(response)) == [("invalid_value", "/line_items/0/dimensions/PROJECT"), ("invalid_value", "/notes"),
                                       ("invalid_value", "/odd" + NUL + "key")]


def test_a_nul_in_one_bulk_item_refuses_the_request_and_queues_nothing(api, people):
    vendor = make_vendor()
    items = [po_body(vendor, external_id="ERP-1"), po_body(vendor, external_id="ERP-2", lines=[line("Wire" + NUL)])]
    response = api.as_(people.admin).post("/purchase-orders/bulk", json={"purchase_orders": items})
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/purchase_orders/1/line_items/0/identifier")]
    assert api.as_(people.admin).get("/batches").json["meta"]["total"] == 0


def test_an_escaped_backslash_before_u0000_is_ordinary_text(api, people):
    raw = '{"name": "C:\\\\u0000 Tools"}'  # the JSON text "C:\\u0000 Tools": a backslash, then u0000
    response = api.as_(people.admin).post("/vendors", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.json
    assert response.json["name"] == "C:\\u0000 Tools"


@pytest.mark.parametrize("path", [
    "/purchase-orders?q=%00", "/purchase-orders?external_id=%00", "/purchase-orders?q=bolt%00s",
    "/vendors?q=%00", "/vendors?external_id=A%00", "/skus?q=%00", "/skus?code=%00", "/dimensions?q=%00",
    "/invoices?po_number=%00", "/purchase-orders?status=draft&status=%00",
])
def test_a_nul_in_a_query_value_is_refused_naming_the_parameter(api, people, path):
    response = api.as_(people.viewer).get(path)
    assert response.status_code == 400, response.json
    name = path.split("?")[1].split("&")[-1].split("=")[0]
    [problem] = response.json["errors"]
    assert problem["code"] == "invalid_value" and name in problem["detail"] and "NUL" in problem["detail"]


def test_a_nul_in_a_query_parameter_name_is_refused(api, people):
    response = api.as_(people.viewer).get("/purchase-orders?q%00x=1")
    assert response.status_code == 400
    assert codes(response)[0][0] == "invalid_value"


# Ids in the URL that no row can have are simply not found, whatever the method

@pytest.mark.parametrize("method, path", [
    ("PATCH", "/purchase-orders/0"), ("DELETE", "/purchase-orders/0"), ("PATCH", "/purchase-orders/2147483648"),
    ("DELETE", "/purchase-orders/99999999999999999999"), ("GET", "/purchase-orders/0/receipts"),
    ("POST", "/purchase-orders/0/receipts"), ("GET", "/purchase-orders/2147483648/receipts"),
    ("POST", "/purchase-orders/0/submit"), ("GET", "/purchase-orders/0/events"),
    ("PATCH", "/vendors/0"), ("PATCH", "/vendors/2147483648"), ("PATCH", "/skus/0"), ("PATCH", "/skus/4294967296"),
    ("PATCH", "/dimensions/0"), ("PATCH", "/dimensions/2147483648"), ("GET", "/invoices/0"),
    ("GET", "/purchase-orders/2147483647"), ("DELETE", "/vendors/0"),
])
def test_an_id_no_row_can_have_is_not_found_for_every_method(api, people, method, path):
    response = api.as_(people.admin)._call(method, path, json={})
    assert response.status_code == 404, response.json
    assert codes(response) == [("not_found", None)]


@pytest.mark.parametrize("method, path", [("PUT", "/purchase-orders/1"), ("DELETE", "/vendors/1"), ("PUT", "/skus/2147483647")])
def test_a_method_a_resource_does_not_have_is_still_not_allowed(api, people, method, path):
    response = api.as_(people.admin)._call(method, path)
    assert response.status_code == 405
    assert codes(response)[0][0] == "method_not_allowed" and "Allow" in response.headers


@pytest.mark.parametrize("text, fits", [
    ("1", True), ("9", True), ("10", True), ("1999999999", True), ("2099999999", True), ("2147483639", True),
    ("2147483647", True), ("0", False), ("01", False), ("2147483648", False), ("2147483650", False),
    ("2200000000", False), ("3000000000", False), ("10000000000", False), ("-1", False),
])
def test_an_id_in_a_url_is_a_whole_number_from_1_to_the_largest_database_id(text, fits):
    assert bool(re.fullmatch(IdConverter.regex, text)) is fits


def test_the_id_pattern_holds_for_every_limit_up_to_a_thousand():
    for limit in range(1, 1001):
        pattern = re.compile(whole_numbers_up_to(limit))
        assert [n for n in range(0, 1100) if pattern.fullmatch(str(n))] == list(range(1, limit + 1))


# Bodies over 5 MB, however they are sent

@pytest.fixture
def served(app):
    """The app behind a real HTTP server on 127.0.0.1 (the test client does not send chunked bodies)."""
    with serving(app) as url:
        yield urlsplit(url).port


def send_chunked(port, person, path, parts):
    """POST `parts` as a chunked body (no Content-Length); the status and JSON answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/v1" + path, body=iter(parts), encode_chunked=True,
                     headers={**person.headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_a_chunked_body_over_5_mb_is_too_large(served, people):
    notes = [b'{"notes": "', *[b"x" * 65536] * 81, b'"}']  # 5.06 MiB of valid JSON
    status, answer = send_chunked(served, people.requester, "/purchase-orders", notes)
    assert (status, answer["errors"][0]["code"]) == (413, "payload_too_large")


def test_a_chunked_body_of_exactly_5_mb_is_read(served, people):
    head = json.dumps(po_body(make_vendor())).encode()
    padding = b" " * (5 * 1024 * 1024 - len(head))  # JSON allows any whitespace after the value
    status, answer = send_chunked(served, people.requester, "/purchase-orders", [head, padding])
    assert status == 201, answer


def test_a_body_one_byte_over_5_mb_with_a_content_length_is_too_large(api, people):
    raw = b'{"notes": "' + b"x" * (5 * 1024 * 1024 - 12) + b'"}'
    response = api.as_(people.requester).post("/purchase-orders", data=raw, headers={"Content-Type": "application/json"})
    assert len(raw) == 5 * 1024 * 1024 + 1
    assert codes(response) == [("payload_too_large", None)] and response.status_code == 413


# Decimal strings: ASCII -?digits[.digits], nothing else

@pytest.mark.parametrize("text", ["1_000", "١٠", " 10 ", "+10", "1e3", "10."])
def test_a_line_quantity_that_is_not_a_plain_decimal_string_is_refused_and_nothing_is_written(api, people, text):
    response = api.as_(people.requester).post("/purchase-orders", json=po_body(lines=[line(quantity=text)]))
    assert response.status_code == 400
    assert codes(response) == [("invalid_value", "/line_items/0/quantity")]
    assert api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 0


def test_json_numbers_and_plain_decimal_strings_are_accepted(api, people):
    lines = [line("A", quantity=1000, rate="12.50"), line("B", quantity="0.5", rate=1.25)]
    response = api.as_(people.requester).post("/purchase-orders", json=po_body(lines=lines))
    assert response.status_code == 201, response.json
    assert [(l["quantity"], l["rate"]) for l in response.json["line_items"]] == [("1000", "12.50"), ("0.5", "1.25")]


@pytest.mark.parametrize("query", ["min_total=1_000", "max_total=%2010%20", "min_total=%D9%A1%D9%A0", "max_total=1e3",
                                   "min_total=+5", "max_total=.5"])
def test_a_total_filter_that_is_not_a_plain_decimal_string_is_refused_naming_it(api, people, query):
    response = api.as_(people.viewer).get("/purchase-orders?" + query)
    assert response.status_code == 400
    [problem] = response.json["errors"]
    assert problem["code"] == "invalid_value" and problem["detail"].startswith(query.split("=")[0] + ":")


def test_a_plain_total_filter_is_applied(api, people, new_po):
    new_po(lines=[line(quantity="1", rate="100")])
    assert api.as_(people.viewer).get("/purchase-orders?min_total=99.5&max_total=100").json["meta"]["total"] == 1
    assert api.as_(people.viewer).get("/purchase-orders?min_total=100.01").json["meta"]["total"] == 0


# PATCH needs a body; If-Match must be a version; a 429 says when to come back

@pytest.mark.parametrize("path", ["/purchase-orders/{po}", "/vendors/{vendor}", "/settings"])
@pytest.mark.parametrize("raw", [b"", b"  \n"])
def test_a_patch_without_a_body_is_refused_saying_it_must_be_a_json_object(api, people, new_po, path, raw):
    target = path.format(po=new_po()["id"], vendor=make_vendor().id)
    response = api.as_(people.admin).patch(target, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    [problem] = response.json["errors"]
    assert problem["code"] == "invalid_json" and "JSON object" in problem["detail"]


def test_a_patch_of_an_empty_object_changes_nothing_and_is_fine(api, people, new_po):
    po = new_po()
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={})
    assert response.status_code == 200 and response.json["version"] == po["version"]


def test_an_action_whose_body_is_optional_still_takes_none(api, people, new_po):
    po = new_po(submit=False)
    assert api.as_(people.requester).post(f"/purchase-orders/{po['id']}/submit").status_code == 200


@pytest.mark.parametrize("header", ['"abc"', 'W/"x"', '"1", "2"', '"²"', "garbage", '"-1"', '""', "-1", "²"])
@pytest.mark.parametrize("method", ["PATCH", "DELETE", "POST"])
def test_an_if_match_that_is_not_a_version_is_a_400_naming_the_header(api, people, new_po, header, method):
    po = new_po()
    path = f"/purchase-orders/{po['id']}" + ("/submit" if method == "POST" else "")
    response = api.as_(people.requester)._call(method, path, json={"notes": "x"} if method == "PATCH" else None,
                                                 headers={"If-Match": header})
    assert response.status_code == 400
    [problem] = response.json["errors"]
    assert problem["code"] == "invalid_value" and "If-Match" in problem["detail"] and "pointer" not in problem
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json["version"] == po["version"]


@pytest.mark.parametrize("header, status", [('"1"', 200), ('W/"1"', 200), ("*", 200), ('"2"', 412), (" \"1\" ", 200),
                                            ("1", 200), ("2", 412)])  # the bare number, too
def test_an_if_match_with_a_version_is_compared(api, people, new_po, header, status):
    po = new_po()
    assert po["version"] == 1
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"notes": "x"}, headers={"If-Match": header})
    assert response.status_code == status


def test_a_429_says_in_retry_after_how_many_seconds_until_the_window_resets(settings, db, people):
    client = ApiClient(create_app(settings.with_overrides(rate_limit_per_minute=1), db=db).test_client())
    # Three calls: even if a minute boundary falls among them, the limit of 1 is passed once.
    limited = [r for r in (client.as_(people.viewer).get("/vendors") for _ in range(3)) if r.status_code == 429]
    assert limited and codes(limited[0]) == [("rate_limited", None)]
    assert 1 <= int(limited[0].headers["Retry-After"]) <= 60


@pytest.mark.parametrize("now, wait", [(120.0, 60), (125.3, 55), (179.2, 1), (179.99, 1)])
def test_the_retry_after_of_a_limited_key_counts_to_the_next_minute(now, wait):
    limiter = RateLimiter(1, clock=lambda: now)
    limiter.check("key")
    with pytest.raises(RateLimited) as refused:
        limiter.check("key")
    assert refused.value.retry_after == wait


# Line identifiers are unique within a PO the way invoice pairing reads them

SAME_AS_BOLT = ["BOLT", "bolt", "Bolt\u200b", "\u200bBolt", "Bo\u00adlt", "Bolt\ufeff", "Ｂｏｌｔ", "Bolt \u200b"]


@pytest.mark.parametrize("twin", SAME_AS_BOLT)
def test_a_new_po_cannot_have_two_lines_that_differ_only_by_case_or_invisible_characters(api, people, twin):
    response = api.as_(people.requester).post("/purchase-orders", json=po_body(lines=[line("Bolt"), line(twin)]))
    assert response.status_code == 400
    assert codes(response) == [("duplicate_identifier", "/line_items/1/identifier")]
    assert api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 0


def test_identifiers_that_really_differ_are_different_lines(api, people):
    lines = [line("Bolt M8"), line("Bolt M10"), line("Bolt-M8 washer"), line("Straße"), line("Strasse kit")]
    assert api.as_(people.requester).post("/purchase-orders", json=po_body(lines=lines)).status_code == 201


def test_a_line_added_by_patch_cannot_repeat_another_in_another_case(api, people, new_po):
    po = new_po(lines=[line("Bolt")])
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"line_items": [line("bolt\u200b")]})
    assert response.status_code == 400
    assert codes(response) == [("duplicate_identifier", "/line_items/0/identifier")]
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json["version"] == po["version"]


def test_a_line_renamed_onto_another_lines_identifier_is_a_duplicate(api, people, new_po):
    po = new_po(lines=[line("Bolt"), line("Nut")])
    nut = po["line_items"][1]["id"]
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"line_items": [{"id": nut, "identifier": "BOLT"}]})
    assert response.status_code == 400
    assert codes(response) == [("duplicate_identifier", "/line_items/0/identifier")]


def test_a_line_may_be_renamed_to_its_own_identifier_in_another_case(api, people, new_po):
    po = new_po(lines=[line("Bolt"), line("Nut")])
    bolt = po["line_items"][0]["id"]
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"line_items": [{"id": bolt, "identifier": "BOLT"}]})
    assert response.status_code == 200, response.json
    assert [l["identifier"] for l in response.json["line_items"]] == ["BOLT", "Nut"]


def run_bulk(api, people, items):
    """Send an ERP batch, work it off here, and return its item results."""
    response = api.as_(people.admin).post("/purchase-orders/bulk", json={"purchase_orders": items})
    assert response.status_code == 202, response.json
    while batches.run_pending("test-worker"):
        pass
    return api.as_(people.admin).get(f"/batches/{response.json['batch_id']}/results").json["data"]


def test_an_erp_item_with_two_lines_differing_only_by_case_fails_alone(api, people):
    vendor = make_vendor()
    items = [po_body(vendor, external_id="ERP-1", lines=[line("Bolt"), line("BOLT\u200b")]),
             po_body(vendor, external_id="ERP-2", lines=[line("Bolt"), line("Nut")])]
    results = run_bulk(api, people, items)
    assert [r["result"] for r in results] == ["failed", "created"]
    assert [(e["code"], e["pointer"]) for e in results[0]["errors"]] == [("duplicate_identifier", "/line_items/1/identifier")]


def test_an_erp_update_naming_a_line_in_another_case_updates_that_line(api, people):
    vendor = make_vendor()
    lines = [line("Bolt", quantity="10"), line("Nut", quantity="5")]
    [created] = run_bulk(api, people, [po_body(vendor, external_id="ERP-1", lines=lines)])
    path = f"/purchase-orders/{created['purchase_order_id']}"
    bolt, nut = api.as_(people.viewer).get(path).json["line_items"]
    lines[0] = line("BOLT", quantity="12")
    [updated] = run_bulk(api, people, [po_body(vendor, external_id="ERP-1", lines=lines)])
    assert updated["result"] == "updated", updated
    po = api.as_(people.viewer).get(path).json
    assert [(l["id"], l["identifier"], l["quantity"]) for l in po["line_items"]] == [(bolt["id"], "BOLT", "12"), (nut["id"], "Nut", "5")]
    assert [e["action"] for e in api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"]] == ["created", "updated"]


def test_an_erp_update_naming_one_line_twice_in_two_cases_fails(api, people):
    vendor = make_vendor()
    run_bulk(api, people, [po_body(vendor, external_id="ERP-1", lines=[line("Bolt")])])
    [updated] = run_bulk(api, people, [po_body(vendor, external_id="ERP-1", lines=[line("Bolt"), line("bolt")])])
    assert updated["result"] == "failed"
    assert [(e["code"], e["pointer"]) for e in updated["errors"]] == [("duplicate_identifier", "/line_items/1/identifier")]


def test_lines_stored_before_the_rule_that_share_a_key_do_not_block_other_changes(api, people, new_po):
    po = new_po(lines=[line("Bolt"), line("Nut")])
    PoLine.update(identifier="BOLT").where(PoLine.id == po["line_items"][1]["id"]).execute()  # as an older podesk allowed
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"notes": "call first"})
    assert response.status_code == 200, response.json


# Found on the way: podesk itself wrote a NUL on PostgreSQL

def test_two_lines_may_swap_identifiers_in_one_patch(api, people, new_po):
    po = new_po(lines=[line("Bolt"), line("Nut")])
    bolt, nut = (l["id"] for l in po["line_items"])
    swap = [{"id": bolt, "identifier": "Nut"}, {"id": nut, "identifier": "Bolt"}]
    response = api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"line_items": swap})
    assert response.status_code == 200, response.json
    assert [(l["id"], l["identifier"]) for l in response.json["line_items"]] == [(bolt, "Nut"), (nut, "Bolt")]
