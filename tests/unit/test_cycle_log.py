"""Quiet daemon logs: an idle cycle at DEBUG, one heartbeat an hour at INFO, work and failures always told."""

from __future__ import annotations

import logging
from datetime import datetime

from automation.commands.cycle_log import CycleLog
from automation.domain.texts import log as log_text
from automation.service.engine import CycleSummary

POLL_SECONDS = 30


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def idle() -> CycleSummary:
    return CycleSummary(at=datetime(2026, 11, 30, 9, 0))


def run(cycles, caplog):
    clock = FakeClock()
    logger = logging.getLogger("test_cycle_log")
    cycle_log = CycleLog(logger, clock=clock)
    caplog.set_level(logging.DEBUG, logger="test_cycle_log")
    for summary in cycles:
        cycle_log.cycle(summary)
        clock.seconds += POLL_SECONDS
    return [(r.levelno, r.msg, r.getMessage()) for r in caplog.records if r.name == "test_cycle_log"]


def test_idle_cycles_log_at_debug_and_one_heartbeat_an_hour_at_info(caplog):
    day = 24 * 3600 // POLL_SECONDS  # 2,880 idle cycles
    records = run([idle() for _ in range(day)], caplog)
    info = [r for r in records if r[0] >= logging.INFO]
    debug = [r for r in records if r[0] == logging.DEBUG]
    # the first cycle says the daemon works; then one line an hour: 1 + 23 heartbeats in a day
    assert len(info) == 24
    assert info[0][1] == log_text.CYCLE and all(r[1] == log_text.HEARTBEAT for r in info[1:])
    assert len(debug) == day - 24
    assert info[1][2].startswith(f"daemon masih berjalan: {3600 // POLL_SECONDS} siklus tanpa perubahan")


def test_a_cycle_that_did_something_is_told_at_info_and_a_failure_at_error(caplog):
    busy = idle()
    busy.transitions = 1
    busy.effects["notify"] = 1
    broken = idle()
    broken.error = "register tidak dapat dibaca"
    problem = idle()
    problem.problems = ["Budi tidak punya Email di tab Petugas."]
    records = run([idle(), idle(), busy, idle(), broken, problem, problem, idle()], caplog)
    levels = [level for level, _, _ in records]
    assert levels == [logging.INFO, logging.DEBUG, logging.INFO, logging.DEBUG, logging.ERROR,
                      logging.INFO, logging.DEBUG, logging.INFO]


def test_every_cycle_line_comes_from_the_catalogue(caplog):
    busy = idle()
    busy.new_items = 1
    records = run([idle(), busy, idle()], caplog)
    assert {msg for _, msg, _ in records} <= {log_text.CYCLE, log_text.HEARTBEAT}
    assert records[1][2] == "siklus: " + busy.line()
