"""Finding a register row again right before writing, as both register backends do.

People sort, insert and delete rows between the daemon's read and its write, so a row is found by
what it holds, never by position alone (see `RowAnchor`):

- a row with an ID: the one row holding that ID now; none when the ID is gone; when several rows
  hold it (a copied row), the one at its read position if it holds the ID there, else none
  (writing to either of two rows with one ID could hit the wrong one);
- a new row (no ID when read): the row at its read position if it still has no ID and the same
  title there, else the one ID-less row with that title; none when there are several or none.

Positions are indexes into the data rows (0 = the first row under the headers). Pure: the caller
reads the ID and title columns, this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from automation.ports import RowAnchor


class RowLocator:
    """The ID and title columns as they are now, to find anchors in."""

    def __init__(self, ids: Sequence[str], titles: Sequence[str]) -> None:
        self._ids = [value.strip() for value in ids]
        self._titles = [value.strip() for value in titles]
        self._rows_of: dict[str, list[int]] = {}
        for index, item_id in enumerate(self._ids):
            if item_id:
                self._rows_of.setdefault(item_id, []).append(index)

    def find(self, anchor: RowAnchor) -> int | None:
        """The row `anchor` names now, or None when it is gone or ambiguous."""
        if anchor.item_id:
            found = self._rows_of.get(anchor.item_id.strip(), [])
            if len(found) == 1:
                return found[0]
            # several rows hold the ID (a copied row): only the row read there, if it still holds it
            return anchor.read_index if anchor.read_index in found else None
        title = anchor.title.strip()
        if not title:
            return None
        if self._is_new_row_titled(anchor.read_index, title):
            return anchor.read_index
        candidates = [index for index in range(len(self._titles)) if self._is_new_row_titled(index, title)]
        return candidates[0] if len(candidates) == 1 else None

    def _is_new_row_titled(self, index: int, title: str) -> bool:
        if not 0 <= index < len(self._titles):
            return False
        item_id = self._ids[index] if index < len(self._ids) else ""
        return not item_id and self._titles[index] == title

