"""Replay real recorded Google traffic against the emulator; every in-scope answer must match.

The cassettes are in the repository: tests/google_emulator/cassettes/gspread.tar.xz (gspread's
recordings, MIT; see the README there). Scope rule and normalisation: tests/google_emulator/conformance.py
and docs/google-emulator.md.
"""

from __future__ import annotations

from tests.google_emulator.conformance import run


def test_recorded_google_traffic_replays_identically():
    report = run()
    print(report.summary())
    assert report.cassettes == 124 and report.in_scope == 1874, report.summary()
    details = "\n".join(f"{m.cassette}[{m.index}] {m.request[:120]} -> {m.expected_status}/{m.actual_status} "
                        f"{m.detail}" for m in report.mismatches[:20])
    assert report.matching == report.in_scope, f"{report.summary()}\n{details}"
