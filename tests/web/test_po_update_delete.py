"""PATCH and DELETE /purchase-orders/{id}, and the audit trail they leave."""
import pytest

from tests.factories import line, make_dimension, make_vendor


@pytest.fixture
def patch(api, people):
    """PATCH a PO as the requester (optionally with If-Match)."""
    def send(po, body, if_match=None):
        headers = {"If-Match": if_match} if if_match is not None else {}
        return api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json=body, headers=headers)
    return send


@pytest.fixture
def read(api, people):
    return lambda po: api.as_(people.viewer).get(f"/purchase-orders/{po['id']}")


def problems(resp) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in resp.json["errors"]}


def lines_by_identifier(po: dict) -> dict[str, dict]:
    return {l["identifier"]: l for l in po["line_items"]}


# ---- partial update and versions -------------------------------------------------------------

def test_a_patch_changes_only_the_fields_given(new_po, patch):
    po = new_po(notes="old", description="Keep me", lines=[line("A", quantity=2, rate=5)])
    updated = patch(po, {"notes": "new"}).json
    assert updated["notes"] == "new"
    unchanged = {k: v for k, v in updated.items() if k not in ("notes", "version", "updated_at")}
    assert unchanged == {k: v for k, v in po.items() if k not in ("notes", "version", "updated_at")}


def test_each_change_bumps_the_version_and_the_etag_follows(new_po, patch, read):
    po = new_po()
    first = patch(po, {"notes": "one"})
    second = patch(po, {"notes": "two"})
    assert (first.json["version"], first.headers["ETag"]) == (2, '"2"')
    assert (second.json["version"], second.headers["ETag"]) == (3, '"3"')
    assert read(po).headers["ETag"] == '"3"'


def test_if_match_with_the_current_version_succeeds(new_po, patch):
    resp = patch(new_po(), {"notes": "x"}, if_match='"1"')
    assert resp.status_code == 200
    assert resp.json["version"] == 2


def test_if_match_with_a_stale_version_is_412_version_mismatch_and_changes_nothing(new_po, patch, read):
    po = new_po()
    patch(po, {"notes": "first"})
    resp = patch(po, {"notes": "second"}, if_match='"1"')
    assert resp.status_code == 412
    assert resp.json["errors"][0]["code"] == "version_mismatch"
    assert read(po).json["notes"] == "first"


def test_if_match_star_is_accepted(new_po, patch):
    assert patch(new_po(), {"notes": "x"}, if_match="*").status_code == 200


def test_a_patch_that_changes_nothing_keeps_the_version(new_po, patch):
    po = new_po(notes="same")
    item = po["line_items"][0]
    resp = patch(po, {"notes": "same", "line_items": [{"id": item["id"], "rate": item["rate"]}]})
    assert resp.status_code == 200
    assert (resp.json["version"], resp.headers["ETag"]) == (1, '"1"')


def test_an_empty_patch_keeps_the_version(new_po, patch):
    assert patch(new_po(), {}).json["version"] == 1


def test_patching_a_missing_po_is_404(api, people):
    resp = api.as_(people.requester).patch("/purchase-orders/999999", json={"notes": "x"})
    assert resp.status_code == 404
    assert resp.json["errors"][0]["code"] == "not_found"


def test_a_viewer_cannot_patch(api, people, new_po):
    resp = api.as_(people.viewer).patch(f"/purchase-orders/{new_po()['id']}", json={"notes": "x"})
    assert resp.status_code == 403


def test_the_create_rules_apply_to_the_patched_result(new_po, patch):
    po = new_po(po_date="2026-03-10")
    resp = patch(po, {"delivery_date": "2026-03-01", "colour": "red", "currency": "XYZ"})
    assert resp.status_code == 400
    assert problems(resp) >= {("unknown_field", "/colour"), ("invalid_currency", "/currency")}
    resp = patch(po, {"delivery_date": "2026-03-01"})
    assert problems(resp) == {("invalid_delivery_date", "/delivery_date")}


def test_a_draft_may_change_vendor_and_the_vendor_name_follows(new_po, patch):
    other = make_vendor(name="Other Supplies")
    updated = patch(new_po(), {"vendor_id": other.id}).json
    assert (updated["vendor_id"], updated["vendor_name"]) == (other.id, "Other Supplies")


def test_a_draft_moved_to_a_foreign_currency_needs_an_exchange_rate(new_po, patch):
    po = new_po(lines=[line("A", quantity=1, rate=100)])
    resp = patch(po, {"currency": "USD"})
    assert resp.status_code == 400
    assert problems(resp) == {("invalid_value", "/exchange_rate")}
    updated = patch(po, {"currency": "USD", "exchange_rate": "80"}).json
    assert (updated["currency"], updated["total"], updated["total_base"]) == ("USD", "100.00", "8000.00")


def test_a_draft_cannot_move_to_an_inactive_vendor(new_po, patch):
    resp = patch(new_po(), {"vendor_id": make_vendor(active=False).id})
    assert resp.status_code == 400
    assert problems(resp) == {("vendor_not_found", "/vendor_id")}


def test_a_patch_body_must_be_json(api, people, new_po):
    url = f"/purchase-orders/{new_po()['id']}"
    bad_json = api.as_(people.requester).patch(url, data="{notes", content_type="application/json")
    not_json = api.as_(people.requester).patch(url, data="notes=x", content_type="text/plain")
    assert (bad_json.status_code, bad_json.json["errors"][0]["code"]) == (400, "invalid_json")
    assert (not_json.status_code, not_json.json["errors"][0]["code"]) == (415, "unsupported_media_type")


# ---- immutable fields ------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("status", "approved"), ("status", "bogus"), ("po_number", "PO-99999"),
                                          ("external_id", "ERP-2"), ("external_id", None)])
def test_status_po_number_and_external_id_are_immutable(new_po, patch, field, value):
    resp = patch(new_po(external_id="ERP-1"), {field: value})
    assert resp.status_code == 400
    assert problems(resp) == {("immutable_field", f"/{field}")}


def test_sending_the_immutable_fields_unchanged_is_allowed(new_po, patch):
    po = new_po(external_id="ERP-1")
    resp = patch(po, {"status": "draft", "po_number": po["po_number"], "external_id": "ERP-1", "notes": "x"})
    assert resp.status_code == 200
    assert resp.json["notes"] == "x"


# ---- what an approved PO allows --------------------------------------------------------------

LOCKED = [
    ("currency", "USD"), ("exchange_rate", "2"), ("po_type", "services"), ("matching", "three_way"),
    ("po_date", "2020-01-01"), ("gstin", "27AAPFU0939F1ZV"),
]


@pytest.mark.parametrize("field, value", LOCKED, ids=[f for f, _ in LOCKED])
def test_header_fields_that_shape_the_order_are_locked_once_approved(new_po, patch, field, value):
    resp = patch(new_po(submit=True), {field: value})
    assert resp.status_code == 409
    assert ("po_not_editable", f"/{field}") in problems(resp)


@pytest.mark.parametrize("change", ["update", "add", "delete"])
def test_lines_are_locked_once_approved(new_po, patch, read, change):
    po = new_po(submit=True, lines=[line("A"), line("B")])
    line_id = po["line_items"][0]["id"]
    item = {"update": {"id": line_id, "rate": "1"}, "add": line("C"), "delete": {"id": line_id, "delete": True}}[change]
    resp = patch(po, {"line_items": [item]})
    assert resp.status_code == 409
    assert problems(resp) == {("po_not_editable", "/line_items")}
    assert read(po).json["line_items"] == po["line_items"]


def test_the_vendor_cannot_change_after_submit(new_po, patch):
    resp = patch(new_po(submit=True), {"vendor_id": make_vendor().id})
    assert resp.status_code == 409
    assert problems(resp) == {("po_not_editable", "/vendor_id")}


def test_sending_a_locked_field_unchanged_on_an_approved_po_is_allowed(new_po, patch):
    po = new_po(submit=True)
    resp = patch(po, {"currency": po["currency"], "vendor_id": po["vendor_id"], "po_date": po["po_date"], "notes": "n"})
    assert resp.status_code == 200


def test_descriptive_fields_stay_editable_on_an_approved_po(new_po, patch):
    po = new_po(submit=True)
    changes = {"description": "Revised", "delivery_date": "2099-01-31", "payment_terms": "Net 60",
               "terms_and_conditions": "FOB", "notes": "Call first"}
    resp = patch(po, changes)
    assert resp.status_code == 200, resp.json
    assert {k: resp.json[k] for k in changes} == changes
    assert (resp.json["status"], resp.json["version"]) == ("approved", po["version"] + 1)


# ---- lines -----------------------------------------------------------------------------------

def test_a_line_with_an_id_is_updated_in_only_the_fields_given(new_po, patch):
    po = new_po(lines=[line("A", quantity=2, rate=10, tax_rate=18), line("B", quantity=1, rate=5)])
    a = lines_by_identifier(po)["A"]
    updated = patch(po, {"line_items": [{"id": a["id"], "rate": 20}]}).json
    new_a = lines_by_identifier(updated)["A"]
    assert (new_a["id"], new_a["quantity"], new_a["rate"], new_a["tax_rate"], new_a["amount"]) == (a["id"], "2", "20.00", "18", "40.00")
    assert lines_by_identifier(updated)["B"] == lines_by_identifier(po)["B"]
    assert (updated["subtotal"], updated["tax_total"], updated["total"]) == ("45.00", "7.20", "52.20")


def test_a_line_without_an_id_is_added(new_po, patch):
    po = new_po(lines=[line("A")])
    updated = patch(po, {"line_items": [line("New", quantity=3, rate=7)]}).json
    assert [(l["line_no"], l["identifier"]) for l in updated["line_items"]] == [(1, "A"), (2, "New")]
    assert lines_by_identifier(updated)["New"]["amount"] == "21.00"


def test_a_line_with_delete_true_is_removed(new_po, patch):
    po = new_po(lines=[line("A"), line("B")])
    b = lines_by_identifier(po)["B"]
    updated = patch(po, {"line_items": [{"id": b["id"], "delete": True}]}).json
    assert [l["identifier"] for l in updated["line_items"]] == ["A"]


def test_an_unresolved_two_way_sku_set_by_patch_becomes_a_warning(new_po, patch):
    po = new_po(lines=[line("A")])
    updated = patch(po, {"line_items": [{"id": po["line_items"][0]["id"], "sku_code": "NOPE"}]}).json
    assert [(w["line_item_identifier"], w["sku_code"]) for w in updated["sku_match_warnings"]] == [("A", "NOPE")]
    assert updated["line_items"][0]["sku_code"] is None


def test_an_unknown_line_id_is_invalid_line_items(new_po, patch):
    resp = patch(new_po(), {"line_items": [{"id": 999999, "rate": 1}]})
    assert resp.status_code == 400
    assert problems(resp) == {("invalid_line_items", "/line_items/0/id")}


def test_deleting_the_last_line_is_invalid_line_items(new_po, patch):
    po = new_po(lines=[line("A")])
    resp = patch(po, {"line_items": [{"id": po["line_items"][0]["id"], "delete": True}]})
    assert resp.status_code == 400
    assert "invalid_line_items" in {code for code, _ in problems(resp)}


def test_an_added_line_may_not_reuse_an_identifier(new_po, patch):
    resp = patch(new_po(lines=[line("A")]), {"line_items": [line("A")]})
    assert resp.status_code == 400
    assert problems(resp) == {("duplicate_identifier", "/line_items/0/identifier")}


@pytest.fixture
def dimensioned(new_po):
    """A PO whose one line has a PROJECT and a GL_ACCOUNT dimension."""
    for dim_type, erp_id in (("PROJECT", "P-1"), ("PROJECT", "P-2"), ("GL_ACCOUNT", "5010")):
        make_dimension(dim_type, erp_id)
    return new_po(lines=[line("A", dimensions={"PROJECT": "P-1", "GL_ACCOUNT": "5010"})])


@pytest.mark.parametrize("given, expected", [
    ({"PROJECT": "P-2"}, {"PROJECT": "P-2"}),
    ({}, {}),
    (None, {"PROJECT": "P-1", "GL_ACCOUNT": "5010"}),
    ("absent", {"PROJECT": "P-1", "GL_ACCOUNT": "5010"}),
], ids=["given-replaces-all", "empty-clears", "null-keeps", "absent-keeps"])
def test_line_dimensions_replace_clear_or_keep(dimensioned, patch, given, expected):
    item = {"id": dimensioned["line_items"][0]["id"], "quantity": 11}
    if given != "absent":
        item["dimensions"] = given
    updated = patch(dimensioned, {"line_items": [item]}).json
    assert updated["line_items"][0]["dimensions"] == expected


# ---- delete ----------------------------------------------------------------------------------

def test_deleting_a_draft_is_204_and_then_it_is_gone(api, people, new_po, read):
    po = new_po()
    resp = api.as_(people.requester).delete(f"/purchase-orders/{po['id']}")
    assert resp.status_code == 204
    assert read(po).status_code == 404


def test_an_approved_po_cannot_be_deleted(api, people, new_po, read):
    po = new_po(submit=True)
    resp = api.as_(people.requester).delete(f"/purchase-orders/{po['id']}")
    assert resp.status_code == 409
    assert resp.json["errors"][0]["code"] == "po_not_editable"
    assert read(po).status_code == 200


def test_deleting_with_a_stale_if_match_is_412(api, people, new_po, patch, read):
    po = new_po()
    patch(po, {"notes": "x"})
    resp = api.as_(people.requester).delete(f"/purchase-orders/{po['id']}", headers={"If-Match": '"1"'})
    assert resp.status_code == 412
    assert read(po).status_code == 200


def test_deleting_a_missing_po_is_404_and_a_viewer_may_not_delete(api, people, new_po):
    assert api.as_(people.requester).delete("/purchase-orders/999999").status_code == 404
    assert api.as_(people.viewer).delete(f"/purchase-orders/{new_po()['id']}").status_code == 403


# ---- events ----------------------------------------------------------------------------------

def test_events_list_created_then_updated_with_actor_and_changes(api, people, new_po, patch):
    po = new_po(notes="old")
    patch(po, {"notes": "new", "description": "Changed"})
    resp = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events")
    assert resp.status_code == 200
    created, updated = resp.json["data"]
    actor = {"id": people.requester.id, "name": people.requester.user.name}
    assert (created["action"], created["actor"]) == ("created", actor)
    assert created["changes"]["po_number"] == [None, po["po_number"]]
    assert (updated["action"], updated["actor"]) == ("updated", actor)
    assert updated["changes"] == {"notes": ["old", "new"], "description": ["Test purchase", "Changed"]}
    assert resp.json["meta"]["total"] == 2


def test_a_line_change_is_in_the_events_changes(api, people, new_po, patch):
    po = new_po(lines=[line("A", rate=10)])
    patch(po, {"line_items": [{"id": po["line_items"][0]["id"], "rate": 12}]})
    events = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"]
    assert events[-1]["changes"]["subtotal"] == ["100.00", "120.00"]
    assert events[-1]["changes"]["line_items"] == {"changed": {"A": {"rate": ["10", "12"]}}}


def test_a_no_op_patch_writes_no_event(api, people, new_po, patch):
    po = new_po(notes="same")
    patch(po, {"notes": "same"})
    events = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"]
    assert [e["action"] for e in events] == ["created"]


def test_events_of_a_missing_po_are_404(api, people):
    assert api.as_(people.viewer).get("/purchase-orders/999999/events").status_code == 404
