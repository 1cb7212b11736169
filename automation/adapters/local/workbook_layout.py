"""The local register laid out like the Google one: dropdowns, colours, widths, frozen panes, date-time cells.

`lay_out` brings an openpyxl workbook to the layout and returns what it changed (Indonesian, for
`sop-konten setup`); run again it changes nothing. It never touches a person's values: it only
adds missing tabs and headers, formats, and turns the daemon's own time text (`YYYY-MM-DD HH:MM`
in a `Waktu` or `Tenggat` cell) into the same time as a date-time cell, which reads back as the
same text. Dropdowns and colours the daemon made are recognised by their range (rows 2 to
LAST_ROW); a person's own rules elsewhere are kept.

Excel has no time zones: date-time cells hold WIB wall-clock time, naive.
"""

from __future__ import annotations

from datetime import datetime

from openpyxl.cell.cell import MergedCell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from automation.adapters.local.workbook_patch import (  # the cell conventions both writers share
    DATE_TIME_FORMAT,
    OVERDUE_COLOUR,
    daemon_time,
)
from automation.domain.contract import (
    CAPTION,
    DUE,
    FOLDER,
    ID,
    LINKS,
    LOG_HEADERS,
    LOG_TAB,
    NOTES,
    PLATFORM,
    REGISTER_TAB,
    ROSTER_HEADERS,
    ROSTER_TAB,
    SCHEDULE,
    SOURCE,
    STAGE,
    TIME_SUFFIX,
    TITLE,
    TYPE,
    Choices,
    Contract,
)
from automation.domain.texts import check as check_text
from automation.domain.texts.register import STAGE_PUBLISHED, STAGE_REJECTED

LAST_ROW = 5000  # dropdowns and colours cover rows 2..LAST_ROW; the daemon's own rules are known by it
LIST_LIMIT = 255  # Excel's limit for a dropdown's list written in the rule itself

REJECTED_COLOUR, PUBLISHED_COLOUR, WAITING_COLOUR = "FFE6E6E6", "FFD9EAD3", "FFFFF2CC"
STEP_COLOURS = ("FFDDEBF7", "FFE2EFDA", "FFFCE4D6", "FFEDE7F6", "FFFFF2CC", "FFD9F2F2", "FFF8E1EE")

WIDTHS = {  # characters; setup widens a narrower column, never narrows a wider one
    ID: 13, TITLE: 36, TYPE: 13, SOURCE: 18, PLATFORM: 26, SCHEDULE: 17, CAPTION: 48, FOLDER: 30,
    STAGE: 24, DUE: 17, NOTES: 48, LINKS: 36,
    "Nama": 28, "Email": 32, "Peran": 34, "Aktif": 8,
    "No": 7, "Waktu": 17, "Langkah": 24, "Dari": 18, "Menjadi": 18, "Oleh": 24, "Keterangan": 60,
}
PART_WIDTHS = {" - Pelaksana": 22, " - Status": 16, TIME_SUFFIX: 17}
WRAPPED = (TITLE, CAPTION, NOTES, LINKS, "Keterangan")


def lay_out(wb: Workbook, contract: Contract) -> list[str]:
    changes: list[str] = []
    wanted = {REGISTER_TAB: contract.register_headers, ROSTER_TAB: ROSTER_HEADERS, LOG_TAB: LOG_HEADERS}
    for tab, headers in wanted.items():
        if tab not in wb.sheetnames:
            wb.create_sheet(tab)
            changes.append(check_text.tab_added(tab))
        ws = wb[tab]
        present = _headers(ws)
        absent = [h for h in headers if h not in present]
        if absent:
            for offset, header in enumerate(absent, start=len(present) + 1):
                cell = ws.cell(1, offset)
                cell.value = header
                cell.data_type = "s"
            changes.append(check_text.headers_added(tab, absent))
        columns = _columns(ws)
        if _header_style(ws, columns, contract if tab == REGISTER_TAB else None):
            changes.append(check_text.step_fills(tab) if tab == REGISTER_TAB else check_text.header_frozen(tab))
        if _freeze(ws, columns, tab == REGISTER_TAB):
            changes.append(check_text.header_frozen(tab))
        if _widths_and_wrap(ws, columns):
            changes.append(check_text.column_widths(tab))
    register = wb[REGISTER_TAB]
    columns = _columns(register)
    for header in contract.time_columns:
        if _date_time_column(register, columns[header], own_values=header != SCHEDULE):
            changes.append(check_text.date_time_format(REGISTER_TAB, header))
    for tab, choices in ((REGISTER_TAB, contract.register_choices), (ROSTER_TAB, contract.roster_choices)):
        for header in _dropdowns(wb[tab], _columns(wb[tab]), choices):
            changes.append(check_text.dropdown(tab, header))
    if _colours(register, columns, contract):
        changes.append(check_text.workbook_colours(REGISTER_TAB))
    return changes


# --- headers, panes, widths ----------------------------------------------------------

def _headers(ws: Worksheet) -> list[str]:
    headers = [str(c.value).strip() if c.value is not None else "" for c in ws[1]] if ws.max_row >= 1 else []
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _columns(ws: Worksheet) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(_headers(ws), start=1):
        if header and header not in columns:
            columns[header] = index
    return columns


def _header_style(ws: Worksheet, columns: dict[str, int], contract: Contract | None) -> bool:
    """Bold headers; on the register, one fill per step over its three columns."""
    fills: dict[int, str] = {}
    if contract is not None:
        for n in contract.step_numbers:
            for header in (contract.actor(n), contract.status(n), contract.time(n)):
                if header in columns:
                    fills[columns[header]] = STEP_COLOURS[(n - 1) % len(STEP_COLOURS)]
    changed = False
    for column in columns.values():
        cell = ws.cell(1, column)
        if not cell.font.b:
            cell.font = Font(bold=True)
            changed = True
        colour = fills.get(column)
        if colour and (cell.fill.fill_type != "solid" or cell.fill.fgColor.rgb != colour):
            cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
            changed = True
    return changed


def _freeze(ws: Worksheet, columns: dict[str, int], keep_id_and_title: bool) -> bool:
    """The header row; on the register also `ID` and `Judul` when they lead (a reordered sheet: the row only)."""
    freeze_after = 0
    if keep_id_and_title and columns.get(ID, 99) <= 3 and columns.get(TITLE, 99) <= 3:
        freeze_after = max(columns[ID], columns[TITLE])
    wanted = f"{get_column_letter(freeze_after + 1)}2"
    if ws.freeze_panes == wanted:
        return False
    ws.freeze_panes = wanted
    return True


def _wanted_width(header: str) -> int | None:
    if header in WIDTHS:
        return WIDTHS[header]
    return next((w for suffix, w in PART_WIDTHS.items() if header.endswith(suffix)), None)


def _widths_and_wrap(ws: Worksheet, columns: dict[str, int]) -> bool:
    changed = False
    for header, column in columns.items():
        letter = get_column_letter(column)
        width = _wanted_width(header)
        dimension = ws.column_dimensions[letter]
        if width is not None and (dimension.width or 0) < width:
            dimension.width = width
            changed = True
        if header in WRAPPED:
            changed |= _wrap(ws, column)
    return changed


def _wrap(ws: Worksheet, column: int) -> bool:
    """Wrapped text on the column (new cells typed there) and on its filled cells."""
    changed = False
    dimension = ws.column_dimensions[get_column_letter(column)]
    if not dimension.alignment.wrap_text:
        dimension.alignment = Alignment(wrap_text=True, vertical="top")
        changed = True
    for (cell,) in ws.iter_rows(min_row=2, max_row=max(ws.max_row, 2), min_col=column, max_col=column):
        if cell.value is not None and not isinstance(cell, MergedCell) and not cell.alignment.wrap_text:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            changed = True
    return changed


# --- date-time cells -------------------------------------------------------------------

def _date_time_column(ws: Worksheet, column: int, own_values: bool) -> bool:
    """The date-time format on the column; the daemon's own time text there becomes a date-time cell."""
    changed = False
    dimension = ws.column_dimensions[get_column_letter(column)]
    if dimension.number_format != DATE_TIME_FORMAT:
        dimension.number_format = DATE_TIME_FORMAT
        changed = True
    for (cell,) in ws.iter_rows(min_row=2, max_row=max(ws.max_row, 2), min_col=column, max_col=column):
        if isinstance(cell, MergedCell) or cell.value is None:
            continue
        if isinstance(cell.value, datetime):
            if cell.number_format != DATE_TIME_FORMAT:
                cell.number_format = DATE_TIME_FORMAT  # a date-time shown as a date would hide the hour
                changed = True
        elif own_values and isinstance(cell.value, str) and (when := daemon_time(cell.value)) is not None:
            set_date_time(cell, when)
            changed = True
    return changed


def set_date_time(cell, when: datetime) -> None:
    cell.value = when
    cell.number_format = DATE_TIME_FORMAT


# --- dropdowns -------------------------------------------------------------------------

def _column_range(column: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}2:{letter}{LAST_ROW}"


def _is_ours(sqref: object) -> bool:
    ranges = str(sqref).split()
    return bool(ranges) and all(_spans_our_rows(r) for r in ranges)


def _spans_our_rows(ref: str) -> bool:
    try:
        _, min_row, _, max_row = range_boundaries(ref)
    except ValueError:
        return False
    return min_row == 2 and max_row == LAST_ROW


def _validation(header: str, column: int, choices: Choices) -> DataValidation | None:
    listed = ",".join(v.replace('"', '""') for v in choices.values)
    if len(listed) > LIST_LIMIT or any("," in v for v in choices.values):
        return None  # cannot be written as an inline list; the daemon still checks every value
    validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True,
                                showErrorMessage=choices.strict, errorStyle="stop",
                                errorTitle=check_text.DROPDOWN_ERROR_TITLE, error=check_text.dropdown_error(header))
    validation.add(_column_range(column))
    return validation


def _validation_signature(validation: DataValidation) -> tuple:
    return (str(validation.sqref), validation.type, validation.formula1, bool(validation.showErrorMessage),
            validation.errorStyle, validation.errorTitle, validation.error, bool(validation.allow_blank))


def _dropdowns(ws: Worksheet, columns: dict[str, int], choices: dict[str, Choices]) -> list[str]:
    """Replace the daemon's dropdowns by the wanted ones when they differ; the headers changed."""
    wanted = {h: v for h, c in choices.items() if h in columns and (v := _validation(h, columns[h], c))}
    existing = ws.data_validations.dataValidation
    ours = [v for v in existing if _is_ours(v.sqref)]
    by_range = {str(v.sqref): _validation_signature(v) for v in ours}
    changed = [h for h, v in wanted.items() if by_range.get(str(v.sqref)) != _validation_signature(v)]
    stale = {str(v.sqref) for v in ours} - {str(v.sqref) for v in wanted.values()}
    if changed or stale:
        ws.data_validations.dataValidation = [v for v in existing if not _is_ours(v.sqref)]
        for validation in wanted.values():
            ws.add_data_validation(validation)
    return changed


# --- colours ---------------------------------------------------------------------------

def _rules(columns: dict[str, int], contract: Contract) -> list[tuple[str, Rule]]:
    last = get_column_letter(max(columns.values()))
    whole = f"A2:{last}{LAST_ROW}"
    stage, due = get_column_letter(columns[STAGE]), get_column_letter(columns[DUE])
    rules = [
        (whole, FormulaRule(formula=[f'${stage}2="{STAGE_REJECTED}"'], stopIfTrue=True,
                            fill=_fill(REJECTED_COLOUR), font=Font(strike=True, color="FF666666"))),
        (whole, FormulaRule(formula=[f'${stage}2="{STAGE_PUBLISHED}"'], stopIfTrue=True,
                            fill=_fill(PUBLISHED_COLOUR))),
        (whole, FormulaRule(formula=[f"AND(ISNUMBER(${due}2),${due}2<NOW())"], fill=_fill(OVERDUE_COLOUR))),
    ]
    waiting = f'"{contract.sop.waiting}"'
    for n in contract.step_numbers:
        rules.append((_column_range(columns[contract.status(n)]),
                      CellIsRule(operator="equal", formula=[waiting], fill=_fill(WAITING_COLOUR))))
    return rules


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour, bgColor=colour)


def _rule_signature(ref: str, rule: Rule) -> tuple:
    dxf = rule.dxf
    pattern = dxf.fill if dxf is not None and isinstance(dxf.fill, PatternFill) else None
    fill = (pattern.fill_type, pattern.bgColor.rgb) if pattern is not None else None
    strike = bool(dxf.font.strike) if dxf is not None and dxf.font is not None else False
    return (ref, rule.type, rule.operator, tuple(rule.formula), bool(rule.stopIfTrue), fill, strike)


def _colours(ws: Worksheet, columns: dict[str, int], contract: Contract) -> bool:
    wanted = _rules(columns, contract)
    current = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    ours = sorted(((ref, r) for ref, r in current if _is_ours(ref)), key=lambda pair: pair[1].priority)
    if [_rule_signature(ref, r) for ref, r in ours] == [_rule_signature(ref, r) for ref, r in wanted]:
        return False
    kept = [(ref, r) for ref, r in current if not _is_ours(ref)]
    ws.conditional_formatting = ConditionalFormattingList()
    for ref, rule in wanted + kept:  # ours first: they decide a row's colour
        ws.conditional_formatting.add(ref, rule)
    return True

