"""In-memory spreadsheet: sheets, cells and the objects anchored to grid ranges.

Everything anchored to rows/columns (protected ranges, merges, named ranges, filters, groups,
conditional formats, developer metadata, dimension properties) moves with insert/delete.
"""

from __future__ import annotations

import copy
import functools
import random
from dataclasses import dataclass, field
from typing import Any

from . import a1
from .cells import Cell
from .errors import ApiError, invalid_argument, unable_to_parse_range

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
ROWS, COLUMNS = "ROWS", "COLUMNS"
Rect = tuple[int, int, int, int]  # r0, r1, c0, c1 (end-exclusive)


def range_rect(rng: dict[str, Any], rows: int, cols: int) -> Rect:
    r0 = rng.get("startRowIndex") or 0
    c0 = rng.get("startColumnIndex") or 0
    r1 = rng["endRowIndex"] if rng.get("endRowIndex") is not None else rows
    c1 = rng["endColumnIndex"] if rng.get("endColumnIndex") is not None else cols
    return r0, r1, c0, c1


def rects_intersect(a: Rect, b: Rect) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _keys(dim: str) -> tuple[str, str]:
    return ("startRowIndex", "endRowIndex") if dim == ROWS else ("startColumnIndex", "endColumnIndex")


def shift_on_insert(rng: dict[str, Any], dim: str, start: int, count: int, *, keys=None) -> None:
    """Move/grow a GridRange-like dict for ``count`` new rows/columns inserted at ``start``."""
    k0, k1 = keys or _keys(dim)
    s, e = rng.get(k0), rng.get(k1)
    if s is not None and start <= s:
        rng[k0] = s + count
        if e is not None:
            rng[k1] = e + count
    elif e is not None and start < e:
        rng[k1] = e + count


def shift_on_delete(rng: dict[str, Any], dim: str, start: int, end: int, *, keys=None) -> bool:
    """Adjust for rows/columns [start, end) deleted; False when the range vanished."""
    k0, k1 = keys or _keys(dim)
    count = end - start

    def move(x: int) -> int:
        if x >= end:
            return x - count
        return min(x, start)

    s, e = rng.get(k0), rng.get(k1)
    if s is not None:
        rng[k0] = move(s)
    if e is not None:
        rng[k1] = move(e)
    return not (rng.get(k0) is not None and rng.get(k1) is not None and rng[k0] >= rng[k1])


@dataclass
class Sheet:
    props: dict[str, Any]
    cells: list[list[Cell | None]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    row_groups: list[dict[str, Any]] = field(default_factory=list)
    column_groups: list[dict[str, Any]] = field(default_factory=list)
    dim_props: dict[str, dict[int, dict[str, Any]]] = field(default_factory=lambda: {ROWS: {}, COLUMNS: {}})

    # --- identity & size ---------------------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def set_size(self, rows: int | None = None, cols: int | None = None) -> None:
        grid = self.props["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
            del self.cells[rows:]
        if cols is not None:
            grid["columnCount"] = cols
            for row in self.cells:
                del row[cols:]

    def ensure_size(self, rows: int, cols: int) -> None:
        """Grow the grid (never shrink) so that it holds rows x cols."""
        grid = self.props["gridProperties"]
        grid["rowCount"] = max(grid["rowCount"], rows)
        grid["columnCount"] = max(grid["columnCount"], cols)

    # --- cells -------------------------------------------------------------------------------
    def get(self, r: int, c: int) -> Cell | None:
        if r < len(self.cells) and c < len(self.cells[r]):
            return self.cells[r][c]
        return None

    def cell(self, r: int, c: int) -> Cell:
        """The cell at (r, c), created if needed (the grid must already be large enough)."""
        while len(self.cells) <= r:
            self.cells.append([])
        row = self.cells[r]
        while len(row) <= c:
            row.append(None)
        if row[c] is None:
            row[c] = Cell()
        return row[c]

    def put(self, r: int, c: int, cell: Cell | None) -> None:
        if cell is None or cell.is_blank():
            if self.get(r, c) is not None:
                self.cells[r][c] = None
            return
        self.cell(r, c)
        self.cells[r][c] = cell

    def block(self, rect: Rect) -> list[list[Cell | None]]:
        r0, r1, c0, c1 = rect
        return [[copy.deepcopy(self.get(r, c)) for c in range(c0, c1)] for r in range(r0, r1)]

    def write_block(self, r0: int, c0: int, block: list[list[Cell | None]]) -> None:
        for i, row in enumerate(block):
            for j, cell in enumerate(row):
                self.put(r0 + i, c0 + j, copy.deepcopy(cell))

    def value_extent(self, rect: Rect, predicate=Cell.has_value) -> tuple[int, int]:
        """(last row + 1, last col + 1) of cells in rect satisfying predicate; (r0, c0) if none."""
        r0, r1, c0, c1 = rect
        last_r, last_c = r0, c0
        for r in range(r0, min(r1, len(self.cells))):
            row = self.cells[r]
            for c in range(c0, min(c1, len(row))):
                cell = row[c]
                if cell is not None and predicate(cell):
                    last_r = max(last_r, r + 1)
                    last_c = max(last_c, c + 1)
        return last_r, last_c

    # --- structure ---------------------------------------------------------------------------
    def anchored_ranges(self, spreadsheet: Spreadsheet) -> list[dict[str, Any]]:
        found = [p["range"] for p in self.protected]
        found += [u for p in self.protected for u in p.get("unprotectedRanges", [])]
        found += self.merges
        if self.basic_filter:
            found.append(self.basic_filter["range"])
        found += [r for rule in self.conditional_formats for r in rule.get("ranges", [])]
        found += [n["range"] for n in spreadsheet.named_ranges.values()
                  if n["range"].get("sheetId", 0) == self.sheet_id]
        return found

    def insert(self, spreadsheet: Spreadsheet, dim: str, start: int, count: int) -> None:
        if dim == ROWS:
            if start < len(self.cells):
                self.cells[start:start] = [[] for _ in range(count)]
            self.props["gridProperties"]["rowCount"] += count
        else:
            for row in self.cells:
                if start < len(row):
                    row[start:start] = [None] * count
            self.props["gridProperties"]["columnCount"] += count
        for rng in self.anchored_ranges(spreadsheet):
            shift_on_insert(rng, dim, start, count)
        for group in self.row_groups if dim == ROWS else self.column_groups:
            shift_on_insert(group["range"], dim, start, count, keys=("startIndex", "endIndex"))
        self.dim_props[dim] = {(i + count if i >= start else i): v for i, v in self.dim_props[dim].items()}
        spreadsheet.shift_metadata(self.sheet_id, dim, start, count, deleted_end=None)

    def delete(self, spreadsheet: Spreadsheet, dim: str, start: int, end: int) -> None:
        count = end - start
        if dim == ROWS:
            del self.cells[start:end]
            self.props["gridProperties"]["rowCount"] -= count
        else:
            for row in self.cells:
                del row[start:end]
            self.props["gridProperties"]["columnCount"] -= count
        self.protected = [p for p in self.protected if shift_on_delete(p["range"], dim, start, end)]
        for p in self.protected:
            p["unprotectedRanges"] = [u for u in p.get("unprotectedRanges", [])
                                      if shift_on_delete(u, dim, start, end)] or None
            if p["unprotectedRanges"] is None:
                p.pop("unprotectedRanges")
        self.merges = [m for m in self.merges if shift_on_delete(m, dim, start, end)]
        if self.basic_filter and not shift_on_delete(self.basic_filter["range"], dim, start, end):
            self.basic_filter = None
        for rule in self.conditional_formats:
            rule["ranges"] = [r for r in rule.get("ranges", []) if shift_on_delete(r, dim, start, end)]
        self.conditional_formats = [r for r in self.conditional_formats if r["ranges"]]
        for named in list(spreadsheet.named_ranges.values()):
            if named["range"].get("sheetId", 0) == self.sheet_id:
                shift_on_delete(named["range"], dim, start, end)
        groups = self.row_groups if dim == ROWS else self.column_groups
        groups[:] = [g for g in groups
                     if shift_on_delete(g["range"], dim, start, end, keys=("startIndex", "endIndex"))]
        self.dim_props[dim] = {(i - count if i >= end else i): v for i, v in self.dim_props[dim].items()
                               if not start <= i < end}
        spreadsheet.shift_metadata(self.sheet_id, dim, start, count, deleted_end=end)

    def sort(self, rect: Rect, specs: list[dict[str, Any]]) -> None:
        r0, r1, c0, c1 = rect
        rows = self.block(rect)

        def compare(a: list[Cell | None], b: list[Cell | None]) -> int:
            for spec in specs:
                col = spec.get("dimensionIndex", spec.get("columnIndex", 0)) - c0
                descending = spec.get("sortOrder", "ASCENDING") == "DESCENDING"
                result = _compare_cells(a[col] if 0 <= col < len(a) else None,
                                        b[col] if 0 <= col < len(b) else None, descending)
                if result:
                    return result
            return 0

        rows.sort(key=functools.cmp_to_key(compare))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                self.put(r0 + i, c0 + j, cell)


def _sort_group(cell: Cell | None) -> tuple[int, Any]:
    if cell is None or not cell.has_value():
        return 9, None
    value = cell.value
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float):
        return 0, value
    return 1, str(value).casefold()


def _compare_cells(a: Cell | None, b: Cell | None, descending: bool) -> int:
    ga, va = _sort_group(a)
    gb, vb = _sort_group(b)
    if ga == 9 or gb == 9:  # empty cells go last in both directions
        return (ga > gb) - (ga < gb)
    result = (ga > gb) - (ga < gb) if ga != gb else (va > vb) - (va < vb)
    return -result if descending else result


@dataclass
class Spreadsheet:
    id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: dict[str, dict[str, Any]] = field(default_factory=dict)
    metadata: list[dict[str, Any]] = field(default_factory=list)
    creator: str = ""
    rng: random.Random = field(default_factory=random.Random)

    @property
    def locale(self) -> str:
        """Decides how typed values are read and numbers shown (see cells.py)."""
        return str(self.properties.get("locale") or "en_US")

    # --- sheets ------------------------------------------------------------------------------
    def new_id(self) -> int:
        while True:
            candidate = self.rng.randrange(1, 2**31 - 1)
            if all(s.sheet_id != candidate for s in self.sheets):
                return candidate

    def add_sheet(self, title: str, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS,
                  sheet_id: int | None = None, index: int | None = None) -> Sheet:
        props = {"sheetId": self.new_id() if sheet_id is None else sheet_id, "title": title,
                 "index": len(self.sheets), "sheetType": "GRID",
                 "gridProperties": {"rowCount": rows, "columnCount": cols}}
        sheet = Sheet(props)
        position = len(self.sheets) if index is None else max(0, min(index, len(self.sheets)))
        self.sheets.insert(position, sheet)
        self.reindex()
        return sheet

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def sheet_by_id(self, sheet_id: int | None) -> Sheet | None:
        sheet_id = sheet_id or 0
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        found = next((s for s in self.sheets if s.title == title), None)
        return found or next((s for s in self.sheets if s.title.casefold() == title.casefold()), None)

    def first_sheet(self) -> Sheet:
        return next((s for s in self.sheets if not s.props.get("hidden")), self.sheets[0])

    # --- ranges ------------------------------------------------------------------------------
    def resolve(self, text: str) -> tuple[Sheet, a1.Bounds]:
        """A1 text (or a named range) -> (sheet, unclipped bounds)."""
        title, cells, explicit = a1.split_sheet(text)
        if not explicit:
            named = next((n for n in self.named_ranges.values() if n["name"] == title), None)
            if named:
                sheet = self.sheet_by_id(named["range"].get("sheetId", 0))
                rng = named["range"]
                return sheet, a1.Bounds(rng.get("startRowIndex"), rng.get("endRowIndex"),
                                        rng.get("startColumnIndex"), rng.get("endColumnIndex"))
            sheet = self.sheet_by_title(title)
            if sheet is not None:
                return sheet, a1.Bounds()
            return self.first_sheet(), a1.parse_cells(title, text)
        sheet = self.sheet_by_title(title)
        if sheet is None:
            raise unable_to_parse_range(text)
        if cells is None:
            return sheet, a1.Bounds()
        named = next((n for n in self.named_ranges.values() if n["name"] == cells), None)
        if named is not None and not a1.looks_like_cells(cells):
            rng = named["range"]
            return self.sheet_by_id(rng.get("sheetId", 0)), a1.Bounds(
                rng.get("startRowIndex"), rng.get("endRowIndex"), rng.get("startColumnIndex"), rng.get("endColumnIndex"))
        return sheet, a1.parse_cells(cells, text)

    def grid_rect(self, rng: dict[str, Any], kind: str = "", index: int = 0) -> tuple[Sheet, Rect]:
        sheet = self.sheet_by_id(rng.get("sheetId", 0))
        if sheet is None:
            raise invalid_argument(f"Invalid requests[{index}].{kind}: No grid with id: {rng.get('sheetId', 0)}")
        r0, r1, c0, c1 = range_rect(rng, sheet.rows, sheet.cols)
        if r1 > sheet.rows or c1 > sheet.cols or r0 < 0 or c0 < 0:
            raise invalid_argument(
                f"Invalid requests[{index}].{kind}: Range ({a1.format_range(sheet.title, r0, r1, c0, c1)})"
                f" exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        return sheet, (r0, r1, c0, c1)

    # --- developer metadata ------------------------------------------------------------------
    def shift_metadata(self, sheet_id: int, dim: str, start: int, count: int, deleted_end: int | None) -> None:
        keep = []
        for meta in self.metadata:
            rng = meta["location"].get("dimensionRange")
            if not rng or rng.get("sheetId", 0) != sheet_id or rng.get("dimension") != dim:
                keep.append(meta)
                continue
            if deleted_end is None:
                shift_on_insert(rng, dim, start, count, keys=("startIndex", "endIndex"))
                keep.append(meta)
            elif shift_on_delete(rng, dim, start, deleted_end, keys=("startIndex", "endIndex")):
                keep.append(meta)
        self.metadata = keep

    # --- transactions ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy({k: v for k, v in self.__dict__.items() if k != "rng"})

    def restore(self, snap: dict[str, Any]) -> None:
        self.__dict__.update(snap)


def transaction(spreadsheet: Spreadsheet, action):
    """Run action(); on ApiError (or any error) restore the spreadsheet as it was."""
    snap = spreadsheet.snapshot()
    try:
        return action()
    except BaseException:
        spreadsheet.restore(snap)
        raise


__all__ = ["ApiError", "Cell", "Sheet", "Spreadsheet", "transaction", "range_rect", "rects_intersect"]
