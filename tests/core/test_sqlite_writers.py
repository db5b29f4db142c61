"""SQLite has one writer: threads of one process take turns for it on a lock, in order, instead of
racing in SQLite's busy handler; a transaction that fails gives the turn back."""
import threading

import pytest

from core.db import database
from core.models import Counter


@pytest.fixture
def sqlite_only(db, is_postgres):
    if is_postgres:
        pytest.skip("PostgreSQL has row locks and many writers; the turn-taking lock is SQLite's")


def test_a_second_writer_waits_its_turn_on_the_process_lock_then_sees_the_first_ones_write(sqlite_only):
    first_began, outcome = threading.Event(), []

    def second(wait_seconds):
        with database.connection_context():
            database.obj.WAIT_SECONDS = wait_seconds
            try:
                with database.atomic():
                    outcome.append(Counter.get_or_none(Counter.name == "n").value)
            except Exception as exc:  # noqa: BLE001 - the test reads which error it was
                outcome.append(str(exc))

    with database.atomic():
        Counter.create(name="n", value=1)
        impatient = threading.Thread(target=second, args=(0.2,))
        impatient.start()
        impatient.join(10)  # gave up on the process's lock, not in SQLite's busy handler
        patient = threading.Thread(target=second, args=(15,))
        patient.start()
        Counter.update(value=2).where(Counter.name == "n").execute()
    patient.join(10)
    database.obj.WAIT_SECONDS = 15
    assert outcome == ["database is locked (another thread of this process kept the write lock)", 2]


def test_a_transaction_that_fails_gives_the_turn_back(sqlite_only):
    with pytest.raises(ZeroDivisionError):
        with database.atomic():
            Counter.create(name="x", value=1)
            1 / 0
    done = threading.Event()

    def other():
        with database.connection_context(), database.atomic():
            Counter.create(name="y", value=1)
        done.set()

    threading.Thread(target=other).start()
    assert done.wait(5)
    assert [c.name for c in Counter.select()] == ["y"]
