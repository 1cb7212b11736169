"""Open rows left undecided while nothing they depend on changed (engine._still_quiet), with a fake clock.

One app runs many cycles, as the daemon does (each `ws.once` would build a new app and remember nothing):
the rows are skipped on quiet cycles, and still every rule that depends on the clock fires at its minute.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from automation.adapters.clock import FIXED_TIME_ENV, FixedClock
from automation.bootstrap import build_app
from automation.config import load_config
from automation.domain.contract import DUE, NOTES
from automation.domain.texts import media as media_text
from automation.service.journal import Journal
from tests.people import actor, make_workspace, status

ZONE = ZoneInfo("Asia/Jakarta")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


class Daemon:
    """One long-running app whose clock the test moves."""

    def __init__(self, ws, start: str):
        os.environ[FIXED_TIME_ENV] = start
        try:
            self.app = build_app(load_config(ws.config))
        finally:
            os.environ.pop(FIXED_TIME_ENV, None)
        self.clock = FixedClock(at(start))
        self.app.engine.clock = self.clock

    def cycle(self, when: str):
        self.clock.at = at(when)
        summary = self.app.engine.run_once()
        assert not summary.error, summary.error
        return summary

    def skipped(self, item: str) -> bool:
        return item in self.app.engine._quiet

    def close(self):
        self.app.close()


@pytest.fixture
def ws(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Pengingat")
    return ws


@pytest.fixture
def daemon(ws):
    daemon = Daemon(ws, "2026-11-30T09:00")
    yield daemon
    daemon.close()


def subjects(ws):
    return [m["Subject"].split(":")[0].strip() for m in ws.staff_mails()]


def overdue_marked(ws) -> bool:
    sheet = openpyxl.load_workbook(ws.register)["Register"]
    headers = [c.value for c in sheet[1]]
    return str(sheet.cell(row=2, column=headers.index(DUE) + 1).fill.fgColor.rgb).endswith("F4CCCC")


def test_reminder_overdue_and_escalation_each_at_their_minute_while_the_row_is_skipped(ws, daemon):
    daemon.cycle("2026-11-30T09:00")  # Monday; step 2 (10 minutes) waits from 09:00
    item = ws.rows()[0]["ID"]
    seen = {}
    for minute in range(1, 26):
        daemon.cycle(f"2026-11-30T09:{minute:02d}")
        seen[minute] = (len(subjects(ws)), daemon.skipped(item))
    assert subjects(ws) == ["[sop-konten] Ada tugas baru untuk Anda", "[sop-konten] Pengingat",
                            "[sop-konten] Eskalasi"]
    # the reminder (100 %) at 09:10, the escalation (200 %) at 09:20: not a minute late
    assert [seen[m][0] for m in (9, 10, 19, 20)] == [1, 2, 2, 3]
    # and in between the row was not decided again
    assert all(seen[m][1] for m in (2, 5, 9, 12, 19, 22, 25))
    assert overdue_marked(ws)


def test_the_row_is_marked_overdue_at_its_deadline_after_quiet_cycles(ws, daemon):
    daemon.cycle("2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    for minute in range(1, 10):
        daemon.cycle(f"2026-11-30T09:{minute:02d}")
    assert daemon.skipped(item) and not overdue_marked(ws)
    daemon.cycle("2026-11-30T09:10")
    assert overdue_marked(ws)
    state = Journal(ws.root / "journal.sqlite3").states()[item]
    assert state.overdue


def test_the_deadline_counts_working_time_across_a_weekend(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Jumat sore")
    daemon = Daemon(ws, "2026-11-27T16:25")  # Friday: 5 working minutes left
    try:
        daemon.cycle("2026-11-27T16:25")
        item = ws.rows()[0]["ID"]
        for when in ("2026-11-27T16:40", "2026-11-28T12:00", "2026-11-30T07:00", "2026-11-30T07:34"):
            daemon.cycle(when)
        assert daemon.skipped(item) and len(ws.staff_mails()) == 1
        daemon.cycle("2026-11-30T07:35")
        assert subjects(ws)[-1] == "[sop-konten] Pengingat"
    finally:
        daemon.close()


def test_an_edit_made_between_quiet_cycles_is_decided(ws, daemon):
    daemon.cycle("2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    daemon.cycle("2026-11-30T09:02")
    daemon.cycle("2026-11-30T09:03")
    assert daemon.skipped(item)
    ws.edit(item, {status(2): "Diterima"})
    daemon.cycle("2026-11-30T09:04")
    assert ws.row(item)[status(2)] == "Diterima"
    assert subjects(ws) == ["[sop-konten] Ada tugas baru untuk Anda"] * 2


def test_a_link_put_into_the_item_folder_is_noted_on_the_next_cycle(ws, daemon, tmp_path):
    daemon.cycle("2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    daemon.cycle("2026-11-30T09:02")
    daemon.cycle("2026-11-30T09:03")
    assert daemon.skipped(item)
    folder = next(p for p in (ws.root / "drive").glob(f"*/{item}*") if p.is_dir())
    outside = tmp_path / "rahasia.txt"
    outside.write_text("di luar workspace", encoding="utf-8")
    (folder / "foto.jpg").symlink_to(outside)
    daemon.cycle("2026-11-30T09:04")
    assert media_text.unsafe_file("foto.jpg") in ws.row(item)[NOTES]
    (folder / "foto.jpg").unlink()
    daemon.cycle("2026-11-30T09:05")
    daemon.cycle("2026-11-30T09:06")
    assert media_text.unsafe_file("foto.jpg") not in ws.row(item)[NOTES]


def set_active(ws, role: str, active: str) -> None:
    """The roster as a person edits it: everyone in `role` made active or not."""
    wb = openpyxl.load_workbook(ws.register)
    roster = wb["Petugas"]
    headers = [c.value for c in roster[1]]
    for cells in roster.iter_rows(min_row=2):
        if cells[headers.index("Peran")].value == role:
            cells[headers.index("Aktif")].value = active
    wb.save(ws.register)


def test_a_person_joining_the_roster_is_seen_by_a_row_left_undecided(ws):
    set_active(ws, "Tim Konten", "Tidak")  # step 2 has nobody: the row waits, told so, and is quiet
    daemon = Daemon(ws, "2026-11-30T09:00")
    try:
        daemon.cycle("2026-11-30T09:00")
        item = ws.rows()[0]["ID"]
        daemon.cycle("2026-11-30T09:01")
        daemon.cycle("2026-11-30T09:02")
        assert daemon.skipped(item) and subjects(ws) == []
        set_active(ws, "Tim Konten", "Ya")
        daemon.cycle("2026-11-30T09:03")
        assert subjects(ws) == ["[sop-konten] Ada tugas baru untuk Anda"]
        assert ws.row(item)[actor(2)] == "Sari Tim Konten"
    finally:
        daemon.close()


def test_the_ledger_mark_moves_with_every_write_of_the_item_s_effects_only(tmp_path):
    from automation.domain.keys import EffectKind
    from automation.domain.results import NotifyResult
    from automation.domain.workflow import Effect

    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        key = "K-2026-0001/2/1/remind"
        marks = [journal.ledger_mark("K-2026-0001")]
        journal.record_intents([], [Effect(key, EffectKind.NOTIFY, "K-2026-0001", {})], "2026-11-30 09:10")
        marks.append(journal.ledger_mark("K-2026-0001"))
        journal.mark_failed(key, "SMTP tidak menjawab")
        marks.append(journal.ledger_mark("K-2026-0001"))
        journal.mark_done(key, NotifyResult(), "2026-11-30 09:11")
        marks.append(journal.ledger_mark("K-2026-0001"))
        assert len(set(marks)) == 4
        assert journal.ledger_mark("K-2026-0002") == 0
    finally:
        journal.close()


def test_an_ended_row_edited_after_idle_cycles_is_restored(ws, daemon):
    from automation.domain.contract import OFFICER_NOTE, TITLE
    from automation.domain.texts import register as register_text

    daemon.cycle("2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Ditolak", OFFICER_NOTE: "Sudah diliput bulan lalu."})
    daemon.cycle("2026-11-30T09:01")
    assert ws.row(item)["Tahap"] == "Ditolak"
    for minute in range(2, 6):  # idle: the ended row is compared once, then left as it was
        daemon.cycle(f"2026-11-30T09:{minute:02d}")
    ws.edit(item, {TITLE: "Judul diganti"})
    daemon.cycle("2026-11-30T09:06")
    assert ws.row(item)[TITLE] == "Pengingat"
    assert register_text.item_ended(False) in ws.row(item)[NOTES]
