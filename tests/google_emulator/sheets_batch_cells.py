"""spreadsheets.batchUpdate: requests that touch cells and cell-anchored objects."""

from __future__ import annotations

import copy
from typing import Any

from . import fieldmask
from .cells import Cell, enter_extended
from .errors import invalid_request
from .sheets_metadata import METADATA_HANDLERS
from .sheets_resource import normalize_format
from .sheets_values import EditContext
from .spreadsheet import COLUMNS, ROWS, Rect, Sheet, range_rect, rects_intersect

_apply_masked = fieldmask.copy_masked


def apply_cell_data(cell: Cell, data: dict[str, Any], mask: fieldmask.Mask | None) -> None:
    """Apply a CellData to a cell for the fields named in ``mask`` (None/'*' = every field)."""
    names = ["userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns", "hyperlink"]
    if mask is not None and "*" not in mask:
        names = list(mask)
    for name in names:
        sub = None if mask is None or "*" in mask else mask.get(name)
        if name == "userEnteredValue":
            if data.get("userEnteredValue"):
                enter_extended(cell, data["userEnteredValue"])
            else:
                cell.clear_value()
        elif name == "note":
            cell.note = data.get("note") or None
        elif name == "userEnteredFormat":
            fmt = copy.deepcopy(cell.fmt or {})
            if sub is None:
                fmt = copy.deepcopy(data.get("userEnteredFormat") or {})
            else:
                _apply_masked(fmt, data.get("userEnteredFormat") or {}, sub)
            cell.fmt = fmt or None
        elif name == "dataValidation":
            cell.validation = copy.deepcopy(data.get("dataValidation")) or None
        elif name in data:
            cell.extra[name] = copy.deepcopy(data[name])
        else:
            cell.extra.pop(name, None)


def _rect(ctx: EditContext, rng: dict[str, Any], kind: str, index: int) -> tuple[Sheet, Rect]:
    return ctx.spreadsheet.grid_rect(rng or {}, kind, index)


def _each(sheet: Sheet, rect: Rect):
    r0, r1, c0, c1 = rect
    for r in range(r0, r1):
        for c in range(c0, c1):
            yield r, c


def update_cells(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateCells"
    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    mask = fieldmask.parse(req["fields"])
    rows = req.get("rows") or []
    if req.get("range") is not None:
        sheet, rect = _rect(ctx, req["range"], kind, index)
    else:
        start = req.get("start") or {}
        sheet = ctx.spreadsheet.sheet_by_id(start.get("sheetId"))
        if sheet is None:
            raise invalid_request(index, kind, f"No grid with id: {start.get('sheetId', 0)}")
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        rect = (r0, r0 + len(rows), c0, c0 + width)
        if rect[1] > sheet.rows or rect[3] > sheet.cols:
            ctx.spreadsheet.grid_rect({"sheetId": sheet.sheet_id, "startRowIndex": rect[0], "endRowIndex": rect[1],
                                       "startColumnIndex": rect[2], "endColumnIndex": rect[3]}, kind, index)
    ctx.check_cells(sheet, [rect])
    r0, r1, c0, c1 = rect
    for r, c in _each(sheet, rect):
        i, j = r - r0, c - c0
        values = rows[i].get("values") or [] if i < len(rows) else []
        data = values[j] if j < len(values) else {}
        cell = sheet.cell(r, c)
        apply_cell_data(cell, data or {}, mask)
        sheet.put(r, c, cell)
    return {}


def append_cells(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    """AppendCellsRequest: new rows after the last row with data, growing the grid if needed."""
    kind = "appendCells"
    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    sheet = ctx.spreadsheet.sheet_by_id(req.get("sheetId", 0))
    if sheet is None:
        raise invalid_request(index, kind, f"No grid with id: {req.get('sheetId', 0)}")
    mask = fieldmask.parse(req["fields"])
    rows = req.get("rows") or []
    last_row, _ = sheet.value_extent((0, sheet.rows, 0, sheet.cols))
    width = max((len(r.get("values") or []) for r in rows), default=0)
    sheet.ensure_size(last_row + len(rows), max(sheet.cols, width))
    rect = (last_row, last_row + len(rows), 0, width)
    ctx.check_cells(sheet, [rect])
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            cell = sheet.cell(last_row + i, j)
            apply_cell_data(cell, data or {}, mask)
            sheet.put(last_row + i, j, cell)
    return {}


def repeat_cell(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "repeatCell"
    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    mask = fieldmask.parse(req["fields"])
    sheet, rect = _rect(ctx, req.get("range"), kind, index)
    ctx.check_cells(sheet, [rect])
    for r, c in _each(sheet, rect):
        cell = sheet.cell(r, c)
        apply_cell_data(cell, req.get("cell") or {}, mask)
        sheet.put(r, c, cell)
    return {}


def set_data_validation(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, rect = _rect(ctx, req.get("range"), "setDataValidation", index)
    rule = copy.deepcopy(req.get("rule")) or None
    if rule:
        condition = rule.get("condition") or {}
        if condition.get("type") in ("ONE_OF_LIST", "ONE_OF_RANGE") and not condition.get("values"):
            raise invalid_request(index, "setDataValidation",
                                  f"Invalid ConditionValue.type for {condition.get('type')}.")
    ctx.check_cells(sheet, [rect])
    for r, c in _each(sheet, rect):
        cell = sheet.cell(r, c)
        cell.validation = rule
        sheet.put(r, c, cell)
    return {}


def sort_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, rect = _rect(ctx, req.get("range"), "sortRange", index)
    ctx.check_cells(sheet, [rect])
    sheet.sort(rect, req.get("sortSpecs") or [{"dimensionIndex": rect[2]}])
    return {}


def _full_range(sheet: Sheet, rng: dict[str, Any]) -> dict[str, Any]:
    r0, r1, c0, c1 = range_rect(rng, sheet.rows, sheet.cols)
    return {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


def set_basic_filter(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    flt = copy.deepcopy(req.get("filter") or {})
    sheet, rect = _rect(ctx, flt.get("range"), "setBasicFilter", index)
    flt["range"] = _full_range(sheet, flt.get("range") or {})
    if flt.get("sortSpecs") and rect[1] - rect[0] > 1:
        sheet.sort((rect[0] + 1, rect[1], rect[2], rect[3]), flt["sortSpecs"])
    sheet.basic_filter = flt
    return {}


def clear_basic_filter(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet = ctx.spreadsheet.sheet_by_id(req.get("sheetId"))
    if sheet is None:
        raise invalid_request(index, "clearBasicFilter", f"No grid with id: {req.get('sheetId', 0)}")
    sheet.basic_filter = None
    return {}


# --- conditional formats ------------------------------------------------------------------------

def _rule_sheet(ctx: EditContext, rule: dict[str, Any], kind: str, index: int) -> Sheet:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise invalid_request(index, kind, "At least one range must be specified.")
    sheets = {_rect(ctx, r, kind, index)[0].sheet_id for r in ranges}
    if len(sheets) != 1:
        raise invalid_request(index, kind, "All ranges must be on the same sheet.")
    for rng in ranges:
        rng.setdefault("sheetId", next(iter(sheets)))
    return ctx.spreadsheet.sheet_by_id(next(iter(sheets)))


def _stored_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as Sheets keeps it: its format's colours 8-bit and doubled with their *Style twins."""
    stored = copy.deepcopy(rule)
    boolean = stored.get("booleanRule")
    if isinstance(boolean, dict) and isinstance(boolean.get("format"), dict):
        boolean["format"] = normalize_format(boolean["format"])
    return stored


def add_conditional_format_rule(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    rule = _stored_rule(req.get("rule") or {})
    sheet = _rule_sheet(ctx, rule, "addConditionalFormatRule", index)
    if not rule.get("booleanRule") and not rule.get("gradientRule"):
        raise invalid_request(index, "addConditionalFormatRule", "A rule must have a booleanRule or gradientRule.")
    sheet.conditional_formats.insert(int(req.get("index") or 0), rule)
    return {}


def _rule_at(ctx: EditContext, req: dict[str, Any], kind: str, index: int) -> tuple[Sheet, int]:
    sheet = ctx.spreadsheet.sheet_by_id(req.get("sheetId"))
    if sheet is None:
        raise invalid_request(index, kind, f"No grid with id: {req.get('sheetId', 0)}")
    at = int(req.get("index") or 0)
    if not 0 <= at < len(sheet.conditional_formats):
        raise invalid_request(index, kind, f"No conditional format on sheet: {sheet.sheet_id} at index: {at}")
    return sheet, at


def update_conditional_format_rule(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateConditionalFormatRule"
    sheet, at = _rule_at(ctx, req, kind, index)
    old = sheet.conditional_formats.pop(at)
    if req.get("rule"):
        rule = _stored_rule(req["rule"])
        _rule_sheet(ctx, rule, kind, index)
        new_index = at
    else:
        rule, new_index = old, int(req.get("newIndex") or 0)
    sheet.conditional_formats.insert(new_index, rule)
    return {kind: {"newRule": copy.deepcopy(rule), "newIndex": new_index, "oldRule": old, "oldIndex": at}}


def delete_conditional_format_rule(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, at = _rule_at(ctx, req, "deleteConditionalFormatRule", index)
    rule = sheet.conditional_formats.pop(at)
    return {"deleteConditionalFormatRule": {"rule": rule}}


# --- merges -------------------------------------------------------------------------------------

def merge_cells(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, rect = _rect(ctx, req.get("range"), "mergeCells", index)
    ctx.check_cells(sheet, [rect])
    r0, r1, c0, c1 = rect
    merge_type = req.get("mergeType") or "MERGE_ALL"
    if merge_type == "MERGE_ROWS":
        new = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif merge_type == "MERGE_COLUMNS":
        new = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        new = [rect]
    sheet.merges = [m for m in sheet.merges
                    if not rects_intersect(range_rect(m, sheet.rows, sheet.cols), rect)]
    for m in new:
        if m[1] - m[0] < 1 or m[3] - m[2] < 1 or (m[1] - m[0] == 1 and m[3] - m[2] == 1):
            continue
        for r, c in _each(sheet, m):
            if (r, c) != (m[0], m[2]):
                cell = sheet.get(r, c)
                if cell is not None:
                    cell.clear_value()
                    sheet.put(r, c, cell)
        merge = {"sheetId": sheet.sheet_id, "startRowIndex": m[0], "endRowIndex": m[1],
                 "startColumnIndex": m[2], "endColumnIndex": m[3]}
        sheet.merges.append(merge)
    return {}


def unmerge_cells(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, rect = _rect(ctx, req.get("range"), "unmergeCells", index)
    sheet.merges = [m for m in sheet.merges
                    if not rects_intersect(range_rect(m, sheet.rows, sheet.cols), rect)]
    return {}


# --- copy / cut ---------------------------------------------------------------------------------

def _paste_cell(target: Cell, source: Cell | None, paste_type: str) -> None:
    source = source or Cell()
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS", "PASTE_VALUES", "PASTE_FORMULA"):
        target.value = source.value
        target.formula = source.formula if paste_type != "PASTE_VALUES" else None
        target.number_format = source.number_format
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS", "PASTE_FORMAT"):
        target.fmt = copy.deepcopy(source.fmt)
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS"):
        target.note = source.note
    if paste_type in ("PASTE_NORMAL", "PASTE_NO_BORDERS", "PASTE_DATA_VALIDATION"):
        target.validation = copy.deepcopy(source.validation)


def copy_paste(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "copyPaste"
    src_sheet, src = _rect(ctx, req.get("source"), kind, index)
    dst_sheet, dst = _rect(ctx, req.get("destination"), kind, index)
    block = src_sheet.block(src)
    if req.get("pasteOrientation") == "TRANSPOSE":
        block = [list(col) for col in zip(*block, strict=False)]
    bh, bw = len(block), len(block[0]) if block else 0
    dh, dw = dst[1] - dst[0], dst[3] - dst[2]
    height = dh if dh > bh and dh % bh == 0 else bh
    width = dw if dw > bw and dw % bw == 0 else bw
    target = (dst[0], dst[0] + height, dst[2], dst[2] + width)
    dst_sheet.ensure_size(target[1], target[3])
    ctx.check_cells(dst_sheet, [target])
    paste_type = req.get("pasteType") or "PASTE_NORMAL"
    for i in range(height):
        for j in range(width):
            cell = dst_sheet.cell(target[0] + i, target[2] + j)
            _paste_cell(cell, block[i % bh][j % bw], paste_type)
            dst_sheet.put(target[0] + i, target[2] + j, cell)
    return {}


def cut_paste(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "cutPaste"
    src_sheet, src = _rect(ctx, req.get("source"), kind, index)
    dest = req.get("destination") or {}
    dst_sheet = ctx.spreadsheet.sheet_by_id(dest.get("sheetId"))
    if dst_sheet is None:
        raise invalid_request(index, kind, f"No grid with id: {dest.get('sheetId', 0)}")
    r0, c0 = dest.get("rowIndex", 0), dest.get("columnIndex", 0)
    target = (r0, r0 + src[1] - src[0], c0, c0 + src[3] - src[2])
    ctx.check_cells(src_sheet, [src])
    ctx.check_cells(dst_sheet, [target])
    block = src_sheet.block(src)
    for r, c in _each(src_sheet, src):
        src_sheet.put(r, c, None)
    dst_sheet.ensure_size(target[1], target[3])
    paste_type = req.get("pasteType") or "PASTE_NORMAL"
    for i, row in enumerate(block):
        for j, source in enumerate(row):
            cell = dst_sheet.cell(r0 + i, c0 + j)
            _paste_cell(cell, source, paste_type)
            dst_sheet.put(r0 + i, c0 + j, cell)
    return {}


# --- named ranges -------------------------------------------------------------------------------

def _named_out(named: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(named)
    if out["range"].get("sheetId") == 0:
        out["range"].pop("sheetId")
    return out


def add_named_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "addNamedRange"
    body = copy.deepcopy(req.get("namedRange") or {})
    name = body.get("name") or ""
    if not name or " " in name:
        raise invalid_request(index, kind, f"Invalid named range name: {name}")
    if any(n["name"].casefold() == name.casefold() for n in ctx.spreadsheet.named_ranges.values()):
        raise invalid_request(index, kind, f"A named range with the name \"{name}\" already exists.")
    rng = {k: v for k, v in (body.get("range") or {}).items() if v is not None}
    sheet, _ = _rect(ctx, rng, kind, index)
    rng["sheetId"] = sheet.sheet_id
    named_id = str(body.get("namedRangeId") or ctx.spreadsheet.rng.randrange(1, 2**31 - 1))
    named = {"namedRangeId": named_id, "name": name, "range": rng}
    ctx.spreadsheet.named_ranges[named_id] = named
    return {kind: {"namedRange": _named_out(named)}}


def update_named_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateNamedRange"
    body = req.get("namedRange") or {}
    named = ctx.spreadsheet.named_ranges.get(str(body.get("namedRangeId")))
    if named is None:
        raise invalid_request(index, kind, f"No named range with id: {body.get('namedRangeId')}")
    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    _apply_masked(named, body, fieldmask.parse(req["fields"]))
    named["range"].setdefault("sheetId", 0)
    return {}


def delete_named_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    if ctx.spreadsheet.named_ranges.pop(str(req.get("namedRangeId")), None) is None:
        raise invalid_request(index, "deleteNamedRange", f"No named range with id: {req.get('namedRangeId')}")
    return {}


# --- dimension groups ---------------------------------------------------------------------------

def _groups(sheet: Sheet, dim: str) -> list[dict[str, Any]]:
    return sheet.row_groups if dim == ROWS else sheet.column_groups


def _group_range(sheet: Sheet, rng: dict[str, Any]) -> dict[str, Any]:
    out = {"dimension": rng.get("dimension"), "startIndex": rng.get("startIndex", 0),
           "endIndex": rng.get("endIndex")}
    if sheet.sheet_id:
        out = {"sheetId": sheet.sheet_id, **out}
    return out


def add_dimension_group(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "addDimensionGroup"
    rng = req.get("range") or {}
    sheet = ctx.spreadsheet.sheet_by_id(rng.get("sheetId"))
    if sheet is None or rng.get("dimension") not in (ROWS, COLUMNS):
        raise invalid_request(index, kind, "Invalid dimension range.")
    groups = _groups(sheet, rng["dimension"])
    new = _group_range(sheet, rng)
    depth = 1 + max((g["depth"] for g in groups if g["range"]["startIndex"] <= new["startIndex"]
                     and g["range"]["endIndex"] >= new["endIndex"]), default=0)
    groups.append({"range": new, "depth": depth})
    groups.sort(key=lambda g: (g["range"]["startIndex"], g["depth"]))
    flag = "rowGroupControlAfter" if rng["dimension"] == ROWS else "columnGroupControlAfter"
    sheet.props["gridProperties"][flag] = True
    return {kind: {"dimensionGroups": copy.deepcopy(groups)}}


def delete_dimension_group(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "deleteDimensionGroup"
    rng = req.get("range") or {}
    sheet = ctx.spreadsheet.sheet_by_id(rng.get("sheetId"))
    if sheet is None or rng.get("dimension") not in (ROWS, COLUMNS):
        raise invalid_request(index, kind, "Invalid dimension range.")
    groups = _groups(sheet, rng["dimension"])
    target = _group_range(sheet, rng)
    matching = [g for g in groups if g["range"] == target]
    if not matching:
        raise invalid_request(index, kind, "No dimension group found for the given range.")
    groups.remove(max(matching, key=lambda g: g["depth"]))
    reply: dict[str, Any] = {}
    if groups:
        reply["dimensionGroups"] = copy.deepcopy(groups)
    return {kind: reply}


CELL_HANDLERS = {
    "updateCells": update_cells,
    "appendCells": append_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "sortRange": sort_range,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "copyPaste": copy_paste,
    "cutPaste": cut_paste,
    "addNamedRange": add_named_range,
    "updateNamedRange": update_named_range,
    "deleteNamedRange": delete_named_range,
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    **METADATA_HANDLERS,
}
