"""Sheets v4 HTTP endpoints: access control, atomic writes, and dispatch to the models."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

from . import fieldmask, sheets_batch, sheets_metadata, sheets_values
from .a1 import format_range
from .drive_store import SPREADSHEET
from .errors import invalid_argument
from .httpmsg import Req, Resp
from .sheets_resource import spreadsheet_json
from .sheets_values import EditContext
from .spreadsheet import transaction

if TYPE_CHECKING:
    from .state import State


def _range_param(req: Req) -> str:
    return urllib.parse.unquote(req.params["range"])


def _mask(req: Req) -> fieldmask.Mask | None:
    try:
        return fieldmask.parse(req.q("fields") or "")
    except ValueError as exc:
        raise invalid_argument(f"Invalid field selection {req.q('fields')}") from exc


def _edit(state: State, req: Req, action) -> Any:
    ss, f = state.spreadsheet(req, req.params["spreadsheetId"], write=True)
    ctx = EditContext(ss, req.actor, state.owners(f))
    result = transaction(ss, lambda: action(ctx))
    state.spreadsheet_written(f, req.actor)
    return result


def get(state: State, req: Req) -> Resp:
    ss, f = state.spreadsheet(req, req.params["spreadsheetId"])
    ranges = req.query.get("ranges", [])
    body = spreadsheet_json(ss, state.owners(f), req.actor, include_grid=req.flag("includeGridData"),
                            ranges=ranges, mask=_mask(req))
    return Resp.json(body)


def create(state: State, req: Req) -> Resp:
    body = req.json()
    props = body.get("properties") or {}
    title = props.get("title") or "Untitled spreadsheet"
    f = state.drive.add_file(title, SPREADSHEET, req.actor, None)
    ss = state.new_spreadsheet_for(f, req.actor)
    for key in ("locale", "timeZone", "autoRecalc"):
        if props.get(key):
            ss.properties[key] = props[key]
    if body.get("sheets"):
        ss.sheets.clear()
        for i, sheet_body in enumerate(body["sheets"]):
            sp = sheet_body.get("properties") or {}
            grid = sp.get("gridProperties") or {}
            sheet = ss.add_sheet(sp.get("title") or f"Sheet{i + 1}", grid.get("rowCount", 1000),
                                 grid.get("columnCount", 26), sp.get("sheetId", 0 if i == 0 else None))
            if grid.get("frozenRowCount"):
                sheet.props["gridProperties"]["frozenRowCount"] = grid["frozenRowCount"]
    return Resp.json(spreadsheet_json(ss, state.owners(f), req.actor, include_grid=False, ranges=[], mask=None))


def batch_update(state: State, req: Req) -> Resp:
    body = req.json()
    return Resp.json(_edit(state, req, lambda ctx: sheets_batch.batch_update(ctx, body)))


# --- values -------------------------------------------------------------------------------------

def values_get(state: State, req: Req) -> Resp:
    ss, _ = state.spreadsheet(req, req.params["spreadsheetId"])
    value_option, date_option = sheets_values.render_options(req.qs())
    return Resp.json(sheets_values.value_range(ss, _range_param(req), req.q("majorDimension"), value_option,
                                               date_option))


def values_update(state: State, req: Req) -> Resp:
    body = req.json()
    text = _range_param(req)
    return Resp.json(_edit(state, req, lambda ctx: sheets_values.update(ctx, text, body, req.qs())))


def values_append(state: State, req: Req) -> Resp:
    body = req.json()
    text = _range_param(req)
    return Resp.json(_edit(state, req, lambda ctx: sheets_values.append(ctx, text, body, req.qs())))


def values_clear(state: State, req: Req) -> Resp:
    text = _range_param(req)
    cleared = _edit(state, req, lambda ctx: sheets_values.clear(ctx, text))
    return Resp.json({"spreadsheetId": req.params["spreadsheetId"], "clearedRange": cleared})


def values_batch_get(state: State, req: Req) -> Resp:
    ss, _ = state.spreadsheet(req, req.params["spreadsheetId"])
    return Resp.json(sheets_values.batch_get(ss, req.query.get("ranges", []), req.qs()))


def values_batch_update(state: State, req: Req) -> Resp:
    body = req.json()
    return Resp.json(_edit(state, req, lambda ctx: sheets_values.batch_update(ctx, body)))


def values_batch_clear(state: State, req: Req) -> Resp:
    ranges = req.json().get("ranges") or []
    return Resp.json(_edit(state, req, lambda ctx: sheets_values.batch_clear(ctx, ranges)))


# --- data filters & developer metadata ------------------------------------------------------------

def values_batch_get_by_data_filter(state: State, req: Req) -> Resp:
    ss, _ = state.spreadsheet(req, req.params["spreadsheetId"])
    body = req.json()
    value_option, date_option = sheets_values.render_options(
        {k: body.get(k, "") for k in ("valueRenderOption", "dateTimeRenderOption")})
    major = body.get("majorDimension") or "ROWS"
    out: list[dict[str, Any]] = []
    for flt in body.get("dataFilters") or []:
        for sheet_id, rect in sheets_metadata.filter_ranges(ss, flt):
            sheet = ss.sheet_by_id(sheet_id)
            out.append({"valueRange": sheets_values.rect_values(sheet, rect, major, value_option, date_option,
                                                                   ss.locale),
                        "dataFilters": [flt]})
    result: dict[str, Any] = {"spreadsheetId": ss.id}
    if out:
        result["valueRanges"] = out
    return Resp.json(result)


def values_batch_update_by_data_filter(state: State, req: Req) -> Resp:
    body = req.json()

    def action(ctx: EditContext) -> dict[str, Any]:
        data = []
        for item in body.get("data") or []:
            for sheet_id, rect in sheets_metadata.filter_ranges(ctx.spreadsheet, item.get("dataFilter") or {}):
                sheet = ctx.spreadsheet.sheet_by_id(sheet_id)
                data.append({"range": format_range(sheet.title, *rect), "values": item.get("values"),
                             "majorDimension": item.get("majorDimension")})
        result = sheets_values.batch_update(ctx, {**body, "data": data})
        for response in result.get("responses", []):
            response.setdefault("dataFilter", {})
        return result

    return Resp.json(_edit(state, req, action))


def metadata_get(state: State, req: Req) -> Resp:
    ss, _ = state.spreadsheet(req, req.params["spreadsheetId"])
    return Resp.json(sheets_metadata.get(ss, int(req.params["metadataId"])))


def metadata_search(state: State, req: Req) -> Resp:
    ss, _ = state.spreadsheet(req, req.params["spreadsheetId"])
    return Resp.json(sheets_metadata.search(ss, req.json()))
