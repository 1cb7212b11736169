"""The register written by patching its XML gives exactly what openpyxl's full load-and-save gives.

The reference is the openpyxl path (`_apply_parsed`), which the daemon used for every write before and
still uses for the shapes the patch leaves to it (cell notes, formulas, merged cells). Both are read
back the way the daemon reads (`WorkbookRegister.read`) and with openpyxl (fills, number formats).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.adapters.local import workbook_patch
from automation.adapters.local.workbook import WorkbookRegister
from automation.adapters.local.workbook_patch import Unsupported, WorkbookPatch
from automation.domain.contract import DUE, ID, LOG_HEADERS, NOTES, ROSTER_HEADERS, TITLE, Contract
from automation.domain.sop import load_sop
from automation.ports import CellChange, RowAnchor, RowUpdate, WriteBatch

CONTRACT = Contract(load_sop(None))
TIME = CONTRACT.time(3)
STATUS = CONTRACT.status(3)
COLUMNS = (TITLE, NOTES, TIME, DUE, STATUS)


def laid_out(path: Path) -> WorkbookRegister:
    return WorkbookRegister.create(path, CONTRACT.register_headers, ROSTER_HEADERS, LOG_HEADERS,
                                   [["Sari", "sari@example.go.id", "Tim Konten", "Ya"]], contract=CONTRACT)


def with_rows(path: Path, rows: list[dict[str, str]], log_numbers: list[int]) -> None:
    """Rows typed as a person (or an older daemon) left them, saved by openpyxl."""
    from automation.adapters.local.workbook import set_value
    from automation.adapters.local.workbook_patch import is_time_column

    wb = openpyxl.load_workbook(path)
    ws, log = wb["Register"], wb["Log"]
    columns = {c.value: c.column for c in ws[1]}
    for index, row in enumerate(rows, start=2):
        for header, value in row.items():
            if value:
                set_value(ws.cell(index, columns[header]), value, is_time_column(CONTRACT, header))
    for index, number in enumerate(log_numbers, start=2):
        log.cell(index, 1).value = number
        log.cell(index, 2).value = "2026-03-01 09:00"
    wb.save(path)


def apply_with_openpyxl(register: WorkbookRegister, batch: WriteBatch):
    data, read = register._read_bytes()
    outcome, wb = register._apply_parsed(batch, data)
    if outcome.changed:
        assert register._replace_if_unchanged(wb, read) == ""
    return outcome


def apply_patched(register: WorkbookRegister, batch: WriteBatch):
    register.read()  # as in a cycle: the write reuses the values read
    data, read = register._read_bytes()
    outcome, content, _ = register._apply_patched(batch, data, read)  # raises Unsupported if it cannot
    if outcome.changed:
        assert register._replace_if_unchanged(content, read) == ""
    return outcome


def looks(path: Path) -> dict[str, object]:
    """What a person sees of the daemon's work: values as read, fills and formats of the touched columns."""
    register = WorkbookRegister(path, contract=CONTRACT).read()
    wb = openpyxl.load_workbook(path)
    ws = wb["Register"]
    columns = {c.value: c.column for c in ws[1]}
    styles = {}
    for row in range(2, ws.max_row + 1):
        for header in (DUE, TIME):
            cell = ws.cell(row, columns[header])
            styles[(row, header)] = (cell.fill.fill_type, cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                                     cell.number_format if cell.value is not None else None)
    log = [tuple(c.value for c in cells) for cells in wb["Log"].iter_rows()]
    while log and not any(v not in (None, "") for v in log[-1]):
        log.pop()
    return {"register": register.register, "log_last_no": register.log_last_no, "styles": styles, "log": log}


# --- the property --------------------------------------------------------------------------------

texts = st.text(alphabet=st.sampled_from(list("ab <&>\"'\n\r\t\x01\x1f é🙂=")), max_size=8)
times = st.sampled_from(["2026-03-10 10:05", "2026-01-01 00:00", "2026-3-10 10:05", "10/03/2026 10:05", ""])
values = st.one_of(texts, times, st.sampled_from(["Menunggu", "Selesai", "=SUM(A1)", "  spasi  "]))
ids = st.sampled_from(["K-001", "K-002", "K-003", "", "k-001 "])


# What a person typed, saved by openpyxl. A text of spaces only is left out: openpyxl stores it without
# xml:space="preserve", and then calamine reads "" where openpyxl reads the spaces.
typed_texts, typed_values = (s.map(lambda v: v if v.strip() else "") for s in (texts, values))


@st.composite
def registers(draw):
    rows = [{ID: draw(ids), TITLE: draw(st.sampled_from(["Satu", "Dua", "Satu", ""])),
             NOTES: draw(typed_texts), TIME: draw(times), DUE: draw(times), STATUS: draw(typed_values)}
            for _ in range(draw(st.integers(0, 5)))]
    log_numbers = draw(st.lists(st.integers(1, 9), max_size=3))
    return rows, log_numbers


@st.composite
def batches(draw, rows):
    updates = []
    for _ in range(draw(st.integers(0, 4))):
        if rows and draw(st.booleans()):
            index = draw(st.integers(0, len(rows) - 1))
            anchor = RowAnchor(item_id=rows[index][ID].strip(), title=rows[index][TITLE], read_index=index)
            current = rows[index]
        else:
            anchor, current = RowAnchor(item_id=draw(st.sampled_from(["K-009", ""])), title="Tiada", read_index=7), {}
        changes = []
        for column in draw(st.lists(st.sampled_from(COLUMNS), unique=True, max_size=3)):
            expected = current.get(column, "") if draw(st.booleans()) else "lain"
            changes.append(CellChange(column, expected, draw(values)))
        updates.append(RowUpdate(anchor, tuple(changes), overdue=draw(st.sampled_from([None, True, False]))))
    appends = [{ID: draw(st.sampled_from(["K-001", "K-010", ""])), TITLE: "Baru", TIME: draw(times), NOTES: draw(texts)}
               for _ in range(draw(st.integers(0, 2)))]
    log_rows = [(str(draw(st.integers(1, 12))), "2026-03-10 10:00", "K-001", draw(texts))
                for _ in range(draw(st.integers(0, 3)))]
    return WriteBatch(updates=tuple(updates), appends=tuple(appends), log_rows=tuple(log_rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_patching_the_xml_writes_exactly_what_openpyxl_writes(tmp_path_factory, data):
    rows, log_numbers = data.draw(registers())
    batch = data.draw(batches(rows))
    folder = tmp_path_factory.mktemp("patch")
    base = folder / "base.xlsx"
    laid_out(base)
    with_rows(base, rows, log_numbers)
    shutil.copy(base, folder / "patched.xlsx")
    shutil.copy(base, folder / "parsed.xlsx")

    register = WorkbookRegister(folder / "patched.xlsx", contract=CONTRACT)
    register.read()  # as in a cycle: the write starts from the values read
    data, read = register._read_bytes()
    patched = register._apply_patched(batch, data, read)[0]  # what the write does, and that it can patch this
    result = register.write(batch)
    parsed = apply_with_openpyxl(WorkbookRegister(folder / "parsed.xlsx", contract=CONTRACT), batch)

    assert (patched.changed, patched.skipped, patched.warnings) == (parsed.changed, parsed.skipped, parsed.warnings)
    assert result.written and list(result.skipped) == parsed.skipped
    assert as_openpyxl_keeps(looks(folder / "patched.xlsx")) == as_openpyxl_keeps(looks(folder / "parsed.xlsx"))
    # The snapshot the write kept for its own bytes is what parsing them gives.
    assert register.read() == WorkbookRegister(folder / "patched.xlsx", contract=CONTRACT).read()


def as_openpyxl_keeps(seen: dict[str, object]) -> dict[str, object]:
    """openpyxl writes a text of spaces only without xml:space="preserve" and a carriage return raw, so
    the fast read gets "" and a line feed back; the patch keeps both (see the test after this one)."""
    def kept(text: str) -> str:
        return "" if not text.strip() else text.replace("\r\n", "\n").replace("\r", "\n")

    register = seen["register"]
    rows = tuple(tuple(kept(v) for v in row) for row in register.rows)  # type: ignore[attr-defined]
    log = [tuple(v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for v in line)
           for line in seen["log"]]  # type: ignore[attr-defined]
    return {**seen, "register": (register.headers, rows), "log": log}  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [" ", "  dua spasi  ", "baris\r\nbaru", "\r", "<b>&amp;</b>"])
def test_the_patch_reads_back_exactly_the_text_it_wrote(tmp_path, text):
    register = register_with(tmp_path, [{ID: "K-001", TITLE: "Satu"}])
    apply_patched(register, WriteBatch(updates=(by_id("K-001", CellChange(NOTES, "", text)),)))
    snapshot = WorkbookRegister(register.path, contract=CONTRACT).read()
    assert snapshot.register.rows[0][snapshot.register.headers.index(NOTES)] == text


# --- what the patch keeps and where it steps aside ---------------------------------------------------------

def register_with(tmp_path: Path, rows: list[dict[str, str]]) -> WorkbookRegister:
    path = tmp_path / "register.xlsx"
    laid_out(path)
    with_rows(path, rows, [1, 2])
    return WorkbookRegister(path, contract=CONTRACT)


def by_id(item_id: str, *changes: CellChange, overdue: bool | None = None) -> RowUpdate:
    return RowUpdate(RowAnchor(item_id=item_id, read_index=-1), changes, overdue=overdue)


def test_every_part_but_the_changed_rows_is_kept_byte_for_byte(tmp_path):
    register = register_with(tmp_path, [{ID: f"K-{n:03}", TITLE: f"Judul {n}"} for n in range(1, 30)])
    before = zipfile.ZipFile(io.BytesIO(register.path.read_bytes()))
    apply_patched(register, WriteBatch(updates=(by_id("K-015", CellChange(NOTES, "", "baru")),)))
    after = zipfile.ZipFile(io.BytesIO(register.path.read_bytes()))

    assert [i.filename for i in after.infolist()] == [i.filename for i in before.infolist()]
    changed = {name for name in before.namelist() if before.read(name) != after.read(name)}
    assert changed == {"xl/worksheets/sheet1.xml"}
    old, new = before.read("xl/worksheets/sheet1.xml"), after.read("xl/worksheets/sheet1.xml")
    row = old.index(b'<row r="16"')
    assert new[:row] == old[:row]
    assert new[new.index(b'<row r="17"'):] == old[old.index(b'<row r="17"'):]


def excel_like(data: bytes) -> bytes:
    """The same workbook as Excel would store it: shared strings, `spans` on rows, attributes reordered."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml")
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match.group(3))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), len(strings) - 1)

    sheet = re.sub(rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is>(<t[^>]*>[^<]*</t>)</is></c>', shared, sheet)
    sheet = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:34"', sheet)
    sheet = re.sub(rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c s="\2" r="\1"', sheet)
    table = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
             % (len(strings), len(strings)) + b"".join(b"<si>%s</si>" % s for s in strings) + b"</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            elif info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.'
                                          b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                          b'Target="sharedStrings.xml"/></Relationships>')
            target.writestr(info.filename, content)
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def test_a_workbook_saved_by_excel_is_patched_and_keeps_its_shared_strings(tmp_path):
    register = register_with(tmp_path, [{ID: "K-001", TITLE: "Satu", TIME: "2026-03-09 08:00"},
                                        {ID: "K-002", TITLE: "Dua"}])
    register.path.write_bytes(excel_like(register.path.read_bytes()))
    before = register.read()
    batch = WriteBatch(updates=(by_id("K-002", CellChange(NOTES, "", "catatan"), CellChange(TIME, "", "2026-03-10 10:05"),
                                      overdue=True),),
                       appends=({ID: "K-003", TITLE: "Tiga"},), log_rows=(("3", "2026-03-10 10:05", "K-002", "x"),))
    apply_patched(register, batch)

    after = WorkbookRegister(register.path, contract=CONTRACT).read()
    rows = {r[0]: dict(zip(after.register.headers, r, strict=True)) for r in after.register.rows}
    assert rows["K-001"] == dict(zip(before.register.headers, before.register.rows[0], strict=True))
    assert (rows["K-002"][NOTES], rows["K-002"][TIME], rows["K-003"][TITLE]) == ("catatan", "2026-03-10 10:05", "Tiga")
    assert after.log_last_no == 3
    sheet = zipfile.ZipFile(register.path).read("xl/worksheets/sheet1.xml")
    assert b'<row r="3">' in sheet and b'<row r="2" spans="1:34">' in sheet  # the hint dropped where cells changed
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws.cell(3, CONTRACT.register_headers.index(DUE) + 1).fill.fgColor.rgb == workbook_patch.OVERDUE_COLOUR


@pytest.mark.parametrize("shape", ["note", "merged", "formula"])
def test_shapes_the_patch_leaves_to_openpyxl_are_still_written(tmp_path, shape):
    register = register_with(tmp_path, [{ID: "K-001", TITLE: "Satu"}, {ID: "K-002", TITLE: "Dua"}])
    column = CONTRACT.register_headers.index(NOTES) + 1
    note = "alasan" if shape == "note" else ""
    if shape != "note":
        wb = openpyxl.load_workbook(register.path)
        ws = wb["Register"]
        if shape == "merged":
            ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=2)
        else:
            ws.cell(6, column).value = "=1+1"
        wb.save(register.path)
    batch = WriteBatch(updates=(by_id("K-002", CellChange(NOTES, "", "ditolak", note=note)),))
    data, read = register._read_bytes()
    with pytest.raises(Unsupported):
        register._apply_patched(batch, data, read)

    assert register.write(batch).written
    ws = openpyxl.load_workbook(register.path)["Register"]
    assert ws.cell(3, column).value == "ditolak"
    assert (ws.cell(3, column).comment is not None) == (shape == "note")


def test_a_plain_cycle_writes_without_loading_openpyxl(tmp_path):
    register = register_with(tmp_path, [{ID: "K-001", TITLE: "Satu"}])
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from automation.adapters.local.workbook import WorkbookRegister
        from automation.domain.contract import Contract
        from automation.domain.sop import load_sop
        from automation.ports import CellChange, RowAnchor, RowUpdate, WriteBatch
        register = WorkbookRegister(Path({str(register.path)!r}), contract=Contract(load_sop(None)))
        register.read()
        batch = WriteBatch(updates=(RowUpdate(RowAnchor(item_id="K-001"), (CellChange({NOTES!r}, "", "x"),), overdue=True),),
                           log_rows=(("3", "2026-03-10 10:00", "K-001", "x"),))
        assert register.write(batch).written
        print("openpyxl" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert openpyxl.load_workbook(register.path)["Register"].cell(2, CONTRACT.register_headers.index(NOTES) + 1).value == "x"


def test_the_patch_uses_openpyxls_rules_for_characters_and_serial_dates():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils.datetime import to_excel

    assert workbook_patch.ILLEGAL_CHARACTERS.pattern == ILLEGAL_CHARACTERS_RE.pattern
    for when in (datetime(2026, 3, 10, 10, 5), datetime(1900, 3, 1), datetime(2031, 12, 31, 23, 59)):
        assert workbook_patch.excel_serial(when) == pytest.approx(to_excel(when), abs=1e-9)


def test_a_file_it_cannot_open_is_left_to_openpyxl(tmp_path):
    with pytest.raises(Unsupported):
        WorkbookPatch(b"not a zip")


def test_the_read_after_the_daemons_own_write_parses_nothing_and_a_later_save_is_seen(tmp_path):
    register = register_with(tmp_path, [{ID: "K-001", TITLE: "Satu"}, {ID: "K-002", TITLE: "Dua"}])
    register.read()
    batch = WriteBatch(updates=(by_id("K-002", CellChange(NOTES, "", "baru"), overdue=True),),
                       appends=({ID: "K-003", TITLE: "Tiga", TIME: "2026-03-10 10:05"},),
                       log_rows=(("3", "2026-03-10 10:05", "K-002", "x"),))
    assert register.write(batch).written
    kept = register._last_read
    assert kept is not None and register.read() is kept[1]  # the write's own snapshot, no parse
    assert kept[1] == WorkbookRegister(register.path, contract=CONTRACT).read()

    wb = openpyxl.load_workbook(register.path)  # a person saves right after
    wb["Register"].cell(3, 2).value = "Dua (baru)"
    wb.save(register.path)
    assert register.read().register.rows[1][1] == "Dua (baru)"
