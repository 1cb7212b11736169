"""Drive v3 endpoints: files, uploads, permissions, changes, shared drives.

Shared-drive items are invisible (404) to calls without ``supportsAllDrives=true`` and are
listed only with ``includeItemsFromAllDrives=true`` too, as on Google.
"""

from __future__ import annotations

import base64
import csv
import io
import urllib.parse
from typing import TYPE_CHECKING, Any

from .drive_query import QueryEnv, compile_query
from .drive_resource import (
    DEFAULT_FILE_FIELDS,
    DEFAULT_PERMISSION_FIELDS,
    drive_json,
    file_json,
    parse_multipart_related,
    select,
)
from .drive_store import FOLDER, GOOGLE_APPS, RANK, SPREADSHEET, DriveFile, rfc3339
from .errors import (
    drive_error,
    drive_file_not_found,
    drive_insufficient_permissions,
    drive_invalid,
    drive_required,
)
from .httpmsg import Req, Resp

if TYPE_CHECKING:
    from .state import State


def supports_all_drives(req: Req) -> bool:
    return req.flag("supportsAllDrives") or req.flag("supportsTeamDrives")


def visible(state: State, req: Req, f: DriveFile) -> bool:
    if f.drive_id and not supports_all_drives(req):
        return False
    return state.drive.rank(f, req.actor) >= 1


def get_file(state: State, req: Req, file_id: str, min_rank: int = 1) -> DriveFile:
    if file_id == "root":
        file_id = state.drive.root_id(req.actor)
    f = state.drive.files.get(file_id)
    if f is None or not visible(state, req, f):
        raise drive_file_not_found(file_id)
    if state.drive.rank(f, req.actor) < min_rank:
        raise drive_insufficient_permissions()
    return f


def _parent_ok(state: State, req: Req, parent_id: str) -> str:
    if parent_id == "root":
        return state.drive.root_id(req.actor)
    drive = state.drive.drives.get(parent_id)
    if drive is not None:
        member = next((m for m in drive.members if m["emailAddress"].lower() == req.actor.lower()), None)
        if not supports_all_drives(req) or member is None:
            raise drive_file_not_found(parent_id)
        if RANK[member["role"]] < 3:
            raise drive_insufficient_permissions()
        return parent_id
    parent = get_file(state, req, parent_id, min_rank=3)
    if parent.mime_type != FOLDER:
        raise drive_error(400, "The specified parent is not a folder.", "invalidParent")
    return parent_id


def _one_parent_error():
    return drive_error(403, "Increasing the number of parents is not allowed. A file can only have one parent.",
                       "cannotAddParent")


def _file_out(state: State, req: Req, f: DriveFile) -> Resp:
    return Resp.json(select(file_json(state.drive, f, req.actor), req.q("fields"), DEFAULT_FILE_FIELDS))


def _upload_parts(req: Req) -> tuple[dict[str, Any], bytes | None, str | None]:
    upload_type = req.q("uploadType")
    if upload_type is None:
        return req.json(), None, None
    if upload_type == "multipart":
        return parse_multipart_related(req.headers.get("content-type", ""), req.body)
    if upload_type == "media":
        return {}, req.body, req.headers.get("content-type", "application/octet-stream").split(";")[0]
    raise drive_invalid("uploadType", f"Invalid upload type: {upload_type}")


def _apply_metadata(f: DriveFile, meta: dict[str, Any]) -> None:
    for key, attr in (("description", "description"), ("starred", "starred")):
        if key in meta:
            setattr(f, attr, meta[key])
    for key, attr in (("properties", "properties"), ("appProperties", "app_properties")):
        if meta.get(key):
            target = getattr(f, attr)
            for k, v in meta[key].items():
                if v is None:
                    target.pop(k, None)
                else:
                    target[k] = str(v)


def create_file(state: State, req: Req, meta: dict[str, Any], media: bytes | None, media_type: str | None) -> DriveFile:
    parents = meta.get("parents") or []
    if len(parents) > 1:
        raise _one_parent_error()
    parents = [_parent_ok(state, req, p) for p in parents]
    mime = meta.get("mimeType") or media_type or "application/octet-stream"
    name = meta.get("name") or "Untitled"
    converted = mime.startswith(GOOGLE_APPS)
    f = state.drive.add_file(name, mime, req.actor, parents, None if converted else (media or b""),
                             meta.get("id"))
    f.original_filename = meta.get("originalFilename") or (name if media is not None else None)
    _apply_metadata(f, meta)
    if mime == SPREADSHEET:
        rows = list(csv.reader(io.StringIO(media.decode("utf-8-sig")))) if media else None
        state.new_spreadsheet_for(f, req.actor, rows)
    return f


def files_create(state: State, req: Req) -> Resp:
    if req.q("uploadType") == "resumable":
        return start_resumable(state, req, None)
    meta, media, media_type = _upload_parts(req)
    return _file_out(state, req, create_file(state, req, meta, media, media_type))


def files_get(state: State, req: Req) -> Resp:
    f = get_file(state, req, req.params["fileId"])
    if req.q("alt") == "media":
        if f.mime_type.startswith(GOOGLE_APPS):
            raise drive_error(403, "Only files with binary content can be downloaded. Use Export with Docs "
                                   "Editors files.", "fileNotDownloadable", location="alt")
        return Resp(200, f.content or b"", {"Content-Type": f.mime_type})
    return _file_out(state, req, f)


def _order_key(spec: str):
    parts = [p.strip().split() for p in (spec or "").split(",") if p.strip()]
    if not parts:
        parts = [["modifiedTime", "desc"]]

    def keyfunc(f: DriveFile):
        out = []
        for part in parts:
            field, desc = part[0], len(part) > 1 and part[1].lower() == "desc"
            value: Any = {"name": f.name.lower(), "name_natural": f.name.lower(), "modifiedTime": f.modified,
                          "createdTime": f.created, "folder": 0 if f.is_folder else 1,
                          "starred": 0 if f.starred else 1, "recency": f.modified,
                          "quotaBytesUsed": len(f.content or b"")}.get(field)
            if value is None:
                raise drive_invalid("orderBy", f"Invalid orderBy: {spec}")
            if desc:
                value = _Desc(value)
            out.append(value)
        out.append(f.id)
        return tuple(out)

    return keyfunc


class _Desc:
    def __init__(self, value: Any):
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and other.value == self.value


def _page(req: Req, default: int = 100) -> tuple[int, int]:
    try:
        size = int(req.q("pageSize") or default)
    except ValueError as exc:
        raise drive_invalid("pageSize") from exc
    if not 1 <= size <= 1000:
        raise drive_invalid("pageSize")
    token = req.q("pageToken")
    offset = 0
    if token:
        try:
            offset = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
        except Exception as exc:
            raise drive_invalid("pageToken") from exc
    return size, offset


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def files_list(state: State, req: Req) -> Resp:
    corpora = req.q("corpora", "user")
    drive_id = req.q("driveId")
    include_all = req.flag("includeItemsFromAllDrives") or req.flag("includeTeamDriveItems")
    if corpora == "drive" or drive_id:
        if not drive_id or corpora != "drive":
            raise drive_invalid("corpora", "The driveId parameter must be specified with corpora=drive.")
        if not include_all or not supports_all_drives(req):
            raise drive_error(403, "The includeItemsFromAllDrives parameter must be set to true when driveId "
                                   "is specified.", "teamDrivesParameterRequired", location="includeItemsFromAllDrives")
        if drive_id not in state.drive.drives:
            raise drive_error(404, f"Shared drive not found: {drive_id}", "notFound", location="driveId")
    pred = compile_query(req.q("q"))
    env = QueryEnv(req.actor, state.drive.roles, lambda f: state.drive.shared_with_me(f, req.actor),
                   state.drive.root_id(req.actor))
    roots = set(state.drive.roots.values())
    found = []
    for f in state.drive.files.values():
        if f.id in roots or not visible(state, req, f):
            continue
        if f.drive_id and not include_all:
            continue
        if corpora == "drive" and f.drive_id != drive_id:
            continue
        if pred(f, env):
            found.append(f)
    found.sort(key=_order_key(req.q("orderBy", "")))
    size, offset = _page(req)
    page = found[offset:offset + size]
    full: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                            "files": [file_json(state.drive, f, req.actor) for f in page]}
    if offset + size < len(found):
        full["nextPageToken"] = _token(offset + size)
    if req.q("fields"):
        return Resp.json(select(full, req.q("fields"), ()))
    full["files"] = [select(item, None, DEFAULT_FILE_FIELDS) for item in full["files"]]
    return Resp.json({k: full[k] for k in ("nextPageToken", "kind", "incompleteSearch", "files") if k in full})


def files_update(state: State, req: Req) -> Resp:
    if req.q("uploadType") == "resumable":
        return start_resumable(state, req, req.params["fileId"])
    f = get_file(state, req, req.params["fileId"], min_rank=3)
    meta, media, media_type = _upload_parts(req)
    add = [p for p in (req.q("addParents") or "").split(",") if p]
    remove = [p for p in (req.q("removeParents") or "").split(",") if p]
    if add or remove:
        if f.drive_id and state.drive.rank(f, req.actor) < 4:  # shared drives: Content manager and up
            raise drive_insufficient_permissions()
        add = [_parent_ok(state, req, p) for p in add]
        parents = [p for p in f.parents if p not in remove] + [p for p in add if p not in f.parents]
        if len(parents) > 1:
            raise _one_parent_error()
        f.parents = parents
        new_drive = None
        if parents:
            parent_drive = state.drive.drives.get(parents[0])
            parent = state.drive.files.get(parents[0])
            new_drive = parent_drive.id if parent_drive else (parent.drive_id if parent else None)
        if new_drive != f.drive_id:
            f.drive_id = new_drive
            f.owners = [] if new_drive else [req.actor]
    if meta.get("name"):
        f.name = meta["name"]
        if f.mime_type == SPREADSHEET and f.id in state.sheets:
            state.sheets[f.id].properties["title"] = f.name
    if "trashed" in meta:
        if state.drive.rank(f, req.actor) < (4 if f.drive_id else 5):
            raise drive_insufficient_permissions()
        f.trashed = f.explicitly_trashed = bool(meta["trashed"])
    if meta.get("mimeType") and not f.mime_type.startswith(GOOGLE_APPS):
        f.mime_type = meta["mimeType"]
    _apply_metadata(f, meta)
    if media is not None:
        f.content = media
        if media_type and not meta.get("mimeType"):
            f.mime_type = media_type
    state.drive.touch(f, req.actor)
    return _file_out(state, req, f)


def files_delete(state: State, req: Req) -> Resp:
    f = get_file(state, req, req.params["fileId"])
    rank = state.drive.rank(f, req.actor)
    if rank < (4 if f.drive_id else 5):
        raise drive_insufficient_permissions()
    for removed in state.drive.delete(f):
        state.tombstones[removed.id] = removed
        state.sheets.pop(removed.id, None)
    return Resp.empty()


def files_copy(state: State, req: Req) -> Resp:
    f = get_file(state, req, req.params["fileId"])
    meta = req.json()
    parents = meta.get("parents") or [p for p in f.parents if p not in state.drive.roots.values()]
    copy_meta = {"name": meta.get("name") or f"Copy of {f.name}", "mimeType": f.mime_type, "parents": parents}
    new = create_file(state, req, copy_meta, f.content, f.mime_type) if f.mime_type != SPREADSHEET else None
    if new is None:
        new = state.drive.add_file(copy_meta["name"], SPREADSHEET, req.actor,
                                   [_parent_ok(state, req, p) for p in parents])
        state.copy_spreadsheet(f.id, new, req.actor)
    return _file_out(state, req, new)


def comments_list(state: State, req: Req) -> Resp:
    """The emulator keeps no comments: every visible file has an empty comment list."""
    get_file(state, req, req.params["fileId"])
    return Resp.json(select({"kind": "drive#commentList", "comments": []}, req.q("fields"), ("kind", "comments")))


# --- resumable uploads --------------------------------------------------------------------------

def start_resumable(state: State, req: Req, file_id: str | None) -> Resp:
    meta = req.json()
    if file_id is not None:
        get_file(state, req, file_id, min_rank=3)
    session = state.new_upload_session({"meta": meta, "file_id": file_id, "data": bytearray(),
                                        "type": req.headers.get("x-upload-content-type"),
                                        "query": req.qs(), "identity": req.identity})
    host = req.headers.get("host", "127.0.0.1")
    kept = urllib.parse.urlencode({k: v for k, v in req.qs().items() if k != "uploadType"})
    path = "/upload/drive/v3/files" + (f"/{file_id}" if file_id else "")
    # like Google, the session URI keeps the original query parameters
    location = f"http://{host}{path}?uploadType=resumable&{kept + '&' if kept else ''}upload_id={session}"
    return Resp(200, b"", {"Location": location, "X-GUploader-UploadID": session})


def resumable_chunk(state: State, req: Req) -> Resp:
    session = state.uploads.get(req.q("upload_id") or "")
    if session is None:
        return Resp.json({"error": {"code": 404, "message": "Upload session not found."}}, 404)
    crange = req.headers.get("content-range", "")
    total: int | None = None
    if crange.startswith("bytes "):
        spec, _, size = crange[6:].partition("/")
        total = int(size) if size.isdigit() else None
        if spec != "*":
            start = int(spec.split("-")[0])
            del session["data"][start:]
    session["data"] += req.body
    if total is None and not crange:
        total = len(session["data"])
    if total is None or len(session["data"]) < total:
        headers = {"Range": f"bytes=0-{len(session['data']) - 1}"} if session["data"] else {}
        return Resp(308, b"", headers)
    state.uploads.pop(req.q("upload_id") or "")
    inner = Req(req.method, req.path, {k: [v] for k, v in session["query"].items()}, req.headers,
                identity=session["identity"])
    media = bytes(session["data"])
    if session["file_id"] is None:
        f = create_file(state, inner, session["meta"], media, session["type"])
    else:
        f = get_file(state, inner, session["file_id"], min_rank=3)
        f.content = media
        if session["meta"].get("name"):
            f.name = session["meta"]["name"]
        state.drive.touch(f, inner.actor)
    return _file_out(state, inner, f)


# --- permissions --------------------------------------------------------------------------------

def permissions_create(state: State, req: Req) -> Resp:
    body = req.json()
    role, kind = body.get("role"), body.get("type")
    if role not in RANK:
        raise drive_required("permission.role") if not role else drive_invalid("permission.role")
    if kind not in ("user", "group", "domain", "anyone"):
        raise drive_required("permission.type") if not kind else drive_invalid("permission.type")
    email = body.get("emailAddress") or ""
    if kind in ("user", "group") and not email:
        raise drive_required("permission.emailAddress")
    target_id = req.params["fileId"]
    drive = state.drive.drives.get(target_id)
    perm = state.drive.user_permission(email or kind, role, kind)
    if kind in ("domain", "anyone"):
        perm.pop("emailAddress")
        perm["id"] = kind if kind == "anyone" else f"{body.get('domain')}"
    if drive is not None:
        state.require_drive_member(req, drive, organizer=True)
        drive.members = [m for m in drive.members if m.get("emailAddress", "").lower() != email.lower()] + [perm]
        return Resp.json(select(perm, req.q("fields"), DEFAULT_PERMISSION_FIELDS))
    f = get_file(state, req, target_id, min_rank=3)
    if role == "owner":
        if not req.flag("transferOwnership"):
            raise drive_error(403, "The transferOwnership parameter must be enabled when the permission role "
                                   "is 'owner'.", "forbidden", location="transferOwnership")
        for p in f.permissions:
            if p["role"] == "owner":
                p["role"] = "writer"
        f.owners = [email]
    f.permissions = [p for p in f.permissions if p.get("id") != perm["id"]] + [perm]
    state.drive.touch(f, req.actor)
    return Resp.json(select(perm, req.q("fields"), DEFAULT_PERMISSION_FIELDS))


def permissions_list(state: State, req: Req) -> Resp:
    drive = state.drive.drives.get(req.params["fileId"])
    if drive is not None:
        state.require_drive_member(req, drive)
        perms = drive.members
    else:
        perms = get_file(state, req, req.params["fileId"]).permissions
    full = {"kind": "drive#permissionList", "permissions": [dict(p) for p in perms]}
    if req.q("fields"):
        return Resp.json(select(full, req.q("fields"), ()))
    full["permissions"] = [select(p, None, DEFAULT_PERMISSION_FIELDS) for p in full["permissions"]]
    return Resp.json(full)


def permissions_delete(state: State, req: Req) -> Resp:
    f = get_file(state, req, req.params["fileId"], min_rank=3)
    before = len(f.permissions)
    f.permissions = [p for p in f.permissions if p["id"] != req.params["permissionId"] or p["role"] == "owner"]
    if len(f.permissions) == before:
        raise drive_error(404, f"Permission not found: {req.params['permissionId']}.", "notFound",
                          location="permissionId")
    state.drive.touch(f, req.actor)
    return Resp.empty()


# --- changes ------------------------------------------------------------------------------------

def changes_start(state: State, req: Req) -> Resp:
    return Resp.json({"kind": "drive#startPageToken", "startPageToken": str(state.drive.next_seq)})


def changes_list(state: State, req: Req) -> Resp:
    token = req.q("pageToken")
    if not token:
        raise drive_required("pageToken")
    try:
        start = int(token)
    except ValueError as exc:
        raise drive_invalid("pageToken") from exc
    size = int(req.q("pageSize") or 100)
    include_all = req.flag("includeItemsFromAllDrives") or req.flag("includeTeamDriveItems")
    include_removed = req.q("includeRemoved", "true") in ("true", "True")
    drive_id = req.q("driveId")
    latest: dict[str, Any] = {}
    for change in state.drive.changes:
        if change.seq >= start:
            latest.pop(change.file_id, None)
            latest[change.file_id] = change
    entries = []
    for change in latest.values():
        f = state.drive.files.get(change.file_id)
        gone = f is None
        record = f or state.tombstones.get(change.file_id)
        if record is None:
            continue
        if record.drive_id and not (include_all and supports_all_drives(req)):
            continue
        if drive_id and record.drive_id != drive_id:
            continue
        allowed = state.drive.rank(f, req.actor) >= 1 if f is not None else state.had_access(record, req.actor)
        if not allowed:
            continue
        item: dict[str, Any] = {"kind": "drive#change", "changeType": "file", "type": "file",
                                "time": rfc3339(change.time), "removed": gone, "fileId": change.file_id}
        if not gone:
            item["file"] = file_json(state.drive, f, req.actor)
        elif not include_removed:
            continue
        entries.append((change.seq, item))
    page, rest = entries[:size], entries[size:]
    full: dict[str, Any] = {"kind": "drive#changeList", "changes": [item for _, item in page]}
    if rest:
        full["nextPageToken"] = str(rest[0][0])
    else:
        full["newStartPageToken"] = str(state.drive.next_seq)
    if req.q("fields"):
        return Resp.json(select(full, req.q("fields"), ()))
    for item in full["changes"]:
        if "file" in item:
            item["file"] = select(item["file"], None, DEFAULT_FILE_FIELDS)
    return Resp.json(full)


# --- shared drives ------------------------------------------------------------------------------

def drives_create(state: State, req: Req) -> Resp:
    request_id = req.q("requestId")
    if not request_id:
        raise drive_required("requestId")
    existing = state.drive_requests.get(request_id)
    drive = state.drive.drives.get(existing) if existing else None
    if drive is None:
        drive = state.drive.create_drive(req.json().get("name") or "Untitled", req.actor)
        state.drive_requests[request_id] = drive.id
    return Resp.json(select(drive_json(drive), req.q("fields"), ("kind", "id", "name")))


def drives_get(state: State, req: Req) -> Resp:
    drive = state.drive.drives.get(req.params["driveId"])
    if drive is None:
        raise drive_error(404, f"Shared drive not found: {req.params['driveId']}", "notFound", location="driveId")
    state.require_drive_member(req, drive)
    return Resp.json(select(drive_json(drive), req.q("fields"), ("kind", "id", "name")))


def drives_list(state: State, req: Req) -> Resp:
    mine = [d for d in state.drive.drives.values()
            if any(m["emailAddress"].lower() == req.actor.lower() for m in d.members)]
    full = {"kind": "drive#driveList", "drives": [drive_json(d) for d in mine]}
    if req.q("fields"):
        return Resp.json(select(full, req.q("fields"), ()))
    full["drives"] = [select(d, None, ("kind", "id", "name")) for d in full["drives"]]
    return Resp.json(full)
