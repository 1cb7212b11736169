"""Who may edit which cells: protected ranges, for API callers and for people alike.

Rules (Google documents the cell rule; the structural rules are the emulator's strict reading):
- the spreadsheet's owner/creator and the users listed in ``editors`` may edit a protected range;
  ``warningOnly`` ranges never block;
- writing values, notes or formats into a protected cell is refused;
- deleting a row/column that crosses a protected range, inserting one strictly inside it,
  or sorting/moving a block that crosses it, is refused as well.
"""

from __future__ import annotations

from typing import Any

from .errors import protected_cell
from .spreadsheet import COLUMNS, ROWS, Rect, Sheet, Spreadsheet, range_rect, rects_intersect


def may_edit(spreadsheet: Spreadsheet, owners: set[str], protected: dict[str, Any], actor: str) -> bool:
    if protected.get("warningOnly"):
        return True
    actor = actor.lower()
    if actor in owners or actor == spreadsheet.creator.lower():
        return True
    users = [u.lower() for u in protected.get("editors", {}).get("users", [])]
    return actor in users


def blocking_rects(spreadsheet: Spreadsheet, sheet: Sheet, owners: set[str], actor: str) -> list[tuple[Rect, list[Rect]]]:
    """Protected rects (with their unprotected holes) that ``actor`` may not edit."""
    found = []
    for protected in sheet.protected:
        if may_edit(spreadsheet, owners, protected, actor):
            continue
        rect = range_rect(protected["range"], sheet.rows, sheet.cols)
        holes = [range_rect(u, sheet.rows, sheet.cols) for u in protected.get("unprotectedRanges", [])]
        found.append((rect, holes))
    return found


def _covered_by_holes(rect: Rect, holes: list[Rect]) -> bool:
    r0, r1, c0, c1 = rect
    for r in range(r0, r1):
        for c in range(c0, c1):
            if not any(h[0] <= r < h[1] and h[2] <= c < h[3] for h in holes):
                return False
    return True


def check_cells(spreadsheet: Spreadsheet, sheet: Sheet, owners: set[str], actor: str, rects: list[Rect]) -> None:
    """Raise Google's 400 if ``actor`` may not write into any of ``rects``."""
    for prot, holes in blocking_rects(spreadsheet, sheet, owners, actor):
        for rect in rects:
            if rect[0] >= rect[1] or rect[2] >= rect[3] or not rects_intersect(prot, rect):
                continue
            overlap = (max(prot[0], rect[0]), min(prot[1], rect[1]), max(prot[2], rect[2]), min(prot[3], rect[3]))
            if holes and _covered_by_holes(overlap, holes):
                continue
            raise protected_cell()


def check_insert(spreadsheet: Spreadsheet, sheet: Sheet, owners: set[str], actor: str,
                 dim: str, start: int) -> None:
    for prot, _holes in blocking_rects(spreadsheet, sheet, owners, actor):
        lo, hi = (prot[0], prot[1]) if dim == ROWS else (prot[2], prot[3])
        if lo < start < hi:
            raise protected_cell()


def check_delete(spreadsheet: Spreadsheet, sheet: Sheet, owners: set[str], actor: str,
                 dim: str, start: int, end: int) -> None:
    rect = (start, end, 0, sheet.cols) if dim == ROWS else (0, sheet.rows, start, end)
    for prot, _holes in blocking_rects(spreadsheet, sheet, owners, actor):
        if rects_intersect(prot, rect):
            raise protected_cell()


def check_protection_change(spreadsheet: Spreadsheet, owners: set[str], protected: dict[str, Any], actor: str) -> None:
    """Only people who may edit a protected range may change or remove its protection."""
    if protected.get("warningOnly"):
        return
    if not may_edit(spreadsheet, owners, protected, actor):
        raise protected_cell()


__all__ = ["check_cells", "check_insert", "check_delete", "check_protection_change", "may_edit", "COLUMNS"]
