"""Lifecycle actions through the API: submit, approve level by level, reject, cancel, close, copy,
the audit trail they leave, the domain events they publish and the messages those write."""
import pytest

from core import events, outbox
from core.models import OutboxMessage
from tests.factories import line, make_dimension, make_person, make_vendor, po_body

SMALL = [line(quantity=1, rate=1)]  # 1.00 INR: below every level these tests configure


class Desk:
    """The API as the people of `people` use it; POs of 1000.00 INR unless told otherwise."""

    def __init__(self, api, people):
        self.api, self.people = api, people

    def policy(self, *levels):
        body = {"approval_levels": [{"min_total": m, "approvers": list(a)} for m, a in levels]}
        resp = self.api.as_(self.people.admin).patch("/settings", json=body)
        assert resp.status_code == 200, resp.json

    def create(self, who=None, **fields):
        resp = self.api.as_(who or self.people.requester).post("/purchase-orders", json=po_body(**fields))
        assert resp.status_code == 201, resp.json
        return resp.json

    def act(self, who, po, action, body=None, **kw):
        return self.api.as_(who).post(f"/purchase-orders/{po['id']}/{action}", json=body, **kw)

    def ok(self, who, po, action, body=None):
        resp = self.act(who, po, action, body)
        assert resp.status_code == 200, resp.json
        return resp.json

    def read(self, po, tail=""):
        return self.api.as_(self.people.viewer).get(f"/purchase-orders/{po['id']}{tail}").json

    def trail(self, po):
        return self.read(po, "/events")["data"]

    def reach(self, status, who=None):
        """A PO of `who` (the requester) in `status`, by the API's own actions."""
        p, who = self.people, who or self.people.requester
        po = self.create(who, lines=SMALL if status in ("approved", "closed") else None)
        if status != "draft":
            po = self.ok(who, po, "cancel" if status == "cancelled" else "submit")
        if status == "rejected":
            po = self.ok(p.approver, po, "reject", {"reason": "no"})
        if status == "closed":
            po = self.ok(p.admin, po, "close")
        assert po["status"] == status
        return po


@pytest.fixture
def desk(api, people):
    """One approval level from 500.00 INR, decided by people.approver."""
    desk = Desk(api, people)
    desk.policy(("500", [people.approver.id]))
    return desk


@pytest.fixture
def two_levels(desk, people):
    """Level 1 from 500.00 (people.approver or a second approver), level 2 from 1000.00 (a third)."""
    second, third = make_person("approver"), make_person("approver")
    desk.policy(("1000", [third.id]), ("500", [people.approver.id, second.id]))
    return people.approver, second, third


@pytest.fixture
def heard():
    """Every domain event published during the test (and not rolled back with its transaction)."""
    got = []
    unsubscribe = events.on_event(got.append)
    yield got
    unsubscribe()


def plain_data(event):
    """An event's data without the ids of the approval rows (they differ from run to run) and the
    submission round (the PO's version when submitted: tests/core/test_approval_rounds.py)."""
    return {k: v for k, v in event.data.items() if not k.endswith("approval_id") and k != "round"}


def errors(resp):
    return [(e["code"], e.get("pointer")) for e in resp.json["errors"]]


def refused(resp):  # the status and the first error code
    return resp.status_code, resp.json["errors"][0]["code"]


def ref(person):
    return {"id": person.id, "name": person.user.name}


# ---- submit -------------------------------------------------------------------------------------
def test_submitting_a_draft_a_level_applies_to_makes_it_pending_approval(desk, people):
    po = desk.ok(people.requester, desk.create(), "submit")
    assert (po["status"], po["approved_at"], po["submitted_at"][-1]) == ("pending_approval", None, "Z")
    assert [(a["level"], a["min_total"], a["approvers"]) for a in po["approvals"]] == [
        (1, "500.00", [ref(people.approver)])]


def test_submitting_a_draft_no_level_applies_to_approves_it_at_once(desk, people):
    po = desk.ok(people.requester, desk.create(lines=SMALL), "submit")
    assert (po["status"], po["approvals"]) == ("approved", [])
    assert po["submitted_at"] and po["approved_at"]
    assert [e["action"] for e in desk.trail(po)] == ["created", "submitted", "approved"]


def test_submitting_an_incomplete_draft_is_400_incomplete_po_with_exactly_what_is_missing(desk, people):
    body = {"po_type": "goods", "matching": "two_way", "line_items": [line("Bolts", rate=0), line("Nuts")]}
    po = desk.api.as_(people.requester).post("/purchase-orders", json=body).json
    resp = desk.act(people.requester, po, "submit")
    assert resp.status_code == 400
    assert [e["code"] for e in resp.json["errors"]] == ["incomplete_po"]
    assert resp.json["meta"]["submit_warnings"] == {
        "po": ["vendor_id", "description", "payment_terms"], "line_items": {"Bolts": ["rate"]}}
    assert desk.read(po)["status"] == "draft"


@pytest.mark.parametrize("status", ["pending_approval", "approved", "rejected", "cancelled", "closed"])
def test_submitting_a_po_that_is_not_a_draft_is_409_invalid_transition(desk, people, status):
    po = desk.reach(status)
    assert refused(desk.act(people.requester, po, "submit")) == (409, "invalid_transition")
    assert desk.read(po)["version"] == po["version"]


def test_create_with_submit_true_submits_through_the_same_path(desk, people, heard):
    po = desk.create(submit=True)
    assert po["status"] == "pending_approval"
    assert po["approvals"][0]["approvers"] == [ref(people.approver)]
    assert [e["action"] for e in desk.trail(po)] == ["created", "submitted"]
    assert [(e.name, plain_data(e)) for e in heard][-1] == ("po_submitted", {"level": 1, "approvers": [people.approver.id]})


def test_a_foreign_currency_po_needs_the_levels_its_base_total_reaches(desk, people):
    desk.policy(("9000", [people.admin.id]), ("8000", [people.approver.id]))
    po = desk.create(currency="USD", exchange_rate="83.25", lines=[line(quantity=1, rate="100.00")], submit=True)
    assert (po["total"], po["total_base"]) == ("100.00", "8325.00")
    assert [a["min_total"] for a in po["approvals"]] == ["8000.00"]


# ---- approve ------------------------------------------------------------------------------------
def test_a_two_level_po_is_approved_level_by_level(desk, people, two_levels):
    first, _, third = two_levels
    po = desk.create(submit=True)
    one = desk.ok(first, po, "approve")
    assert (one["status"], one["approved_at"], [a["decision"] for a in one["approvals"]]) == (
        "pending_approval", None, ["approved", None])
    done = desk.ok(third, po, "approve")
    assert (done["status"], done["approved_at"][-1], [a["decision"] for a in done["approvals"]]) == (
        "approved", "Z", ["approved", "approved"])


def test_the_approvals_list_shows_each_level_its_approvers_and_decision(desk, people, two_levels):
    first, second, third = two_levels
    po = desk.create(submit=True)
    desk.ok(first, po, "approve", {"comment": "within budget"})
    decided, waiting = desk.read(po)["approvals"]
    assert decided.pop("decided_at").endswith("Z")
    assert decided == {"level": 1, "min_total": "500.00", "approvers": [ref(first), ref(second)],
                       "decision": "approved", "decided_by": ref(first), "comment": "within budget"}
    assert waiting == {"level": 2, "min_total": "1000.00", "approvers": [ref(third)], "decision": None,
                       "decided_by": None, "decided_at": None, "comment": None}


@pytest.mark.parametrize("action, body", [("approve", None), ("reject", {"reason": "mine"})])
def test_the_requester_cannot_decide_their_own_po_even_with_the_approver_role(desk, people, action, body):
    desk.policy(("500", ["approver"]))
    boss = make_person("approver")
    po = desk.create(boss, submit=True)
    resp = desk.act(boss, po, action, body)
    assert (resp.status_code, errors(resp)) == (403, [("self_approval_forbidden", None)])
    assert desk.read(po)["approvals"][0]["decision"] is None


def test_an_approver_not_on_the_current_level_gets_403_not_your_approval(desk, people, two_levels):
    po = desk.create(submit=True)
    resp = desk.act(two_levels[2], po, "approve")
    assert (resp.status_code, errors(resp)) == (403, [("not_your_approval", None)])


@pytest.mark.parametrize("late, body, pointer", [(1, None, None), (2, {"level": 1}, "/level")])
def test_approving_a_level_someone_else_already_approved_is_409_invalid_transition(desk, two_levels, late, body, pointer):
    """Level 1's other approver clicking late, or level 2's approver sending the stale level 1."""
    po = desk.create(submit=True)
    desk.ok(two_levels[0], po, "approve")
    resp = desk.act(two_levels[late], po, "approve", body)
    assert (resp.status_code, errors(resp)) == (409, [("invalid_transition", pointer)])
    assert [a["decided_by"] for a in desk.read(po)["approvals"]] == [ref(two_levels[0]), None]


@pytest.mark.parametrize("status", ["draft", "approved", "rejected", "cancelled", "closed"])
@pytest.mark.parametrize("action, body", [("approve", None), ("reject", {"reason": "no"})])
def test_deciding_a_po_that_is_not_pending_approval_is_409_invalid_transition(desk, people, status, action, body):
    assert refused(desk.act(people.approver, desk.reach(status), action, body)) == (409, "invalid_transition")


@pytest.mark.parametrize("role", ["viewer", "requester"])
@pytest.mark.parametrize("action, body", [("approve", None), ("reject", {"reason": "no"})])
def test_someone_below_the_approver_role_deciding_is_403_forbidden(desk, people, role, action, body):
    po = desk.create(submit=True)
    assert refused(desk.act(getattr(people, role), po, action, body)) == (403, "forbidden")
    assert desk.read(po)["status"] == "pending_approval"


@pytest.mark.parametrize("action, role, body", [
    ("submit", "requester", None), ("approve", "approver", None), ("reject", "approver", {"reason": "no"}),
    ("cancel", "admin", None), ("close", "admin", None), ("copy", "requester", None)])
def test_an_action_on_a_missing_po_is_404(desk, people, action, role, body):
    assert refused(desk.act(getattr(people, role), {"id": 999999}, action, body)) == (404, "not_found")


# ---- reject and resubmit -------------------------------------------------------------------------
@pytest.mark.parametrize("body", [None, {}, {"reason": None}, {"reason": "   "}])
def test_rejecting_without_a_reason_is_400_at_reason(desk, people, body):
    po = desk.create(submit=True)
    resp = desk.act(people.approver, po, "reject", body)
    assert (resp.status_code, [ptr for _, ptr in errors(resp)]) == (400, ["/reason"])
    assert desk.read(po)["status"] == "pending_approval"


def test_rejecting_makes_the_po_rejected_with_the_reason_on_its_level_and_in_the_trail(desk, people):
    po = desk.ok(people.approver, desk.create(submit=True), "reject", {"reason": "Too expensive"})
    assert po["status"] == "rejected"
    assert {k: po["approvals"][0][k] for k in ("decision", "decided_by", "comment")} == {
        "decision": "rejected", "decided_by": ref(people.approver), "comment": "Too expensive"}
    last = desk.trail(po)[-1]
    assert (last["action"], last["actor"], last["comment"]) == ("rejected", ref(people.approver), "Too expensive")
    assert last["changes"]["status"] == ["pending_approval", "rejected"]


def test_an_edited_rejected_po_is_a_draft_again_and_resubmits_with_fresh_levels(desk, people, two_levels):
    po = desk.ok(people.approver, desk.create(submit=True), "reject", {"reason": "Too expensive"})
    assert [a["decision"] for a in po["approvals"]] == ["rejected", None]  # 1000.00 needed both levels
    patch = {"line_items": [{"id": po["line_items"][0]["id"], "rate": "90"}]}
    edited = desk.api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json=patch)
    assert (edited.status_code, edited.json["status"], edited.json["total"]) == (200, "draft", "900.00")
    resubmitted = desk.ok(people.requester, po, "submit")
    assert resubmitted["status"] == "pending_approval"
    assert [(a["level"], a["min_total"], a["decision"]) for a in resubmitted["approvals"]] == [(1, "500.00", None)]
    assert desk.ok(two_levels[1], po, "approve")["status"] == "approved"


# ---- cancel ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["requester", "admin"])
@pytest.mark.parametrize("status", ["draft", "pending_approval", "approved"])
def test_the_requester_or_an_admin_cancels_the_po_with_a_reason(desk, people, status, role):
    canceller = getattr(people, role)
    po = desk.ok(canceller, desk.reach(status), "cancel", {"reason": "Not needed"})
    assert po["status"] == "cancelled"
    last = desk.trail(po)[-1]
    assert (last["action"], last["actor"], last["comment"]) == ("cancelled", ref(canceller), "Not needed")
    assert last["changes"]["status"] == [status, "cancelled"]


@pytest.mark.parametrize("other", ["requester", "approver"])
def test_cancelling_another_requesters_po_is_403(desk, people, other):
    po = desk.reach("draft", make_person("requester"))
    assert refused(desk.act(getattr(people, other), po, "cancel")) == (403, "forbidden")
    assert desk.read(po)["status"] == "draft"


@pytest.mark.parametrize("status", ["rejected", "cancelled", "closed"])
def test_cancelling_from_any_other_status_is_409_invalid_transition(desk, people, status):
    assert refused(desk.act(people.admin, desk.reach(status), "cancel")) == (409, "invalid_transition")


def receive_one(desk, po):
    body = {"lines": [{"line_id": po["line_items"][0]["id"], "quantity": 1}]}
    return desk.api.as_(desk.people.requester).post(f"/purchase-orders/{po['id']}/receipts", json=body)


def bill_one(desk, po):
    body = {"vendor_id": po["vendor_id"], "invoice_number": "INV-1", "invoice_date": po["po_date"], "currency": "INR",
            "po_number": po["po_number"], "lines": [{"description": "part", "po_line_id": po["line_items"][0]["id"],
                                                     "quantity": 1, "unit_price": "1"}]}
    return desk.api.as_(desk.people.admin).post("/invoices", json=body)


@pytest.mark.parametrize("activity", [receive_one, bill_one])
def test_cancelling_a_po_once_goods_are_received_or_billed_is_409_po_has_activity(desk, people, activity):
    po = desk.create(lines=[line(quantity=4, rate=1)], submit=True)
    assert activity(desk, po).status_code == 201
    assert refused(desk.act(people.requester, po, "cancel")) == (409, "po_has_activity")
    assert desk.read(po)["status"] == "approved"


# ---- close ----------------------------------------------------------------------------------------
def test_an_admin_closes_an_approved_po(desk, people):
    po = desk.ok(people.admin, desk.reach("approved"), "close", {"comment": "Done"})
    assert po["status"] == "closed"
    last = desk.trail(po)[-1]
    assert (last["action"], last["actor"], last["comment"], last["changes"]["status"]) == (
        "closed", ref(people.admin), "Done", ["approved", "closed"])


@pytest.mark.parametrize("role", ["requester", "approver"])
def test_only_an_admin_may_close(desk, people, role):
    assert refused(desk.act(getattr(people, role), desk.reach("approved"), "close")) == (403, "forbidden")


@pytest.mark.parametrize("status", ["draft", "pending_approval", "rejected", "cancelled", "closed"])
def test_closing_a_po_that_is_not_approved_is_409_invalid_transition(desk, people, status):
    assert refused(desk.act(people.admin, desk.reach(status), "close")) == (409, "invalid_transition")


# ---- copy -----------------------------------------------------------------------------------------
def content(po):
    header = ("po_type", "matching", "vendor_id", "currency", "exchange_rate", "delivery_date", "description",
              "payment_terms", "terms_and_conditions", "notes", "subtotal", "tax_total", "total", "total_base")
    cols = ("line_no", "identifier", "sku_code", "quantity", "rate", "tax_rate", "amount", "dimensions")
    return {k: po[k] for k in header}, [{k: l[k] for k in cols} for l in po["line_items"]]


@pytest.mark.parametrize("status", ["draft", "pending_approval", "approved", "rejected", "cancelled", "closed"])
def test_copying_a_po_in_any_status_makes_a_new_draft_with_its_header_and_lines(desk, people, status):
    source = desk.reach(status)
    other = make_person("requester")
    resp = desk.act(other, source, "copy")
    copy = resp.json
    assert resp.status_code == 201 and resp.headers["Location"].endswith(f"/api/v1/purchase-orders/{copy['id']}")
    assert copy["id"] != source["id"] and copy["po_number"] != source["po_number"]
    assert (copy["status"], copy["requested_by"], copy["approvals"]) == ("draft", ref(other), [])
    assert content(copy) == content(source)


def test_a_copy_keeps_every_header_field_and_line_dimension_but_not_the_external_id(desk, people):
    project, gl = make_dimension("PROJECT"), make_dimension("GL_ACCOUNT")
    dims = {"PROJECT": project.erp_dimension_id, "GL_ACCOUNT": gl.erp_dimension_id}
    source = desk.create(
        vendor=make_vendor(currency="USD"), exchange_rate="83.5", po_type="services", delivery_date="2031-01-31",
        external_id="ERP-1", notes="Ring first", terms_and_conditions="T&C", payment_terms="Net 45",
        lines=[line("Design", quantity="2.5", rate="40.125", tax_rate="18", dimensions=dims), line("Travel", 1, 300)])
    copy = desk.act(people.requester, source, "copy").json
    assert content(copy) == content(source)
    assert copy["line_items"][0]["dimensions"] == dims
    assert copy["external_id"] is None


def test_copying_an_old_po_whose_delivery_date_has_passed_still_makes_a_draft(desk, people):
    source = desk.create(po_date="2020-01-06", delivery_date="2020-02-01", lines=SMALL, submit=True)
    resp = desk.act(people.requester, desk.ok(people.admin, source, "close"), "copy")
    assert (resp.status_code, resp.json["status"], resp.json["delivery_date"]) == (201, "draft", None)


def test_a_copy_takes_its_po_date_and_po_number_from_the_body(desk, people):
    resp = desk.act(people.requester, desk.reach("approved"), "copy", {"po_date": "2030-05-01", "po_number": "COPY-1"})
    assert (resp.status_code, resp.json["po_date"], resp.json["po_number"]) == (201, "2030-05-01", "COPY-1")


def test_copying_to_a_used_po_number_is_409_duplicate_po_number(desk, people):
    source = desk.create()
    resp = desk.act(people.requester, source, "copy", {"po_number": source["po_number"]})
    assert refused(resp) == (409, "duplicate_po_number")
    assert desk.api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 1


def test_a_copy_is_audited_as_copied_from_its_source(desk, people):
    source = desk.create()
    copy = desk.act(people.requester, source, "copy").json
    (event,) = desk.trail(copy)
    assert (event["action"], event["actor"]) == ("copied_from", ref(people.requester))
    assert source["po_number"] in event["comment"]


# ---- the policy, frozen at submit ------------------------------------------------------------------
def test_a_policy_change_after_submit_does_not_change_the_levels_of_a_po_in_flight(desk, people):
    po = desk.create(submit=True)
    newcomer = make_person("approver")
    desk.policy(("100", [newcomer.id]), ("200", [newcomer.id]))
    assert desk.read(po)["approvals"] == po["approvals"]
    assert refused(desk.act(newcomer, po, "approve")) == (403, "not_your_approval")
    assert desk.ok(people.approver, po, "approve")["status"] == "approved"


@pytest.mark.parametrize("approvers, pointer", [
    (lambda p: [p.approver.id, 999999], "/approval_levels/0/approvers/1"),
    (lambda p: [p.requester.id], "/approval_levels/0/approvers/0"),
    (lambda p: [p.viewer.id], "/approval_levels/0/approvers/0")])
def test_an_approver_that_is_no_user_or_not_an_approver_is_refused_with_a_pointer(desk, people, approvers, pointer):
    body = {"approval_levels": [{"min_total": "100", "approvers": approvers(people)}]}
    resp = desk.api.as_(people.admin).patch("/settings", json=body)
    assert (resp.status_code, errors(resp)) == (400, [("invalid_value", pointer)])
    levels = desk.api.as_(people.admin).get("/settings").json["approval_levels"]
    assert levels == [{"min_total": "500.00", "approvers": [people.approver.id]}]


# ---- the audit trail --------------------------------------------------------------------------------
def test_the_trail_records_who_did_what_with_their_comments_and_the_status_changes(desk, people, two_levels):
    first, _, third = two_levels
    po = desk.create(submit=True)
    desk.ok(first, po, "approve", {"comment": "ok by me"})
    desk.ok(third, po, "approve")
    trail = desk.trail(po)
    assert [(e["action"], e["actor"]["id"], e["comment"]) for e in trail] == [
        ("created", people.requester.id, None), ("submitted", people.requester.id, None),
        ("level_approved", first.id, "ok by me"), ("level_approved", third.id, None),
        ("approved", third.id, None)]
    assert [e["changes"].get("status") for e in trail[1:]] == [
        ["draft", "pending_approval"], None, None, ["pending_approval", "approved"]]
    assert all(e["at"].endswith("Z") for e in trail)


# ---- domain events ----------------------------------------------------------------------------------
def test_po_submitted_asks_the_levels_approvers_but_never_the_requester(desk, people, heard):
    desk.policy(("500", ["approver"]))
    boss = make_person("approver")
    po = desk.create(boss, submit=True)
    assert {a["id"] for a in po["approvals"][0]["approvers"]} == {boss.id, people.approver.id, people.admin.id}
    (submitted,) = [e for e in heard if e.name == "po_submitted"]
    assert (submitted.po_id, submitted.actor_id) == (po["id"], boss.id)
    assert sorted(submitted.data["approvers"]) == sorted([people.approver.id, people.admin.id])


def test_each_approved_level_asks_the_next_levels_approvers_then_the_po_is_approved(desk, people, two_levels, heard):
    first, _, third = two_levels
    po = desk.create(submit=True)
    desk.ok(first, po, "approve")
    desk.ok(third, po, "approve")
    assert [(e.name, e.actor_id, plain_data(e)) for e in heard if e.name != "po_created"] == [
        ("po_submitted", people.requester.id, {"level": 1, "approvers": [first.id, two_levels[1].id]}),
        ("po_level_approved", first.id, {"level": 1, "next_level": 2, "approvers": [third.id]}),
        ("po_level_approved", third.id, {"level": 2, "next_level": None, "approvers": []}),
        ("po_approved", third.id, {"level": 2})]
    assert {e.po_id for e in heard} == {po["id"]}


def test_po_rejected_carries_the_reason(desk, people, heard):
    po = desk.ok(people.approver, desk.create(submit=True), "reject", {"reason": "Wrong vendor"})
    last = heard[-1]
    assert (last.name, last.po_id, plain_data(last)) == ("po_rejected", po["id"], {"level": 1, "reason": "Wrong vendor"})


def test_an_action_that_fails_after_publishing_leaves_no_message(desk, people, slack_outbox):
    boss = make_person("approver")
    desk.policy(("500", [boss.id]))  # nobody but the requester could decide it
    assert refused(desk.api.as_(boss).post("/purchase-orders", json=po_body(submit=True))) == (409, "no_eligible_approver")
    assert OutboxMessage.select().count() == 0
    assert desk.api.as_(people.viewer).get("/purchase-orders").json["meta"]["total"] == 0


def test_the_approvers_messages_are_written_with_the_submit_and_leave_only_through_the_outbox(desk, people, slack_outbox):
    po = desk.create(submit=True)
    rows = list(OutboxMessage.select().order_by(OutboxMessage.id))
    assert [(r.kind, r.payload["type"], r.payload["user_id"], r.status) for r in rows] == [
        ("slack", "approval_request", people.approver.id, "pending")]
    assert slack_outbox.delivered == []  # nothing leaves inside the request
    outbox.deliver_due("test")
    assert [(m.payload["type"], m.payload["po_id"]) for m in slack_outbox.delivered] == [("approval_request", po["id"])]


# ---- If-Match on actions ----------------------------------------------------------------------------
def test_an_action_with_a_stale_if_match_is_412_and_changes_nothing(desk, people):
    po = desk.create()
    desk.api.as_(people.requester).patch(f"/purchase-orders/{po['id']}", json={"notes": "v2"})
    assert refused(desk.act(people.requester, po, "submit", headers={"If-Match": '"1"'})) == (412, "version_mismatch")
    assert desk.read(po)["status"] == "draft"

