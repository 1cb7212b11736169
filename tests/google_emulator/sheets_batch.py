"""spreadsheets.batchUpdate: sheets, properties, dimensions and protection requests.

Cell-level requests live in ``sheets_batch_cells``. A batch is atomic: the spreadsheet is
snapshotted and restored if any request fails, and the error names ``requests[i].<kind>``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import fieldmask, protection
from .errors import ApiError, google_error, invalid_argument, invalid_request
from .sheets_batch_cells import CELL_HANDLERS
from .sheets_resource import clean_sheet_props, sheet_properties, spreadsheet_json, strip_sheet_zero
from .sheets_values import EditContext
from .spreadsheet import COLUMNS, ROWS, Sheet, transaction

Handler = Callable[[EditContext, dict[str, Any], int], dict[str, Any]]


apply_masked = fieldmask.copy_masked


def _fields(req: dict[str, Any], kind: str, index: int) -> fieldmask.Mask | None:
    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    return fieldmask.parse(req["fields"])


def _sheet(ctx: EditContext, sheet_id: int | None, kind: str, index: int) -> Sheet:
    sheet = ctx.spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        raise invalid_request(index, kind, f"No grid with id: {sheet_id or 0}")
    return sheet


def _unique_title(ctx: EditContext, title: str, kind: str, index: int, exclude: Sheet | None = None) -> None:
    for sheet in ctx.spreadsheet.sheets:
        if sheet is not exclude and sheet.title.casefold() == title.casefold():
            raise invalid_request(index, kind, f'A sheet with the name "{title}" already exists. '
                                               "Please enter another name.")


# --- sheets -------------------------------------------------------------------------------------

def add_sheet(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    props = req.get("properties") or {}
    ss = ctx.spreadsheet
    title = props.get("title")
    if not title:
        n = len(ss.sheets) + 1
        while ss.sheet_by_title(f"Sheet{n}"):
            n += 1
        title = f"Sheet{n}"
    _unique_title(ctx, title, "addSheet", index)
    if props.get("sheetId") is not None and ss.sheet_by_id(props["sheetId"]):
        raise invalid_request(index, "addSheet", f"Sheet with id {props['sheetId']} already exists.")
    grid = props.get("gridProperties") or {}
    sheet = ss.add_sheet(title, grid.get("rowCount", 1000), grid.get("columnCount", 26),
                         props.get("sheetId"), props.get("index"))
    for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
        if grid.get(key):
            sheet.props["gridProperties"][key] = grid[key]
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if props.get(key):
            sheet.props[key] = copy.deepcopy(props[key])
    sheet.props = clean_sheet_props(sheet.props)
    return {"addSheet": {"properties": sheet_properties(sheet)}}


def delete_sheet(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet = _sheet(ctx, req.get("sheetId"), "deleteSheet", index)
    if len(ctx.spreadsheet.sheets) == 1:
        raise invalid_request(index, "deleteSheet", "You can't remove all the sheets in a document.")
    ctx.check_cells(sheet, [(0, sheet.rows, 0, sheet.cols)])
    ctx.spreadsheet.sheets.remove(sheet)
    ctx.spreadsheet.named_ranges = {k: v for k, v in ctx.spreadsheet.named_ranges.items()
                                    if v["range"].get("sheetId", 0) != sheet.sheet_id}
    ctx.spreadsheet.reindex()
    return {}


def duplicate_sheet(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    source = _sheet(ctx, req.get("sourceSheetId"), "duplicateSheet", index)
    title = req.get("newSheetName") or f"Copy of {source.title}"
    _unique_title(ctx, title, "duplicateSheet", index)
    new = ctx.spreadsheet.add_sheet(title, source.rows, source.cols, req.get("newSheetId"),
                                    req.get("insertSheetIndex"))
    new.cells = copy.deepcopy(source.cells)
    new.merges = [{**copy.deepcopy(m), "sheetId": new.sheet_id} for m in source.merges]
    return {"duplicateSheet": {"properties": sheet_properties(new)}}


def update_sheet_properties(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateSheetProperties"
    props = req.get("properties") or {}
    sheet = _sheet(ctx, props.get("sheetId"), kind, index)
    mask = _fields(req, kind, index)
    ss = ctx.spreadsheet
    updated = copy.deepcopy(sheet.props)
    apply_masked(updated, props, mask)
    updated = clean_sheet_props(updated)
    updated["sheetId"] = sheet.sheet_id
    if "title" in (mask or {}) and updated.get("title") != sheet.title:
        if not updated.get("title"):
            raise invalid_request(index, kind, "The sheet title must not be empty.")
        _unique_title(ctx, updated["title"], kind, index, exclude=sheet)
    if updated.get("hidden") and not any(not s.props.get("hidden") for s in ss.sheets if s is not sheet):
        raise invalid_request(index, kind, "You can't hide all the sheets in a document.")
    grid = updated.setdefault("gridProperties", {})
    rows, cols = grid.get("rowCount") or sheet.rows, grid.get("columnCount") or sheet.cols
    if rows < sheet.rows:
        ctx.check_delete(sheet, ROWS, rows, sheet.rows)
    if cols < sheet.cols:
        ctx.check_delete(sheet, COLUMNS, cols, sheet.cols)
    new_index = props.get("index") if mask is None or "*" in mask or "index" in mask else None
    updated["index"] = sheet.props["index"]
    sheet.props = updated
    sheet.props["gridProperties"]["rowCount"] = sheet.props["gridProperties"].get("rowCount") or rows
    sheet.props["gridProperties"]["columnCount"] = sheet.props["gridProperties"].get("columnCount") or cols
    sheet.set_size(rows, cols)
    if new_index is not None:
        old = ss.sheets.index(sheet)
        ss.sheets.remove(sheet)
        target = new_index if new_index <= old else new_index - 1
        ss.sheets.insert(max(0, min(target, len(ss.sheets))), sheet)
        ss.reindex()
    return {}


def update_spreadsheet_properties(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    mask = _fields(req, "updateSpreadsheetProperties", index)
    props = copy.deepcopy(ctx.spreadsheet.properties)
    apply_masked(props, req.get("properties") or {}, mask)
    if not props.get("title"):
        raise invalid_request(index, "updateSpreadsheetProperties", "The spreadsheet title must not be empty.")
    ctx.spreadsheet.properties = props
    return {}


# --- dimensions ---------------------------------------------------------------------------------

def _dim_range(ctx: EditContext, rng: dict[str, Any], kind: str, index: int) -> tuple[Sheet, str, int, int]:
    sheet = _sheet(ctx, rng.get("sheetId"), kind, index)
    dim = rng.get("dimension")
    if dim not in (ROWS, COLUMNS):
        raise invalid_request(index, kind, "range.dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dim == ROWS else sheet.cols
    start = rng.get("startIndex", 0) or 0
    end = rng.get("endIndex", size) if rng.get("endIndex") is not None else size
    if start < 0 or end < start:
        raise invalid_request(index, kind, "Invalid dimension range.")
    return sheet, dim, start, end


def insert_dimension(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, dim, start, end = _dim_range(ctx, req.get("range") or {}, "insertDimension", index)
    size = sheet.rows if dim == ROWS else sheet.cols
    if start > size:
        raise invalid_request(index, "insertDimension", f"Invalid range: startIndex ({start}) > size ({size})")
    if req.get("inheritFromBefore") and start == 0:
        raise invalid_request(index, "insertDimension", "Cannot inherit from before when startIndex is 0.")
    ctx.check_insert(sheet, dim, start)
    sheet.insert(ctx.spreadsheet, dim, start, end - start)
    return {}


def delete_dimension(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, dim, start, end = _dim_range(ctx, req.get("range") or {}, "deleteDimension", index)
    size = sheet.rows if dim == ROWS else sheet.cols
    end = min(end, size)
    if start == 0 and end >= size:
        what = "rows" if dim == ROWS else "columns"
        raise invalid_request(index, "deleteDimension", f"You can't delete all the {what} in the sheet.")
    ctx.check_delete(sheet, dim, start, end)
    sheet.delete(ctx.spreadsheet, dim, start, end)
    return {}


def append_dimension(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet = _sheet(ctx, req.get("sheetId"), "appendDimension", index)
    length = int(req.get("length") or 0)
    if length <= 0:
        raise invalid_request(index, "appendDimension", "length must be greater than 0.")
    if req.get("dimension") == COLUMNS:
        sheet.props["gridProperties"]["columnCount"] += length
    else:
        sheet.props["gridProperties"]["rowCount"] += length
    return {}


def update_dimension_properties(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateDimensionProperties"
    sheet, dim, start, end = _dim_range(ctx, req.get("range") or {}, kind, index)
    mask = _fields(req, kind, index)
    for i in range(start, end):
        props = sheet.dim_props[dim].setdefault(i, {})
        apply_masked(props, req.get("properties") or {}, mask)
    return {}


def move_dimension(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, dim, start, end = _dim_range(ctx, req.get("source") or {}, "moveDimension", index)
    dest = int(req.get("destinationIndex", 0))
    rect = (start, end, 0, sheet.cols) if dim == ROWS else (0, sheet.rows, start, end)
    ctx.check_cells(sheet, [rect])
    size = sheet.rows if dim == ROWS else sheet.cols
    order = list(range(size))
    moved = order[start:end]
    rest = order[:start] + order[end:]
    at = dest if dest <= start else dest - (end - start)
    new_order = rest[:at] + moved + rest[at:]
    if dim == ROWS:
        old = [sheet.cells[i] if i < len(sheet.cells) else [] for i in range(size)]
        sheet.cells = [old[i] for i in new_order]
    else:
        for r, row in enumerate(sheet.cells):
            padded = row + [None] * (size - len(row))
            sheet.cells[r] = [padded[i] for i in new_order]
    return {}


def auto_resize(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    return {}


# --- protection ---------------------------------------------------------------------------------

def _new_protected_id(ctx: EditContext) -> int:
    taken = {p["protectedRangeId"] for s in ctx.spreadsheet.sheets for p in s.protected}
    while True:
        candidate = ctx.spreadsheet.rng.randrange(1, 2**31 - 1)
        if candidate not in taken:
            return candidate


def _find_protected(ctx: EditContext, pid: Any, kind: str, index: int) -> tuple[Sheet, dict[str, Any]]:
    for sheet in ctx.spreadsheet.sheets:
        for prot in sheet.protected:
            if prot["protectedRangeId"] == pid:
                return sheet, prot
    raise invalid_request(index, kind, f"No protected range with id: {pid}")


def _clean_editors(editors: dict[str, Any] | None) -> dict[str, Any]:
    return {k: list(v) for k, v in (editors or {}).items() if v}


def add_protected_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    body = copy.deepcopy(req.get("protectedRange") or {})
    ss = ctx.spreadsheet
    if body.get("namedRangeId"):
        named = ss.named_ranges.get(str(body["namedRangeId"]))
        if named is None:
            raise invalid_request(index, "addProtectedRange", f"No named range with id: {body['namedRangeId']}")
        rng = copy.deepcopy(named["range"])
    else:
        rng = {k: v for k, v in (body.get("range") or {}).items() if v is not None}
    sheet = _sheet(ctx, rng.get("sheetId"), "addProtectedRange", index)
    rng.setdefault("sheetId", sheet.sheet_id)
    ss.grid_rect(rng, "addProtectedRange", index)
    requested = _clean_editors(body.get("editors"))
    stored_editors = copy.deepcopy(requested)
    users = stored_editors.setdefault("users", [])
    if ctx.actor and ctx.actor.lower() not in [u.lower() for u in users]:
        users.insert(0, ctx.actor)
    stored: dict[str, Any] = {"protectedRangeId": body.get("protectedRangeId") or _new_protected_id(ctx),
                              "range": rng, "editors": stored_editors}
    for key in ("description", "warningOnly", "namedRangeId", "unprotectedRanges"):
        if body.get(key):
            stored[key] = body[key]
    sheet.protected.append(stored)
    reply: dict[str, Any] = {"protectedRangeId": stored["protectedRangeId"], "range": strip_sheet_zero(rng)}
    for key in ("namedRangeId", "description", "warningOnly"):
        if stored.get(key):
            reply[key] = stored[key]
    reply["requestingUserCanEdit"] = True
    if stored.get("unprotectedRanges"):
        reply["unprotectedRanges"] = [strip_sheet_zero(u) for u in stored["unprotectedRanges"]]
    reply["editors"] = requested
    return {"addProtectedRange": {"protectedRange": reply}}


def update_protected_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateProtectedRange"
    body = req.get("protectedRange") or {}
    sheet, prot = _find_protected(ctx, body.get("protectedRangeId"), kind, index)
    protection.check_protection_change(ctx.spreadsheet, ctx.owners, prot, ctx.actor)
    mask = _fields(req, kind, index)
    updated = copy.deepcopy(prot)
    apply_masked(updated, body, mask)
    updated["protectedRangeId"] = prot["protectedRangeId"]
    updated["editors"] = _clean_editors(updated.get("editors"))
    new_sheet = _sheet(ctx, updated["range"].get("sheetId"), kind, index)
    updated["range"].setdefault("sheetId", new_sheet.sheet_id)
    sheet.protected[sheet.protected.index(prot)] = updated
    if new_sheet is not sheet:
        sheet.protected.remove(updated)
        new_sheet.protected.append(updated)
    return {}


def delete_protected_range(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    sheet, prot = _find_protected(ctx, req.get("protectedRangeId"), "deleteProtectedRange", index)
    protection.check_protection_change(ctx.spreadsheet, ctx.owners, prot, ctx.actor)
    sheet.protected.remove(prot)
    return {}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "moveDimension": move_dimension,
    "autoResizeDimensions": auto_resize,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    **CELL_HANDLERS,
}


def batch_update(ctx: EditContext, body: dict[str, Any]) -> dict[str, Any]:
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid_argument("Must specify at least one request.")

    def run() -> list[dict[str, Any]]:
        replies = []
        for i, req in enumerate(requests):
            kinds = [k for k, v in (req or {}).items() if v is not None]
            if len(kinds) != 1:
                raise invalid_argument(f"Invalid requests[{i}]: No request set." if not kinds else
                                       f"Invalid requests[{i}]: More than one request set.")
            kind = kinds[0]
            handler = HANDLERS.get(kind)
            if handler is None:
                raise google_error(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at "
                                        f"'requests[{i}]': Cannot find field. [emulator: not implemented]",
                                   "INVALID_ARGUMENT")
            replies.append(handler(ctx, req[kind] or {}, i))
        return replies

    replies = transaction(ctx.spreadsheet, run)
    out: dict[str, Any] = {"spreadsheetId": ctx.spreadsheet.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = spreadsheet_json(
            ctx.spreadsheet, ctx.owners, ctx.actor, include_grid=bool(body.get("responseIncludeGridData")),
            ranges=body.get("responseRanges") or [], mask=None)
    return out


__all__ = ["ApiError", "batch_update", "apply_masked"]
