"""Replay real recorded Google traffic against the emulator; every in-scope answer must match.

The cassettes live in the shared folder next to the repository (``../shared``), or where
``SOP_KONTEN_SHARED`` points. Scope rule and normalisation: tests/google_emulator/conformance.py
and docs/google-emulator.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.google_emulator.conformance import run


def _cassettes() -> Path:
    shared = os.environ.get("SOP_KONTEN_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return base / "google-cassettes" / "gspread"


def test_recorded_google_traffic_replays_identically():
    directory = _cassettes()
    assert directory.is_dir(), (
        f"Recorded Google cassettes not found at {directory}: the shared/ folder must sit next to the "
        "repository (../shared/google-cassettes/gspread) or SOP_KONTEN_SHARED must point at it.")
    report = run(directory)
    print(report.summary())
    assert report.cassettes >= 120 and report.in_scope >= 1800, report.summary()
    details = "\n".join(f"{m.cassette}[{m.index}] {m.request[:120]} -> {m.expected_status}/{m.actual_status} "
                        f"{m.detail}" for m in report.mismatches[:20])
    assert report.matching == report.in_scope, f"{report.summary()}\n{details}"
