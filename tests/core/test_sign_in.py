"""Dashboard sign-in over a real database: passwords, throttling, one-time links, session epochs."""
import base64
import datetime as dt
import hashlib

import pytest
from werkzeug.security import check_password_hash

from core.errors import PermissionDenied, SignInLinkUnusable, SignInLocked, ValidationFailed, WrongCredentials
from core.fields import utcnow
from core.models import AuditEvent, SignInLink, User
from core.queries._sessions import session_user
from core.services.sessions import check_sign_in_link, issue_sign_in_link, redeem_sign_in_link, sign_in
from core.services.users import set_active
from core.operator import add_user, set_password

PASSWORD = "correct horse battery"


@pytest.fixture
def asha(db):
    user = add_user("Asha", "asha@example.com", "approver")
    set_password("asha@example.com", PASSWORD)
    return user


def test_the_right_password_signs_in_and_the_session_names_the_user(asha):
    signed = sign_in("Asha@Example.com ", PASSWORD, "10.0.0.1")
    assert signed.user.id == asha.id
    assert session_user(asha.id, signed.epoch).email == "asha@example.com"
    assert AuditEvent.get(AuditEvent.action == "signed_in").actor_id == asha.id


@pytest.mark.parametrize("email, password", [
    ("asha@example.com", "wrong password"),
    ("nobody@example.com", PASSWORD),
])
def test_a_wrong_password_and_an_unknown_email_are_refused_alike(asha, email, password):
    with pytest.raises(WrongCredentials) as refused:
        sign_in(email, password, "10.0.0.1")
    assert refused.value.problems[0].detail.startswith("That email and password do not match")


def test_a_user_without_a_password_cannot_sign_in(db):
    add_user("Ravi", "ravi@example.com", "viewer")
    with pytest.raises(WrongCredentials):
        sign_in("ravi@example.com", "", "10.0.0.1")


def test_an_address_that_is_not_an_email_is_a_validation_problem(db):
    with pytest.raises(ValidationFailed):
        sign_in("not an email", PASSWORD, "10.0.0.1")


def test_five_failures_lock_the_account_even_for_the_right_password_from_elsewhere(asha):
    now = utcnow()
    for i in range(4):
        with pytest.raises(WrongCredentials):
            sign_in("asha@example.com", f"guess {i}", f"10.0.0.{i}", now=now)
    with pytest.raises(SignInLocked) as locked:
        sign_in("asha@example.com", "guess 5", "10.0.0.9", now=now)
    assert locked.value.retry_after == 15 * 60
    with pytest.raises(SignInLocked):
        sign_in("asha@example.com", PASSWORD, "10.0.0.77", now=now + dt.timedelta(minutes=14))
    assert sign_in("asha@example.com", PASSWORD, "10.0.0.77", now=now + dt.timedelta(minutes=15)).user.id == asha.id


def test_an_unknown_email_locks_just_like_a_real_one(db):
    now = utcnow()
    for i in range(4):
        with pytest.raises(WrongCredentials):
            sign_in("ghost@example.com", "x", f"10.0.1.{i}", now=now)
    with pytest.raises(SignInLocked):
        sign_in("ghost@example.com", "x", "10.0.1.9", now=now)


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(asha):
    now = utcnow()
    for i in range(19):
        with pytest.raises(WrongCredentials):
            sign_in(f"someone{i}@example.com", "x", "192.0.2.1", now=now)
    with pytest.raises(SignInLocked):
        sign_in("someone-else@example.com", "x", "192.0.2.1", now=now)
    with pytest.raises(SignInLocked):
        sign_in("asha@example.com", PASSWORD, "192.0.2.1", now=now)
    assert sign_in("asha@example.com", PASSWORD, "192.0.2.2", now=now).user.id == asha.id


def test_signing_in_clears_the_accounts_failures(asha):
    now = utcnow()
    for i in range(4):
        with pytest.raises(WrongCredentials):
            sign_in("asha@example.com", "x", "10.0.0.1", now=now)
    sign_in("asha@example.com", PASSWORD, "10.0.0.1", now=now)
    for i in range(4):
        with pytest.raises(WrongCredentials):
            sign_in("asha@example.com", "x", "10.0.0.1", now=now)


def legacy_hash(password: str, salt: bytes = b"sixteen byte sal") -> str:
    """A hash as podesk stored them before werkzeug's format: scrypt at a cost the hash does not record."""
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def stored_hash(user) -> str:
    return User.get_by_id(user.id).password_hash


def test_a_password_is_stored_in_werkzeugs_scrypt_format_which_names_its_cost(asha):
    stored = stored_hash(asha)
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, PASSWORD) and not check_password_hash(stored, "wrong password")
    set_password("asha@example.com", PASSWORD)
    assert stored_hash(asha) != stored  # a fresh salt each time


def test_a_password_stored_the_old_way_signs_in_once_more_and_is_then_stored_the_new_way(asha):
    User.update(password_hash=legacy_hash(PASSWORD)).where(User.id == asha.id).execute()
    with pytest.raises(WrongCredentials):
        sign_in("asha@example.com", "wrong password", "10.0.0.1")
    assert stored_hash(asha).startswith("scrypt$")  # a failure rewrites nothing
    signed = sign_in("asha@example.com", PASSWORD, "10.0.0.1")
    assert stored_hash(asha).startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored_hash(asha), PASSWORD)
    assert session_user(asha.id, signed.epoch) is not None  # same password: the session goes on
    assert AuditEvent.get(AuditEvent.action == "password_rehashed").entity_id == asha.id
    assert sign_in("asha@example.com", PASSWORD, "10.0.0.1").epoch == signed.epoch
    assert AuditEvent.select().where(AuditEvent.action == "password_rehashed").count() == 1


def test_a_new_password_ends_every_session(asha):
    signed = sign_in("asha@example.com", PASSWORD, "10.0.0.1")
    set_password("asha@example.com", "another long password")
    assert session_user(asha.id, signed.epoch) is None


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(asha):
    admin = add_user("Admin", "admin@example.com", "admin")
    signed = sign_in("asha@example.com", PASSWORD, "10.0.0.1")
    set_active(admin, "asha@example.com", False)
    assert session_user(asha.id, signed.epoch) is None
    with pytest.raises(WrongCredentials):
        sign_in("asha@example.com", PASSWORD, "10.0.0.1")
    set_active(admin, "asha@example.com", True)
    assert session_user(asha.id, signed.epoch) is None


def test_only_an_admin_deactivates_a_user(asha):
    with pytest.raises(PermissionDenied):
        set_active(asha, "asha@example.com", False)


def test_a_link_signs_in_once(asha):
    token = issue_sign_in_link(asha)
    assert check_sign_in_link(token).id == asha.id
    signed = redeem_sign_in_link(token)
    assert session_user(asha.id, signed.epoch).id == asha.id
    with pytest.raises(SignInLinkUnusable) as again:
        redeem_sign_in_link(token)
    assert again.value.reason == "used"


def test_a_link_expires_ten_minutes_after_it_was_issued(asha):
    issued = utcnow()
    token = issue_sign_in_link(asha, now=issued)
    with pytest.raises(SignInLinkUnusable) as late:
        redeem_sign_in_link(token, now=issued + dt.timedelta(minutes=10))
    assert late.value.reason == "expired"
    assert redeem_sign_in_link(token, now=issued + dt.timedelta(minutes=9, seconds=59)).user.id == asha.id


def test_only_the_tokens_hash_is_stored(asha):
    token = issue_sign_in_link(asha)
    stored = SignInLink.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_a_made_up_token_is_not_valid(db):
    with pytest.raises(SignInLinkUnusable) as unknown:
        redeem_sign_in_link("made-up")
    assert unknown.value.reason == "unknown"


def test_a_deactivated_user_gets_no_link_and_their_open_link_stops_working(asha):
    admin = add_user("Admin", "admin@example.com", "admin")
    token = issue_sign_in_link(asha)
    set_active(admin, "asha@example.com", False)
    with pytest.raises(SignInLinkUnusable):
        redeem_sign_in_link(token)
    with pytest.raises(PermissionDenied):
        issue_sign_in_link(asha.__class__.get_by_id(asha.id))
