"""Time standards: reminders at 100 %, escalation at 200 %, exactly once, in working time."""

from __future__ import annotations

import pytest

from tests.people import make_workspace, status


@pytest.fixture
def ws(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Pengingat")
    ws.once(at="2026-11-30T09:00")  # Monday; step 2 (10 minutes) waits from 09:00
    return ws


def subjects(ws):
    return [(str(m["To"]), m["Subject"].split(":")[0].strip()) for m in ws.staff_mails()]


def test_reminder_then_escalation_each_exactly_once(ws):
    ws.once(at="2026-11-30T09:09")
    assert subjects(ws) == [("Sari Tim Konten <sari@ikp.example>", "[sop-konten] Ada tugas baru untuk Anda")]
    ws.once(at="2026-11-30T09:10")
    ws.once(at="2026-11-30T09:15")
    assert subjects(ws)[1:] == [("Sari Tim Konten <sari@ikp.example>", "[sop-konten] Pengingat")]
    ws.once(at="2026-11-30T09:20")
    ws.once(at="2026-11-30T11:00")
    assert subjects(ws)[2:] == [("Budi Ketua Tim <budi@ikp.example>", "[sop-konten] Eskalasi")]
    escalation = ws.staff_mails()[2]
    assert "Pelaksana: Sari Tim Konten" in escalation.get_content()
    ws.once(at="2026-12-01T09:00")
    assert len(ws.staff_mails()) == 3


@pytest.mark.slow
def test_nothing_fires_again_after_a_restart(ws):
    ws.once(at="2026-11-30T09:25", process=True)
    assert len(ws.staff_mails()) == 3
    ws.once(at="2026-11-30T09:26", process=True)
    ws.once(at="2026-11-30T10:26", process=True)
    assert len(ws.staff_mails()) == 3


def test_nothing_fires_after_the_step_is_done(ws):
    ws.edit(ws.rows()[0]["ID"], {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:05")
    ws.once(at="2026-11-30T09:30")  # step 3 (90 minutes) is not late yet; step 2 is done
    assert [s for _, s in subjects(ws)] == ["[sop-konten] Ada tugas baru untuk Anda"] * 2


def test_the_standard_is_counted_in_working_time(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Jumat sore")
    ws.once(at="2026-11-27T16:25")  # Friday: 5 working minutes left
    ws.once(at="2026-11-28T12:00")  # Saturday: still within the standard
    ws.once(at="2026-11-30T07:34")
    assert len(ws.staff_mails()) == 1
    ws.once(at="2026-11-30T07:35")
    assert subjects(ws)[-1][1] == "[sop-konten] Pengingat"


def test_overdue_rows_are_marked_in_the_workbook(ws):
    import openpyxl

    def tenggat_fill():
        wb = openpyxl.load_workbook(ws.register)
        sheet = wb["Register"]
        headers = [c.value for c in sheet[1]]
        return sheet.cell(row=2, column=headers.index("Tenggat") + 1).fill.fgColor.rgb

    assert tenggat_fill() in ("00000000", None)
    ws.once(at="2026-11-30T09:10")
    assert tenggat_fill().endswith("F4CCCC")
    ws.edit(ws.rows()[0]["ID"], {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:11")
    assert tenggat_fill() in ("00000000", None)
