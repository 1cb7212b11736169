"""`sop-konten setup` on Google Sheets: tabs, headers, dropdowns, formats and protections.

The plan is computed from what the spreadsheet has now, so running it twice
changes nothing, and after a roster change it brings the protections up to
date. `drift` is the same plan, reported by `sop-konten check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gspread

from automation.adapters.google.ranges import quoted
from automation.domain.contract import (
    DUE,
    FOLDER,
    ID,
    LINKS,
    LOG_HEADERS,
    LOG_TAB,
    NOTES,
    REGISTER_TAB,
    ROSTER_HEADERS,
    ROSTER_TAB,
    SCHEDULE,
    STAGE,
    Contract,
    Roster,
)
from automation.domain.texts import check as check_text
from automation.domain.texts.register import STAGE_PUBLISHED, STAGE_REJECTED

TAG = "sop-konten: "  # protected ranges carrying this description are ours to keep up to date
FROZEN_ROWS = 1


@dataclass
class Plan:
    requests: list[dict[str, Any]] = field(default_factory=list)
    header_writes: list[dict[str, Any]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # what is (or would be) done, English
    protection_drift: list[str] = field(default_factory=list)  # columns whose protection is not as it should be

    def __bool__(self) -> bool:
        return bool(self.requests or self.header_writes)


def plan_setup(spreadsheet: gspread.Spreadsheet, contract: Contract, roster: Roster, account: str,
               timezone: str, create_tabs: bool = True) -> Plan:
    plan = Plan()
    metadata = spreadsheet.fetch_sheet_metadata({
        "fields": "properties.timeZone,sheets(properties,protectedRanges,conditionalFormats)"})
    sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}
    wanted = {REGISTER_TAB: contract.register_headers, ROSTER_TAB: ROSTER_HEADERS, LOG_TAB: LOG_HEADERS}
    missing = [tab for tab in wanted if tab not in sheets]
    if missing and not create_tabs:
        plan.changes.extend(check_text.tab_missing(t) for t in missing)
        plan.requests.append({"addSheet": {}})  # marks the plan as not empty
        return plan
    if missing:
        # tabs must exist before anything can refer to their sheetId: add them first
        spreadsheet.batch_update({"requests": [{"addSheet": {"properties": {"title": t}}} for t in missing]})
        plan.changes.extend(check_text.tab_added(t) for t in missing)
        metadata = spreadsheet.fetch_sheet_metadata({
            "fields": "properties.timeZone,sheets(properties,protectedRanges,conditionalFormats)"})
        sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}

    if metadata.get("properties", {}).get("timeZone") != timezone:
        plan.requests.append({"updateSpreadsheetProperties": {"properties": {"timeZone": timezone},
                                                              "fields": "timeZone"}})
        plan.changes.append(check_text.time_zone(timezone))

    header_rows = spreadsheet.values_batch_get([f"{quoted(t)}!1:1" for t in wanted])["valueRanges"]
    headers: dict[str, list[str]] = {}
    for (tab, required), value_range in zip(wanted.items(), header_rows, strict=True):
        present = [str(v).strip() for v in (value_range.get("values") or [[]])[0]]
        absent = [h for h in required if h not in present]
        if absent:
            start = len(present)
            plan.header_writes.append({"range": f"{quoted(tab)}!{_a1(1, start + 1)}", "values": [absent]})
            plan.changes.append(check_text.headers_added(tab, absent))
            present = present + absent
        headers[tab] = present
        props = sheets[tab]["properties"]
        grid = props.get("gridProperties", {})
        if grid.get("frozenRowCount", 0) != FROZEN_ROWS:
            plan.requests.append({"updateSheetProperties": {
                "properties": {"sheetId": props["sheetId"], "gridProperties": {"frozenRowCount": FROZEN_ROWS}},
                "fields": "gridProperties.frozenRowCount"}})
            plan.changes.append(check_text.header_frozen(tab))
        needed_columns = len(present)
        if grid.get("columnCount", 26) < needed_columns:
            plan.requests.append({"appendDimension": {"sheetId": props["sheetId"], "dimension": "COLUMNS",
                                                      "length": needed_columns - grid.get("columnCount", 26)}})

    register = sheets[REGISTER_TAB]
    register_id = register["properties"]["sheetId"]
    columns = {h: i for i, h in enumerate(headers[REGISTER_TAB])}
    if not _rules_in_place(register, _rules(contract, columns, register_id)):
        plan.requests.extend(_replace_rules(register, contract, columns, register_id))
        plan.changes.append(check_text.conditional_formats(REGISTER_TAB))
    second_row = _second_row(spreadsheet)
    for request in _validations(contract, columns, register_id):
        index = request["setDataValidation"]["range"]["startColumnIndex"]
        if not covers(_cell(second_row, index).get("dataValidation"), request["setDataValidation"]["rule"]):
            plan.requests.append(request)
            plan.changes.append(check_text.dropdown(REGISTER_TAB, _letter(index)))
    for request in _text_formats(contract, columns, register_id):
        index = request["repeatCell"]["range"]["startColumnIndex"]
        if _cell(second_row, index).get("userEnteredFormat", {}).get("numberFormat", {}).get("type") != "TEXT":
            plan.requests.append(request)
            plan.changes.append(check_text.text_format(REGISTER_TAB, _letter(index)))
    _protections(plan, sheets, contract, roster, account, columns)
    return plan


def apply(spreadsheet: gspread.Spreadsheet, plan: Plan) -> None:
    structural = [r for r in plan.requests if "appendDimension" in r]
    rest = [r for r in plan.requests if "appendDimension" not in r]
    if structural or rest:  # columns first: the headers and the protections need them
        spreadsheet.batch_update({"requests": structural + rest})
    if plan.header_writes:
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": plan.header_writes})


# --- validations, formats -------------------------------------------------------

def _second_row(spreadsheet: gspread.Spreadsheet) -> list[dict]:
    """Row 2 of the register with its dropdowns and number formats: what setup already did."""
    answer = spreadsheet.fetch_sheet_metadata({
        "ranges": f"{quoted(REGISTER_TAB)}!2:2",
        "fields": "sheets(data(rowData(values(dataValidation,userEnteredFormat.numberFormat))))"})
    try:
        return answer["sheets"][0]["data"][0]["rowData"][0]["values"]
    except (KeyError, IndexError):
        return []


def _cell(row: list[dict], index: int) -> dict:
    return row[index] if index < len(row) and row[index] else {}


def _validations(contract: Contract, columns: dict[str, int], sheet_id: int) -> list[dict]:
    """A dropdown on each status column, `Jenis`, `Sumber` and `Platform` (values: `Contract.register_choices`,
    the same as the workbook's); set every time: cheap and idempotent."""
    requests = []
    for header, choices in contract.register_choices.items():
        requests.append({"setDataValidation": {
            "range": _column(sheet_id, columns[header], from_row=1),
            "rule": {"condition": {"type": "ONE_OF_LIST",
                                   "values": [{"userEnteredValue": v} for v in choices.values]},
                     "strict": choices.strict, "showCustomUi": True}}})
    return requests


def _text_formats(contract: Contract, columns: dict[str, int], sheet_id: int) -> list[dict]:
    """Times stay text as typed (`YYYY-MM-DD HH:MM`), never reformatted by the sheet's locale."""
    text_columns = [SCHEDULE, DUE] + [contract.time(n) for n in contract.step_numbers]
    return [{"repeatCell": {"range": _column(sheet_id, columns[c], from_row=1), "fields": "userEnteredFormat.numberFormat",
                            "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}}}}
            for c in text_columns]


def _rules(contract: Contract, columns: dict[str, int], sheet_id: int) -> list[dict]:
    due, stage = _letter(columns[DUE]), _letter(columns[STAGE])
    overdue = (f'=AND(${due}2<>"", ${stage}2<>"{STAGE_REJECTED}", '
               f'DATEVALUE(LEFT(${due}2,10))+TIMEVALUE(RIGHT(${due}2,5))<NOW())')
    rejected = f'=${stage}2="{STAGE_REJECTED}"'
    published = f'=${stage}2="{STAGE_PUBLISHED}"'
    whole = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0,
             "endColumnIndex": len(columns)}
    statuses = [_column(sheet_id, columns[contract.status(n)], from_row=1) for n in contract.step_numbers]
    return [
        {"ranges": [whole], "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                                           "values": [{"userEnteredValue": overdue}]},
                                             "format": {"backgroundColorStyle": _rgb(0.957, 0.8, 0.8)}}},
        {"ranges": [whole], "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                                           "values": [{"userEnteredValue": rejected}]},
                                             "format": {"textFormat": {"strikethrough": True},
                                                        "backgroundColorStyle": _rgb(0.9, 0.9, 0.9)}}},
        {"ranges": [whole], "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                                           "values": [{"userEnteredValue": published}]},
                                             "format": {"backgroundColorStyle": _rgb(0.851, 0.918, 0.827)}}},
        {"ranges": statuses, "booleanRule": {"condition": {"type": "TEXT_EQ",
                                                            "values": [{"userEnteredValue": contract.sop.waiting}]},
                                              "format": {"backgroundColorStyle": _rgb(1, 0.949, 0.8)}}},
    ]


def _rgb(red: float, green: float, blue: float) -> dict:
    """A ColorStyle: `backgroundColor` is deprecated in favour of `backgroundColorStyle` (CellFormat,
    https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/cells#CellFormat)."""
    return {"rgbColor": {"red": red, "green": green, "blue": blue}}


# --- comparing what Google echoes with what setup sets ---------------------------------
# Google answers more than it was sent: the deprecated colour next to its *Style twin, colours rounded to
# 8 bits, defaults (false, 0, sheetId 0) left out as proto3 does. Only the fields setup sets are compared,
# so `check` settles and a second `setup` sends nothing.

COLOUR_STEP = 1 / 255  # Sheets keeps 8 bits per channel
_COLOUR_KEYS = ("red", "green", "blue")


def covers(echoed: Any, wanted: Any) -> bool:
    """Whether `echoed` has every field of `wanted` with its value; fields only in `echoed` are ignored."""
    if isinstance(wanted, dict):
        if wanted and set(wanted) <= {*_COLOUR_KEYS, "alpha"}:
            return isinstance(echoed, dict) and all(
                abs(float(echoed.get(k, 0)) - float(wanted.get(k, 0))) <= COLOUR_STEP for k in _COLOUR_KEYS)
        if echoed is None:
            echoed = {}
        return isinstance(echoed, dict) and all(covers(echoed.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        echoed = echoed or []
        return isinstance(echoed, list) and len(echoed) == len(wanted) and all(map(covers, echoed, wanted))
    if echoed is None:  # proto3 leaves defaults out
        return wanted in (False, 0, "", None)
    return bool(echoed == wanted)


def _rules_in_place(sheet: dict, wanted: list[dict]) -> bool:
    return covers(sheet.get("conditionalFormats", []), wanted)


def _replace_rules(sheet: dict, contract: Contract, columns: dict[str, int], sheet_id: int) -> list[dict]:
    existing = len(sheet.get("conditionalFormats", []))
    deletes = [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": i}} for i in reversed(range(existing))]
    adds = [{"addConditionalFormatRule": {"rule": rule, "index": i}}
            for i, rule in enumerate(_rules(contract, columns, sheet_id))]
    return deletes + adds


# --- protections ----------------------------------------------------------------

def wanted_protections(contract: Contract, roster: Roster, account: str,
                       columns: dict[str, int]) -> dict[str, tuple[int, list[str]]]:
    """description -> (column index, editors); the Log tab is handled apart."""
    sop = contract.sop
    wanted: dict[str, tuple[int, list[str]]] = {}
    for n in contract.step_numbers:
        step = sop.step(n)
        people = sorted({p.email.lower() for p in roster.active_in(step.role) if p.email})
        wanted[TAG + contract.status(n)] = (columns[contract.status(n)], sorted({account.lower(), *people}))
    admins = sorted({p.email.lower() for p in roster.active_in(sop.last.role) if p.email})
    daemon_only = [ID, FOLDER, STAGE, DUE, NOTES] + [contract.time(n) for n in contract.step_numbers]
    for column in daemon_only:
        wanted[TAG + column] = (columns[column], [account.lower()])
    wanted[TAG + LINKS] = (columns[LINKS], sorted({account.lower(), *admins}))  # manual publishing gives links
    return wanted


def _protections(plan: Plan, sheets: dict, contract: Contract, roster: Roster, account: str,
                 columns: dict[str, int]) -> None:
    register_id = sheets[REGISTER_TAB]["properties"]["sheetId"]
    existing = {p.get("description", ""): p for s in sheets.values() for p in s.get("protectedRanges", [])
                if p.get("description", "").startswith(TAG)}
    wanted = {d: (_column(register_id, c), e) for d, (c, e) in wanted_protections(contract, roster, account,
                                                                                  columns).items()}
    wanted[TAG + LOG_TAB] = ({"sheetId": sheets[LOG_TAB]["properties"]["sheetId"]}, [account.lower()])
    implicit = _implicit_editors(existing, wanted)
    for description, (grid_range, editors) in wanted.items():
        current = existing.get(description)
        body = {"range": grid_range, "description": description, "warningOnly": False,
                "editors": {"users": editors}}
        if current is None:
            plan.requests.append({"addProtectedRange": {"protectedRange": body}})
            plan.changes.append(check_text.protection_added(description[len(TAG):]))
            plan.protection_drift.append(description[len(TAG):])
        elif (_users(current) - implicit != set(editors) - implicit or current.get("warningOnly", False)
              or _norm_range(current.get("range", {})) != _norm_range(grid_range)):
            plan.requests.append({"updateProtectedRange": {
                "protectedRange": {**body, "protectedRangeId": current["protectedRangeId"]},
                "fields": "range,editors,warningOnly,description"}})
            plan.changes.append(check_text.protection_updated(description[len(TAG):]))
            plan.protection_drift.append(description[len(TAG):])
    for description, current in existing.items():
        if description not in wanted:
            plan.requests.append({"deleteProtectedRange": {"protectedRangeId": current["protectedRangeId"]}})
            plan.changes.append(check_text.protection_removed(description[len(TAG):]))
            plan.protection_drift.append(description[len(TAG):])


def _users(protected: dict) -> set[str]:
    return {u.lower() for u in protected.get("editors", {}).get("users", [])}


def _implicit_editors(existing: dict[str, dict], wanted: dict[str, tuple[Any, list[str]]]) -> set[str]:
    """Editors Google lists on every protected range whatever the request said: the spreadsheet's owner
    ("the owner ... can always edit", https://support.google.com/docs/answer/1218656), who may also have a
    role. Someone listed on each of our ranges, the daemon-only ones included, is not compared; any other
    extra or missing editor is drift."""
    listed = [_users(existing[d]) for d in wanted if d in existing]
    return set.intersection(*listed) if len(listed) > 1 else set()


def _norm_range(grid: dict) -> dict:
    return {k: v for k, v in grid.items() if v != 0 or k != "sheetId"}


def _column(sheet_id: int, index: int, from_row: int | None = None) -> dict:
    grid = {"sheetId": sheet_id, "startColumnIndex": index, "endColumnIndex": index + 1}
    return {**grid, "startRowIndex": from_row} if from_row is not None else grid


def _letter(index: int) -> str:
    return _a1(1, index + 1)[:-1]


def _a1(row: int, column: int) -> str:
    return gspread.utils.rowcol_to_a1(row, column)
