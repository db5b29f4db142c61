"""Bodies of background jobs: plain functions that call services (wired up by core/scheduler.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], None]
    every_seconds: float


# Batches, approval reminders and re-matching register here as their issues land.
PERIODIC: list[PeriodicJob] = []
