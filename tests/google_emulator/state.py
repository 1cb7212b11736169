"""All emulated Google state in one object, shared by the HTTP handlers and the test helpers."""

from __future__ import annotations

import copy
import random
import secrets
import threading
from typing import Any

from .auth import Authority
from .drive_store import SPREADSHEET, DriveFile, DriveStore, SharedDrive
from .errors import drive_error, not_a_spreadsheet, not_found, permission_denied
from .httpmsg import Req
from .sheets_resource import default_properties
from .spreadsheet import Spreadsheet


class State:
    def __init__(self, seed: int = 20240501):
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.authority = Authority()
        self.drive = DriveStore(self.rng)
        self.sheets: dict[str, Spreadsheet] = {}
        self.tombstones: dict[str, DriveFile] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.drive_requests: dict[str, str] = {}
        self.sent_mail: list[dict[str, Any]] = []

    # --- spreadsheets ------------------------------------------------------------------------
    def new_spreadsheet_for(self, f: DriveFile, creator: str, rows: list[list[str]] | None = None,
                            sheet_title: str = "Sheet1") -> Spreadsheet:
        ss = Spreadsheet(f.id, default_properties(f.name), creator=creator,
                         rng=random.Random(self.rng.random()))
        sheet = ss.add_sheet(sheet_title, sheet_id=0)
        if rows:
            sheet.ensure_size(len(rows), max(len(r) for r in rows))
            from .cells import enter

            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value != "":
                        cell = sheet.cell(r, c)
                        enter(cell, value, user_entered=True)
            sheet.props["title"] = f.name
        self.sheets[f.id] = ss
        return ss

    def copy_spreadsheet(self, source_id: str, new_file: DriveFile, actor: str) -> Spreadsheet:
        source = self.sheets[source_id]
        ss = Spreadsheet(new_file.id, copy.deepcopy(source.properties), copy.deepcopy(source.sheets),
                         copy.deepcopy(source.named_ranges), copy.deepcopy(source.metadata), creator=actor,
                         rng=random.Random(self.rng.random()))
        ss.properties["title"] = new_file.name
        self.sheets[new_file.id] = ss
        return ss

    def spreadsheet(self, req: Req, spreadsheet_id: str, write: bool = False) -> tuple[Spreadsheet, DriveFile]:
        """Sheets API access rules: 404 unknown, 403 not shared (or read-only for a write)."""
        ss = self.sheets.get(spreadsheet_id)
        f = self.drive.files.get(spreadsheet_id)
        if f is None:
            raise not_found()
        rank = self.drive.rank(f, req.actor)
        if rank < 1 or (write and rank < 3):
            raise permission_denied()
        if ss is None or f.mime_type != SPREADSHEET:
            raise not_a_spreadsheet()
        return ss, f

    def owners(self, f: DriveFile) -> set[str]:
        return self.drive.owners_of(f)

    def spreadsheet_written(self, f: DriveFile, actor: str) -> None:
        ss = self.sheets.get(f.id)
        if ss is not None and ss.properties.get("title") and f.name != ss.properties["title"]:
            f.name = ss.properties["title"]
        self.drive.touch(f, actor)

    # --- drive helpers -----------------------------------------------------------------------
    def had_access(self, record: DriveFile, email: str) -> bool:
        return self.drive.rank(record, email) >= 1

    def require_drive_member(self, req: Req, drive: SharedDrive, organizer: bool = False) -> None:
        member = next((m for m in drive.members if m["emailAddress"].lower() == req.actor.lower()), None)
        if member is None:
            raise drive_error(404, f"Shared drive not found: {drive.id}", "notFound", location="driveId")
        if organizer and member["role"] != "organizer":
            raise drive_error(403, "The user does not have sufficient permissions for this file.",
                              "insufficientFilePermissions")

    def new_upload_session(self, data: dict[str, Any]) -> str:
        session = secrets.token_urlsafe(16)
        self.uploads[session] = data
        return session
