"""The yearly archive of a local register: `arsip-<year>.xlsx` beside `register.xlsx`.

A separate workbook, not a tab: a poll parses only `register.xlsx`, so the rows moved away cost the
poll nothing, whatever reader it uses. Its one sheet, `Arsip <year>`, has the Register's columns
(each column a row had, people's own ones included) and `Diarsipkan`.

Moving is careful the way every write is (`WorkbookRegister._replace_if_unchanged`: never while a
file is open in an editor, never over a save made meanwhile), and in an order that is safe at every
point: the row is appended to the archive and that file saved first; only then is it deleted from the
Register, found by ID and only while it still holds the values read. A crash in between leaves the
row in both; the next move sees the ID in the archive and only deletes it from the Register.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from automation.adapters.local.workbook import (
    WorkbookRegister,
    _header_columns,
    _headers,
    _is_time_column,
    _last_used_row,
    _like_column,
    _log_number,
    _save_atomically,
    _write_header_sheet,
    cell_text,
    set_text,
    set_value,
    worksheet_table,
)
from automation.domain.archive import ARCHIVED_AT, archive_year
from automation.domain.texts import register as texts
from automation.domain.texts import store as store_text
from automation.faults import reached
from automation.ports import ArchivedRow, ArchiveResult, ArchiveRow, RegisterError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

ARCHIVE_FILE = "arsip-{year}.xlsx"
LOG_SHEET = "Log"  # the archive's copy of the Log lines of its items


class ArchivingWorkbookRegister(WorkbookRegister):
    """`WorkbookRegister` that can also move finished rows to the yearly archive (`ports.Archiving`)."""

    def archive_path(self, year: int) -> Path:
        return self.path.parent / ARCHIVE_FILE.format(year=year)

    def _archive_book(self, year: int) -> WorkbookRegister:
        return WorkbookRegister(self.archive_path(year), register_tab=texts.archive_tab(year),
                                contract=self.contract, between=self.between)

    def archive(self, rows: Sequence[ArchiveRow], settled: Collection[str] = ()) -> ArchiveResult:
        """Move `rows`; the `Log` lines of items in the archive (`settled`, and those moved now) go along."""
        if not rows and not settled:
            return ArchiveResult(())
        lock = self.is_locked()
        if lock:
            return ArchiveResult((), store_text.workbook_open(self.path.name, lock))
        wb, read = self._load()
        ws = self._sheet(wb, self.register_tab)
        table = worksheet_table(ws)
        if self.id_header not in table.headers:
            raise RegisterError(store_text.workbook_column_missing(self.id_header, self.register_tab, self.path.name))
        id_column = table.headers.index(self.id_header)
        positions: dict[str, list[int]] = {}
        for index, values in enumerate(table.rows):
            positions.setdefault(values[id_column].strip(), []).append(index)

        log_ws = self._sheet(wb, self.log_tab)
        lines = _LogLines(log_ws, self.id_header)
        wanted = {*settled, *(row.item_id for row in rows)}
        lines_by_year = lines.of_items(wanted)
        by_year: dict[int, list[ArchiveRow]] = {year: [] for year in lines_by_year}
        for row in rows:
            by_year.setdefault(row.year, []).append(row)
        log_doomed: list[int] = []
        moved: list[str] = []
        doomed: dict[int, str] = {}  # register row index -> ID: archived, to delete
        reasons: list[str] = []
        for year, group in sorted(by_year.items()):
            book = self._archive_book(year)
            book.recover_after_crash()  # a crash while its file was aside: put it back before looking
            lock = book.is_locked()
            if lock:
                reasons.append(store_text.workbook_open(book.path.name, lock))
                continue
            if not book.path.exists():
                _create_archive(book.path, book.register_tab, (*table.headers, ARCHIVED_AT))
            awb, aread = book._load()
            aws = book._sheet(awb, book.register_tab)
            year_lines = lines_by_year.get(year, [])
            there = _ids(aws, self.id_header)
            sheet = _ArchiveSheet(aws, book)
            ready: list[tuple[str, int | None]] = []
            appended = False
            for row in group:
                found = positions.get(row.item_id, [])
                if len(found) > 1:
                    continue  # a copied row: never guess which one goes
                current = dict(zip(table.headers, table.rows[found[0]], strict=False)) if found else None
                if current is not None and not _holds(current, row.values):
                    continue  # changed since it was read: decided again first, moved on a later pass
                if row.item_id not in there:
                    if current is None:
                        continue  # in neither file: nothing here to move (the daily check tells it)
                    sheet.append(current, row.archived_at)
                    there.add(row.item_id)
                    appended = True
                ready.append((row.item_id, found[0] if found else None))
            moving_lines = [n for n in year_lines if n.item_id in there or n.item_id in settled]
            appended |= _append_log(awb, log_ws, moving_lines)
            if appended:
                reached("archive.append")
                reason = book._replace_if_unchanged(awb, aread)
                if reason:
                    reasons.append(reason)
                    continue
            for item_id, position in ready:
                if position is None:
                    moved.append(item_id)  # deleted from the Register by an earlier, interrupted move
                else:
                    doomed[position] = item_id
            log_doomed.extend(n.sheet_row for n in moving_lines)
        if doomed or log_doomed:
            reached("archive.delete")
            _delete_rows(ws, sorted(index + 2 for index in doomed))
            _delete_rows(log_ws, log_doomed)
            reason = self._replace_if_unchanged(wb, read)
            if reason:
                reasons.append(reason)
            else:
                moved.extend(doomed.values())
        return ArchiveResult(tuple(moved), "; ".join(reasons))

    def archived(self, years: Collection[int]) -> list[ArchivedRow]:
        found = []
        for year in sorted(years):
            path = self.archive_path(year)
            self._archive_book(year).recover_after_crash()
            if not path.exists():
                continue
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)  # read only: a year of rows, read once a day
            try:
                tab = texts.archive_tab(year)
                if tab not in wb.sheetnames:
                    raise RegisterError(store_text.workbook_tab_missing(tab, path.name))
                lines = wb[tab].iter_rows()
                headers = [cell_text(c.value).strip() for c in next(lines, ())]
                for cells in lines:
                    values = [cell_text(c.value, getattr(c, "number_format", "General")) for c in cells]
                    row = dict(zip(headers, values, strict=False))
                    item_id = row.get(self.id_header, "").strip()
                    if item_id:
                        found.append(ArchivedRow(item_id, year, tuple(row.items())))
            finally:
                wb.close()
        return found


def _create_archive(path: Path, tab: str, headers: Sequence[str]) -> None:
    from openpyxl.workbook.workbook import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = tab
    _write_header_sheet(ws, [h for h in headers if h], ())
    _save_atomically(wb, path)


def _ids(ws: Worksheet, id_header: str) -> set[str]:
    column = _header_columns(ws).get(id_header)
    if column is None:
        return set()
    cells = ws.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True)
    return {cell_text(values[0]).strip() for values in cells if values and values[0] not in (None, "")}


def _holds(current: Mapping[str, str], values: Sequence[tuple[str, str]]) -> bool:
    return all(current.get(header, "") == value for header, value in values)


@dataclass(frozen=True)
class _LogLine:
    sheet_row: int
    number: int
    item_id: str
    values: tuple  # the cells as stored (the daemon writes the Log as text, its number as a number)


class _LogLines:
    """The register's `Log` lines by item, to move an archived item's lines along with its row.

    The last line always stays: the Log's highest number tells the daemon which events it has written."""

    def __init__(self, ws: Worksheet, id_header: str) -> None:
        self.headers = _headers(ws)
        column = self.headers.index(id_header) if id_header in self.headers else None
        self.lines: list[_LogLine] = []
        if column is None:
            return
        for sheet_row, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            number = _log_number(values[0]) if values else None
            if number is not None and column < len(values):
                self.lines.append(_LogLine(sheet_row, number, cell_text(values[column]).strip(), values))
        if self.lines:
            last = max(self.lines, key=lambda line: line.number)
            self.lines.remove(last)

    def of_items(self, items: Collection[str]) -> dict[int, list[_LogLine]]:
        """The lines of these items, by the year of the archive their item is in."""
        found: dict[int, list[_LogLine]] = {}
        for line in self.lines:
            if line.item_id in items:
                found.setdefault(archive_year(line.item_id), []).append(line)
        return found


def _append_log(book: Workbook, log_ws: Worksheet, lines: Sequence[_LogLine]) -> bool:
    """Copy the lines into the archive's `Log` sheet, except those already there (by their number)."""
    if not lines:
        return False
    if LOG_SHEET not in book.sheetnames:
        _write_header_sheet(book.create_sheet(LOG_SHEET), _headers(log_ws), ())
    ws = book[LOG_SHEET]
    present = {_log_number(values[0]) for values in ws.iter_rows(min_row=2, max_col=1, values_only=True)}
    row = _last_used_row(ws) + 1
    appended = False
    for line in sorted(lines, key=lambda line: line.number):
        if line.number in present:
            continue
        for column, stored in enumerate(line.values, start=1):  # read once: `ws[row]` scans every cell
            value = cell_text(stored)
            if column == 1:
                ws.cell(row, 1).value = line.number
            elif value:
                set_text(ws.cell(row, column), value)
        row += 1
        appended = True
    return appended


class _ArchiveSheet:
    """The archive sheet being appended to: its columns and its next free row, found once."""

    def __init__(self, ws: Worksheet, book: WorkbookRegister) -> None:
        self.ws, self.book = ws, book
        self.columns = _header_columns(ws)
        self.width = len(_headers(ws))
        self.next_row = _last_used_row(ws) + 1

    def append(self, values: Mapping[str, str], archived_at: str) -> None:
        """One row at the end; a column the archive lacks is added at the end of its header row."""
        for header in (*values, ARCHIVED_AT):
            if header and header not in self.columns:
                self.width += 1
                self.columns[header] = self.width
                set_value(self.ws.cell(1, self.width), header, False)
        for header, value in (*values.items(), (ARCHIVED_AT, archived_at)):
            if not header or not value:
                continue
            cell = self.ws.cell(self.next_row, self.columns[header])
            set_value(cell, value, header == ARCHIVED_AT or _is_time_column(self.book.contract, header))
            _like_column(self.ws, cell, self.columns[header])
        self.next_row += 1


def _delete_rows(ws: Worksheet, sheet_rows: list[int]) -> None:
    """Delete these rows in one pass: each row below moves up by the number of deleted rows above it.

    `Worksheet.delete_rows` shifts everything below once per call, so deleting many scattered rows
    one run at a time is quadratic (minutes at 10,000 rows); this moves each cell once, as
    openpyxl's own `_move_cell` does (comments and styles go with their cell)."""
    doomed = sorted(set(sheet_rows))
    if not doomed:
        return
    gone = set(doomed)
    for row, column in [key for key in ws._cells if key[0] in gone]:
        del ws._cells[(row, column)]
    above = 0
    by_row: dict[int, list[int]] = {}
    for row, column in ws._cells:
        if row > doomed[0]:
            by_row.setdefault(row, []).append(column)
    for row in range(doomed[0], ws.max_row + 1):
        if row in gone:
            above += 1
            continue
        for column in by_row.get(row, ()):
            cell = ws._cells.pop((row, column))
            cell.row = row - above
            ws._cells[(row - above, column)] = cell
