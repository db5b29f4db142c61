"""Which actions a person may take on a PO: a pure rule, and the services agree with it."""
import pytest

from core import services
from core.db import database
from core.errors import DomainError
from core.models import PurchaseOrder
from core.rules.actions import PoSituation, may_accept_invoices, po_actions
from tests.factories import make_po, system_admin

RAVI, PRIYA, OMAR, ASHA, VERA = 1, 2, 3, 4, 5
DRAFT = PoSituation("draft", RAVI)
PENDING = PoSituation("pending_approval", RAVI, waiting_approvers=(PRIYA, ASHA))
APPROVED = PoSituation("approved", RAVI)


def test_a_viewer_may_do_nothing_at_all():
    assert all(po_actions("viewer", VERA, po) == () for po in (DRAFT, PENDING, APPROVED))


def test_a_requester_may_submit_cancel_and_copy_their_own_draft():
    assert po_actions("requester", RAVI, DRAFT) == ("submit", "cancel", "copy")


def test_a_requester_may_only_copy_someone_elses_draft():
    assert po_actions("requester", 99, DRAFT) == ("copy",)


def test_an_approver_of_the_waiting_level_may_approve_or_reject():
    assert po_actions("approver", PRIYA, PENDING) == ("approve", "reject", "copy")


def test_an_approver_not_on_the_waiting_level_may_not_decide():
    assert po_actions("approver", OMAR, PENDING) == ("copy",)


def test_nobody_decides_a_po_they_raised():
    own = PoSituation("pending_approval", PRIYA, waiting_approvers=(PRIYA, ASHA))
    assert "approve" not in po_actions("approver", PRIYA, own)


def test_cancelling_ends_once_goods_were_received_or_billed():
    assert "cancel" in po_actions("requester", RAVI, APPROVED)
    assert "cancel" not in po_actions("requester", RAVI, PoSituation("approved", RAVI, has_activity=True))


def test_only_an_admin_closes_an_approved_po_and_may_cancel_anyones():
    assert po_actions("admin", ASHA, APPROVED) == ("cancel", "close", "copy")
    assert "close" not in po_actions("approver", PRIYA, APPROVED)


def test_any_requester_may_send_an_approved_or_closed_po_to_its_vendor_where_email_is_set_up():
    with_mail = PoSituation("approved", RAVI, mail=True)
    assert po_actions("requester", 99, with_mail) == ("send", "copy")
    assert "send" in po_actions("requester", 99, PoSituation("closed", RAVI, mail=True))
    assert "send" not in po_actions("requester", RAVI, APPROVED)  # no SMTP server
    assert "send" not in po_actions("requester", RAVI, PoSituation("pending_approval", RAVI, mail=True))
    assert "send" not in po_actions("viewer", VERA, with_mail)


def test_approvers_and_admins_accept_invoice_exceptions():
    assert [may_accept_invoices(r) for r in ("viewer", "requester", "approver", "admin")] == [False, False, True, True]


ACTIONS = {
    "submit": lambda actor, po: services.submit_po(actor, po),
    "approve": lambda actor, po: services.approve_po(actor, po),
    "reject": lambda actor, po: services.reject_po(actor, po, reason="no"),
    "cancel": lambda actor, po: services.cancel_po(actor, po),
    "close": lambda actor, po: services.close_po(actor, po),
    "copy": lambda actor, po: services.copy_po(actor, po),
}


def _succeeds(action: str, actor, po_id: int) -> bool:
    """Whether the service lets `actor` do it (tried in a transaction that is rolled back)."""
    with database.atomic() as txn:
        try:
            ACTIONS[action](actor, po_id)
            return True
        except DomainError:
            return False
        finally:
            txn.rollback()


@pytest.mark.parametrize("state", ["draft", "pending_approval", "approved"])
def test_the_services_allow_exactly_what_the_rule_shows(people, state):
    services.update_settings(system_admin(), {"approval_levels": [{"min_total": "1", "approvers": [people.approver.id]}]})
    po = make_po(people.requester, submit=state != "draft")
    if state == "approved":
        services.approve_po(people.approver.user, po.id)
    assert PurchaseOrder.get_by_id(po.id).status == state
    waiting = (people.approver.id,) if state == "pending_approval" else ()
    for person in (people.viewer, people.requester, people.approver, people.admin):
        shown = po_actions(person.user.role, person.id, PoSituation(state, people.requester.id, waiting))
        allowed = tuple(a for a in ACTIONS if _succeeds(a, person.user, po.id))
        assert shown == allowed, f"{person.user.role} on a {state} PO"
