"""The register as a local .xlsx workbook (the "no Google account" default).

People edit the same file in Excel or LibreOffice, so every write is careful:
it never writes while the file is open in an editor, finds rows again by ID,
only changes cells still holding the value the daemon read, and swaps the new
file in without ever overwriting a save made in the meantime (see `_swap_in`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Any, Protocol

from automation.adapters.local.folders import file_sha256
from automation.adapters.local.workbook_patch import OVERDUE_COLOUR, daemon_time, is_time_column
from automation.adapters.local.workbook_read import Sheet, date_kind, read_values
from automation.adapters.memory import release_free_memory
from automation.domain.contract import NOTES, Contract
from automation.domain.rows import RowLocator
from automation.domain.texts import config as config_text
from automation.domain.texts import log as log_text
from automation.domain.texts import store as store_text
from automation.faults import reached
from automation.ports import (
    CellChange,
    RegisterError,
    RegisterLock,
    RegisterSnapshot,
    RowAnchor,
    RowUpdate,
    Table,
    WriteBatch,
    WriteResult,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from automation.adapters.local.workbook_patch import WorkbookPatch

# openpyxl (with numpy and Pillow, 0.5 s) and the layout built on it are imported where a workbook is
# loaded or written: a cycle that only reads uses `workbook_read` and never loads them.

log = logging.getLogger(__name__)

NOTE_AUTHOR = "sop-konten"
_DIGITS = re.compile(r"\d+")


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell value as the string the domain sees; reads and compare-and-set both use this.

    xlsx stores dates as date-times, so the cell's number format tells a date from a date-time.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):  # before date: datetime is a date
        kind = date_kind(number_format)
        if kind == "date":
            return value.strftime("%Y-%m-%d")
        if kind == "time":
            return value.strftime("%H:%M")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = getattr(value, "text", None)  # openpyxl ArrayFormula
    return text if isinstance(text, str) else str(value)


def _cell_text(cell) -> str:
    return cell_text(cell.value, cell.number_format)


def set_text(cell, value: str) -> None:
    """Store `value` as plain text; "" clears the cell. Never creates a formula."""
    if value == "":
        cell.value = None
        return
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # xlsx cannot hold control characters
    cell.data_type = "s"  # openpyxl turns "=..." into a formula; force text


def lock_holder(lock_name: str, data: bytes) -> str:
    """The user name in an editor's lock file.

    LibreOffice writes one line `name,system user,host,date,profile;` (the name from
    Tools > Options > User Data, else empty: then the system user). Excel's `~$` file starts
    with the name's length in one byte, then the name (Windows code page), padded.
    """
    if lock_name.startswith(".~lock."):
        fields = data.decode("utf-8", "replace").split(";", 1)[0].split(",")
        return next((f.strip() for f in fields[:2] if f.strip()), "")
    if data:
        length = data[0]
        return data[1:1 + length].decode("cp1252", "replace").strip("\x00 ").strip()
    return ""


@dataclass(frozen=True)
class _FileStamp:
    """Enough to notice that someone saved the file after we read it."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, st: os.stat_result) -> _FileStamp:
        return cls(st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class _ReadFile:
    """The file as parsed: its stamp, and a hash for a save that keeps size and mtime."""

    stamp: _FileStamp
    sha256: str


# The steps of the swap, in order; `between` is called with each (tests inject a person's save there).
SWAP_STEPS = ("temp saved", "moved aside", "verified", "placed")


def _no_step(step: str) -> None:
    pass


class WorkbookRegister:
    def __init__(
        self,
        path: Path,
        register_tab: str = "Register",
        roster_tab: str = "Petugas",
        log_tab: str = "Log",
        *,
        id_header: str = "ID",
        title_header: str = "Judul",
        between: Callable[[str], None] = _no_step,
        contract: Contract | None = None,
    ) -> None:
        self.path = Path(path)
        self.contract = contract  # its time columns are written as date-time cells; setup lays the sheet out
        self.between = between
        self.register_tab = register_tab
        self.roster_tab = roster_tab
        self.log_tab = log_tab
        self.id_header = id_header
        self.title_header = title_header
        self._last_read: tuple[str, RegisterSnapshot] | None = None  # (sha256 of the bytes, their snapshot)
        self._placed: str | None = None  # sha256 of the bytes the last write placed

    def __repr__(self) -> str:
        return f"WorkbookRegister({str(self.path)!r})"

    # --- creation ---------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        register_headers: Sequence[str],
        roster_headers: Sequence[str],
        log_headers: Sequence[str],
        roster_rows: Iterable[Sequence[str]] = (),
        **kwargs,
    ) -> WorkbookRegister:
        """Make a new register workbook with the three tabs; never overwrites an existing file."""
        from openpyxl.workbook.workbook import Workbook

        from automation.adapters.local.workbook_layout import lay_out

        register = cls(Path(path), **kwargs)
        if register.path.exists():
            raise RegisterError(store_text.file_exists(register.path.name))
        wb = Workbook()
        tabs = (
            (register.register_tab, register_headers, ()),
            (register.roster_tab, roster_headers, tuple(roster_rows)),
            (register.log_tab, log_headers, ()),
        )
        wb.remove(wb.worksheets[0])
        for title, headers, rows in tabs:
            ws = wb.create_sheet(title)
            _write_header_sheet(ws, headers, rows)
        if register.contract is not None:
            lay_out(wb, register.contract)
        register.path.parent.mkdir(parents=True, exist_ok=True)
        _save_atomically(wb, register.path)
        return register

    def set_up(self) -> list[str]:
        """Lay the workbook out like the Google register (`workbook_layout`); what changed, [] when nothing.

        Saved as every write is (never over a person's save); refused while the file is open in an editor."""
        if self.contract is None:
            return []
        lock = self.is_locked()
        if lock:
            raise RegisterError(store_text.workbook_open(self.path.name, lock))
        from automation.adapters.local.workbook_layout import lay_out

        wb, read = self._load()
        changes = lay_out(wb, self.contract)
        if changes:
            reason = self._replace_if_unchanged(wb, read)
            if reason:
                raise RegisterError(reason)
        return changes

    def layout_drift(self) -> list[str]:
        """What `set_up` would change, changing nothing (`sop-konten check`)."""
        if self.contract is None:
            return []
        from automation.adapters.local.workbook_layout import lay_out

        wb, _ = self._load()
        return lay_out(wb, self.contract)

    # --- reading ----------------------------------------------------------

    def read(self) -> RegisterSnapshot:
        """The register as the domain sees it; the file is parsed only when its bytes changed.

        Identical bytes give an identical snapshot, so the last one is kept with the hash of the bytes
        it came from: an idle cycle costs reading and hashing the file, whatever a save did to its
        size, time or inode. The snapshot is immutable (tuples), so handing out the same one is safe.
        """
        data, read = self._read_bytes()
        return self._snapshot(data, read)

    def _snapshot(self, data: bytes, read: _ReadFile) -> RegisterSnapshot:
        if self._last_read is not None and self._last_read[0] == read.sha256:
            return self._last_read[1]
        self._last_read = None  # the old snapshot's memory is free before the new one is built
        release_free_memory()
        sheets = self._read_sheets((self.register_tab, self.roster_tab), (self.log_tab,), data)
        snapshot = RegisterSnapshot(
            register=_table(self._tab(sheets, self.register_tab)),
            roster=_table(self._tab(sheets, self.roster_tab)),
            log_last_no=_last_log_no_read(self._tab(sheets, self.log_tab)),
        )
        self._last_read = (read.sha256, snapshot)
        release_free_memory()  # what the parse freed (calamine's copy of the sheets, the XML)
        return snapshot

    def _read_sheets(self, tabs: Sequence[str], first_column_only: Sequence[str] = (),
                     data: bytes | None = None) -> dict[str, Sheet]:
        if data is None:
            data, _ = self._read_bytes()
        try:
            return read_values(data, tabs, first_column_only)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise RegisterError(store_text.workbook_corrupt(self.path.name)) from exc

    def _tab(self, sheets: dict[str, Sheet], tab: str) -> Sheet:
        if tab not in sheets:
            raise RegisterError(store_text.workbook_tab_missing(tab, self.path.name))
        return sheets[tab]

    def log_headers(self) -> tuple[str, ...]:
        return _read_headers(self._tab(self._read_sheets((self.log_tab,)), self.log_tab))

    def link(self, item_id: str) -> str:
        return self.path.resolve().as_uri()

    def is_locked(self) -> str:
        """The name of an editor's lock file next to the workbook, or "" if there is none."""
        name = self.path.name
        candidates = [f".~lock.{name}#", f"~${name}"]  # LibreOffice, Excel
        if len(name) > 2:
            candidates.append(f"~${name[2:]}")  # Office may overwrite the first two characters
        for candidate in candidates:
            if (self.path.parent / candidate).exists():
                return candidate
        return ""

    def lock(self) -> RegisterLock | None:
        """Who holds the workbook open, from the editor's lock file; None when nobody does."""
        name = self.is_locked()
        if not name:
            return None
        try:
            with open(self.path.parent / name, "rb") as handle:
                data = handle.read(4096)
                st = os.fstat(handle.fileno())
        except OSError:  # closed meanwhile, or unreadable: still locked as far as writes go
            return RegisterLock(name, "", name)
        return RegisterLock(name, lock_holder(name, data), f"{st.st_ino}-{st.st_mtime_ns}")

    # --- writing ----------------------------------------------------------

    def write(self, batch: WriteBatch) -> WriteResult:
        if not (batch.updates or batch.appends or batch.log_rows):
            return WriteResult(written=True)
        lock = self.is_locked()
        if lock:
            return self._not_written(store_text.workbook_open(self.path.name, lock))

        data, read = self._read_bytes()  # fresh: rows may have moved since the caller's read
        release_free_memory()  # the cycle's garbage, before the tabs' XML is decompressed
        from automation.adapters.local.workbook_patch import Unsupported

        content: Workbook | WorkbookPatch
        try:
            outcome, content, after = self._apply_patched(batch, data, read)
        except Unsupported:  # a shape the patch does not handle (notes, formulas, merges): openpyxl writes it
            outcome, content = self._apply_parsed(batch, data)
            after = _not_known  # the next cycle parses what openpyxl saved
        outcome.log_warnings()
        if not outcome.changed:  # nothing to save: leave the file (and its mtime) alone
            return WriteResult(written=True, skipped=tuple(outcome.skipped))
        reason = self._replace_if_unchanged(content, read)
        if reason:
            return self._not_written(reason)
        written = after()
        if written is not None and self._placed is not None:  # the next read of these very bytes parses nothing
            self._last_read = (self._placed, written)
        release_free_memory()
        return WriteResult(written=True, skipped=tuple(outcome.skipped))

    def _apply_patched(self, batch: WriteBatch, data: bytes, read: _ReadFile
                       ) -> tuple[_Outcome, WorkbookPatch, Callable[[], RegisterSnapshot | None]]:
        """The batch applied to the file's XML: only the changed rows are rewritten (`workbook_patch`); and
        how to tell the snapshot of the file once written."""
        from automation.adapters.local.workbook_patch import WorkbookPatch

        known: RegisterSnapshot | None = None
        if self._last_read is not None and self._last_read[0] == read.sha256:  # unchanged since the cycle's read
            known = self._last_read[1]
            texts, last_number = known.register, known.log_last_no
        else:
            sheets = self._read_sheets((self.register_tab,), (self.log_tab,), data)
            texts = _table(self._tab(sheets, self.register_tab))
            last_number = _last_log_no_read(self._tab(sheets, self.log_tab))
        patch = WorkbookPatch(data)
        register = patch.sheet(self.register_tab, texts)
        log_sheet = patch.sheet(self.log_tab, last_number=last_number)
        rows = _RowIndex.of_table(texts, self.id_header, self.title_header, register.last_used_row())

        def after() -> RegisterSnapshot | None:
            table = register.texts_after()
            if known is None or table is None:
                return None
            return RegisterSnapshot(register=table, roster=known.roster, log_last_no=log_sheet.last_number)

        return self._apply(batch, register, log_sheet, rows), patch, after

    def _apply_parsed(self, batch: WriteBatch, data: bytes) -> tuple[_Outcome, Workbook]:
        """The batch applied to the whole workbook parsed by openpyxl."""
        wb = self._parse(data)
        register_ws = self._sheet(wb, self.register_tab)
        rows = _RowIndex.of_worksheet(register_ws, self.id_header, self.title_header)
        outcome = self._apply(batch, _WorksheetGrid(register_ws), _WorksheetGrid(self._sheet(wb, self.log_tab)), rows)
        return outcome, wb

    def _apply(self, batch: WriteBatch, register: _Grid, log_sheet: _Grid, rows: _RowIndex) -> _Outcome:
        outcome = _Outcome()
        if batch.updates and rows.id_column is None:
            raise RegisterError(
                store_text.workbook_column_missing(self.id_header, self.register_tab, self.path.name)
            )
        for update in batch.updates:
            _apply_update(register, rows, update, outcome, self.contract)
        for values in batch.appends:
            _append_row(register, rows, values, outcome, self.id_header, self.contract)
        _append_log_rows(log_sheet, batch.log_rows, outcome)
        return outcome

    def _replace_if_unchanged(self, content: _Saveable, read: _ReadFile) -> str:
        """Save next to the workbook and swap it in; returns why not, or "" when done.

        `_placed` is then the hash of the bytes placed (None when nothing was)."""
        self._placed = None
        tmp = _save_temp(content, self.path)
        try:
            _copy_mode(self.path, tmp)
            placed = file_sha256(tmp)  # the daemon's own file: nobody else writes it
            self.between(SWAP_STEPS[0])
            lock = self.is_locked()
            if lock:
                return store_text.workbook_opened_during_write(self.path.name, lock)
            reason = self._swap_in(tmp, read)
            self._placed = None if reason else placed
            return reason
        finally:
            tmp.unlink(missing_ok=True)

    def _swap_in(self, tmp: Path, read: _ReadFile) -> str:
        """Replace the workbook by `tmp` unless a person saved it since `read`; never loses their save.

        A plain os.replace after a last check leaves a window in which a save is overwritten. Instead:
        the current file is renamed aside (atomic), then checked to be the very bytes that were read,
        and the new file is linked in, which fails if a save created the path meanwhile. Anything
        unexpected puts the person's file back and the write is retried next cycle.
        """
        name = self.path.name
        aside = _aside_path(self.path)
        try:
            reached("workbook.aside")
            os.rename(self.path, aside)
        except FileNotFoundError:
            return store_text.workbook_disappeared(name)
        self.between(SWAP_STEPS[1])
        if not _is_file_read(aside, read):
            self._restore(aside)
            return store_text.workbook_saved_meanwhile(name)
        self.between(SWAP_STEPS[2])
        new_stamp = _FileStamp.of(tmp.stat())
        try:
            reached("workbook.replace")
            os.link(tmp, self.path)
        except FileExistsError:  # a save created the file while it was aside: theirs is newer
            aside.unlink()
            _fsync_dir(self.path.parent)
            return store_text.workbook_saved_meanwhile(name)
        reached("workbook.placed")
        tmp.unlink()
        _fsync_dir(self.path.parent)
        self.between(SWAP_STEPS[3])
        if not _is_file_read(aside, read):  # written through a handle opened before the rename
            if _stamp_at(self.path) == new_stamp:
                os.replace(aside, self.path)
                _fsync_dir(self.path.parent)
            return store_text.workbook_saved_meanwhile(name)
        aside.unlink()
        if _stamp_at(self.path) != new_stamp:  # saved over the new file already: retry on theirs
            return store_text.workbook_saved_meanwhile(name)
        return ""

    def _restore(self, aside: Path) -> None:
        """Put a person's file back; if yet another save created the path, that newer one stays."""
        try:
            os.link(aside, self.path)
        except FileExistsError:
            log.warning(log_text.REGISTER_SAVE_SUPERSEDED, aside.name, self.path.name)
            return
        aside.unlink()
        _fsync_dir(self.path.parent)

    def recover_after_crash(self) -> None:
        """A crash between moving the file aside and linking the new one in leaves no register:
        put the latest file aside back (the one that was moved last)."""
        if self.path.exists():
            return
        asides = sorted(_own_files(self.path, (_ASIDE_SUFFIX,)), key=lambda p: p.stat().st_ctime_ns)
        if asides:
            self._restore(asides[-1])

    def _not_written(self, reason: str) -> WriteResult:
        log.info(log_text.REGISTER_NOT_WRITTEN, reason)
        return WriteResult(written=False, reason=reason)

    # --- loading ----------------------------------------------------------

    def _load(self) -> tuple[Workbook, _ReadFile]:
        """Read the file once and parse it; the stamp is of the very bytes parsed."""
        data, read = self._read_bytes()
        return self._parse(data), read

    def _parse(self, data: bytes) -> Workbook:
        import openpyxl

        try:
            return openpyxl.load_workbook(io.BytesIO(data))
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise RegisterError(store_text.workbook_corrupt(self.path.name)) from exc

    def _read_bytes(self) -> tuple[bytes, _ReadFile]:
        """The file's bytes, with the stamp of the very bytes read and their hash."""
        name = self.path.name
        self.recover_after_crash()
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
                stamp = _FileStamp.of(os.fstat(handle.fileno()))
        except FileNotFoundError:
            raise RegisterError(store_text.workbook_missing(name, self.path.parent)) from None
        except OSError as exc:
            raise RegisterError(store_text.workbook_unreadable(name, config_text.os_reason(exc.errno, exc.strerror))) from exc
        return data, _ReadFile(stamp, hashlib.sha256(data).hexdigest())

    def _sheet(self, wb: Workbook, tab: str) -> Worksheet:
        from openpyxl.worksheet.worksheet import Worksheet

        ws = wb[tab] if tab in wb.sheetnames else None
        if not isinstance(ws, Worksheet):
            raise RegisterError(store_text.workbook_tab_missing(tab, self.path.name))
        return ws


def set_value(cell, value: str, time_column: bool) -> None:
    """A time the daemon spells (`YYYY-MM-DD HH:MM`) in a time column becomes a date-time cell (it reads
    back as the same text); anything else, and every other column, is stored as text."""
    from automation.adapters.local.workbook_layout import set_date_time

    when = daemon_time(value) if time_column else None
    if when is not None:
        set_date_time(cell, when)
    else:
        set_text(cell, value)


def _like_column(ws: Worksheet, cell, column: int) -> None:
    """A new row's cell wraps like its column (openpyxl does not apply a column's style to new cells)."""
    from openpyxl.utils import get_column_letter

    dimension = ws.column_dimensions.get(get_column_letter(column))
    if dimension is not None and dimension.alignment.wrap_text:
        cell.alignment = copy(dimension.alignment)


# --- sheet helpers ----------------------------------------------------------

def _headers(ws: Worksheet) -> tuple[str, ...]:
    headers = [cell_text(cell.value).strip() for cell in ws[1]] if ws.max_row >= 1 else []
    while headers and not headers[-1]:
        headers.pop()
    return tuple(headers)


def _header_columns(ws: Worksheet) -> dict[str, int]:
    """Header text -> 1-based column; the first of duplicate headers wins."""
    columns: dict[str, int] = {}
    for index, header in enumerate(_headers(ws), start=1):
        if header and header not in columns:
            columns[header] = index
    return columns


def _last_used_row(ws: Worksheet) -> int:
    """The last row holding any value (formatting alone does not count); 1 if only headers."""
    last = 1
    for index, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if any(v not in (None, "") for v in values):
            last = index
    return last


class _RowIndex:
    """The register's rows as found at write time, to locate anchors and the end of the data."""

    def __init__(self, columns: dict[str, int], id_header: str, ids: list[str], titles: list[str],
                 last_row: int) -> None:
        self.columns = columns
        self.id_column = columns.get(id_header)
        self.last_row = last_row  # the last row holding a value (1: only headers)
        del ids[last_row - 1:], titles[last_row - 1:]
        self.locator = RowLocator(ids, titles)
        self.ids = {item_id.strip() for item_id in ids if item_id.strip()}

    @classmethod
    def of_worksheet(cls, ws: Worksheet, id_header: str, title_header: str) -> _RowIndex:
        columns = _header_columns(ws)
        id_column, title_column = columns.get(id_header), columns.get(title_header)
        # One pass over the sheet (it is the write's longest scan): the last row holding a value, and
        # every row's ID and title up to it.
        last_row = 1
        ids: list[str] = []
        titles: list[str] = []
        for index, cells in enumerate(ws.iter_rows(min_row=2), start=2):
            if any(cell.value not in (None, "") for cell in cells):
                last_row = index
            ids.append(_text_at(cells, id_column))
            titles.append(_text_at(cells, title_column))
        return cls(columns, id_header, ids, titles, last_row)

    @classmethod
    def of_table(cls, table: Table, id_header: str, title_header: str, last_row: int) -> _RowIndex:
        """The same from the texts `read()` gave; `last_row` is found in the sheet (a value in any column)."""
        columns = {header: index for index, header in reversed(list(enumerate(table.headers, start=1))) if header}

        def texts(header: str) -> list[str]:
            found = [row[columns[header] - 1] for row in table.rows] if header in columns else []
            return (found + [""] * (last_row - 1))[:max(last_row - 1, 0)]

        return cls(columns, id_header, texts(id_header), texts(title_header), max(last_row, len(table.rows) + 1))

    def find(self, anchor: RowAnchor) -> int | None:
        """The sheet row of `anchor` now, or None (see automation.domain.rows)."""
        index = self.locator.find(anchor)
        return None if index is None else index + 2


def _table(sheet: Sheet) -> Table:
    """A tab's header row and data rows as text; trailing empty rows dropped, rows padded to the headers."""
    rows = sheet.rows
    headers = _read_headers(sheet)
    width = len(headers)
    table: list[tuple[str, ...]] = []
    if width:
        padding = ("",) * width
        number_format = sheet.number_format
        # Texts interned: a new read's cells are then the very strings the last snapshot, the engine's rows
        # and the journal's item states hold (`state_from_json` interns too), not one more copy per read.
        for r, row in enumerate(rows[1:], start=2):
            texts = tuple(intern(v) if type(v) is str else intern(cell_text(v, number_format(r, c)))
                          for c, v in enumerate(row[:width], start=1))
            table.append(texts + padding[len(texts):])
    while table and not any(table[-1]):
        table.pop()
    return Table(headers=headers, rows=tuple(table))


def worksheet_table(ws: Worksheet) -> Table:
    """A tab the write path parsed with openpyxl, as a Table read exactly as `read()` reads it."""
    rows: list[list[Any]] = []
    formats: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(ws.iter_rows(), start=1):
        row: list[Any] = []
        for c, cell in enumerate(cells, start=1):
            row.append("" if cell.value is None else cell.value)
            if cell.number_format != "General":
                formats[(r, c)] = cell.number_format
        rows.append(row)
    return _table(Sheet(rows, formats))


def _read_headers(sheet: Sheet) -> tuple[str, ...]:
    headers = [cell_text(None if v == "" else v).strip() for v in (sheet.rows[0] if sheet.rows else [])]
    while headers and not headers[-1]:
        headers.pop()
    return tuple(headers)


def _last_log_no_read(sheet: Sheet) -> int:
    numbers = (_log_number(row[0]) for row in sheet.rows[1:] if row)
    return max((n for n in numbers if n is not None), default=0)


def _text_at(cells: tuple, column: int | None) -> str:
    if column is None or column > len(cells):
        return ""
    return _cell_text(cells[column - 1])


def _log_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _last_log_no_and_row(ws: Worksheet) -> tuple[int, int]:
    """The highest event number in column A and the last row holding any value (1 if only headers),
    in one pass: the Log is the workbook's longest tab."""
    # Column A forwards and the last row backwards: reading every cell of every row cost 1 s at 64,000 lines.
    bottom, width = ws.max_row, ws.max_column
    numbers = (_log_number(ws.cell(row, 1).value) for row in range(2, bottom + 1))
    last_no = max((n for n in numbers if n is not None), default=0)
    for row in range(bottom, 1, -1):
        if any(ws.cell(row, column).value not in (None, "") for column in range(1, width + 1)):
            return last_no, row
    return last_no, 1


class _Grid(Protocol):
    """A tab's cells as the write logic changes them: parsed by openpyxl (`_WorksheetGrid`) or patched in
    the file's XML (`workbook_patch.SheetPatch`)."""

    def text(self, row: int, column: int) -> str | None:
        """The cell as `read()` sees it; None for a cell inside a merged range (never written)."""

    def put(self, row: int, column: int, value: str, time_column: bool) -> None: ...
    def put_number(self, row: int, column: int, number: int) -> None: ...
    def note(self, row: int, column: int, text: str) -> None: ...
    def drop_stale_notes(self, row: int, notes: str, keep: set[int], columns: Iterable[int]) -> None: ...
    def mark_overdue(self, row: int, column: int, overdue: bool) -> None: ...
    def like_column(self, row: int, column: int) -> None: ...
    def log_end(self) -> tuple[int, int]: ...


class _WorksheetGrid:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def text(self, row: int, column: int) -> str | None:
        from openpyxl.cell.cell import MergedCell

        cell = self.ws.cell(row, column)
        return None if isinstance(cell, MergedCell) else _cell_text(cell)

    def put(self, row: int, column: int, value: str, time_column: bool) -> None:
        set_value(self.ws.cell(row, column), value, time_column)

    def put_number(self, row: int, column: int, number: int) -> None:
        self.ws.cell(row, column).value = number

    def note(self, row: int, column: int, text: str) -> None:
        from openpyxl.comments import Comment

        note = Comment(text, NOTE_AUTHOR)
        note.width, note.height = 300, 120
        self.ws.cell(row, column).comment = note

    def drop_stale_notes(self, row: int, notes: str, keep: set[int], columns: Iterable[int]) -> None:
        """The daemon's cell notes on `row` whose reason `Catatan Sistem` no longer carries: the problem is gone."""
        # Only header columns: the daemon notes no other cell. `ws.iter_rows` over one row would first
        # scan every cell of the sheet for its width (1.6 s per edit at 10,000 rows).
        for column in set(columns) - keep:
            cell = self.ws.cell(row, column)  # an empty cell openpyxl creates here is not saved
            comment = cell.comment
            if comment is None or comment.author != NOTE_AUTHOR or comment.text.strip() in notes:
                continue
            cell.comment = None

    def mark_overdue(self, row: int, column: int, overdue: bool) -> None:
        from openpyxl.styles import PatternFill

        self.ws.cell(row, column).fill = (
            PatternFill(fill_type="solid", start_color=OVERDUE_COLOUR, end_color=OVERDUE_COLOUR) if overdue
            else PatternFill(fill_type=None))

    def like_column(self, row: int, column: int) -> None:
        _like_column(self.ws, self.ws.cell(row, column), column)

    def log_end(self) -> tuple[int, int]:
        return _last_log_no_and_row(self.ws)


@dataclass
class _Outcome:
    """What a write changed and left alone; its warnings are logged once the write path is settled."""

    changed: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)

    def warn(self, message: str, *args: object) -> None:
        self.warnings.append((message, args))

    def log_warnings(self) -> None:
        for message, args in self.warnings:
            log.warning(message, *args)


def _apply_update(grid: _Grid, rows: _RowIndex, update: RowUpdate, outcome: _Outcome,
                  contract: Contract | None = None) -> None:
    where = _describe(update.anchor)
    row = rows.find(update.anchor)
    if row is None:
        outcome.warn(log_text.ROW_NOT_FOUND, where)
        outcome.skipped.extend((where, change.column) for change in update.changes)
        return
    noted_now = {rows.columns[c.column] for c in update.changes if c.note and c.column in rows.columns}
    for change in update.changes:
        if _set_if_unchanged(grid, row, rows.columns.get(change.column), change, outcome, contract):
            outcome.changed = True
            if change.column == NOTES:
                grid.drop_stale_notes(row, change.value, noted_now, rows.columns.values())
        else:
            outcome.skipped.append((where, change.column))
    due = rows.columns.get(DUE_HEADER)
    if update.overdue is not None and due is not None:  # a light red fill on the Tenggat cell of a late row
        grid.mark_overdue(row, due, update.overdue)
        outcome.changed = True


DUE_HEADER = "Tenggat"


def _set_if_unchanged(grid: _Grid, row: int, column: int | None, change: CellChange, outcome: _Outcome,
                      contract: Contract | None = None) -> bool:
    """Compare-and-set one cell; False when it was left alone."""
    if column is None:
        outcome.warn(log_text.COLUMN_NOT_FOUND, change.column)
        return False
    if grid.text(row, column) != change.expected:  # None: a merged cell, never written
        return False
    grid.put(row, column, change.value, _is_time_column(contract, change.column))
    if change.note:
        grid.note(row, column, change.note)
    return True


def _append_row(grid: _Grid, rows: _RowIndex, values: dict[str, str], outcome: _Outcome,
                id_header: str, contract: Contract | None = None) -> None:
    item_id = values.get(id_header, "").strip()
    if item_id and item_id in rows.ids:
        return  # the row is there already (an earlier write landed): never appended twice
    if item_id:
        rows.ids.add(item_id)
    rows.last_row += 1
    outcome.changed = True
    for header, value in values.items():
        column = rows.columns.get(header)
        if column is None:
            outcome.warn(log_text.NEW_ROW_COLUMN_NOT_FOUND, header)
            outcome.skipped.append((store_text.NEW_ROW, header))
            continue
        grid.put(rows.last_row, column, value, _is_time_column(contract, header))
        grid.like_column(rows.last_row, column)


def _append_log_rows(grid: _Grid, log_rows: Iterable[Sequence[str]], outcome: _Outcome) -> None:
    """Append only events newer than the last one present, so a resend never duplicates."""
    log_rows = list(log_rows)
    if not log_rows:
        return
    last_no, row = grid.log_end()
    row += 1
    for values in log_rows:
        number = _log_number(values[0]) if values else None
        if number is None:
            outcome.warn(log_text.LOG_ROW_WITHOUT_NUMBER, values)
            continue
        if number <= last_no:
            continue
        grid.put_number(row, 1, number)
        for column, value in enumerate(values[1:], start=2):
            grid.put(row, column, value, False)
        last_no = number
        row += 1
        outcome.changed = True


def _describe(anchor: RowAnchor) -> str:
    if anchor.item_id:
        return store_text.item_row(anchor.item_id)
    return store_text.new_row(repr(anchor.title), anchor.read_index + 2)


def _is_time_column(contract: Contract | None, header: str) -> bool:
    return is_time_column(contract, header)


def _write_header_sheet(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(1, column)
        set_text(cell, header)
        cell.font = bold
    for row_index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            set_text(ws.cell(row_index, column), value)
    for column, header in enumerate(headers, start=1):
        longest = max([len(header)] + [len(r[column - 1]) for r in rows if len(r) >= column])
        ws.column_dimensions[get_column_letter(column)].width = min(max(longest + 4, 12), 50)
    ws.freeze_panes = "A2"


# --- file helpers -----------------------------------------------------------

def _save_atomically(wb: Workbook, path: Path) -> None:
    tmp = _save_temp(wb, path)
    try:
        reached("workbook.save")
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


_TEMP_SUFFIX = ".tmp"
_ASIDE_SUFFIX = ".aside"


def _aside_path(path: Path) -> Path:
    """A new hidden name next to `path` for the file being replaced (the daemon's own pattern)."""
    while True:
        aside = path.parent / f".{path.name}.{secrets.token_hex(4)}{_ASIDE_SUFFIX}"
        if not os.path.lexists(aside):
            return aside


def _own_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The daemon's temporary files for the workbook at `path` (`.<name>.<8 hex>.tmp|.aside`)."""
    pattern = re.compile(
        rf"\.{re.escape(path.name)}\.[0-9a-f]{{8}}({'|'.join(re.escape(s) for s in suffixes)})"
    )
    try:
        with os.scandir(path.parent) as entries:
            return [path.parent / e.name for e in entries
                    if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def sweep_temporary_files(path: Path, started_at: float) -> list[Path]:
    """Delete the daemon's own leftovers next to the workbook from before `started_at` (epoch s)."""
    WorkbookRegister(path).recover_after_crash()
    removed = []
    for leftover in _own_files(path, (_TEMP_SUFFIX, _ASIDE_SUFFIX)):
        try:
            if leftover.lstat().st_mtime < started_at:
                leftover.unlink()
                removed.append(leftover)
        except FileNotFoundError:
            continue
    return removed


def _is_file_read(path: Path, read: _ReadFile) -> bool:
    """Whether `path` still holds exactly the bytes that were read (same inode, stamp and hash)."""
    try:
        with open(path, "rb", opener=_open_nofollow) as handle:
            if _FileStamp.of(os.fstat(handle.fileno())) != read.stamp:
                return False
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == read.sha256


def _not_known() -> RegisterSnapshot | None:
    return None


def _open_nofollow(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_NOFOLLOW)


def _stamp_at(path: Path) -> _FileStamp | None:
    try:
        return _FileStamp.of(path.stat())
    except FileNotFoundError:
        return None


class _Saveable(Protocol):
    """An openpyxl Workbook, or the patched one (`workbook_patch.WorkbookPatch`)."""

    def save(self, filename: Any) -> None: ...


def _save_temp(content: _Saveable, path: Path) -> Path:
    """Save into a new hidden file next to `path` (same file system, so a rename can swap it in)."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"
        try:
            # 0o666 under the umask, like any new file; mkstemp would make it private
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            content.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _copy_mode(source: Path, target: Path) -> None:
    try:
        os.chmod(target, source.stat().st_mode & 0o7777)
    except OSError:
        pass  # best effort: keeping the permissions is nice, not essential


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
