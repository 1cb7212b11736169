"""A crash at any side-effect boundary of a cycle is repaired by the next cycles: the end state equals the
undisturbed run's (bench/crash_matrix.py has the scenario, the comparison and the cosmetic rules)."""

from __future__ import annotations

import os

import pytest

from automation import faults
from bench import crash_matrix
from tests.people import make_workspace, status, waktu

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the matrix forks a child per crash")

def _defects(report: dict) -> list[str]:
    return [f"cycle {r['cycle']} point {r['point']} ({r['boundary']}): {r['differences'][:2]}"
            for r in report["results"] if r["verdict"] == "defect"]


def test_every_boundary_of_a_cycle_is_counted_and_a_crash_stops_the_process_there(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Jadwal Vaksinasi Kota")
    seen: list[str] = []
    with faults.hooked(lambda count, name: seen.append(name)):
        ws.main("once")
    assert {"journal.insert", "journal.commit", "outbox.write", "notify.send", "register.write",
            "workbook.replace", "folders.create", "journal.commit_states"} <= set(seen)
    mails = len(ws.mails())

    ws.edit("K-2026-0001", {status(2): "Diterima"})
    crash_first = crash_matrix._with_env(faults.CRASH_AT_ENV, "1",
                                         lambda: crash_matrix.run_cycle(ws, "2026-11-30T09:05"))
    assert crash_matrix.in_child(crash_first) == faults.CRASH_EXIT_CODE
    assert ws.row("K-2026-0001")[waktu(2)] == ""  # stopped before anything was written
    assert len(ws.mails()) == mails

    crash_matrix.run_cycle(ws, "2026-11-30T09:05")
    assert ws.row("K-2026-0001")[waktu(2)] == "2026-11-30 09:05"
    assert len(ws.mails()) == mails + 2  # the contributor hears "diterima", the team gets step 3


# Every point (about 400, minutes) runs in `python bench/crash_matrix.py`, not in the suite; this sample is
# spread evenly over all cycles, so it crosses the register write and journal commit window, new rows'
# IDs, the workbook swap and messages (checked below, so the spread cannot drift).
SAMPLE = 16  # re-pick when the points change (bench/crash_matrix.py spread): the check below says so


@pytest.mark.slow
def test_a_sample_of_crash_points_spread_over_the_scenario_ends_as_the_undisturbed_run(tmp_path):
    report = crash_matrix.run_matrix(tmp_path, sample=SAMPLE)
    assert report["tried"] == SAMPLE
    assert {r["cycle"] for r in report["results"]} >= set(range(1, 9))
    assert {r["boundary"].split(".")[0] for r in report["results"]} >= {"journal", "workbook", "outbox"}
    assert _defects(report) == []


FILE_AND_MESSAGE_BOUNDARIES = ("workbook.", "folders.", "outbox.", "feed.", "notify.", "publish")


@pytest.mark.slow
def test_crashes_at_file_message_and_post_boundaries_after_the_first_cycle_end_as_the_undisturbed_run(tmp_path):
    """Kills at the moves, messages and posts themselves (not in the commit window): no defect today."""
    everything = crash_matrix.run_matrix(tmp_path / "count", points=[])
    points = [(cycle, k) for cycle, names in enumerate(everything["trace"]) if cycle > 0
              for k, name in enumerate(names, start=1) if name.startswith(FILE_AND_MESSAGE_BOUNDARIES)]
    points = crash_matrix.spread(points, 16)
    report = crash_matrix.run_matrix(tmp_path / "run", points=points)
    assert report["tried"] == len(points) == 16
    assert _defects(report) == []
