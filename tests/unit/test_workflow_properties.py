"""Property tests of the pure workflow rules: many polls of people editing one register row.

A simulated office edits the row at random (statuses, Pelaksana, system columns, item
fields), the daemon decides (`decide_row`) as the engine would, publishing included, and
the invariants of the SOP are checked after every poll.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from automation.domain.contract import (
    CAPTION,
    DUE,
    FOLDER,
    ID,
    LINKS,
    NOTES,
    OFFICER_NOTE,
    PLATFORM,
    SCHEDULE,
    SOURCE,
    STAGE,
    TIME_FORMAT,
    TITLE,
    TYPE,
    Contract,
    Person,
    Roster,
)
from automation.domain.sop import FINISH, NEXT, REJECT, load_sop
from automation.domain.workflow import (
    OPEN,
    PUBLISHED,
    REJECTED,
    ActionResult,
    Context,
    ItemState,
    RowDecision,
    decide_row,
    draft_state,
    is_quiet,
)

SOP = load_sop()
CONTRACT = Contract(SOP)
ITEM = "K-2026-0001"
STEPS = tuple(CONTRACT.step_numbers)
LAST = STEPS[-1]
WAITING, IN_PROGRESS = SOP.waiting, SOP.in_progress
OPEN_MARKS = (WAITING, IN_PROGRESS)
START = datetime(2026, 11, 30, 9, 0)
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
def published_ok(key: str) -> ActionResult:
    """What the engine records once a platform has published: that platform's link."""
    return ActionResult(ok=True, links=((key.rsplit("publish:", 1)[-1], "file:///x"),))

ROSTER = Roster((
    Person("Rina Kontributor", "rina@kontributor.example", "Kontributor", True),
    Person("Sari Tim Konten", "sari@ikp.example", "Tim Konten", True),
    Person("Dimas Desainer", "dimas@ikp.example", "Desainer/Editor", True),
    Person("Budi Ketua Tim", "budi@ikp.example", "Ketua Tim Kerja Humas & Publikasi", True),
    Person("Ratna Kabid IKP", "kabid@ikp.example", "Kabid IKP", True),
    Person("Adi Admin", "adi@ikp.example", "Admin Medsos", True),
))
ROLE_OF_NAME = {p.name: p.role for p in ROSTER.people}


def status(n: int) -> str:
    return CONTRACT.status(n)


def actor(n: int) -> str:
    return CONTRACT.actor(n)


def waktu(n: int) -> str:
    return CONTRACT.time(n)


def forward(n: int) -> str:
    """The status that moves step n on (next, or finish for the last step)."""
    return next(o.status for o in SOP.step(n).outcomes if o.goto in (NEXT, FINISH))


# --- strategies: what people type --------------------------------------------

ALL_OUTCOMES = sorted(SOP.completed_statuses())
SPELLINGS = (str, str.lower, str.upper, lambda s: f" {s.lower()} ", lambda s: f"{s} ")


def spelled(texts) -> st.SearchStrategy[str]:
    """One of the texts, as people type it: any case, stray spaces around."""
    return st.tuples(st.sampled_from(list(texts)), st.sampled_from(SPELLINGS)).map(lambda t: t[1](t[0]))


@dataclass(frozen=True)
class Relative:
    """A time typed relative to the poll's `now` (resolved when the edit is applied)."""

    minutes: int

    def at(self, now: datetime) -> str:
        return (now + timedelta(minutes=self.minutes)).strftime(TIME_FORMAT)


status_values = st.one_of(
    spelled([*ALL_OUTCOMES, WAITING, IN_PROGRESS, ""]),
    st.text(alphabet="abcdeiklnorstu Ä", max_size=8),
)
names = st.one_of(
    spelled([p.name for p in ROSTER.people]),
    st.sampled_from([p.email for p in ROSTER.people]),
    st.sampled_from(["Orang Asing", "tamu@luar.example", "", "  "]),
)
free_text = st.one_of(st.just(""), st.text(alphabet="abc 0123:-K", max_size=12))
SYSTEM_COLUMNS = (STAGE, DUE, FOLDER, LINKS, NOTES)
item_edits = st.one_of(
    st.tuples(st.just(TITLE), st.sampled_from(["", "Festival Kuliner", "  "])),
    st.tuples(st.just(TYPE), st.sampled_from(["", "Infografis", "video", "Poster"])),
    st.tuples(st.just(SOURCE), st.sampled_from(["", "Pemkot Yogyakarta", "pemda diy", "Koran"])),
    st.tuples(st.just(PLATFORM), st.sampled_from(["", "Instagram", "instagram, x", "Myspace"])),
    st.tuples(st.just(CAPTION), free_text),
    st.tuples(st.just(OFFICER_NOTE), st.sampled_from(["", "Perbaiki warna judul", "  "])),
    st.tuples(st.just(SCHEDULE), st.one_of(
        st.just(""), st.integers(-600, 600).map(Relative), st.sampled_from(["besok pagi", "2026-13-01 09:00"]))),
)
any_step = st.sampled_from(STEPS)
own_status_edit = st.one_of([st.tuples(st.just(status(n)), spelled(SOP.step(n).statuses)) for n in STEPS])
random_edit = st.one_of(
    st.tuples(any_step.map(status), status_values),
    own_status_edit,
    st.tuples(any_step.map(actor), names),
    st.tuples(any_step.map(waktu), st.one_of(free_text, st.just("2026-11-30 09:00"))),
    st.tuples(st.sampled_from(SYSTEM_COLUMNS), free_text),
    item_edits,
)


@functools.cache
def move(active: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """The waiting step's person sets a status: mostly the one that moves on, sometimes another."""
    if not active:
        return st.lists(random_edit, min_size=1, max_size=1)
    own = SOP.step(active).statuses
    value = st.one_of(spelled([forward(active)]), spelled([*own, IN_PROGRESS, WAITING, ""]))
    decision = st.lists(st.tuples(st.just(status(active)), value), min_size=1, max_size=1)
    reason = st.just([(OFFICER_NOTE, "Perbaiki warna judul")])
    return st.one_of(decision, st.tuples(reason, decision).map(lambda t: t[0] + t[1]))


@functools.cache
def edit_batch(active: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """What people changed in the row between two polls."""
    noise = st.lists(random_edit, max_size=4)
    return st.one_of(
        move(active),
        move(active),
        noise,
        st.tuples(noise, move(active)).map(lambda t: t[0] + t[1]),
        st.tuples(move(active), noise).map(lambda t: t[0] + t[1]),
    )


# --- the simulated engine ----------------------------------------------------

@dataclass
class Poll:
    previous: ItemState
    observed: dict[str, str]
    decision: RowDecision  # merged, as the engine merges the publish re-decision
    now: datetime


def merged(first: RowDecision, second: RowDecision) -> RowDecision:
    """As engine._merge: the second decision's row and state, both decisions' events, effects, notes."""
    out = dataclasses.replace(second)
    for f in dataclasses.fields(RowDecision):
        a, b = getattr(first, f.name), getattr(second, f.name)
        if isinstance(a, list):
            setattr(out, f.name, a + b)
        elif isinstance(a, dict) and f.name != "row":
            setattr(out, f.name, {**a, **b})
    return out


@dataclass
class Office:
    """One register row, the journal's state for it, and the daemon deciding as the engine does."""

    now: datetime = START
    performed: set[str] = field(default_factory=set)
    sheet: dict[str, str] = field(default_factory=dict)
    state: ItemState | None = None
    keys: list[str] = field(default_factory=list)
    polls: list[Poll] = field(default_factory=list)

    @classmethod
    def new(cls, edits: list[tuple[str, str]], title: str = "Festival Kuliner") -> Office:
        office = cls()
        observed = {h: "" for h in CONTRACT.register_headers}
        observed[TITLE] = title
        for column, value in edits:
            observed[column] = value.at(START) if isinstance(value, Relative) else value
        if not observed[TITLE].strip():
            observed[TITLE] = title  # the engine only drafts rows that have a title
        observed[ID] = ""
        office.sheet = observed
        office.state = draft_state(CONTRACT, ITEM, observed)
        return office

    def context(self, performed: frozenset[str]) -> Context:
        workload: dict[str, int] = {}
        if self.state.outcome == OPEN and self.state.active:
            name = self.state.row.get(actor(self.state.active), "")
            if name:
                workload[name] = 1
        return Context(sop=SOP, contract=CONTRACT, roster=ROSTER, now=self.now, workload=workload,
                       recorded=lambda key: None,
                       results=lambda key: published_ok(key) if key in performed else None)

    def decide(self, previous: ItemState, observed: dict[str, str]) -> RowDecision:
        performed = frozenset(self.performed)
        decision = decide_row(self.context(performed), previous, dict(observed))
        # 5. determinism: the same decision replayed (after a crash) gives the same keys and row
        again = decide_row(self.context(performed), previous, dict(observed))
        assert [e.key for e in again.events] == [e.key for e in decision.events]
        assert [f.key for f in again.effects] == [f.key for f in decision.effects]
        assert again.events == decision.events and again.effects == decision.effects
        assert again.row == decision.row and again.state == decision.state
        # 6. a decision that changed nothing holds until its `until`: decided again with the same inputs at
        # any time before it, it is the same (the engine then skips the row), and the clock passing a
        # time rule (reminder, escalation, overdue, a schedule) always sets `until` at or before that rule
        if is_quiet(decision, previous, observed):
            latest = decision.until - timedelta(minutes=1) if decision.until else self.now + timedelta(days=30)
            for later in {self.now + timedelta(minutes=1), latest}:
                if later <= self.now or (decision.until is not None and later >= decision.until):
                    continue  # only the instants before `until` are promised the same decision
                context = self.context(performed)
                context.now = later
                other = decide_row(context, previous, dict(observed))
                assert (other.events, other.effects, other.row, other.state, other.until) == (
                    decision.events, decision.effects, decision.row, decision.state, decision.until), later
        return decision

    def poll(self, edits: list[tuple[str, str]], minutes: int = 1) -> Poll:
        self.now += timedelta(minutes=minutes)
        observed = dict(self.sheet)
        for column, value in edits:
            observed[column] = value.at(self.now) if isinstance(value, Relative) else value
        previous = self.state
        decision = self.decide(previous, observed)
        publishes = [e for e in decision.effects if e.kind == "publish"]
        if publishes:
            for effect in publishes:
                assert effect.key not in self.performed, "published twice"
                self.performed.add(effect.key)
            decision = merged(decision, self.decide(decision.state, decision.row))
        poll = Poll(previous, observed, decision, self.now)
        check_poll(poll)
        new_keys = [e.key for e in decision.events]
        assert len(set(new_keys)) == len(new_keys), f"duplicate event keys in one poll: {new_keys}"
        assert not set(new_keys) & set(self.keys), f"event keys reused: {set(new_keys) & set(self.keys)}"
        self.keys.extend(new_keys)
        self.polls.append(poll)
        self.sheet = dict(decision.row)
        self.state = decision.state
        return poll


# --- the properties ----------------------------------------------------------

def completed(n: int, value: str) -> bool:
    return value in SOP.step(n).statuses


def check_poll(poll: Poll) -> None:
    previous, decision = poll.previous, poll.decision
    row, state = decision.row, decision.state
    assert state.row == row, "the journal must hold the row the daemon writes"

    # 7. only the step's own statuses (canonical), Menunggu, Proses or blank are ever accepted
    for n in STEPS:
        value = row[status(n)]
        assert value in ("", *OPEN_MARKS, *SOP.step(n).statuses), f"{status(n)} = {value!r}"

    # 8. a decision waiting for its reason is one that needs a reason, on the active step, with no reason given
    for column, value in state.held.items():
        assert state.outcome == OPEN and column == status(state.active), (column, state.active)
        outcome = SOP.step(state.active).outcome(value)
        assert outcome is not None and outcome.note_required and row[column] == value
        assert not row[OFFICER_NOTE].strip()

    def held(n: int) -> bool:
        return state.outcome == OPEN and n == state.active and status(n) in state.held

    # 1. exactly one waiting step while open, none once ended
    waiting = [n for n in STEPS if row[status(n)] in OPEN_MARKS or held(n)]
    if state.outcome == OPEN:
        assert waiting == [state.active], f"waiting {waiting}, active {state.active}"
    else:
        assert state.active == 0 and waiting == []

    # 2. never a completed step after an unfinished one
    unfinished = False
    for n in STEPS:
        value = row[status(n)]
        if unfinished:
            assert value == "", f"{status(n)} = {value!r} after an unfinished step"
        if not completed(n, value) or held(n):
            unfinished = True
    # ...and, precisely, the shape of the row for the item's outcome
    ending = [n for n in STEPS if (o := SOP.step(n).outcome(row[status(n)])) and o.ends_item and not held(n)]
    if state.outcome == OPEN:
        assert ending == []
        last_done = state.active - 1
    else:
        assert len(ending) == 1
        goto = SOP.step(ending[0]).outcome(row[status(ending[0])]).goto
        assert goto == (REJECT if state.outcome == REJECTED else FINISH)
        last_done = ending[0]
    for n in STEPS:
        value = row[status(n)]
        if n < last_done or (n == last_done and state.outcome == OPEN):
            assert SOP.step(n).outcome(value).goto == NEXT, f"{status(n)} = {value!r}"
        elif n > last_done and n != state.active:
            assert (row[status(n)], row[waktu(n)]) == ("", ""), f"step {n} not blank"
            assert row[actor(n)] == "", f"{actor(n)} = {row[actor(n)]!r}"

    # 3. the waiting step is the active one, Tahap names it, completed steps carry their time
    if state.outcome == OPEN:
        assert row[STAGE].startswith(f"{state.active}."), row[STAGE]
    else:
        assert row[STAGE] == ("Terbit" if state.outcome == PUBLISHED else "Ditolak")
        assert row[DUE] == ""
    for n in STEPS:
        if completed(n, row[status(n)]) and not held(n):
            assert STAMP.match(row[waktu(n)]), f"{waktu(n)} = {row[waktu(n)]!r}"
            datetime.strptime(row[waktu(n)], TIME_FORMAT)
        else:
            assert row[waktu(n)] == "", f"{waktu(n)} = {row[waktu(n)]!r} on an unfinished step"

    check_transitions_logged(poll)

    # 6. once ended, nothing but the notes changes
    if previous.outcome != OPEN:
        assert state.outcome == previous.outcome and state.active == 0
        assert not [e for e in decision.events if e.key.endswith("/transition")]
        for column in CONTRACT.register_headers:
            if column not in (NOTES, OFFICER_NOTE):  # free text: the system's notes, the person's reason
                assert row[column] == previous.row[column], f"{column} changed after the end"


def parse_key(key: str) -> tuple[str, int, int, str]:
    item, step, activation, what = key.split("/", 3)
    return item, int(step), int(activation), what


def check_transitions_logged(poll: Poll) -> None:
    """4. The transition events are exactly the chain that leads from the old row to the new one.

    Replaying the events in order from the previous state must: take only the step that is
    waiting at that moment, with the activation it has then; reach the new active step, the
    new activation counts and the new outcome; and explain every status in the new row.
    """
    previous, decision = poll.previous, poll.decision
    old, row, state = previous.row, decision.row, decision.state
    stamp = poll.now.strftime(TIME_FORMAT)
    active, outcome = previous.active, previous.outcome
    activations = dict(previous.activations)
    last_event: dict[int, int] = {}  # step -> index of its last transition in the chain
    cleared_from: list[tuple[int, int]] = []  # (index, first step cleared) for each revision
    # a reopened approval (the approved content changed before publishing) goes back like a revision
    transitions = [e for e in decision.events if e.key.endswith(("/transition", "/reopened"))]
    for index, logged in enumerate(transitions):
        item, n, activation, _ = parse_key(logged.key)
        assert item == ITEM and outcome == OPEN
        assert n == active, f"transition of step {n} while step {active} waits"
        assert activation == activations.get(n, 1), f"{logged.key}: activation {activations.get(n, 1)}"
        if logged.key.endswith("/reopened"):
            assert SOP.approval_step is not None and SOP.step(n).action == "publish", logged
            active = SOP.approval_step.number
            cleared_from.append((index, active))
            activations[active] = activations.get(active, 0) + 1
            continue
        taken = SOP.step(n).outcome(logged.after)
        assert taken is not None and taken.status == logged.after, logged
        last_event[n] = index
        if taken.goto == NEXT:
            active = n + 1
        elif taken.is_revision:
            active = taken.goto
            cleared_from.append((index, taken.goto))
        else:
            active, outcome = 0, (REJECTED if taken.goto == REJECT else PUBLISHED)
        if active:
            activations[active] = activations.get(active, 0) + 1
    assert (active, outcome) == (state.active, state.outcome)
    assert activations == dict(state.activations)

    for n in STEPS:
        cleared = any(start <= n and index > last_event.get(n, -1) for index, start in cleared_from)
        if n in last_event and not cleared:
            logged = transitions[last_event[n]]
            taken = SOP.step(n).outcome(logged.after)
            if not taken.is_revision:  # a revision clears its own step too
                assert row[status(n)] == logged.after and row[waktu(n)] == stamp, (n, logged)
        elif not cleared and completed(n, old[status(n)]) and status(n) not in previous.held:
            assert (row[status(n)], row[waktu(n)]) == (old[status(n)], old[waktu(n)]), n
        # forwards: a status that became a completed outcome was logged as a transition
        waits = n == state.active and status(n) in state.held  # a decision waiting for its reason
        if completed(n, row[status(n)]) and not completed(n, old[status(n)]) and not waits:
            assert n in last_event, f"{status(n)} became {row[status(n)]!r} without a transition event"


def check_actors(row: dict[str, str]) -> None:
    """The Pelaksana of steps 2..7 is always an active member of the step's role (or the daemon)."""
    for n in STEPS[1:]:
        name = row[actor(n)]
        allowed = name == "" or ROLE_OF_NAME.get(name) == SOP.step(n).role
        if SOP.step(n).action:
            allowed = allowed or name == "sop-konten"
        assert allowed, f"{actor(n)} = {name!r} is not an active {SOP.step(n).role}"


FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The properties that find the two bugs described below: fewer examples, no slow 'explain' phase.
BUG_HUNT = settings(FAST, max_examples=150, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])


@pytest.mark.slow
@FAST
@given(data=st.data())
def test_random_edits_keep_the_register_consistent(data):
    """Properties 1-7 after every poll of a random run."""
    first = data.draw(edit_batch(1), label="typed into the new row")
    office = Office.new(first)
    office.poll([], minutes=0)
    polls = data.draw(st.integers(1, 30), label="polls")
    for _ in range(polls):
        edits = data.draw(edit_batch(office.state.active), label="edits")
        minutes = data.draw(st.integers(0, 240), label="minutes")
        office.poll(edits, minutes)
    reached = max((p.decision.state.active for p in office.polls), default=1)
    event(f"ended {office.state.outcome}" if office.state.outcome != OPEN else f"open, reached step {reached}")
    if office.state.activations.get(4, 0) > 1:
        event("revised")


@pytest.mark.slow
@FAST
@given(data=st.data())
def test_once_ended_every_edit_is_undone(data):
    """6. Drive an item to its end quickly, then let people edit at will."""
    office = Office.new([(status(1), "Diajukan"), (PLATFORM, "Instagram")])
    office.poll([], minutes=0)
    reject_at = data.draw(st.sampled_from([None, 2, 6]), label="reject at")
    while office.state.outcome == OPEN:
        n = office.state.active
        value = "Ditolak" if n == reject_at else forward(n)
        office.poll([(status(n), value), *([(OFFICER_NOTE, "Sudah diliput.")] if value == "Ditolak" else [])])
    ended = dict(office.sheet)
    for _ in range(data.draw(st.integers(1, 8), label="polls")):
        edits = data.draw(edit_batch(0), label="edits")
        office.poll(edits, data.draw(st.integers(0, 600), label="minutes"))
        for column in CONTRACT.register_headers:
            if column not in (NOTES, OFFICER_NOTE):  # free text, the daemon's and the person's
                assert office.sheet[column] == ended[column], column


def test_a_full_run_publishes_once_with_its_times():
    office = Office.new([(actor(1), "rina@kontributor.example"), (status(1), "Diajukan"),
                         (PLATFORM, "Instagram, X"), (TYPE, "Infografis")])
    office.poll([], minutes=0)
    for n in range(2, LAST):
        office.poll([(status(n), forward(n))], minutes=5)
    assert office.state.outcome == PUBLISHED
    assert office.sheet[status(LAST)] == "Terbit"
    assert office.sheet[LINKS] == "Instagram: file:///x\nX: file:///x"
    assert len(office.performed) == 2  # one publication per platform
    transitions = [k for k in office.keys if k.endswith("/transition")]
    assert transitions == [f"{ITEM}/{n}/1/transition" for n in STEPS]


# --- Pelaksana ---------------------------------------------------------------

@pytest.mark.slow
@BUG_HUNT
@given(data=st.data())
def test_accepted_pelaksana_is_an_active_member_of_the_role(data):
    """People may name only an active member of the step's role as its Pelaksana (steps 2..7)."""
    office = Office.new([(status(1), "Diajukan")])
    office.poll([], minutes=0)
    check_actors(office.sheet)
    for _ in range(data.draw(st.integers(1, 8), label="polls")):
        named = st.lists(st.tuples(any_step.map(actor), names), max_size=2)
        batch = st.tuples(named, st.lists(random_edit, max_size=2), move(office.state.active))
        pelaksana, noise, decision = data.draw(batch, label="Pelaksana typed, noise, decision")
        office.poll(pelaksana + noise + decision)
        check_actors(office.sheet)


def test_completing_a_step_with_an_unknown_pelaksana_keeps_the_assigned_member():
    """Found by the property above: a Pelaksana typed together with the step's outcome skips the
    roster check that a Pelaksana typed on its own gets (`_transition` takes `seen` actor as is)."""
    office = Office.new([(status(1), "Diajukan")])
    office.poll([], minutes=0)
    assert office.sheet[actor(2)] == "Sari Tim Konten"
    office.poll([(actor(2), "Orang Asing")])  # alone: undone, as it should be
    assert office.sheet[actor(2)] == "Sari Tim Konten"
    office.poll([(actor(2), "Orang Asing"), (status(2), "Diterima")])  # with the outcome: accepted
    assert office.state.active == 3
    check_actors(office.sheet)


def final_statuses_edited(poll: Poll) -> dict[int, str]:
    """Steps whose status was final before the poll and that a person retyped or changed (a decision
    still waiting for its reason is not final: it may be changed)."""
    old = poll.previous.row
    return {n: poll.observed[status(n)] for n in STEPS
            if completed(n, old[status(n)]) and poll.observed[status(n)] != old[status(n)]
            and status(n) not in poll.previous.held}


@pytest.mark.slow
@BUG_HUNT
@given(data=st.data())
def test_an_edit_to_a_final_status_is_never_taken_as_a_decision(data):
    """A status that was final when the person edited it is undone, even if the step reopens in that poll."""
    office = Office.new([(status(1), "Diajukan"), (PLATFORM, "")])
    office.poll([], minutes=0)
    reach = data.draw(st.sampled_from(STEPS[1:-1]), label="first reach step")
    while office.state.active < reach:
        office.poll([(status(office.state.active), forward(office.state.active))])
    for _ in range(data.draw(st.integers(1, 6), label="polls")):
        active = office.state.active
        own = spelled(SOP.step(active).statuses) if active else st.just("")
        batch = st.tuples(st.lists(own_status_edit, max_size=3), st.lists(random_edit, max_size=2), own)
        retyped, noise, decision = data.draw(batch, label="retyped final statuses, noise, decision")
        poll = office.poll(retyped + noise + ([(status(active), decision)] if active else []))
        taken = {parse_key(e.key)[1] for e in poll.decision.events if e.key.endswith("/transition")}
        edited = final_statuses_edited(poll)
        assert not taken & set(edited), f"final status edits {edited} taken as transitions"


def test_revisi_is_not_undone_by_a_respelled_final_status():
    """Found by the property above. Step 5 waits; Budi sets Revisi, and the Desain cell, final and
    showing 'Selesai', is retyped ' selesai'. Alone, that retyping is undone ('sudah final'); together
    with the Revisi it completes the reopened step 4 (activation 2) in the same poll, so the revision
    never reaches the designer: step 5 waits again and the log shows 'Desain: Selesai -> Selesai'."""
    office = Office.new([(status(1), "Diajukan"), (PLATFORM, "")])
    office.poll([], minutes=0)
    for n in (2, 3, 4):
        office.poll([(status(n), forward(n))])
    assert office.state.active == 5
    alone = office.poll([(status(4), " selesai")])
    assert alone.decision.cell_notes[status(4)].endswith("sudah final dan tidak dapat diubah; dikembalikan.")
    assert office.sheet[status(4)] == "Selesai" and office.state.active == 5
    office.poll([(status(5), "Revisi"), (OFFICER_NOTE, "Perbaiki warna judul"), (status(4), " selesai")])
    assert office.state.active == 4, "the Revisi must leave step 4 waiting for the designer"
    assert office.sheet[status(4)] == WAITING and office.sheet[status(5)] == ""
    assert office.state.activations[4] == 2


# --- Revisi loops --------------------------------------------------------------

class RevisionLoops(RuleBasedStateMachine):
    """Repeated Revisi from steps 5 and 6 reopen step 4 with a new activation and clear 5..7."""

    @initialize(platform=st.sampled_from(["", "Instagram"]))
    def start(self, platform):
        self.office = Office.new([(status(1), "Diajukan"), (PLATFORM, platform)])
        self.office.poll([], minutes=0)
        self.entered: dict[int, int] = {1: 1, 2: 1}  # the model: how often each step became active

    @property
    def state(self) -> ItemState:
        return self.office.state

    def _enter(self, n: int) -> None:
        self.entered[n] = self.entered.get(n, 0) + 1

    @precondition(lambda self: self.state.outcome == OPEN and self.state.active < LAST)
    @rule(spelling=st.sampled_from([str, str.lower, str.upper, lambda s: f" {s.lower()} "]),
          minutes=st.integers(0, 120))
    def complete_waiting_step(self, spelling, minutes):
        n = self.state.active
        self.office.poll([(status(n), spelling(forward(n)))], minutes)
        assert self.state.active == n + 1 or (n + 1 == LAST and self.state.outcome == PUBLISHED)
        self._enter(n + 1)

    @precondition(lambda self: self.state.outcome == OPEN and self.state.active in (5, 6))
    @rule(spelling=st.sampled_from([str, str.lower, lambda s: f" {s.upper()}"]), minutes=st.integers(0, 120),
          proses=st.booleans())
    def revisi(self, spelling, minutes, proses):
        n = self.state.active
        before = self.state
        edits = [(status(n), spelling("Revisi")), (OFFICER_NOTE, "Perbaiki warna judul")]
        poll = self.office.poll(edits, minutes)
        self._enter(4)
        event(f"Revisi from step {n}, step 4 now activation {min(self.entered[4], 4)}{'+' * (self.entered[4] > 4)}")
        state, row = self.state, self.office.sheet
        assert state.active == 4
        assert state.activations[4] == before.activations[4] + 1
        assert {k: v for k, v in state.activations.items() if k != 4} == \
               {k: v for k, v in before.activations.items() if k != 4}
        assert row[status(4)] == WAITING and row[waktu(4)] == ""
        assert row[actor(4)] == "Dimas Desainer"  # the designer gets the revision back
        for later in range(5, LAST + 1):
            assert (row[status(later)], row[waktu(later)], row[actor(later)]) == ("", "", ""), later
        for earlier in range(1, 4):
            assert row[status(earlier)] == before.row[status(earlier)]
            assert row[waktu(earlier)] == before.row[waktu(earlier)]
        keys = [e.key for e in poll.decision.events if e.key.endswith("/transition")]
        assert keys == [f"{ITEM}/{n}/{before.activations[n]}/transition"]
        templates = [f.params.get("template") for f in poll.decision.effects if f.kind == "notify"]
        assert templates == ["revision"]
        if proses:
            self.office.poll([(status(4), "proses")])
            assert self.office.sheet[status(4)] == IN_PROGRESS

    @rule(minutes=st.integers(0, 600))
    def idle(self, minutes):
        before = self.office.sheet
        self.office.poll([], minutes)
        if self.state.outcome != OPEN:
            assert self.office.sheet == before

    @invariant()
    def activations_follow_the_model(self):
        assert dict(self.state.activations) == self.entered

    @invariant()
    def nothing_after_the_waiting_step(self):
        if self.state.outcome == OPEN:
            for later in range(self.state.active + 1, LAST + 1):
                assert self.office.sheet[status(later)] == ""


RevisionLoops.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestRevisionLoops = pytest.mark.slow(RevisionLoops.TestCase)
