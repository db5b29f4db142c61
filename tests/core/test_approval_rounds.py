"""Approval rounds: a PO rejected, edited and submitted again is a new round. Its messages are new
(never taken for the last round's, already delivered, even where SQLite reuses the level rows'
ids), and a decision shown for the last round decides nothing in this one."""
import pytest

from core import outbox
from core.errors import SubmittedAgain, ValidationFailed
from core.models import AuditEvent, OutboxMessage, PoApproval
from core.services.lifecycle import approve_po, check_decision, reject_po, submit_po
from core.services.purchase_orders import create_po, update_po
from core.services.settings import update_settings
from tests.factories import line, make_person, make_vendor, po_body


@pytest.fixture
def cast(db):
    admin = make_person("admin").user
    approver, requester = make_person("approver").user, make_person("requester").user
    update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [approver.id]}]})
    return requester, approver, make_vendor()


def resubmitted(requester, approver, vendor):
    """Submitted, rejected, edited (a draft again) and submitted again: (the PO, its two rounds)."""
    po = create_po(requester, po_body(vendor, lines=[line(quantity=10, rate=500)], submit=True)).po
    first = PoApproval.get(PoApproval.po == po.id).round
    reject_po(approver, po.id, reason="get a second quote")
    update_po(requester, po.id, {"description": "Second quote attached"})
    po = submit_po(requester, po.id)
    return po, first, PoApproval.get(PoApproval.po == po.id).round


def test_each_submission_is_its_own_round_and_asks_its_approvers_anew(cast, slack_outbox):
    requester, approver, vendor = cast
    po, first, second = resubmitted(requester, approver, vendor)
    assert first != second
    outbox.deliver_due("test")
    asked = [m for m in slack_outbox.delivered if m.payload["type"] == "approval_request"]
    assert [m.payload["user_id"] for m in asked] == [approver.id, approver.id]  # the second was not taken for the first
    assert [(m.payload["user_id"], m.payload["round"]) for m in asked] == [(approver.id, first), (approver.id, second)]
    assert len({m.key for m in asked}) == 2
    assert OutboxMessage.select().where(OutboxMessage.status != "delivered").count() == 0


def test_a_decision_shown_for_an_earlier_round_is_refused_and_changes_nothing(cast):
    requester, approver, vendor = cast
    po, first, second = resubmitted(requester, approver, vendor)
    before = AuditEvent.select().count()
    for attempt in (lambda: approve_po(approver, po.id, level=1, round=first),
                    lambda: reject_po(approver, po.id, reason="old news", level=1, round=first),
                    lambda: check_decision(approver, po.id, level=1, round=first)):
        with pytest.raises(SubmittedAgain) as refused:
            attempt()
        assert refused.value.po_number == po.po_number and refused.value.problems[0].code == "invalid_transition"
    assert AuditEvent.select().count() == before and PoApproval.get(PoApproval.po == po.id).decision is None
    assert approve_po(approver, po.id, level=1, round=second).status == "approved"


def test_a_round_is_checked_like_a_body_field_and_may_be_left_out(cast):
    requester, approver, vendor = cast
    po, _, _ = resubmitted(requester, approver, vendor)
    with pytest.raises(ValidationFailed) as refused:
        approve_po(approver, po.id, round="1")
    assert (refused.value.problems[0].code, refused.value.problems[0].pointer) == ("invalid_type", "/round")
    assert approve_po(approver, po.id, level=1).status == "approved"  # the API's way: no round
