"""The typed actions called directly, as the Slack bot and the dashboard call them, and the business
errors they raise carrying what a face needs to explain them."""
import datetime as dt
from decimal import Decimal

import pytest

from core import operator, services, slack_bookkeeping
from core.errors import (
    AlreadyDecided,
    DuplicateInvoice,
    IncompletePo,
    InvalidTransition,
    InvoiceNotAcceptable,
    InvoiceNotMatched,
    MailNotConfigured,
    NoEligibleApprover,
    NotOwner,
    NotYourApproval,
    PoHasActivity,
    PoNotEditable,
    PoNotOpen,
    RoleRequired,
    SelfApproval,
    ValidationFailed,
    VersionMismatch,
)
from core.models import AuditEvent
from tests.factories import line, make_person, make_vendor, po_body


@pytest.fixture
def cast(db):
    admin, requester = make_person("admin").user, make_person("requester", "Ravi").user
    first, second = make_person("approver", "Priya").user, make_person("approver", "Omar").user
    services.update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [first.id]},
                                                         {"min_total": "4000", "approvers": [second.id]}]})
    return admin, requester, first, second


def pending(requester, rate=500):
    return services.create_po(requester, po_body(lines=[line(quantity=10, rate=rate)], submit=True)).po


def problems(error):
    return [(p.code, p.pointer) for p in error.value.problems]


def test_an_approver_approves_level_by_level_with_keyword_arguments(cast):
    admin, requester, first, second = cast
    po = pending(requester)
    assert services.approve_po(first, po.id, level=1, comment="fine").approval_level == 2
    assert services.approve_po(second, po.id, level=2).status == "approved"


def test_a_wrong_argument_from_a_face_is_refused_with_the_arguments_name(cast):
    admin, requester, first, _ = cast
    po = pending(requester)
    with pytest.raises(ValidationFailed) as wrong:
        services.approve_po(first, po.id, level="one", comment="x" * 2001)
    assert sorted(problems(wrong)) == [("invalid_type", "/level"), ("invalid_value", "/comment")]
    with pytest.raises(ValidationFailed) as empty:
        services.reject_po(first, po.id, reason="  ")
    assert problems(empty) == [("invalid_value", "/reason")]
    assert services.copy_po(requester, po.id, po_date=dt.date(2026, 1, 5)).po.po_date == dt.date(2026, 1, 5)


def test_a_second_click_on_a_decided_level_says_who_decided_it_and_when(cast):
    admin, requester, first, second = cast
    po = pending(requester)
    services.approve_po(first, po.id, level=1)
    with pytest.raises(AlreadyDecided) as stale:
        services.approve_po(first, po.id, level=1)
    error = stale.value
    assert (error.level, error.decision, error.decided_by_id, error.decided_by_name) == (1, "approved", first.id, "Priya")
    assert isinstance(error.decided_at, dt.datetime)
    assert error.problems[0].code == "invalid_transition"


def test_the_requester_deciding_their_own_po_is_told_so(cast):
    admin, requester, first, second = cast
    services.update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [first.id, second.id]}]})
    own = pending(first)
    with pytest.raises(SelfApproval) as error:
        services.approve_po(first, own.id)
    assert (error.value.po_number, error.value.problems[0].code) == (own.po_number, "self_approval_forbidden")


def test_an_approver_of_another_level_is_told_which_level_and_who_may_decide_it(cast):
    admin, requester, first, second = cast
    po = pending(requester)
    with pytest.raises(NotYourApproval) as error:
        services.approve_po(second, po.id)
    assert (error.value.level, error.value.approvers) == (1, ((first.id, "Priya"),))


def test_acting_on_a_po_in_the_wrong_status_names_the_action_and_the_status(cast):
    admin, requester, *_ = cast
    draft = services.create_po(requester, po_body()).po
    with pytest.raises(InvalidTransition) as error:
        services.close_po(admin, draft.id)
    assert (error.value.action, error.value.status) == ("close", "draft")
    with pytest.raises(PoNotOpen) as closed:
        services.record_receipt(requester, draft.id, {"lines": [{"line_id": 1, "quantity": 1}]})
    assert closed.value.status == "draft"


def test_submitting_an_incomplete_po_carries_what_is_missing(cast):
    _, requester, *_ = cast
    po = services.create_po(requester, {"po_type": "goods", "matching": "two_way", "line_items": [line("Bolts", rate=0)]}).po
    with pytest.raises(IncompletePo) as error:
        services.submit_po(requester, po.id)
    assert error.value.submit_warnings == {"po": ["vendor_id", "description", "payment_terms"], "line_items": {"Bolts": ["rate"]}}


def test_a_level_nobody_but_the_requester_could_decide_is_named(cast):
    admin, requester, first, _ = cast
    with pytest.raises(NoEligibleApprover) as error:
        pending(first)  # first is level 1's only approver
    assert (error.value.level, error.value.min_total) == (1, Decimal("1000"))
    assert error.value.problems[0].code == "no_eligible_approver" and "1000" in error.value.detail


def test_a_role_too_low_names_the_role_needed_and_the_role_held(cast):
    _, requester, *_ = cast
    viewer = make_person("viewer").user
    with pytest.raises(RoleRequired) as error:
        services.create_po(viewer, po_body())
    assert (error.value.needed, error.value.actual) == ("requester", "viewer")


def test_only_the_requester_or_an_admin_may_change_submit_cancel_or_delete_a_po(cast):
    admin, requester, *_ = cast
    other = make_person("requester").user
    po = services.create_po(requester, po_body()).po
    for act in (lambda: services.update_po(other, po.id, {"notes": "mine now"}), lambda: services.submit_po(other, po.id),
                lambda: services.cancel_po(other, po.id), lambda: services.delete_po(other, po.id)):
        with pytest.raises(NotOwner) as error:
            act()
        assert (error.value.po_number, error.value.owner_id) == (po.po_number, requester.id)
    assert services.update_po(admin, po.id, {"notes": "an admin may"}).notes == "an admin may"


def test_a_duplicate_invoice_names_the_vendor_and_number(cast):
    admin, *_ = cast
    vendor = make_vendor()
    body = {"vendor_id": vendor.id, "invoice_number": "A-1", "invoice_date": "2026-01-01", "currency": "INR",
            "lines": [{"description": "x", "quantity": 1, "unit_price": 1}]}
    services.register_invoice(admin, body)
    with pytest.raises(DuplicateInvoice) as error:
        services.register_invoice(admin, {**body, "invoice_number": "a-1 "})
    assert (error.value.vendor_id, error.value.invoice_number) == (vendor.id, "a-1")


def test_a_users_timezone_and_locale_are_checked_and_kept(db):
    user = operator.add_user("Asha", "asha@example.com", "viewer")
    assert (services.set_preferences(user, timezone="Asia/Kolkata", locale="en-IN").timezone, ) == ("Asia/Kolkata",)
    assert services.set_preferences(user).locale == "en_IN"
    with pytest.raises(ValidationFailed) as wrong:
        services.set_preferences(user, timezone="Mars/Olympus", locale="xx_YY_ZZ")
    assert problems(wrong) == [("invalid_value", "/timezone"), ("invalid_value", "/locale")]


def approved(requester, quantity=10):
    """A PO under every level's minimum: approved as it is submitted."""
    return services.create_po(requester, po_body(lines=[line("Bolts", quantity=quantity, rate=1)], submit=True)).po


def an_invoice(admin, po, unit_price="1", quantity="2"):
    return services.register_invoice(admin, {
        "vendor_id": po.vendor_id, "invoice_number": f"INV-{po.id}-{unit_price}-{quantity}", "invoice_date": "2026-01-15",
        "currency": "INR", "po_number": po.po_number,
        "lines": [{"description": "Bolts", "quantity": quantity, "unit_price": unit_price}]})


def test_a_stale_version_carries_the_version_the_po_is_at_and_the_one_expected(cast):
    _, requester, *_ = cast
    po = services.create_po(requester, po_body()).po
    with pytest.raises(VersionMismatch) as error:
        services.update_po(requester, po.id, {"notes": "late"}, expected_version=po.version + 3)
    assert (error.value.current, error.value.expected, error.value.problems[0].code) == (po.version, po.version + 3, "version_mismatch")


def test_deleting_a_po_past_draft_names_its_status(cast):
    _, requester, *_ = cast
    po = approved(requester)
    with pytest.raises(PoNotEditable) as error:
        services.delete_po(requester, po.id)
    assert (error.value.status, error.value.problems[0].code) == ("approved", "po_not_editable")


def test_cancelling_a_po_with_goods_received_says_it_can_be_closed_instead(cast):
    _, requester, *_ = cast
    po = approved(requester)
    services.record_receipt(requester, po.id, {"lines": [{"identifier": "Bolts", "quantity": 1}]})
    with pytest.raises(PoHasActivity) as error:
        services.cancel_po(requester, po.id, reason="not needed")
    assert error.value.problems[0].code == "po_has_activity" and "closed" in error.value.detail


def test_accepting_an_invoice_without_exceptions_names_its_match_status(cast):
    admin, requester, first, _ = cast
    invoice = an_invoice(admin, approved(requester))
    with pytest.raises(InvoiceNotAcceptable) as error:
        services.accept_invoice_exception(first, invoice.id, reason="fine")
    assert (error.value.match_status, error.value.problems[0].code) == ("matched", "invalid_transition")


def test_exporting_an_invoice_with_open_exceptions_names_its_match_status(cast):
    admin, requester, *_ = cast
    invoice = an_invoice(admin, approved(requester), unit_price="5")  # five times the PO's rate: price variance
    with pytest.raises(InvoiceNotMatched) as error:
        services.mark_invoice_exported(admin, invoice.id, export_id="ERP-1")
    assert (error.value.match_status, error.value.problems[0].code) == ("exception", "invoice_not_matched")


def test_sending_a_po_where_no_mail_server_is_configured_says_so(cast):
    _, requester, *_ = cast
    with pytest.raises(MailNotConfigured) as error:
        services.send_po(requester, approved(requester).id, to=["sales@vendor.example"])
    assert error.value.problems[0].code == "mail_not_configured" and "PODESK_SMTP_URL" in error.value.detail


def test_a_users_own_timezone_is_audited_and_outlasts_what_slack_says(db):
    user = operator.add_user("Asha", "asha@example.com", "viewer", slack_id="U0ASHA")
    user = slack_bookkeeping.learn_slack_preferences(user, timezone="Europe/Berlin", locale="de-DE")
    user = services.set_preferences(user, timezone="Asia/Kolkata", actor=user)
    user = slack_bookkeeping.learn_slack_preferences(user, timezone="America/New_York", locale="en-US")
    assert (user.timezone, user.locale) == ("Asia/Kolkata", "en_US")  # the locale was never chosen: Slack's counts
    chosen = AuditEvent.select().where(AuditEvent.action == "preferences_set", AuditEvent.actor == user.id).get()
    assert (chosen.entity_id, chosen.changes) == (user.id, {"timezone": ["Europe/Berlin", "Asia/Kolkata"], "timezone_chosen": [False, True]})


def test_choosing_the_value_slack_gave_still_keeps_it_from_slack(db):
    user = slack_bookkeeping.learn_slack_preferences(operator.add_user("Asha", "asha@example.com", "viewer"), locale="en-IN")
    services.set_preferences(user, locale="en_IN")
    assert slack_bookkeeping.learn_slack_preferences(user, locale="fr-FR").locale == "en_IN"


def test_only_an_admin_sets_someone_elses_timezone(db):
    user, other = operator.add_user("Asha", "asha@example.com", "approver"), operator.add_user("Ravi", "ravi@example.com", "viewer")
    with pytest.raises(RoleRequired):
        services.set_preferences(other, timezone="Asia/Kolkata", actor=user)
    admin = operator.add_user("Root", "root@example.com", "admin")
    assert services.set_preferences(other, timezone="Asia/Kolkata", actor=admin).timezone == "Asia/Kolkata"


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "localtime", "asia/kolkata", "../zoneinfo/UTC", "", "A" * 100])
def test_a_timezone_must_be_a_name_in_the_timezone_database(db, timezone):
    user = operator.add_user("Asha", "asha@example.com", "viewer")
    with pytest.raises(ValidationFailed) as wrong:
        services.set_preferences(user, timezone=timezone)
    assert problems(wrong) == [("invalid_value", "/timezone")]
