"""The archive rule: which finished rows leave the Register for the yearly archive (pure).

An item finished (published or rejected) more than `after_days` days ago, whose row nobody touched
since the daemon last accepted it, moves to `Arsip <year>` (the year of its ID, so a retried move
always goes to the same archive). Polls never read the archive; the journal keeps every item, so the
report and everything else that counts items still see it. Moving is an effect with the key
`<ID>/0/0/archive`: journaled before it is done, done at most once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from automation.domain import contract as cols
from automation.domain.contract import Contract, parse_id
from automation.domain.keys import EffectKey, KeyKind
from automation.domain.register_time import parse_register_time
from automation.domain.texts import register as texts
from automation.domain.workflow import OPEN, ItemState

DEFAULT_AFTER_DAYS = 30  # `[register] archive_after_days`; 0 turns the archive off
ARCHIVED_AT = texts.ARCHIVED_AT_HEADER
# not compared when looking for edits made in the archive: the daemon's own columns there
UNCOMPARED = (ARCHIVED_AT, cols.NOTES)


def archive_key(item_id: str) -> str:
    """The ledger key of moving the item's row: `K-2026-0007/0/0/archive`."""
    return str(EffectKey(item_id, 0, 0, KeyKind.ARCHIVE))


def archived_event_key(item_id: str) -> str:
    """The key of the Log line saying the row moved."""
    return str(EffectKey(item_id, 0, 0, KeyKind.ARCHIVED))


def archive_year(item_id: str) -> int:
    """The year of the archive an item goes to: the year of its ID (0 for an ID that is not the daemon's)."""
    parsed = parse_id(item_id)
    return parsed[0] if parsed else 0


def finished_at(state: ItemState, contract: Contract) -> datetime | None:
    """When the item ended: the latest step time in its accepted row (naive, the register's zone)."""
    times = [parse_register_time(state.row.get(contract.time(n), "")) for n in contract.step_numbers]
    found = [t for t in times if t is not None]
    return max(found) if found else None


def is_due(state: ItemState, contract: Contract, now: datetime, after_days: int,
           ended: datetime | None = None) -> bool:
    """Whether an item's row is due for the archive at `now` (aware or naive, in the register's zone).

    `ended` is used when the row holds no step time (an adopted row): e.g. the time of its last event."""
    if after_days <= 0 or state.outcome == OPEN or archive_year(state.item_id) == 0:
        return False
    when = finished_at(state, contract) or ended
    if when is None:
        return False
    return now.replace(tzinfo=None) - when.replace(tzinfo=None) >= timedelta(days=after_days)


@dataclass(frozen=True)
class Candidate:
    item_id: str
    index: int  # into the rows as read


def candidates(rows: list[dict[str, str]], states: Mapping[str, ItemState], contract: Contract, now: datetime,
               after_days: int, ended: Mapping[str, datetime] | None = None,
               skip: Iterable[str] = ()) -> list[Candidate]:
    """The rows to archive now: due, held by exactly one row, and exactly as the daemon last accepted them
    (a row a person just edited is decided first; it moves on a later day)."""
    if after_days <= 0:
        return []
    counts = Counter(row[cols.ID].strip() for row in rows)
    left_out = set(skip)
    found = []
    for index, row in enumerate(rows):
        item_id = row[cols.ID].strip()
        state = states.get(item_id)
        if state is None or counts[item_id] != 1 or item_id in left_out:
            continue
        if not is_due(state, contract, now, after_days, (ended or {}).get(item_id)):
            continue
        if any(state.row.get(h, "") != v for h, v in row.items() if h != cols.ID):
            continue
        found.append(Candidate(item_id, index))
    return found


def edits_in_archive(moved: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """The columns of an archived row that hold something else than what was moved there."""
    headers = [h for h in dict.fromkeys([*moved, *found]) if h not in UNCOMPARED]
    return [h for h in headers if moved.get(h, "").strip() != found.get(h, "").strip()]
