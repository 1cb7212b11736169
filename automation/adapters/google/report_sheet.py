"""The monitoring report's tables copied into a `Laporan` tab of the Google register.

The XLSX written by `automation.report` is the single rendering of the
report; this module only lays its tables one under the other in a tab that
is replaced on every run.
"""

from __future__ import annotations

from pathlib import Path

import gspread
import openpyxl

from automation.adapters.google.ranges import quoted
from automation.domain.texts import report as report_text

REPORT_TAB = report_text.REGISTER_TAB
TABLES = (report_text.SHEET_SUMMARY, report_text.SHEET_MONITORING, report_text.SHEET_WORKLOAD,
          report_text.SHEET_REWORK)


def report_rows(xlsx: Path) -> list[list[str]]:
    workbook = openpyxl.load_workbook(xlsx, data_only=True)
    rows: list[list[str]] = []
    for name in TABLES:
        if name not in workbook.sheetnames:
            continue
        rows.append([name])
        for cells in workbook[name].iter_rows():
            rows.append([_text(cell) for cell in cells])
        rows.append([])
    while rows and not rows[-1]:
        rows.pop()
    return [_trim(r) for r in rows]


def publish_report(spreadsheet: gspread.Spreadsheet, xlsx: Path, tab: str = REPORT_TAB) -> int:
    """Replace the tab with the report's tables; returns the number of rows written."""
    rows = report_rows(xlsx)
    width = max((len(r) for r in rows), default=1)
    existing = {s["properties"]["title"]: s["properties"]["sheetId"]
                for s in spreadsheet.fetch_sheet_metadata({"fields": "sheets.properties"})["sheets"]}
    requests = []
    if tab in existing:
        requests.append({"deleteSheet": {"sheetId": existing[tab]}})
    requests.append({"addSheet": {"properties": {"title": tab, "gridProperties": {
        "rowCount": len(rows) + 5, "columnCount": max(width, 1), "frozenRowCount": 0}}}})
    spreadsheet.batch_update({"requests": requests})
    if rows:
        padded = [r + [""] * (width - len(r)) for r in rows]
        spreadsheet.values_batch_update({"valueInputOption": "RAW",
                                         "data": [{"range": f"{quoted(tab)}!A1", "values": padded}]})
    return len(rows)


def _text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and "%" in (cell.number_format or ""):
        return f"{value * 100:.1f}%".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row
