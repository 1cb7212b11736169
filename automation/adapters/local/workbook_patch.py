"""Writing a few cells of the register workbook by patching its XML, leaving every other byte alone.

openpyxl loads every cell of every tab into objects and writes them all back: at 10,000 rows that is
8 s to load and 6 s to save, for the handful of cells a cycle changes. Here only the rows that change
are rewritten, in the worksheet's XML; every other part of the file (other tabs, dropdowns, colours,
notes, a person's own formatting) is copied as it was. A file whose shape this does not handle
(formulas, merged cells, rows or cells without their reference, a cell note to add or to drop) raises
`Unsupported` before anything is written, and `WorkbookRegister.write` does the write with openpyxl.

What is written is what openpyxl writes for the same change: text as an inline string (never a
formula), the daemon's times in time columns as date-time serials in the `dd/mm/yyyy hh:mm` style,
an emptied cell kept with its style, the overdue fill as a cell style.
"""

from __future__ import annotations

import bisect
import io
import posixpath
import re
import shutil
import zipfile
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from xml.etree import ElementTree

from automation.adapters.local.workbook_read import Xml, column_index, read_part
from automation.domain.contract import TIME_FORMAT, Contract
from automation.ports import Table

# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE (checked against it by the tests): xlsx cannot hold these.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTRIBUTE = re.compile(rb'\s([A-Za-z:]+)="([^"]*)"')
_REFERENCE = re.compile(rb"([A-Z]{1,3})(\d+)")
_HAS_VALUE = re.compile(rb"<v>[^<]|<t(?:\s[^>]*)?>[^<]")
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"\s*/>')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_WINDOWS_EPOCH = datetime(1899, 12, 30)
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


# --- the register's cell conventions (the layout and both writers use them) ---------------------------

DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
OVERDUE_COLOUR = "FFF4CCCC"  # the Tenggat cell of a late row


def is_time_column(contract: Contract | None, header: str) -> bool:
    return contract is not None and header in contract.time_columns


def daemon_time(text: str) -> datetime | None:
    """`text` as a date-time when it is exactly the daemon's spelling (so it reads back identical)."""
    try:
        when = datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return None
    return when if when.strftime(TIME_FORMAT) == text else None


class Unsupported(Exception):
    """The workbook has a shape this writer does not handle; openpyxl writes it instead (never shown)."""


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_serial(when: datetime) -> float:
    """A date-time as Excel's serial day number (1900 date system; the register's times are all after 1900)."""
    span = when - _WINDOWS_EPOCH
    return span.days + span.seconds / 86400


def _escape(text: str) -> bytes:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text.encode("utf-8")


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(raw))


# --- styles ------------------------------------------------------------------------------------------

class Styles:
    """xl/styles.xml, to find or add the cell styles a write needs (a fill, a number format)."""

    _XFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.DOTALL)
    _XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.DOTALL)
    _FILLS = re.compile(rb"<fills\b[^>]*>(.*?)</fills>", re.DOTALL)
    _FILL = re.compile(rb"<fill\b[^>]*?(?:/>|>.*?</fill>)", re.DOTALL)
    _NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"[^>]*/>')

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        xfs, fills = self._XFS.search(xml), self._FILLS.search(xml)
        if xfs is None or fills is None:
            raise Unsupported  # no cellXfs or fills
        self.xfs = self._XF.findall(xfs.group(1))
        self.fills = self._FILL.findall(fills.group(1))
        self.formats = {code: int(number) for number, code in
                        ((m.group(1), m.group(2).decode("utf-8")) for m in self._NUMFMT.finditer(xml))}
        self._new_xfs: list[bytes] = []
        self._new_fills: list[bytes] = []
        self._new_formats: list[bytes] = []
        if not self.xfs:
            raise Unsupported  # no cell style

    @property
    def changed(self) -> bool:
        return bool(self._new_xfs or self._new_fills or self._new_formats)

    def _xf(self, index: int) -> bytes:
        everything = self.xfs + self._new_xfs
        if not 0 <= index < len(everything):
            raise Unsupported  # cell style out of range
        return everything[index]

    def _with(self, index: int, name: bytes, value: int, apply: bytes) -> int:
        """The style like `index` with attribute `name` = value (found, or added)."""
        xf = self._xf(index)
        attribute = re.compile(rb"\s" + name + rb'="[^"]*"')
        replaced = attribute.sub(b"", xf, count=1)
        replaced = re.sub(rb"\s" + apply + rb'="[^"]*"', b"", replaced, count=1)
        wanted = replaced.replace(b"<xf", b"<xf " + name + b'="%d" ' % value + apply + b'="1"', 1)
        current = _attributes(xf.split(b">", 1)[0])
        if current.get(name, b"0") == str(value).encode():
            return index
        everything = self.xfs + self._new_xfs
        if wanted in everything:
            return everything.index(wanted)
        self._new_xfs.append(wanted)
        return len(everything)

    def wrapping(self, index: int | None) -> int | None:
        """`index` when that style wraps text (a new row's cell wraps like its column), else None."""
        if index is None or not 0 <= index < len(self.xfs) or b'wrapText="1"' not in self.xfs[index]:
            return None
        return index

    def with_fill(self, index: int, colour: str | None) -> int:
        """The style like `index` with a solid `colour` fill, or with no fill (None)."""
        if colour is None:
            fill_id = 0  # every writer's first fill is "none"
        else:
            fill = (b'<fill><patternFill patternType="solid"><fgColor rgb="%s" /><bgColor rgb="%s" />'
                    b"</patternFill></fill>" % (colour.encode(), colour.encode()))
            everything = self.fills + self._new_fills
            found = next((i for i, f in enumerate(everything)
                          if b'patternType="solid"' in f and b'fgColor rgb="%s"' % colour.encode() in f
                          and b"<bgColor" in f and b'bgColor rgb="%s"' % colour.encode() in f), None)
            if found is None:
                self._new_fills.append(fill)
                found = len(everything)
            fill_id = found
        return self._with(index, b"fillId", fill_id, b"applyFill")

    def with_number_format(self, index: int, code: str) -> int:
        number = self.formats.get(code)
        if number is None:
            number = max([163, *self.formats.values()]) + 1  # custom formats start at 164
            self.formats[code] = number
            self._new_formats.append(b'<numFmt numFmtId="%d" formatCode="%s" />' % (number, _escape(code)))
        return self._with(index, b"numFmtId", number, b"applyNumberFormat")

    def to_bytes(self) -> bytes:
        xml = self.xml
        if self._new_formats:
            formats = b"".join(self._new_formats)
            block = re.search(rb"<numFmts\b[^>]*>(.*?)</numFmts>", xml, re.DOTALL)
            if block is None:
                count = len(self._new_formats)
                xml = re.sub(rb"(<styleSheet\b[^>]*>)", lambda m: m.group(1) + b'<numFmts count="%d">' % count
                             + formats + b"</numFmts>", xml, count=1)
            else:
                xml = xml[:block.end(1)] + formats + xml[block.end(1):]
                xml = _recount(xml, b"numFmts", len(self.formats))
        if self._new_fills:
            block = self._FILLS.search(xml)
            assert block is not None
            xml = xml[:block.end(1)] + b"".join(self._new_fills) + xml[block.end(1):]
            xml = _recount(xml, b"fills", len(self.fills) + len(self._new_fills))
        if self._new_xfs:
            block = self._XFS.search(xml)
            assert block is not None
            xml = xml[:block.end(1)] + b"".join(self._new_xfs) + xml[block.end(1):]
            xml = _recount(xml, b"cellXfs", len(self.xfs) + len(self._new_xfs))
        return xml


def _recount(xml: bytes, tag: bytes, count: int) -> bytes:
    opening = re.compile(rb"<" + tag + rb"\b([^>]*)>")
    match = opening.search(xml)
    if match is None:
        return xml
    attributes = re.sub(rb'\scount="\d*"', b"", match.group(1))
    return xml[:match.start()] + b"<" + tag + b' count="%d"' % count + attributes + b">" + xml[match.end():]


# --- one worksheet -------------------------------------------------------------------------------------

@dataclass
class _Edit:
    content: bytes | None = None  # the cell's new type and content (b' t="inlineStr"><is>...'), None: kept
    text: str | None = None  # what the cell reads back as, once written
    number_format: str | None = None  # a number format the cell's style must have
    fill: tuple[str | None] | None = None  # (colour,) or (None,): the fill the cell's style must have
    like_column: bool = False  # a new cell takes its column's style


class SheetPatch:
    """A worksheet's XML with pending cell edits; rows are found by their number, cells by their reference.

    The XML is not kept: it is decompressed again (`load`) to render the changed rows and to stream the
    tab out, so a write never holds both big tabs at once (tens of megabytes each at 10,000 rows)."""

    def __init__(self, load: Callable[[], Xml], texts: Table | None = None,
                 comments: frozenset[tuple[int, int]] = frozenset(), last_number: int = 0) -> None:
        self._load = load
        self.texts = texts  # the tab as `read()` gave it: what compare-and-set compares against
        self.comments = comments  # cells holding a note
        self.last_number = last_number  # the Log's highest event number, as `read()` gave it
        self.edits: dict[int, dict[int, _Edit]] = {}
        xml = load()
        start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
        if b"<mergeCell " in xml or b"<f>" in xml or b"<f " in xml:
            raise Unsupported  # merged cells or formulas
        if start < 0 or end < 0:
            raise Unsupported  # no rows at all (<sheetData/>)
        opening = xml.index(b">", start) + 1
        self._data_start, self._data_end = opening, end
        # Each row's number, and where its tag starts, its content starts and it ends (compact: the Log
        # has tens of thousands of rows).
        self._numbers, self._starts, self._contents, self._closes = (array("q") for _ in range(4))
        for match in _ROW.finditer(xml, opening, end):
            number = _attributes(match.group(1)).get(b"r")
            if number is None or not number.isdigit():
                raise Unsupported  # a row without its number
            if self._numbers and int(number) <= self._numbers[-1]:
                raise Unsupported  # rows out of order
            if match.group(2):
                close = match.end()
            else:
                close = xml.find(b"</row>", match.end(), end)
                if close < 0:
                    raise Unsupported  # an unclosed row
                close += len(b"</row>")
            self._numbers.append(int(number))
            self._starts.append(match.start())
            self._contents.append(match.end())
            self._closes.append(close)
        self._column_styles = _column_styles(xml)
        self._last_used = self._find_last_used(xml)

    # --- what the write logic asks -------------------------------------------------------------------

    def text(self, row: int, column: int) -> str | None:
        edit = self.edits.get(row, {}).get(column)
        if edit is not None and edit.text is not None:
            return edit.text
        if self.texts is None:
            raise Unsupported  # no texts
        if row == 1:
            return self.texts.headers[column - 1] if column <= len(self.texts.headers) else ""
        rows = self.texts.rows
        return rows[row - 2][column - 1] if row - 2 < len(rows) and column <= len(rows[row - 2]) else ""

    def put(self, row: int, column: int, value: str, time_column: bool) -> None:
        edit = self._edit(row, column)
        when = daemon_time(value) if time_column else None
        if when is not None:
            edit.content = b"><v>%s</v>" % repr(excel_serial(when)).encode()
            edit.number_format = DATE_TIME_FORMAT
            edit.text = value
        elif not (clean := ILLEGAL_CHARACTERS.sub("", value)):  # nothing left to hold: an empty cell
            edit.content, edit.text = b"", ""
        else:
            space = b' xml:space="preserve"' if clean != clean.strip() else b""
            edit.content = b' t="inlineStr"><is><t%s>%s</t></is>' % (space, _escape(clean))
            edit.text = clean

    def put_number(self, row: int, column: int, number: int) -> None:
        edit = self._edit(row, column)
        edit.content, edit.text = b' t="n"><v>%d</v>' % number, str(number)
        if column == 1:
            self.last_number = max(self.last_number, number)

    def texts_after(self) -> Table | None:
        """The tab as `read()` will give it once the patched file is in place (None: not known here).

        Every edit knows the text it reads back as, so the daemon's next cycle need not parse its own write."""
        if self.texts is None or 1 in self.edits:
            return None
        width = len(self.texts.headers)
        rows = list(self.texts.rows)
        for row, edits in sorted(self.edits.items()):
            changed = [(column, edit.text) for column, edit in edits.items() if edit.text is not None and column <= width]
            if not changed:
                continue
            while len(rows) <= row - 2:
                rows.append(("",) * width)
            cells = list(rows[row - 2])
            for column, text in changed:
                cells[column - 1] = text
            rows[row - 2] = tuple(cells)
        while rows and not any(rows[-1]):
            rows.pop()
        return Table(headers=self.texts.headers, rows=tuple(rows))

    def note(self, row: int, column: int, text: str) -> None:
        raise Unsupported  # a cell note: notes live in VML and comment parts, openpyxl writes them

    def drop_stale_notes(self, row: int, notes: str, keep: set[int], columns: Iterable[int]) -> None:
        if any((row, column) in self.comments for column in columns if column not in keep):
            raise Unsupported  # a note to drop

    def mark_overdue(self, row: int, column: int, overdue: bool) -> None:
        self._edit(row, column).fill = (OVERDUE_COLOUR if overdue else None,)

    def like_column(self, row: int, column: int) -> None:
        self._edit(row, column).like_column = True

    def log_end(self) -> tuple[int, int]:
        """The highest event number in column A and the last row holding any value (1 if only headers)."""
        return self.last_number, self.last_used_row()

    def last_used_row(self) -> int:
        """The last row holding a value in any cell (formatting alone does not count); 1 if only headers."""
        return self._last_used

    def _find_last_used(self, xml: Xml) -> int:
        for at in range(len(self._numbers) - 1, -1, -1):
            if self._numbers[at] >= 2 and _HAS_VALUE.search(xml, self._contents[at], self._closes[at]):
                return self._numbers[at]
        return 1

    def _edit(self, row: int, column: int) -> _Edit:
        return self.edits.setdefault(row, {}).setdefault(column, _Edit())

    # --- the new XML -----------------------------------------------------------------------------------

    def render(self, styles: Styles | None) -> list[tuple[int, int, bytes]]:
        """The new XML of the changed rows: (start, end, bytes) replacing xml[start:end], in order.

        Rendering first settles the styles the rows need, before any part of the file is written."""
        xml = self._load()
        pieces: list[tuple[int, int, bytes]] = []
        for row in sorted(self.edits):
            at = bisect.bisect_left(self._numbers, row)
            if at < len(self._numbers) and self._numbers[at] == row:
                start, content, close = self._starts[at], self._contents[at], self._closes[at]
                pieces.append((start, close, self._row(row, bytes(xml[start:content]), bytes(xml[content:close]), styles)))
            else:  # a new row, before the first row numbered after it
                where = self._starts[at] if at < len(self._numbers) else self._data_end
                pieces.append((where, where, self._row(row, b'<row r="%d">' % row, b"</row>", styles)))
        head = self._dimension(bytes(xml[:self._data_start]))
        return [(0, self._data_start, head), *pieces]

    def write(self, handle: IO[bytes], rendered: list[tuple[int, int, bytes]]) -> None:
        """The patched XML into `handle`: the unchanged stretches straight from the old XML, uncopied."""
        old = memoryview(self._load())
        position = 0
        for start, end, new in rendered:
            handle.write(old[position:start])
            handle.write(new)
            position = end
        handle.write(old[position:])

    def _row(self, row: int, tag: bytes, rest: bytes, styles: Styles | None) -> bytes:
        cells: dict[int, bytes] = {}
        styles_of: dict[int, int | None] = {}
        if tag.endswith(b"/>"):
            tag, inner = tag[:-2].rstrip() + b">", b""
        else:
            inner = rest[:-len(b"</row>")]
        for match in _CELL.finditer(inner):
            attributes = _attributes(match.group(1))
            reference = _REFERENCE.fullmatch(attributes.get(b"r", b""))
            if reference is None or int(reference.group(2)) != row:
                raise Unsupported  # a cell without its reference
            column = column_index(reference.group(1).decode())
            cells[column] = match.group(0)
            given = attributes.get(b"s")
            styles_of[column] = int(given) if given is not None and given.isdigit() else None
        if _CELL.sub(b"", inner).strip():
            raise Unsupported  # something else than cells in a row
        for column, edit in self.edits[row].items():
            existing = cells.get(column)
            style = styles_of.get(column) if existing is not None else None
            if existing is None and edit.like_column and styles is not None:
                style = styles.wrapping(self._column_styles.get(column))  # as `workbook._like_column` does
            if edit.number_format is not None or edit.fill is not None:
                if styles is None:
                    raise Unsupported  # no stylesheet
                style = style or 0
                if edit.number_format is not None:
                    style = styles.with_number_format(style, edit.number_format)
                if edit.fill is not None:
                    style = styles.with_fill(style, edit.fill[0])
            if edit.content is None:  # a style change only: the cell's own content stays
                content = b"/>" if existing is None else _cell_content(existing)
            else:
                content = edit.content + b"</c>" if edit.content else b"/>"
            style_attribute = b' s="%d"' % style if style else b""
            cells[column] = b'<c r="%s%d"%s%s' % (column_letter(column).encode(), row, style_attribute, content)
        tag = _SPANS.sub(b"", tag)  # the spans hint may no longer hold; it is optional
        return tag + b"".join(cells[c] for c in sorted(cells)) + b"</row>"

    def _dimension(self, head: bytes) -> bytes:
        match = _DIMENSION.search(head)
        if match is None:
            return head
        last_row = max([self._numbers[-1] if self._numbers else 1, *self.edits])
        last_column = max([1, *(c for row in self.edits.values() for c in row)])
        first, _, last = match.group(1).decode().partition(":")
        end = _REFERENCE.fullmatch((last or first).encode())
        if end is not None:
            last_row = max(last_row, int(end.group(2)))
            last_column = max(last_column, column_index(end.group(1).decode()))
        start = first if _REFERENCE.fullmatch(first.encode()) else "A1"
        ref = f"{start}:{column_letter(last_column)}{last_row}"
        return head[:match.start()] + b'<dimension ref="%s" />' % ref.encode() + head[match.end():]


def _cell_content(cell: bytes) -> bytes:
    """A cell element's type and content after its reference and style (`_row` writes those again)."""
    match = _CELL.fullmatch(cell)
    assert match is not None
    kind = _attributes(match.group(1)).get(b"t")
    typed = b' t="%s"' % kind if kind else b""
    return typed + (b"/>" if match.group(2) is None else b">" + match.group(2) + b"</c>")


_COLS = re.compile(rb"<col\b([^>]*?)/?>")


def _column_styles(xml: Xml) -> dict[int, int]:
    """Column -> the style a person's new cell there gets (`<cols>`)."""
    block_end = xml.find(b"</cols>")
    if block_end < 0:
        return {}
    styles: dict[int, int] = {}
    for match in _COLS.finditer(xml, 0, block_end):
        attributes = _attributes(match.group(1))
        style = attributes.get(b"style")
        low, high = attributes.get(b"min", b"0"), attributes.get(b"max", b"0")
        if style and style.isdigit() and low.isdigit() and high.isdigit() and int(high) - int(low) < 16384:
            for column in range(int(low), int(high) + 1):
                styles[column] = int(style)
    return styles


# --- the workbook ----------------------------------------------------------------------------------

class WorkbookPatch:
    """The workbook's zip, its tabs' XML patched in place of the old; every other part copied as it was."""

    def __init__(self, data: bytes) -> None:
        from automation.adapters.local.workbook_read import _sheet_paths

        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            paths = _sheet_paths(self.archive)
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
            raise Unsupported from exc  # unreadable package
        if paths is None:
            raise Unsupported  # 1904 date system
        self.paths = paths
        self.sheets: dict[str, SheetPatch] = {}
        self._styles: Styles | None = None

    def sheet(self, tab: str, texts: Table | None = None, last_number: int = 0) -> SheetPatch:
        if tab not in self.paths:
            raise Unsupported  # no such tab
        path = self.paths[tab]

        def load() -> Xml:
            try:
                return read_part(self.archive, path)
            except (KeyError, zipfile.BadZipFile) as exc:
                raise Unsupported from exc  # a missing or damaged part

        patch = SheetPatch(load, texts, self._comment_cells(path), last_number)
        self.sheets[path] = patch
        return patch

    @property
    def styles(self) -> Styles | None:
        if self._styles is None:
            try:
                self._styles = Styles(self.archive.read("xl/styles.xml"))
            except KeyError:
                return None
        return self._styles

    def _comment_cells(self, sheet_path: str) -> frozenset[tuple[int, int]]:
        folder, name = posixpath.split(sheet_path)
        try:
            rels = ElementTree.fromstring(self.archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
        except KeyError:
            return frozenset()
        except ElementTree.ParseError as exc:
            raise Unsupported from exc  # unreadable relationships
        cells: set[tuple[int, int]] = set()
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            if not rel.get("Type", "").endswith("/comments"):
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            try:
                xml = self.archive.read(path)
            except KeyError as exc:
                raise Unsupported from exc  # a missing comments part
            for reference in re.findall(rb'<comment\b[^>]*?\sref="([A-Z]{1,3}\d+)"', xml):
                match = _REFERENCE.fullmatch(reference)
                assert match is not None
                cells.add((int(match.group(2)), column_index(match.group(1).decode())))
        return frozenset(cells)

    def save(self, handle: IO[bytes]) -> None:
        """The patched workbook into `handle` (a file, like openpyxl's `Workbook.save`), part by part in
        the old order; a changed tab streams from its old XML, so the file is never held twice."""
        styles = self.styles
        rendered = {path: sheet.render(styles) for path, sheet in self.sheets.items() if sheet.edits}
        with zipfile.ZipFile(handle, "w") as target:
            for info in self.archive.infolist():
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
                copy.create_system = info.create_system
                if info.filename in rendered:
                    with target.open(copy, "w") as part:  # a part under 2 GiB: no zip64 fields
                        self.sheets[info.filename].write(part, rendered[info.filename])
                elif info.filename == "xl/styles.xml" and styles is not None and styles.changed:
                    target.writestr(copy, styles.to_bytes())
                else:  # streamed: an unchanged Log is as large as the register
                    with self.archive.open(info) as source, target.open(copy, "w") as part:
                        shutil.copyfileobj(source, part, 1 << 20)
