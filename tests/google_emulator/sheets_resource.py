"""The Spreadsheet resource as ``spreadsheets.get`` returns it (proto3 JSON: defaults omitted)."""

from __future__ import annotations

import copy
from typing import Any

from . import fieldmask
from .cells import cell_data, quantize_color
from .protection import may_edit
from .spreadsheet import ROWS, Sheet, Spreadsheet

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                   "bold": False, "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}

_THEME = [("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
          ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
          ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
          ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
          ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
          ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
          ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
          ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8})]

DEFAULT_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": name, "color": {"rgbColor": rgb}} for name, rgb in _THEME],
}

ROW_PIXELS, COLUMN_PIXELS = 21, 100


def default_properties(title: str, locale: str = "en_US", time_zone: str = "Etc/GMT") -> dict[str, Any]:
    return {"title": title, "locale": locale, "autoRecalc": "ON_CHANGE", "timeZone": time_zone,
            "defaultFormat": copy.deepcopy(DEFAULT_FORMAT), "spreadsheetTheme": copy.deepcopy(DEFAULT_THEME)}


def clean_sheet_props(props: dict[str, Any]) -> dict[str, Any]:
    """Sheet properties as stored: nulls dropped, tab colours 8-bit (mirrored in tabColor)."""
    out = {k: clean_sheet_props(v) if isinstance(v, dict) else v for k, v in props.items() if v is not None}
    style = out.get("tabColorStyle")
    if isinstance(style, dict) and isinstance(style.get("rgbColor"), dict):
        style["rgbColor"] = quantize_color(style["rgbColor"])
        out["tabColor"] = dict(style["rgbColor"])
    elif isinstance(out.get("tabColor"), dict):
        out["tabColor"] = quantize_color(out["tabColor"])
        out["tabColorStyle"] = {"rgbColor": dict(out["tabColor"])}
    if isinstance(style, dict) and not style.get("rgbColor") and not style.get("themeColor"):
        out.pop("tabColorStyle", None)
        out.pop("tabColor", None)
    return out


def strip_sheet_zero(rng: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in rng.items() if v is not None}
    if out.get("sheetId") == 0:
        out.pop("sheetId")
    return out


def _color_twins(holder: dict[str, Any], legacy: str, style: str) -> None:
    """Store a colour both ways, 8-bit: Google keeps the deprecated ``Color`` field and its ``ColorStyle``
    twin in step whichever one was written ("If backgroundColor is also set, this field takes precedence",
    https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/cells#CellFormat; the recorded
    WorksheetTest.test_format answers both for a ``backgroundColor`` write). A theme colour has no RGB twin."""
    chosen = holder.get(style)
    if isinstance(chosen, dict) and isinstance(chosen.get("rgbColor"), dict):
        rgb = quantize_color(chosen["rgbColor"])
    elif isinstance(holder.get(legacy), dict):
        rgb = quantize_color(holder[legacy])
    else:
        return
    holder[legacy] = rgb
    holder[style] = {"rgbColor": dict(rgb)}


def normalize_format(fmt: dict[str, Any]) -> dict[str, Any]:
    """A CellFormat as Sheets stores and echoes it: 8-bit colours, each colour with its *Style twin."""
    out = copy.deepcopy(fmt)
    _color_twins(out, "backgroundColor", "backgroundColorStyle")
    text = out.get("textFormat")
    if isinstance(text, dict):
        _color_twins(text, "foregroundColor", "foregroundColorStyle")
    return out


def protected_json(spreadsheet: Spreadsheet, owners: set[str], protected: dict[str, Any], viewer: str) -> dict:
    out: dict[str, Any] = {"protectedRangeId": protected["protectedRangeId"],
                           "range": strip_sheet_zero(protected["range"])}
    for key in ("namedRangeId", "description"):
        if protected.get(key):
            out[key] = protected[key]
    if protected.get("warningOnly"):
        out["warningOnly"] = True
    if may_edit(spreadsheet, owners, protected, viewer):
        out["requestingUserCanEdit"] = True
    if protected.get("unprotectedRanges"):
        out["unprotectedRanges"] = [strip_sheet_zero(r) for r in protected["unprotectedRanges"]]
    editors = {k: list(v) for k, v in protected.get("editors", {}).items() if v}
    if not protected.get("warningOnly"):
        # ProtectedRange.editors are "the users and groups with edit access to the protected range"
        # (https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/sheets#ProtectedRange) and the
        # owner always has it ("the owner ... can always edit", https://support.google.com/docs/answer/1218656):
        # Google lists the owner even when the request named other editors only.
        listed = {u.lower() for u in editors.get("users", [])}
        extra = sorted(o for o in owners if o.lower() not in listed)
        if extra:
            editors["users"] = extra + editors.get("users", [])
    out["editors"] = editors
    return out


def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    props = copy.deepcopy(sheet.props)
    grid = props["gridProperties"]
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not grid.get(key):
            grid.pop(key, None)
    for key in ("hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"):
        if not grid.get(key):
            grid.pop(key, None)
    if not props.get("hidden"):
        props.pop("hidden", None)
    if not props.get("rightToLeft"):
        props.pop("rightToLeft", None)
    return props


def sheet_json(spreadsheet: Spreadsheet, sheet: Sheet, owners: set[str], viewer: str,
               data: list[dict[str, Any]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(sheet)}
    if data is not None:
        out["data"] = data
    if sheet.merges:
        out["merges"] = [strip_sheet_zero(m) for m in sheet.merges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = [
            {**rule, "ranges": [strip_sheet_zero(r) for r in rule.get("ranges", [])]}
            for rule in copy.deepcopy(sheet.conditional_formats)]
    if sheet.protected:
        out["protectedRanges"] = [protected_json(spreadsheet, owners, p, viewer) for p in sheet.protected]
    if sheet.basic_filter:
        flt = copy.deepcopy(sheet.basic_filter)
        flt["range"] = strip_sheet_zero(flt["range"])
        out["basicFilter"] = flt
    metas = [m for m in spreadsheet.metadata if m["location"].get("locationType") == "SHEET"
             and m["location"].get("sheetId") == sheet.sheet_id]
    if metas:
        out["developerMetadata"] = copy.deepcopy(metas)
    if sheet.row_groups:
        out["rowGroups"] = copy.deepcopy(sheet.row_groups)
    if sheet.column_groups:
        out["columnGroups"] = copy.deepcopy(sheet.column_groups)
    return out


def grid_data(sheet: Sheet, rect: tuple[int, int, int, int], metadata: list[dict[str, Any]] = (),
              locale: str = "en_US") -> dict[str, Any]:
    r0, r1, c0, c1 = rect
    last_r, _ = sheet.value_extent(rect, predicate=lambda cell: not cell.is_blank())
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    rows = []
    for r in range(r0, last_r):
        cells = [sheet.get(r, c) for c in range(c0, c1)]
        while cells and (cells[-1] is None or cells[-1].is_blank()):
            cells.pop()
        if not cells:
            rows.append({})
            continue
        values = []
        for cell in cells:
            data = cell_data(cell, locale) if cell is not None else {}
            if "userEnteredFormat" in data:
                data["userEnteredFormat"] = normalize_format(data["userEnteredFormat"])
            values.append(data)
        rows.append({"values": values})
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [_dim_meta(sheet, ROWS, r, ROW_PIXELS, metadata) for r in range(r0, r1)]
    out["columnMetadata"] = [_dim_meta(sheet, "COLUMNS", c, COLUMN_PIXELS, metadata) for c in range(c0, c1)]
    return out


def _dim_meta(sheet: Sheet, dim: str, index: int, default_pixels: int,
              metadata: list[dict[str, Any]]) -> dict[str, Any]:
    props = sheet.dim_props[dim].get(index, {})
    out: dict[str, Any] = {"pixelSize": props.get("pixelSize", default_pixels)}
    if props.get("hiddenByUser"):
        out["hiddenByUser"] = True
    found = [copy.deepcopy(m) for m in metadata
             if (rng := m["location"].get("dimensionRange")) and rng.get("sheetId", 0) == sheet.sheet_id
             and rng.get("dimension") == dim and rng["startIndex"] <= index < rng["endIndex"]]
    if found:
        out["developerMetadata"] = found
    return out


def spreadsheet_json(spreadsheet: Spreadsheet, owners: set[str], viewer: str, *,
                     include_grid: bool, ranges: list[str], mask: fieldmask.Mask | None) -> dict[str, Any]:
    include_grid = include_grid or fieldmask.wants(mask, "sheets", "data") and mask is not None
    per_sheet: dict[int, list[dict[str, Any]]] = {}
    selected: list[Sheet] = list(spreadsheet.sheets)
    if ranges:
        wanted: list[int] = []
        for text in ranges:
            sheet, bounds = spreadsheet.resolve(text)
            if sheet.sheet_id not in wanted:
                wanted.append(sheet.sheet_id)
            if include_grid:
                rect = bounds.clipped(sheet.rows, sheet.cols)
                per_sheet.setdefault(sheet.sheet_id, []).append(grid_data(sheet, rect, spreadsheet.metadata,
                                                                          spreadsheet.locale))
        selected = [s for s in spreadsheet.sheets if s.sheet_id in wanted]
    elif include_grid:
        for sheet in spreadsheet.sheets:
            per_sheet[sheet.sheet_id] = [grid_data(sheet, (0, sheet.rows, 0, sheet.cols), spreadsheet.metadata,
                                                   spreadsheet.locale)]
    out: dict[str, Any] = {
        "spreadsheetId": spreadsheet.id,
        "properties": copy.deepcopy(spreadsheet.properties),
        "sheets": [sheet_json(spreadsheet, s, owners, viewer, per_sheet.get(s.sheet_id) if include_grid else None)
                   for s in selected],
    }
    if spreadsheet.named_ranges:
        out["namedRanges"] = [{**n, "range": strip_sheet_zero(n["range"])}
                              for n in copy.deepcopy(list(spreadsheet.named_ranges.values()))]
    top_meta = [m for m in spreadsheet.metadata if m["location"].get("locationType") == "SPREADSHEET"]
    if top_meta:
        out["developerMetadata"] = copy.deepcopy(top_meta)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{spreadsheet.id}/edit"
    return fieldmask.apply(out, mask)
