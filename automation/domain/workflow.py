"""The workflow rules: what the register looked like + what it looks like now -> decisions.

Pure: no I/O and no clock. The engine passes in the time and the results of
actions already performed; `decide_row` returns the row as it must look, the
new item state, the audit events and the effects to perform. Effects and
events carry idempotency keys built from (item, step, activation), so that
deciding the same change twice (after a crash) yields the same keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from automation.domain.approval import approved_content, content_changes, short_digest
from automation.domain.contract import (
    CAPTION,
    DUE,
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
from automation.domain.fields import canonical_field, field_warnings, parse_time, split_platforms
from automation.domain.keys import EffectKey, EffectKind, KeyKind
from automation.domain.results import (
    MANUAL_STATE,
    PUBLISHED_STATE,
    RETRYING_STATE,
    UNKNOWN_STATE,
    ActionResult,
)
from automation.domain.sop import FINISH, NEXT, REJECT, Outcome, Sop, Step, canonical, normalise
from automation.domain.texts import register as texts
from automation.domain.texts.register import CREATED_REMARK

OPEN, PUBLISHED, REJECTED = "open", "published", "rejected"
EDITABLE_ITEM_FIELDS = (TITLE, TYPE, SOURCE, PLATFORM, SCHEDULE, CAPTION)


@dataclass(frozen=True)
class ItemState:
    """What the daemon last accepted for one item: the journal's record of a row."""

    item_id: str
    row: Mapping[str, str]
    active: int  # the waiting step; 0 once the item has ended
    outcome: str = OPEN
    activations: Mapping[int, int] = field(default_factory=dict)
    activated_at: str = ""  # ISO time the active step became active
    contributor: str = ""  # e-mail or name of who proposed the item
    warnings: tuple[str, ...] = ()  # standing problems shown in Catatan Sistem
    version: int = 0  # grows with every accepted decision; 0 = never seen before
    overdue: bool = False  # the active step has waited longer than its standard
    approved: Mapping[str, str] = field(default_factory=dict)  # part -> SHA-256 at the approval (approval.py)
    # column -> the value whose undo is already told; an edit that cannot be undone (merged cells) is told once
    undone: Mapping[str, str] = field(default_factory=dict)
    # status column -> a decision typed but waiting for its reason in Catatan Petugas (kept in the cell)
    held: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    key: str
    item_id: str
    step: str
    before: str
    after: str
    actor: str
    remark: str


@dataclass(frozen=True)
class Effect:
    key: str  # str(EffectKey)
    kind: EffectKind
    item_id: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class Completion:
    """One activation of a step, from the moment it waited to the status that ended it."""

    item_id: str
    step: int
    activation: int
    started_at: str  # ISO
    ended_at: str  # ISO
    status: str
    actor: str


@dataclass
class RowDecision:
    item_id: str
    state: ItemState
    row: dict[str, str]  # the row as it must look
    events: list[Event] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    cell_notes: dict[str, str] = field(default_factory=dict)  # column -> why the edit was undone
    completions: list[Completion] = field(default_factory=list)
    # The first instant after ctx.now at which a time rule this decision compared with the clock (reminder,
    # escalation, overdue, a scheduled publication) turns out differently; None: no such rule is pending.
    # Decided again with the same inputs before it, the decision is the same (see `holds_until`).
    until: datetime | None = None

    @property
    def accepted_transition(self) -> bool:
        return any(EffectKey.parse(e.key).is_a(KeyKind.TRANSITION) for e in self.events)


@dataclass
class Context:
    """Everything a decision needs besides the row: pure inputs."""

    sop: Sop
    contract: Contract
    roster: Roster
    now: datetime
    due: Callable[[datetime, float], datetime] = lambda start, minutes: start + timedelta(minutes=minutes)
    workload: dict[str, int] = field(default_factory=dict)  # person name -> open items
    recorded: Callable[[str], str | None] = lambda key: None  # time already journaled for an event key
    results: Callable[[str], ActionResult | None] = lambda key: None
    # the item's files now, name -> the store's content hash; None when they cannot be read now
    contents: Callable[[str], Mapping[str, str] | None] = lambda item_id: {}
    # notes for the files in the item's folder that are never read (links, special files)
    refused_files: Callable[[str], Sequence[str]] = lambda item_id: ()
    # the register has a Catatan Petugas column: decisions that need a reason wait for one
    officer_notes: bool = True

    @property
    def stamp(self) -> str:
        return self.now.strftime(TIME_FORMAT)


def draft_state(contract: Contract, item_id: str, observed: Mapping[str, str]) -> ItemState:
    """The state of a row seen for the first time: step 1 open, nothing decided yet.

    Everything a person typed counts as unchanged except the step cells, so a
    status typed into the new row is judged like any other status edit.
    """
    row = {h: observed.get(h, "") for h in contract.register_headers}
    row[ID] = item_id
    for n in contract.step_numbers:
        row[contract.status(n)] = ""
        if n > 1:
            row[contract.actor(n)] = ""
            row[contract.time(n)] = ""
    row[contract.time(1)] = ""
    return ItemState(item_id=item_id, row=row, active=1, activations={1: 1})


def decide_row(ctx: Context, previous: ItemState, observed: Mapping[str, str]) -> RowDecision:
    return _Decider(ctx, previous, observed).run()


class _Decider:
    def __init__(self, ctx: Context, previous: ItemState, observed: Mapping[str, str]):
        self.ctx, self.sop, self.c = ctx, ctx.sop, ctx.contract
        self.previous = previous
        self.seen = {h: observed.get(h, "") for h in self.c.register_headers}
        self.row = dict(previous.row)
        self.row[ID] = previous.item_id
        self.state = previous
        self.events: list[Event] = []
        self.effects: list[Effect] = []
        self.cell_notes: dict[str, str] = {}
        self.notes: list[str] = []  # one-off notes of this decision
        self.transitioned = False
        self.consumed: set[str] = set()  # status cells a transition has taken up
        self.completions: list[Completion] = []
        self.approval_event: int | None = None  # index in events of an approval made in this decision
        self.decision_notes: dict[int, str] = {}  # step -> the reason recorded with its decision now
        # undos told earlier whose cell still holds the same value: not told again
        self.undone = {c: v for c, v in previous.undone.items() if self.seen.get(c) == v}
        self.held: dict[str, str] = {}  # decisions waiting for a reason, found again in this decision
        self.until: datetime | None = None  # see RowDecision.until
        for column in previous.held:
            self.row[column] = self.sop.waiting  # accepted is "waiting"; the typed decision is only shown

    # -- main -------------------------------------------------------------
    def run(self) -> RowDecision:
        if self.previous.version == 0:
            self._created()
        self._apply_transitions()
        self._apply_action_results()
        self._reconcile_cells()
        self._bind_approval()
        self._assign_missing_actor()
        self._start_action()
        self._time_standards()
        self._drop_finished_tasks()
        self._write_notes()
        return RowDecision(self.state.item_id, self.state, self.row, self.events, self.effects, self.cell_notes,
                           self.completions, self.until)

    def _reached(self, instant: datetime) -> bool:
        """Whether the clock is at or past `instant`; every comparison of a rule with the clock goes
        through here, so the decision knows until when it holds."""
        if self.ctx.now >= instant:
            return True
        if self.until is None or instant < self.until:
            self.until = instant
        return False

    def _created(self) -> None:
        for column in EDITABLE_ITEM_FIELDS:
            self.row[column] = canonical_field(column, self.row[column], self.sop)
        self.row[STAGE] = self.sop.first.label
        self.state = replace(self.state, activated_at=self.ctx.now.isoformat())
        self.events.append(Event(self._key(1, 1, KeyKind.CREATED), self.state.item_id, self.sop.first.label, "",
                                 self.sop.waiting, self.seen[self.c.actor(1)], CREATED_REMARK))
        self._place(self.sop.stage_of(1))
        self._tell_contributor(KeyKind.RECEIVED, 1, 1)

    def _tell_contributor(self, kind: KeyKind, step_number: int, activation: int, **params: str) -> None:
        """The contributor hears of their idea: received, accepted, rejected, published."""
        contributor = self._contributor()
        if contributor is None or not contributor.email:
            return
        self._effect(EffectKind.NOTIFY, step_number, activation, kind, contributor.email,
                     template=str(kind), to=contributor.email, to_name=contributor.name, step=str(step_number),
                     **params)

    def _person_changed(self, column: str) -> bool:
        return self.seen[column] != self.previous.row.get(column, "")

    def _apply_transitions(self) -> None:
        while self.state.outcome == OPEN:
            step = self.sop.step(self.state.active)
            column = self.c.status(step.number)
            before = self.previous.row.get(column, "")
            waiting = normalise(self.previous.held.get(column, "")) == normalise(self.seen[column]) != ""
            if column in self.consumed or (normalise(self.seen[column]) == normalise(before) and not waiting):
                return  # no new decision (a final status merely retyped is not one)
            outcome = step.outcome(self.seen[column])
            if outcome is None or not self._guard(step, outcome):
                return
            self.consumed.add(column)
            actor_column = self.c.actor(step.number)
            if self._person_changed(actor_column) and actor_column not in self.consumed:
                self.consumed.add(actor_column)  # a Pelaksana typed with the decision is checked like any other
                self._reconcile_actor(step.number, self.seen[actor_column])
            self._transition(step, outcome, self.row[actor_column])

    def _guard(self, step: Step, outcome: Outcome) -> bool:
        if step.number == 1 and not self.seen[TITLE].strip():
            self._reject(self.c.status(1), texts.TITLE_REQUIRED)
            return False
        if outcome.note_required and self.ctx.officer_notes and not self.seen[OFFICER_NOTE].strip():
            column = self.c.status(step.number)
            self.held[column] = outcome.status
            self.row[column] = outcome.status  # the decision stays in the cell and waits for its reason
            return False
        if self._approves(step, outcome) and self.ctx.contents(self.state.item_id) is None:
            self._reject(self.c.status(step.number), texts.approval_files_unreadable(step, outcome.status))
            return False  # what would be approved cannot be established now
        return True

    def _approves(self, step: Step, outcome: Outcome) -> bool:
        approval = self.sop.approval_step
        return approval is not None and step.number == approval.number and outcome.goto == NEXT

    def _content_now(self) -> dict[str, str] | None:
        files = self.ctx.contents(self.state.item_id)
        return None if files is None else approved_content(files, self.row, self.sop)

    def _transition(self, step: Step, outcome: Outcome, actor: str, remark: str = "") -> None:
        n = step.number
        activation = self.state.activations.get(n, 1)
        key = self._key(n, activation, KeyKind.TRANSITION)
        at = self.ctx.recorded(key) or self.ctx.stamp
        self.row[self.c.status(n)] = outcome.status
        self.row[self.c.time(n)] = at
        self.row[self.c.actor(n)] = actor
        if n == 1 and actor and not self.state.contributor:
            self.state = replace(self.state, contributor=actor)
        if outcome.goto == NEXT:
            target = n + 1
            remark = remark or texts.moved_to(self.sop.step(target))
            if self._approves(step, outcome):
                self.approval_event = len(self.events)  # bound once the person's other edits are in the row
            if n == 2 and any(o.goto == REJECT for o in step.outcomes):
                self._tell_contributor(KeyKind.ACCEPTED, n, activation)
        elif isinstance(outcome.goto, int):
            target = outcome.goto
            remark = remark or texts.revision_to(self.sop.step(target))
        else:
            target = 0
            remark = remark or (texts.REJECTED_REMARK if outcome.goto == REJECT else texts.PUBLISHED_REMARK)
        note = self.seen[OFFICER_NOTE].strip() if OFFICER_NOTE not in self.consumed else ""
        if note:
            remark = f"{remark} {texts.officer_note_remark(note)}"
            self.row[OFFICER_NOTE] = ""  # recorded in the Log: the cell is free for the next decision
            self.consumed.add(OFFICER_NOTE)
        self.decision_notes[n] = note
        ended = datetime.strptime(at, TIME_FORMAT).replace(tzinfo=self.ctx.now.tzinfo)
        self.completions.append(Completion(self.state.item_id, n, activation,
                                           self.state.activated_at or ended.isoformat(), ended.isoformat(),
                                           outcome.status, actor))
        before = self.previous.row.get(self.c.status(n), "") or self.sop.waiting
        self.events.append(Event(key, self.state.item_id, step.label, before, outcome.status, actor, remark))
        if actor in self.ctx.workload:
            self.ctx.workload[actor] = max(0, self.ctx.workload[actor] - 1)
        self.transitioned = True
        if target:
            extra = {"note": note, "by": actor, "from_step": str(n)} if isinstance(outcome.goto, int) else None
            self._activate(target, reuse_actor=isinstance(outcome.goto, int), extra=extra)
        else:
            self._end(REJECTED if outcome.goto == REJECT else PUBLISHED, n, activation, note)

    def _bind_approval(self) -> None:
        """Record what was approved: the row as the approver left it (caption, platforms, schedule) and the files."""
        if self.approval_event is None:
            return
        content = self._content_now()
        if content is None:  # unreachable: the guard took the approval only with readable files
            return
        self.state = replace(self.state, approved=content)
        event = self.events[self.approval_event]
        self.events[self.approval_event] = replace(
            event, remark=f"{event.remark} {texts.approval_digest(short_digest(content))}")

    def _activate(self, number: int, reuse_actor: bool, template: str = "",
                  extra: Mapping[str, str] | None = None) -> None:
        for later in range(number, len(self.sop.steps) + 1):
            for column in (self.c.actor(later), self.c.status(later), self.c.time(later)):
                if later > number or column != self.c.actor(later):
                    self.row[column] = ""
        step = self.sop.step(number)
        activations = dict(self.state.activations)
        activations[number] = activations.get(number, 0) + 1
        self.state = replace(self.state, active=number, activations=activations,
                             activated_at=self.ctx.now.isoformat())
        previous_actor = self.row[self.c.actor(number)]
        self.row[self.c.actor(number)] = ""
        person = None
        if reuse_actor and previous_actor:
            found = self.ctx.roster.find(previous_actor)
            person = found if found and found.active and found.role == step.role else None
        self.row[self.c.status(number)] = self.sop.waiting
        self.row[STAGE] = step.label
        self.row[DUE] = self.ctx.due(self._step_start(step), step.minutes).strftime(TIME_FORMAT)
        self._place(self.sop.stage_of(number))
        if step.check:
            self._effect(EffectKind.CHECK, number, activations[number], KeyKind.CHECK, None, platforms=self.row[PLATFORM],
                         title=self.row[TITLE], caption=self.row[CAPTION], kind=self.row[TYPE])
        if reuse_actor and not template:
            template = "revision"
        extra = {**(extra or {}), "round": str(activations[number])}
        if step.action:  # the system acts for the step's actor, who is told the result, not given a task
            self._assign(step, person, "", extra, notify=False)
        else:
            self._assign(step, person, template, extra)

    def _step_start(self, step: Step) -> datetime:
        """When the active step's time standard starts: now, or a publishing step's later schedule."""
        started = datetime.fromisoformat(self.state.activated_at) if self.state.activated_at else self.ctx.now
        if step.action == "publish":
            when = parse_time(self.row[SCHEDULE], self.ctx.now) if self.row[SCHEDULE].strip() else None
            if when is not None and when > started:
                return when
        return started

    def _end(self, outcome: str, step_number: int, activation: int, note: str = "") -> None:
        self.state = replace(self.state, active=0, outcome=outcome, activated_at="")
        self.row[DUE] = ""
        if outcome == REJECTED:
            self.row[STAGE] = texts.STAGE_REJECTED
            self._place(self.sop.rejected_stage)
        else:
            self.row[STAGE] = texts.STAGE_PUBLISHED
            self._place(self.sop.published_stage)
        contributor = self._contributor()
        if contributor:
            kind = KeyKind.REJECTED if outcome == REJECTED else KeyKind.PUBLISHED
            self._effect(EffectKind.NOTIFY, step_number, activation, kind, contributor.email or contributor.name,
                         template=str(kind), to=contributor.email, to_name=contributor.name, step=str(step_number),
                         links=self.row[LINKS], note=note)
        step = self.sop.step(step_number)
        admin = self.ctx.roster.find(self.row[self.c.actor(step_number)])
        if outcome == PUBLISHED and step.action and admin is not None and admin != contributor:
            self._effect(EffectKind.NOTIFY, step_number, activation, KeyKind.PUBLISHED, admin.email or admin.name,
                         template="publish_result", to=admin.email, to_name=admin.name, step=str(step_number),
                         links=self.row[LINKS])

    def _contributor(self) -> Person | None:
        text = self.state.contributor or self.row[self.c.actor(1)]
        found = self.ctx.roster.find(text)
        if found:
            return found
        if "@" in text:
            return Person(name=text, email=text.strip(), role=self.sop.first.role, active=True)
        return None

    # -- assignment -------------------------------------------------------
    def _assign(self, step: Step, preferred: Person | None = None, template: str = "",
                extra: Mapping[str, str] | None = None, notify: bool = True) -> None:
        person = preferred or self._least_loaded(step.role)
        if person is not None:
            self._set_actor(step, person, template=template, extra=extra, notify=notify)

    def _set_actor(self, step: Step, person: Person, reassigned: bool = False, template: str = "",
                   extra: Mapping[str, str] | None = None, notify: bool = True) -> None:
        self.row[self.c.actor(step.number)] = person.name
        self.row[STAGE] = texts.stage_held(step, person.name)
        self.ctx.workload[person.name] = self.ctx.workload.get(person.name, 0) + 1
        if not notify:
            return
        activation = self.state.activations.get(step.number, 1)
        template = template or ("reassigned" if reassigned else "task" if activation == 1
                                else "revision" if self.sop.is_revision_target(step.number) else "review_revised")
        self._effect(EffectKind.NOTIFY, step.number, activation, KeyKind.TASK, person.email or person.name,
                     template=template, to=person.email, to_name=person.name, step=str(step.number), **(extra or {}))

    def _least_loaded(self, role: str) -> Person | None:
        people = self.ctx.roster.active_in(role)
        if not people:
            return None
        return min(people, key=lambda p: self.ctx.workload.get(p.name, 0))  # ties: roster order

    def _assign_missing_actor(self) -> None:
        if self.state.outcome != OPEN:
            return
        step = self.sop.step(self.state.active)
        if step.number == 1 or self.row[self.c.actor(step.number)]:
            return
        self._assign(step, notify=not step.action)

    # -- publishing -------------------------------------------------------
    def _start_action(self) -> None:
        if self.state.outcome != OPEN:
            return
        step = self.sop.step(self.state.active)
        if step.action != "publish" or self._publish_problems():
            return
        due = {p: r for p, r in self._publish_results(step).items() if r is None or r.state == RETRYING_STATE}
        if due and self.state.approved:
            now = self._content_now()
            if now is None:
                return  # the files cannot be read now: nothing is published unchecked
            changes = content_changes(self.state.approved, now)
            if changes:
                self._reopen_approval(step, changes)
                return
        for platform in due:
            self.effects.append(Effect(self._publish_key(step, platform), EffectKind.PUBLISH, self.state.item_id, {
                "step": str(step.number), "platform": platform, "title": self.row[TITLE],
                "caption": self.row[CAPTION], "kind": self.row[TYPE]}))

    def _reopen_approval(self, publish: Step, changes: list[str]) -> None:
        """The content changed since it was approved: nothing is published, the approver decides again."""
        approval = self.sop.approval_step
        assert approval is not None  # only an approved item has approved content
        activation = self.state.activations.get(publish.number, 1)
        approved_status = next(o.status for o in approval.outcomes if o.goto == NEXT)
        self.events.append(Event(self._key(publish.number, activation, KeyKind.REOPENED), self.state.item_id,
                                 approval.label, approved_status, self.sop.waiting, "",
                                 texts.approval_reopened(changes)))
        self.notes.append(texts.content_changed(changes, approval))
        self.state = replace(self.state, approved={})
        self.transitioned = True
        self._activate(approval.number, reuse_actor=True, template="approval_changed",
                       extra={"changes": "\n".join(changes)})

    def _publish_key(self, step: Step, platform: str, activation: int | None = None) -> str:
        return self._key(step.number, activation or self.state.activations.get(step.number, 1), KeyKind.PUBLISH,
                         platform)

    def _publish_results(self, step: Step) -> dict[str, ActionResult | None]:
        platforms = split_platforms(self.row[PLATFORM], self.sop)
        return {p: self._publish_result(step, p) for p in platforms}

    def _publish_result(self, step: Step, platform: str) -> ActionResult | None:
        """This activation's result; a post that went (or may have gone) live before a reopened approval counts."""
        current = self.state.activations.get(step.number, 1)
        result = self.ctx.results(self._publish_key(step, platform, current))
        for earlier in range(current - 1, 0, -1):
            if result is not None:
                break
            found = self.ctx.results(self._publish_key(step, platform, earlier))
            if found is not None and found.state in (PUBLISHED_STATE, UNKNOWN_STATE):
                result = found
        return result

    def _publish_problems(self) -> list[str]:
        problems = field_warnings(self.row, self.sop)
        if not self.row[PLATFORM].strip():
            problems.append(texts.PLATFORM_REQUIRED)
        schedule = self.row[SCHEDULE].strip()
        if schedule:
            when = parse_time(schedule, self.ctx.now)
            if when is not None:
                activated = datetime.fromisoformat(self.state.activated_at) if self.state.activated_at else None
                if activated and when < activated.replace(second=0, microsecond=0):
                    problems.append(texts.schedule_in_past(schedule))
                elif not self._reached(when):
                    problems.append(texts.scheduled(schedule))
        return problems

    def _apply_action_results(self) -> None:
        """Per platform: published, handed to the admin, failed, or unknown (never posted twice)."""
        if self.state.outcome != OPEN:
            return
        step = self.sop.step(self.state.active)
        if step.action != "publish":
            return
        results = self._publish_results(step)
        if not results or all(r is None for r in results.values()):
            return
        activation = self.state.activations.get(step.number, 1)
        lines: list[str] = []
        unknown = False
        admin = self.ctx.roster.find(self.row[self.c.actor(step.number)]) or next(
            iter(self.ctx.roster.active_in(step.role)), None)
        for platform, result in results.items():
            if result is None:
                continue
            if result.state == PUBLISHED_STATE:
                lines.extend(f"{p}: {link}" for p, link in result.links)
                continue
            lines.append(texts.platform_line(platform, result.state, result.problem))
            unknown = unknown or result.state == UNKNOWN_STATE
            template = {UNKNOWN_STATE: "publish_unconfirmed", MANUAL_STATE: "publish_manual"}.get(
                result.state, "publish_failed")
            if admin:
                self._effect(EffectKind.NOTIFY, step.number, activation, KeyKind(template.replace("_", "-")), platform,
                             template=template, to=admin.email, to_name=admin.name, step=str(step.number),
                             platform=platform, problem=result.problem,
                             retry="ya" if result.state == RETRYING_STATE else "",
                             caption=self.row[CAPTION], note=result.problem)
        if all(r is not None and r.state == PUBLISHED_STATE for r in results.values()):
            self.row[LINKS] = "\n".join(lines)
            finish = next(o for o in step.outcomes if o.goto == FINISH)
            self._transition(step, finish, self.row[self.c.actor(step.number)] or "sop-konten")
            return
        if not self._person_changed(LINKS):
            self.row[LINKS] = "\n".join(lines)
        if unknown and not self._person_changed(self.c.status(step.number)):
            self.row[self.c.status(step.number)] = self.sop.needs_check

    def _check_problems(self) -> list[str]:
        """What the check at the review step found in the caption and media, for every platform."""
        step = self.sop.check_step
        if step is None or self.state.active < step.number:
            return []
        result = self.ctx.results(self._key(step.number, self.state.activations.get(step.number, 1), KeyKind.CHECK))
        return [line for line in (result.problem.splitlines() if result else []) if line]

    # -- time standards ---------------------------------------------------
    def _time_standards(self) -> None:
        """Remind the assignee at the standard, tell the next role up at the escalation mark."""
        overdue = False
        if self.state.outcome == OPEN and self.state.activated_at and self.state.active > 1:
            step = self.sop.step(self.state.active)
            started = self._step_start(step)
            activation = self.state.activations.get(step.number, 1)
            remind_at = self.ctx.due(started, step.minutes * self.sop.reminder_percent / 100)
            escalate_at = self.ctx.due(started, step.minutes * self.sop.escalation_percent / 100)
            overdue = self._reached(self.ctx.due(started, step.minutes))
            assignee = self.ctx.roster.find(self.row[self.c.actor(step.number)])
            late = {"due": self.row[DUE], "started": started.strftime(TIME_FORMAT)}
            if self._reached(remind_at) and assignee and not step.action:
                self._effect(EffectKind.NOTIFY, step.number, activation, KeyKind.REMIND, None, template="reminder", to=assignee.email,
                             to_name=assignee.name, step=str(step.number), **late)
            up_role = self.sop.escalation.get(step.role)
            if self._reached(escalate_at) and up_role:
                chief = next(iter(self.ctx.roster.active_in(up_role)), None)
                if chief:
                    self._effect(EffectKind.NOTIFY, step.number, activation, KeyKind.ESCALATE, None, template="escalation",
                                 to=chief.email, to_name=chief.name, step=str(step.number),
                                 assignee=assignee.name if assignee else "", **late)
        if overdue != self.state.overdue:
            self.state = replace(self.state, overdue=overdue)

    # -- cells changed by people -----------------------------------------
    def _reconcile_cells(self) -> None:
        if self.previous.version and self.seen[ID].strip() != self.previous.item_id:
            self._reject(ID, texts.id_restored(self.previous.item_id))  # the row is found by it
        for column in self.c.register_headers:
            if column == ID or column in self.consumed or self.seen[column] == self.row[column]:
                continue
            if not self._person_changed(column):
                continue  # the daemon changes this cell now; nothing a person did
            self._reconcile(column)
        if self.state.outcome == OPEN:
            status = self.c.status(self.state.active)
            if not self.row[status]:
                self.row[status] = self.sop.waiting

    def _reconcile(self, column: str) -> None:
        value = self.seen[column]
        step_number, part = self._step_column(column)
        if column == NOTES:
            self.row[NOTES] = value  # people may clear or annotate the system's notes
        elif column == OFFICER_NOTE:
            self.row[OFFICER_NOTE] = value  # the deciding person's reason, recorded with their decision
        elif self.previous.outcome != OPEN:
            self._reject(column, texts.item_ended(self.previous.outcome == PUBLISHED))
        elif column in EDITABLE_ITEM_FIELDS:
            self.row[column] = canonical_field(column, value, self.sop)
        elif column == LINKS and self.previous.active == len(self.sop.steps):
            self.row[LINKS] = value  # the admin publishing by hand gives the links
        elif part in ("status", "actor") and self.state.outcome != OPEN:
            self._reject(column, texts.item_ended(self.state.outcome == PUBLISHED))
        elif part == "status":
            self._reconcile_status(step_number, value)
        elif part == "actor":
            self._reconcile_actor(step_number, value)
        else:
            self._reject(column, texts.system_column(column))

    def _reconcile_status(self, number: int, value: str) -> None:
        column = self.c.status(number)
        step = self.sop.step(number)
        active = self.state.active
        if number == active:
            informative = canonical(value, (self.sop.waiting, self.sop.in_progress, self.sop.needs_check))
            if informative:
                self.row[column] = informative
            elif not value.strip() and column in self.previous.held:
                self.row[column] = self.sop.waiting  # the decision waiting for its reason is withdrawn
            elif not value.strip():
                self._reject(column, texts.status_cleared(step))
            elif step.outcome(value):
                pass  # a guard refused it and said why
            else:
                self._reject(column, texts.status_not_allowed(step, value, self.sop))
        elif number < active:
            self._reject(column, texts.status_final(step))
        else:
            self._reject(column, texts.step_not_active(step, self.sop.step(active)))

    def _reconcile_actor(self, number: int, value: str) -> None:
        column = self.c.actor(number)
        step = self.sop.step(number)
        if number != self.state.active:
            self._reject(column, texts.actor_locked(step))
            return
        if number == 1:
            self.row[column] = value.strip()  # contributors come from outside the roster
            return
        person = self.ctx.roster.find(value)
        if person is None or not person.active or person.role != step.role:
            self._reject(column, texts.actor_not_in_role(value, step))
            return
        old = self.row[column]
        if person.name == old:
            self.row[column] = person.name
            return
        if old:
            self.ctx.workload[old] = max(0, self.ctx.workload.get(old, 0) - 1)
        activation = self.state.activations.get(number, 1)
        self.events.append(Event(self._key(number, activation, KeyKind.REASSIGN, f"{self.previous.version}:{person.name}"),
                                 self.state.item_id,
                                 step.label, old, person.name, person.name, texts.REASSIGNED_REMARK))
        self._set_actor(step, person, reassigned=True)

    def _step_column(self, column: str) -> tuple[int, str]:
        for n in self.c.step_numbers:
            if column == self.c.status(n):
                return n, "status"
            if column == self.c.actor(n):
                return n, "actor"
            if column == self.c.time(n):
                return n, "time"
        return 0, ""

    def _reject(self, column: str, reason: str) -> None:
        """Undo a person's edit: the cell keeps the accepted value, and the reason is told."""
        seen = self.seen[column]
        if self.undone.get(column) == seen:
            return  # told already; the value is restored again, silently
        self.undone[column] = seen
        self.cell_notes[column] = reason
        self.notes.append(reason)
        self.events.append(Event(
            self._key(self.previous.active, self.previous.activations.get(self.previous.active, 1),
                      KeyKind.UNDO, f"{self.previous.version}:{column}"),
            self.state.item_id, column, seen, self.row[column], "", texts.undone(reason)))

    # -- notes ------------------------------------------------------------
    def _write_notes(self) -> None:
        warnings = self._warnings()
        stamped = [f"[{self.ctx.stamp}] {note}" for note in dict.fromkeys(self.notes)]
        if stamped:
            self.row[NOTES] = "\n".join(stamped + [w for w in warnings if w not in self.notes])
        elif self.transitioned or warnings != self.previous.warnings:
            self.row[NOTES] = "\n".join(warnings)
        self.state = replace(self.state, undone=dict(self.undone), held=dict(self.held))
        changed = self.row != dict(self.previous.row) or self.state != self.previous or bool(self.events)
        version = self.previous.version + 1 if changed else self.previous.version
        self.state = replace(self.state, row=dict(self.row), warnings=warnings, version=version)

    def _warnings(self) -> tuple[str, ...]:
        """Standing problems: recomputed every cycle, so the note changes only when they do."""
        if self.state.outcome != OPEN:
            return ()
        warnings = field_warnings(self.row, self.sop)
        for column, value in self.held.items():
            warnings.append(texts.reason_needed(self.sop.step(self._step_column(column)[0]), value))
        warnings.extend(self.ctx.refused_files(self.state.item_id))
        step = self.sop.step(self.state.active)
        if step.number > 1 and not step.action and not self.row[self.c.actor(step.number)]:
            warnings.append(texts.no_active_member(step))
        warnings.extend(self._check_problems() if step.action != "publish" else [])
        if step.action == "publish":
            results = self._publish_results(step)
            for platform, result in results.items():
                if result is not None and result.state != PUBLISHED_STATE:
                    warnings.append(texts.platform_line(platform, result.state, result.problem))
            if all(r is None for r in results.values()):
                warnings.extend(p for p in self._publish_problems() if p not in warnings)
        return tuple(dict.fromkeys(warnings))

    def _drop_finished_tasks(self) -> None:
        """No task mail for a step its person already finished in the same save."""
        finished = {(c.step, c.activation) for c in self.completions}
        kept = []
        for effect in self.effects:
            key = EffectKey.parse(effect.key)
            if effect.kind == EffectKind.NOTIFY and key.is_a(KeyKind.TASK) and (key.step, key.activation) in finished:
                continue
            kept.append(effect)
        self.effects = kept

    # -- effects ----------------------------------------------------------
    def _key(self, step: int, activation: int, kind: KeyKind, target: str | None = None) -> str:
        return str(EffectKey(self.state.item_id, step, activation, kind, target))

    def _place(self, stage: str) -> None:
        step = self.state.active
        activation = self.state.activations.get(step, 1) if step else 0
        self._effect(EffectKind.PLACE, step, activation, KeyKind.PLACE, stage, stage=stage, title=self.row[TITLE])

    def _effect(self, effect_kind: EffectKind, step_number: int, activation: int, key_kind: KeyKind,
                target: str | None = None, /, **params: str) -> None:
        self.effects.append(Effect(self._key(step_number, activation, key_kind, target), effect_kind,
                                   self.state.item_id, params))


def is_quiet(decision: RowDecision, previous: ItemState, observed: Mapping[str, str]) -> bool:
    """Whether a decision changes nothing: no event, no undo, no completed step, the state as it was and the
    row as it was read (which is then the accepted row).

    Such a decision, made again from the same state, row and context at any time before `decision.until`,
    is the same decision: the clock enters a decision through `_reached` (which sets `until`) and
    otherwise only through events, activations and stamped notes, none of which a quiet decision has.
    Its effects may be ones already performed (a reminder sent earlier): the caller checks those."""
    if decision.events or decision.cell_notes or decision.completions or decision.state != previous:
        return False
    return decision.row == observed == previous.row


def earliest(first: datetime | None, second: datetime | None) -> datetime | None:
    """The earlier of two `RowDecision.until`s (None: no bound)."""
    if first is None:
        return second
    return first if second is None or first <= second else second


def is_blank(row: Mapping[str, str]) -> bool:
    return not any(v.strip() for v in row.values())


def normalised_equal(a: str, b: str) -> bool:
    return normalise(a) == normalise(b)


def adopted_state(contract: Contract, item_id: str, observed: Mapping[str, str]) -> ItemState:
    """A row whose ID the journal does not know (a lost journal, a migrated register).

    The register is the source of truth for what people decided: its completed
    steps are taken as they stand, up to the first step that is not complete.
    """
    sop = contract.sop
    row = {h: observed.get(h, "") for h in contract.register_headers}
    row[ID] = item_id
    active, outcome, last = 0, OPEN, len(sop.steps)
    for step in sop.steps:
        result = step.outcome(row[contract.status(step.number)])
        if result is None or result.is_revision:
            active = step.number
            break
        if result.goto in (REJECT, FINISH):
            outcome, last = (REJECTED if result.goto == REJECT else PUBLISHED), step.number
            break
    cut = active if outcome == OPEN else last + 1
    for later in range(cut, len(sop.steps) + 1):
        for column in (contract.status(later), contract.time(later)):
            row[column] = ""
        if later > cut:
            row[contract.actor(later)] = ""
    if outcome == OPEN:
        row[contract.status(active)] = canonical(observed.get(contract.status(active), ""),
                                                  (sop.waiting, sop.in_progress)) or sop.waiting
    activations = {n: 1 for n in range(1, (active or last) + 1)}
    return ItemState(item_id=item_id, row=row, active=active, outcome=outcome, activations=activations,
                     contributor=row[contract.actor(1)], version=1)
