"""Running calls at the same instant, each in its own thread with its own database connection."""
import threading
import time

import pytest

from core.db import database
from core.errors import DomainError


def race(*calls):
    """Run the calls at the same instant in separate threads; return each one's result or error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        with database.connection_context():
            barrier.wait()
            try:
                outcomes[index] = call()
            except DomainError as exc:
                outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def wait_until(predicate, timeout: float, what: str, poll: float = 0.02):
    """Wait until `predicate()` holds, checking every `poll` seconds, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        tick.wait(poll)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")
