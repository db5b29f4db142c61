"""The lifecycle table and the approval-level computation, as pure functions (no database)."""
from decimal import Decimal

import pytest

from core.errors import Conflict
from core.money import line_money, po_totals
from core.rules.approval import FrozenLevel, LevelRule, Member, approvers_of, freeze, levels_needed, to_ask
from core.rules.lifecycle import allowed, check
from core.types import PoStatus

STATUSES = [s.value for s in PoStatus]

# Every move the contract allows: (action, from, to).
MOVES = [
    ("submit", "draft", "pending_approval"),
    ("submit", "draft", "approved"),
    ("approve", "pending_approval", "pending_approval"),  # a level approved, the next one waits
    ("approve", "pending_approval", "approved"),
    ("reject", "pending_approval", "rejected"),
    ("cancel", "draft", "cancelled"),
    ("cancel", "pending_approval", "cancelled"),
    ("cancel", "approved", "cancelled"),
    ("close", "approved", "closed"),
    ("edit", "rejected", "draft"),
    ("import", "draft", "approved"),
    ("import", "pending_approval", "approved"),  # the ERP, the source of truth, approved it
    ("import", "rejected", "approved"),
    ("import", "approved", "approved"),
    ("auto_close", "approved", "closed"),
]
ACTIONS = sorted({action for action, _, _ in MOVES})
REFUSED = [(action, status) for action in ACTIONS for status in STATUSES
           if not any(m[0] == action and m[1] == status for m in MOVES)]


def assert_invalid_transition(action, status, to=None):
    with pytest.raises(Conflict) as refused:
        check(action, status, to)
    assert [p.code for p in refused.value.problems] == ["invalid_transition"]
    return refused.value.problems[0].detail


# ---- the transition table ---------------------------------------------------------------------

@pytest.mark.parametrize("action, start, end", MOVES)
def test_every_allowed_move_passes_the_check(action, start, end):
    assert PoStatus(end) in allowed(action, start)
    check(action, start, end)
    check(action, start)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_allowed_lists_exactly_the_targets_of_the_table(action, status):
    expected = {PoStatus(end) for a, start, end in MOVES if (a, start) == (action, status)}
    assert set(allowed(action, status)) == expected


@pytest.mark.parametrize("action, status", REFUSED)
def test_a_move_from_a_status_the_table_does_not_list_is_an_invalid_transition(action, status):
    assert allowed(action, status) == frozenset()
    assert_invalid_transition(action, status)


@pytest.mark.parametrize("action, start, end", [
    ("submit", "draft", "rejected"),
    ("approve", "pending_approval", "rejected"),
    ("reject", "pending_approval", "approved"),
    ("cancel", "approved", "closed"),
    ("close", "approved", "cancelled"),
    ("edit", "rejected", "pending_approval"),
])
def test_an_allowed_action_towards_a_status_it_cannot_reach_is_an_invalid_transition(action, start, end):
    assert_invalid_transition(action, start, end)


def test_an_unknown_action_is_allowed_from_nowhere():
    assert allowed("teleport", "draft") == frozenset()
    assert "nowhere" in assert_invalid_transition("teleport", "draft")


def test_the_refusal_says_what_was_attempted_and_where_it_is_allowed_from():
    detail = assert_invalid_transition("close", "draft")
    assert "close" in detail and "draft" in detail and "approved" in detail


# ---- which levels a total needs -----------------------------------------------------------------

def rule(min_total, *approvers):
    return LevelRule(Decimal(min_total), tuple(approvers) or ("approver",))


def mins(levels):
    return [str(level.min_total) for level in levels]


def test_a_total_exactly_at_min_total_needs_the_level():
    assert mins(levels_needed(Decimal("10000.00"), [rule("10000")])) == ["10000"]


def test_a_total_one_cent_below_min_total_does_not_need_the_level():
    assert levels_needed(Decimal("9999.99"), [rule("10000")]) == []


def test_levels_come_lowest_first_whatever_the_configured_order():
    policy = [rule("50000"), rule("1000"), rule("100000"), rule("10000")]
    assert mins(levels_needed(Decimal("60000"), policy)) == ["1000", "10000", "50000"]


def test_a_total_below_every_level_needs_none():
    assert levels_needed(Decimal("999.99"), [rule("1000"), rule("5000")]) == []


def test_an_empty_policy_needs_no_level():
    assert levels_needed(Decimal("1000000"), []) == []


def test_a_zero_min_total_level_applies_to_every_po():
    assert mins(levels_needed(Decimal("0.00"), [rule("0")])) == ["0"]


def test_a_foreign_currency_po_is_compared_by_its_total_in_the_base_currency():
    money = line_money(Decimal("1"), Decimal("100.00"), Decimal("0"), "USD")
    totals = po_totals([money], "USD", Decimal("83.25"), "INR")
    assert (totals.total, totals.total_base) == (Decimal("100.00"), Decimal("8325.00"))
    policy = [rule("9000"), rule("8000")]
    assert mins(levels_needed(totals.total_base, policy)) == ["8000"]
    assert levels_needed(totals.total, policy) == []  # the USD figure alone would need nothing


# ---- who approves a level -------------------------------------------------------------------------

USERS = [
    Member(1, "approver"),
    Member(2, "admin"),
    Member(3, "requester"),
    Member(4, "viewer"),
    Member(5, "approver", active=False),
    Member(6, "admin", active=False),
    Member(7, "approver"),
]


def test_listed_user_ids_are_the_approvers():
    assert approvers_of(rule("0", 7, 1), USERS) == (7, 1)


def test_the_approver_role_expands_to_every_active_approver_and_admin():
    assert set(approvers_of(rule("0", "approver"), USERS)) == {1, 2, 7}


def test_the_admin_role_expands_to_active_admins_only():
    assert approvers_of(rule("0", "admin"), USERS) == (2,)


def test_inactive_users_are_left_out_even_when_listed_by_id():
    assert approvers_of(rule("0", 5, 6, 1), USERS) == (1,)


def test_users_without_the_approver_role_are_left_out_even_when_listed_by_id():
    assert approvers_of(rule("0", 3, 4, 2), USERS) == (2,)


def test_an_id_that_is_no_known_user_is_left_out():
    assert approvers_of(rule("0", 99, 1), USERS) == (1,)


def test_a_user_named_twice_or_by_id_and_by_role_appears_once():
    approvers = approvers_of(rule("0", 1, "approver", 1, "admin", 2), USERS)
    assert sorted(approvers) == [1, 2, 7]
    assert len(approvers) == len(set(approvers))


def test_a_level_naming_nobody_eligible_has_no_approvers():
    assert approvers_of(rule("0", 3, 5), USERS) == ()


# ---- freezing levels onto a PO ---------------------------------------------------------------------

def test_frozen_levels_are_numbered_from_one_in_ascending_order_with_concrete_approvers():
    policy = [rule("50000", "admin"), rule("1000", 1, 7), rule("100000", 1)]
    assert freeze(Decimal("75000"), policy, USERS) == [
        FrozenLevel(1, Decimal("1000"), (1, 7)),
        FrozenLevel(2, Decimal("50000"), (2,)),
    ]


def test_freezing_a_total_no_level_applies_to_gives_no_levels():
    assert freeze(Decimal("10"), [rule("1000")], USERS) == []


# ---- whom to ask ----------------------------------------------------------------------------------

def test_the_requester_is_never_asked_to_decide_their_own_po():
    assert to_ask(FrozenLevel(1, Decimal("0"), (1, 2, 7)), requester_id=2) == [1, 7]


def test_every_approver_is_asked_when_the_requester_is_not_among_them():
    assert to_ask(FrozenLevel(1, Decimal("0"), (1, 2)), requester_id=3) == [1, 2]


def test_a_level_whose_only_approver_is_the_requester_asks_nobody():
    assert to_ask(FrozenLevel(1, Decimal("0"), (1,)), requester_id=1) == []
