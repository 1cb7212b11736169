"""Drive JSON resources (files, permissions, drives, changes) and upload-body parsing."""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any

from . import fieldmask
from .drive_store import (
    FOLDER,
    GOOGLE_APPS,
    SPREADSHEET,
    DriveFile,
    DriveStore,
    SharedDrive,
    rfc3339,
    user_json,
)
from .errors import drive_invalid

DEFAULT_FILE_FIELDS = ("kind", "id", "name", "mimeType", "driveId", "teamDriveId")
DEFAULT_PERMISSION_FIELDS = ("kind", "id", "type", "role")


def web_view_link(f: DriveFile) -> str:
    if f.mime_type == FOLDER:
        return f"https://drive.google.com/drive/folders/{f.id}"
    if f.mime_type == SPREADSHEET:
        return f"https://docs.google.com/spreadsheets/d/{f.id}/edit?usp=drivesdk"
    return f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"


def file_json(store: DriveStore, f: DriveFile, viewer: str) -> dict[str, Any]:
    """The full file resource (what ``fields=*`` returns, give or take rarely used fields)."""
    rank = store.rank(f, viewer)
    out: dict[str, Any] = {
        "kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mime_type,
        "starred": f.starred, "trashed": f.trashed, "explicitlyTrashed": f.explicitly_trashed,
        "parents": list(f.parents), "spaces": ["drive"], "version": str(f.version),
        "webViewLink": web_view_link(f),
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{f.mime_type}",
        "hasThumbnail": False, "viewedByMe": True,
        "createdTime": rfc3339(f.created), "modifiedTime": rfc3339(f.modified),
        "shared": len(f.permissions) > 1 or bool(f.drive_id),
        "ownedByMe": viewer.lower() in {o.lower() for o in f.owners},
        "capabilities": {"canEdit": rank >= 3, "canComment": rank >= 2, "canShare": rank >= 3,
                         "canDelete": rank >= (4 if f.drive_id else 5),
                         "canDownload": True, "canRename": rank >= 3,
                         "canAddChildren": f.is_folder and rank >= 3, "canTrash": rank >= (4 if f.drive_id else 5),
                         "canMoveItemWithinDrive": rank >= 3},
        "permissionIds": [p["id"] for p in f.permissions],
        "quotaBytesUsed": str(len(f.content or b"")),
    }
    if f.drive_id:
        out["driveId"] = f.drive_id
        out["teamDriveId"] = f.drive_id
    else:
        out["owners"] = [user_json(o, viewer) for o in f.owners]
        if rank >= 3:
            out["permissions"] = [dict(p) for p in f.permissions]
    if f.last_modifying_user:
        out["lastModifyingUser"] = user_json(f.last_modifying_user, viewer)
    if f.description is not None:
        out["description"] = f.description
    if f.properties:
        out["properties"] = dict(f.properties)
    if f.app_properties:
        out["appProperties"] = dict(f.app_properties)
    if f.content is not None and not f.mime_type.startswith(GOOGLE_APPS):
        out["size"] = str(len(f.content))
        out["md5Checksum"] = f.md5
        out["headRevisionId"] = f"0B{f.version:09d}"
        out["originalFilename"] = f.original_filename or f.name
        if "." in f.name:
            out["fileExtension"] = out["fullFileExtension"] = f.name.rsplit(".", 1)[1]
    return out


def select(resource: dict[str, Any], fields: str | None, defaults: tuple[str, ...]) -> dict[str, Any]:
    if fields:
        try:
            mask = fieldmask.parse(fields)
        except ValueError as exc:
            raise drive_invalid("fields", "Invalid field selection " + fields) from exc
        return fieldmask.apply(resource, mask)
    return {k: resource[k] for k in defaults if k in resource}


def drive_json(drive: SharedDrive) -> dict[str, Any]:
    return {"kind": "drive#drive", "id": drive.id, "name": drive.name, "createdTime": rfc3339(drive.created),
            "hidden": False, "capabilities": {"canAddChildren": True}}


# --- uploads ------------------------------------------------------------------------------------

def parse_multipart_related(content_type: str, body: bytes) -> tuple[dict[str, Any], bytes, str | None]:
    """(metadata, media bytes, media content type) from a multipart/related upload body."""
    raw = b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not message.is_multipart():
        raise drive_invalid("uploadType", "Bad multipart upload body.")
    parts = list(message.iter_parts())
    if len(parts) != 2:
        raise drive_invalid("uploadType", "Multipart upload must have 2 parts.")
    metadata = json.loads(parts[0].get_payload(decode=True) or b"{}")
    media = parts[1].get_payload(decode=True) or b""
    return metadata, media, parts[1].get_content_type()
