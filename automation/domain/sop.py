"""The SOP as data: its identity, roles, steps and the outcomes each step allows.

Loaded from a TOML file (the Yogyakarta SOP ships as the package default).
Every problem in the file is reported as one `SopError` naming the file, the
key and the reason, so that an office editing its own SOP knows what to fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from automation.domain.texts import config as config_text

NEXT, REJECT, FINISH = "next", "reject", "finish"
ACTIONS = ("", "publish")


class SopError(Exception):
    """The SOP file is unusable; the message says where and why."""


@dataclass(frozen=True)
class Outcome:
    status: str
    goto: str | int  # NEXT, REJECT, FINISH or the number of the step to go back to
    note_required: bool = False  # the decision waits for a reason in Catatan Petugas (default: Revisi, Ditolak)

    @property
    def ends_item(self) -> bool:
        return self.goto in (REJECT, FINISH)

    @property
    def is_revision(self) -> bool:
        return isinstance(self.goto, int)


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    activity: str
    role: str
    requirement: str
    minutes: int
    output: str
    remarks: str
    outcomes: tuple[Outcome, ...]
    action: str = ""
    check: bool = False  # check captions and media for every platform when this step becomes active

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"

    def outcome(self, status: str) -> Outcome | None:
        wanted = normalise(status)
        for outcome in self.outcomes:
            if normalise(outcome.status) == wanted:
                return outcome
        return None

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(o.status for o in self.outcomes)


@dataclass(frozen=True)
class Sop:
    identity: dict[str, Any]
    roles: tuple[str, ...]
    steps: tuple[Step, ...]
    waiting: str
    in_progress: str
    needs_check: str
    types: tuple[str, ...]
    sources: tuple[str, ...]
    platforms: tuple[str, ...]
    intake_stage: str
    published_stage: str
    rejected_stage: str
    source: str = "<default>"
    reminder_percent: int = 100
    escalation_percent: int = 200
    escalation: dict[str, str] = field(default_factory=dict)  # role -> the role it escalates to

    @property
    def name(self) -> str:
        return str(self.identity.get("nama", ""))

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def is_revision_target(self, number: int) -> bool:
        """True when some decision sends items back to this step: a new activation of it is a revision."""
        return any(o.goto == number for s in self.steps for o in s.outcomes)

    @property
    def check_step(self) -> Step | None:
        return next((s for s in self.steps if s.check), None)

    @property
    def approval_step(self) -> Step | None:
        """The step whose "next" outcome hands the item to publishing: its approval binds the content."""
        publish = next((s for s in self.steps if s.action == "publish"), None)
        if publish is None or publish.number == 1:
            return None
        before = self.step(publish.number - 1)
        return before if any(o.goto == NEXT for o in before.outcomes) else None

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def stage_of(self, step_number: int) -> str:
        return f"{step_number:02d} {self.step(step_number).name}"

    @property
    def stages(self) -> list[str]:
        return (
            [self.intake_stage]
            + [self.stage_of(s.number) for s in self.steps]
            + [self.published_stage, self.rejected_stage]
        )

    def completed_statuses(self) -> set[str]:
        return {o.status for s in self.steps for o in s.outcomes}


def normalise(text: str) -> str:
    """What people type, compared forgivingly: case and surrounding spaces only."""
    return text.strip().casefold()


def canonical(text: str, allowed: tuple[str, ...]) -> str | None:
    wanted = normalise(text)
    for value in allowed:
        if normalise(value) == wanted:
            return value
    return None


# --- loading --------------------------------------------------------------

def default_sop_path() -> Path:
    return Path(str(resources.files("automation") / "data" / "sop.toml"))


def load_sop(path: Path | None = None) -> Sop:
    path = path or default_sop_path()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SopError(config_text.sop_not_found(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SopError(config_text.sop_not_toml(path, exc)) from exc
    return parse_sop(raw, str(path))


def parse_sop(raw: dict[str, Any], source: str = "<sop>") -> Sop:
    reader = _Reader(raw, source)
    identity = reader.table("identity")
    if not str(identity.get("nama", "")).strip():
        reader.fail("identity.nama", config_text.SOP_NAME_REQUIRED)
    roles = tuple(reader.strings("roles", minimum=1))
    if len(set(roles)) != len(roles):
        reader.fail("roles", config_text.ROLE_TWICE)
    statuses = reader.table("statuses")
    waiting = reader.text(statuses, "statuses.waiting")
    in_progress = reader.text(statuses, "statuses.in_progress")
    needs_check = str(statuses.get("needs_check", "Perlu Dicek")).strip() or "Perlu Dicek"
    fields = reader.table("fields")
    stages = reader.table("stages")

    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        reader.fail("steps", config_text.STEPS_REQUIRED)
    steps = tuple(_parse_step(reader, i, s, roles, len(raw_steps)) for i, s in enumerate(raw_steps))

    reserved = {normalise(waiting), normalise(in_progress), normalise(needs_check)}
    for step in steps:
        for outcome in step.outcomes:
            if normalise(outcome.status) in reserved:
                reader.fail(f"steps[{step.number - 1}].outcomes", config_text.status_reserved(outcome.status))
    if not any(o.goto == FINISH for o in steps[-1].outcomes):
        reader.fail(f"steps[{len(steps) - 1}].outcomes", config_text.LAST_STEP_MUST_FINISH)

    standards = raw.get("standards", {})
    if not isinstance(standards, dict):
        reader.fail("standards", config_text.EXPECTED_TABLE)
    reminder = standards.get("reminder_percent", 100)
    escalation_at = standards.get("escalation_percent", 200)
    for key, value in (("standards.reminder_percent", reminder), ("standards.escalation_percent", escalation_at)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            reader.fail(key, config_text.PERCENT_INVALID)
    if escalation_at <= reminder:
        reader.fail("standards.escalation_percent", config_text.ESCALATION_AFTER_REMINDER)
    escalation = standards.get("escalation", {})
    if not isinstance(escalation, dict):
        reader.fail("standards.escalation", config_text.ESCALATION_TABLE)
    for role, up in escalation.items():
        if role not in roles or up not in roles:
            reader.fail(f"standards.escalation.{role}", config_text.escalation_roles_unknown(role, up))

    return Sop(
        identity=dict(identity),
        roles=roles,
        steps=steps,
        waiting=waiting,
        in_progress=in_progress,
        needs_check=needs_check,
        types=tuple(reader.strings("fields.types", fields.get("types"), minimum=1)),
        sources=tuple(reader.strings("fields.sources", fields.get("sources"), minimum=1)),
        platforms=tuple(reader.strings("fields.platforms", fields.get("platforms"), minimum=1)),
        intake_stage=reader.text(stages, "stages.intake"),
        published_stage=reader.text(stages, "stages.published"),
        rejected_stage=reader.text(stages, "stages.rejected"),
        source=source,
        reminder_percent=reminder,
        escalation_percent=escalation_at,
        escalation=dict(escalation),
    )


def _parse_step(reader: _Reader, index: int, raw: Any, roles: tuple[str, ...], count: int) -> Step:
    key = f"steps[{index}]"
    if not isinstance(raw, dict):
        reader.fail(key, config_text.EXPECTED_TABLE)
    number = raw.get("number")
    if number != index + 1:
        reader.fail(f"{key}.number", config_text.step_number(index + 1))
    role = reader.text(raw, f"{key}.role")
    if role not in roles:
        reader.fail(f"{key}.role", config_text.role_unknown(role))
    minutes = raw.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        reader.fail(f"{key}.minutes", config_text.MINUTES_INVALID)
    action = raw.get("action", "")
    if action not in ACTIONS:
        reader.fail(f"{key}.action", config_text.one_of(", ".join(repr(a) for a in ACTIONS)))
    raw_outcomes = raw.get("outcomes")
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        reader.fail(f"{key}.outcomes", config_text.OUTCOMES_REQUIRED)
    outcomes = []
    for j, item in enumerate(raw_outcomes):
        okey = f"{key}.outcomes[{j}]"
        if not isinstance(item, dict):
            reader.fail(okey, config_text.OUTCOME_TABLE)
        status = reader.text(item, f"{okey}.status")
        goto = item.get("goto")
        if isinstance(goto, bool) or not (goto in (NEXT, REJECT, FINISH) or isinstance(goto, int)):
            reader.fail(f"{okey}.goto", config_text.GOTO_INVALID)
        if isinstance(goto, int) and not 1 <= goto <= index:
            reader.fail(f"{okey}.goto", config_text.revision_step_range(index))
        if goto == NEXT and index + 1 >= count:
            reader.fail(f"{okey}.goto", config_text.LAST_STEP_NO_NEXT)
        note = item.get("note_required", goto == REJECT or isinstance(goto, int))
        if not isinstance(note, bool):
            reader.fail(f"{okey}.note_required", config_text.NOTE_REQUIRED_INVALID)
        outcomes.append(Outcome(status=status, goto=goto, note_required=note))
    if len({normalise(o.status) for o in outcomes}) != len(outcomes):
        reader.fail(f"{key}.outcomes", config_text.STATUS_TWICE)
    return Step(
        number=index + 1,
        name=reader.text(raw, f"{key}.name"),
        activity=reader.text(raw, f"{key}.activity"),
        role=role,
        requirement=str(raw.get("requirement", "")),
        minutes=minutes,
        output=str(raw.get("output", "")),
        remarks=str(raw.get("remarks", "")),
        outcomes=tuple(outcomes),
        action=action,
        check=bool(raw.get("check", False)),
    )


class _Reader:
    def __init__(self, raw: dict[str, Any], source: str):
        self.raw = raw
        self.source = source

    def fail(self, key: str, reason: str) -> NoReturn:
        raise SopError(config_text.bad_key(self.source, key, reason))

    def table(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key)
        if not isinstance(value, dict):
            self.fail(key, config_text.TABLE_REQUIRED)
        return value

    def text(self, table: dict[str, Any], key: str) -> str:
        value = table.get(key.rsplit(".", 1)[-1])
        if not isinstance(value, str) or not value.strip():
            self.fail(key, config_text.TEXT_REQUIRED)
        return value.strip()

    def strings(self, key: str, value: Any = None, minimum: int = 0) -> list[str]:
        value = self.raw.get(key) if value is None else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, config_text.MUST_BE_TEXT_LIST)
        if len(value) < minimum:
            self.fail(key, config_text.at_least_values(minimum))
        return [v.strip() for v in value]
