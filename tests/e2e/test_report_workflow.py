"""The report of a real run: items taken through the SOP by the daemon, then `sop-konten report`."""

from __future__ import annotations

import openpyxl
import pytest
from PIL import Image

from tests.people import actor, make_workspace, status

DAY = "2026-11-30"
MOVES = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]


def approve(ws, title: str, hour: int, **fields: str) -> str:
    ws.propose(title, Jenis="Infografis", Caption=f"{title} di Yogyakarta.", **fields)
    ws.once(at=f"{DAY}T{hour:02d}:00")
    item = next(r["ID"] for r in ws.rows() if r["Judul"] == title)
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1200, 1500), (200, 120, 40)).save(folder / "poster.png")
    for minute, (step, value) in enumerate(MOVES, start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"{DAY}T{hour:02d}:{minute:02d}")
    return item


def counts(xlsx) -> dict[int, int]:
    sheet = openpyxl.load_workbook(xlsx)["Ringkasan"]
    return {sheet.cell(row=n + 1, column=1).value: sheet.cell(row=n + 1, column=4).value for n in range(1, 8)}


def test_step_7_is_counted_whether_the_system_or_the_admin_published(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    # Instagram by hand: the admin posts and types Terbit; the local feed is published by the daemon.
    ws.config.write_text(ws.config.read_text(encoding="utf-8") + '\n[publish.instagram]\nmode = "manual"\n',
                         encoding="utf-8")
    automatic = approve(ws, "Festival Gudeg", 9, Platform="Facebook")
    assert ws.row(automatic)[status(7)] == "Terbit"
    by_hand = approve(ws, "Jogja Marathon", 10, Platform="Instagram")
    assert ws.row(by_hand)[status(7)] != "Terbit"
    ws.edit(by_hand, {status(7): "Terbit", actor(7): "Andi Admin Medsos",
                      "Tautan Publikasi": "https://www.instagram.com/p/abc/"})
    ws.once(at=f"{DAY}T10:30")
    assert ws.row(by_hand)[status(7)] == "Terbit"

    out = ws.main("report", at=f"{DAY}T16:00")  # no period given: 1 to 30 November
    xlsx = ws.root / "laporan" / "laporan-sop-2026-11.xlsx"
    assert ws.last_code == 0 and str(xlsx) in out and "Tidak ada data" not in out
    assert counts(xlsx) == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2}
    monitoring = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    assert monitoring.cell(row=15, column=2).value.startswith("Mengunggah")  # step 7, whatever its wording
    assert monitoring.cell(row=15, column=3).value != "Belum ada data"
    data = openpyxl.load_workbook(xlsx)["Data Aktivasi"]
    published = {(row[0], row[6], row[7]) for row in data.iter_rows(min_row=2, values_only=True) if row[1] == 7}
    # step 7 belongs to the Admin Medsos: published by the system on their behalf, or by their own hand
    assert published == {(automatic, "Terbit", "Andi Admin Medsos"), (by_hand, "Terbit", "Andi Admin Medsos")}


@pytest.mark.slow
def test_step_7_is_counted_on_the_google_register_too(google_emulator, service_account_key, tmp_path):
    from tests.google_office import make_office

    office = make_office(google_emulator, service_account_key, tmp_path / "kantor")
    office.propose("Festival Gudeg", Jenis="Infografis", Platform="Facebook", Caption="Festival Gudeg.")
    office.once(at=f"{DAY}T09:00")
    item = office.rows()[0]["ID"]
    folder = next((office.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1200, 1500), (200, 120, 40)).save(folder / "poster.png")
    for minute, (step, value) in enumerate(MOVES, start=1):
        office.decide(item, step, value)
        office.once(at=f"{DAY}T09:{minute:02d}")
    assert office.row(item)[status(7)] == "Terbit"
    out = office.main("report", at=f"{DAY}T16:00")
    xlsx = office.root / "laporan" / "laporan-sop-2026-11.xlsx"
    assert office.last_code == 0 and str(xlsx) in out
    assert counts(xlsx) == {n: 1 for n in range(1, 8)}


@pytest.mark.slow
def test_the_command_on_an_empty_month_says_so_and_logs_each_stage_once(tmp_path):
    import stat

    ws = make_workspace(tmp_path / "kantor")
    ws.once(at=f"{DAY}T09:00")  # the journal exists, nothing has happened yet
    result = ws.sop_konten("report", at=f"{DAY}T16:00")  # stderr is a pipe here, as in a log
    assert "Tidak ada data untuk periode ini (1 November 2026 s.d. 30 November 2026)" in result.stdout
    assert "\r" not in result.stderr
    stages = [line.split(":")[0].strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert stages == ["Ringkasan", "Monitoring SOP", "Beban Kerja", "Revisi & Penolakan", "Grafik",
                      "Data Aktivasi", "Menyimpan"]
    folder = ws.root / "laporan"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o640}
