"""Throttling and one-time link rules, as plain values."""
import datetime as dt

from core.rules.sign_in import LINK_LIFETIME, LOCK, WINDOW, LinkState, Throttle, after_failure, link_state, locked_for

T0 = dt.datetime(2026, 3, 1, 9, 0)


def fail(times: int, limit: int = 5, start: Throttle = Throttle(), step=dt.timedelta(minutes=1)) -> Throttle:
    state = start
    for i in range(times):
        state = after_failure(state, T0 + i * step, limit)
    return state


def test_four_failures_in_the_window_do_not_lock():
    assert locked_for(fail(4), T0 + dt.timedelta(minutes=4)) is None


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes():
    state = fail(5)
    fifth = T0 + dt.timedelta(minutes=4)
    assert state.locked_until == fifth + LOCK
    assert locked_for(state, fifth) == LOCK
    assert locked_for(state, fifth + LOCK) is None


def test_failures_spread_wider_than_the_window_never_lock():
    state = fail(10, step=WINDOW / 4)
    assert all(locked_for(state, T0 + i * WINDOW / 4) is None for i in range(10))
    assert state.locked_until is None


def test_after_a_lock_ends_the_count_starts_again():
    state = fail(5)
    later = state.locked_until + dt.timedelta(seconds=1)
    assert locked_for(after_failure(state, later, 5), later) is None


def test_an_address_limit_higher_than_an_accounts_takes_more_failures():
    assert fail(5, limit=20).locked_until is None
    assert fail(20, limit=20, step=dt.timedelta(seconds=10)).locked_until is not None


def test_a_link_works_until_ten_minutes_after_it_was_issued():
    expires = T0 + LINK_LIFETIME
    assert link_state(expires, None, T0 + dt.timedelta(minutes=9, seconds=59)) is LinkState.usable
    assert link_state(expires, None, expires) is LinkState.expired


def test_a_used_link_says_it_was_used_even_after_it_would_have_expired():
    assert link_state(T0 + LINK_LIFETIME, T0, T0 + dt.timedelta(hours=1)) is LinkState.used
