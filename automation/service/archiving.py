"""The archive pass: once a day, finished rows move from the Register to the yearly archive.

The rule (which rows) is `automation/domain/archive.py`; moving is the register's `Archiving`
capability. Each move is an effect under `<ID>/0/0/archive`, journaled before the register is
touched and marked done only when the row is in the archive and gone from the Register. A pass that
is interrupted (a crash, the workbook open in an editor) leaves its effects pending; the next pass
moves them again with the values first journaled, and the register only deletes what it archived.

The same daily pass reads the archives back and tells the operator, once per edit, when a person
changed a row there: the edit stays in the archive (nothing is lost), but the daemon does not act on it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from automation.domain import contract as cols
from automation.domain.archive import (
    archive_key,
    archive_year,
    archived_event_key,
    candidates,
    edits_in_archive,
    finished_at,
)
from automation.domain.contract import Contract
from automation.domain.keys import EffectKind
from automation.domain.texts import log as log_text
from automation.domain.texts import register as texts
from automation.domain.workflow import OPEN, Effect, Event, ItemState
from automation.ports import ArchivedRow, ArchiveRow, Archiving, Table
from automation.service.journal import Journal

log = logging.getLogger("sop_konten.archive")

ARCHIVE_DAY = "archive.day"  # meta: the day the pass last ran to the end
ARCHIVE_TOLD = "archive.told."  # meta prefix + ID: the edit found in the archived row, already told


@dataclass
class ArchivePass:
    register: Archiving
    journal: Journal
    contract: Contract
    after_days: int

    def due(self, now: datetime) -> bool:
        return self.after_days > 0 and self.journal.get_meta(ARCHIVE_DAY) != now.date().isoformat()

    def run(self, now: datetime, table: Table, rows: list[dict[str, str]],
            states: Mapping[str, ItemState]) -> list[str]:
        """Move what is due; the problems to tell the operator (edits found in the archive)."""
        if not self.due(now):
            return []
        problems = self._check_archives()
        at = now.strftime(cols.TIME_FORMAT)
        pending = {e.item_id: e for e in self.journal.unfinished_effects() if e.kind == EffectKind.ARCHIVE}
        present = {row[cols.ID].strip() for row in rows}
        ended = self._ended_without_times({i: s for i, s in states.items() if i in present})
        moves: list[ArchiveRow] = []
        intents: list[Effect] = []
        done = self.journal.done_items(EffectKind.ARCHIVE)  # pasted back after the move: told, never moved again
        for found in candidates(rows, states, self.contract, now, self.after_days, ended, skip={*pending, *done}):
            values = tuple(zip(table.headers, table.rows[found.index], strict=False))
            row = ArchiveRow(found.item_id, archive_year(found.item_id), values, at)
            moves.append(row)
            intents.append(Effect(archive_key(row.item_id), EffectKind.ARCHIVE, row.item_id,
                                  {"year": str(row.year), "row": json.dumps(values, ensure_ascii=False)}))
        for item_id, effect in pending.items():  # an interrupted move: again, with the values first journaled
            values = tuple((h, v) for h, v in json.loads(effect.params["row"]))
            moves.append(ArchiveRow(item_id, int(effect.params["year"]), values, at))
        self.journal.record_intents([], intents, at)
        try:
            result = self.register.archive(moves, settled=done)
        except Exception as exc:  # the register is unreachable now: the effects stay pending, tried next cycle
            log.error(log_text.ARCHIVE_FAILED, exc)
            return problems
        events = [Event(archived_event_key(item_id), item_id, "", "", "", "",
                        texts.archived_remark(texts.archive_tab(archive_year(item_id))))
                  for item_id in result.moved]
        for item_id in result.moved:
            self.journal.mark_done(archive_key(item_id), None, at)
        self.journal.record_intents(events, [], at)
        if result.moved:
            log.info(log_text.ARCHIVED, len(result.moved))
        if result.reason:
            log.warning(log_text.ARCHIVE_WAITS, result.reason)
            return problems
        self.journal.set_meta(ARCHIVE_DAY, now.date().isoformat())
        return problems

    def _ended_without_times(self, states: Mapping[str, ItemState]) -> dict[str, datetime]:
        """When an ended item whose row has no step time (an adopted row) ended: its last event."""
        ended = {}
        for item_id, state in states.items():
            if state.outcome == OPEN or finished_at(state, self.contract) is not None:
                continue
            events = self.journal.events_for(item_id)
            if events:
                ended[item_id] = datetime.fromisoformat(events[-1][1])
        return ended

    def _check_archives(self) -> list[str]:
        """Rows of the archives a person changed (or removed) since they were moved: told once each."""
        moved = {e.item_id: e for e in self.journal.done_effects(EffectKind.ARCHIVE)}
        if not moved:
            return []
        years = {int(e.params["year"]) for e in moved.values()}
        try:
            found: dict[str, ArchivedRow] = {r.item_id: r for r in self.register.archived(years)}
        except Exception as exc:  # an archive open or damaged: checked again on the next pass
            log.warning(log_text.ARCHIVE_NOT_READABLE, exc)
            return []
        problems = []
        for item_id, effect in moved.items():
            tab = texts.archive_tab(int(effect.params["year"]))
            there = found.get(item_id)
            if there is None:
                changed, told = ["-"], texts.archive_missing_problem(item_id, tab)
            else:
                before = {h: v for h, v in json.loads(effect.params["row"])}
                now_values = dict(there.values)
                changed = edits_in_archive(before, now_values)
                told = texts.archive_edited_problem(item_id, tab, changed)
                changed = [f"{h}={now_values.get(h, '')}" for h in changed]
            seen = json.dumps(changed, ensure_ascii=False)
            if not changed or self.journal.get_meta(ARCHIVE_TOLD + item_id) == seen:
                continue
            self.journal.set_meta(ARCHIVE_TOLD + item_id, seen)
            log.warning(log_text.ARCHIVE_EDITED, told)
            problems.append(told)
        return problems
