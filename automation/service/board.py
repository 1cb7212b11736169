"""The Dasbor's read model: what the pages show, queried from the journal only (never the register).

Pure reads: open items by step and by person with their Tenggat and the working time left (overdue
first), a month of Jadwal Tayang and of publications per platform, one item's story, the feed of
publications. The items' states are parsed once per change of the journal (`Snapshot`), so a page
over 10,000 items costs one pass over them, not one per question. Words are left to the pages.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import tzinfo as Zone

from automation.domain.approval import FILE_PREFIX, short_digest
from automation.domain.contract import (
    CAPTION,
    DUE,
    LINKS,
    NOTES,
    PLATFORM,
    SCHEDULE,
    SOURCE,
    STAGE,
    TITLE,
    TYPE,
    Contract,
)
from automation.domain.fields import split_platforms
from automation.domain.keys import EffectKey, KeyKind
from automation.domain.register_time import parse_register_time
from automation.domain.results import MANUAL_STATE, PUBLISHED_STATE, UNKNOWN_STATE, ActionResult
from automation.domain.sop import NEXT, Sop, Step, normalise
from automation.domain.workflow import OPEN, PUBLISHED, REJECTED, ItemState
from automation.domain.working_time import WorkingCalendar
from automation.service.journal import Journal, Publication, state_from_json

MAX_CALENDAR_DAYS = 800  # working time left is counted within this many days of now; beyond, the edge counts


# --- the states, parsed once per change ---------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """Every item's last accepted state, with what the pages look up by: one parse per journal change."""

    states: Mapping[str, ItemState]
    texts: Mapping[str, str]  # item -> its state's JSON as stored: unchanged text needs no parse
    newest: str  # the highest updated_at read
    generation: int  # grows when a state changed: what is computed from the states is keyed by it

    @property
    def open(self) -> list[ItemState]:
        return [s for s in self.states.values() if s.outcome == OPEN and s.active]


_cache: dict[str, tuple[tuple[int, int], Snapshot]] = {}
_cache_lock = threading.Lock()


def snapshot(journal: Journal) -> Snapshot:
    """The states as the journal holds them now, parsed again only where someone wrote to it.

    SQLite's data_version changes when another connection (the daemon) commits: then only the items
    committed since the newest time read are parsed again (the daemon commits changed items only).
    A write through this very connection (total_changes; tests do it) reads everything again, since
    a fixed clock may have written it with an older time."""
    stamp = journal_stamp(journal)
    key = f"{journal.path}:{journal.token}"
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if cached is not None and cached[0][1] == stamp[1]:
        found = _refreshed(journal, cached[1])
    else:
        found = _parsed(journal.state_texts())
    with _cache_lock:
        _cache.clear()  # one journal per Dasbor: keep only the newest
        _cache[key] = (stamp, found)
    return found


def forget() -> None:
    """Drop the parsed states: the next snapshot reads the journal afresh."""
    with _cache_lock:
        _cache.clear()


def journal_stamp(journal: Journal) -> tuple[int, int]:
    """Changes whenever the journal does, from any connection: a key for what is computed from it."""
    (version,) = journal.db.execute("PRAGMA data_version").fetchone()
    return int(version), journal.db.total_changes


def _refreshed(journal: Journal, old: Snapshot) -> Snapshot:
    return _parsed(journal.state_texts(since=old.newest), old)


def _parsed(rows: Iterable[tuple[str, str, str]], old: Snapshot | None = None) -> Snapshot:
    states = dict(old.states) if old else {}
    texts = dict(old.texts) if old else {}
    newest, changed = (old.newest if old else ""), old is None
    for item_id, stored, updated_at in rows:
        newest = max(newest, updated_at)
        if texts.get(item_id) != stored:
            states[item_id] = state_from_json(stored)
            texts[item_id] = stored
            changed = True
    if old is not None and not changed:
        return Snapshot(old.states, old.texts, newest, old.generation)
    return Snapshot(states, texts, newest, next(_generations))


_generations = itertools.count(1)


# --- working time left ----------------------------------------------------------------------------

class WorkingClock:
    """Signed working minutes from `now` to many instants at once: prefix sums over the working intervals.

    `WorkingCalendar.working_minutes_between` walks the days for every call; a page with thousands of
    Tenggat asks once per item, so the intervals between the earliest and latest instant are laid out once."""

    def __init__(self, calendar: WorkingCalendar, now: datetime, instants: Iterable[datetime]):
        self.now = now
        moments = [now, *instants]
        zone = calendar.tz
        first = min(m.astimezone(zone).date() for m in moments) - timedelta(days=1)
        last = max(m.astimezone(zone).date() for m in moments) + timedelta(days=1)
        today = now.astimezone(zone).date()
        first = max(first, today - timedelta(days=MAX_CALENDAR_DAYS))
        last = min(last, today + timedelta(days=MAX_CALENDAR_DAYS))
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        self.before: list[float] = []  # working minutes of all intervals before this one
        total = 0.0
        day = first
        while day <= last:
            for start, end in calendar.working_intervals(day):
                self.starts.append(start)
                self.ends.append(end)
                self.before.append(total)
                total += (end - start).total_seconds() / 60
            day += timedelta(days=1)
        self.total = total
        self.origin = self._position(now)

    def _position(self, moment: datetime) -> float:
        """Working minutes from the first laid-out interval to `moment`."""
        index = bisect.bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        inside = min(moment, self.ends[index]) - self.starts[index]
        return self.before[index] + max(inside.total_seconds(), 0.0) / 60

    def minutes_until(self, moment: datetime) -> float:
        """Working minutes from now to `moment`; negative when it has passed."""
        return self._position(moment) - self.origin


# --- the Papan ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One open item as the Papan shows it: who holds it at which step, and how late it is."""

    item_id: str
    title: str
    step: Step
    person: str  # the step's Pelaksana (the contributor at step 1); "" when nobody is assigned
    status: str  # the step's status cell: Menunggu, Proses, Perlu Dicek, a decision waiting for its reason
    due_text: str  # Tenggat as the register shows it
    due: datetime | None
    minutes_left: float | None  # working minutes until Tenggat; negative when overdue
    overdue: bool
    needs_check: bool
    warnings: tuple[str, ...]
    platforms: tuple[str, ...]
    schedule: str  # Jadwal Tayang


@dataclass(frozen=True)
class Board:
    tasks: tuple[Task, ...]  # overdue first, then by Tenggat, then by ID
    by_step: tuple[tuple[Step, tuple[Task, ...]], ...]  # every step of the SOP, in order
    by_person: tuple[tuple[str, tuple[Task, ...]], ...]  # people by name; nobody ("") last
    published: int
    rejected: int
    mine: str = ""  # the filter asked for ("" = everyone)

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.tasks)


def board(journal: Journal, sop: Sop, calendar: WorkingCalendar, now: datetime, mine: str = "",
          aliases: Mapping[str, str] | None = None) -> Board:
    """The open items; `mine` (a name or an e-mail, `aliases` e-mail -> name) keeps one person's.

    Overdue: Tenggat has passed in the Dasbor's time, or the daemon's last cycle found the item late."""
    states = snapshot(journal)
    contract = Contract(sop)
    open_states = states.open
    dues = {s.item_id: _register_time(s.row.get(DUE, ""), calendar.tz) for s in open_states}
    clock = WorkingClock(calendar, now, [d for d in dues.values() if d is not None])
    wanted = _person_keys(mine, aliases or {})
    platforms_of = _Platforms(sop)
    tasks = []
    for state in open_states:
        step = sop.step(state.active)
        person = state.row.get(contract.actor(step.number), "").strip() or (
            state.contributor if step.number == 1 else "")
        if wanted and normalise(person) not in wanted:
            continue
        due = dues[state.item_id]
        left = clock.minutes_until(due) if due is not None else None
        status = state.row.get(contract.status(step.number), "")
        tasks.append(Task(
            item_id=state.item_id, title=state.row.get(TITLE, ""), step=step, person=person, status=status,
            due_text=state.row.get(DUE, ""), due=due, minutes_left=left,
            overdue=state.overdue or (due is not None and now >= due),
            needs_check=normalise(status) == normalise(sop.needs_check), warnings=state.warnings,
            platforms=platforms_of(state.row.get(PLATFORM, "")),
            schedule=state.row.get(SCHEDULE, "")))
    tasks.sort(key=_urgency)
    per_step: dict[int, list[Task]] = defaultdict(list)
    per_person: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        per_step[task.step.number].append(task)
        per_person[task.person].append(task)
    people = sorted(per_person, key=lambda name: (not name, name.casefold()))
    ended: dict[str, int] = defaultdict(int)
    for state in states.states.values():
        ended[state.outcome] += 1
    return Board(tasks=tuple(tasks),
                 by_step=tuple((step, tuple(per_step[step.number])) for step in sop.steps),
                 by_person=tuple((name, tuple(per_person[name])) for name in people),
                 published=ended[PUBLISHED], rejected=ended[REJECTED], mine=mine)


def _urgency(task: Task) -> tuple[bool, float, str]:
    return (not task.overdue, task.minutes_left if task.minutes_left is not None else float("inf"), task.item_id)


def _person_keys(mine: str, aliases: Mapping[str, str]) -> set[str]:
    """What a person's name or address matches in the Pelaksana cells (names, sometimes addresses)."""
    if not mine.strip():
        return set()
    keys = {normalise(mine)}
    for address, name in aliases.items():
        if normalise(address) in keys or normalise(name) in keys:
            keys |= {normalise(address), normalise(name)}
    return keys


def _register_time(text: str, zone: Zone) -> datetime | None:
    if not text.strip():
        return None
    try:  # what the daemon writes (TIME_FORMAT) reads fastest this way; people's spellings below
        parsed: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        parsed = parse_register_time(text)
    if parsed is None or parsed.tzinfo is not None:
        return parsed
    return parsed.replace(tzinfo=zone)


class _Platforms:
    """split_platforms once per distinct Platform cell: thousands of rows share a handful of values."""

    def __init__(self, sop: Sop):
        self.sop = sop
        self.seen: dict[str, tuple[str, ...]] = {}

    def __call__(self, cell: str) -> tuple[str, ...]:
        found = self.seen.get(cell)
        if found is None:
            found = self.seen[cell] = tuple(split_platforms(cell, self.sop))
        return found


# --- the Kalender ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scheduled:
    item_id: str
    title: str
    when: datetime  # Jadwal Tayang
    platforms: tuple[str, ...]
    outcome: str  # open, published, rejected
    stage: str  # Tahap


@dataclass(frozen=True)
class Posted:
    item_id: str
    title: str
    when: datetime
    platform: str
    state: str  # published, manual, unknown
    links: tuple[str, ...]


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    scheduled: tuple[Scheduled, ...] = ()
    posted: tuple[Posted, ...] = ()


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Day, ...], ...]  # Monday first
    platforms: tuple[str, ...]  # the SOP's, for the legend

    @property
    def scheduled(self) -> int:
        return sum(len(d.scheduled) for w in self.weeks for d in w if d.in_month)

    @property
    def posted(self) -> int:
        return sum(len(d.posted) for w in self.weeks for d in w if d.in_month)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first of the next."""
    first = date(year, month, 1)
    return first, (first + timedelta(days=31)).replace(day=1)


def month(journal: Journal, sop: Sop, zone: Zone, year: int, month_number: int) -> Month:
    """The month's Jadwal Tayang (every item, whatever its state) and what was published, per day."""
    first, after = month_bounds(year, month_number)
    scheduled: dict[date, list[Scheduled]] = defaultdict(list)
    platforms_of = _Platforms(sop)
    this_month = f"{year:04d}-{month_number:02d}"
    for state in snapshot(journal).states.values():
        text = state.row.get(SCHEDULE, "")
        if not text or (text[:4].isdigit() and text[4:5] == "-" and not text.startswith(this_month)):
            continue  # empty, or the daemon's own spelling of another month: no parse needed
        when = _register_time(text, zone)
        if when is None or not first <= when.date() < after:
            continue
        scheduled[when.date()].append(Scheduled(
            state.item_id, state.row.get(TITLE, ""), when,
            platforms_of(state.row.get(PLATFORM, "")), state.outcome, state.row.get(STAGE, "")))
    posted: dict[date, list[Posted]] = defaultdict(list)
    margin = timedelta(days=1)  # ISO text with any offset: cut coarsely, then exactly in `zone`
    for publication in journal.publications((first - margin).isoformat(), (after + margin).isoformat()):
        entry = _posted(publication, zone)
        if entry is not None and first <= entry.when.date() < after:
            posted[entry.when.date()].append(entry)
    start = first - timedelta(days=first.weekday())
    weeks = []
    day = start
    while day < after:
        week = []
        for _ in range(7):
            week.append(Day(day, first <= day < after,
                            tuple(sorted(scheduled.get(day, ()), key=lambda s: (s.when, s.item_id))),
                            tuple(sorted(posted.get(day, ()), key=lambda p: (p.when, p.item_id, p.platform)))))
            day += timedelta(days=1)
        weeks.append(tuple(week))
    return Month(year, month_number, tuple(weeks), sop.platforms)


def _posted(publication: Publication, zone: Zone) -> Posted | None:
    result = publication.result
    if result is None or result.state not in (PUBLISHED_STATE, MANUAL_STATE, UNKNOWN_STATE):
        return None  # failed or retried later: not out
    try:
        when = datetime.fromisoformat(publication.at)
    except ValueError:
        return None
    when = when.replace(tzinfo=zone) if when.tzinfo is None else when.astimezone(zone)
    return Posted(publication.item_id, str(publication.params.get("title", "")), when, publication.platform,
                  result.state, tuple(link for _, link in result.links))


def feed(journal: Journal, zone: Zone, limit: int) -> tuple[Posted, ...]:
    """The newest publications (one per platform and item), newest first."""
    found = (_posted(p, zone) for p in journal.publications(limit=limit))
    return tuple(p for p in found if p is not None)


# --- one item's story -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryEvent:
    at: str  # as the journal recorded it
    when: datetime | None
    step: str
    before: str
    after: str
    actor: str
    remark: str
    kind: str  # the event key's KeyKind: transition, undo, reassign, created, ...

    @property
    def undone(self) -> bool:
        return self.kind == KeyKind.UNDO


@dataclass(frozen=True)
class Approval:
    digest: str  # the short digest the Log shows
    files: tuple[str, ...]  # the files the approval binds
    by: str
    at: str


@dataclass(frozen=True)
class PlatformOutcome:
    platform: str
    state: str  # published, manual, unknown, failed, retrying; "" when not performed yet
    links: tuple[str, ...]
    problem: str
    at: str


@dataclass(frozen=True)
class Story:
    state: ItemState
    title: str
    fields: tuple[tuple[str, str], ...]  # the item's fields as the register shows them
    step: Step | None  # the waiting step; None once the item ended
    person: str
    events: tuple[StoryEvent, ...]
    approval: Approval | None
    platforms: tuple[str, ...]
    outcomes: Mapping[str, PlatformOutcome]  # platform -> its publication, where one was attempted
    links: tuple[str, ...]  # Tautan Publikasi, line by line
    notes: tuple[str, ...]  # Catatan Sistem, line by line
    needs_check: tuple[str, ...] = field(default=())  # platforms whose post's outcome is unknown

    @property
    def caption(self) -> str:
        return self.state.row.get(CAPTION, "")


def story(journal: Journal, sop: Sop, zone: Zone, item_id: str) -> Story | None:
    """Everything the journal knows of one item; None when it knows no such item."""
    state = snapshot(journal).states.get(item_id)
    if state is None:
        return None
    contract = Contract(sop)
    events = tuple(_story_event(row, zone) for row in journal.item_events(item_id))
    step = sop.step(state.active) if state.outcome == OPEN and state.active else None
    person = ""
    if step is not None:
        person = state.row.get(contract.actor(step.number), "") or (state.contributor if step.number == 1 else "")
    platforms = tuple(split_platforms(state.row.get(PLATFORM, ""), sop))
    outcomes = _outcomes(journal, sop, state)
    fields = tuple((name, state.row.get(name, "")) for name in (TYPE, SOURCE, PLATFORM, SCHEDULE, STAGE, DUE))
    return Story(
        state=state, title=state.row.get(TITLE, ""), fields=fields, step=step, person=person, events=events,
        approval=_approval(sop, state, events), platforms=platforms, outcomes=outcomes,
        links=_lines(state.row.get(LINKS, "")), notes=_lines(state.row.get(NOTES, "")),
        needs_check=tuple(p for p, o in outcomes.items() if o.state == UNKNOWN_STATE))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _story_event(row: Sequence[str], zone: Zone) -> StoryEvent:
    key, at, step, before, after, actor, remark = row
    try:
        kind = EffectKey.parse(key).kind
    except ValueError:
        kind = ""
    try:
        when: datetime | None = datetime.fromisoformat(at)
    except ValueError:
        when = None
    if when is not None:
        when = when.replace(tzinfo=zone) if when.tzinfo is None else when.astimezone(zone)
    return StoryEvent(at, when, step, before, after, actor, remark, kind)


def _approval(sop: Sop, state: ItemState, events: Sequence[StoryEvent]) -> Approval | None:
    """The approval binding the content now: its digest and files, and who gave it (the last such event)."""
    step = sop.approval_step
    if step is None or not state.approved:
        return None
    approved = {normalise(o.status) for o in step.outcomes if o.goto == NEXT}
    given = next((e for e in reversed(events) if e.step == step.label and normalise(e.after) in approved
                  and e.kind == KeyKind.TRANSITION), None)
    files = tuple(sorted((k.removeprefix(FILE_PREFIX) for k in state.approved if k.startswith(FILE_PREFIX)),
                         key=str.casefold))
    return Approval(short_digest(state.approved), files, given.actor if given else "", given.at if given else "")


def _outcomes(journal: Journal, sop: Sop, state: ItemState) -> dict[str, PlatformOutcome]:
    """Per platform, the newest publish attempt the ledger knows (any activation of the publish step)."""
    publish = next((s for s in sop.steps if s.action == "publish"), None)
    if publish is None:
        return {}
    found: dict[str, PlatformOutcome] = {}
    for activation in range(state.activations.get(publish.number, 0), 0, -1):
        for platform in split_platforms(state.row.get(PLATFORM, ""), sop):
            if platform in found:
                continue
            key = str(EffectKey(state.item_id, publish.number, activation, KeyKind.PUBLISH, platform))
            status, result, error = journal.outcome(key)
            if status is None:
                continue
            if isinstance(result, ActionResult):
                found[platform] = PlatformOutcome(platform, result.state, tuple(link for _, link in result.links),
                                                  result.problem, journal.done_at(key))
            else:
                found[platform] = PlatformOutcome(platform, "", (), error or "", "")
    return found
