"""The register on Google Sheets (gspread), with a bounded number of requests per poll.

- `read`: ONE `values:batchGet` for the register, the roster and the unsynced
  tail of the Log tab, asked gzipped; an answer whose content is the last
  one's is not decoded again (the same snapshot comes back), a changed one is
  decoded chunk by chunk with its cells interned.
- `write`: ONE `values:batchGet` of the header row, the ID column and the rows
  about to change at their read positions (rows are re-found by ID right before
  writing; a cell a person changed since the read is left alone), and ONE
  `spreadsheets:batchUpdate` carrying the values (`updateCells` with
  `stringValue`: people's text is never run as a formula), cell notes, overdue
  marks, new rows and Log rows, applied all or nothing.

So an active poll is three requests, whatever the number of rows. Rows are
re-found by the ID column rather than by row-anchored developer metadata:
Google documents that such metadata follows inserted and deleted rows, not
that it follows a sort, and people sort the register. Only when rows moved
between the poll's read and its write does the re-resolve cost one more
`values:batchGet` (of the moved rows).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import gspread
import ijson
import orjson
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_VALUES_BATCH_URL
from gspread.utils import rowcol_to_a1

from automation.adapters.google.archive_sheet import move_rows, read_archives
from automation.adapters.google.errors import access_problem, status_of
from automation.adapters.google.ranges import quoted
from automation.domain.rows import RowLocator
from automation.domain.texts import store as store_text
from automation.ports import (
    ArchivedRow,
    ArchiveResult,
    ArchiveRow,
    RegisterError,
    RegisterSnapshot,
    RowUpdate,
    Table,
    WriteBatch,
    WriteResult,
    interned_cells,
)

log = logging.getLogger("sop_konten.sheets")

ID, TITLE, DUE, NOTES = "ID", "Judul", "Tenggat", "Catatan Sistem"
OVERDUE_COLOR = {"red": 0.957, "green": 0.8, "blue": 0.8}  # #F4CCCC
NO_COLOR = {"red": 1, "green": 1, "blue": 1}
LOG_ROWS_KEY, LOG_NO_KEY = "sheets.log_rows", "sheets.log_last_no"
NOTES_KEY = "sheets.cell_notes"  # {item ID: {column: note}}: the notes the daemon put, to remove them once stale


class KeyValue(Protocol):
    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


def column_letter(index: int) -> str:
    return rowcol_to_a1(1, index + 1)[:-1]


@dataclass
class _Fresh:
    """What the sheet holds right before writing: where each update's row is now, and those rows."""

    headers: list[str]
    ids: list[str]  # the ID column from row 2 down
    found: list[int | None]  # per update: its data row index now (0 = row 2), None when gone or ambiguous
    rows: dict[int, list[str]]  # data row index -> the row's values now


class SheetsRegister:
    def __init__(self, client: gspread.Client, spreadsheet: str, state: KeyValue, *,
                 account: str = "", register_tab: str = "Register", roster_tab: str = "Petugas",
                 log_tab: str = "Log", describe: Callable[[Exception], str] | None = None):
        self.client = client
        self.key = spreadsheet_key(spreadsheet)
        self.state = state
        self.account = account
        self.register_tab, self.roster_tab, self.log_tab = register_tab, roster_tab, log_tab
        self._spreadsheet: gspread.Spreadsheet | None = None
        self._sheet_ids: dict[str, int] = {}
        self._headers: tuple[str, ...] = ()
        self._row_of: dict[str, int] = {}
        # the last read's (ranges, SHA-256 of the answer) and its snapshot: an idle poll's answer is the
        # same bytes as the one before, and the engine's work on an unchanged table is kept with it
        self._last_read: tuple[tuple[tuple[str, ...], bytes], RegisterSnapshot] | None = None

    # -- opening ----------------------------------------------------------
    @property
    def spreadsheet(self) -> gspread.Spreadsheet:
        if self._spreadsheet is None:
            spreadsheet = self.spreadsheet_unchecked()
            try:
                metadata = spreadsheet.fetch_sheet_metadata({"fields": "sheets.properties"})
            except APIError as exc:
                raise RegisterError(access_problem(status_of(exc), "Spreadsheet", self.key, self.account, exc)) from exc
            self._spreadsheet = spreadsheet
            self._sheet_ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in metadata["sheets"]}
            missing = [t for t in (self.register_tab, self.roster_tab, self.log_tab) if t not in self._sheet_ids]
            if missing:
                raise RegisterError(store_text.sheet_tab_missing(', '.join(repr(t) for t in missing), self.key))
        return self._spreadsheet

    def spreadsheet_unchecked(self) -> gspread.Spreadsheet:
        """The spreadsheet without checking its tabs (for setup, which creates them)."""
        try:
            return self.client.open_by_key(self.key)
        except PermissionError as exc:  # gspread's answer to a 403
            raise RegisterError(access_problem(403, "Spreadsheet", self.key, self.account)) from exc
        except gspread.exceptions.SpreadsheetNotFound as exc:
            raise RegisterError(access_problem(404, "Spreadsheet", self.key, self.account)) from exc
        except APIError as exc:
            raise RegisterError(access_problem(status_of(exc), "Spreadsheet", self.key, self.account, exc)) from exc

    # -- read -------------------------------------------------------------
    def read(self) -> RegisterSnapshot:
        tail_from = self._log_rows() + 2
        # from the last synced line (which exists), not past it: a range beyond the grid is an error
        ranges = [quoted(self.register_tab), quoted(self.roster_tab), f"{quoted(self.log_tab)}!A{tail_from - 1}:A"]
        try:
            body = self._values_batch_body(ranges)
        except APIError as exc:
            raise RegisterError(access_problem(status_of(exc), "Spreadsheet", self.key, self.account, exc)) from exc
        question_and_answer = (tuple(ranges), body.digest)
        if self._last_read is not None and self._last_read[0] == question_and_answer:
            return self._last_read[1]  # the same answer to the same question: nothing to decode again
        self._last_read = None  # the old snapshot goes before the new one is built
        register, roster, tail = (*_value_ranges(body), [], [], [])[:3]
        del body
        tail = tail[1:]  # the first row is the last line already synced (or the header)
        register_table = _table(register)
        del register
        self._headers = register_table.headers
        self._row_of = {}
        if ID in self._headers:
            id_column = self._headers.index(ID)
            for index, row in enumerate(register_table.rows):
                item = row[id_column].strip()
                if item and item not in self._row_of:
                    self._row_of[item] = index + 2
        last_no = int(self.state.get_meta(LOG_NO_KEY) or 0)
        for line in tail:
            if line and str(line[0]).strip().isdigit():
                last_no = max(last_no, int(str(line[0]).strip()))
        if tail:  # lines appended by a write whose answer was lost: count them as synced
            self.state.set_meta(LOG_ROWS_KEY, str(tail_from - 2 + len(tail)))
            self.state.set_meta(LOG_NO_KEY, str(last_no))
        snapshot = RegisterSnapshot(register=register_table, roster=_table(roster), log_last_no=last_no)
        self._last_read = (question_and_answer, snapshot)
        return snapshot

    def _log_rows(self) -> int:
        return int(self.state.get_meta(LOG_ROWS_KEY) or 0)

    # -- write ------------------------------------------------------------
    def write(self, batch: WriteBatch) -> WriteResult:
        """At most one `values:batchGet` (re-finding rows) and one `spreadsheets:batchUpdate` carrying
        values, notes, overdue marks and new rows at once (all or nothing)."""
        spreadsheet = self.spreadsheet  # opened first: the tab IDs come with it
        if batch.updates:
            fresh = self._fresh(batch.updates)
            if tuple(fresh.headers) != self._headers:
                return WriteResult(written=False, reason=store_text.COLUMNS_CHANGED)
        else:
            fresh = _Fresh(list(self._headers), [], [], {})
        sheet_id = self._sheet_ids[self.register_tab]
        requests: list[dict] = []
        skipped: list[tuple[str, str]] = []
        notes = _Notes(self.state)
        for update, index in zip(batch.updates, fresh.found, strict=True):
            where = update.anchor.item_id or store_text.new_row_titled(update.anchor.title)
            if index is None:
                skipped.extend((where, c.column) for c in update.changes)
                continue
            row = fresh.rows.get(index, [])
            noted_now = {c.column for c in update.changes if c.note}
            for change in update.changes:
                if change.column not in fresh.headers:
                    skipped.append((where, change.column))
                    continue
                column = fresh.headers.index(change.column)
                current = row[column] if column < len(row) else ""
                if current != change.expected:
                    skipped.append((where, change.column))  # a person changed it since the read
                    continue
                requests.append(_text(sheet_id, index + 1, column, change.value, change.note))
                if change.note:
                    notes.put(update.anchor.item_id, change.column, change.note)
                if change.column == NOTES:
                    for stale in notes.stale(update.anchor.item_id, change.value, noted_now):
                        if stale in fresh.headers:
                            requests.append(_note(sheet_id, index + 1, fresh.headers.index(stale), ""))
            if update.overdue is not None and DUE in fresh.headers:
                requests.append(_fill(sheet_id, index + 1, fresh.headers.index(DUE), update.overdue))
        for values in batch.appends:
            requests.append(_append(sheet_id, [values.get(h, "") for h in self._headers]))
        last_no = int(self.state.get_meta(LOG_NO_KEY) or 0)
        log_rows = [r for r in batch.log_rows if r and str(r[0]).isdigit() and int(r[0]) > last_no]
        if log_rows:
            requests.append(_append(self._sheet_ids[self.log_tab], [list(r) for r in log_rows], number_first=True))
        if requests:
            try:
                spreadsheet.batch_update({"requests": requests})
            except APIError as exc:
                return WriteResult(written=False, reason=store_text.write_failed("spreadsheets:batchUpdate",
                                                                                status_of(exc)))
        notes.save()
        if log_rows:
            self.state.set_meta(LOG_ROWS_KEY, str(self._log_rows() + len(log_rows)))
            self.state.set_meta(LOG_NO_KEY, str(int(log_rows[-1][0])))
        return WriteResult(written=True, skipped=tuple(skipped))

    def _fresh(self, updates: Sequence[RowUpdate]) -> _Fresh:
        """Where the updated rows are now and what they hold: the header row, the ID column (the title
        column too when a new row is among them) and the rows at their read positions, in one
        `values:batchGet`. Only rows that moved since the read (people sorted or inserted rows during
        the cycle) cost a second one."""
        tab = quoted(self.register_tab)
        id_letter = column_letter(self._headers.index(ID))
        by_title = any(not u.anchor.item_id for u in updates) and TITLE in self._headers
        ranges = [f"{tab}!1:1", f"{tab}!{id_letter}2:{id_letter}"]
        if by_title:
            title_letter = column_letter(self._headers.index(TITLE))
            ranges.append(f"{tab}!{title_letter}2:{title_letter}")
        read_rows = sorted({u.anchor.read_index for u in updates if u.anchor.read_index >= 0})
        spans = _spans(read_rows)
        ranges += [self._rows_range(first, last) for first, last in spans]
        value_ranges = self._batch_get(ranges)
        header_rows = _values(value_ranges[0])
        headers = [h.strip() for h in header_rows[0]] if header_rows else []
        ids = [r[0] if r else "" for r in _values(value_ranges[1])]
        titles = [r[0] if r else "" for r in _values(value_ranges[2])] if by_title else []
        rows: dict[int, list[str]] = {}
        for (first, last), value_range in zip(spans, value_ranges[2 + by_title:], strict=False):
            values = _values(value_range)
            for index in range(first, last + 1):
                rows[index] = values[index - first] if index - first < len(values) else []
        locator = RowLocator(ids, titles)
        found = [locator.find(u.anchor) for u in updates]
        moved = sorted({i for i in found if i is not None and i not in rows})
        if moved:
            spans = _spans(moved)
            for (first, last), value_range in zip(spans, self._batch_get(
                    [self._rows_range(a, b) for a, b in spans]), strict=False):
                values = _values(value_range)
                for index in range(first, last + 1):
                    rows[index] = values[index - first] if index - first < len(values) else []
        return _Fresh(headers, ids, found, rows)

    def _values_batch_get(self, ranges: list[str]) -> dict[str, Any]:
        answer = orjson.loads(b"".join(self._values_batch_body(ranges).content()))
        return answer if isinstance(answer, dict) else {}

    def _values_batch_body(self, ranges: list[str]) -> _Body:
        """`values:batchGet` (formatted values, by rows): the answer as it arrived (gzipped, when Google
        compressed it), in chunks, and the SHA-256 of its content."""
        url = SPREADSHEET_VALUES_BATCH_URL % self.spreadsheet.id  # opened (and its tabs checked) first
        http = self.client.http_client
        # streamed and taken in chunks of 64 KB: requests' own `.content` reads 10 KB at a time, 1,800
        # reads for an 18 MB answer; the session is gspread's, and so are its errors (APIError)
        response = http.session.request("get", url, params={"ranges": ranges, "majorDimension": "ROWS"},
                                        timeout=http.timeout, stream=True)
        chunks, digest = [], hashlib.sha256()
        try:
            if not response.ok:
                raise APIError(response)
            gzipped = response.headers.get("Content-Encoding", "").strip().lower() == "gzip"
            inflater = zlib.decompressobj(GZIP_WBITS) if gzipped else None
            # the content is hashed, not the compressed bytes: equal text may be compressed otherwise
            for chunk in response.raw.stream(BODY_CHUNK_BYTES, decode_content=False):
                chunks.append(chunk)
                digest.update(inflater.decompress(chunk) if inflater else chunk)
        finally:
            response.close()
        return _Body(chunks, digest.digest(), gzipped)

    def _rows_range(self, first: int, last: int) -> str:
        """Data rows `first`..`last` (0 = the row under the headers), every register column."""
        end = column_letter(max(len(self._headers), 1) - 1)
        return f"{quoted(self.register_tab)}!A{first + 2}:{end}{last + 2}"

    def _batch_get(self, ranges: list[str]) -> list[dict[str, Any]]:
        value_ranges = self._values_batch_get(ranges).get("valueRanges", [])
        return value_ranges + [{}] * (len(ranges) - len(value_ranges))

    # -- the yearly archive (ports.Archiving; adapters/google/archive_sheet.py) --
    def archive(self, rows: Sequence[ArchiveRow], settled: Collection[str] = ()) -> ArchiveResult:
        # the Log stays whole: a poll reads only its unsynced tail (LOG_ROWS_KEY), whatever its length
        return move_rows(self.spreadsheet, self.register_tab, rows)

    def archived(self, years: Collection[int]) -> list[ArchivedRow]:
        return read_archives(self.spreadsheet, years)

    def link(self, item_id: str) -> str:
        base = f"https://docs.google.com/spreadsheets/d/{self.key}/edit"
        sheet_id = self._sheet_ids.get(self.register_tab)
        row = self._row_of.get(item_id)
        if sheet_id is None:
            return base
        return f"{base}#gid={sheet_id}" + (f"&range=A{row}" if row else "")


# --- helpers ------------------------------------------------------------------

def spreadsheet_key(text: str) -> str:
    text = text.strip()
    if text.startswith("http"):
        try:
            return gspread.utils.extract_id_from_url(text)
        except gspread.exceptions.NoValidUrlKeyFound as exc:
            raise RegisterError(store_text.spreadsheet_url_unknown(text)) from exc
    return text


@dataclass(frozen=True)
class _Body:
    chunks: list[bytes]  # as they arrived
    digest: bytes  # SHA-256 of the content
    gzipped: bool

    def content(self) -> Iterator[bytes]:
        """The content, piece by piece; each chunk is let go once given."""
        inflater = zlib.decompressobj(GZIP_WBITS) if self.gzipped else None
        self.chunks.reverse()
        while self.chunks:
            chunk = self.chunks.pop()
            yield inflater.decompress(chunk) if inflater else chunk
        if inflater:
            yield inflater.flush()


def _value_ranges(body: _Body) -> list[list[tuple[str, ...]]]:
    """The rows of each range of a `values:batchGet` answer, decoded chunk by chunk (ijson): at 10,000 rows
    the answer is 18 MB, and a chunk is let go once decoded, so the answer and its decoded text are never
    held whole at once. Cells are interned as they come (`ports.interned_cells`): a cell as the daemon last
    accepted it is the object the journal already holds, and the decoded copy is freed at once."""
    rows = _RowsOfRanges()
    parser = ijson.parse_coro(rows)
    for piece in body.content():
        if piece:  # ijson takes an empty piece for the end of the answer
            parser.send(piece)
    parser.close()
    return rows.ranges


class _RowsOfRanges:
    """ijson's event sink for `{"valueRanges": [{"values": [[cell, ...], ...]}, ...]}`."""

    RANGE, ROW, CELL = "valueRanges.item", "valueRanges.item.values.item", "valueRanges.item.values.item.item"

    def __init__(self) -> None:
        self.ranges: list[list[tuple[str, ...]]] = []
        self.row: list[str] = []

    def send(self, event: tuple[str, str, Any]) -> None:
        prefix, kind, value = event
        if prefix == self.CELL:
            self.row.append(value if type(value) is str else str(value))
        elif prefix == self.ROW:
            if kind == "start_array":
                self.row = []
            else:
                self.ranges[-1].append(interned_cells(self.row))
        elif prefix == self.RANGE and kind == "start_map":
            self.ranges.append([])


def _values(value_range: dict[str, Any]) -> list[list[str]]:
    return [[str(v) for v in row] for row in value_range.get("values", [])]


def _table(values: Sequence[tuple[str, ...]]) -> Table:
    """Rows as the answer gave them (its strings, interned), cut or padded to the header row's width. The
    values are read formatted (the default `FORMATTED_VALUE`), which Google always answers as strings:
    they are not converted again, which cost as much as decoding the answer."""
    if not values:
        return Table(headers=(), rows=())
    headers = tuple(str(h).strip() for h in values[0])
    width = len(headers)
    padding = ("",) * width
    rows = tuple(row if len(row) == width else (row + padding)[:width] for row in values[1:])
    return Table(headers=headers, rows=rows)


GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib's code for "a gzip stream"
BODY_CHUNK_BYTES = 1 << 16  # how much of a values answer is read at a time (below malloc's mmap threshold)
MAX_ROW_SPANS = 40  # ranges of rows in one re-resolve; more are read as one span (keeps the URL short)
ROW_GAP = 3  # rows this close are read as one range


def _spans(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row indexes as (first, last) runs, near runs joined; one run when they would be too many."""
    spans: list[tuple[int, int]] = []
    for index in indexes:
        if spans and index - spans[-1][1] <= ROW_GAP:
            spans[-1] = (spans[-1][0], index)
        else:
            spans.append((index, index))
    if len(spans) > MAX_ROW_SPANS:
        return [(spans[0][0], spans[-1][1])]
    return spans


def _text(sheet_id: int, row: int, column: int, value: str, note: str = "") -> dict:
    """Set the cell's value as plain text (never parsed: no formula, no number), and its note if given;
    "" clears the value (a field in the mask left out of the data is cleared)."""
    data: dict[str, Any] = {"userEnteredValue": {"stringValue": value}} if value else {}
    if note:
        data["note"] = note
    return {"updateCells": {"range": _cell(sheet_id, row, column),
                            "fields": "userEnteredValue,note" if note else "userEnteredValue",
                            "rows": [{"values": [data]}]}}


def _note(sheet_id: int, row: int, column: int, note: str) -> dict:
    """Set the cell's note; "" removes it (a field in the mask left out of the data is cleared)."""
    return {"updateCells": {"range": _cell(sheet_id, row, column), "fields": "note",
                            "rows": [{"values": [{"note": note} if note else {}]}]}}


class _Notes:
    """The cell notes the daemon put, per item: a note whose reason `Catatan Sistem` no longer
    carries is removed in the same `spreadsheets:batchUpdate` (the sheet's notes are not read)."""

    def __init__(self, state: KeyValue) -> None:
        self.state = state
        self.by_item: dict[str, dict[str, str]] = json.loads(state.get_meta(NOTES_KEY) or "{}")
        self.changed = False

    def put(self, item_id: str, column: str, note: str) -> None:
        if item_id:
            self.by_item.setdefault(item_id, {})[column] = note
            self.changed = True

    def stale(self, item_id: str, notes_value: str, noted_now: set[str]) -> list[str]:
        noted = self.by_item.get(item_id, {})
        gone = [c for c, note in noted.items() if c not in noted_now and note.strip() not in notes_value]
        for column in gone:
            del noted[column]
            self.changed = True
        if item_id in self.by_item and not noted:
            del self.by_item[item_id]
        return gone

    def save(self) -> None:
        if self.changed:
            self.state.set_meta(NOTES_KEY, json.dumps(self.by_item, ensure_ascii=False, sort_keys=True))


def _fill(sheet_id: int, row: int, column: int, overdue: bool) -> dict:
    return {"repeatCell": {"range": _cell(sheet_id, row, column), "fields": "userEnteredFormat.backgroundColor",
                           "cell": {"userEnteredFormat": {"backgroundColor": OVERDUE_COLOR if overdue else NO_COLOR}}}}


def _append(sheet_id: int, rows: list, number_first: bool = False) -> dict:
    rows = rows if rows and isinstance(rows[0], list) else [rows]
    return {"appendCells": {"sheetId": sheet_id, "fields": "userEnteredValue", "rows": [
        {"values": [_cell_value(v, number=number_first and i == 0) for i, v in enumerate(row)]} for row in rows]}}


def _cell_value(value: str, number: bool = False) -> dict:
    if number and str(value).isdigit():
        return {"userEnteredValue": {"numberValue": int(value)}}
    return {"userEnteredValue": {"stringValue": str(value)}}  # a string value is never parsed as a formula


def _cell(sheet_id: int, row: int, column: int) -> dict:
    return {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1,
            "startColumnIndex": column, "endColumnIndex": column + 1}
