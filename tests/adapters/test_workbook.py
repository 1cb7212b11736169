"""WorkbookRegister on real .xlsx files; "a person" edits them with openpyxl in between."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from automation.adapters.local.workbook import SWAP_STEPS, WorkbookRegister, sweep_temporary_files
from automation.ports import CellChange, RegisterError, RowAnchor, RowUpdate, WriteBatch

REGISTER_HEADERS = ["ID", "Judul", "Tahap", "Catatan"]
ROSTER_HEADERS = ["Nama", "Email", "Peran"]
LOG_HEADERS = ["No", "Waktu", "Kejadian"]
ROSTER = [["Sari", "sari@example.go.id", "Editor"], ["Budi", "budi@example.go.id", "Desainer"]]


def make_register(folder: Path, rows=(), headers=REGISTER_HEADERS) -> WorkbookRegister:
    register = WorkbookRegister.create(folder / "register.xlsx", headers, ROSTER_HEADERS, LOG_HEADERS, ROSTER)
    if rows:
        person_edits(register.path, lambda wb: [wb["Register"].append(list(r)) for r in rows])
    return register


def person_edits(path: Path, edit) -> None:
    """What a person does in a spreadsheet program: open, change, save."""
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def sheet_values(path: Path, tab: str = "Register") -> list[list]:
    ws = openpyxl.load_workbook(path)[tab]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def change(column, expected, value, note=""):
    return CellChange(column=column, expected=expected, value=value, note=note)


def update_by_id(item_id, *changes, read_index=-1):
    return RowUpdate(anchor=RowAnchor(item_id=item_id, read_index=read_index), changes=tuple(changes))


# --- create and read --------------------------------------------------------

def test_create_makes_three_formatted_tabs_and_never_overwrites(tmp_path):
    register = make_register(tmp_path)
    wb = openpyxl.load_workbook(register.path)
    assert wb.sheetnames == ["Register", "Petugas", "Log"]
    ws = wb["Register"]
    assert [c.value for c in ws[1]] == REGISTER_HEADERS
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 12
    with pytest.raises(RegisterError, match="register.xlsx"):
        WorkbookRegister.create(register.path, REGISTER_HEADERS, ROSTER_HEADERS, LOG_HEADERS, ROSTER)


def test_read_converts_every_cell_to_text(tmp_path):
    rows = [
        ["K-001", "  Lebaran  ", 12, 12.0],
        [None, None, None, None],  # an empty row in the middle is kept
        ["K-002", datetime(2024, 5, 1, 9, 30, 45), date(2024, 5, 2), True],
        ["K-003", 2.5, False, "=SUM(1,2)"],
        [None, None, None, None],  # trailing empty rows are dropped
    ]
    register = make_register(tmp_path, rows)
    snap = register.read()
    assert snap.register.headers == tuple(REGISTER_HEADERS)
    assert snap.register.rows == (
        ("K-001", "  Lebaran  ", "12", "12"),
        ("", "", "", ""),
        ("K-002", "2024-05-01 09:30", "2024-05-02", "TRUE"),
        ("K-003", "2.5", "FALSE", "=SUM(1,2)"),
    )
    assert snap.roster.headers == tuple(ROSTER_HEADERS)
    assert snap.roster.rows == tuple(tuple(r) for r in ROSTER)
    assert snap.log_last_no == 0


def test_number_format_tells_a_date_from_a_midnight_date_time(tmp_path):
    register = make_register(tmp_path, [["K-001", datetime(2024, 5, 3, 0, 0), datetime(2024, 5, 3), ""]])

    def indonesian_date_format(wb):
        wb["Register"]["C2"].number_format = "dd/mm/yyyy"

    person_edits(register.path, indonesian_date_format)
    assert register.read().register.rows[0][1:3] == ("2024-05-03 00:00", "2024-05-03")


def test_read_strips_headers_and_pads_short_rows(tmp_path):
    register = make_register(tmp_path, headers=[" ID ", "Judul", "Tahap"])
    person_edits(register.path, lambda wb: wb["Register"].append(["K-001"]))
    snap = register.read()
    assert snap.register.headers == ("ID", "Judul", "Tahap")
    assert snap.register.rows == (("K-001", "", ""),)


def test_log_last_no_is_the_largest_number(tmp_path):
    register = make_register(tmp_path)

    def add_log(wb):
        for row in ([3, "t", "a"], ["7", "t", "b"], [5.0, "t", "c"], ["catatan", "t", "d"]):
            wb["Log"].append(row)

    person_edits(register.path, add_log)
    assert register.read().log_last_no == 7


def test_missing_tab_is_a_register_error(tmp_path):
    register = make_register(tmp_path)
    person_edits(register.path, lambda wb: wb.remove(wb["Petugas"]))
    with pytest.raises(RegisterError, match=r"Tab 'Petugas' tidak ditemukan di register\.xlsx\."):
        register.read()
    person_edits(register.path, lambda wb: wb.remove(wb["Log"]))
    with pytest.raises(RegisterError, match=r"Tab 'Log' tidak ditemukan"):
        register.write(WriteBatch(log_rows=(("1", "t", "x"),)))


def test_corrupt_and_missing_files_are_register_errors(tmp_path):
    corrupt = tmp_path / "register.xlsx"
    corrupt.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(RegisterError, match="register.xlsx"):
        WorkbookRegister(corrupt).read()
    with pytest.raises(RegisterError, match="register.xlsx"):
        WorkbookRegister(corrupt).write(WriteBatch(log_rows=(("1", "t", "x"),)))
    with pytest.raises(RegisterError, match="lain.xlsx"):
        WorkbookRegister(tmp_path / "lain.xlsx").read()


def test_link_is_a_file_uri(tmp_path):
    register = make_register(tmp_path)
    assert register.link("K-001") == register.path.resolve().as_uri()
    assert register.link("K-001").startswith("file://")


# --- write: finding rows ----------------------------------------------------

def test_reordered_and_extra_columns_are_found_by_header(tmp_path):
    headers = ["Catatan", "Kolom Saya", "Tahap", "Judul", "ID"]
    register = make_register(tmp_path, [["", "milik saya", "Ide", "Lebaran", "K-001"]], headers=headers)
    result = register.write(WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),)))
    assert result.written and result.skipped == ()
    assert sheet_values(register.path)[1] == [None, "milik saya", "Desain", "Lebaran", "K-001"]


def test_write_by_id_after_rows_were_sorted_inserted_and_deleted(tmp_path):
    rows = [["K-001", "Satu", "Ide", ""], ["K-002", "Dua", "Ide", ""], ["K-003", "Tiga", "Ide", ""]]
    register = make_register(tmp_path, rows)
    snap = register.read()
    assert snap.register.rows[2][0] == "K-003"

    def reshuffle(wb):
        ws = wb["Register"]
        ws.delete_rows(2)  # K-001 gone
        ws.insert_rows(2)  # a new row on top
        for column, value in enumerate(["", "Baru", "Ide", ""], start=1):
            ws.cell(2, column).value = value or None
        # sort: K-003 above K-002
        k2 = [c.value for c in ws[3]]
        k3 = [c.value for c in ws[4]]
        for column, (a, b) in enumerate(zip(k3, k2, strict=True), start=1):
            ws.cell(3, column).value, ws.cell(4, column).value = a, b

    person_edits(register.path, reshuffle)
    batch = WriteBatch(
        updates=(
            update_by_id("K-003", change("Tahap", "Ide", "Desain"), read_index=2),
            update_by_id("K-002", change("Catatan", "", "cek"), read_index=1),
            update_by_id("K-001", change("Tahap", "Ide", "Desain"), read_index=0),
        )
    )
    result = register.write(batch)
    assert result.written
    assert ("ID K-001", "Tahap") in result.skipped  # deleted meanwhile: nothing written for it
    values = sheet_values(register.path)
    assert values[1] == [None, "Baru", "Ide", None]
    assert values[2] == ["K-003", "Tiga", "Desain", None]
    assert values[3] == ["K-002", "Dua", "Ide", "cek"]


def test_new_row_without_id_found_by_position_and_title(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""], [None, "Usulan baru", "Ide", None]])
    snap = register.read()
    new_row = RowAnchor(read_index=1, title="Usulan baru")
    person_edits(register.path, lambda wb: wb["Register"].insert_rows(2))  # shifts the row down
    result = register.write(WriteBatch(updates=(RowUpdate(new_row, (change("ID", "", "K-002"),)),)))
    assert result.written and result.skipped == ()
    assert snap.register.rows[1][1] == "Usulan baru"
    assert sheet_values(register.path)[3][:2] == ["K-002", "Usulan baru"]


def test_new_row_with_ambiguous_title_is_skipped(tmp_path):
    register = make_register(tmp_path, [[None, "Sama", "Ide", None], [None, "Sama", "Ide", None]])
    person_edits(register.path, lambda wb: wb["Register"].insert_rows(2))
    anchor = RowAnchor(read_index=0, title="Sama")
    result = register.write(WriteBatch(updates=(RowUpdate(anchor, (change("ID", "", "K-009"),)),)))
    assert result.skipped and result.skipped[0][1] == "ID"
    assert all(row[0] is None for row in sheet_values(register.path)[1:])


# --- write: compare-and-set, text only, notes -------------------------------

def test_compare_and_set_skips_a_cell_a_person_changed(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", "lama"]])
    register.read()
    person_edits(register.path, lambda wb: wb["Register"].cell(2, 4, "diubah orang"))
    batch = WriteBatch(
        updates=(update_by_id("K-001", change("Catatan", "lama", "dari daemon"), change("Tahap", "Ide", "Desain")),)
    )
    result = register.write(batch)
    assert result.written
    assert result.skipped == (("ID K-001", "Catatan"),)
    assert sheet_values(register.path)[1] == ["K-001", "Satu", "Desain", "diubah orang"]


def test_expected_value_compares_like_read(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", 12, datetime(2024, 5, 1, 9, 30)]])
    batch = WriteBatch(
        updates=(update_by_id("K-001", change("Tahap", "12", "13"), change("Catatan", "2024-05-01 09:30", "")),)
    )
    result = register.write(batch)
    assert result.skipped == ()
    assert sheet_values(register.path)[1] == ["K-001", "Satu", "13", None]


def test_formula_looking_value_is_stored_as_text(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    register.write(WriteBatch(updates=(update_by_id("K-001", change("Catatan", "", "=HYPERLINK(\"x\")")),)))
    register.write(WriteBatch(appends=({"ID": "K-002", "Judul": "=1+1"},)))
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws["D2"].value == '=HYPERLINK("x")' and ws["D2"].data_type == "s"
    assert ws["B3"].value == "=1+1" and ws["B3"].data_type == "s"
    with zipfile.ZipFile(register.path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert register.read().register.rows[0][3] == '=HYPERLINK("x")'


def test_note_is_set_as_a_cell_comment(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Terbit", ""]])
    note = "Tahap tidak boleh dilompati; dikembalikan ke Ide."
    register.write(WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Terbit", "Ide", note=note)),)))
    cell = openpyxl.load_workbook(register.path)["Register"]["C2"]
    assert cell.value == "Ide"
    assert cell.comment is not None and cell.comment.text == note and cell.comment.author == "sop-konten"


def test_appends_go_after_the_last_row_by_header(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]], headers=["Judul", "ID", "Tahap", "Catatan"])
    result = register.write(WriteBatch(appends=({"ID": "K-002", "Judul": "Dua", "Tidak Ada": "x"},)))
    assert result.written and result.skipped == (("baris baru", "Tidak Ada"),)
    assert sheet_values(register.path)[2] == ["Dua", "K-002", None, None]


def test_a_row_whose_id_is_there_already_is_not_appended_again(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]], headers=["ID", "Judul", "Tahap", "Catatan"])
    register.write(WriteBatch(appends=({"ID": "K-001", "Judul": "Satu"}, {"ID": "K-002", "Judul": "Dua"},
                                       {"ID": "K-002", "Judul": "Dua"})))
    assert [row[0] for row in sheet_values(register.path)[1:]] == ["K-001", "K-002"]


# --- write: the log ---------------------------------------------------------

def test_log_rows_are_not_duplicated_when_sent_again(tmp_path):
    register = make_register(tmp_path)
    rows = (("1", "2024-05-01 09:00", "dibuat"), ("2", "2024-05-01 09:05", "ditugaskan"))
    assert register.write(WriteBatch(log_rows=rows)).written
    assert register.write(WriteBatch(log_rows=(*rows, ("3", "2024-05-01 09:10", "disetujui")))).written
    log_rows = sheet_values(register.path, "Log")[1:]
    assert [row[0] for row in log_rows] == [1, 2, 3]  # numbers stored as numbers
    assert log_rows[2] == [3, "2024-05-01 09:10", "disetujui"]
    assert register.read().log_last_no == 3


def test_nothing_to_write_leaves_the_file_untouched(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    register.write(WriteBatch(log_rows=(("1", "t", "x"),)))
    before = register.path.stat().st_mtime_ns
    result = register.write(WriteBatch(log_rows=(("1", "t", "x"),)))
    assert result.written
    assert register.path.stat().st_mtime_ns == before


# --- write: editors and concurrent saves ------------------------------------

@pytest.mark.parametrize("lock_name", [".~lock.register.xlsx#", "~$register.xlsx"])
def test_lock_file_blocks_the_write_until_removed(tmp_path, lock_name):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    lock = tmp_path / lock_name
    lock.write_text("sari,PC-HUMAS,01.05.2024 09:00;")
    batch = WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),))
    before = register.path.read_bytes()

    assert register.is_locked() == lock_name
    result = register.write(batch)
    assert not result.written
    assert "register.xlsx sedang dibuka di aplikasi lain" in result.reason and lock_name in result.reason
    assert register.path.read_bytes() == before

    lock.unlink()
    assert register.is_locked() == ""
    assert register.write(batch).written
    assert sheet_values(register.path)[1][2] == "Desain"


def saved_copy(path: Path, opened: bytes, style: str) -> None:
    """A person's editor saving the copy it opened earlier, with one cell of theirs changed:
    either in place (truncate and write the file at the path) or the editor's own replace."""
    wb = openpyxl.load_workbook(io.BytesIO(opened))
    wb["Register"].cell(2, 4, "disimpan orang")
    if style == "in place":
        wb.save(path)
        return
    tmp = path.with_name("editor-save.tmp")
    wb.save(tmp)
    os.replace(tmp, path)


@pytest.mark.parametrize("style", ["in place", "replace"])
@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_save_at_any_step_of_the_swap_is_never_lost(tmp_path, step, style):
    make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    path = tmp_path / "register.xlsx"
    opened = path.read_bytes()  # the person opened the file before the daemon's cycle
    steps = []

    def person_saves(at: str) -> None:
        steps.append(at)
        if at == step:
            saved_copy(path, opened, style)

    batch = WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),))
    result = WorkbookRegister(path, between=person_saves).write(batch)
    assert step in steps
    assert not result.written and "disimpan orang lain" in result.reason
    assert sheet_values(path)[1] == ["K-001", "Satu", "Ide", "disimpan orang"]  # their save, intact
    assert [p.name for p in tmp_path.iterdir()] == ["register.xlsx"]  # no temp or aside file left

    assert WorkbookRegister(path).write(batch).written  # the next cycle
    assert sheet_values(path)[1] == ["K-001", "Satu", "Desain", "disimpan orang"]


def test_an_undisturbed_swap_passes_every_step_and_keeps_permissions(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    os.chmod(register.path, 0o640)
    steps: list[str] = []
    result = WorkbookRegister(register.path, between=steps.append).write(
        WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),)))
    assert result.written and tuple(steps) == SWAP_STEPS
    assert sheet_values(register.path)[1][2] == "Desain"
    assert stat.S_IMODE(register.path.stat().st_mode) == 0o640 and register.path.stat().st_nlink == 1
    assert [p.name for p in tmp_path.iterdir()] == ["register.xlsx"]


def test_an_editor_opening_the_file_during_the_write_stops_it(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    before = register.path.read_bytes()

    def editor_opens(step: str) -> None:
        if step == SWAP_STEPS[0]:
            (tmp_path / ".~lock.register.xlsx#").write_text("sari,PC-HUMAS;")

    result = WorkbookRegister(register.path, between=editor_opens).write(
        WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),)))
    assert not result.written and "berkas kunci" in result.reason
    assert register.path.read_bytes() == before


class Crash(BaseException):
    pass


def test_a_crash_while_the_file_is_aside_is_repaired_by_the_next_read(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    before = register.path.read_bytes()

    def crash(step: str) -> None:
        if step == "moved aside":
            raise Crash

    with pytest.raises(Crash):
        WorkbookRegister(register.path, between=crash).write(
            WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),)))
    assert not register.path.exists()  # the crash left the register aside
    assert WorkbookRegister(register.path).read().register.rows[0][2] == "Ide"
    assert register.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["register.xlsx"]


def test_sweep_removes_only_the_daemons_own_stale_files(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    stale = [tmp_path / ".register.xlsx.0a1b2c3d.tmp", tmp_path / ".register.xlsx.deadbeef.aside"]
    foreign = [tmp_path / ".register.xlsx.bukan.tmp", tmp_path / "register.xlsx.0a1b2c3d.tmp",
               tmp_path / ".lain.xlsx.0a1b2c3d.tmp", tmp_path / ".~lock.register.xlsx#"]
    for path in stale + foreign:
        path.write_bytes(b"x")
    fresh = tmp_path / ".register.xlsx.12345678.tmp"
    fresh.write_bytes(b"x")
    started_at = fresh.stat().st_mtime
    for path in stale + foreign:
        os.utime(path, (started_at - 60, started_at - 60))

    removed = sweep_temporary_files(register.path, started_at)
    assert sorted(removed) == sorted(stale)
    assert all(p.exists() for p in foreign + [fresh, register.path])


def test_write_keeps_what_openpyxl_does_not_touch(tmp_path):
    register = make_register(tmp_path, [["K-001", "Satu", "Ide", ""]])
    person_edits(register.path, lambda wb: wb.create_sheet("Catatan Saya").append(["pribadi"]))
    register.write(WriteBatch(updates=(update_by_id("K-001", change("Tahap", "Ide", "Desain")),)))
    wb = openpyxl.load_workbook(register.path)
    assert wb["Catatan Saya"]["A1"].value == "pribadi"
    assert wb["Register"].freeze_panes == "A2"


# --- the layout: set up like the Google register ---------------------------------

def sop_contract():
    from automation.domain.contract import Contract
    from automation.domain.sop import load_sop

    return Contract(load_sop(None))


def laid_out(folder: Path, contract=None) -> WorkbookRegister:
    from automation.domain.contract import LOG_HEADERS as LOG
    from automation.domain.contract import ROSTER_HEADERS as ROSTER_COLUMNS

    contract = contract or sop_contract()
    return WorkbookRegister.create(folder / "register.xlsx", contract.register_headers, ROSTER_COLUMNS, LOG,
                                   [["Sari", "sari@example.go.id", "Tim Konten", "Ya"]], contract=contract)


def validations_by_column(ws) -> dict[str, object]:
    headers = [c.value for c in ws[1]]
    found = {}
    for validation in ws.data_validations.dataValidation:
        for ref in str(validation.sqref).split():
            column = openpyxl.utils.range_boundaries(ref)[0]
            found[headers[column - 1]] = validation
    return found


def test_setup_gives_strict_dropdowns_from_the_sop_on_every_status_and_choice_column(tmp_path):
    contract = sop_contract()
    register = laid_out(tmp_path, contract)
    wb = openpyxl.load_workbook(register.path)
    dropdowns = validations_by_column(wb["Register"])
    sop = contract.sop
    for n in contract.step_numbers:
        validation = dropdowns[contract.status(n)]
        listed = validation.formula1.strip('"').split(",")
        assert listed == [*sop.step(n).statuses, sop.waiting, sop.in_progress, sop.needs_check]
        assert validation.type == "list" and validation.showErrorMessage and validation.errorStyle == "stop"
    assert dropdowns["Jenis"].formula1 == '"Infografis,Video"' and dropdowns["Jenis"].showErrorMessage
    assert dropdowns["Sumber"].showErrorMessage
    assert not dropdowns["Platform"].showErrorMessage  # several platforms, comma-separated, are allowed
    roster = validations_by_column(wb["Petugas"])
    assert roster["Aktif"].formula1 == '"Ya,Tidak"' and roster["Aktif"].showErrorMessage
    assert roster["Peran"].formula1.strip('"').split(",") == list(sop.roles)


def test_setup_colours_panes_widths_and_step_fills(tmp_path):
    contract = sop_contract()
    register = laid_out(tmp_path, contract)
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws.freeze_panes == "C2"  # the header row and ID, Judul stay in view
    formulas = [rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules]
    assert any('="Ditolak"' in f for f in formulas) and any('="Terbit"' in f for f in formulas)
    assert any("NOW()" in f for f in formulas) and formulas.count('"Menunggu"') == len(contract.step_numbers)
    rejected = next(r for cf in ws.conditional_formatting for r in cf.rules if '="Ditolak"' in r.formula[0])
    assert rejected.dxf.font.strike
    headers = [c.value for c in ws[1]]

    def width(header):
        return ws.column_dimensions[openpyxl.utils.get_column_letter(headers.index(header) + 1)].width

    assert width("Caption") >= 40 and width("Judul") >= 30 and width(contract.status(1)) >= 14
    fills = {ws.cell(1, headers.index(contract.status(n)) + 1).fill.fgColor.rgb for n in contract.step_numbers}
    assert len(fills) == len(contract.step_numbers)  # one fill per step group
    actor_fill = ws.cell(1, headers.index(contract.actor(2)) + 1).fill.fgColor.rgb
    assert actor_fill == ws.cell(1, headers.index(contract.status(2)) + 1).fill.fgColor.rgb


def test_setup_twice_changes_nothing(tmp_path):
    register = laid_out(tmp_path)
    before = register.path.read_bytes()
    assert register.set_up() == []
    assert register.path.read_bytes() == before


def test_an_old_workbook_is_upgraded_in_place_and_keeps_every_value(tmp_path):
    contract = sop_contract()
    from automation.domain.contract import LOG_HEADERS as LOG
    from automation.domain.contract import ROSTER_HEADERS as ROSTER_COLUMNS

    old = WorkbookRegister.create(tmp_path / "register.xlsx", contract.register_headers[:-1], ROSTER_COLUMNS, LOG,
                                  [["Sari", "sari@example.go.id", "Tim Konten", "Ya"]])
    headers = list(contract.register_headers[:-1])
    values = {"ID": "K-2026-0001", "Judul": "Lebaran", "Jadwal Tayang": "22/12/2026 07.00",
              contract.time(1): "2026-11-30 09:00", "Tenggat": "2026-11-30 10:00", contract.status(2): "Oke",
              "Caption": "=1+1"}

    def fill(wb):
        ws = wb["Register"]
        for header, value in values.items():
            cell = ws.cell(2, headers.index(header) + 1)
            cell.value, cell.data_type = value, "s"
        mine = openpyxl.worksheet.datavalidation.DataValidation(type="whole")
        mine.add("AZ2:AZ10")  # a person's own rule elsewhere stays
        ws.add_data_validation(mine)

    person_edits(old.path, fill)
    before = old.read().register
    register = WorkbookRegister(old.path, contract=contract)
    changes = register.set_up()
    assert changes and any("Tautan Publikasi" in c for c in changes)  # the missing header was added
    after = register.read().register
    assert after.headers == (*before.headers, "Tautan Publikasi")
    assert [row[:len(before.headers)] for row in after.rows] == list(before.rows)
    ws = openpyxl.load_workbook(register.path)["Register"]
    waktu_cell = ws.cell(2, headers.index(contract.time(1)) + 1)
    assert isinstance(waktu_cell.value, datetime) and waktu_cell.number_format == "dd/mm/yyyy hh:mm"
    assert ws.cell(2, headers.index("Jadwal Tayang") + 1).value == "22/12/2026 07.00"  # a person's value
    assert "AZ2:AZ10" in {str(v.sqref) for v in ws.data_validations.dataValidation}
    assert register.set_up() == []


def test_setup_waits_while_the_workbook_is_open(tmp_path):
    register = laid_out(tmp_path)
    (tmp_path / ".~lock.register.xlsx#").write_text(",Sari,host,30.11.2026 09:00,file:///x;", encoding="utf-8")
    with pytest.raises(RegisterError, match="register.xlsx"):
        register.set_up()


# --- date-time cells ----------------------------------------------------------------

def test_times_are_written_as_date_time_cells_and_read_back_as_the_same_text(tmp_path):
    contract = sop_contract()
    register = laid_out(tmp_path, contract)
    register.write(WriteBatch(appends=({"ID": "K-2026-0001", "Judul": "Lebaran",
                                        contract.time(1): "2026-11-30 09:00"},)))
    register.write(WriteBatch(updates=(update_by_id("K-2026-0001", change("Tenggat", "", "2026-12-01 13:30"),
                                                    change("Catatan Sistem", "", "2026-12-01 13:30")),)))
    ws = openpyxl.load_workbook(register.path)["Register"]
    headers = [c.value for c in ws[1]]
    due = ws.cell(2, headers.index("Tenggat") + 1)
    assert due.value == datetime(2026, 12, 1, 13, 30) and due.number_format == "dd/mm/yyyy hh:mm"
    assert isinstance(ws.cell(2, headers.index(contract.time(1)) + 1).value, datetime)
    assert ws.cell(2, headers.index("Catatan Sistem") + 1).value == "2026-12-01 13:30"  # not a time column
    row = dict(zip(register.read().register.headers, register.read().register.rows[0], strict=True))
    assert row["Tenggat"] == "2026-12-01 13:30" and row[contract.time(1)] == "2026-11-30 09:00"
    # compare-and-set sees the date-time cell as the text it reads as
    result = register.write(WriteBatch(updates=(update_by_id("K-2026-0001",
                                                             change("Tenggat", "2026-12-01 13:30", "")),)))
    assert result.skipped == () and register.read().register.rows[0][headers.index("Tenggat")] == ""


def test_text_and_date_time_cells_typed_by_people_both_read(tmp_path):
    contract = sop_contract()
    register = laid_out(tmp_path, contract)
    headers = list(contract.register_headers)

    def type_times(wb):
        ws = wb["Register"]
        ws.cell(2, 1).value = "K-2026-0001"
        ws.cell(2, headers.index("Jadwal Tayang") + 1).value = "22/12/2026 07.00"
        ws.cell(3, 1).value = "K-2026-0002"
        typed = ws.cell(3, headers.index("Jadwal Tayang") + 1)
        typed.value, typed.number_format = datetime(2026, 12, 22, 7, 0), "dd/mm/yyyy hh:mm"

    person_edits(register.path, type_times)
    rows = register.read().register.rows
    column = headers.index("Jadwal Tayang")
    assert rows[0][column] == "22/12/2026 07.00" and rows[1][column] == "2026-12-22 07:00"


def test_a_time_not_in_the_daemons_spelling_stays_text(tmp_path):
    contract = sop_contract()
    register = laid_out(tmp_path, contract)
    register.write(WriteBatch(appends=({"ID": "K-2026-0001", "Jadwal Tayang": "22 Desember 2026 07.00"},)))
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws.cell(2, list(contract.register_headers).index("Jadwal Tayang") + 1).value == "22 Desember 2026 07.00"


# --- cell notes ------------------------------------------------------------------------

def test_a_note_is_removed_once_catatan_sistem_no_longer_carries_its_reason(tmp_path):
    register = make_register(tmp_path, [["K-001", "Lebaran", "Oke", "lama"]],
                             headers=["ID", "Judul", "Tahap", "Catatan Sistem"])
    reason = "'Oke' bukan status yang sah."
    register.write(WriteBatch(updates=(update_by_id(
        "K-001", change("Tahap", "Oke", "2. Pertimbangan", note=reason),
        change("Catatan Sistem", "lama", f"[2026-11-30 09:00] {reason}")),)))
    person_edits(register.path, lambda wb: setattr(wb["Register"]["B2"], "comment",
                                                   openpyxl.comments.Comment("catatan saya", "Sari")))
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws["C2"].comment is not None and reason in ws["C2"].comment.text
    register.write(WriteBatch(updates=(update_by_id(
        "K-001", change("Catatan Sistem", f"[2026-11-30 09:00] {reason}", "masih ada masalah lain")),)))
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws["C2"].comment is None  # the problem is gone
    assert ws["B2"].comment is not None and "catatan saya" in ws["B2"].comment.text  # a person's note stays


def test_a_note_stays_while_its_reason_is_still_told(tmp_path):
    register = make_register(tmp_path, [["K-001", "Lebaran", "Oke", ""]],
                             headers=["ID", "Judul", "Tahap", "Catatan Sistem"])
    reason = "'Oke' bukan status yang sah."
    register.write(WriteBatch(updates=(update_by_id(
        "K-001", change("Tahap", "Oke", "2. Pertimbangan", note=reason),
        change("Catatan Sistem", "", f"[2026-11-30 09:00] {reason}")),)))
    register.write(WriteBatch(updates=(update_by_id(
        "K-001", change("Catatan Sistem", f"[2026-11-30 09:00] {reason}",
                        f"[2026-11-30 09:00] {reason}\nJudul kosong.")),)))
    assert openpyxl.load_workbook(register.path)["Register"]["C2"].comment is not None


# --- who holds the workbook open -------------------------------------------------------

@pytest.mark.parametrize(("lock_name", "content", "holder"), [
    (".~lock.register.xlsx#", b",Sari Wulandari,PC-HUMAS,30.11.2026 09:00,file:///home/sari/.config/lo/4;",
     ""),
    (".~lock.register.xlsx#", b"Sari Wulandari,sari,PC-HUMAS,30.11.2026 09:00,file:///x;", "Sari Wulandari"),
    ("~$register.xlsx", bytes([4]) + b"Budi" + b" " * 50, "Budi"),
])
def test_the_lock_file_names_who_holds_the_workbook(tmp_path, lock_name, content, holder):
    register = make_register(tmp_path)
    assert register.lock() is None
    (tmp_path / lock_name).write_bytes(content)
    lock = register.lock()
    assert lock is not None and lock.file == lock_name
    assert lock.holder == (holder or "Sari Wulandari")  # an empty name field: the system user's field
    first = lock.episode
    (tmp_path / lock_name).unlink()
    (tmp_path / lock_name).write_bytes(content + b" ")
    assert register.lock().episode != first  # another opening
