"""What every Dasbor page reads: one workspace, opened read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from automation.domain.sop import Sop
from automation.domain.working_time import WorkingCalendar
from automation.ports import Clock
from automation.service.journal import Journal


@dataclass(frozen=True)
class Workspace:
    journal: Journal  # opened read-only: the Dasbor never writes
    sop: Sop
    calendar: WorkingCalendar  # working time: Tenggat and time left
    clock: Clock
    poll_seconds: float
    publish_path: Path  # the published feed's root (adapters/local/feed.py)
    assets_path: Path | None  # the local stage folders; None when the assets are on Drive
    register_name: str  # how people know the register (file name or spreadsheet title)
