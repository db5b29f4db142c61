from tests.factories import po_body


def test_a_requester_creates_and_reads_back_a_purchase_order(api, people):
    created = api.as_(people.requester).post("/purchase-orders", json=po_body())
    assert created.status_code == 201, created.json
    po = created.json
    read = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}")
    assert read.status_code == 200
    assert read.json["po_number"] == po["po_number"] == "PO-00001"
    assert read.headers["ETag"] == '"1"'
    assert created.headers["Location"].endswith(f"/api/v1/purchase-orders/{po['id']}")
