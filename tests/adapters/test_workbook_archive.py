"""The local register's yearly archive (`arsip-<year>.xlsx`) on real .xlsx files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from automation import faults
from automation.adapters.local.archive import ArchivingWorkbookRegister
from automation.adapters.local.workbook import SWAP_STEPS
from automation.domain.contract import Contract
from automation.domain.sop import load_sop
from automation.ports import ArchiveRow

HEADERS = ["ID", "Judul", "Tahap", "Kolom Saya"]
ROWS = [
    ["K-2026-0001", "Festival Gudeg", "Terbit", "catatan tim"],
    ["K-2026-0002", "Jogja Marathon", "3. Konsep", ""],
    ["K-2026-0003", "Sekaten", "Ditolak", ""],
    ["K-2025-0099", "Tahun Lalu", "Terbit", ""],
]
AT = "2026-12-03 09:00"


class Crash(Exception):
    pass


def make_register(folder: Path, rows=ROWS) -> ArchivingWorkbookRegister:
    register = ArchivingWorkbookRegister.create(folder / "register.xlsx", HEADERS, ["Nama"], ["No"])
    register.contract = Contract(load_sop())  # its time columns: Diarsipkan is a date-time cell too
    wb = openpyxl.load_workbook(register.path)
    for row in rows:
        wb["Register"].append(row)
    wb.save(register.path)
    return register


def ids(path: Path, tab: str) -> list[str]:
    ws = openpyxl.load_workbook(path)[tab]
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]


def as_read(register: ArchivingWorkbookRegister, item_id: str) -> ArchiveRow:
    table = register.read().register
    (values,) = [r for r in table.rows if r[0] == item_id]
    year = int(item_id.split("-")[1])
    return ArchiveRow(item_id, year, tuple(zip(table.headers, values, strict=True)), AT)


def test_rows_move_to_the_archive_of_their_year_with_every_column(tmp_path):
    register = make_register(tmp_path)
    moving = [as_read(register, i) for i in ("K-2026-0001", "K-2026-0003", "K-2025-0099")]
    result = register.archive(moving)
    assert sorted(result.moved) == ["K-2025-0099", "K-2026-0001", "K-2026-0003"] and result.reason == ""
    assert ids(register.path, "Register") == ["K-2026-0002"]
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001", "K-2026-0003"]
    assert ids(tmp_path / "arsip-2025.xlsx", "Arsip 2025") == ["K-2025-0099"]
    ws = openpyxl.load_workbook(tmp_path / "arsip-2026.xlsx")["Arsip 2026"]
    assert [c.value for c in ws[1]] == [*HEADERS, "Diarsipkan"]
    first = [c.value for c in ws[2]]
    assert first[:4] == ROWS[0]  # a person's own column goes along
    assert first[4] == datetime(2026, 12, 3, 9, 0)  # a date-time cell
    archived = {r.item_id: dict(r.values) for r in register.archived({2025, 2026, 2027})}
    assert archived["K-2026-0001"]["Kolom Saya"] == "catatan tim"
    assert archived["K-2026-0001"]["Diarsipkan"] == AT


def test_moving_again_never_makes_a_second_archive_row(tmp_path):
    register = make_register(tmp_path)
    row = as_read(register, "K-2026-0001")
    assert register.archive([row]).moved == ("K-2026-0001",)
    assert register.archive([row]).moved == ("K-2026-0001",)  # already done: said so, nothing written
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001"]
    assert ids(register.path, "Register") == ["K-2026-0002", "K-2026-0003", "K-2025-0099"]


def test_a_crash_between_the_append_and_the_delete_is_settled_by_the_next_move(tmp_path):
    register = make_register(tmp_path)
    row = as_read(register, "K-2026-0001")

    def crash_before_delete(count: int, name: str) -> None:
        if name == "archive.delete":
            raise Crash

    with faults.hooked(crash_before_delete), pytest.raises(Crash):
        register.archive([row])
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001"]  # in both files: never lost
    assert "K-2026-0001" in ids(register.path, "Register")

    assert register.archive([row]).moved == ("K-2026-0001",)
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001"]  # no duplicate
    assert "K-2026-0001" not in ids(register.path, "Register")


def test_a_row_changed_since_it_was_read_stays(tmp_path):
    register = make_register(tmp_path)
    row = as_read(register, "K-2026-0001")
    wb = openpyxl.load_workbook(register.path)
    wb["Register"]["D2"] = "diubah"
    wb.save(register.path)
    assert register.archive([row]).moved == ()
    assert "K-2026-0001" in ids(register.path, "Register")
    assert not (tmp_path / "arsip-2026.xlsx").exists() or ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == []


def test_rows_are_found_by_id_after_people_sorted_them(tmp_path):
    register = make_register(tmp_path)
    moving = [as_read(register, "K-2026-0001"), as_read(register, "K-2026-0003")]
    wb = openpyxl.load_workbook(register.path)
    ws = wb["Register"]
    ws.delete_rows(2, 4)
    for row in reversed(ROWS):  # sorted the other way round
        ws.append(row)
    wb.save(register.path)
    register.archive(moving)
    assert ids(register.path, "Register") == ["K-2025-0099", "K-2026-0002"]


def test_nothing_moves_while_a_file_is_open_in_an_editor(tmp_path):
    register = make_register(tmp_path)
    row = as_read(register, "K-2026-0001")
    (tmp_path / ".~lock.register.xlsx#").write_text("Sari,sari,host,date,profile;")
    result = register.archive([row])
    assert result.moved == () and "register.xlsx" in result.reason
    (tmp_path / ".~lock.register.xlsx#").unlink()
    register.archive([as_read(register, "K-2026-0003")])  # makes the archive
    (tmp_path / ".~lock.arsip-2026.xlsx#").write_text("Budi,budi,host,date,profile;")
    result = register.archive([row])
    assert result.moved == () and "arsip-2026.xlsx" in result.reason
    assert "K-2026-0001" in ids(register.path, "Register")


def test_a_save_of_the_register_during_the_move_keeps_the_row_in_both(tmp_path):
    def person_saves(step: str) -> None:
        if step == SWAP_STEPS[0] and register.path.exists():
            wb = openpyxl.load_workbook(register.path)
            wb["Register"]["B3"] = "Jogja Marathon 2026"
            wb.save(register.path)

    register = make_register(tmp_path)
    row = as_read(register, "K-2026-0001")
    register.between = person_saves
    result = register.archive([row])
    assert result.moved == () and result.reason
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001"]
    assert "K-2026-0001" in ids(register.path, "Register")
    register.between = lambda step: None
    assert register.archive([row]).moved == ("K-2026-0001",)  # the next pass only deletes it
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == ["K-2026-0001"]


def test_an_archive_left_aside_by_a_crash_is_put_back_not_made_anew(tmp_path):
    register = make_register(tmp_path)
    register.archive([as_read(register, "K-2026-0001")])
    archive = tmp_path / "arsip-2026.xlsx"
    archive.rename(tmp_path / ".arsip-2026.xlsx.0badcafe.aside")  # the crash came while it was aside
    register.archive([as_read(register, "K-2026-0003")])
    assert ids(archive, "Arsip 2026") == ["K-2026-0001", "K-2026-0003"]
    assert [r.item_id for r in register.archived({2026})] == ["K-2026-0001", "K-2026-0003"]


def test_scattered_rows_go_and_the_others_keep_their_order_notes_and_fills(tmp_path):
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    rows = [[f"K-2026-{n:04d}", f"Judul {n}", "Terbit" if n % 3 else "4. Desain", ""] for n in range(1, 31)]
    register = make_register(tmp_path, rows)
    wb = openpyxl.load_workbook(register.path)
    ws = wb["Register"]
    ws["B31"].comment = Comment("catatan orang", "Sari")  # K-2026-0030, an open item
    ws["C31"].fill = PatternFill(fill_type="solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
    wb.save(register.path)
    result = register.archive([as_read(register, r[0]) for r in rows if r[2] == "Terbit"])
    assert len(result.moved) == 20
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert [ws.cell(n, 1).value for n in range(2, 12)] == [f"K-2026-{n:04d}" for n in range(3, 31, 3)]
    assert ws.max_row == 11
    assert ws["B11"].comment.text == "catatan orang" and ws["C11"].fill.start_color.rgb == "FFF4CCCC"
    assert ids(tmp_path / "arsip-2026.xlsx", "Arsip 2026") == [r[0] for r in rows if r[2] == "Terbit"]


def write_log(register: ArchivingWorkbookRegister, lines: list[tuple[int, str]]) -> None:
    wb = openpyxl.load_workbook(register.path)
    ws = wb["Log"]
    ws["B1"], ws["C1"] = "Waktu", "ID"
    for number, item_id in lines:
        ws.append([number, "2026-11-02 09:00", item_id])
    wb.save(register.path)


def log_numbers(path: Path, tab: str = "Log") -> list[int]:
    ws = openpyxl.load_workbook(path)[tab]
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]


def test_the_log_lines_of_archived_items_go_to_the_archive_and_the_last_line_stays(tmp_path):
    register = make_register(tmp_path)
    write_log(register, [(1, "K-2026-0001"), (2, "K-2026-0002"), (3, "K-2026-0001"), (4, "K-2025-0099"),
                         (5, "K-2026-0003"), (6, "K-2026-0001")])
    register.archive([as_read(register, "K-2026-0001")], settled={"K-2025-0099"})
    assert log_numbers(register.path) == [2, 5, 6]  # 6 is the last line: the Log's highest number stays
    assert log_numbers(tmp_path / "arsip-2026.xlsx") == [1, 3]
    assert log_numbers(tmp_path / "arsip-2025.xlsx") == [4]
    assert register.read().log_last_no == 6


def test_log_lines_are_never_copied_twice_after_a_crash(tmp_path):
    register = make_register(tmp_path)
    write_log(register, [(1, "K-2026-0001"), (2, "K-2026-0002"), (3, "K-2026-0001"), (4, "K-2026-0002")])
    row = as_read(register, "K-2026-0001")

    def crash_before_delete(count: int, name: str) -> None:
        if name == "archive.delete":
            raise Crash

    with faults.hooked(crash_before_delete), pytest.raises(Crash):
        register.archive([row])
    assert log_numbers(register.path) == [1, 2, 3, 4] and log_numbers(tmp_path / "arsip-2026.xlsx") == [1, 3]
    register.archive([row])
    assert log_numbers(register.path) == [2, 4] and log_numbers(tmp_path / "arsip-2026.xlsx") == [1, 3]
