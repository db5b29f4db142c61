"""A requester edits, deletes, submits and cancels only the POs they requested; an admin any;
goods may be received by any requester (api.md, Update: Ownership)."""
import pytest

from tests.factories import make_person


@pytest.fixture
def theirs(new_po):
    return new_po(submit=False)


@pytest.mark.parametrize("method, suffix, body", [
    ("patch", "", {"notes": "mine now"}),
    ("delete", "", None),
    ("post", "/submit", None),
    ("post", "/cancel", None),
])
def test_another_requester_may_not_touch_a_po_and_nothing_changes(api, people, theirs, method, suffix, body):
    other = make_person("requester")
    client = api.as_(other)
    call = getattr(client, method)
    resp = call(f"/purchase-orders/{theirs['id']}{suffix}", **({"json": body} if body is not None else {}))
    assert resp.status_code == 403
    assert resp.json["errors"][0]["code"] == "forbidden"
    assert theirs["po_number"] in resp.json["errors"][0]["detail"]
    after = api.as_(people.viewer).get(f"/purchase-orders/{theirs['id']}").json
    assert (after["status"], after["version"], after["notes"]) == ("draft", theirs["version"], theirs["notes"])


def test_an_admin_may_change_and_submit_anyones_po(api, people, theirs):
    admin = api.as_(people.admin)
    assert admin.patch(f"/purchase-orders/{theirs['id']}", json={"notes": "fixed by admin"}).status_code == 200
    assert admin.post(f"/purchase-orders/{theirs['id']}/submit").json["status"] == "approved"


def test_any_requester_may_record_goods_on_an_approved_po(api, people, new_po):
    po = new_po(submit=True)
    other = make_person("requester")
    line_id = po["line_items"][0]["id"]
    resp = api.as_(other).post(f"/purchase-orders/{po['id']}/receipts", json={"lines": [{"line_id": line_id, "quantity": "1"}]})
    assert resp.status_code == 201, resp.json
