"""Run inside the emulator's process (`EmulatorProcess.call("bench.emulator_side:...")`).

The office is built here, people edit here, and the register is compared before / after a poll
here, so that none of this work (nor the emulator's) lands in the process that measures the
daemon. State between calls lives in `_OFFICE`.
"""

from __future__ import annotations

import copy
import json
import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.content import CONTRACT, MORE_PEOPLE, actor_email, item_folder, make_rows, open_count, outcome_for

_OFFICE: dict[str, Any] = {}


def fast_transactions(emulator: Any) -> None:
    """Benchmark-only: run the emulator's write transactions without the rollback snapshot.

    Every write (an API call or a person's edit) normally deep-copies the whole spreadsheet first,
    so that a failing request leaves nothing behind; at 10,000 rows that copy costs seconds per
    request and would make the baseline's hundreds of `update_cell` calls take many minutes. No
    request fails in the benchmark (the statuses are checked and reported), so there is nothing
    to roll back. Only this child process is patched; no emulator file changes.
    """
    from tests.google_emulator import persons, sheets_api, sheets_batch

    def run(spreadsheet: Any, action: Any) -> Any:
        return action()

    for module in (persons, sheets_api, sheets_batch):
        module.transaction = run


def build_office(emulator: Any, root: str, size: int, now: str, quiet_transactions: bool = True,
                 item_folders: bool = True, drive_gmail: bool = False) -> dict:
    """A register of `size` realistic rows, a roster, the daemon's workspace under `root`. With
    `item_folders`, every item already has its folder in the local asset store (drive/<stage>/),
    as after years of use, and "Folder Aset" links to it. With `drive_gmail`, the assets are on Drive
    (items get their folders as they move) and messages go out through Gmail."""
    from tests.google_emulator.cells import enter
    from tests.google_emulator.fixtures import DAEMON_EMAIL
    from tests.google_office import OWNER, make_office

    started = time.perf_counter()
    if quiet_transactions:
        fast_transactions(emulator)
    base = Path(root)
    base.mkdir(parents=True, exist_ok=True)
    key = base / "service-account.json"
    key.write_text(json.dumps(emulator.service_account_key(DAEMON_EMAIL), indent=2), encoding="utf-8")
    office = make_office(emulator, key, base / "kantor", drive=drive_gmail, gmail=drive_gmail)
    # the register keeps its size: the archive's default (30 days) would move ~90 % of it out on the first poll
    office.config.write_text(office.config.read_text(encoding="utf-8").replace(
        "[register]\n", "[register]\narchive_after_days = 0\n", 1), encoding="utf-8")
    if drive_gmail:  # the shipped default: the intake is listed every 5 minutes, not on every poll
        office.config.write_text(office.config.read_text(encoding="utf-8").replace(
            "intake_seconds = 0", "intake_seconds = 300"), encoding="utf-8")
        item_folders = False
    owner = emulator.as_person(OWNER)
    for name, email, role, active in MORE_PEOPLE:
        emulator.share(office.spreadsheet, email, "writer")
        owner.append_row(office.spreadsheet, "Petugas", {"Nama": name, "Email": email, "Peran": role,
                                                         "Aktif": active})

    folder_root = office.root / "drive"
    rows = make_rows(size, datetime.fromisoformat(now), folder_root=folder_root if item_folders else None)
    if item_folders:
        for row in rows:
            item_folder(row, folder_root).mkdir(parents=True, exist_ok=True)
    sheet = emulator.spreadsheet(office.spreadsheet).sheet_by_title("Register")
    headers = [str(h) for h in emulator.values(office.spreadsheet, "Register!1:1")[0]]
    sheet.ensure_size(size + 50, len(headers))
    for r, row in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = row.get(header, "")
            if value:
                cell = sheet.cell(r, c)
                enter(cell, value, False)
                sheet.put(r, c, cell)
    office.main("setup", at=now)  # dropdowns, formats and protections over the grown grid, the roster
    _OFFICE.clear()
    _OFFICE.update(office=office, now=now, rnd=random.Random(size), size=size, open=open_count(size))
    return {"config": str(office.config), "spreadsheet": office.spreadsheet, "key": str(key),
            "open": open_count(size), "seconds": time.perf_counter() - started}


def make_twin(emulator: Any) -> str:
    """The baseline's copy of the register as it stands now (Register and Petugas, cells with their
    formats and dropdowns; an empty Log), shared with the same service account."""
    from tests.google_emulator.fixtures import DAEMON_EMAIL
    from tests.google_office import OWNER

    office = _OFFICE["office"]
    source = emulator.spreadsheet(office.spreadsheet)
    twin_id = emulator.create_spreadsheet("Register Konten IKP (baseline)", OWNER,
                                          sheets=["Register", "Petugas", "Log"],
                                          shared_with={DAEMON_EMAIL: "writer"})
    twin = emulator.spreadsheet(twin_id)
    with emulator.state.lock:
        for title in ("Register", "Petugas"):
            original, copy_ = source.sheet_by_title(title), twin.sheet_by_title(title)
            copy_.cells = [[cell.copy() if cell is not None else None for cell in row]
                           for row in original.cells]
            copy_.props["gridProperties"] = copy.deepcopy(original.props["gridProperties"])
        log = twin.sheet_by_title("Log")
        header = source.sheet_by_title("Log")
        log.cells = [[cell.copy() if cell is not None else None for cell in header.cells[0]]]
    _OFFICE["twin"] = twin_id
    return twin_id


def _register(emulator: Any, spreadsheet: str) -> list[list[str]]:
    return [[str(v) for v in row] for row in emulator.values(spreadsheet, "Register")]


def _current(emulator: Any) -> list[list[str]]:
    """The register's values now: the last read if nothing but the baseline's twin changed since."""
    if "current" not in _OFFICE:
        _OFFICE["current"] = _register(emulator, _OFFICE["office"].spreadsheet)
    return _OFFICE["current"]


def people_edit(emulator: Any, count: int, reserve: int = 100) -> dict:
    """`count` people each set a valid status on a different open item (the waiting step's actor,
    through the Sheets UI with its checks); the same edits land on the baseline's twin."""
    from tests.google_emulator.cells import enter

    office, rnd = _OFFICE["office"], _OFFICE["rnd"]
    values = [list(row) for row in _current(emulator)]
    headers = values[0]
    stage = headers.index("Tahap")
    waiting = []
    for r, row in enumerate(values[1:], start=2):
        row = row + [""] * (len(headers) - len(row))
        label = row[stage]
        if label[:1].isdigit() and label[0] in "23456":
            step = int(label[0])
            if row[headers.index(CONTRACT.status(step))] == "Menunggu":
                waiting.append((r, step))
    chosen = rnd.sample(waiting, min(count, len(waiting)))
    spare = len(waiting) - reserve
    twin = emulator.spreadsheet(_OFFICE["twin"]).sheet_by_title("Register") if "twin" in _OFFICE else None
    edits = []
    for r, step in sorted(chosen):
        value = outcome_for(step, rnd, spare)
        if value in ("Ditolak", "Disetujui"):
            spare -= 1
        column = CONTRACT.status(step)
        person = emulator.as_person(actor_email(step))
        if value in ("Revisi", "Ditolak"):  # these decisions wait for a reason in Catatan Petugas
            person.set_cell(office.spreadsheet, (r, "Catatan Petugas"), "Perlu diperbaiki.", sheet="Register")
        person.set_cell(office.spreadsheet, (r, column), value, sheet="Register")
        if twin is not None:
            with emulator.state.lock:
                cell = twin.cell(r - 1, headers.index(column))
                enter(cell, value, True)
                twin.put(r - 1, headers.index(column), cell)
        c = headers.index(column)
        values[r - 1] = values[r - 1] + [""] * (c + 1 - len(values[r - 1]))
        values[r - 1][c] = value
        edits.append((r, step, value))
    _OFFICE["current"] = values
    return {"edited": len(edits), "waiting": len(waiting), "edits": edits}


def snapshot(emulator: Any) -> None:
    """Remember the register and the Log's length right before the daemon's poll."""
    office = _OFFICE["office"]
    _OFFICE["before"] = _current(emulator)
    _OFFICE["log_before"] = len(emulator.values(office.spreadsheet, "Log!A:A"))
    _OFFICE.pop("current")  # the poll will change it


def diff(emulator: Any) -> dict:
    """What the poll wrote: the register cells it changed (ID, column, new value) and the Log
    lines it appended - the work the baseline then does its own way."""
    office = _OFFICE["office"]
    before, after = _OFFICE["before"], _current(emulator)
    headers = after[0]
    width = len(headers)
    cells = []
    for r in range(1, max(len(before), len(after))):
        old = (before[r] if r < len(before) else []) + [""] * width
        new = (after[r] if r < len(after) else []) + [""] * width
        if old[:width] == new[:width]:
            continue
        item = new[0] or old[0]
        for c in range(width):
            if old[c] != new[c]:
                cells.append((item, headers[c], new[c]))
    start = _OFFICE["log_before"] + 1
    log = emulator.values(office.spreadsheet, f"Log!A{start}:H") if start <= _log_rows(emulator) else []
    lines = [[str(v) for v in row] for row in log]
    return {"cells": cells, "log_rows": lines}


def _log_rows(emulator: Any) -> int:
    sheet = emulator.spreadsheet(_OFFICE["office"].spreadsheet).sheet_by_title("Log")
    return sheet.rows


def twin_id(emulator: Any) -> str:
    return _OFFICE["twin"]


def forget(emulator: Any) -> None:
    """Drop the office (all spreadsheets, files, keys): the next size starts from an empty emulator."""
    _OFFICE.clear()
    emulator.reset()
