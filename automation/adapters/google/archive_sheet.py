"""The yearly archive of the Google register: an `Arsip <year>` tab in the same spreadsheet.

A poll reads only the `Register`, `Petugas` and `Log` tabs, so the rows moved away cost it nothing.
Moving, once a day, is three requests whatever the number of rows:

1. `spreadsheets.get` (tab properties): which archive tabs exist, their sheet IDs and grid sizes;
2. ONE `values:batchGet` of the whole `Register` and the archive tabs concerned: rows are re-found by ID
   and moved only while they still hold the values the poll read;
3. ONE `spreadsheets:batchUpdate`: the archive tab added if missing (with its header row), the rows
   appended to it (IDs already there are not appended again) and deleted from the Register, bottom up.
   A batchUpdate is applied whole or not at all, so a row is never in neither tab; a lost answer is
   settled by the next pass, which finds the ID in the archive and gone from the Register.

A person who sorts or inserts rows in the second between (2) and (3) can shift the row positions the
delete uses (the same window every register write has): that is why (2) is read right before (3).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from gspread.exceptions import APIError

from automation.adapters.google.errors import status_of
from automation.adapters.google.ranges import quoted
from automation.domain.archive import ARCHIVED_AT
from automation.domain.texts import register as texts
from automation.domain.texts import store as store_text
from automation.faults import reached
from automation.ports import ArchivedRow, ArchiveResult, ArchiveRow, RegisterError

ID = "ID"


def move_rows(spreadsheet: Any, register_tab: str, rows: Sequence[ArchiveRow]) -> ArchiveResult:
    """Move `rows` from `register_tab` to their `Arsip <year>` tabs (see the module's docstring)."""
    if not rows:
        return ArchiveResult(())
    try:
        metadata = spreadsheet.fetch_sheet_metadata({"fields": "sheets.properties"})
    except APIError as exc:
        return ArchiveResult((), store_text.write_failed("spreadsheets.get", status_of(exc)))
    sheets = {s["properties"]["title"]: s["properties"] for s in metadata.get("sheets", [])}
    if register_tab not in sheets:
        raise RegisterError(store_text.sheet_tab_missing(repr(register_tab), spreadsheet.id))
    years = sorted({row.year for row in rows})
    tabs = {year: texts.archive_tab(year) for year in years}
    existing = [year for year in years if tabs[year] in sheets]
    try:
        answer = spreadsheet.values_batch_get([quoted(register_tab)] + [quoted(tabs[y]) for y in existing],
                                              params={"majorDimension": "ROWS"})
    except APIError as exc:
        return ArchiveResult((), store_text.write_failed("values:batchGet", status_of(exc)))
    value_ranges = [_values(v) for v in answer.get("valueRanges", [])]
    register = value_ranges[0] if value_ranges else []
    headers = [str(h).strip() for h in (register[0] if register else [])]
    if ID not in headers:
        raise RegisterError(store_text.column_missing(ID, register_tab))
    positions: dict[str, list[int]] = {}
    for index, values in enumerate(register[1:]):
        item_id = values[headers.index(ID)].strip() if headers.index(ID) < len(values) else ""
        positions.setdefault(item_id, []).append(index)
    archives = {year: value_ranges[1 + i] for i, year in enumerate(existing)}

    requests: list[dict] = []
    appended_rows: dict[int, list[list[str]]] = {}
    archive_headers: dict[int, list[str]] = {}
    moved: list[str] = []
    doomed: dict[int, str] = {}  # register row index (0 = first data row) -> ID
    next_id = max((p["sheetId"] for p in sheets.values()), default=0) + 1
    for year in years:
        found = archives.get(year, [])
        have = [str(h).strip() for h in (found[0] if found else [])]
        there = {str(r[have.index(ID)]).strip() for r in found[1:] if ID in have and have.index(ID) < len(r)}
        wanted = list(have) or [h for h in headers if h]
        for header in (*headers, ARCHIVED_AT):
            if header and header not in wanted:
                wanted.append(header)
        archive_headers[year] = wanted
        for row in (r for r in rows if r.year == year):
            at = positions.get(row.item_id, [])
            if len(at) > 1:
                continue  # a copied row: never guess which one goes
            current = dict(zip(headers, register[1 + at[0]], strict=False)) if at else None
            if current is not None and any(current.get(h, "") != v for h, v in row.values):
                continue  # changed since the poll read it: decided again first, moved on a later pass
            if row.item_id not in there:
                if current is None:
                    continue  # in neither tab: nothing here to move (the daily check tells it)
                cells = {**current, ARCHIVED_AT: row.archived_at}
                appended_rows.setdefault(year, []).append([cells.get(h, "") for h in wanted])
                there.add(row.item_id)
            if at:
                doomed[at[0]] = row.item_id
            else:
                moved.append(row.item_id)  # deleted from the Register by an earlier pass whose answer was lost
        new_rows = appended_rows.get(year, [])
        if tabs[year] not in sheets:
            if not new_rows:
                continue
            requests.append({"addSheet": {"properties": {
                "sheetId": next_id, "title": tabs[year],
                "gridProperties": {"rowCount": 1 + len(new_rows), "columnCount": len(wanted), "frozenRowCount": 1}}}})
            sheets[tabs[year]] = {"sheetId": next_id, "gridProperties": {"columnCount": len(wanted)}}
            next_id += 1
            new_rows.insert(0, wanted)
        elif len(wanted) > len(have):  # columns the Register has gained since: named in the header row
            grid = sheets[tabs[year]].get("gridProperties", {}).get("columnCount", 0)
            sheet_id = sheets[tabs[year]]["sheetId"]
            if len(wanted) > grid:
                requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                     "length": len(wanted) - grid}})
            requests.append({"updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": len(have)},
                "fields": "userEnteredValue",
                "rows": [{"values": [_text(h) for h in wanted[len(have):]]}]}})
        if new_rows:
            requests.append({"appendCells": {"sheetId": sheets[tabs[year]]["sheetId"], "fields": "userEnteredValue",
                                             "rows": [{"values": [_text(v) for v in r]} for r in new_rows]}})
    register_id = sheets[register_tab]["sheetId"]
    for index in sorted(doomed, reverse=True):  # bottom up: a delete never shifts the rows still to delete
        requests.append({"deleteDimension": {"range": {"sheetId": register_id, "dimension": "ROWS",
                                                       "startIndex": index + 1, "endIndex": index + 2}}})
    if requests:
        try:
            reached("archive.batch_update")
            spreadsheet.batch_update({"requests": requests})
        except APIError as exc:
            return ArchiveResult(tuple(moved), store_text.write_failed("spreadsheets:batchUpdate", status_of(exc)))
    return ArchiveResult(tuple(moved + list(doomed.values())))


def read_archives(spreadsheet: Any, years: Collection[int]) -> list[ArchivedRow]:
    """Every row of the `Arsip <year>` tabs that exist: one `spreadsheets.get`, one `values:batchGet`."""
    metadata = spreadsheet.fetch_sheet_metadata({"fields": "sheets.properties.title"})
    titles = {s["properties"]["title"] for s in metadata.get("sheets", [])}
    present = [year for year in sorted(years) if texts.archive_tab(year) in titles]
    if not present:
        return []
    answer = spreadsheet.values_batch_get([quoted(texts.archive_tab(y)) for y in present],
                                          params={"majorDimension": "ROWS"})
    found = []
    for year, value_range in zip(present, answer.get("valueRanges", []), strict=False):
        values = _values(value_range)
        headers = [h.strip() for h in (values[0] if values else [])]
        for line in values[1:]:
            row = dict(zip(headers, line + [""] * (len(headers) - len(line)), strict=False))
            if row.get(ID, "").strip():
                found.append(ArchivedRow(row[ID].strip(), year, tuple(row.items())))
    return found


def _values(value_range: dict[str, Any]) -> list[list[str]]:
    return [[str(v) for v in row] for row in value_range.get("values", [])]


def _text(value: str) -> dict:
    """A cell as plain text: a string value is never parsed as a formula or a number."""
    return {"userEnteredValue": {"stringValue": str(value)}} if value != "" else {}
