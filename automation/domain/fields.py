"""The rules of the item fields people type (Jenis, Sumber, Platform, Jadwal Tayang): pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from automation.domain.contract import PLATFORM, SCHEDULE, SOURCE, TITLE, TYPE
from automation.domain.register_time import parse_register_time
from automation.domain.sop import Sop, canonical
from automation.domain.texts import register as texts


def field_warnings(row: Mapping[str, str], sop: Sop) -> list[str]:
    warnings = []
    if not row.get(TITLE, "").strip():
        warnings.append(texts.TITLE_REQUIRED)
    for column, allowed in ((TYPE, sop.types), (SOURCE, sop.sources)):
        value = row.get(column, "").strip()
        if value and canonical(value, allowed) is None:
            warnings.append(texts.value_not_allowed(column, value, allowed))
    for name in split_list(row.get(PLATFORM, "")):
        if canonical(name, sop.platforms) is None:
            warnings.append(texts.value_not_allowed(PLATFORM, name, sop.platforms))
    schedule = row.get(SCHEDULE, "").strip()
    if schedule and parse_time(schedule, None) is None:
        warnings.append(texts.schedule_unreadable(schedule))
    return warnings


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def split_platforms(text: str, sop: Sop) -> list[str]:
    found = [canonical(p, sop.platforms) for p in split_list(text)]
    return list(dict.fromkeys(p for p in found if p))


def canonical_field(column: str, value: str, sop: Sop) -> str:
    if column == TYPE:
        return canonical(value, sop.types) or value
    if column == SOURCE:
        return canonical(value, sop.sources) or value
    if column == PLATFORM:
        parts = [canonical(p, sop.platforms) or p for p in split_list(value)]
        return ", ".join(dict.fromkeys(parts)) if parts else value
    return value


def parse_time(text: str, reference: datetime | None) -> datetime | None:
    """A register time in the register's zone (the spellings of `parse_register_time`); None when unreadable."""
    parsed = parse_register_time(text)
    if parsed is None:
        return None
    if reference is not None and reference.tzinfo is not None:
        parsed = parsed.replace(tzinfo=reference.tzinfo)
    return parsed
