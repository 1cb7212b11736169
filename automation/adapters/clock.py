"""Clocks: the real one, and a fixed one for tests and replays."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

FIXED_TIME_ENV = "SOP_KONTEN_FIXED_TIME"  # ISO time; makes every run see that time (tests, replays)


class SystemClock:
    def __init__(self, zone: str = "Asia/Jakarta"):
        self.zone = ZoneInfo(zone)

    def now(self) -> datetime:
        return datetime.now(self.zone)


class FixedClock:
    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def clock_from_environment(zone: str) -> SystemClock | FixedClock:
    fixed = os.environ.get(FIXED_TIME_ENV, "").strip()
    if not fixed:
        return SystemClock(zone)
    at = datetime.fromisoformat(fixed)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(zone))
    return FixedClock(at.astimezone(ZoneInfo(zone)))
