"""The background scheduler: a job that runs past its interval skips the ticks that come meanwhile,
runs again once it is done, and none of that puts a line in the log."""
import logging
import threading

from apscheduler.events import EVENT_JOB_MAX_INSTANCES

from core.jobs import PeriodicJob
from core.scheduler import Scheduler

DEADLINE = 10  # seconds; every wait below ends long before when the scheduler works


def test_a_job_outliving_its_interval_skips_its_ticks_without_a_log_line(db, caplog):
    release, second_run = threading.Event(), threading.Event()
    running, most_at_once, runs = [0], [0], []
    guard = threading.Lock()

    def slow() -> None:
        with guard:
            running[0] += 1
            most_at_once[0] = max(most_at_once[0], running[0])
            runs.append(1)
            if len(runs) == 2:
                second_run.set()
        release.wait(DEADLINE)
        with guard:
            running[0] -= 1

    skipped = threading.Semaphore(0)
    scheduler = Scheduler([PeriodicJob("slow", slow, 0.02)])
    # APScheduler tells its listeners of each skipped tick: the test knows the job overran.
    scheduler._scheduler.add_listener(lambda event: skipped.release(), EVENT_JOB_MAX_INSTANCES)
    caplog.set_level(logging.DEBUG, logger="apscheduler")
    scheduler.start()
    try:
        assert all(skipped.acquire(timeout=DEADLINE) for _ in range(3))
        release.set()
        assert second_run.wait(DEADLINE)
    finally:
        release.set()
        scheduler.shutdown()
    assert most_at_once[0] == 1
    assert [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()] == []
