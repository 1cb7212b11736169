"""The daemon under the conditions of real use: odd sheets, open editors, uploads, reruns, crashes."""

from __future__ import annotations

import hashlib
import os
import re
import time

import openpyxl
import pytest
from PIL import Image

from tests.people import actor, make_workspace, status, waktu


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reordered_and_extra_columns_are_found_by_header(ws):
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    reordered = list(reversed(headers))
    reordered.insert(3, "Catatan Saya")
    for column, header in enumerate(reordered, start=1):
        sheet.cell(row=1, column=column).value = header
    wb.save(ws.register)
    ws.propose("Kolom diacak", **{"Catatan Saya": "punya saya"})
    ws.once()
    row = ws.rows()[0]
    assert row["ID"] == "K-2026-0001" and row[status(2)] == "Menunggu" and row["Catatan Saya"] == "punya saya"
    assert row[actor(2)] == "Sari Tim Konten"
    wb = openpyxl.load_workbook(ws.register)
    assert [c.value for c in wb["Register"][1]] == reordered


def test_a_users_own_column_is_left_alone(ws):
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    sheet.cell(row=1, column=sheet.max_column + 1).value = "Catatan Tim"
    wb.save(ws.register)
    ws.propose("Dengan kolom sendiri")
    ws.once()
    item = ws.rows()[0]["ID"]
    ws.edit(item, {"Catatan Tim": "=SUM(1,2)", status(2): "Diterima"})
    ws.once(at="2026-11-30T09:30")
    row = ws.row(item)
    assert row["Catatan Tim"] == "=SUM(1,2)" and row[status(3)] == "Menunggu"


def test_a_missing_column_is_one_clear_error_and_nothing_is_written(ws):
    ws.propose("Tidak boleh ditulis")
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=1, column=headers.index(status(6)) + 1).value = "Persetujuan Kabid"
    wb.save(ws.register)
    before = digest(ws.register)
    out = ws.once()
    assert ws.last_code == 1
    assert out == ("Gagal: Kolom '6. Persetujuan - Status' tidak ditemukan di tab Register; "
                   "tambahkan lagi judul kolom itu di baris 1.")
    assert digest(ws.register) == before
    assert not list((ws.root / "outbox").glob("*.eml"))
    check = ws.sop_konten("check", check=False)
    assert check.returncode == 1 and "'6. Persetujuan - Status'" in check.stdout


@pytest.mark.parametrize("lock_name", [".~lock.register.xlsx#", "~$register.xlsx"])
def test_a_workbook_open_in_an_editor_is_written_later_and_nothing_is_lost(ws, lock_name):
    ws.propose("Saat dibuka")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima"})
    lock = ws.root / lock_name
    lock.write_text("someone,pc,01.01.2026 09:00,file:///x;", encoding="utf-8")
    before = digest(ws.register)
    out = ws.once(at="2026-11-30T09:00")
    assert "register belum ditulis" in out and lock_name in out
    assert digest(ws.register) == before
    mails = len(ws.mails())
    ws.once(at="2026-11-30T09:01")  # still open: decided again, nothing sent twice
    assert len(ws.mails()) == mails and digest(ws.register) == before
    lock.unlink()
    ws.once(at="2026-11-30T09:02")
    row = ws.row(item)
    assert row[status(2)] == "Diterima" and row[waktu(2)] == "2026-11-30 09:00"
    assert row[status(3)] == "Menunggu"
    assert len(ws.mails()) == mails
    assert sum(1 for r in ws.log() if r["Menjadi"] == "Diterima") == 1


def test_a_folder_dropped_into_intake_becomes_a_row(ws):
    upload = ws.root / "drive" / "00 Masuk" / "Lomba Foto Malioboro"
    upload.mkdir()
    (upload / "foto1.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    (upload / "kontributor.txt").write_text("Humas Pemda <humas@jogjaprov.example>\nBiro Umum Pemda DIY\n",
                                            encoding="utf-8")
    past = time.time() - 60
    os.utime(upload / "foto1.jpg", (past, past))
    out = ws.once(at="2026-11-30T10:00")
    assert out.startswith("1 item baru")
    row = ws.rows()[0]
    assert row["ID"] == "K-2026-0001" and row["Judul"] == "Lomba Foto Malioboro"
    assert row[actor(1)] == "humas@jogjaprov.example" and row[status(1)] == "Diajukan"
    assert row["Sumber"] == "Pemda DIY" and row["Jenis"] == "Infografis"  # from the unit line and the photo
    assert any("Biro Umum Pemda DIY" in r["Keterangan"] for r in ws.log())
    assert row[status(2)] == "Menunggu" and row[actor(2)] == "Sari Tim Konten"
    assert not upload.exists()
    folder = next((ws.root / "drive" / "02 Pertimbangan").glob("K-2026-0001*"))
    assert (folder / "foto1.jpg").exists()
    ws.once(at="2026-11-30T10:01")
    assert len(ws.rows()) == 1


def test_a_file_dropped_into_intake_becomes_a_row(ws):
    upload = ws.root / "drive" / "00 Masuk" / "Infografis Pajak.png"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n")
    ws.once(at="2026-11-30T10:00")
    row = ws.rows()[0]
    assert row["Judul"] == "Infografis Pajak" and row[status(2)] == "Menunggu"
    folder = next((ws.root / "drive" / "02 Pertimbangan").glob(f"{row['ID']}*"))
    assert (folder / "Infografis Pajak.png").exists()


def test_running_once_twice_does_nothing_the_second_time(ws):
    ws.propose("Dua kali")
    ws.once(at="2026-11-30T08:00")
    snapshot = (digest(ws.register), sorted(p.name for p in (ws.root / "outbox").iterdir()),
                sorted(str(p) for p in (ws.root / "drive").rglob("*")))
    out = ws.once(at="2026-11-30T08:00")
    assert out == "0 item baru, 0 perpindahan langkah, 0 perubahan dibatalkan, 0 pesan, 0 folder dipindah, 0 publikasi."
    assert (digest(ws.register), sorted(p.name for p in (ws.root / "outbox").iterdir()),
            sorted(str(p) for p in (ws.root / "drive").rglob("*"))) == snapshot


def full_run_effects(ws):
    """The outcomes that must hold exactly once however often the daemon crashed."""
    item = ws.rows()[0]["ID"]
    return {
        "mails": sorted((str(m["To"]), m["Subject"]) for m in ws.mails()),
        "log": [(r["Langkah"], r["Dari"], r["Menjadi"]) for r in ws.log()],
        "stage": ws.folder_stage(item),
        "posts": sorted(p.name for p in (ws.root / "published").glob("*/*")),
        "row": {k: re.sub(r"file://\S*?/(reference|crashed)/", "ROOT/", v) for k, v in ws.row(item).items()},
    }


WHOLE_SOP = [None, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]


def drive_whole_sop(ws, crash_before=None):
    """Propose, accept, ..., approve; the daemon is killed before effect N in every cycle it runs."""
    env = {"SOP_KONTEN_CRASH_BEFORE_EFFECT": str(crash_before)} if crash_before is not None else {}
    return run_moves(ws, WHOLE_SOP, env)


def run_moves(ws, moves, env) -> int:
    """One item proposed, then one status set per minute, each followed by a `once` process; a process
    that crashed on purpose (exit 70) is restarted at the same minute. Returns how many crashed."""
    ws.propose("Tahan banting", Platform="Instagram, Facebook", Caption="Uji")
    crashes = 0
    for minute, move in enumerate(moves):
        if move:
            reason = {"Catatan Petugas": "Perbaiki."} if move[1] in ("Revisi", "Ditolak") else {}
            ws.edit(ws.rows()[0]["ID"], {status(move[0]): move[1], **reason})
        if minute == 1:  # a real poster: local mode prepares and checks the media as the platforms would
            folder = next(p for p in (ws.root / "drive").glob("*/K-2026-0001*") if p.is_dir())
            if not (folder / "poster.png").exists():
                Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
        at = f"2026-11-30T09:{minute:02d}"
        result = ws.sop_konten("once", at=at, env=env, check=False)
        if result.returncode == 70:
            crashes += 1
            ws.sop_konten("once", at=at)  # restarted after the crash
        else:
            assert result.returncode == 0, result.stderr
    return crashes


@pytest.mark.slow
@pytest.mark.parametrize("crash_before", [0, 1, 2, 3])
def test_a_crash_between_effects_is_repaired_without_doing_anything_twice(tmp_path, crash_before):
    reference = make_workspace(tmp_path / "reference")
    drive_whole_sop(reference)
    crashed = make_workspace(tmp_path / "crashed")
    crashes = drive_whole_sop(crashed, crash_before=crash_before)
    assert crashes >= 1
    expected, actual = full_run_effects(reference), full_run_effects(crashed)
    assert actual == expected
    # 5 tasks, the contributor's receipt, "diterima" and "terbit", the admin's result: once each
    assert len(expected["mails"]) == 9 and expected["posts"] == ["K-2026-0001", "K-2026-0001"]
