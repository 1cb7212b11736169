"""Times typed in the register: the spellings people use, read into one naive WIB date-time.

The daemon writes `YYYY-MM-DD HH:MM` (TIME_FORMAT); people also type the Indonesian
forms `22/12/2026 07.00`, `22-12-2026 07:00` and `22 Desember 2026 07.00` (month names
full or short, an optional `pukul` and a trailing `WIB`). A spreadsheet date-time cell
reaches the domain already as `YYYY-MM-DD HH:MM` (the adapters turn it into text).
"""

from __future__ import annotations

import re
from datetime import datetime

MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12,
}

_CLOCK = r"(?:pukul\s+|jam\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?(?:\s*wib)?"
_GAP = r"(?:,\s*|\s+)"
_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:T|" + _GAP + ")" + _CLOCK, re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})[/-](?P<month>\d{1,2})[/-](?P<year>\d{4})" + _GAP + _CLOCK, re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})\s+(?P<month_name>[a-z]+)\.?\s+(?P<year>\d{4})" + _GAP + _CLOCK, re.IGNORECASE),
)


def parse_register_time(text: str) -> datetime | None:
    """A register time as a naive date-time (the register's zone, WIB); None when unreadable."""
    cleaned = " ".join(text.split())
    for pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        parts = match.groupdict()
        month = MONTHS.get(parts["month_name"].lower()) if parts.get("month_name") else int(parts["month"])
        if month is None:
            return None
        try:
            return datetime(int(parts["year"]), month, int(parts["day"]), int(parts["hour"]),
                            int(parts["minute"]), int(parts["second"] or 0))
        except ValueError:  # 31/02, 25.00: not a time
            return None
    return None
