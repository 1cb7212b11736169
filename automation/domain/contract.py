"""The register contract: the tabs, their exact (Indonesian) headers, the roster.

Headers of the step columns are produced from the SOP, so another SOP gives
another register. Columns are found by header text, never by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from automation.domain.addresses import is_address
from automation.domain.sop import Sop, canonical, normalise
from automation.domain.texts import register as register_text
from automation.domain.texts import store as store_text
from automation.ports import Table

REGISTER_TAB, ROSTER_TAB, LOG_TAB = "Register", "Petugas", "Log"

ID, TITLE, TYPE, SOURCE, PLATFORM, SCHEDULE, CAPTION, FOLDER = (
    "ID", "Judul", "Jenis", "Sumber", "Platform", "Jadwal Tayang", "Caption", "Folder Aset",
)
STAGE, DUE, NOTES, LINKS = "Tahap", "Tenggat", "Catatan Sistem", "Tautan Publikasi"
OFFICER_NOTE = "Catatan Petugas"  # the deciding person's reason (Revisi, Ditolak); the daemon clears it once recorded
ITEM_FIELDS = (ID, TITLE, TYPE, SOURCE, PLATFORM, SCHEDULE, CAPTION, FOLDER)
TAIL_FIELDS = (STAGE, DUE, NOTES, OFFICER_NOTE, LINKS)
# Columns added after registers were in use: a register without them still works (read as empty,
# never written) until `sop-konten setup` adds them.
OPTIONAL_HEADERS = (OFFICER_NOTE,)

NAME, EMAIL, ROLE, ACTIVE = "Nama", "Email", "Peran", "Aktif"
ROSTER_HEADERS = (NAME, EMAIL, ROLE, ACTIVE)
YES, NO = "Ya", "Tidak"

LOG_HEADERS = ("No", "Waktu", "ID", "Langkah", "Dari", "Menjadi", "Oleh", "Keterangan")

ID_PREFIX = "K"
ID_PATTERN = re.compile(r"^K-(\d{4})-(\d{4,})$")
TIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_SUFFIX = " - Waktu"


@dataclass(frozen=True)
class Choices:
    """The values a dropdown offers; `strict`: anything else is refused by the sheet itself."""

    values: tuple[str, ...]
    strict: bool = True  # False for `Platform`, which takes several values, comma-separated


class HeaderError(Exception):
    """Required columns are missing; the message names them (Indonesian)."""


@dataclass(frozen=True)
class Contract:
    sop: Sop

    def actor(self, step: int) -> str:
        return self._step_columns[step][0]

    def status(self, step: int) -> str:
        return self._step_columns[step][1]

    def time(self, step: int) -> str:
        return self._step_columns[step][2]

    @cached_property
    def _step_columns(self) -> dict[int, tuple[str, str, str]]:
        """Computed once: the names are asked for several times per row on every poll."""
        return {s.number: (f"{s.label} - Pelaksana", f"{s.label} - Status", f"{s.label}{TIME_SUFFIX}")
                for s in self.sop.steps}

    @property
    def step_numbers(self) -> range:
        return range(1, len(self.sop.steps) + 1)

    @cached_property
    def register_headers(self) -> tuple[str, ...]:
        step_columns = tuple(
            col for n in self.step_numbers for col in (self.actor(n), self.status(n), self.time(n))
        )
        return ITEM_FIELDS + step_columns + TAIL_FIELDS

    @cached_property
    def daemon_columns(self) -> tuple[str, ...]:
        """Columns only the daemon writes."""
        return (ID, FOLDER, STAGE, DUE, LINKS) + tuple(self.time(n) for n in self.step_numbers)

    @cached_property
    def time_columns(self) -> tuple[str, ...]:
        """Columns holding a date-time: real date-time cells where the register can hold them."""
        return (SCHEDULE, DUE) + tuple(self.time(n) for n in self.step_numbers)

    def status_choices(self, step: int) -> tuple[str, ...]:
        """The values of a status column: the step's outcomes, then the waiting and informative ones."""
        sop = self.sop
        return (*sop.step(step).statuses, sop.waiting, sop.in_progress, sop.needs_check)

    @cached_property
    def register_choices(self) -> dict[str, Choices]:
        """The register's dropdowns, one source for every backend's setup."""
        sop = self.sop
        choices = {TYPE: Choices(sop.types), SOURCE: Choices(sop.sources), PLATFORM: Choices(sop.platforms, False)}
        choices.update({self.status(n): Choices(self.status_choices(n)) for n in self.step_numbers})
        return choices

    @cached_property
    def roster_choices(self) -> dict[str, Choices]:
        return {ROLE: Choices(self.sop.roles), ACTIVE: Choices((YES, NO))}

    def column_map(self, table: Table, tab: str = REGISTER_TAB) -> dict[str, int]:
        """Header -> position of every column present; a missing optional column is simply absent."""
        return locate_columns(table.headers, self.register_headers, tab, optional=OPTIONAL_HEADERS)

    def rows(self, table: Table) -> list[dict[str, str]]:
        """Register rows as {header: value} for the contract's columns, in sheet order."""
        columns = self.column_map(table)
        headers = self.register_headers
        if len(headers) < 2 or any(h not in columns for h in headers):  # an optional column is missing
            return [{h: row[columns[h]] if h in columns and columns[h] < len(row) else "" for h in headers}
                    for row in table.rows]
        pick = itemgetter(*(columns[h] for h in headers))  # the common case, done in C: a poll reads every row
        width = max(columns.values()) + 1
        padding = ("",) * width
        return [dict(zip(headers, pick(row if len(row) >= width else (*row, *padding[len(row):])), strict=True))
                for row in table.rows]


def locate_columns(headers: tuple[str, ...], required: tuple[str, ...], tab: str,
                   optional: tuple[str, ...] = ()) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.strip()
        if key and key not in positions:
            positions[key] = index
    missing = [h for h in required if h not in positions and h not in optional]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise HeaderError(store_text.column_missing(names, tab))
    return {h: positions[h] for h in required if h in positions}


# --- roster ---------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str
    active: bool


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...]

    def active_in(self, role: str) -> list[Person]:
        return [p for p in self.people if p.active and p.role == role]

    def find(self, text: str) -> Person | None:
        """A person named by name or e-mail, forgiving about case and spaces."""
        wanted = normalise(text)
        if not wanted:
            return None
        for person in self.people:
            if wanted in (normalise(person.name), normalise(person.email)):
                return person
        return None


def parse_roster(table: Table, sop: Sop) -> tuple[Roster, list[str]]:
    """The roster and the problems found in it (Indonesian sentences)."""
    columns = locate_columns(table.headers, ROSTER_HEADERS, ROSTER_TAB)
    people, problems = [], []
    for index, row in enumerate(table.rows):
        cell = {h: (row[i].strip() if i < len(row) else "") for h, i in columns.items()}
        if not any(cell.values()):
            continue
        where = register_text.roster_row(ROSTER_TAB, index + 2)
        role = canonical(cell[ROLE], sop.roles)
        if role is None:
            problems.append(register_text.roster_role_unknown(where, cell[ROLE], sop.roles))
            continue
        if not cell[NAME]:
            problems.append(register_text.roster_name_empty(where))
            continue
        active = canonical(cell[ACTIVE], (YES, NO))
        if active is None:
            problems.append(register_text.roster_active_invalid(where, YES, NO))
            continue
        if cell[EMAIL] and not is_address(cell[EMAIL]):
            problems.append(register_text.roster_email_invalid(where, cell[EMAIL]))
        people.append(Person(cell[NAME], cell[EMAIL], role, active == YES))
    roster = Roster(tuple(people))
    for step in sop.steps[1:]:
        if not roster.active_in(step.role):
            problems.append(register_text.nobody_active(step.role, step.label))
    return roster, _unique(problems)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def format_id(year: int, sequence: int) -> str:
    return f"{ID_PREFIX}-{year:04d}-{sequence:04d}"


def parse_id(text: str) -> tuple[int, int] | None:
    match = ID_PATTERN.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None
