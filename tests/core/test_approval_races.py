"""Two approvers clicking at the same moment: exactly one wins, the other is told 409, one audit event.

Each approver runs in its own thread with its own database connection, released together by a
barrier, so their transactions really overlap (on PostgreSQL when PODESK_TEST_DATABASE_URL is set,
on SQLite otherwise). Several rounds, because one lucky ordering proves little.
"""

import pytest

from core.errors import Conflict, DomainError
from core.models import AuditEvent, PoApproval, PurchaseOrder
from core.services.lifecycle import approve_po, reject_po
from core.services.purchase_orders import create_po
from core.services.settings import update_settings
from tests.concurrency import race
from tests.factories import line, make_person, make_vendor, po_body

ROUNDS = 8


@pytest.fixture
def cast(db):
    admin = make_person("admin").user
    first, second = make_person("approver").user, make_person("approver").user
    requester = make_person("requester").user
    update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [first.id, second.id]}]})
    return requester, first, second, make_vendor()


def pending_po(requester, vendor):
    return create_po(requester, po_body(vendor, lines=[line(quantity=10, rate=500)], submit=True)).po


def test_two_approvers_approving_at_once_approve_the_po_exactly_once(cast):
    requester, first, second, vendor = cast
    for _ in range(ROUNDS):
        po = pending_po(requester, vendor)
        assert po.status == "pending_approval"
        outcomes = race(lambda: approve_po(first, po.id), lambda: approve_po(second, po.id))
        winners = [who for who, o in zip((first, second), outcomes) if isinstance(o, PurchaseOrder)]
        losses = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(winners) == 1 and len(losses) == 1, outcomes
        assert isinstance(losses[0], Conflict) and losses[0].problems[0].code == "invalid_transition"
        assert PurchaseOrder.get_by_id(po.id).status == "approved"
        approvals = AuditEvent.select().where(AuditEvent.entity_id == po.id, AuditEvent.action == "approved")
        assert approvals.count() == 1
        level = PoApproval.get(PoApproval.po == po.id)
        assert (level.decision, level.decided_by_id) == ("approved", winners[0].id)


def test_an_approval_racing_a_rejection_leaves_one_decision(cast):
    requester, first, second, vendor = cast
    for _ in range(ROUNDS):
        po = pending_po(requester, vendor)
        outcomes = race(lambda: approve_po(first, po.id), lambda: reject_po(second, po.id, reason="too dear"))
        assert sum(isinstance(o, PurchaseOrder) for o in outcomes) == 1, outcomes
        final = PurchaseOrder.get_by_id(po.id).status
        assert final in ("approved", "rejected")
        decisions = AuditEvent.select().where(AuditEvent.entity_id == po.id, AuditEvent.action.in_(["approved", "rejected"]))
        assert [e.action for e in decisions] == [final]
