"""A journal holding items in every state, written through the Journal's own API: what the Dasbor reads.

Used by tests/unit/test_board.py, tests/unit/test_pages.py and bench/dasbor.py (10,000 items). Each item
gets what the daemon would have left: its state (row as the register shows it), its events (creation,
every transition, an undone edit on some), its completed activations, and for the publish step the
ledger's publish effects with their results. Deterministic: item n always gets the same story.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from automation.adapters.local.feed import CAPTION_FILE, POST_FILE, platform_folder
from automation.domain import contract as cols
from automation.domain.approval import approved_content
from automation.domain.contract import TIME_FORMAT, Contract, format_id
from automation.domain.keys import EffectKey, EffectKind, KeyKind
from automation.domain.results import MANUAL_STATE, PUBLISHED_STATE, UNKNOWN_STATE, ActionResult
from automation.domain.sop import FINISH, NEXT, REJECT, Sop, load_sop
from automation.domain.texts import register as register_text
from automation.domain.workflow import OPEN, PUBLISHED, REJECTED, Completion, Effect, Event, ItemState
from automation.domain.working_time import WorkingCalendar
from automation.service.journal import Journal

ZONE = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)  # a Monday morning
SOP = load_sop()
CONTRACT = Contract(SOP)
CALENDAR = WorkingCalendar.from_dict({"timezone": "Asia/Jakarta", "holiday_country": ""})
PEOPLE = {  # role -> the person holding it
    "Kontributor": "rina@kontributor.example",
    "Tim Konten": "Sari",
    "Desainer/Editor": "Dodi",
    "Ketua Tim Kerja Humas & Publikasi": "Budi",
    "Kabid IKP": "Wati",
    "Admin Medsos": "Andi",
}
# The kinds of item the builder cycles through: where the item stands, and how.
KINDS = ("open-1", "open-2", "open-3", "open-4", "open-5", "open-6", "open-7", "late-3", "late-4", "check-7",
         "manual-7", "revised-4", "published", "rejected-2", "rejected-6")
OPEN_KINDS = tuple(k for k in KINDS if not k.startswith(("published", "rejected")))
# An office's register after years of use: most items ended, about one in eight open (every open kind in each 100)
OFFICE_MIX = OPEN_KINDS + ("published",) * 72 + ("rejected-2",) * 8 + ("rejected-6",) * 8


@dataclass(frozen=True)
class Built:
    item_id: str
    kind: str
    title: str


def forward(step_number: int) -> str:
    """The status that moves step `step_number` on (next, or finish at the last)."""
    return next(o.status for o in SOP.step(step_number).outcomes if o.goto in (NEXT, FINISH))


def status_to(step_number: int, goto: object) -> str:
    return next(o.status for o in SOP.step(step_number).outcomes if o.goto == goto)


class ItemWriter:
    """Writes item after item into `journal` as the daemon would have; commits in batches."""

    def __init__(self, journal: Journal, sop: Sop = SOP, now: datetime = NOW, calendar: WorkingCalendar = CALENDAR,
                 feed: Path | None = None):
        self.journal, self.sop, self.now, self.calendar, self.feed = journal, sop, now, calendar, feed
        self.contract = Contract(sop)
        self.states: list[ItemState] = []
        self.events: list[tuple[Event, str]] = []
        self.completions: list[Completion] = []
        self.published: list[tuple[Effect, ActionResult, str]] = []

    def item(self, number: int, kind: str, year: int = 2026) -> Built:
        c, sop = self.contract, self.sop
        item_id = format_id(year, number)
        title = f"Konten {number}: {kind}"
        platforms = ("Instagram, X", "Facebook", "YouTube", "TikTok, Instagram")[number % 4]
        # ended items over the past year, open ones over the last fortnight; each scheduled a few days after
        ended = kind.startswith(("published", "rejected"))
        day = self.now - timedelta(days=1 + number % (360 if ended else 14))
        start = day.replace(hour=8, minute=0) + timedelta(minutes=number % 45)  # in working hours
        schedule = (start + timedelta(days=2 + number % 10, hours=number % 8)).replace(minute=0)
        row = {h: "" for h in c.register_headers}
        row.update({cols.ID: item_id, cols.TITLE: title, cols.TYPE: ("Infografis", "Video")[number % 2],
                    cols.SOURCE: "Pemkot Yogyakarta", cols.PLATFORM: platforms,
                    cols.SCHEDULE: schedule.strftime(TIME_FORMAT),
                    cols.CAPTION: f"Konten nomor {number} untuk warga Kota Yogyakarta. #JogjaIstimewa"})
        where, _, at = kind.partition("-")
        last = {"published": len(sop.steps), "revised": 6}.get(where, int(at or 1))
        outcome = {"published": PUBLISHED, "rejected": REJECTED}.get(where, OPEN)
        moment = start
        events = [Event(str(EffectKey(item_id, 1, 1, KeyKind.CREATED)), item_id, sop.step(1).label, "", sop.waiting,
                        PEOPLE["Kontributor"], register_text.CREATED_REMARK)]
        self.events.append((events[0], moment.isoformat()))
        activations = {1: 1}
        approved: dict[str, str] = {}
        for step in sop.steps[:last]:
            n = step.number
            activations.setdefault(n, 1)
            row[c.actor(n)] = PEOPLE[step.role]
            if n == last and outcome == OPEN:
                break
            begun = moment
            moment = moment + timedelta(minutes=step.minutes * (0.5 + (number % 3) * 0.5))
            status = status_to(n, REJECT) if outcome == REJECTED and n == last else forward(n)
            if where == "revised" and n == 5:  # sent back once from Koreksi before going on
                self._transition(item_id, n, 1, "Revisi", moment, "Judul kurang jelas")
                self.completions.append(Completion(item_id, n, 1, begun.isoformat(), moment.isoformat(), "Revisi",
                                                   PEOPLE[step.role]))
                activations[4] = 2
                break
            self._transition(item_id, n, activations[n], status, moment)
            self.completions.append(Completion(item_id, n, activations[n], begun.isoformat(), moment.isoformat(),
                                               status, PEOPLE[step.role]))
            row[c.status(n)] = status
            row[c.time(n)] = moment.strftime(TIME_FORMAT)
            if step is sop.approval_step and status == forward(n):
                approved = approved_content({"poster.png": f"sha256:{number:064x}"}, row, sop)
        active = 0 if outcome != OPEN else (4 if where == "revised" else last)
        if where == "revised":
            row[c.status(5)] = ""
        if number % 7 == 0:  # someone typed over a daemon column; the daemon put it back
            self.events.append((Event(str(EffectKey(item_id, max(active, 1), 1, KeyKind.UNDO, cols.STAGE)), item_id,
                                      cols.STAGE, "Selesai", row[cols.STAGE] or sop.waiting, "sop-konten",
                                      "Kolom Tahap diisi oleh sistem"), moment.isoformat()))
        state = ItemState(item_id=item_id, row=row, active=active, outcome=outcome, activations=activations,
                          contributor=PEOPLE["Kontributor"], version=last + 1, approved=approved)
        if outcome == OPEN:
            step = sop.step(active)
            # late ones days ago; the others from just now to twice their standard ago (some overdue)
            activated = (moment - timedelta(days=3) if where == "late"
                         else self.now - timedelta(minutes=(number % 4) * step.minutes / 2))
            row[c.status(active)] = sop.waiting
            due = self.calendar.add_working_minutes(activated, step.minutes)
            row[cols.DUE] = due.strftime(TIME_FORMAT)
            row[cols.STAGE] = step.name
            state = replace(state, activated_at=activated.isoformat(), overdue=self.now >= due)
            if step.action == "publish" and where in ("check", "manual"):
                state = self._attempts(state, where, moment)
        else:
            row[cols.STAGE] = register_text.STAGE_PUBLISHED if outcome == PUBLISHED else register_text.STAGE_REJECTED
            if outcome == PUBLISHED:
                state = self._attempts(state, "published", moment)
        self.states.append(replace(state, row=dict(state.row)))
        return Built(item_id, kind, title)

    def _transition(self, item_id: str, step: int, activation: int, status: str, at: datetime,
                    remark: str = "") -> None:
        label = self.sop.step(step).label
        self.events.append((Event(str(EffectKey(item_id, step, activation, KeyKind.TRANSITION)), item_id, label,
                                  self.sop.waiting, status, PEOPLE[self.sop.step(step).role], remark), at.isoformat()))

    def _attempts(self, state: ItemState, how: str, at: datetime) -> ItemState:
        """The publish step's effects: all published, or the first platform unknown (Perlu Dicek) or manual."""
        step = next(s for s in self.sop.steps if s.action == "publish")
        row = dict(state.row)
        platforms = [p.strip() for p in row[cols.PLATFORM].split(",")]
        lines = []
        for index, platform in enumerate(platforms):
            key = str(EffectKey(state.item_id, step.number, 1, KeyKind.PUBLISH, platform))
            effect = Effect(key, EffectKind.PUBLISH, state.item_id, {
                "step": str(step.number), "platform": platform, "title": row[cols.TITLE],
                "caption": row[cols.CAPTION], "kind": row[cols.TYPE]})
            odd = how in ("check", "manual") and index == 0
            result_state = {"check": UNKNOWN_STATE, "manual": MANUAL_STATE}[how] if odd else PUBLISHED_STATE
            link = f"https://{platform_folder(platform)}.example/p/{state.item_id}"
            result = ActionResult(ok=not odd, links=() if odd else ((platform, link),), state=result_state,
                                  problem="jawaban platform hilang" if odd else "")
            self.published.append((effect, result, at.isoformat()))
            lines.append(f"{platform}: PERLU DICEK" if odd and how == "check" else f"{platform}: {link}")
            if self.feed is not None and not odd:
                self._feed_post(state, platform, at)
        row[cols.LINKS] = "\n".join(lines)
        if how == "check":
            row[self.contract.status(step.number)] = self.sop.needs_check
        return replace(state, row=row)

    def _feed_post(self, state: ItemState, platform: str, at: datetime) -> None:
        assert self.feed is not None
        folder = self.feed / platform_folder(platform) / state.item_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CAPTION_FILE).write_text(state.row[cols.CAPTION] + "\n", encoding="utf-8")
        record = {"key": "", "item_id": state.item_id, "platform": platform, "title": state.row[cols.TITLE],
                  "kind": state.row[cols.TYPE], "caption": state.row[cols.CAPTION],
                  "published_at": at.isoformat(timespec="seconds"), "media": ["poster.jpg"],
                  "media_info": [{"name": "poster.jpg", "kind": "image", "width": 1080, "height": 1350}],
                  "notes": []}
        (folder / POST_FILE).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    def flush(self) -> None:
        """Everything written so far into the journal, through its own API."""
        j = self.journal
        j.commit_states(self.states, self.now)
        by_time: dict[str, list[Event]] = {}
        for event, at in self.events:
            by_time.setdefault(at, []).append(event)
        for at, events in sorted(by_time.items()):
            j.record_intents(events, [], at)
        j.record_intents([], [effect for effect, _, _ in self.published], self.now.isoformat())
        for effect, result, at in self.published:
            j.mark_done(effect.key, result, at)
        j.record_completions(self.completions, self.calendar.working_minutes_between)
        self.states, self.events, self.completions, self.published = [], [], [], []


def fill(journal: Journal, count: int, feed: Path | None = None, kinds: tuple[str, ...] = KINDS) -> list[Built]:
    """`count` items cycling through `kinds` (every kind by default), written into `journal`."""
    writer = ItemWriter(journal, feed=feed)
    built = []
    for number in range(1, count + 1):
        built.append(writer.item(number, kinds[(number - 1) % len(kinds)]))
        if number % 1000 == 0:
            writer.flush()
    writer.flush()
    return built
