"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import a1, protection
from .cells import enter, render
from .errors import bad_list_value, invalid_argument
from .spreadsheet import ROWS, Rect, Sheet, Spreadsheet

VALUE_INPUT = ("RAW", "USER_ENTERED")
VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")


@dataclass
class EditContext:
    """Who is writing into which spreadsheet, and whether protection applies to them."""

    spreadsheet: Spreadsheet
    actor: str
    owners: set[str] = field(default_factory=set)
    enforce_protection: bool = True

    def check_cells(self, sheet: Sheet, rects: list[Rect]) -> None:
        if self.enforce_protection:
            protection.check_cells(self.spreadsheet, sheet, self.owners, self.actor, rects)

    def check_insert(self, sheet: Sheet, dim: str, start: int) -> None:
        if self.enforce_protection:
            protection.check_insert(self.spreadsheet, sheet, self.owners, self.actor, dim, start)

    def check_delete(self, sheet: Sheet, dim: str, start: int, end: int) -> None:
        if self.enforce_protection:
            protection.check_delete(self.spreadsheet, sheet, self.owners, self.actor, dim, start, end)


def _enum(value: str | None, allowed: tuple[str, ...], default: str, field_name: str, type_name: str) -> str:
    if value in (None, ""):
        return default
    if value not in allowed:
        raise invalid_argument(
            f"Invalid value at '{field_name}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), \"{value}\"")
    return value


def render_options(query: dict[str, str], prefix: str = "") -> tuple[str, str]:
    key_v = f"{prefix}valueRenderOption" if not prefix else f"{prefix}ValueRenderOption"
    key_d = f"{prefix}dateTimeRenderOption" if not prefix else f"{prefix}DateTimeRenderOption"
    value = _enum(query.get(key_v), VALUE_RENDER, "FORMATTED_VALUE", "value_render_option", "ValueRenderOption")
    date = _enum(query.get(key_d), DATE_RENDER, "SERIAL_NUMBER", "date_time_render_option",
                 "DateTimeRenderOption")
    return value, date


def input_option(value: str | None) -> bool:
    """True for USER_ENTERED; raises Google's 400 when missing or unknown."""
    if not value:
        raise invalid_argument("'valueInputOption' is required but not specified")
    return _enum(value, VALUE_INPUT, "RAW", "value_input_option", "ValueInputOption") == "USER_ENTERED"


def _grid_limit_error(sheet: Sheet, rect: Rect) -> Exception:
    return invalid_argument(f"Range ({a1.format_range(sheet.title, *rect)}) exceeds grid limits. "
                            f"Max rows: {sheet.rows}, max columns: {sheet.cols}")


def read_rect(spreadsheet: Spreadsheet, text: str) -> tuple[Sheet, Rect]:
    sheet, bounds = spreadsheet.resolve(text)
    rect = bounds.clipped(sheet.rows, sheet.cols)
    r0, r1, c0, c1 = rect
    if r1 > sheet.rows or c1 > sheet.cols or r0 >= sheet.rows or c0 >= sheet.cols:
        raise _grid_limit_error(sheet, rect)
    return sheet, rect


def value_range(spreadsheet: Spreadsheet, text: str, major: str | None, value_option: str,
                date_option: str) -> dict[str, Any]:
    major = _enum(major, (ROWS, "COLUMNS"), ROWS, "major_dimension", "Dimension")
    sheet, rect = read_rect(spreadsheet, text)
    return rect_values(sheet, rect, major, value_option, date_option, spreadsheet.locale)


def rect_values(sheet: Sheet, rect: Rect, major: str, value_option: str, date_option: str,
                locale: str) -> dict[str, Any]:
    r0, r1, c0, c1 = rect
    last_r, last_c = sheet.value_extent(rect)
    matrix = [[render(sheet.get(r, c), value_option, date_option, locale) for c in range(c0, last_c)]
              for r in range(r0, last_r)]
    if major == "COLUMNS":
        matrix = [list(col) for col in zip(*matrix, strict=False)] if matrix else []
    rows = []
    for row in matrix:
        while row and row[-1] is None:
            row.pop()
        rows.append(["" if v is None else v for v in row])
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {"range": a1.format_range(sheet.title, r0, r1, c0, c1), "majorDimension": major}
    if rows:
        out["values"] = rows
    return out


def batch_get(spreadsheet: Spreadsheet, ranges: list[str], query: dict[str, str]) -> dict[str, Any]:
    value_option, date_option = render_options(query)
    out: dict[str, Any] = {"spreadsheetId": spreadsheet.id}
    if ranges:
        out["valueRanges"] = [value_range(spreadsheet, r, query.get("majorDimension"), value_option, date_option)
                              for r in ranges]
    return out


# --- writing ------------------------------------------------------------------------------------

def _matrix(values: Any, field_name: str, major: str | None) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise bad_list_value(field_name, values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise bad_list_value(f"{field_name}[{i}]", row)
    major = _enum(major, (ROWS, "COLUMNS"), ROWS, "data.major_dimension", "Dimension")
    if major == "COLUMNS" and values:
        width = max(len(col) for col in values)
        return [[col[r] if r < len(col) else None for col in values] for r in range(width)]
    return [list(row) for row in values]


def write_matrix(ctx: EditContext, sheet: Sheet, r0: int, c0: int, data: list[list[Any]],
                 user_entered: bool, grow_rows: bool = False, shown: str | None = None) -> dict[str, Any]:
    """Write values with their top-left at (r0, c0); returns UpdateValuesResponse counters.

    The grid never grows for values.update (Google answers "exceeds grid limits"); append
    (``grow_rows``) adds the rows it needs, not columns."""
    nrows = len(data)
    ncols = max((len(row) for row in data), default=0)
    if grow_rows:
        sheet.ensure_size(r0 + nrows, 0)
    if nrows and ncols and (r0 + nrows > sheet.rows or c0 + ncols > sheet.cols):
        text = shown or a1.format_range(sheet.title, r0, r0 + nrows, c0, c0 + ncols)
        raise invalid_argument(f"Range ({text}) exceeds grid limits. Max rows: {sheet.rows}, "
                               f"max columns: {sheet.cols}")
    rects = []
    for i, row in enumerate(data):
        cols = [j for j, v in enumerate(row) if v is not None]
        if cols:
            rects.append((r0 + i, r0 + i + 1, c0 + cols[0], c0 + cols[-1] + 1))
    ctx.check_cells(sheet, rects)
    rows_touched, cols_touched, cells = set(), set(), 0
    for i, row in enumerate(data):
        for j, raw in enumerate(row):
            if raw is None:
                continue
            if isinstance(raw, dict | list):
                raise invalid_argument(f"Invalid values[{i}][{j}]: {raw}")
            cell = sheet.cell(r0 + i, c0 + j)
            enter(cell, raw, user_entered, ctx.spreadsheet.locale)
            sheet.put(r0 + i, c0 + j, cell)
            rows_touched.add(r0 + i)
            cols_touched.add(c0 + j)
            cells += 1
    out: dict[str, Any] = {"spreadsheetId": ctx.spreadsheet.id}
    if nrows and ncols:
        out.update({
            "updatedRange": a1.format_range(sheet.title, r0, r0 + nrows, c0, c0 + ncols),
            "updatedRows": len(rows_touched), "updatedColumns": len(cols_touched), "updatedCells": cells,
        })
    out["_touched"] = (sheet.sheet_id, rows_touched, cols_touched)
    return out


def _with_data(ctx: EditContext, result: dict[str, Any], include: bool, query: dict[str, str]) -> dict[str, Any]:
    result = {k: v for k, v in result.items() if k != "_touched"}
    if include and "updatedRange" in result:
        value_option, date_option = render_options(query, prefix="response")
        result["updatedData"] = value_range(ctx.spreadsheet, result["updatedRange"], ROWS, value_option,
                                            date_option)
    return result


def _start_and_check(sheet: Sheet, bounds: a1.Bounds, data: list[list[Any]], text: str) -> tuple[int, int]:
    r0, c0 = bounds.r0 or 0, bounds.c0 or 0
    nrows = len(data)
    ncols = max((len(row) for row in data), default=0)
    shown = f"'{sheet.title}'!" + text.split("!")[-1] if "!" in text else text
    if bounds.r1 == r0 + 1 and bounds.c1 == c0 + 1:  # a single cell only anchors the write
        return r0, c0
    if bounds.r1 is not None and r0 + nrows > bounds.r1:
        raise invalid_argument(
            f"Requested writing within range [{shown}], but tried writing to row [{bounds.r1 + 1}]")
    if bounds.c1 is not None and c0 + ncols > bounds.c1:
        raise invalid_argument(
            f"Requested writing within range [{shown}], but tried writing to column [{a1.col_letters(bounds.c1)}]")
    return r0, c0


def _shown(sheet: Sheet, bounds: a1.Bounds, data: list[list[Any]]) -> str:
    """The range as Google names it in "exceeds grid limits" errors (the requested one)."""
    r0, c0 = bounds.r0 or 0, bounds.c0 or 0
    r1 = bounds.r1 if bounds.r1 is not None else r0 + max(len(data), 1)
    c1 = bounds.c1 if bounds.c1 is not None else c0 + max((len(r) for r in data), default=1)
    return a1.format_range(sheet.title, r0, r1, c0, c1)


def update(ctx: EditContext, text: str, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    data = _matrix(body.get("values"), "data.values", body.get("majorDimension"))
    user_entered = input_option(query.get("valueInputOption"))
    sheet, bounds = ctx.spreadsheet.resolve(text)
    r0, c0 = _start_and_check(sheet, bounds, data, text)
    result = write_matrix(ctx, sheet, r0, c0, data, user_entered, shown=_shown(sheet, bounds, data))
    return _with_data(ctx, result, query.get("includeValuesInResponse") in ("true", "True"), query)


def batch_update(ctx: EditContext, body: dict[str, Any]) -> dict[str, Any]:
    user_entered = input_option(body.get("valueInputOption"))
    responses, touched = [], []
    for i, item in enumerate(body.get("data") or []):
        data = _matrix(item.get("values"), f"data[{i}].values", item.get("majorDimension"))
        sheet, bounds = ctx.spreadsheet.resolve(item.get("range", ""))
        r0, c0 = _start_and_check(sheet, bounds, data, item.get("range", ""))
        result = write_matrix(ctx, sheet, r0, c0, data, user_entered, shown=_shown(sheet, bounds, data))
        touched.append(result["_touched"])
        opts = {"responseValueRenderOption": body.get("responseValueRenderOption", ""),
                "responseDateTimeRenderOption": body.get("responseDateTimeRenderOption", "")}
        responses.append(_with_data(ctx, result, bool(body.get("includeValuesInResponse")), opts))
    out: dict[str, Any] = {"spreadsheetId": ctx.spreadsheet.id}
    rows = {(s, r) for s, rs, _ in touched for r in rs}
    cols = {(s, c) for s, _, cs in touched for c in cs}
    cells = sum(r.get("updatedCells", 0) for r in responses)
    if cells:
        out.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols), "totalUpdatedCells": cells,
                    "totalUpdatedSheets": len({s for s, rs, _ in touched if rs})})
    if responses:
        out["responses"] = responses
    return out


def current_region(sheet: Sheet, r: int, c: int) -> Rect:
    """The block of data around (r, c): grown while any neighbouring cell (diagonals too) has a value."""
    r0, r1, c0, c1 = r, r + 1, c, c + 1

    def filled(rr: int, cc: int) -> bool:
        cell = sheet.get(rr, cc) if rr >= 0 and cc >= 0 else None
        return cell is not None and cell.has_value()

    changed = True
    while changed:
        changed = False
        ring = [(rr, cc) for rr in (r0 - 1, r1) for cc in range(c0 - 1, c1 + 1)]
        ring += [(rr, cc) for cc in (c0 - 1, c1) for rr in range(r0, r1)]
        for rr, cc in ring:
            if filled(rr, cc):
                r0, r1 = min(r0, rr), max(r1, rr + 1)
                c0, c1 = min(c0, cc), max(c1, cc + 1)
                changed = True
    return r0, r1, c0, c1


def find_table(sheet: Sheet, rect: Rect) -> Rect | None:
    r0, r1, c0, c1 = rect
    last = None
    for r in range(r0, min(r1, len(sheet.cells))):
        row = sheet.cells[r]
        for c in range(c0, min(c1, len(row))):
            cell = row[c]
            if cell is not None and cell.has_value():
                last = (r, c)
    return None if last is None else current_region(sheet, *last)


def append(ctx: EditContext, text: str, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    data = _matrix(body.get("values"), "data.values", body.get("majorDimension"))
    user_entered = input_option(query.get("valueInputOption"))
    insert_rows = _enum(query.get("insertDataOption"), ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE",
                        "insert_data_option", "InsertDataOption") == "INSERT_ROWS"
    sheet, rect = read_rect(ctx.spreadsheet, text)
    table = find_table(sheet, rect)
    out: dict[str, Any] = {"spreadsheetId": ctx.spreadsheet.id}
    if table is None:
        row, col = rect[0], rect[2]
    else:
        out["tableRange"] = a1.format_range(sheet.title, *table)
        row, col = table[1], table[2]
    if insert_rows and data:
        ctx.check_insert(sheet, ROWS, row)
        if row < sheet.rows:
            sheet.insert(ctx.spreadsheet, ROWS, row, len(data))
    result = write_matrix(ctx, sheet, row, col, data, user_entered, grow_rows=True)
    out["updates"] = _with_data(ctx, result, query.get("includeValuesInResponse") in ("true", "True"), query)
    return out


def clear(ctx: EditContext, text: str) -> str:
    sheet, rect = read_rect(ctx.spreadsheet, text)
    r0, r1, c0, c1 = rect
    last_r, last_c = sheet.value_extent(rect)
    if last_r > r0:
        ctx.check_cells(sheet, [(r0, last_r, c0, last_c)])
    for r in range(r0, last_r):
        for c in range(c0, last_c):
            cell = sheet.get(r, c)
            if cell is not None:
                cell.clear_value()
                sheet.put(r, c, cell)
    return a1.format_range(sheet.title, r0, r1, c0, c1)


def batch_clear(ctx: EditContext, ranges: list[str]) -> dict[str, Any]:
    cleared = [clear(ctx, text) for text in ranges]
    return {"spreadsheetId": ctx.spreadsheet.id, "clearedRanges": cleared}
