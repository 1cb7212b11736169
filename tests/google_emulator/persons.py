"""Edits made by a person in the Sheets UI, with the checks the UI applies.

A person needs edit access to the file (else 403 as the API would say), may not touch protected
cells they are not an editor of (Google's 400 "You are trying to edit a protected cell..."), and
typing into a strict dropdown (ONE_OF_LIST) a value not in the list is refused
(``PersonEditRejected``). Values are typed, i.e. parsed like USER_ENTERED unless ``raw=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import a1
from .cells import Cell, enter, formatted
from .errors import permission_denied
from .sheets_values import EditContext, write_matrix
from .spreadsheet import ROWS, Sheet, Spreadsheet, transaction

if TYPE_CHECKING:
    from .server import GoogleEmulator


class PersonEditRejected(Exception):
    """The Sheets UI would refuse this edit (e.g. a strict dropdown)."""


def _allowed_values(cell: Cell | None) -> list[str] | None:
    rule = cell.validation if cell else None
    if not rule or not rule.get("strict"):
        return None
    condition = rule.get("condition") or {}
    if condition.get("type") != "ONE_OF_LIST":
        return None
    return [str(v.get("userEnteredValue", "")) for v in condition.get("values") or []]


class Person:
    def __init__(self, emulator: GoogleEmulator, email: str):
        self.emulator = emulator
        self.email = email

    def __repr__(self) -> str:
        return f"Person({self.email!r})"

    # --- plumbing ----------------------------------------------------------------------------
    def _edit(self, spreadsheet_id: str, action) -> Any:
        state = self.emulator.state
        with state.lock:
            ss = state.sheets.get(spreadsheet_id)
            f = state.drive.files.get(spreadsheet_id)
            if ss is None or f is None or state.drive.rank(f, self.email) < 3:
                raise permission_denied()
            ctx = EditContext(ss, self.email, state.owners(f))
            result = transaction(ss, lambda: action(ctx, ss))
            state.spreadsheet_written(f, self.email)
            return result

    @staticmethod
    def _sheet(ss: Spreadsheet, sheet: str | None) -> Sheet:
        if sheet is None:
            return ss.sheets[0]
        found = ss.sheet_by_title(sheet)
        if found is None:
            raise KeyError(f"no sheet {sheet!r}")
        return found

    def _locate(self, ss: Spreadsheet, where: Any, sheet: str | None, header_row: int) -> tuple[Sheet, int, int]:
        if isinstance(where, tuple):
            row, header = where
            target = self._sheet(ss, sheet)
            col = self._column(target, header, header_row)
            return target, row - 1, col
        text = where if "!" in where or sheet is None else f"{a1.quote_title(sheet)}!{where}"
        target, bounds = ss.resolve(text)
        return target, bounds.r0 or 0, bounds.c0 or 0

    @staticmethod
    def _column(sheet: Sheet, header: str, header_row: int = 1) -> int:
        """A column by its header text, or by its letter ("C") when no header has that text."""
        for c in range(sheet.cols):
            cell = sheet.get(header_row - 1, c)
            if cell is not None and formatted(cell) == header:
                return c
        if header.isalpha() and header.isupper() and len(header) <= 3:
            return a1.col_index(header)
        raise KeyError(f"no column headed {header!r} in {sheet.title!r}")

    def _type_into(self, ctx: EditContext, sheet: Sheet, r: int, c: int, value: Any, raw: bool) -> None:
        allowed = _allowed_values(sheet.get(r, c))
        if allowed is not None and value not in (None, "") and str(value) not in allowed:
            raise PersonEditRejected(f"Input must be an item on the specified list: {value!r}")
        write_matrix(ctx, sheet, r, c, [["" if value is None else value]], user_entered=not raw)

    # --- edits -------------------------------------------------------------------------------
    def set_cell(self, spreadsheet_id: str, where: Any, value: Any, *, sheet: str | None = None,
                 header_row: int = 1, raw: bool = False) -> None:
        """Type ``value`` into a cell: ``where`` is "B5", "'Register'!B5" or (row, "Header")."""
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target, r, c = self._locate(ss, where, sheet, header_row)
            self._type_into(ctx, target, r, c, value, raw)

        self._edit(spreadsheet_id, action)

    def set_cells(self, spreadsheet_id: str, updates: dict[Any, Any], *, sheet: str | None = None,
                  header_row: int = 1, raw: bool = False) -> None:
        """Several cells at once (all or nothing), e.g. a paste."""
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            for where, value in updates.items():
                target, r, c = self._locate(ss, where, sheet, header_row)
                self._type_into(ctx, target, r, c, value, raw)

        self._edit(spreadsheet_id, action)

    def clear_cell(self, spreadsheet_id: str, where: Any, *, sheet: str | None = None) -> None:
        self.set_cell(spreadsheet_id, where, "", sheet=sheet)

    def set_note(self, spreadsheet_id: str, where: Any, note: str | None, *, sheet: str | None = None) -> None:
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target, r, c = self._locate(ss, where, sheet, 1)
            ctx.check_cells(target, [(r, r + 1, c, c + 1)])
            cell = target.cell(r, c)
            cell.note = note or None
            target.put(r, c, cell)

        self._edit(spreadsheet_id, action)

    def sort(self, spreadsheet_id: str, sheet: str, column: str, *, ascending: bool = True,
             header_rows: int = 1) -> None:
        """Data > Sort range (rows below the header) by a column given by header text or letter."""
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target = self._sheet(ss, sheet)
            col = self._column(target, column, header_rows)
            last_r, last_c = target.value_extent((header_rows, target.rows, 0, target.cols))
            rect = (header_rows, max(last_r, header_rows), 0, max(last_c, col + 1))
            ctx.check_cells(target, [rect])
            target.sort(rect, [{"dimensionIndex": col, "sortOrder": "ASCENDING" if ascending else "DESCENDING"}])

        self._edit(spreadsheet_id, action)

    def insert_rows(self, spreadsheet_id: str, sheet: str, before_row: int, count: int = 1,
                    values: list[list[Any]] | None = None) -> None:
        """Insert ``count`` empty rows so that they become rows ``before_row``.. (1-based)."""
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target = self._sheet(ss, sheet)
            start = before_row - 1
            ctx.check_insert(target, ROWS, start)
            target.insert(ss, ROWS, start, count)
            if values:
                write_matrix(ctx, target, start, 0, values, user_entered=True)

        self._edit(spreadsheet_id, action)

    def delete_rows(self, spreadsheet_id: str, sheet: str, row: int, count: int = 1) -> None:
        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target = self._sheet(ss, sheet)
            ctx.check_delete(target, ROWS, row - 1, row - 1 + count)
            target.delete(ss, ROWS, row - 1, row - 1 + count)

        self._edit(spreadsheet_id, action)

    def append_row(self, spreadsheet_id: str, sheet: str, values: list[Any] | dict[str, Any], *,
                   header_row: int = 1, raw: bool = False) -> int:
        """Type a new row under the last used one; ``values`` as a list or {header: value}.
        Returns the 1-based row number written."""
        result: dict[str, int] = {}

        def action(ctx: EditContext, ss: Spreadsheet) -> None:
            target = self._sheet(ss, sheet)
            last_r, _ = target.value_extent((0, target.rows, 0, target.cols))
            row = max(last_r, header_row)
            if isinstance(values, dict):
                cells = {self._column(target, h, header_row): v for h, v in values.items()}
            else:
                cells = dict(enumerate(values))
            target.ensure_size(row + 1, max(cells, default=0) + 1)
            for c, value in cells.items():
                self._type_into(ctx, target, row, c, value, raw)
            result["row"] = row + 1

        self._edit(spreadsheet_id, action)
        return result["row"]

    def upload_file(self, folder_id: str, name: str, content: bytes,
                    mime_type: str = "application/octet-stream") -> str:
        return self.emulator.upload_file(folder_id, name, content, self.email, mime_type)


__all__ = ["Person", "PersonEditRejected", "enter"]
