"""The yearly archive as the office meets it: finished rows leave the Register after 30 days."""

from __future__ import annotations

import openpyxl
import pytest
from PIL import Image

from tests.people import make_workspace, status

pytestmark = pytest.mark.slow  # each test takes an item through the SOP, a cycle per step

MOVES = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def publish(ws, title: str) -> str:
    ws.propose(title, Jenis="Infografis", Platform="Facebook", Caption=f"{title} di Yogyakarta.")
    ws.once(at="2026-11-02T09:00")
    item = next(r["ID"] for r in ws.rows() if r["Judul"] == title)
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1200, 1500), (200, 120, 40)).save(folder / "poster.png")
    for minute, (step, value) in enumerate(MOVES, start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-02T09:{minute:02d}")
    assert ws.row(item)[status(7)] == "Terbit"
    return item


def archive_rows(ws, year: int = 2026, tab: str = "") -> list[dict[str, str]]:
    sheet = openpyxl.load_workbook(ws.root / f"arsip-{year}.xlsx")[tab or f"Arsip {year}"]
    headers = [str(c.value or "") for c in sheet[1]]
    return [dict(zip(headers, [str(v) if v is not None else "" for v in values], strict=False))
            for values in sheet.iter_rows(min_row=2, values_only=True) if any(values)]


def test_a_finished_item_moves_to_the_archive_after_30_days_and_the_report_still_counts_it(ws):
    done = publish(ws, "Festival Gudeg")
    ws.propose("Ide Baru", Jenis="Infografis")
    ws.once(at="2026-11-20T09:00")  # 18 days: it stays
    assert [r["ID"] for r in ws.rows()] == [done, "K-2026-0002"]
    assert not (ws.root / "arsip-2026.xlsx").exists()

    ws.once(at="2026-12-03T09:00")  # 31 days after it was published
    assert [r["ID"] for r in ws.rows()] == ["K-2026-0002"]  # the open item stays
    archived = archive_rows(ws)
    assert [r["ID"] for r in archived] == [done]
    assert archived[0]["Judul"] == "Festival Gudeg" and archived[0][status(7)] == "Terbit"
    assert archived[0]["Diarsipkan"].startswith("2026-12-03 09:00")

    ws.once(at="2026-12-03T09:05")  # the Log says where it went
    assert any(r["ID"] == done and "Arsip 2026" in r["Keterangan"] for r in ws.log())
    ws.once(at="2026-12-04T09:00")  # the next day's pass moves nothing twice
    assert [r["ID"] for r in archive_rows(ws)] == [done]
    # the item's Log lines went along: the Log tab keeps only its last line, the archive has the others
    moved_lines = archive_rows(ws, tab="Log")
    assert len(moved_lines) >= 8 and {r["ID"] for r in moved_lines} == {done}
    assert [r["ID"] for r in ws.log()].count(done) <= 1

    ws.sop_konten("report", "--from", "2026-11-01", "--to", "2026-11-30", at="2026-12-04T10:00")
    (xlsx,) = (ws.root / "laporan").glob("*.xlsx")
    summary = openpyxl.load_workbook(xlsx)["Ringkasan"]
    assert summary.cell(row=8, column=4).value == 1  # step 7, completed once, from the journal


def test_a_row_pasted_back_after_the_move_is_told_and_left_alone(ws):
    done = publish(ws, "Festival Gudeg")
    ws.once(at="2026-12-03T09:00")
    moved = archive_rows(ws)[0]
    ws.edit(None, {h: moved[h] for h in ("ID", "Judul", status(7)) if moved.get(h)})
    out = ws.once(at="2026-12-03T10:00")
    assert "sudah diarsipkan ke Arsip 2026" in out
    row = ws.row(done)
    assert "sudah dipindahkan ke Arsip 2026" in row["Catatan Sistem"]
    assert len(ws.rows()) == 1 and [r["ID"] for r in archive_rows(ws)] == [done]
    ws.once(at="2026-12-04T09:00")  # the next day's pass never moves the copy (it could be anything)
    assert len(ws.rows()) == 1 and [r["ID"] for r in archive_rows(ws)] == [done]


def test_an_edit_made_in_the_archive_is_reported_once_and_kept(ws):
    done = publish(ws, "Festival Gudeg")
    ws.once(at="2026-12-03T09:00")
    path = ws.root / "arsip-2026.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Arsip 2026"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("Caption") + 1).value = "Caption diperbaiki"
    book.save(path)

    out = ws.once(at="2026-12-04T09:00")
    assert f"{done} di Arsip 2026 diubah setelah diarsipkan (kolom: Caption)" in out
    assert archive_rows(ws)[0]["Caption"] == "Caption diperbaiki"  # never undone, never lost
    assert "diubah setelah diarsipkan" not in ws.once(at="2026-12-05T09:00")  # told once


def test_archive_after_days_0_keeps_every_row(ws):
    ws.config.write_text(ws.config.read_text(encoding="utf-8").replace(
        "[register]", "[register]\narchive_after_days = 0"), encoding="utf-8")
    done = publish(ws, "Festival Gudeg")
    ws.once(at="2027-03-01T09:00")
    assert [r["ID"] for r in ws.rows()] == [done]
    assert not (ws.root / "arsip-2026.xlsx").exists()


def test_a_crash_between_the_journaled_move_and_the_delete_is_finished_by_the_next_cycle(ws):
    from automation import faults

    done = publish(ws, "Festival Gudeg")

    def crash(count: int, name: str) -> None:
        if name == "archive.delete":
            raise RuntimeError("listrik padam")  # the move dies after the archive was saved

    with faults.hooked(crash):
        ws.once(at="2026-12-03T09:00")
    assert [r["ID"] for r in ws.rows()] == [done] and [r["ID"] for r in archive_rows(ws)] == [done]
    ws.once(at="2026-12-03T09:01")  # the same day: the move is still pending, so it is finished now
    assert ws.rows() == [] and [r["ID"] for r in archive_rows(ws)] == [done]


# --- Google Sheets: an `Arsip 2026` tab ------------------------------------------------------------

def test_on_google_sheets_the_row_moves_to_an_arsip_tab_in_three_requests(google_emulator, service_account_key,
                                                                         tmp_path):
    from tests.google_office import make_office

    office = make_office(google_emulator, service_account_key, tmp_path / "kantor")
    office.propose("Festival Gudeg", Platform="Instagram", Caption="Ayo datang")
    office.propose("Masih Berjalan")
    office.once(at="2026-11-02T09:00")
    item = office.rows()[0]["ID"]
    folder = next(p for p in (office.root / "drive").glob(f"*/{item}*") if p.is_dir())
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
    for minute, (step, value) in enumerate(MOVES, start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-02T09:{minute:02d}")
    assert office.row(item)[status(7)] == "Terbit"
    office.once(at="2026-11-20T09:00")  # the day's pass, nothing due yet
    google_emulator.clear_log()

    office.once(at="2026-12-03T09:00")
    assert [r["ID"] for r in office.rows()] == ["K-2026-0002"]
    values = google_emulator.values(office.spreadsheet, "Arsip 2026")
    assert values[0][-1] == "Diarsipkan" and [str(r[0]) for r in values[1:]] == [item]
    archived = dict(zip(values[0], values[1], strict=False))
    assert archived["Judul"] == "Festival Gudeg" and archived["Diarsipkan"] == "2026-12-03 09:00"
    # the poll's read, then the move: tab properties, one read, one batchUpdate
    assert google_emulator.count("sheets.values.batchGet") == 2
    assert google_emulator.count("sheets.spreadsheets.batchUpdate") == 1

    office.once(at="2026-12-04T09:00")  # the next day: checked, nothing moved twice
    assert [str(r[0]) for r in google_emulator.values(office.spreadsheet, "Arsip 2026")[1:]] == [item]
    assert any(r[2] == item and "Arsip 2026" in r[7] for r in office.log())
