"""A1 notation: parsing ranges as clients send them and printing them as Google does.

Internally a range is 0-based and end-exclusive (like Sheets' GridRange); ``None`` means
unbounded on that side until it is clipped to the sheet's grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import unable_to_parse_range

_BARE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELLISH = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|[Rr][0-9]+|[Cc][0-9]+")
_ENDPOINT = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?")


@dataclass
class Bounds:
    """Row/column bounds of a range; ``None`` = open (whole sheet in that direction)."""

    r0: int | None = None
    r1: int | None = None
    c0: int | None = None
    c1: int | None = None

    def clipped(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        r0 = self.r0 or 0
        c0 = self.c0 or 0
        r1 = rows if self.r1 is None else self.r1
        c1 = cols if self.c1 is None else self.c1
        return r0, r1, c0, c1


def col_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_title(title: str) -> str:
    """Sheet title as Google prints it in a range: bare only when it cannot be misread."""
    if _BARE_TITLE.fullmatch(title) and not _CELLISH.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_a1(row: int, col: int) -> str:
    return f"{col_letters(col)}{row + 1}"


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    start = cell_a1(r0, c0)
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{cell_a1(r1 - 1, c1 - 1)}"


def split_sheet(text: str) -> tuple[str | None, str | None, bool]:
    """Split ``'My sheet'!A1:B2`` into (title, cell part, title_was_explicit).

    Without a ``!`` and without quotes the text is ambiguous (a title or a range); it is
    returned as (text, None, False) and the caller decides with the sheet list.
    """
    text = text.strip()
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(ch)
            i += 1
        else:
            raise unable_to_parse_range(text)
        rest = text[i + 1:]
        if not rest:
            return "".join(title), None, True
        if not rest.startswith("!"):
            raise unable_to_parse_range(text)
        return "".join(title), rest[1:] or None, True
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells or None, True
    return text, None, False


def parse_cells(part: str, original: str | None = None) -> Bounds:
    """Parse the cell part of a range (``A1``, ``A1:C``, ``A:B``, ``2:5``, ``A2:2``)."""
    original = original or part
    pieces = part.split(":")
    if len(pieces) > 2 or not part:
        raise unable_to_parse_range(original)
    ends = []
    for piece in pieces:
        m = _ENDPOINT.fullmatch(piece.strip())
        if not m or (m.group(1) is None and m.group(2) is None):
            raise unable_to_parse_range(original)
        col = col_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            raise unable_to_parse_range(original)
        ends.append((col, row))
    if len(ends) == 1:
        col, row = ends[0]
        if col is None or row is None:
            raise unable_to_parse_range(original)
        return Bounds(row, row + 1, col, col + 1)
    (ca, ra), (cb, rb) = ends
    cols = [c for c in (ca, cb) if c is not None]
    rows = [r for r in (ra, rb) if r is not None]
    b = Bounds()
    if ca is not None and cb is not None:
        b.c0, b.c1 = min(ca, cb), max(ca, cb) + 1
    elif cols:
        b.c0 = cols[0] if ca is not None else None
        b.c1 = None if ca is not None else cols[0] + 1
        if ca is None:
            b.c0 = 0
    if ra is not None and rb is not None:
        b.r0, b.r1 = min(ra, rb), max(ra, rb) + 1
    elif rows:
        if ra is not None:
            b.r0, b.r1 = ra, None
        else:
            b.r0, b.r1 = 0, rb + 1
    if ca is None and cb is None and (ra is None or rb is None):
        raise unable_to_parse_range(original)
    if ra is None and rb is None and (ca is None or cb is None):
        raise unable_to_parse_range(original)
    return b


def looks_like_cells(text: str) -> bool:
    try:
        parse_cells(text)
    except Exception:
        return False
    return True
