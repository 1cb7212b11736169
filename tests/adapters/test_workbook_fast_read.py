"""The register's fast read: the same texts as openpyxl's full parse, and no parse when nothing changed.

The reference is what the daemon read before the fast reader: openpyxl's full load and `cell_text`
of each cell's value and number format (tests/people.py reads the workbook the same way).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from automation.adapters.local import workbook_read
from automation.adapters.local.workbook import WorkbookRegister, cell_text
from automation.ports import CellChange, RowAnchor, RowUpdate, WriteBatch

HEADERS = ["ID", "Judul", "Tahap", "Tenggat", "Catatan"]
FORMATS = ["General", "dd/mm/yyyy hh:mm", "yyyy-mm-dd", "hh:mm", "mm-dd-yy", "d-mmm", "[h]:mm:ss",
           "0.00", "0%", "@", "dd/mm/yyyy", "h:mm AM/PM", "yyyy-mm-dd hh:mm:ss"]

# --- the reference ----------------------------------------------------------------------------

def reference_table(ws) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Headers and rows as the daemon read them with openpyxl's full parse."""
    headers = [cell_text(c.value).strip() for c in ws[1]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    if headers:
        for cells in ws.iter_rows(min_row=2, max_col=len(headers)):
            row = tuple(cell_text(c.value, c.number_format) for c in cells)
            rows.append(row + ("",) * (len(headers) - len(row)))
    while rows and not any(rows[-1]):
        rows.pop()
    return tuple(headers), tuple(rows)


def reference_last_log_no(ws) -> int:
    numbers = []
    for (value,) in ws.iter_rows(min_row=2, max_col=1, values_only=True):
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            numbers.append(int(value))
        elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
            numbers.append(int(value.strip()))
    return max(numbers, default=0)


def assert_reads_like_openpyxl(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    snapshot = WorkbookRegister(path).read()
    assert (snapshot.register.headers, snapshot.register.rows) == reference_table(wb["Register"])
    assert (snapshot.roster.headers, snapshot.roster.rows) == reference_table(wb["Petugas"])
    assert snapshot.log_last_no == reference_last_log_no(wb["Log"])


def fast_path_taken(path: Path) -> bool:
    return workbook_read._calamine_values(path.read_bytes(), ("Register", "Petugas"), ("Log",)) is not None


def new_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.active.title = "Register"
    wb["Register"].append(HEADERS)
    wb.create_sheet("Petugas").append(["Nama", "Email", "Peran"])
    wb.create_sheet("Log").append(["No", "Waktu", "Kejadian"])
    return wb


# --- the values people and the daemon put in cells ----------------------------------------------

moments = st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1))
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
values = st.one_of(
    st.none(),
    texts,
    st.sampled_from(["0812345678", "007", "  spasi  ", "Ünïcødé ✓ 日本", "baris\nbaru", "TRUE", "1e5", "-"]),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.booleans(),
    moments,
    moments.map(lambda m: m.replace(hour=0, minute=0, second=0, microsecond=0)),  # midnight date-times
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)).map(lambda d: timedelta(seconds=int(d.total_seconds()))),
)
cells = st.tuples(st.integers(2, 14), st.integers(1, 6), values, st.sampled_from(FORMATS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filled=st.lists(cells, max_size=40), merge=st.booleans(), hide=st.booleans(),
       log_numbers=st.lists(st.one_of(st.integers(0, 10**6), st.sampled_from(["12", " 7 ", "x", ""])), max_size=6))
def test_the_fast_read_gives_exactly_openpyxls_texts(tmp_path_factory, filled, merge, hide, log_numbers):
    wb = new_workbook()
    ws = wb["Register"]
    for row, column, value, number_format in filled:
        cell = ws.cell(row, column)
        cell.value = value
        cell.number_format = number_format
    if merge:
        ws.merge_cells("B3:C4")  # openpyxl empties all but the top-left cell
    if hide:
        ws.row_dimensions[3].hidden = True
    for number in log_numbers:
        wb["Log"].append([number, "2026-03-10 10:00", "kejadian"])
    path = tmp_path_factory.mktemp("wb") / "register.xlsx"
    wb.save(path)

    assert_reads_like_openpyxl(path)
    assert fast_path_taken(path) or any(out_of_dates(v, f) for _, _, v, f in filled)


def out_of_dates(value: object, number_format: str) -> bool:
    """A number no date can show: openpyxl makes an error cell of it, so the fast read leaves it to openpyxl."""
    return (number_format not in ("General", "0.00", "0%", "@") and isinstance(value, (int, float))
            and not isinstance(value, bool) and not 0 <= value < 2958466)


def test_every_kind_of_date_cell_reads_as_before(tmp_path):
    """Where calamine alone differs: a midnight date-time, a date format over a time, a time format
    over a date-time (calamine says 2026-03-10 / 10:30 date-time; openpyxl's format decides)."""
    wb = new_workbook()
    ws = wb["Register"]
    cases = [
        (datetime(2026, 3, 10, 0, 0), "dd/mm/yyyy hh:mm", "2026-03-10 00:00"),
        (datetime(2026, 3, 10, 10, 30), "yyyy-mm-dd", "2026-03-10"),
        (datetime(2026, 3, 10, 10, 30), "hh:mm", "10:30"),
        (time(10, 30), "hh:mm", "10:30"),
        (45000, "dd/mm/yyyy hh:mm", "2023-03-15 00:00"),
        (45000.5, "mm-dd-yy", "2023-03-15"),
    ]
    for row, (value, number_format, _) in enumerate(cases, start=2):
        ws.cell(row, 1).value = f"K-{row}"
        ws.cell(row, 4).value = value
        ws.cell(row, 4).number_format = number_format
    path = tmp_path / "register.xlsx"
    wb.save(path)

    rows = WorkbookRegister(path).read().register.rows
    assert [r[3] for r in rows] == [text for _, _, text in cases]
    assert fast_path_taken(path)
    assert_reads_like_openpyxl(path)


@pytest.mark.parametrize("kind", ["formula", "array formula", "error", "escaped character", "formula in the Log"])
def test_what_calamine_reads_otherwise_is_read_by_openpyxl(tmp_path, kind):
    wb = new_workbook()
    ws = wb["Register"]
    ws.append(["K-1", "Judul", "2. Verifikasi", None, None])
    wb["Log"].append([3, "2026-03-10 10:00", "kejadian"])
    if kind == "formula in the Log":  # a person numbering the Log with a formula: openpyxl sees "=A2+1"
        wb["Log"].append(["=A2+1", "2026-03-10 10:05", "kejadian"])
        wb["Log"].append(["shared", "2026-03-10 10:06", "kejadian"])
    if kind == "formula":
        ws["E2"] = "=1+2"  # a person's formula reads as its text, as it always did
    elif kind == "array formula":
        ws["E2"] = ArrayFormula("E2:E2", "=SUM(A1:A1)")
    elif kind == "error":
        ws["E2"] = "#N/A"
        ws["E2"].data_type = "e"
    elif kind == "escaped character":
        ws["E2"] = "a_x000D_b"
    path = tmp_path / "register.xlsx"
    wb.save(path)

    assert not fast_path_taken(path)
    assert_reads_like_openpyxl(path)


SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
INLINE = re.compile(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.DOTALL)


def as_excel_saves_it(path: Path) -> None:
    """Text moved to sharedStrings.xml and the attributes of D2 in another order, as other programs write."""
    strings: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        strings.append(match.group(3))
        return b'<c r="' + match.group(1) + b'"' + (match.group(2) or b"") + b' t="s"><v>%d</v></c>' % (len(strings) - 1)

    rewritten = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = INLINE.sub(shared, data)
                data = data.replace(b'<c r="D2" s="1"', b'<c s="1" r="D2"')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    + SHARED_STRINGS.encode() + b'" /></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                                    b'Id="rId99" /></Relationships>')
            target.writestr(item, data)
        items = b"".join(b"<si><t xml:space=\"preserve\">" + text + b"</t></si>" for text in strings)
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings)) + items + b"</sst>")
    path.write_bytes(rewritten.getvalue())


def test_a_workbook_saved_with_shared_strings_and_attributes_in_another_order_reads_the_same(tmp_path):
    wb = new_workbook()
    ws = wb["Register"]
    ws.append(["K-1", "  Judul & <Acara>  ", "2. Verifikasi", datetime(2026, 3, 10, 10, 0), "catatan\nbaris"])
    ws["D2"].number_format = "dd/mm/yyyy hh:mm"
    wb["Petugas"].append(["Sari", "sari@example.go.id", "Tim Konten"])
    for number in (5, "6"):
        wb["Log"].append([number, "2026-03-10 10:00", "kejadian"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    as_excel_saves_it(path)
    assert b'<c s="1" r="D2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    snapshot = WorkbookRegister(path).read()
    assert snapshot.register.rows[0] == ("K-1", "  Judul & <Acara>  ", "2. Verifikasi", "2026-03-10 10:00",
                                         "catatan\nbaris")
    assert snapshot.log_last_no == 6
    assert fast_path_taken(path)
    assert_reads_like_openpyxl(path)


# --- the tabs' XML read piece by piece ---------------------------------------------------------------

def read_in_pieces(path: Path, piece_size: int) -> dict[str, workbook_read.Sheet] | None:
    return workbook_read._calamine_values(path.read_bytes(), ("Register", "Petugas"), ("Log",), piece_size)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filled=st.lists(cells, max_size=40), merge=st.booleans(), shared=st.booleans(),
       log_numbers=st.lists(st.one_of(st.integers(0, 10**6), st.sampled_from(["12", " 7 ", "x", ""])), max_size=12),
       piece_size=st.sampled_from([1, 7, 64, 300]))
def test_reading_the_xml_in_small_pieces_reads_what_reading_it_whole_reads(tmp_path_factory, filled, merge, shared,
                                                                          log_numbers, piece_size):
    """Every piece ends after a row, so no cell is ever cut: pieces of any size give the same values."""
    wb = new_workbook()
    ws = wb["Register"]
    for row, column, value, number_format in filled:
        ws.cell(row, column).value = value
        ws.cell(row, column).number_format = number_format
    if merge:
        ws.merge_cells("B3:C4")
    for number in log_numbers:
        wb["Log"].append([number, "2026-03-10 10:00", "kejadian"])
    path = tmp_path_factory.mktemp("wb") / "register.xlsx"
    wb.save(path)
    if shared:
        as_excel_saves_it(path)

    whole = read_in_pieces(path, 1 << 30)
    assert read_in_pieces(path, piece_size) == whole
    if whole is not None:
        assert [len(p) for p in workbook_read.part_pieces(zipfile.ZipFile(path), "xl/worksheets/sheet1.xml", 64)]


def test_a_log_read_in_pieces_is_checked_whole_once_its_column_a_needs_calamine(tmp_path):
    """Column A turns out to hold a shared string only in a late piece, and an early piece holds a formula
    (what calamine reads otherwise than openpyxl): the earlier pieces are checked too, and openpyxl reads."""
    wb = new_workbook()
    log = wb["Log"]
    log["A1"] = 0  # no text in column A but the last cell's
    for number in range(1, 200):
        log.append([number, "2026-03-10 10:00", "kejadian"])
    log["C5"] = "=1+1"
    log.append(["teks", "2026-03-10 10:06", "kejadian"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    as_excel_saves_it(path)  # the texts, "teks" in A201 too, move to sharedStrings.xml

    assert read_in_pieces(path, 256) is None
    assert read_in_pieces(path, 1 << 30) is None
    assert_reads_like_openpyxl(path)


def test_a_duration_out_of_pythons_range_is_left_to_openpyxl(tmp_path):
    """A serial no timedelta can hold stops calamine (OverflowError): openpyxl reads the file (an error cell),
    where the read used to fail as if the file were damaged."""
    wb = new_workbook()
    wb["Register"]["A2"] = 1_000_000_000
    wb["Register"]["A2"].number_format = "[h]:mm:ss"
    path = tmp_path / "register.xlsx"
    wb.save(path)

    assert not fast_path_taken(path)
    assert_reads_like_openpyxl(path)


def test_a_tab_whose_cells_start_past_a1_reads_like_openpyxl(tmp_path):
    """calamine's rows start at the first cell used: the empty rows and columns before it are put back."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for column, header in enumerate(HEADERS, start=2):
        ws.cell(1, column).value = header
    ws.cell(2, 2).value = "K-1"
    ws.cell(2, 5).value = datetime(2026, 3, 10, 10, 0)
    ws.cell(2, 5).number_format = "dd/mm/yyyy hh:mm"
    roster = wb.create_sheet("Petugas")
    roster.cell(3, 3).value = "Sari"
    wb.create_sheet("Log").append(["No", "Waktu", "Kejadian"])
    path = tmp_path / "register.xlsx"
    wb.save(path)

    assert fast_path_taken(path)
    assert_reads_like_openpyxl(path)


def test_a_new_read_shares_the_texts_the_last_read_holds(tmp_path):
    """A person's save changes a few cells; the rest of the new read is the very strings already held
    (by the last snapshot, the engine's rows, the journal's states), not a second copy of the register."""
    path = tmp_path / "register.xlsx"
    wb = new_workbook()
    for n in range(1, 4):
        wb["Register"].append([f"K-{n}", f"Judul panjang nomor {n} " * 5, "2. Verifikasi", None, "catatan " * 20])
    wb.save(path)
    register = WorkbookRegister(path)
    first = register.read().register.rows

    edited = openpyxl.load_workbook(path)
    edited["Register"]["C3"] = "3. Desain"
    edited.save(path)
    second = register.read().register.rows

    assert second[1][2] == "3. Desain"
    for before, after in zip(first, second, strict=True):
        for old, new in zip(before, after, strict=True):
            assert new is old or new != old


# --- parsed only when the bytes changed ----------------------------------------------------------

def stored_zip(path: Path, values: dict[str, str]) -> None:
    """A register whose parts are stored uncompressed: a same-length edit keeps the file's size."""
    wb = new_workbook()
    for header, value in values.items():
        wb["Register"].cell(2, HEADERS.index(header) + 1).value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), compress_type=zipfile.ZIP_STORED)
    if path.exists():  # in place, like an editor that rewrites the file: same inode
        with open(path, "r+b") as handle:
            handle.write(out.getvalue())
            handle.truncate()
    else:
        path.write_bytes(out.getvalue())


def test_an_unchanged_file_gives_the_same_snapshot_without_parsing(tmp_path):
    path = tmp_path / "register.xlsx"
    stored_zip(path, {"ID": "K-1", "Tahap": "AAAA"})
    register = WorkbookRegister(path)
    first = register.read()
    assert register.read() is first  # the kept snapshot: nothing parsed
    os.utime(path)  # touched, same bytes: still nothing to parse
    assert register.read() is first


def test_a_save_keeping_size_mtime_and_inode_is_still_seen(tmp_path):
    path = tmp_path / "register.xlsx"
    stored_zip(path, {"ID": "K-1", "Tahap": "AAAA"})
    register = WorkbookRegister(path)
    assert register.read().register.rows[0][2] == "AAAA"
    before = path.stat()

    stored_zip(path, {"ID": "K-1", "Tahap": "BBBB"})
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)

    assert register.read().register.rows[0][2] == "BBBB"


def test_after_its_own_write_the_daemon_reads_what_it_wrote_and_then_a_persons_save(tmp_path):
    path = tmp_path / "register.xlsx"
    wb = new_workbook()
    wb["Register"].append(["K-1", "Judul", "2. Verifikasi", None, None])
    wb.save(path)
    register = WorkbookRegister(path)
    assert register.read().register.rows[0][2] == "2. Verifikasi"

    change = CellChange(column="Tahap", expected="2. Verifikasi", value="3. Desain")
    result = register.write(WriteBatch(updates=(RowUpdate(anchor=RowAnchor(item_id="K-1", read_index=0),
                                                          changes=(change,)),)))
    assert result.written
    assert register.read().register.rows[0][2] == "3. Desain"

    edited = openpyxl.load_workbook(path)  # a person saves right away, in the same second
    edited["Register"]["C2"] = "4. Review"
    edited.save(path)
    assert register.read().register.rows[0][2] == "4. Review"


# --- openpyxl's rules, as workbook_read keeps them without loading openpyxl --------------------------

format_codes = st.one_of(
    st.sampled_from([*FORMATS, "[$-421]dd mmmm yyyy", '"Tanggal" dd', "[Red]0.00", "h:mm;@", "[mm]:ss",
                     "[ss].00", "0_);(0)", r"\d", "_d", "General;[Red]-General", "yyyy\\-mm\\-dd", "[hh]"]),
    st.text(st.sampled_from('dmyhsDMYHS0#.,:;"[]$-_\\@ %'), max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(code=format_codes)
def test_the_number_format_rules_are_openpyxls(code):
    from openpyxl.styles import numbers

    assert workbook_read.is_date_format(code) == numbers.is_date_format(code)
    assert workbook_read.is_timedelta_format(code) == numbers.is_timedelta_format(code)
    assert workbook_read.date_kind(code) == numbers.is_datetime(code)


def test_the_builtin_formats_are_openpyxls():
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    assert workbook_read.BUILTIN_FORMATS == BUILTIN_FORMATS


@settings(max_examples=300, deadline=None)
@given(serial=st.one_of(st.floats(min_value=0, max_value=2958465, allow_nan=False),
                        st.integers(min_value=0, max_value=2958465), st.sampled_from([0, 0.5, 59, 60, 61, 1e-9])),
       duration=st.booleans())
def test_serial_dates_convert_as_openpyxl_converts_them(serial, duration):
    from openpyxl.utils.datetime import from_excel

    assert workbook_read.from_excel(serial, duration) == from_excel(serial, timedelta=duration)


@pytest.mark.parametrize("letters", ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"])
def test_column_letters_count_as_openpyxls(letters):
    from openpyxl.utils.cell import column_index_from_string

    assert workbook_read.column_index(letters) == column_index_from_string(letters)
