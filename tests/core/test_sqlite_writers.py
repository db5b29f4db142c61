"""SQLite: a process's write transactions queue on one lock of ours (not in SQLite's sleeping busy
handler); however a transaction ends — commit, rollback, an error — the next writer gets in."""
import threading

import pytest
from peewee import IntegrityError

from core.db import database
from core.models import Counter
from core.services import purchase_orders
from tests.concurrency import race
from tests.factories import make_person, po_body


@pytest.fixture
def sqlite_only(is_postgres):
    if is_postgres:
        pytest.skip("PostgreSQL locks rows, not the whole database: writers there do not queue on one lock")


def written_in_another_thread(value: int) -> bool:
    """True when another thread could write `value` within 10 seconds."""
    done = threading.Event()

    def write():
        with database.connection_context():
            with database.atomic():
                Counter.insert(name=f"t{value}", value=value).execute()
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(10)


def test_after_a_write_transaction_fails_the_next_writer_gets_in(db, sqlite_only):
    with pytest.raises(ZeroDivisionError):
        with database.atomic():
            Counter.insert(name="doomed", value=1).execute()
            1 / 0
    assert written_in_another_thread(1)
    assert not Counter.select().where(Counter.name == "doomed").exists()


def test_after_a_commit_that_fails_the_next_writer_gets_in(db, sqlite_only):
    with pytest.raises(IntegrityError):
        with database.atomic():
            Counter.insert(name="twice", value=1).execute()
            database.execute_sql("PRAGMA defer_foreign_keys = ON")
            database.execute_sql("INSERT INTO po_line (po_id, line_no, identifier, quantity, rate, tax_rate, amount, tax_amount, "
                                 "quantity_received, quantity_billed) VALUES (999999, 1, 'x', 0, 0, 0, 0, 0, 0, 0)")
    assert written_in_another_thread(2)


def test_after_nested_transactions_the_next_writer_gets_in(db, sqlite_only):
    with database.atomic():
        with database.atomic():
            Counter.insert(name="inner", value=1).execute()
        Counter.insert(name="outer", value=1).execute()
    assert written_in_another_thread(3)


def test_eight_creators_at_once_all_succeed_with_distinct_numbers(db):
    requester = make_person("requester").user
    outcomes = race(*[lambda: purchase_orders.create_po(requester, po_body()) for _ in range(8)])
    assert sorted(o.po.po_number for o in outcomes) == [f"PO-{n:05d}" for n in range(1, 9)]


def test_a_second_writer_waits_on_the_process_lock_not_in_sqlite_and_then_sees_the_first_ones_write(db, sqlite_only):
    outcome = []

    def second(timeout):
        with database.connection_context():
            database.obj._timeout = timeout
            try:
                with database.atomic():
                    outcome.append(Counter.get_or_none(Counter.name == "n").value)
            except Exception as exc:  # noqa: BLE001 - the test reads which error it was
                outcome.append(str(exc))

    patience = database.obj._timeout
    try:
        with database.atomic():
            Counter.create(name="n", value=1)
            impatient = threading.Thread(target=second, args=(0.2,))
            impatient.start()
            impatient.join(10)  # gave up waiting on our lock (SQLite's own error would not say "thread")
            patient = threading.Thread(target=second, args=(patience,))
            patient.start()
            Counter.update(value=2).where(Counter.name == "n").execute()
        patient.join(10)
    finally:
        database.obj._timeout = patience
    assert outcome == ["database is locked (another thread of this process kept writing)", 2]
