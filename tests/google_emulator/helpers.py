"""Python-side helpers on the emulator: set up accounts, files and sheets; inspect state.

These bypass HTTP (nothing is logged) but follow the same rules as the API where it matters.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import a1
from .cells import enter, formatted, render
from .drive_store import FOLDER, SPREADSHEET, DriveFile
from .errors import ApiError, drive_file_not_found, drive_insufficient_permissions
from .sheets_values import rect_values
from .spreadsheet import Spreadsheet

if TYPE_CHECKING:
    from .persons import Person
    from .state import State


class HelperMixin:
    state: State

    # --- files & sharing ---------------------------------------------------------------------
    def _parent(self, parent: str | None, user: str) -> list[str] | None:
        if parent is None:
            return None
        if parent in self.state.drive.drives:
            return [parent]
        f = self.state.drive.files.get(parent)
        if f is None or f.mime_type != FOLDER:
            raise drive_file_not_found(parent)
        if self.state.drive.rank(f, user) < 3:
            raise drive_insufficient_permissions()
        return [parent]

    def create_spreadsheet(self, title: str, owner: str, *, sheets: list[Any] | None = None,
                           values: dict[str, list[list[Any]]] | None = None, user_entered: bool = False,
                           shared_with: dict[str, str] | None = None, parent: str | None = None,
                           locale: str | None = None, time_zone: str | None = None) -> str:
        """Create a spreadsheet owned by ``owner`` (like files.create). ``sheets``: titles or
        (title, rows, cols); ``values``: {sheet title: rows}; ``shared_with``: {email: role};
        ``locale``/``time_zone``: as File > Settings sets them (an office in Indonesia: "id_ID",
        "Asia/Jakarta"; default as the recorded API-created spreadsheets: "en_US", "Etc/GMT")."""
        with self.state.lock:
            f = self.state.drive.add_file(title, SPREADSHEET, owner, self._parent(parent, owner))
            ss = self.state.new_spreadsheet_for(f, owner)
            if locale:
                ss.properties["locale"] = locale
            if time_zone:
                ss.properties["timeZone"] = time_zone
            specs = sheets or ["Sheet1"]
            ss.sheets.clear()
            for i, spec in enumerate(specs):
                name, rows, cols = (spec, 1000, 26) if isinstance(spec, str) else spec
                ss.add_sheet(name, rows, cols, sheet_id=0 if i == 0 else None)
            for sheet_title, rows in (values or {}).items():
                sheet = ss.sheet_by_title(sheet_title)
                if sheet is None:
                    raise KeyError(f"no sheet {sheet_title!r}")
                sheet.ensure_size(len(rows), max((len(r) for r in rows), default=0))
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        if value not in (None, ""):
                            cell = sheet.cell(r, c)
                            enter(cell, value, user_entered, ss.locale)
            for email, role in (shared_with or {}).items():
                self.share(f.id, email, role)
            return f.id

    def create_folder(self, name: str, owner: str, *, parent: str | None = None,
                      shared_with: dict[str, str] | None = None) -> str:
        with self.state.lock:
            f = self.state.drive.add_file(name, FOLDER, owner, self._parent(parent, owner))
            for email, role in (shared_with or {}).items():
                self.share(f.id, email, role)
            return f.id

    def create_shared_drive(self, name: str, organizer: str, members: dict[str, str] | None = None) -> str:
        with self.state.lock:
            drive = self.state.drive.create_drive(name, organizer)
            for email, role in (members or {}).items():
                self.share(drive.id, email, role)
            return drive.id

    def share(self, file_id: str, email: str, role: str = "writer") -> str:
        """Give ``email`` a role on a file, folder or shared drive; returns the permission id."""
        with self.state.lock:
            store = self.state.drive
            perm = store.user_permission(email, role)
            drive = store.drives.get(file_id)
            if drive is not None:
                drive.members = [m for m in drive.members if m["emailAddress"].lower() != email.lower()] + [perm]
                return perm["id"]
            f = store.files[file_id]
            f.permissions = [p for p in f.permissions if p["id"] != perm["id"]] + [perm]
            store.touch(f)
            return perm["id"]

    def unshare(self, file_id: str, email: str) -> None:
        with self.state.lock:
            f = self.state.drive.files[file_id]
            f.permissions = [p for p in f.permissions if p.get("emailAddress", "").lower() != email.lower()]
            self.state.drive.touch(f)

    def upload_file(self, folder_id: str, name: str, content: bytes, user: str,
                    mime_type: str = "application/octet-stream") -> str:
        """``user`` uploads a file into a folder (checked: they need edit rights there)."""
        with self.state.lock:
            f = self.state.drive.add_file(name, mime_type, user, self._parent(folder_id, user), content)
            f.original_filename = name
            return f.id

    def drive_file(self, file_id: str) -> DriveFile:
        return self.state.drive.files[file_id]

    def files_in(self, folder_id: str, include_trashed: bool = False) -> list[DriveFile]:
        return sorted((f for f in self.state.drive.files.values()
                       if folder_id in f.parents and (include_trashed or not f.trashed)), key=lambda f: f.name)

    def file_content(self, file_id: str) -> bytes:
        return self.state.drive.files[file_id].content or b""

    # --- sheets inspection -------------------------------------------------------------------
    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.state.sheets[spreadsheet_id]

    def values(self, spreadsheet_id: str, range_a1: str | None = None,
               render_option: str = "FORMATTED_VALUE") -> list[list[Any]]:
        """What values.get would answer (trailing empties trimmed), without a request."""
        with self.state.lock:
            ss = self.state.sheets[spreadsheet_id]
            text = range_a1 or a1.quote_title(ss.sheets[0].title)
            sheet, bounds = ss.resolve(text)
            rect = bounds.clipped(sheet.rows, sheet.cols)
            return rect_values(sheet, rect, "ROWS", render_option, "SERIAL_NUMBER", ss.locale).get("values", [])

    def cell(self, spreadsheet_id: str, a1_ref: str, render_option: str = "FORMATTED_VALUE") -> Any:
        with self.state.lock:
            ss = self.state.sheets[spreadsheet_id]
            sheet, bounds = ss.resolve(a1_ref)
            cell = sheet.get(bounds.r0 or 0, bounds.c0 or 0)
            if render_option == "FORMATTED_VALUE":
                return formatted(cell, ss.locale) if cell else ""
            return render(cell, render_option, locale=ss.locale)

    def note(self, spreadsheet_id: str, a1_ref: str) -> str | None:
        with self.state.lock:
            sheet, bounds = self.state.sheets[spreadsheet_id].resolve(a1_ref)
            cell = sheet.get(bounds.r0 or 0, bounds.c0 or 0)
            return cell.note if cell else None

    def protected_ranges(self, spreadsheet_id: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return [copy.deepcopy(p) for s in self.state.sheets[spreadsheet_id].sheets for p in s.protected]

    def protect(self, spreadsheet_id: str, range_a1: str, editors: list[str] | None = None, *,
                description: str | None = None, warning_only: bool = False) -> int:
        """Protect a range directly (as the owner would in the UI); returns protectedRangeId."""
        with self.state.lock:
            ss = self.state.sheets[spreadsheet_id]
            sheet, bounds = ss.resolve(range_a1)
            rng: dict[str, Any] = {"sheetId": sheet.sheet_id}
            for key, value in (("startRowIndex", bounds.r0), ("endRowIndex", bounds.r1),
                               ("startColumnIndex", bounds.c0), ("endColumnIndex", bounds.c1)):
                if value is not None:
                    rng[key] = value
            pid = ss.rng.randrange(1, 2**31 - 1)
            prot: dict[str, Any] = {"protectedRangeId": pid, "range": rng,
                                    "editors": {"users": list(editors or [])}}
            if description:
                prot["description"] = description
            if warning_only:
                prot["warningOnly"] = True
            sheet.protected.append(prot)
            return pid

    # --- people & mail -----------------------------------------------------------------------
    def as_person(self, email: str) -> Person:
        from .persons import Person

        return Person(self, email)

    @property
    def sent_messages(self) -> list[dict[str, Any]]:
        return list(self.state.sent_mail)


__all__ = ["HelperMixin", "ApiError"]  # ApiError: what helpers raise, like the API would answer
