"""How the daemon logs its cycles: quiet when nothing happens, one heartbeat an hour.

A cycle that changed nothing (no item, transition, undo, action, failure or deferred write, and the same
problems as the cycle before) is logged at DEBUG; at a poll every 30 seconds that is 2,880 lines a day
nobody reads. So that the operator still sees the daemon is alive, the first cycle and then one idle cycle
an hour are logged at INFO as a heartbeat. Everything else is logged at INFO, a failed cycle at ERROR.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from automation.domain.texts import log as log_text
from automation.service.engine import CycleSummary

HEARTBEAT_SECONDS = 3600


def is_idle(summary: CycleSummary, previous_problems: list[str] | None) -> bool:
    """Nothing happened: a line for this cycle would only repeat the one before."""
    return not (summary.error or summary.new_items or summary.transitions or summary.undone
                or sum(summary.effects.values()) or summary.failed or summary.deferred or summary.written
                or summary.problems != (previous_problems or []))


class CycleLog:
    """Logs each cycle's summary at the level it deserves. `clock` returns seconds (monotonic in the daemon)."""

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS):
        self.logger = logger
        self.clock = clock
        self.heartbeat_seconds = heartbeat_seconds
        self._last_info: float | None = None  # when a line last went out at INFO or above
        self._idle_since_info = 0
        self._problems: list[str] | None = None

    def cycle(self, summary: CycleSummary) -> None:
        now = self.clock()
        idle = self._problems is not None and is_idle(summary, self._problems)
        self._problems = list(summary.problems)
        if summary.error:
            self.logger.error(log_text.CYCLE, summary.line())
        elif not idle:
            self.logger.info(log_text.CYCLE, summary.line())
        elif self._last_info is not None and now - self._last_info < self.heartbeat_seconds:
            self._idle_since_info += 1
            self.logger.debug(log_text.CYCLE, summary.line())
            return
        else:
            self.logger.info(log_text.HEARTBEAT, self._idle_since_info + 1, summary.line())
        self._last_info = now
        self._idle_since_info = 0

    def failed(self, sentence: str) -> None:
        """A cycle stopped by an error met on the way: always told."""
        self._last_info = self.clock()
        self._idle_since_info = 0
        self.logger.error(log_text.CYCLE_FAILED, sentence)
