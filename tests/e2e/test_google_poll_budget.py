"""What an active poll costs with everything on Google (register on Sheets, assets on Drive, mails through
Gmail): at most 3 + ceil(folder operations / 100) + messages requests, the OAuth token not counted
(issue 14), and one request more only when the poll must look at Drive before it may act."""

from __future__ import annotations

import math
import os
from collections import Counter

import pytest

from automation.bootstrap import build_app
from automation.config import load_config
from tests.google_office import make_office

pytestmark = pytest.mark.slow  # a whole emulated Google office, polled by a long-running daemon


def budget(folder_operations: int, messages: int) -> int:
    return 3 + math.ceil(folder_operations / 100) + messages


@pytest.fixture
def office(google_emulator, service_account_key, tmp_path):
    office = make_office(google_emulator, service_account_key, tmp_path / "kantor", drive=True, gmail=True)
    text = office.config.read_text(encoding="utf-8").replace("intake_seconds = 0", "intake_seconds = 300")
    office.config.write_text(text, encoding="utf-8")  # the shipped default: the intake is not listed every poll
    return office


def daemon(office, at="2026-11-30T09:00"):
    os.environ["SOP_KONTEN_FIXED_TIME"] = at
    try:
        return build_app(load_config(office.config))
    finally:
        os.environ.pop("SOP_KONTEN_FIXED_TIME", None)


def poll(app, emulator) -> tuple[Counter, int]:
    """One cycle: its requests by API ("sheets", "drive", "gmail"; batch parts not counted) and the mails sent."""
    emulator.clear_log()
    sent = len(emulator.sent_messages)
    app.engine.run_once()
    by_api = Counter(kind.split(".", 1)[0] for kind, n in emulator.request_counts().items()
                     for _ in range(n) if kind != "oauth.token")
    return by_api, len(emulator.sent_messages) - sent


def item_folders(emulator, office) -> dict[str, int]:
    """Item id -> how many folders carry it, over all stage folders."""
    found: Counter = Counter()
    for stage in emulator.files_in(office.root_folder):
        for folder in emulator.files_in(stage.id):
            found[folder.name.split(" ", 1)[0]] += 1
    return dict(found)


@pytest.mark.parametrize("n", [10])  # 100 takes a minute and a half; the adapter tests cover 100
def test_an_active_poll_stays_within_its_request_budget(office, google_emulator, n):
    app = daemon(office)
    app.engine.run_once()  # the stage folders, the token, the spreadsheet's metadata
    for number in range(n):
        office.propose(f"Liputan {number}")

    # new items: IDs given in this poll, so no folder can carry them yet; their folders are made at once
    requests, messages = poll(app, google_emulator)
    ids = [row["ID"] for row in office.rows()]
    assert len(ids) == n and all(count == 1 for count in item_folders(google_emulator, office).values())
    assert requests["sheets"] == 3 and requests["gmail"] == messages > 0
    assert requests["drive"] == math.ceil(n / 100)
    assert sum(requests.values()) <= budget(n, messages)

    # the common poll: people decide, the folders move, the next people are told
    for item in ids:
        office.decide(item, 2, "Diterima")
    requests, messages = poll(app, google_emulator)
    assert all(office.row(item)["Tahap"].startswith("3.") for item in ids)
    assert requests["drive"] == math.ceil(n / 100)  # the moves, and the listings the mails need with them
    assert sum(requests.values()) <= budget(n, messages)

    for step, value in [(3, "Selesai"), (4, "Selesai"), (5, "Sesuai")]:
        for item in ids:
            office.decide(item, step, value)
        requests, messages = poll(app, google_emulator)
        assert sum(requests.values()) <= budget(n, messages), (step, requests)

    # approvals bind the files as they are: listed before deciding, then the moves
    for item in ids:
        office.decide(item, 6, "Disetujui")
    requests, messages = poll(app, google_emulator)
    assert all(office.row(item)["Tahap"].startswith("7.") for item in ids)
    assert requests["drive"] == 1 + math.ceil(n / 100)
    assert sum(requests.values()) <= budget(n, messages) + 1

    requests, _ = poll(app, google_emulator)
    assert dict(requests) == {"sheets": 1}  # idle again
