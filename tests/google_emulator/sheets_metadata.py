"""Developer metadata and DataFilters (create/update/delete, search, get, *ByDataFilter reads).

Row/column metadata follows rows when rows are inserted or deleted above it (documented by
Google). Whether it follows a row when the sheet is SORTED is undocumented; the emulator takes
the pessimistic reading: sorting moves cell contents only, metadata stays at its position.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import invalid_argument, invalid_request
from .sheets_values import EditContext
from .spreadsheet import COLUMNS, ROWS, Spreadsheet

LOCATION_TYPES = {ROWS: "ROW", COLUMNS: "COLUMN"}


def _location(ctx: EditContext, loc: dict[str, Any], kind: str, index: int) -> dict[str, Any]:
    if loc.get("dimensionRange"):
        rng = dict(loc["dimensionRange"])
        sheet = ctx.spreadsheet.sheet_by_id(rng.get("sheetId"))
        if sheet is None or rng.get("dimension") not in LOCATION_TYPES:
            raise invalid_request(index, kind, "Invalid metadata location.")
        rng.setdefault("sheetId", sheet.sheet_id)
        rng.setdefault("startIndex", 0)
        return {"locationType": LOCATION_TYPES[rng["dimension"]], "dimensionRange": rng}
    if loc.get("sheetId") is not None:
        if ctx.spreadsheet.sheet_by_id(loc["sheetId"]) is None:
            raise invalid_request(index, kind, f"No grid with id: {loc['sheetId']}")
        return {"locationType": "SHEET", "sheetId": loc["sheetId"]}
    if loc.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    raise invalid_request(index, kind, "A metadata location must be specified.")


def create(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "createDeveloperMetadata"
    body = copy.deepcopy(req.get("developerMetadata") or {})
    if body.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise invalid_request(index, kind, "Developer metadata visibility must be specified.")
    if not body.get("metadataKey"):
        raise invalid_request(index, kind, "Developer metadata key must be specified.")
    taken = {m["metadataId"] for m in ctx.spreadsheet.metadata}
    meta_id = body.get("metadataId") or ctx.spreadsheet.rng.randrange(1, 2**31 - 1)
    if meta_id in taken:
        raise invalid_request(index, kind, f"Developer metadata with id {meta_id} already exists.")
    meta = {"metadataId": meta_id, "metadataKey": body["metadataKey"]}
    if body.get("metadataValue") is not None:
        meta["metadataValue"] = body["metadataValue"]
    meta["location"] = _location(ctx, body.get("location") or {}, kind, index)
    meta["visibility"] = body["visibility"]
    ctx.spreadsheet.metadata.append(meta)
    return {kind: {"developerMetadata": copy.deepcopy(meta)}}


def matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if lookup.get(key) not in (None, "") and meta.get(key) != lookup[key]:
            return False
    if lookup.get("locationType") and meta["location"]["locationType"] != lookup["locationType"]:
        return False
    want = lookup.get("metadataLocation") or {}
    loc = meta["location"]
    if want.get("sheetId") is not None:
        sheet_id = loc.get("sheetId", loc.get("dimensionRange", {}).get("sheetId"))
        if sheet_id != want["sheetId"]:
            return False
    if want.get("dimensionRange"):
        mine, theirs = loc.get("dimensionRange") or {}, want["dimensionRange"]
        if not mine or mine.get("sheetId", 0) != theirs.get("sheetId", 0):
            return False
        if mine.get("dimension") != theirs.get("dimension"):
            return False
        start, end = theirs.get("startIndex", 0), theirs.get("endIndex")
        if mine["startIndex"] < start or (end is not None and mine["endIndex"] > end):
            return False
    return True


def lookup(spreadsheet: Spreadsheet, data_filter: dict[str, Any]) -> list[dict[str, Any]]:
    query = data_filter.get("developerMetadataLookup")
    if query is None:
        raise invalid_argument("[emulator] only developerMetadataLookup data filters are supported here")
    return [m for m in spreadsheet.metadata if matches(m, query)]


def delete(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    found = lookup(ctx.spreadsheet, req.get("dataFilter") or {})
    ids = {m["metadataId"] for m in found}
    ctx.spreadsheet.metadata = [m for m in ctx.spreadsheet.metadata if m["metadataId"] not in ids]
    reply: dict[str, Any] = {}
    if found:
        reply["deletedDeveloperMetadata"] = copy.deepcopy(found)
    return {"deleteDeveloperMetadata": reply}


def update(ctx: EditContext, req: dict[str, Any], index: int) -> dict[str, Any]:
    kind = "updateDeveloperMetadata"
    from .fieldmask import copy_masked, parse

    if not req.get("fields"):
        raise invalid_request(index, kind, "At least one field must be updated, but none were specified.")
    mask = parse(req["fields"])
    body = req.get("developerMetadata") or {}
    found: list[dict[str, Any]] = []
    for flt in req.get("dataFilters") or []:
        found += [m for m in lookup(ctx.spreadsheet, flt) if m not in found]
    for meta in found:
        copy_masked(meta, body, mask)
        if "location" in (mask or {}) or mask is None:
            meta["location"] = _location(ctx, body.get("location") or {}, kind, index)
    reply: dict[str, Any] = {}
    if found:
        reply["developerMetadata"] = copy.deepcopy(found)
    return {kind: reply}


METADATA_HANDLERS = {
    "createDeveloperMetadata": create,
    "deleteDeveloperMetadata": delete,
    "updateDeveloperMetadata": update,
}


# --- reads --------------------------------------------------------------------------------------

def get(spreadsheet: Spreadsheet, meta_id: int) -> dict[str, Any]:
    from .errors import not_found

    for meta in spreadsheet.metadata:
        if meta["metadataId"] == meta_id:
            return copy.deepcopy(meta)
    raise not_found()


def search(spreadsheet: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    matched = []
    for flt in body.get("dataFilters") or []:
        for meta in lookup(spreadsheet, flt):
            matched.append({"developerMetadata": copy.deepcopy(meta), "dataFilters": [flt]})
    return {"matchedDeveloperMetadata": matched} if matched else {}


def filter_ranges(spreadsheet: Spreadsheet, data_filter: dict[str, Any]) -> list[tuple[int, tuple]]:
    """Grid rectangles selected by a DataFilter (a1Range, gridRange or metadata lookup)."""
    if data_filter.get("a1Range"):
        sheet, bounds = spreadsheet.resolve(data_filter["a1Range"])
        return [(sheet.sheet_id, bounds.clipped(sheet.rows, sheet.cols))]
    if data_filter.get("gridRange"):
        sheet, rect = spreadsheet.grid_rect(data_filter["gridRange"])
        return [(sheet.sheet_id, rect)]
    out = []
    for meta in lookup(spreadsheet, data_filter):
        rng = meta["location"].get("dimensionRange")
        if rng:
            sheet = spreadsheet.sheet_by_id(rng.get("sheetId", 0))
            if rng["dimension"] == ROWS:
                out.append((sheet.sheet_id, (rng["startIndex"], rng["endIndex"], 0, sheet.cols)))
            else:
                out.append((sheet.sheet_id, (0, sheet.rows, rng["startIndex"], rng["endIndex"])))
        elif meta["location"].get("sheetId") is not None:
            sheet = spreadsheet.sheet_by_id(meta["location"]["sheetId"])
            out.append((sheet.sheet_id, (0, sheet.rows, 0, sheet.cols)))
    return out
