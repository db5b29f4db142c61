"""The ERP's bulk upsert through the API as an integration sees it: limits refused at once with
nothing queued, a batch accepted then worked off (driven here synchronously), each item failing
alone, upserts keyed by external_id else po_number, the ERP approving POs, idempotent retries."""
import json

import pytest

from core.config import Settings
from core.models import PoLine, PurchaseOrder
from core.services import batches
from tests.factories import line, make_person, make_sku, make_vendor

CHUNK = 4  # small chunks, so that a batch can be seen half done


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, secret_key="test-secret", rate_limit_per_minute=0, scheduler=False,
                    batch_chunk_size=CHUNK)


class Erp:
    """The ERP integration (an admin's key) and what people of `people` see of its work."""

    def __init__(self, api, people):
        self.api, self.people, self.admin = api, people, api.as_(people.admin)
        self.vendor = make_vendor()

    def item(self, external_id=None, *lines, **fields):
        body = {"po_type": "goods", "matching": "two_way", "vendor_id": self.vendor.id, "description": "ERP order",
                "line_items": list(lines) or [line("Steel bolts M8", quantity=10, rate=100)], **fields}
        return {"external_id": external_id, **body} if external_id is not None else body

    def post(self, items, key=None, who=None):
        headers = {"Idempotency-Key": key} if key else {}
        return self.api.as_(who or self.people.admin).post("/purchase-orders/bulk", json={"purchase_orders": items}, headers=headers)

    def queue(self, *items):
        resp = self.post(list(items))
        assert resp.status_code == 202, resp.json
        return resp.json["batch_id"]

    def work(self):
        while batches.run_pending("test-worker"):
            pass

    def run(self, *items):
        """Queue the items, work the batch off, and return its results."""
        batch_id = self.queue(*items)
        self.work()
        assert self.batch(batch_id)["status"] == "completed"
        return self.results(batch_id)

    def get(self, path, who=None, **query):
        resp = self.api.as_(who or self.people.admin).get(path, query_string=query)
        assert resp.status_code == 200, resp.json
        return resp.json

    def batch(self, batch_id):
        return self.get(f"/batches/{batch_id}")

    def results(self, batch_id):
        return self.get(f"/batches/{batch_id}/results", per_page=200)["data"]

    def listed(self, **query):
        return self.get("/batches", **query)

    def po(self, po_id):
        return self.get(f"/purchase-orders/{po_id}", who=self.people.viewer)

    def trail(self, po_id):
        return self.get(f"/purchase-orders/{po_id}/events", who=self.people.viewer)["data"]

    def approval_levels(self):
        assert self.admin.patch("/settings", json={"approval_levels": [{"min_total": "0", "approvers": [self.people.approver.id]}]}).status_code == 200

    def bill(self, po_id, quantity):
        """A matched invoice for `quantity` steel bolts at the PO's rate."""
        body = {"vendor_id": self.vendor.id, "invoice_number": f"INV-{po_id}-{quantity}", "invoice_date": "2026-01-15", "currency": "INR",
                "po_number": self.po(po_id)["po_number"], "lines": [{"description": "Steel bolts M8", "quantity": quantity, "unit_price": 100}]}
        resp = self.admin.post("/invoices", json=body)
        assert resp.status_code == 201 and resp.json["match_status"] == "matched", resp.json


@pytest.fixture
def erp(api, people):
    return Erp(api, people)


def errors(result):
    return [(e["code"], e.get("pointer")) for e in result["errors"]]


def lines_of(po):
    return [(l["identifier"], l["quantity"]) for l in po["line_items"]]


def queued_nothing(erp):
    return erp.listed()["meta"]["total"] == 0 and PurchaseOrder.select().count() == 0


# ---- who may -------------------------------------------------------------------------------------

def test_only_an_admin_may_send_a_batch_and_nothing_is_queued_for_others(erp, people):
    statuses = {role: erp.post([erp.item("ERP-1")], who=getattr(people, role)).status_code for role in ("viewer", "requester", "approver")}
    assert statuses == {"viewer": 403, "requester": 403, "approver": 403}
    assert queued_nothing(erp)


@pytest.mark.parametrize("path", ["/batches", "/batches/{id}", "/batches/{id}/results"])
def test_only_an_admin_may_read_batches(erp, people, path):
    batch_id = erp.queue(erp.item("ERP-1"))
    statuses = {role: erp.api.as_(getattr(people, role)).get(path.format(id=batch_id)).status_code
                for role in ("viewer", "requester", "approver", "admin")}
    assert statuses == {"viewer": 403, "requester": 403, "approver": 403, "admin": 200}


# ---- limits and malformed requests: refused at once, nothing queued --------------------------------

def test_100_pos_with_1000_lines_in_all_are_accepted_and_all_written(erp):
    items = [erp.item(f"ERP-{i}", *[line(f"Line {j}") for j in range(10)]) for i in range(100)]
    resp = erp.post(items)
    assert resp.status_code == 202 and resp.json["total"] == 100
    erp.work()
    batch = erp.batch(resp.json["batch_id"])
    assert (batch["status"], batch["succeeded"], batch["failed"]) == ("completed", 100, 0)
    assert (PurchaseOrder.select().count(), PoLine.select().count()) == (100, 1000)


@pytest.mark.parametrize("lines", [[1] * 101, [10] * 99 + [11], [500, 500, 1]], ids=["101 POs", "1001 lines in 100 POs", "1001 lines in 3 POs"])
def test_more_than_100_pos_or_1000_lines_in_all_is_400_batch_too_large(erp, lines):
    items = [erp.item(f"ERP-{i}", *[line(f"Line {j}") for j in range(n)]) for i, n in enumerate(lines)]
    resp = erp.post(items)
    assert resp.status_code == 400, resp.json
    assert [(e["code"], e.get("pointer")) for e in resp.json["errors"]] == [("batch_too_large", "/purchase_orders")]
    assert queued_nothing(erp)


@pytest.mark.parametrize("body, code, pointer", [
    ({"purchase_orders": []}, "invalid_value", "/purchase_orders"),
    ({"purchase_orders": {"external_id": "ERP-1"}}, "invalid_type", "/purchase_orders"),
    ({"purchase_orders": "ERP-1"}, "invalid_type", "/purchase_orders"),
    ({}, "missing_field", "/purchase_orders"),
    ({"purchase_orders": [{"external_id": "ERP-1", "po_type": "goods", "line_items": [line()]}], "dry_run": True}, "unknown_field", "/dry_run"),
])
def test_a_malformed_envelope_is_400_with_a_pointer_and_nothing_is_queued(erp, people, body, code, pointer):
    resp = erp.admin.post("/purchase-orders/bulk", json=body)
    assert resp.status_code == 400, resp.json
    assert (code, pointer) in [(e["code"], e.get("pointer")) for e in resp.json["errors"]], resp.json
    assert queued_nothing(erp)


def test_every_item_that_is_not_an_object_is_400_at_its_pointer_and_nothing_is_queued(erp):
    resp = erp.post([None, erp.item("ERP-1"), 7, "ERP-2"])
    assert resp.status_code == 400
    assert [(e["code"], e.get("pointer")) for e in resp.json["errors"]] == [
        ("invalid_type", "/purchase_orders/0"), ("invalid_type", "/purchase_orders/2"), ("invalid_type", "/purchase_orders/3")]
    assert queued_nothing(erp)


@pytest.mark.parametrize("raw, status, code", [
    ('{"purchase_orders": [', 400, "invalid_json"),
    (json.dumps({"purchase_orders": [{"external_id": "ERP-1", "notes": "x" * (5 * 1024 * 1024)}]}), 413, "payload_too_large"),
], ids=["malformed JSON", "over 5 MB"])
def test_malformed_json_is_400_and_a_body_over_5_mb_is_413_and_nothing_is_queued(erp, raw, status, code):
    resp = erp.admin.post("/purchase-orders/bulk", data=raw, content_type="application/json")
    assert resp.status_code == status and [e["code"] for e in resp.json["errors"]] == [code]
    assert queued_nothing(erp)


# ---- accepted, then worked off ---------------------------------------------------------------------

def test_an_accepted_batch_is_202_queued_with_a_location_that_shows_no_progress_until_worked(erp):
    resp = erp.post([erp.item("ERP-1"), erp.item("ERP-2")])
    assert (resp.status_code, resp.json) == (202, {"batch_id": resp.json["batch_id"], "status": "queued", "total": 2})
    assert resp.headers["Location"].endswith(f"/api/v1/batches/{resp.json['batch_id']}")
    batch = erp.get(resp.headers["Location"])
    assert {k: batch[k] for k in ("id", "status", "progress", "total", "processed", "succeeded", "failed", "started_at", "finished_at")} == {
        "id": resp.json["batch_id"], "status": "queued", "progress": 0.0, "total": 2, "processed": 0, "succeeded": 0, "failed": 0,
        "started_at": None, "finished_at": None}
    assert batch["created_at"].endswith("Z") and erp.results(batch["id"]) == []
    assert PurchaseOrder.select().count() == 0


def test_a_batch_half_worked_off_is_running_and_shows_only_the_items_tried(erp):
    batch_id = erp.queue(*[erp.item(f"ERP-{i}") for i in range(CHUNK * 2)])
    assert batches.work_chunk("test-worker") == CHUNK
    batch = erp.batch(batch_id)
    assert (batch["status"], batch["progress"], batch["processed"], batch["finished_at"], bool(batch["started_at"])) == ("running", 0.5, CHUNK, None, True)
    assert [r["index"] for r in erp.results(batch_id)] == list(range(CHUNK))


def test_a_worked_off_batch_is_completed_with_its_counts_and_times(erp):
    batch_id = erp.queue(erp.item("ERP-1"), erp.item("ERP-2", currency="XYZ"), erp.item("ERP-3"))
    erp.work()
    batch = erp.batch(batch_id)
    assert {k: batch[k] for k in ("status", "progress", "total", "processed", "succeeded", "failed")} == {
        "status": "completed", "progress": 1.0, "total": 3, "processed": 3, "succeeded": 2, "failed": 1}
    assert batch["created_at"] <= batch["started_at"] <= batch["finished_at"]


def test_each_bad_item_fails_alone_with_its_codes_and_the_others_are_written(erp):
    results = erp.run(
        erp.item("ERP-1"),
        erp.item("ERP-2", currency="XYZ"),
        {k: v for k, v in erp.item("ERP-3").items() if k != "po_type"},
        erp.item("ERP-4", line("Copper wire", sku_code="NO-SUCH-SKU"), matching="three_way"),
        erp.item("ERP-5", vendor_id=999999),
        erp.item("ERP-6"),
    )
    assert [(r["index"], r["external_id"], r["result"]) for r in results] == [
        (0, "ERP-1", "created"), (1, "ERP-2", "failed"), (2, "ERP-3", "failed"), (3, "ERP-4", "failed"),
        (4, "ERP-5", "failed"), (5, "ERP-6", "created")]
    assert [errors(r) for r in results[1:5]] == [
        [("invalid_currency", "/currency")], [("missing_field", "/po_type")],
        [("sku_not_found", "/line_items/0/sku_code")], [("vendor_not_found", "/vendor_id")]]
    assert {(r["purchase_order_id"], r["po_number"]) for r in results[1:5]} == {(None, None)}
    written = [erp.po(r["purchase_order_id"]) for r in (results[0], results[5])]
    assert [(p["external_id"], p["po_number"], lines_of(p)) for p in written] == [
        (f"ERP-{i + 1}", results[i]["po_number"], [("Steel bolts M8", "10")]) for i in (0, 5)]


def test_a_failed_item_leaves_no_po_no_lines_and_no_po_number_used(erp, people):
    results = erp.run(erp.item("ERP-1"), erp.item("ERP-2", line("Broken", rate=-1)), erp.item("ERP-3"))
    assert [r["po_number"] for r in results] == ["PO-00001", None, "PO-00002"]
    assert (PurchaseOrder.select().count(), PoLine.select().count()) == (2, 2)
    assert PurchaseOrder.get_or_none(PurchaseOrder.external_id == "ERP-2") is None
    made = erp.api.as_(people.requester).post("/purchase-orders", json=erp.item())
    assert made.status_code == 201 and made.json["po_number"] == "PO-00003"


def test_results_list_every_item_in_request_order_and_page(erp):
    batch_id = erp.queue(*[erp.item(f"ERP-{i}") for i in range(5)])
    erp.work()
    first = erp.results(batch_id)
    assert [(r["index"], r["external_id"]) for r in first] == [(i, f"ERP-{i}") for i in range(5)]
    assert all(set(r) == {"index", "external_id", "po_number", "result", "purchase_order_id", "errors"} for r in first)
    page = erp.admin.get(f"/batches/{batch_id}/results", query_string={"per_page": 2, "page": 2}).json
    assert ([r["index"] for r in page["data"]], page["meta"]) == ([2, 3], {"page": 2, "per_page": 2, "total": 5, "total_exact": True})
    assert erp.admin.get(f"/batches/{batch_id}/results", query_string={"per_page": 0}).status_code == 400


# ---- keys ----------------------------------------------------------------------------------------

def test_an_item_without_external_id_is_keyed_by_po_number(erp):
    first = erp.run(erp.item(po_number="ERP-PO-7"))[0]
    again = erp.run(erp.item(po_number="ERP-PO-7", notes="Second delivery address"))[0]
    assert (first["result"], first["po_number"], again["result"]) == ("created", "ERP-PO-7", "updated")
    assert again["purchase_order_id"] == first["purchase_order_id"]
    assert erp.po(first["purchase_order_id"])["notes"] == "Second delivery address"


def test_an_item_with_neither_external_id_nor_po_number_fails_with_missing_field(erp):
    results = erp.run(erp.item(), erp.item("ERP-2"))
    assert [r["result"] for r in results] == ["failed", "created"]
    assert [e["code"] for e in results[0]["errors"]] == ["missing_field"]
    assert PurchaseOrder.select().count() == 1


def test_the_same_key_twice_in_one_batch_fails_the_later_item_with_duplicate_external_id(erp):
    results = erp.run(erp.item("ERP-1"), erp.item("ERP-1", description="Again"), erp.item("ERP-2"))
    assert [r["result"] for r in results] == ["created", "failed", "created"]
    assert errors(results[1]) == [("duplicate_external_id", "/external_id")]
    assert erp.po(results[0]["purchase_order_id"])["description"] == "ERP order"


# ---- updates -------------------------------------------------------------------------------------

def test_a_second_batch_with_the_same_external_id_updates_the_po_present_lines_adds_new_ones_and_removes_absent_ones(erp):
    first = erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=10), line("Copper wire", quantity=5), notes="Call first"))[0]
    before = erp.po(first["purchase_order_id"])
    again = erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=12), line("Hex nuts", quantity=3), description="Revised"))[0]
    after = erp.po(first["purchase_order_id"])
    assert (again["result"], again["purchase_order_id"], PurchaseOrder.select().count()) == ("updated", before["id"], 1)
    assert lines_of(after) == [("Steel bolts M8", "12"), ("Hex nuts", "3")]
    assert after["line_items"][0]["id"] == before["line_items"][0]["id"]
    assert (after["description"], after["notes"], after["version"]) == ("Revised", "Call first", before["version"] + 1)
    assert (after["subtotal"], after["status"]) == ("1500.00", "draft")


def test_an_update_is_audited_after_the_creation_by_the_batchs_creator(erp, people):
    po_id = erp.run(erp.item("ERP-1"))[0]["purchase_order_id"]
    erp.run(erp.item("ERP-1", description="Revised"))
    trail = erp.trail(po_id)
    assert [(e["action"], e["actor"]["id"]) for e in trail] == [("created", people.admin.id), ("updated", people.admin.id)]
    assert trail[1]["changes"]["description"] == ["ERP order", "Revised"]


# ---- the ERP approves ----------------------------------------------------------------------------

def test_an_approved_item_creates_an_approved_po_without_approval_levels(erp, people):
    erp.approval_levels()
    result = erp.run(erp.item("ERP-1", status="approved"))[0]
    po = erp.po(result["purchase_order_id"])
    assert (result["result"], po["status"], po["approvals"]) == ("created", "approved", [])
    assert po["approved_at"] is not None
    assert [e["action"] for e in erp.trail(po["id"])] == ["imported"]


def test_an_incomplete_approved_item_fails_with_incomplete_po(erp):
    result = erp.run(erp.item("ERP-1", line("Steel bolts M8", rate=0), status="approved"))[0]
    assert (result["result"], [e["code"] for e in result["errors"]]) == ("failed", ["incomplete_po"])
    assert PurchaseOrder.select().count() == 0


def test_a_draft_item_may_not_change_the_lines_of_an_approved_po(erp):
    po_id = erp.run(erp.item("ERP-1", status="approved"))[0]["purchase_order_id"]
    result = erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=20)))[0]
    assert (result["result"], [e["code"] for e in result["errors"]]) == ("failed", ["po_not_editable"])
    po = erp.po(po_id)
    assert (lines_of(po), po["status"], po["version"]) == ([("Steel bolts M8", "10")], "approved", 1)


def test_a_draft_item_that_leaves_an_approved_pos_lines_as_they_are_may_change_its_description(erp):
    po_id = erp.run(erp.item("ERP-1", status="approved"))[0]["purchase_order_id"]
    result = erp.run(erp.item("ERP-1", description="Deliver to gate 4"))[0]
    assert (result["result"], result["errors"]) == ("updated", [])
    po = erp.po(po_id)
    assert (po["description"], po["status"], lines_of(po)) == ("Deliver to gate 4", "approved", [("Steel bolts M8", "10")])


def test_an_approved_item_may_change_an_approved_pos_lines(erp):
    po_id = erp.run(erp.item("ERP-1", line("Steel bolts M8"), line("Copper wire"), status="approved"))[0]["purchase_order_id"]
    result = erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=25), line("Hex nuts", quantity=4), status="approved"))[0]
    po = erp.po(po_id)
    assert (result["result"], po["status"]) == ("updated", "approved")
    assert lines_of(po) == [("Steel bolts M8", "25"), ("Hex nuts", "4")]
    assert [e["action"] for e in erp.trail(po_id)] == ["imported", "imported"]


@pytest.fixture
def received(erp, people):
    """An approved three-way PO from the ERP with 6 of 10 bolts received through the API."""
    bolts, wire = make_sku(code="BOLT"), make_sku(code="WIRE")
    po_id = erp.run(erp.item("ERP-1", line("Steel bolts M8", sku_code=bolts.code), line("Copper wire", quantity=5, sku_code=wire.code),
                             matching="three_way", status="approved"))[0]["purchase_order_id"]
    resp = erp.api.as_(people.requester).post(f"/purchase-orders/{po_id}/receipts", json={"lines": [{"identifier": "Steel bolts M8", "quantity": 6}]})
    assert resp.status_code == 201, resp.json
    return erp.po(po_id)


def three_way(erp, *lines):
    return erp.item("ERP-1", *[{**l, "sku_code": "BOLT" if l["identifier"] == "Steel bolts M8" else "WIRE"} for l in lines],
                    matching="three_way", status="approved")


@pytest.mark.parametrize("lines, pointer", [
    ([line("Copper wire", quantity=5)], "/line_items"),
    ([line("Steel bolts M8", quantity="5.9999"), line("Copper wire", quantity=5)], "/line_items/0/quantity"),
], ids=["removed", "cut below received"])
def test_an_approved_item_may_not_remove_or_cut_a_line_below_what_was_received(erp, received, lines, pointer):
    result = erp.run(three_way(erp, *lines))[0]
    assert (result["result"], errors(result)) == ("failed", [("po_has_activity", pointer)])
    after = erp.po(received["id"])
    assert (lines_of(after), after["version"]) == (lines_of(received), received["version"])


def test_an_approved_item_may_not_cut_a_line_below_what_was_billed(erp):
    po_id = erp.run(erp.item("ERP-1", line("Steel bolts M8"), status="approved"))[0]["purchase_order_id"]
    erp.bill(po_id, 4)
    result = erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=3), status="approved"))[0]
    assert (result["result"], errors(result)) == ("failed", [("po_has_activity", "/line_items/0/quantity")])
    assert lines_of(erp.po(po_id)) == [("Steel bolts M8", "10")]


def test_an_approved_item_may_cut_a_line_to_what_was_received_and_the_po_is_then_fully_received(erp, received):
    result = erp.run(three_way(erp, line("Steel bolts M8", quantity=6)))[0]
    after = erp.po(received["id"])
    assert (result["result"], lines_of(after)) == ("updated", [("Steel bolts M8", "6")])
    assert after["receipt_status"] == "fully_received"


def test_a_two_way_po_cut_to_what_was_billed_is_fully_billed_and_closes_itself(erp):
    po_id = erp.run(erp.item("ERP-1", line("Steel bolts M8"), status="approved"))[0]["purchase_order_id"]
    erp.bill(po_id, 4)
    assert erp.run(erp.item("ERP-1", line("Steel bolts M8", quantity=4), status="approved"))[0]["result"] == "updated"
    po = erp.po(po_id)
    assert (po["billing_status"], po["status"]) == ("fully_billed", "closed")


def test_a_po_pending_approval_imported_as_approved_becomes_approved(erp, people):
    erp.approval_levels()
    made = erp.api.as_(people.requester).post("/purchase-orders", json=erp.item("ERP-1", submit=True))
    assert made.json["status"] == "pending_approval", made.json
    result = erp.run(erp.item("ERP-1", status="approved"))[0]
    po = erp.po(made.json["id"])
    assert (result["result"], po["status"], po["approvals"]) == ("updated", "approved", [])
    assert po["approved_at"] is not None and erp.trail(po["id"])[-1]["action"] == "imported"


# ---- Idempotency-Key -----------------------------------------------------------------------------

def test_the_same_idempotency_key_and_body_return_the_first_batch(erp):
    first = erp.post([erp.item("ERP-1")], key="nightly-42")
    erp.work()
    again = erp.post([erp.item("ERP-1")], key="nightly-42")
    assert (again.status_code, again.json["batch_id"]) == (202, first.json["batch_id"])
    assert again.headers["Location"] == first.headers["Location"]
    assert erp.listed()["meta"]["total"] == 1 and PurchaseOrder.select().count() == 1


def test_the_same_idempotency_key_with_another_body_is_422_and_queues_nothing(erp):
    erp.post([erp.item("ERP-1")], key="nightly-42")
    resp = erp.post([erp.item("ERP-2")], key="nightly-42")
    assert resp.status_code == 422 and [e["code"] for e in resp.json["errors"]] == ["idempotency_key_reused"]
    assert erp.listed()["meta"]["total"] == 1


def test_another_admin_may_use_the_same_idempotency_key_for_their_own_batch(erp):
    other = make_person("admin")
    mine = erp.post([erp.item("ERP-1")], key="nightly-42")
    theirs = erp.post([erp.item("ERP-1")], key="nightly-42", who=other)
    assert theirs.status_code == 202 and theirs.json["batch_id"] != mine.json["batch_id"]
    assert erp.listed()["meta"]["total"] == 2


# ---- the list of batches -------------------------------------------------------------------------

def test_batches_are_listed_newest_first_and_filtered_by_status(erp):
    ids = [erp.queue(erp.item(f"ERP-{i}")) for i in range(3)]
    batches.work_chunk("test-worker")  # the oldest batch, whole
    assert [b["id"] for b in erp.listed()["data"]] == ids[::-1]
    assert [b["id"] for b in erp.listed(status="completed")["data"]] == ids[:1]
    assert [b["id"] for b in erp.listed(status="queued")["data"]] == ids[:0:-1]
    assert [b["id"] for b in erp.listed(status="queued,completed")["data"]] == ids[::-1]


def test_an_unknown_status_filter_is_400(erp):
    resp = erp.admin.get("/batches", query_string={"status": "done"})
    assert resp.status_code == 400 and resp.json["errors"][0]["code"] == "invalid_value"
