"""A1 notation shared by the Sheets register and the spreadsheet setup."""

from __future__ import annotations


def quoted(tab: str) -> str:
    """A tab name as A1 notation needs it: in single quotes, inner quotes doubled."""
    return "'" + tab.replace("'", "''") + "'"
