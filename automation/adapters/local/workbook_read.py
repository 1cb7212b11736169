"""Reading the register's cell values fast (python-calamine), exactly as openpyxl would read them.

openpyxl parses every cell into an object with its style: 85% of an idle cycle at 10,000 rows.
calamine reads values only, several times faster, but it does not say which number format a cell
has, and `cell_text` needs it to tell a date from a date-time. So the stylesheet is read with
openpyxl's rules (copied below, checked against openpyxl by the tests), the cells with a date
style are found by their style index in the sheet's XML, and their value is made from the stored
serial number as openpyxl makes it. Where calamine and openpyxl could disagree (formulas, error
cells, ISO date cells, `_xHHHH_` escapes, the 1904 date system, a format calamine takes for a date
and openpyxl not), the file is read with openpyxl (read-only) instead. The Log's column A, all a
cycle needs of the longest tab, comes straight from its XML. A tab's XML is scanned in pieces
(`part_pieces`), never held whole; texts are interned, so a new read shares the strings the last one left.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from sys import intern
from typing import cast
from xml.etree import ElementTree

from automation.adapters.memory import release_free_memory

Xml = bytes | bytearray  # a part's XML; big tabs are read into a bytearray (`read_part`)
CellValue = object  # what openpyxl would hold: None, str, int, float, bool, datetime, time, timedelta

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# What makes calamine's values differ from openpyxl's: a formula (openpyxl keeps "=..."), an error
# or ISO-date cell, an escaped character (calamine unescapes `_x000D_` in inline strings, openpyxl not).
_DIFFERING_MARKS = (b"<f>", b"<f ", b"<f/", b't="e"', b't="d"')
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
PIECE_SIZE = 1 << 20  # how much of a tab's XML is decompressed at a time (`part_pieces`)


@dataclass(frozen=True)
class Sheet:
    """A tab's values by (row, column), 1-based, with the number format of the cells that need one."""

    rows: list[list[CellValue]]  # rows[r - 1][c - 1]; "" or a short row: an empty cell
    formats: dict[tuple[int, int], str]  # date-formatted cells only; "General" elsewhere

    def value(self, row: int, column: int) -> CellValue:
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return ""
        return self.rows[row - 1][column - 1]

    def number_format(self, row: int, column: int) -> str:
        return self.formats.get((row, column), "General")


def read_values(data: bytes, tabs: Sequence[str], first_column_only: Sequence[str] = ()) -> dict[str, Sheet]:
    """The values of `tabs` (those present) as openpyxl reads them; of `first_column_only` only column A.

    Fast with calamine when its values are openpyxl's, else openpyxl read-only. Raises what openpyxl
    raises for a file it cannot read."""
    try:
        fast = _calamine_values(data, tabs, first_column_only)
    except (ValueError, KeyError, IndexError, UnicodeDecodeError):  # XML the patterns did not foresee
        fast = None
    return fast if fast is not None else _openpyxl_values(data, tabs, first_column_only)


def _calamine_values(data: bytes, tabs: Sequence[str], first_column_only: Sequence[str],
                     piece_size: int = PIECE_SIZE) -> dict[str, Sheet] | None:
    import python_calamine

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = _sheet_paths(archive)
        styles = _date_styles(archive)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, python_calamine.CalamineError):
        return None  # openpyxl reads it, or says what is wrong with it
    if paths is None or styles is None:
        return None
    sheets = {}
    for tab in (*tabs, *first_column_only):
        if tab not in paths:
            continue
        try:
            if tab in first_column_only:
                pieces = partial(part_pieces, archive, paths[tab], piece_size)
                sheet = _first_column_sheet(book, tab, pieces, styles)
            else:
                # calamine first: its own copy of the sheet is freed (and given back) before the tab's XML
                # is read, so the two never add up at the peak.
                rows = _calamine_rows(book, tab)
                if rows is None:
                    return None
                release_free_memory()
                sheet = _with_dates(rows, part_pieces(archive, paths[tab], piece_size), styles)
        except (KeyError, zipfile.BadZipFile, python_calamine.CalamineError):
            return None
        if sheet is None:
            return None
        sheets[tab] = sheet
    return sheets


def _with_dates(rows: list[list[CellValue]], pieces: Iterable[Xml], styles: _DateStyles) -> Sheet | None:
    """calamine's values of a tab with openpyxl's dates put in, from the tab's XML read piece by piece;
    None where calamine and openpyxl could disagree."""
    formats: dict[tuple[int, int], str] = {}
    merged: list[tuple[int, int, int, int]] = []
    for xml in pieces:
        if _differs(xml):
            return None
        dated = _dated_cells(xml, styles)
        if dated is None:
            return None
        _put_dates(rows, dated, formats)
        merged += _merged(xml)
    return _values(rows, formats, merged)


def _first_column_sheet(book, tab: str, pieces: Callable[[], Iterable[Xml]], styles: _DateStyles) -> Sheet | None:
    """Column A of a long tab (the Log), from its XML read piece by piece (`pieces()`), else row by row by
    calamine."""
    import python_calamine

    values: dict[int, CellValue] | None = {}
    dated: dict[tuple[int, int], tuple[CellValue, str]] = {}
    merged: list[tuple[int, int, int, int]] = []
    for xml in pieces():
        found = _dated_cells(xml, styles)
        if found is None:
            return None
        dated.update((where, cell) for where, cell in found.items() if where[1] == 1)
        merged += _merged(xml)
        if values is not None and not _first_column_into(xml, values):
            values = None  # calamine reads the column, unless the tab holds what it reads otherwise
    if values is None and any(_differs(xml) for xml in pieces()):  # rare: read the XML again
        return None
    rows: list[list[CellValue]] = []
    if values:
        rows = [[values.get(r, "")] for r in range(1, max(values) + 1)]
    try:
        rows = rows or _first_column_calamine(book.get_sheet_by_name(tab))
    except python_calamine.CalamineError:
        return None
    formats: dict[tuple[int, int], str] = {}
    _put_dates(rows, dated, formats)
    return _values(rows, formats, merged)


def _calamine_rows(book, tab: str) -> list[list[CellValue]] | None:
    """The tab's values by calamine; None where it cannot make them (openpyxl reads the file instead).

    Row by row, each text shared (interned) as it comes: most are the same as the last read's, which the
    daemon still holds (the snapshot, the journal's item states), so the new copies are freed at once
    instead of all being held beside calamine's own copy of the sheet."""
    try:
        sheet = book.get_sheet_by_name(tab)
        first_row, first_column = sheet.start or (0, 0)
        rows: list[list[CellValue]] = [[] for _ in range(first_row)]  # a short row: empty cells
        before = [""] * first_column
        rows += [before + [intern(v) if type(v) is str else v for v in row] for row in sheet.iter_rows()]
        return rows
    except OverflowError:  # a serial out of Python's range for a date or duration: openpyxl makes an error cell
        return None
    except BaseException as exc:  # noqa: BLE001 - a Rust panic (a serial out of a duration's range) is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None


_COLUMN_A_NUMBER = re.compile(rb'<c r="A(\d+)"(?: s="0")?(?: t="n")?><v>(-?[0-9.Ee+-]+)</v></c>')
_COLUMN_A_CELL = re.compile(rb'<c r="A(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_INLINE_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")


def _first_column_into(xml: Xml, values: dict[int, CellValue]) -> bool:
    """Column A of a piece of a long tab (the Log) into `values` (row -> value), as openpyxl reads numbers,
    inline text and booleans; False for anything else (shared strings: calamine reads those)."""
    plain = _COLUMN_A_NUMBER.findall(xml)  # the usual Log: a header, then a number in every cell
    first = _COLUMN_A_CELL.search(xml)
    header = first is not None and first.group(1) == b"1" and not _COLUMN_A_NUMBER.match(xml, first.start())
    if len(plain) + header == xml.count(b'<c r="A'):
        cells: Iterable[re.Match[bytes]] = [first] if header and first is not None else []
        for row, text in plain:
            values[int(row)] = float(text) if b"." in text or b"E" in text or b"e" in text else int(text)
    else:
        cells = _COLUMN_A_CELL.finditer(xml)
    for match in cells:
        value = _column_a_value(match)
        if value is None:
            return False
        values[int(match.group(1))] = value
    return True


def _column_a_value(match: re.Match[bytes]) -> CellValue | None:
    """A cell's value as openpyxl reads it, "" when empty; None when only a full reader can tell."""
    import html

    attributes, body = match.group(2), match.group(3) or b""
    if any(mark in body for mark in _DIFFERING_MARKS) or b"<rPh" in body:  # phonetic runs: not the text
        return None
    kind = re.search(rb'\st="([^"]*)"', attributes)
    data_type = kind.group(1) if kind else b"n"
    if data_type == b"inlineStr":
        return html.unescape(b"".join(_INLINE_TEXT.findall(body)).decode())
    if data_type not in (b"n", b"b"):
        return None
    stored = _VALUE.search(body)
    if stored is None or not stored.group(1):
        return ""
    text = stored.group(1).decode()
    if data_type == b"b":
        return bool(int(text))
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _first_column_calamine(sheet) -> list[list[CellValue]]:
    """Column A row by row, so that the whole tab is never held at once."""
    first_row, first_column = sheet.start or (0, 0)
    rows: list[list[CellValue]] = [[""] for _ in range(first_row)]
    rows += [[row[0] if row and not first_column else ""] for row in sheet.iter_rows()]
    return rows


def _differs(xml: Xml) -> bool:
    """Whether the sheet holds what calamine reads otherwise than openpyxl (plain searches: fast)."""
    return any(mark in xml for mark in _DIFFERING_MARKS) or (b"_x" in xml and _ESCAPE.search(xml) is not None)


def _openpyxl_values(data: bytes, tabs: Sequence[str], first_column_only: Sequence[str]) -> dict[str, Sheet]:
    """The slow way, for what calamine cannot read as openpyxl does; read-only (no styles kept)."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = _sheet_paths(archive) or {}
            merged = {tab: _merged(archive.read(paths[tab])) for tab in (*tabs, *first_column_only) if tab in paths}
        sheets = {}
        for tab in (*tabs, *first_column_only):
            if tab not in book.sheetnames or not isinstance(book[tab], ReadOnlyWorksheet):
                continue
            rows: list[list[CellValue]] = []
            formats: dict[tuple[int, int], str] = {}
            ws = book[tab]
            ws.reset_dimensions()  # a saved <dimension> may be wrong; read what is there
            for r, cells in enumerate(ws.iter_rows(max_col=1 if tab in first_column_only else None), start=1):
                row: list[CellValue] = []
                for c, cell in enumerate(cells, start=1):
                    value = getattr(cell, "value", None)
                    row.append("" if value is None else value)
                    if isinstance(value, (date, time, timedelta)):
                        formats[(r, c)] = cell.number_format
                rows.append(row)
            sheet = _values(rows, formats, merged.get(tab, []), checked=False)
            assert sheet is not None
            sheets[tab] = sheet
        return sheets
    finally:
        book.close()


def read_part(archive: zipfile.ZipFile, name: str) -> bytearray:
    """A part of the package decompressed into one buffer: `ZipFile.read` holds a big tab twice while it
    joins the pieces, and the register's and the Log's XML are tens of megabytes at 10,000 rows."""
    info = archive.getinfo(name)
    buffer = bytearray(info.file_size)
    view, position = memoryview(buffer), 0
    with archive.open(info) as opened:
        part = cast(zipfile.ZipExtFile, opened)
        while position < len(buffer):
            got = part.readinto(view[position:position + _CHUNK])
            if not got:
                break
            position += got
        if position != len(buffer) or part.read(1):  # the CRC is checked at the end of the part
            raise zipfile.BadZipFile(name)
    return buffer


_CHUNK = 1 << 20
_ROW_END = b"</row>"


def part_pieces(archive: zipfile.ZipFile, name: str, size: int = PIECE_SIZE) -> Iterator[bytes]:
    """A tab's XML decompressed in pieces of about `size` bytes, each ending after a `</row>` (the last
    one: the rest of the part).

    Every pattern a read looks for lies inside one cell, or after the rows (merged ranges), so it finds
    in the pieces exactly what it finds in the whole XML, which is never held at once (tens of megabytes
    per big tab at 10,000 rows). `</row>` cannot occur inside text: XML escapes every `<` there."""
    with archive.open(name) as part:  # the CRC is checked when the last block is read
        rest = b""
        while block := part.read(size):
            piece = rest + block if rest else block
            cut = piece.rfind(_ROW_END)
            if cut < 0:
                rest = piece
                continue
            cut += len(_ROW_END)
            rest = piece[cut:]
            yield piece[:cut]
        if rest:
            yield rest


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """Tab name -> the part holding its XML; None for the 1904 date system (not handled here)."""
    workbook_path = "xl/workbook.xml"
    for rel in ElementTree.fromstring(archive.read("_rels/.rels")).iter(f"{_PKG_REL}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook_path = rel.get("Target", workbook_path).lstrip("/")
    folder, name = posixpath.split(workbook_path)
    workbook = ElementTree.fromstring(archive.read(workbook_path))
    properties = workbook.find(f"{_MAIN}workbookPr")
    if properties is not None and properties.get("date1904", "0").lower() in ("1", "true"):
        return None
    rels = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            whole = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            paths[sheet.get("name", "")] = whole
    return paths


@dataclass(frozen=True)
class _DateStyles:
    formats: dict[int, str]  # style index -> number format, for the formats openpyxl reads as dates
    durations: frozenset[int]  # those of them read as durations


def _date_styles(archive: zipfile.ZipFile) -> _DateStyles | None:
    """Which style indexes openpyxl turns into dates, and their formats (its `Stylesheet` reading)."""
    try:
        xml = archive.read("xl/styles.xml")
    except KeyError:
        return _DateStyles({}, frozenset())  # openpyxl's default stylesheet has no date format
    try:
        root = ElementTree.fromstring(xml)
        custom = {int(n.get("numFmtId", "")): n.get("formatCode", "")
                  for n in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")}
        formats, durations = {}, set()
        for index, xf in enumerate(root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")):
            number = int(xf.get("numFmtId", "0"))
            code = custom[number] if number in custom else BUILTIN_FORMATS.get(number)
            if is_date_format(code):
                formats[index] = code or "General"
                if is_timedelta_format(code):
                    durations.add(index)
    except (ElementTree.ParseError, ValueError):
        return None  # openpyxl reads it, or says what is wrong with it
    return _DateStyles(formats, frozenset(durations))


# --- openpyxl's rules for number formats and serial dates (openpyxl.styles.numbers, openpyxl.utils.datetime),
# the same code: a daemon that only reads never loads openpyxl (0.5 s of start-up with numpy and Pillow).
# tests/adapters/test_workbook_fast_read.py checks every rule against openpyxl itself.

BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy",
    16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    22: "m/d/yy h:mm", 37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)", 41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)', 45: "mm:ss", 46: "[h]:mm:ss",
    47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text; brackets but [h] [m] [s]
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_WINDOWS_EPOCH = datetime(1899, 12, 30)


def is_date_format(code: str | None) -> bool:
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str | None) -> bool:
    return code is not None and _TIMEDELTA.search(code.split(";")[0]) is not None


@lru_cache(maxsize=256)  # a register has a handful of formats
def date_kind(code: str) -> str | None:
    """"date", "time" or "datetime" for a date format, else None (openpyxl's `is_datetime`)."""
    if not is_date_format(code):
        return None
    has_date, has_time = any(x in code for x in "dy"), any(x in code for x in "hs")
    return "datetime" if has_date and has_time else "date" if has_date else "time"


def from_excel(value: float, duration: bool = False) -> datetime | time | timedelta:
    """A serial day number as openpyxl reads it (1900 date system)."""
    if duration:
        span = timedelta(days=value)
        if span.microseconds:  # to the millisecond
            span = timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return span
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60:  # Excel's 29 February 1900, which never was
        day += 1
    return _WINDOWS_EPOCH + timedelta(days=day) + diff


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _dated_cells(xml: Xml, styles: _DateStyles) -> dict[tuple[int, int], tuple[CellValue, str]] | None:
    """The cells with a date style: (row, column) -> (openpyxl's value, number format)."""
    if not styles.formats:
        return {}
    wanted = b"|".join(str(i).encode() for i in styles.formats)
    # Every writer seen puts r then s first (openpyxl, Excel, LibreOffice); that is fast to find. The
    # general pattern, for attributes in another order, runs only if the count of style marks says so.
    ordered = re.compile(rb'<c r="([A-Z]{1,3})(\d+)" s="(' + wanted + rb')"([^>]*?)(/?)>(?:<v>([^<]*)</v>)?')
    marks = sum(xml.count(b' s="' + str(i).encode() + b'"') for i in styles.formats)
    seen = [0]

    def found_in_order() -> Iterator[_Found]:  # one cell at a time: a list of them all is 20 MB at 10,000 rows
        for m in ordered.finditer(xml):
            seen[0] += 1
            yield m.group(2), m.group(1), m.group(3), m.group(4), m.group(5), m.group(6)

    dated = _dated_values(found_in_order(), styles)
    if dated is not None and seen[0] == marks:
        return dated
    del dated
    found = _dated_cells_any_order(xml, wanted)
    return None if found is None else _dated_values(found, styles)


_ATTRIBUTE = re.compile(rb'\b(r|s|t)="([^"]*)"')
_VALUE = re.compile(rb"\s*<v>([^<]*)</v>")
_REFERENCE = re.compile(rb"([A-Z]{1,3})(\d+)")


# A cell with a date style: row, column letters, style, its other attributes, "/" if empty, stored value.
_Found = tuple[bytes, bytes, bytes, bytes, bytes, bytes | None]


def _dated_cells_any_order(xml: Xml, wanted: bytes) -> list[_Found] | None:
    pattern: bytes = b'<c(?=[^>]*?\\ss="(?:' + wanted + b')")\\s([^>]*?)(/?)>'
    cells = re.compile(pattern)
    found: list[_Found] = []
    for match in cells.finditer(xml):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        reference = _REFERENCE.fullmatch(attributes.get(b"r", b""))
        if reference is None:
            return None  # a cell without its reference: only a full parse knows where it is
        stored = None if match.group(2) else _VALUE.match(xml, match.end())
        kind = b' t="' + attributes[b"t"] + b'"' if b"t" in attributes else b""
        found.append((reference.group(2), reference.group(1), attributes[b"s"], kind, match.group(2),
                      stored.group(1) if stored else None))
    return found


def _dated_values(found: Iterable[_Found], styles: _DateStyles) -> dict[tuple[int, int], tuple[CellValue, str]] | None:
    columns: dict[bytes, int] = {}
    dated: dict[tuple[int, int], tuple[CellValue, str]] = {}
    for row, letters, style_text, rest, closed, stored in found:
        column = columns.get(letters) or columns.setdefault(letters, column_index(letters.decode()))
        style = int(style_text)
        value: CellValue = None
        numeric = b" t=" not in rest or b' t="n"' in rest
        if not closed and stored and numeric:
            text = stored.decode()
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            try:
                value = from_excel(number, style in styles.durations)
            except (OverflowError, ValueError):
                return None  # openpyxl makes an error cell of it
        dated[(int(row), column)] = (value, styles.formats[style])
    return dated


def _put_dates(rows: list[list[CellValue]], dated: dict[tuple[int, int], tuple[CellValue, str]],
               formats: dict[tuple[int, int], str]) -> None:
    """openpyxl's values of the date-styled cells into calamine's rows, and their number formats into
    `formats` (only where the value is openpyxl's own: elsewhere `cell_text` needs no format)."""
    for (r, c), (value, number_format) in dated.items():
        if value is None:  # text, a boolean or nothing in a date-formatted cell: calamine has it right
            continue
        formats[(r, c)] = number_format
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if c > len(row):
            row.extend([""] * (c - len(row)))
        row[c - 1] = value


def _values(rows: list[list[CellValue]], formats: dict[tuple[int, int], str],
            merged: list[tuple[int, int, int, int]], checked: bool = True) -> Sheet | None:
    """The sheet with openpyxl's merged cells; None when calamine made a date openpyxl would not (a date
    where `formats`, openpyxl's dates, has none)."""
    if checked:
        for r, row in enumerate(rows, start=1):
            if not _DATE_TYPES.isdisjoint(map(type, row)) and any(
                    isinstance(v, _DATE_TYPES_TUPLE) and (r, c) not in formats for c, v in enumerate(row, start=1)):
                return None  # calamine takes the format for a date, openpyxl does not
    for first_row, first_column, last_row, last_column in merged:  # openpyxl empties all but the top-left cell
        for r in range(first_row, min(last_row, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(first_column, min(last_column, len(row)) + 1):
                if (r, c) != (first_row, first_column):
                    row[c - 1] = ""
    return Sheet(rows, formats)


_DATE_TYPES_TUPLE = (date, time, timedelta)  # datetime is a date
_DATE_TYPES = frozenset((date, datetime, time, timedelta))
_MERGE = re.compile(rb'<mergeCell\s[^>]*?ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _merged(xml: Xml) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet: (first row, first column, last row, last column), 1-based."""
    ranges = []
    for match in _MERGE.finditer(xml):
        first, _, last = match.group(1).decode().partition(":")
        (first_column, first_row), (last_column, last_row) = _cell_at(first), _cell_at(last or first)
        ranges.append((first_row, first_column, last_row, last_column))
    return ranges


def _cell_at(reference: str) -> tuple[int, int]:
    letters = reference.rstrip("0123456789")
    return column_index(letters), int(reference[len(letters):])
