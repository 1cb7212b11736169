"""A crash between the register write and the journal commit, and rows that are copied or lose their ID.

The crash is injected in this process at the engine's seams (`after_write`, `before_effect`): the
cycle stops there like a killed daemon (nothing after the seam runs, the journal is left as it is),
and the next cycle is an ordinary `once` against the same workbook and journal.
"""

from __future__ import annotations

import os
import time

import openpyxl
import pytest

from automation.bootstrap import build_app
from automation.config import load_config
from tests.people import actor, make_workspace, status


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the cycle catches it."""


def _kill() -> None:
    raise Killed


def crash_cycle(ws, at: str, *, after_write: bool = True, before_effect: int | None = None) -> None:
    """One cycle that dies after the register write (or before effect N), before the journal commit."""
    previous = os.environ.get("SOP_KONTEN_FIXED_TIME")
    os.environ["SOP_KONTEN_FIXED_TIME"] = at
    app = build_app(load_config(ws.config))
    try:
        if after_write:
            app.engine.after_write = _kill
        if before_effect is not None:
            def die(count, effect):
                if count == before_effect:
                    raise Killed
            app.engine.before_effect = die
        with pytest.raises(Killed):
            app.engine.run_once()
    finally:
        app.close()
        if previous is None:
            os.environ.pop("SOP_KONTEN_FIXED_TIME", None)
        else:
            os.environ["SOP_KONTEN_FIXED_TIME"] = previous


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def subjects(ws, item):
    """The office's mails about the item (the contributor's receipt aside)."""
    return [m["Subject"] for m in ws.staff_mails() if item in m["Subject"]]


def undo_lines(ws):
    return [r for r in ws.log() if r["Keterangan"].startswith("Dibatalkan")]


def log_numbers_contiguous(ws):
    numbers = [int(r["No"]) for r in ws.log()]
    return numbers == list(range(1, len(numbers) + 1))


def at_review(ws):
    ws.propose("Festival Kuliner", Jenis="Video", Platform="Instagram", Caption="Ayo")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    for minute, (number, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai")], start=1):
        ws.edit(item, {status(number): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    assert ws.row(item)["Tahap"].startswith("5. Koreksi")
    return item


@pytest.mark.slow  # five cycles to reach the review step
def test_a_revision_written_but_not_committed_stays_a_revision(ws):
    item = at_review(ws)
    ws.edit(item, {status(5): "Revisi", "Catatan Petugas": "Tanggal salah."})
    crash_cycle(ws, "2026-11-30T10:00")
    written = ws.row(item)
    assert written["Tahap"].startswith("4. Desain")  # the write landed; the journal does not know it yet
    mails_before = len(ws.mails())
    undo_before = len(undo_lines(ws))

    ws.once(at="2026-11-30T10:01")
    ws.once(at="2026-11-30T10:02")
    row = ws.row(item)
    assert row["Tahap"].startswith("4. Desain") and row[status(4)] == "Menunggu"
    assert row[status(5)] == "" and row["Catatan Sistem"] == ""
    assert ws.folder_stage(item) == "04 Desain"
    assert len(ws.mails()) == mails_before  # the designer is not told twice
    assert len(undo_lines(ws)) == undo_before == 0  # no "diisi oleh sistem" for its own write
    assert [r["Menjadi"] for r in ws.log() if r["Langkah"] == "5. Koreksi"] == ["Revisi"]
    assert log_numbers_contiguous(ws)


def test_a_revision_whose_write_did_not_land_is_decided_again_with_the_same_keys(ws):
    item = at_review(ws)
    ws.edit(item, {status(5): "Revisi", "Catatan Petugas": "Tanggal salah."})
    crash_cycle(ws, "2026-11-30T10:00", after_write=False, before_effect=1)  # dies among the effects
    assert ws.row(item)["Tahap"].startswith("5. Koreksi")
    ws.once(at="2026-11-30T10:01")
    row = ws.row(item)
    assert row["Tahap"].startswith("4. Desain") and row[status(4)] == "Menunggu"
    assert [s for s in subjects(ws, item) if "revisi" in s.lower()] != []
    assert len([s for s in subjects(ws, item) if "revisi" in s.lower()]) == 1
    assert undo_lines(ws) == [] and log_numbers_contiguous(ws)


def drop_upload(ws, name: str) -> None:
    upload = ws.root / "drive" / "00 Masuk" / name
    upload.mkdir()
    (upload / "foto1.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    past = time.time() - 60
    os.utime(upload / "foto1.jpg", (past, past))


def test_an_uploaded_row_written_but_not_committed_is_appended_once(ws):
    drop_upload(ws, "Lomba Foto Malioboro")
    crash_cycle(ws, "2026-11-30T10:00")
    assert [r["ID"] for r in ws.rows()] == ["K-2026-0001"]
    ws.once(at="2026-11-30T10:01")
    ws.once(at="2026-11-30T10:02")
    rows = ws.rows()
    assert [r["ID"] for r in rows] == ["K-2026-0001"]
    assert rows[0][status(2)] == "Menunggu"
    assert len(subjects(ws, "K-2026-0001")) == 1  # one task mail
    assert undo_lines(ws) == [] and log_numbers_contiguous(ws)
    lines = len(ws.log())
    ws.once(at="2026-11-30T10:03")
    assert len(ws.log()) == lines  # the Log does not grow by itself


@pytest.mark.parametrize("crash", ["after_write", "before_second_effect", "before_fourth_effect"])
def test_a_typed_row_and_an_upload_in_one_crashed_cycle_keep_their_ids(ws, crash):
    ws.propose("Ketik Manual")
    drop_upload(ws, "Unggahan Folder")
    if crash == "after_write":
        crash_cycle(ws, "2026-11-30T10:00")
    else:
        crash_cycle(ws, "2026-11-30T10:00", after_write=False,
                    before_effect=1 if crash == "before_second_effect" else 3)
    ws.once(at="2026-11-30T10:01")
    ws.once(at="2026-11-30T10:02")
    ids = {r["Judul"]: r["ID"] for r in ws.rows()}
    assert ids == {"Ketik Manual": "K-2026-0001", "Unggahan Folder": "K-2026-0002"}
    folders = sorted(p.name for p in (ws.root / "drive").glob("*/K-*"))
    assert folders == ["K-2026-0001 Ketik Manual", "K-2026-0002 Unggahan Folder"]  # no orphan folder
    tasks = [m for m in ws.mails() if "K-2026-0003" in m["Subject"]]
    assert tasks == [] and len(subjects(ws, "K-2026-0001")) == 1 and len(subjects(ws, "K-2026-0002")) == 1
    assert undo_lines(ws) == [] and log_numbers_contiguous(ws)


def test_a_copied_row_is_flagged_once_and_the_original_keeps_moving(ws):
    ws.propose("Asli", Jenis="Video")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    original = ws.row(item)
    ws.edit(None, {**{k: v for k, v in original.items() if v}, "Judul": "Asli"})  # a person copies the row
    ws.once(at="2026-11-30T08:01")
    rows = ws.rows()
    assert [r["ID"] for r in rows] == [item, item]
    assert "sudah dipakai baris lain" in rows[1]["Catatan Sistem"]
    assert "sudah dipakai" not in rows[0]["Catatan Sistem"]

    ws.edit(item, {status(2): "Diterima"})  # the first row holding the ID: the original
    ws.once(at="2026-11-30T08:02")
    ws.once(at="2026-11-30T08:03")
    rows = ws.rows()
    assert rows[0][status(2)] == "Diterima" and rows[0]["Tahap"].startswith("3. Konsep")
    assert rows[1]["Tahap"].startswith("2. Pertimbangan")  # the copy is left alone
    assert rows[1]["Catatan Sistem"].count("sudah dipakai baris lain") == 1
    assert ws.folder_stage(item) == "03 Konsep"
    assert undo_lines(ws) == []
    lines = len(ws.log())
    ws.once(at="2026-11-30T08:04")
    assert len(ws.log()) == lines


def test_a_flagged_copy_sorted_above_the_original_stays_a_copy(ws):
    ws.propose("Asli", Jenis="Video")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(None, {k: v for k, v in ws.row(item).items() if v})
    ws.once(at="2026-11-30T08:01")
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    first, second = ([c.value for c in sheet[n]] for n in (2, 3))
    for column, (a, b) in enumerate(zip(first, second, strict=True), start=1):  # a person sorts: the copy comes first
        sheet.cell(2, column).value, sheet.cell(3, column).value = b, a
    sheet.cell(3, headers.index(status(2)) + 1).value = "Diterima"  # the original, now the second row
    wb.save(ws.register)
    ws.once(at="2026-11-30T08:02")
    rows = ws.rows()
    assert "sudah dipakai baris lain" in rows[0]["Catatan Sistem"] and rows[0]["Tahap"].startswith("2. Pertimbangan")
    assert rows[1]["Tahap"].startswith("3. Konsep") and ws.folder_stage(item) == "03 Konsep"


@pytest.mark.parametrize("typed", ["", "K-2026-0099"])
def test_a_cleared_or_changed_id_is_given_back_with_a_note(ws, typed):
    ws.propose("Hilang ID", Jenis="Video")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("ID") + 1).value = typed or None
    wb.save(ws.register)
    ws.once(at="2026-11-30T08:01")
    rows = ws.rows()
    assert [r["ID"] for r in rows] == [item]
    assert "tidak boleh dihapus atau diubah" in rows[0]["Catatan Sistem"]
    assert [r["Langkah"] for r in undo_lines(ws)] == ["ID"]
    assert len(subjects(ws, "K-2026-0002")) == 0 and len(subjects(ws, "K-2026-0099")) == 0
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T08:02")
    assert ws.row(item)["Tahap"].startswith("3. Konsep")


def test_an_undo_that_cannot_be_written_is_logged_once(ws):
    ws.propose("Sel Gabung", Jenis="Video")
    ws.once(at="2026-11-30T08:00")
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Tenggat") + 1
    sheet.merge_cells(start_row=2, start_column=column - 1, end_row=2, end_column=column)  # Tahap:Tenggat
    wb.save(ws.register)
    for minute in range(1, 5):
        ws.once(at=f"2026-11-30T08:{minute:02d}")
    lines = undo_lines(ws)
    assert [r["Langkah"] for r in lines] == ["Tenggat"]  # told once, not every cycle
    assert log_numbers_contiguous(ws)
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima"})  # the item keeps working
    ws.once(at="2026-11-30T08:10")
    assert ws.row(item)[status(3)] == "Menunggu"


def test_the_same_wrong_value_is_undone_and_logged_again_only_when_typed_again(ws):
    ws.propose("Ulang", Jenis="Video")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    for minute in (1, 3):
        ws.edit(item, {status(4): "Selesai"})
        ws.once(at=f"2026-11-30T08:{minute:02d}")
        assert ws.row(item)[status(4)] == ""
        ws.once(at=f"2026-11-30T08:{minute + 1:02d}")
    assert [r["Langkah"] for r in undo_lines(ws)] == [status(4), status(4)]


def test_log_numbers_stay_contiguous_when_a_cycle_is_retried(ws):
    ws.propose("Nomor", Jenis="Video", Platform="Instagram")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima", actor(2): "Sari Tim Konten"})
    crash_cycle(ws, "2026-11-30T09:00", after_write=False, before_effect=0)
    crash_cycle(ws, "2026-11-30T09:00", after_write=False, before_effect=1)
    ws.once(at="2026-11-30T09:00")
    ws.edit(item, {status(3): "Selesai"})
    crash_cycle(ws, "2026-11-30T09:05")
    ws.once(at="2026-11-30T09:06")
    assert log_numbers_contiguous(ws)
    assert [r["Menjadi"] for r in ws.log() if r["Langkah"].startswith(("2.", "3."))] == ["Diterima", "Selesai"]
    assert undo_lines(ws) == []


@pytest.mark.slow  # sets up an emulated Google office
def test_on_google_sheets_a_write_not_committed_is_recognised_as_the_daemons_own(
        google_emulator, service_account_key, tmp_path):
    from tests.google_office import make_office

    office = make_office(google_emulator, service_account_key, tmp_path / "kantor")
    office.propose("Jadwal Vaksinasi", Platform="Instagram", Caption="Ayo vaksin")
    office.once(at="2026-11-30T09:00")
    item = office.rows()[0]["ID"]
    office.decide(item, 2, "Diterima")
    crash_cycle(office, "2026-11-30T09:01")
    assert office.row(item)["Tahap"].startswith("3. Konsep")  # landed; not committed
    office.propose("Unggahan Kedua")
    office.once(at="2026-11-30T09:02")
    office.once(at="2026-11-30T09:03")
    row = office.row(item)
    assert row["Tahap"].startswith("3. Konsep") and row[status(3)] == "Menunggu" and row["Catatan Sistem"] == ""
    log = office.log()
    assert [r for r in log if r[7].startswith("Dibatalkan")] == []
    assert [int(r[0]) for r in log] == list(range(1, len(log) + 1))
    assert [r["ID"] for r in office.rows()] == [item, "K-2026-0002"]
    tasks = [p for p in (office.root / "outbox").glob("*.eml") if "3. Konsep" in p.read_text(encoding="utf-8")]
    assert len(tasks) == 1


@pytest.mark.slow  # two dozen daemon processes
def test_a_daemon_killed_after_every_register_write_ends_like_an_undisturbed_one(tmp_path):
    from tests.e2e.test_daemon_operations import full_run_effects, run_moves

    moves = [None, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Revisi"), (4, "Selesai"),
             (5, "Sesuai"), (6, "Disetujui")]

    def whole_sop(ws, env):
        return run_moves(ws, moves, env)

    reference = make_workspace(tmp_path / "reference")
    whole_sop(reference, {})
    crashed = make_workspace(tmp_path / "crashed")
    assert whole_sop(crashed, {"SOP_KONTEN_CRASH_AFTER_WRITE": "1"}) == 8
    assert full_run_effects(crashed) == full_run_effects(reference)
    assert undo_lines(crashed) == [] and log_numbers_contiguous(crashed)
    assert [r["Menjadi"] for r in crashed.log()] == [r["Menjadi"] for r in reference.log()]


def test_the_local_backends_count_no_google_request(ws):
    app = build_app(load_config(ws.config))
    try:
        app.engine.run_once()
        assert app.backends.request_counts() == {}
    finally:
        app.close()
