"""The local register as the office meets it: laid out like the Google one, and a reminder when left open."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from tests.people import make_workspace, status

LOCK = ".~lock.register.xlsx#"


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


@pytest.fixture
def item(ws):
    ws.propose("Festival Kuliner", Jenis="Video", Platform="Instagram")
    ws.once(at="2026-11-30T08:00")
    return ws.rows()[0]["ID"]


def reminders(ws) -> list:
    return [m for m in ws.mails() if "Mohon tutup register.xlsx" in m["Subject"]]


def open_in_libreoffice(ws, name: str) -> None:
    (ws.root / LOCK).write_text(f"{name},{name.split()[0].lower()},PC-HUMAS,30.11.2026 09:00,file:///x;",
                                encoding="utf-8")


def test_the_daemons_first_workbook_has_strict_dropdowns_yet_a_typed_wrong_value_is_still_undone(ws, item):
    sheet = openpyxl.load_workbook(ws.register)["Register"]
    headers = [c.value for c in sheet[1]]
    column = openpyxl.utils.get_column_letter(headers.index(status(2)) + 1)
    strict = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{column}2:")]
    assert strict and strict[0].showErrorMessage and "Diterima" in strict[0].formula1
    ws.edit(item, {status(2): "Oke"})  # written past the dropdown (a paste, another program)
    ws.once(at="2026-11-30T09:00")
    row = ws.row(item)
    assert row[status(2)] == "Menunggu" and "'Oke' bukan status yang sah" in row["Catatan Sistem"]
    tenggat = openpyxl.load_workbook(ws.register)["Register"].cell(2, headers.index("Tenggat") + 1)
    assert isinstance(tenggat.value, datetime)  # a real date-time: filters and sorting work


def test_an_undo_note_is_removed_once_the_step_moves_on(ws, item):
    ws.edit(item, {status(2): "Oke"})
    ws.once(at="2026-11-30T09:00")
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:05")
    sheet = openpyxl.load_workbook(ws.register)["Register"]
    headers = [c.value for c in sheet[1]]
    assert ws.row(item)[status(3)] == "Menunggu"
    assert sheet.cell(2, headers.index(status(2)) + 1).comment is None


def test_the_schedule_in_indonesian_spelling_is_accepted(ws, item):
    ws.edit(item, {"Jadwal Tayang": "22 Desember 2026 07.00"})
    ws.once(at="2026-11-30T09:00")
    assert "tidak terbaca" not in ws.row(item)["Catatan Sistem"]
    ws.edit(item, {"Jadwal Tayang": "22/12/2026 07.00"})
    ws.once(at="2026-11-30T09:05")
    assert "tidak terbaca" not in ws.row(item)["Catatan Sistem"]


def test_setup_on_the_local_backend_lays_out_an_old_register_once(ws, item):
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    sheet.data_validations.dataValidation = []
    sheet.freeze_panes = "A2"
    wb.save(ws.register)
    assert "Register belum ditata lengkap" in ws.main("check")
    first = ws.main("setup")
    assert "pilihan (dropdown)" in first and "dibekukan" in first
    assert "tidak ada yang diubah" in ws.main("setup")
    assert "belum ditata" not in ws.main("check")
    assert ws.row(item)["Judul"] == "Festival Kuliner"


def test_a_register_left_open_brings_one_reminder_to_the_person_named_in_the_lock(ws, item):
    open_in_libreoffice(ws, "Sari Tim Konten")
    ws.edit(item, {status(2): "Diterima"})  # saved before the editor opened it again: a write waits
    ws.once(at="2026-11-30T09:00")
    ws.once(at="2026-11-30T09:14")
    assert reminders(ws) == []  # not before the threshold (15 minutes)
    status_line = ws.once(at="2026-11-30T09:15")
    assert "dibuka oleh Sari Tim Konten" in status_line  # the cycle's status says why nothing is written
    sent = reminders(ws)
    assert len(sent) == 1 and "sari@ikp.example" in sent[0]["To"]
    body = sent[0].get_body(("plain",)).get_content()
    assert "Sari Tim Konten" in body and "15 menit" in body
    ws.once(at="2026-11-30T09:45")
    assert len(reminders(ws)) == 1  # one per opening
    assert "Sari Tim Konten" in ws.main("check", at="2026-11-30T09:46")
    (ws.root / LOCK).unlink()
    ws.once(at="2026-11-30T09:50")
    assert ws.row(item)[status(3)] == "Menunggu"  # the waiting write landed


def test_a_lock_naming_nobody_in_the_roster_reminds_the_operator(ws, item):
    text = ws.config.read_text(encoding="utf-8")
    ws.config.write_text(text.replace("[register]", '[register]\noperator_email = "operator@ikp.example"\n'
                                      'lock_reminder_minutes = 30', 1), encoding="utf-8")
    open_in_libreoffice(ws, "Tamu Lain")
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:00")
    ws.once(at="2026-11-30T09:20")
    assert reminders(ws) == []
    ws.once(at="2026-11-30T09:30")
    sent = reminders(ws)
    assert len(sent) == 1 and "operator@ikp.example" in sent[0]["To"]
