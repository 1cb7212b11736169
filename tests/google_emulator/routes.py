"""URL routing: (method, path pattern) -> (request kind, handler)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import drive_api, gmail, sheets_api
from .httpmsg import Req, Resp

_ID = r"(?P<spreadsheetId>[^/:]+)"
_SHEETS = r"/v4/spreadsheets"


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    kind: str
    handler: Callable[..., Resp] | None  # None: handled by the server itself (token, batch)

    @property
    def service(self) -> str:
        if self.kind.startswith("sheets."):
            return "sheets.googleapis.com"
        if self.kind.startswith("gmail."):
            return "gmail.googleapis.com"
        return "drive.googleapis.com"


def _r(method: str, pattern: str, kind: str, handler) -> Route:
    return Route(method, re.compile("^" + pattern + "$"), kind, handler)


ROUTES: list[Route] = [
    _r("POST", "/token", "oauth.token", None),
    # Sheets v4
    _r("POST", _SHEETS, "sheets.spreadsheets.create", sheets_api.create),
    _r("GET", f"{_SHEETS}/{_ID}", "sheets.spreadsheets.get", sheets_api.get),
    _r("POST", f"{_SHEETS}/{_ID}:batchUpdate", "sheets.spreadsheets.batchUpdate", sheets_api.batch_update),
    _r("GET", f"{_SHEETS}/{_ID}/values:batchGet", "sheets.values.batchGet", sheets_api.values_batch_get),
    _r("POST", f"{_SHEETS}/{_ID}/values:batchUpdate", "sheets.values.batchUpdate", sheets_api.values_batch_update),
    _r("POST", f"{_SHEETS}/{_ID}/values:batchClear", "sheets.values.batchClear", sheets_api.values_batch_clear),
    _r("POST", f"{_SHEETS}/{_ID}/values:batchGetByDataFilter", "sheets.values.batchGetByDataFilter",
       sheets_api.values_batch_get_by_data_filter),
    _r("POST", f"{_SHEETS}/{_ID}/values:batchUpdateByDataFilter", "sheets.values.batchUpdateByDataFilter",
       sheets_api.values_batch_update_by_data_filter),
    _r("POST", f"{_SHEETS}/{_ID}/values/(?P<range>.+):append", "sheets.values.append", sheets_api.values_append),
    _r("POST", f"{_SHEETS}/{_ID}/values/(?P<range>.+):clear", "sheets.values.clear", sheets_api.values_clear),
    _r("GET", f"{_SHEETS}/{_ID}/values/(?P<range>.+)", "sheets.values.get", sheets_api.values_get),
    _r("PUT", f"{_SHEETS}/{_ID}/values/(?P<range>.+)", "sheets.values.update", sheets_api.values_update),
    _r("GET", f"{_SHEETS}/{_ID}/developerMetadata/(?P<metadataId>[0-9]+)", "sheets.developerMetadata.get",
       sheets_api.metadata_get),
    _r("POST", f"{_SHEETS}/{_ID}/developerMetadata:search", "sheets.developerMetadata.search",
       sheets_api.metadata_search),
    # Drive v3
    _r("GET", "/drive/v3/files", "drive.files.list", drive_api.files_list),
    _r("POST", "/drive/v3/files", "drive.files.create", drive_api.files_create),
    _r("POST", "/upload/drive/v3/files", "drive.files.create", drive_api.files_create),
    _r("PUT", "/upload/drive/v3/files", "drive.files.upload", drive_api.resumable_chunk),
    _r("PUT", "/upload/drive/v3/files/(?P<fileId>[^/]+)", "drive.files.upload", drive_api.resumable_chunk),
    _r("GET", "/drive/v3/files/(?P<fileId>[^/]+)", "drive.files.get", drive_api.files_get),
    _r("PATCH", "/drive/v3/files/(?P<fileId>[^/]+)", "drive.files.update", drive_api.files_update),
    _r("PATCH", "/upload/drive/v3/files/(?P<fileId>[^/]+)", "drive.files.update", drive_api.files_update),
    _r("DELETE", "/drive/v3/files/(?P<fileId>[^/]+)", "drive.files.delete", drive_api.files_delete),
    _r("POST", "/drive/v3/files/(?P<fileId>[^/]+)/copy", "drive.files.copy", drive_api.files_copy),
    _r("GET", "/drive/v3/files/(?P<fileId>[^/]+)/comments", "drive.comments.list", drive_api.comments_list),
    _r("GET", "/drive/v3/files/(?P<fileId>[^/]+)/permissions", "drive.permissions.list",
       drive_api.permissions_list),
    _r("POST", "/drive/v3/files/(?P<fileId>[^/]+)/permissions", "drive.permissions.create",
       drive_api.permissions_create),
    _r("DELETE", "/drive/v3/files/(?P<fileId>[^/]+)/permissions/(?P<permissionId>[^/]+)",
       "drive.permissions.delete", drive_api.permissions_delete),
    _r("GET", "/drive/v3/changes/startPageToken", "drive.changes.getStartPageToken", drive_api.changes_start),
    _r("GET", "/drive/v3/changes", "drive.changes.list", drive_api.changes_list),
    _r("POST", "/drive/v3/drives", "drive.drives.create", drive_api.drives_create),
    _r("GET", "/drive/v3/drives", "drive.drives.list", drive_api.drives_list),
    _r("GET", "/drive/v3/drives/(?P<driveId>[^/]+)", "drive.drives.get", drive_api.drives_get),
    _r("POST", "/batch/drive/v3", "drive.batch", None),
    # Gmail v1
    _r("POST", "/gmail/v1/users/(?P<userId>[^/]+)/messages/send", "gmail.messages.send", gmail.send),
    _r("POST", "/batch/gmail/v1", "gmail.batch", None),
]


KINDS = frozenset(route.kind for route in ROUTES) | {"unknown"}


def known_kind(kind: str | None) -> str | None:
    """``kind`` itself, if it names a route kind or a dotted prefix of one ("drive", "sheets.values");
    a misspelt kind would make a count always 0 and a fault never fire, so it is refused."""
    if kind is not None and not any(k == kind or k.startswith(kind + ".") for k in KINDS):
        raise ValueError(f"no request kind {kind!r}; kinds: {', '.join(sorted(KINDS))}")
    return kind


def match(req: Req) -> Route | None:
    path = req.path
    for route in ROUTES:
        if route.method != req.method:
            continue
        m = route.pattern.match(path)
        if m:
            req.params = {k: v for k, v in m.groupdict().items() if v is not None}
            from urllib.parse import unquote

            if "spreadsheetId" in req.params:
                req.params["spreadsheetId"] = unquote(req.params["spreadsheetId"])
            for key in ("fileId", "driveId", "permissionId", "userId"):
                if key in req.params:
                    req.params[key] = unquote(req.params[key])
            return route
    return None


def service_for_path(path: str) -> str:
    if path.startswith("/v4/"):
        return "sheets.googleapis.com"
    if path.startswith("/gmail/"):
        return "gmail.googleapis.com"
    return "drive.googleapis.com"
