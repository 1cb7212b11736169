"""pytest fixtures for the Google emulator. Import them into a conftest:

    from tests.google_emulator.fixtures import google_emulator, service_account_key  # noqa: F401
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import GoogleEmulator

DAEMON_EMAIL = "sop-daemon@sop-konten-test.iam.gserviceaccount.com"


@pytest.fixture
def google_emulator() -> Iterator[GoogleEmulator]:
    """A fresh, started emulator per test (in-memory state, free port on 127.0.0.1)."""
    emulator = GoogleEmulator().start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def service_account_key(google_emulator: GoogleEmulator, tmp_path: Path) -> Path:
    """A key file for ``DAEMON_EMAIL`` whose token_uri is the emulator's."""
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(google_emulator.service_account_key(DAEMON_EMAIL), indent=2))
    return path
