"""Drive state: files, folders, shared drives, permissions and the changes feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
GOOGLE_APPS = "application/vnd.google-apps."
RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 5}


def rfc3339(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def parse_time(text: str) -> float:
    text = text.strip().replace("Z", "+00:00")
    when = dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return round(when.timestamp(), 3)


def permission_id(email: str) -> str:
    return str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:16], 16) % 10**20).zfill(20)


def user_json(email: str, viewer: str) -> dict[str, Any]:
    return {"kind": "drive#user", "displayName": email.split("@")[0], "me": email.lower() == viewer.lower(),
            "permissionId": permission_id(email), "emailAddress": email}


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    owners: list[str]
    created: float
    modified: float
    drive_id: str | None = None
    version: int = 1
    content: bytes | None = None
    trashed: bool = False
    explicitly_trashed: bool = False
    starred: bool = False
    description: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    app_properties: dict[str, str] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    last_modifying_user: str | None = None
    original_filename: str | None = None

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER

    @property
    def md5(self) -> str | None:
        if self.content is None or self.mime_type.startswith(GOOGLE_APPS):
            return None
        return hashlib.md5(self.content).hexdigest()


@dataclass
class SharedDrive:
    id: str
    name: str
    created: float
    members: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Change:
    seq: int
    file_id: str
    time: float
    drive_id: str | None


class DriveStore:
    def __init__(self, rng: random.Random):
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, SharedDrive] = {}
        self.changes: list[Change] = []
        self.next_seq = 1000
        self.rng = rng
        self._last_ts = 0.0
        self._lock = threading.RLock()
        self.roots: dict[str, str] = {}

    # --- ids & clock -------------------------------------------------------------------------
    def now(self) -> float:
        ts = max(time.time(), self._last_ts + 0.001)
        self._last_ts = ts
        return ts

    def new_id(self, length: int = 33, prefix: str = "1") -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        while True:
            candidate = prefix + "".join(self.rng.choice(alphabet) for _ in range(length - len(prefix)))
            if candidate not in self.files and candidate not in self.drives:
                return candidate

    def root_id(self, email: str) -> str:
        """Each user's My Drive root folder ("root" alias)."""
        key = email.lower()
        if key not in self.roots:
            root = DriveFile(self.new_id(19, "0A"), "My Drive", FOLDER, [], [email], self.now(), self.now())
            root.permissions.append(self.user_permission(email, "owner"))
            self.files[root.id] = root
            self.roots[key] = root.id
        return self.roots[key]

    # --- permissions -------------------------------------------------------------------------
    @staticmethod
    def user_permission(email: str, role: str, kind: str = "user") -> dict[str, Any]:
        perm: dict[str, Any] = {"kind": "drive#permission", "id": permission_id(email), "type": kind,
                                "emailAddress": email, "role": role, "displayName": email.split("@")[0]}
        if role == "owner":
            perm["deleted"] = False
        return perm

    def roles(self, f: DriveFile) -> dict[str, str]:
        """email -> best role on the file, including inherited folder and shared-drive roles."""
        found: dict[str, str] = {}
        seen: set[str] = set()
        stack = [f]
        while stack:
            item = stack.pop()
            if item.id in seen:
                continue
            seen.add(item.id)
            for perm in item.permissions:
                key = perm.get("emailAddress", perm.get("type", "")).lower()
                if perm.get("type") == "anyone":
                    key = "anyone"
                if RANK.get(perm["role"], 0) > RANK.get(found.get(key, ""), 0):
                    found[key] = perm["role"]
            stack += [self.files[p] for p in item.parents if p in self.files]
        if f.drive_id and f.drive_id in self.drives:
            for perm in self.drives[f.drive_id].members:
                key = perm["emailAddress"].lower()
                if RANK.get(perm["role"], 0) > RANK.get(found.get(key, ""), 0):
                    found[key] = perm["role"]
        return found

    def rank(self, f: DriveFile, email: str) -> int:
        roles = self.roles(f)
        return max(RANK.get(roles.get(email.lower(), ""), 0), RANK.get(roles.get("anyone", ""), 0))

    def owners_of(self, f: DriveFile) -> set[str]:
        """Who counts as owner for protection purposes (owner, or shared-drive organizers)."""
        owners = {o.lower() for o in f.owners}
        if f.drive_id and f.drive_id in self.drives:
            owners |= {p["emailAddress"].lower() for p in self.drives[f.drive_id].members if p["role"] == "organizer"}
        return owners

    def shared_with_me(self, f: DriveFile, email: str) -> bool:
        return email.lower() not in {o.lower() for o in f.owners} and any(
            p.get("emailAddress", "").lower() == email.lower() for p in f.permissions)

    # --- mutations ---------------------------------------------------------------------------
    def add_file(self, name: str, mime_type: str, creator: str, parents: list[str] | None,
                 content: bytes | None = None, file_id: str | None = None) -> DriveFile:
        ts = self.now()
        parents = list(parents or [])
        drive_id = None
        if parents:
            parent_drive = self.drives.get(parents[0])
            parent_file = self.files.get(parents[0])
            drive_id = parent_drive.id if parent_drive else (parent_file.drive_id if parent_file else None)
        else:
            parents = [self.root_id(creator)]
        f = DriveFile(file_id or self.new_id(44 if mime_type.startswith(GOOGLE_APPS) and mime_type != FOLDER else 33),
                      name, mime_type, parents, [] if drive_id else [creator], ts, ts, drive_id=drive_id,
                      content=content, last_modifying_user=creator)
        if not drive_id:
            f.permissions.append(self.user_permission(creator, "owner"))
        self.files[f.id] = f
        self.record(f)
        return f

    def touch(self, f: DriveFile, user: str | None = None) -> None:
        f.version += 1
        f.modified = self.now()
        if user:
            f.last_modifying_user = user
        self.record(f)

    def record(self, f: DriveFile) -> None:
        self.changes.append(Change(self.next_seq, f.id, self.now(), f.drive_id))
        self.next_seq += 1

    def delete(self, f: DriveFile) -> list[DriveFile]:
        removed = [f]
        for child in [c for c in self.files.values() if f.id in c.parents]:
            removed += self.delete(child)
        self.files.pop(f.id, None)
        self.record(f)
        return removed

    def create_drive(self, name: str, organizer: str) -> SharedDrive:
        drive = SharedDrive(self.new_id(19, "0A"), name, self.now())
        drive.members.append(self.user_permission(organizer, "organizer"))
        self.drives[drive.id] = drive
        return drive
