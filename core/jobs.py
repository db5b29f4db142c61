"""Bodies of background jobs: plain functions that call services (wired up by core/scheduler.py)."""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from typing import Callable

from core import leases
from core.services import batches

log = logging.getLogger(__name__)

def worker_name() -> str:
    """This process, as batch results and heartbeats name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], None]
    every_seconds: float


def work_batches() -> None:
    """Work off queued ERP batches (every worker may; chunks are claimed, never shared)."""
    try:
        batches.run_pending(worker_name())
    except Exception:  # a job must not die: the next tick tries again
        log.exception("batch work failed")


def heartbeat() -> None:
    """Tell /health that a scheduler is running somewhere."""
    try:
        leases.beat(worker_name())
    except Exception:
        log.exception("heartbeat failed")


PERIODIC: list[PeriodicJob] = [
    PeriodicJob("batches", work_batches, 1.0),
    PeriodicJob("heartbeat", heartbeat, 15.0),
]
