"""One poll cycle: read -> decide -> journal the intents -> perform -> write -> commit.

The journal's ledger makes every side effect idempotent: a cycle that crashes
anywhere is simply run again, and what was already done is not done twice.
Item states are committed only after the register write succeeded, so a
write that has to wait (workbook open in an editor) is decided again, with
the same keys, on a later cycle. The write is journaled before it is made,
so a crash between the write and the commit is settled by the next cycle:
it recognises its own write instead of undoing it as a person's edit.
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from automation.domain import contract as cols
from automation.domain.approval import approved_content, content_changes
from automation.domain.archive import archive_year
from automation.domain.contract import Contract, HeaderError, Roster, format_id, parse_id, parse_roster
from automation.domain.intake import contributor_details, kind_of_files
from automation.domain.keys import EffectKey, EffectKind, KeyKind
from automation.domain.results import (
    CHECKED_STATE,
    RETRYING_STATE,
    ActionResult,
    EffectResult,
    FolderResult,
    NotifyResult,
)
from automation.domain.sop import Sop
from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text
from automation.domain.texts import register as texts
from automation.domain.workflow import (
    OPEN,
    Context,
    Effect,
    Event,
    ItemState,
    RowDecision,
    adopted_state,
    decide_row,
    draft_state,
    earliest,
    is_blank,
    is_quiet,
)
from automation.faults import reached
from automation.ports import (
    AddressChecking,
    Archiving,
    AssetStore,
    Attachment,
    BatchPlacing,
    BatchSending,
    CellChange,
    Clock,
    ContentDigesting,
    Flushing,
    IntakeEntry,
    LockReporting,
    Message,
    Notifier,
    Prefetching,
    Publisher,
    Register,
    RegisterError,
    RowAnchor,
    RowUpdate,
    SeenContents,
    Table,
    TokenRefreshing,
    UnsafeFileReporting,
    WriteBatch,
)
from automation.service.archiving import ArchivePass
from automation.service.health import CycleRecord, record_cycle, record_token_expiry
from automation.service.journal import DONE, FAILED, Journal, PendingWrite
from automation.service.messages import DECISION_KINDS, ItemLinks, decision_pictures, render
from automation.service.publishing import PublishingService
from automation.service.register_lock import LockWatch
from automation.service.roster_record import record_active_roster

INTAKE_DETAILS = "intake.details."  # journal meta key prefix: contact, unit, Sumber, Jenis of an upload
log = logging.getLogger("sop_konten.engine")

# folders first: messages link to them
EFFECT_ORDER = {EffectKind.CLAIM: 0, EffectKind.PLACE: 1, EffectKind.CHECK: 2, EffectKind.PUBLISH: 3,
                EffectKind.NOTIFY: 4}


@dataclass(frozen=True)
class QuietRow:
    """An open row whose last decision changed nothing (`is_quiet`), and what that decision depended on."""

    previous: ItemState  # the very state object decided from; a commit or a re-read journal makes a new one
    until: datetime | None  # the decision's `until`: a time rule turns out differently from then on
    ledger: int  # the journal's ledger_mark of the item: its effects' statuses and results as they were
    refused: tuple[str, ...]  # the notes for its folder's unreadable files the decision saw


@dataclass
class CycleSummary:
    at: datetime
    new_items: int = 0
    transitions: int = 0
    undone: int = 0
    effects: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    written: bool = False
    deferred: str = ""
    error: str = ""

    def line(self) -> str:
        if self.error:
            return log_text.cycle_failed(self.error)
        parts = log_text.cycle_counts(self.new_items, self.transitions, self.undone, self.effects['notify'],
                                      self.effects['place'], self.effects['publish'])
        tail = []
        if self.deferred:
            tail.append(log_text.cycle_deferred(self.deferred))
        if self.failed:
            tail.append(log_text.cycle_failed_effects(len(self.failed)))
        if self.problems:
            tail.append(log_text.cycle_problems(len(self.problems), self.problems[:3]))
        return log_text.cycle_line(parts, tail)


@dataclass
class Engine:
    sop: Sop
    register: Register
    assets: AssetStore
    notifier: Notifier
    publisher: Publisher
    journal: Journal
    clock: Clock
    due: Callable[[datetime, float], datetime] = lambda start, minutes: start + timedelta(minutes=minutes)
    working_minutes: Callable[[datetime, datetime], float] = lambda a, b: max(0.0, (b - a).total_seconds() / 60)
    publishing: PublishingService | None = None  # per-platform publishing; None: the local feed for all
    token_warning_days: float = 14  # tell the admin this long before a platform token expires
    before_effect: Callable[[int, Effect], None] = lambda count, effect: None  # crash-injection hook for tests
    after_write: Callable[[], None] = lambda: None  # crash-injection hook: after the register write, before the commit
    on_roster: Callable[[Table], list[str]] = lambda table: []  # channels that route by roster columns
    lock_watch: LockWatch | None = None  # a reminder to close a register left open (local workbook)
    request_counts: Callable[[], Mapping[str, int]] = dict  # API -> requests sent so far (Google backends)
    archive_after_days: int = 0  # finished rows older than this move to the yearly archive (service/archiving.py)

    def __post_init__(self):
        self._left_alone_told: set[tuple[str, str]] = set()
        self.contract = Contract(self.sop)
        self._performed = 0
        self._requests_seen: dict[str, int] = {}
        self._contents: dict[str, dict[str, str] | None] = {}
        self._unsafe_reporter: UnsafeFileReporting | None = None
        self._archived: set[str] | None = None  # items in the archive (_archived_items)
        # Open rows not decided again while nothing they depend on changed (an idle poll decided ~1,000
        # open rows again only for the clock): item ID -> QuietRow; valid for one roster and header set.
        self._quiet: dict[str, QuietRow] = {}
        self._quiet_context: tuple[object, ...] = ()
        self._observed_open: dict[str, dict[str, str]] = {}  # this cycle: open item -> its row as read
        self._refused_seen: dict[str, tuple[str, ...] | None] = {}  # this cycle; None: two calls differed
        # The rows of a register table the adapter hands out again unchanged (the local workbook keeps its
        # last snapshot), and the ended items found unchanged in them: item ID -> (state, row) compared.
        # The table is only weakly held: a backend that reads a new table every poll keeps nothing here.
        self._rows_cache: tuple[weakref.ref[Table], list[dict[str, str]]] | None = None
        self._settled: dict[str, tuple[ItemState, dict[str, str]]] = {}
        self._tables_kept = True  # the last table outlived its cycle: worth remembering what was compared
        # This cycle's mails, rendered and waiting to go out together (a BatchSending notifier): effect,
        # when it was performed, the message; their keys, so a decision performed again does not add them twice.
        self._outgoing: list[tuple[Effect, str, Message]] = []
        self._outgoing_keys: set[str] = set()
        self._sends_together = False
        self.publishing_service = self.publishing or PublishingService(
            self.journal, self.assets, self.publisher, Path("published-media"))

    # -- the cycle --------------------------------------------------------
    def run_once(self) -> CycleSummary:
        started = time.perf_counter()
        summary = CycleSummary(at=self.clock.now().replace(second=0, microsecond=0))
        try:
            summary = self._cycle()
            return summary
        except Exception as exc:  # told by the caller; the health record still says the cycle failed
            summary.error = str(exc) or type(exc).__name__
            raise
        finally:
            self._flush_digest()
            self._record_health(summary, time.perf_counter() - started)

    def _record_health(self, summary: CycleSummary, seconds: float) -> None:
        """The cycle's record for `status`, the Dasbor and /metrics; never stops the daemon."""
        counts = dict(self.request_counts())
        sent = {api: count - self._requests_seen.get(api, 0) for api, count in counts.items()}
        self._requests_seen = counts
        record = CycleRecord(
            at=summary.at.isoformat(), seconds=round(seconds, 4), line=summary.line(), error=summary.error,
            deferred=summary.deferred, written=summary.written, new_items=summary.new_items,
            transitions=summary.transitions, undone=summary.undone, effects=dict(summary.effects),
            failed_effects=len(summary.failed), problems=tuple(summary.problems))
        try:
            record_cycle(self.journal, record, sent)
        except Exception as exc:  # a journal that cannot be written is told by the next cycle's own error
            log.debug(log_text.UNEXPECTED_ERROR_DETAIL, exc_info=exc)

    def _flush_digest(self) -> None:
        if not isinstance(self.notifier, Flushing):
            return
        try:
            result = self.notifier.flush(self.clock.now())
            if result.sent:
                log.info(log_text.DIGEST, result)
        except Exception as exc:  # a digest that fails is tried again on the next cycle
            log.error(log_text.DIGEST_NOT_SENT, exc)

    def _cycle(self) -> CycleSummary:
        now = self.clock.now().replace(second=0, microsecond=0)
        summary = CycleSummary(at=now)
        self._outgoing, self._outgoing_keys = [], set()  # a cycle that failed left its mails' intents pending
        self._sends_together = isinstance(self.notifier, BatchSending)  # once a cycle: a Protocol check is slow
        if self._rows_cache is not None:
            self._tables_kept = self._rows_cache[0]() is not None
            if not self._tables_kept:
                self._rows_cache, self._settled = None, {}  # freed before the new read, not beside it
        try:
            snapshot = self.register.read()
            rows = self._rows(snapshot.register)
            roster, problems = parse_roster(snapshot.roster, self.sop)
        except (RegisterError, HeaderError) as exc:
            summary.error = str(exc)
            log.error(log_text.REGISTER_UNUSABLE, exc)
            return summary
        summary.problems.extend(problems)
        summary.problems.extend(self.on_roster(snapshot.roster))
        self._watch_tokens(now, roster)
        record_active_roster(self.journal, roster)  # who may sign in to the Dasbor
        try:
            self.assets.ensure_stages(self.sop.stages)
        except Exception as exc:  # the folders are unreachable: nothing can move, so nothing is decided
            summary.error = str(exc)
            log.error(log_text.ASSETS_UNUSABLE, exc)
            return summary

        self._settle_pending_write(rows, now)
        states = self.journal.states()
        if isinstance(self.assets, Prefetching):  # the files of edited items, which deciding may bind
            self.assets.prefetch(_edited_open_items(rows, states))
        ctx = self._context(roster, now, states)
        ctx.officer_notes = cols.OFFICER_NOTE in snapshot.register.headers
        if self._quiet_context != (roster, ctx.officer_notes):  # who may act, or where reasons go, changed
            self._quiet.clear()
            self._quiet_context = (roster, ctx.officer_notes)
        decisions, anchors, appends, flags = self._decide(rows, states, ctx, summary)
        if isinstance(self.assets, UnsafeFileReporting):  # uploads left alone have no row to carry a note
            summary.problems.extend(self.assets.refused_intake())

        self._journal_and_perform(decisions, ctx, summary)
        # Actions performed now (publishing, checks) change the row once more in this same cycle.
        for index, decision in enumerate(decisions):
            if any(e.kind in (EffectKind.PUBLISH, EffectKind.CHECK) for e in decision.effects):
                again = decide_row(ctx, decision.state, decision.row)
                decisions[index] = _merge(decision, again)
                self._journal_and_perform([decisions[index]], ctx, summary)
        self._retry_unfinished(decisions, states, ctx, summary)
        self._send_outgoing(summary)

        batch, writes = self._batch(decisions, anchors, appends, rows, snapshot.log_last_no, states, flags)
        changed = [d.state for d in decisions if d.state != states.get(d.item_id)]
        if batch.updates or batch.appends or batch.log_rows:
            # journaled first: a crash after the write and before the commit is settled by the next cycle
            ids = {state.item_id for state in changed}
            self.journal.record_pending_write(w for w in writes if w.state.item_id in ids)
            reached("register.write")
            result = self.register.write(batch)
            if not result.written:  # the pending write stays: the next cycle reads whether any of it landed
                summary.deferred = result.reason
                log.warning(log_text.REGISTER_NOT_WRITTEN_RETRY, result.reason)
                self._register_waits(now, roster, summary)
                return summary
            summary.written = True
            if self.lock_watch is not None:
                self.lock_watch.closed()
            self.after_write()
            for anchor, column in result.skipped:  # told once: a merged cell stays skipped every cycle
                told = (str(anchor), column) in self._left_alone_told
                (log.debug if told else log.info)(log_text.ROW_LEFT_ALONE, anchor, column)
                self._left_alone_told.add((str(anchor), column))
        reached("journal.commit_states")
        self.journal.commit_write(changed, now)
        self._remember_quiet(decisions, states)
        for decision in decisions:
            kinds = [EffectKey.parse(e.key).kind for e in decision.events]
            summary.transitions += kinds.count(KeyKind.TRANSITION)
            summary.undone += kinds.count(KeyKind.UNDO)
        self._archive(now, snapshot.register, rows, {**states, **{s.item_id: s for s in changed}}, summary)
        return summary

    def _rows(self, table: Table) -> list[dict[str, str]]:
        """The table's rows as {header: value}; the same list again for the same table (never changed)."""
        if self._rows_cache is not None and self._rows_cache[0]() is table:
            return self._rows_cache[1]
        rows = self.contract.rows(table)
        self._rows_cache, self._settled = (weakref.ref(table, self._forget_rows), rows), {}
        return rows

    def _forget_rows(self, _table: weakref.ref[Table]) -> None:
        """The table is gone (the register read a new one): its rows go too, before the new ones are built,
        so the two registers' text is never held at once."""
        self._rows_cache, self._settled = None, {}

    def _archive(self, now: datetime, table: Table, rows: list[dict[str, str]], states: dict[str, ItemState],
                 summary: CycleSummary) -> None:
        """Once a day, after a cycle whose write is done: finished rows move to the yearly archive."""
        if self.archive_after_days <= 0 or not isinstance(self.register, Archiving):
            return
        archive = ArchivePass(self.register, self.journal, self.contract, self.archive_after_days)
        if archive.due(now):
            summary.problems.extend(archive.run(now, table, rows, states))
            self._archived = None  # read again: the pass may have moved rows

    def _archived_items(self) -> set[str]:
        """The items whose row moved to the archive; read from the journal once, then after each pass."""
        if self._archived is None:
            self._archived = self.journal.done_items(EffectKind.ARCHIVE)
        return self._archived

    def _register_waits(self, now: datetime, roster: Roster, summary: CycleSummary) -> None:
        """The write waits: if an editor holds the register open, remind the person once it is too long."""
        if self.lock_watch is None or not isinstance(self.register, LockReporting):
            return
        lock = self.register.lock()
        if lock is not None:
            told = self.lock_watch.waiting(lock, now, roster)
            if told:
                summary.problems.append(told)

    def _settle_pending_write(self, rows: list[dict[str, str]], now: datetime) -> None:
        """A write journaled but not committed (a crash in between): commit the items whose write landed.

        An item's write landed when its row is there (an appended row) or when its written cells hold
        more of the values written than of the values read (a person may have edited one since). The
        other items keep their previous state and are decided again, with the same keys.
        """
        pending = self.journal.pending_write()
        if not pending:
            return
        by_id: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            by_id.setdefault(row[cols.ID].strip(), []).append(row)
        landed, quiet = [], []
        for write in pending:
            found = by_id.get(write.state.item_id, [])
            if write.appended:
                if found:
                    landed.append(write.state)
            elif not write.cells:
                quiet.append(write.state)  # nothing of its own to see: it follows the rest of the write
            elif any(_holds_written(row, write.cells) for row in found):
                landed.append(write.state)
        if landed:  # else the write may not have happened at all; deciding them again gives the same states
            landed.extend(quiet)
        self.journal.commit_write(landed, now)
        log.info(log_text.PENDING_WRITE_SETTLED, len(landed), len(pending))

    def _context(self, roster: Roster, now: datetime, states: dict[str, ItemState]) -> Context:
        workload: Counter = Counter()
        for state in states.values():
            if state.outcome == OPEN and state.active:
                name = state.row.get(self.contract.actor(state.active), "")
                if name:
                    workload[name] += 1

        def results(key: str) -> ActionResult | None:
            status, result, error = self.journal.outcome(key)
            if status == FAILED and EffectKey.parse(key).is_a(KeyKind.PUBLISH):
                return ActionResult(ok=False, problem=error or "", state=RETRYING_STATE)
            if status != DONE or not isinstance(result, ActionResult):
                return None
            return result

        self._contents = {}  # per cycle: an item's files are read once
        self._new_ids: set[str] = set()  # IDs first given in this cycle: no folder can carry them yet
        # once per cycle, not per row: an isinstance check against a Protocol is slow
        self._unsafe_reporter = self.assets if isinstance(self.assets, UnsafeFileReporting) else None
        self._intake_refused: dict[str, list[str]] = {}

        def contents(item_id: str) -> dict[str, str] | None:
            if item_id not in self._contents:
                self._contents[item_id] = self._read_contents(item_id, as_seen=True)
            return self._contents[item_id]

        self._refused_seen = {}

        def refused_files(item_id: str) -> list[str]:
            found = self._refused_files(item_id)
            seen = tuple(found)
            if self._refused_seen.get(item_id, seen) != seen:  # the folder changed within the cycle
                self._refused_seen[item_id] = None
            elif item_id not in self._refused_seen:
                self._refused_seen[item_id] = seen
            return found

        return Context(sop=self.sop, contract=self.contract, roster=roster, now=now, due=self.due,
                       workload=dict(workload), recorded=self.journal.event_time, results=results,
                       contents=contents, refused_files=refused_files)

    def _ended_unchanged(self, previous: ItemState, row: dict[str, str]) -> bool:
        """Whether an ended item's row is as accepted; not compared again while both are the same objects."""
        settled = self._settled.get(previous.item_id)
        if settled is not None and settled[0] is previous and settled[1] is row:
            return True
        if not _unchanged(previous.row, row):
            return False
        if self._tables_kept:
            self._settled[previous.item_id] = (previous, row)
        return True

    def _still_quiet(self, previous: ItemState, row: dict[str, str], ctx: Context) -> bool:
        """Whether deciding the open row again would give its last decision, which changed nothing: the same
        state (object), the row as accepted, no time rule reached since, the same ledger entries and the
        same folder notes. Its effects were all performed then and none has been written since."""
        quiet = self._quiet.get(previous.item_id)
        if quiet is None or quiet.previous is not previous or row != previous.row:
            return False
        if quiet.until is not None and ctx.now >= quiet.until:
            return False
        if quiet.ledger != self.journal.ledger_mark(previous.item_id):
            return False
        return tuple(ctx.refused_files(previous.item_id)) == quiet.refused

    def _remember_quiet(self, decisions: list[RowDecision], states: dict[str, ItemState]) -> None:
        """After the commit: the open rows whose decision changed nothing, for `_still_quiet` next cycle."""
        unfinished: set[str] | None = None
        for decision in decisions:
            item_id = decision.item_id
            self._quiet.pop(item_id, None)
            row, previous = self._observed_open.get(item_id), states.get(item_id)
            refused = self._refused_seen.get(item_id)
            if row is None or previous is None or refused is None or item_id in self._contents:
                continue  # a new or restored row, a folder changing meanwhile, or files read (approvals)
            if not is_quiet(decision, previous, row):
                continue
            if any(self.journal.effect_status(effect.key) != DONE for effect in decision.effects):
                continue
            if unfinished is None:
                unfinished = {effect.item_id for effect in self.journal.unfinished_effects()}
            if item_id in unfinished:  # retried every cycle with the item's decision: decided every cycle
                continue
            self._quiet[item_id] = QuietRow(previous, decision.until, self.journal.ledger_mark(item_id), refused)
        self._observed_open, self._refused_seen = {}, {}  # not kept between cycles: the rows are the poll's

    def _refused_files(self, item_id: str) -> list[str]:
        """Notes for the links and special files in the item's folder, which are never read nor published."""
        if item_id in self._intake_refused:  # claimed in this cycle: its folder is still in the intake
            return self._intake_refused[item_id]
        if self._unsafe_reporter is None:
            return []
        try:
            return self._unsafe_reporter.unsafe_files(item_id)
        except OSError as exc:  # the folder is unreadable now: the next cycle looks again
            log.warning(log_text.CONTENT_NOT_READABLE, item_id, exc)
            return []

    def _read_contents(self, item_id: str, as_seen: bool = False) -> dict[str, str] | None:
        """The item's files as the approval binds them; None when they cannot be read now (tried next cycle).

        `as_seen` (for deciding): as a store whose listings cost requests (Drive) last saw them, so an approval
        needs no lookup before the cycle's one batch of moves: it binds what its request mail showed the
        approver. Nothing unapproved goes out for it: every post is checked against the files as they are
        right before it is sent (`_publish_withheld`), and a difference asks the approver again."""
        if not isinstance(self.assets, ContentDigesting):
            return {}  # a store that cannot tell: the approval binds the caption, platforms and schedule
        try:
            if as_seen and isinstance(self.assets, SeenContents):
                seen = self.assets.last_seen_digest(item_id)
                if seen is not None:
                    return seen
            return self.assets.digest(item_id)
        except Exception as exc:  # unreachable folders: the approval or the publishing waits for them
            log.warning(log_text.CONTENT_NOT_READABLE, item_id, exc)
            return None

    def _publish_withheld(self, effect: Effect, decision: RowDecision) -> bool:
        """Right before a post goes out: is it still the approved content of the active publish step?"""
        key, state = EffectKey.parse(effect.key), decision.state
        if state.active != key.step or state.activations.get(state.active, 1) != key.activation:
            return True  # the approval was asked again since this post was decided
        if not state.approved:
            return False  # approved before approvals were bound to their content
        files = self._read_contents(effect.item_id)
        self._contents[effect.item_id] = files  # the decision made again in this cycle sees the same
        if files is None:
            return True
        changes = content_changes(state.approved, approved_content(files, decision.row, self.sop))
        if changes:
            log.warning(log_text.PUBLISH_WITHHELD, effect.key, "; ".join(changes))
        return bool(changes)

    def _decide(self, rows: list[dict[str, str]], states: dict[str, ItemState], ctx: Context,
                summary: CycleSummary):
        decisions: list[RowDecision] = []
        anchors: list[RowAnchor | None] = []  # None: an appended row
        appends: list[int] = []  # indexes into decisions
        flags: list[RowUpdate] = []  # notes on rows left alone (a copied row)
        seen_ids: set[str] = set()
        ids = [row[cols.ID].strip() for row in rows]  # one pass: an idle poll at 10,000 rows is mostly passes
        next_seq = self._sequence_source(ids, ctx.now.year)
        present = set(ids)
        self._observed_open = {}
        reserved = self.journal.reserved_ids()
        ours = {item_id for item_id, _, _ in reserved}  # IDs given by the daemon, not yet committed
        ours |= {item_id for _, item_id, _, _ in self.journal.uncommitted_intake()}
        archived = self._archived_items()  # their rows are in the archive, not missing
        lost = {item_id: state for item_id, state in states.items()
                if item_id not in present and item_id not in archived}
        renamed = _renamed_rows(rows, states, lost) if lost else {}  # a row can only be a vanished item
        originals = _original_rows(rows, ids, skip=set(renamed))

        for index, row in enumerate(rows):
            item_id = ids[index]
            if not item_id and is_blank(row):
                continue
            if item_id and index not in renamed and originals.get(item_id, index) != index:
                summary.problems.append(texts.duplicate_id_problem(item_id, index + 2))
                flags.extend(_flag_copy(item_id, index, row))
                continue
            if item_id in archived and index not in renamed:  # pasted back after the move: told, left alone
                summary.problems.append(texts.archived_again_problem(item_id, _archive_tab(item_id), index + 2))
                flags.extend(_flag_archived(item_id, index, row))
                continue
            extra: list[Event] = []
            restored = renamed.get(index)
            if restored is None and item_id not in states and item_id not in ours:
                restored = _lost_item(row, lost)
            if restored is not None:  # its ID was cleared or changed: the item, with its ID given back
                lost.pop(restored.item_id, None)  # a renamed row's item left it already
                previous = restored
                anchor = RowAnchor(item_id=item_id, read_index=index, title=row[cols.TITLE])
                item_id = restored.item_id
            elif item_id in states:
                previous = states[item_id]
                if previous.outcome != OPEN and self._ended_unchanged(previous, row):
                    seen_ids.add(item_id)
                    continue  # an ended item nobody touched: nothing to decide (most of a long register)
                if previous.outcome == OPEN:
                    if self._still_quiet(previous, row, ctx):
                        seen_ids.add(item_id)
                        continue  # decided again, it would change nothing: no edit, no deadline reached
                    self._observed_open[item_id] = row
                anchor = RowAnchor(item_id=item_id, read_index=index)
            elif parse_id(item_id):
                previous = adopted_state(self.contract, item_id, row)
                anchor = RowAnchor(item_id=item_id, read_index=index)
                extra.append(Event(str(EffectKey(item_id, 0, 0, KeyKind.ADOPTED)), item_id, "", "", "", "",
                                   texts.ADOPTED_REMARK))
            elif not item_id and row[cols.TITLE].strip():
                item_id = self._typed_row_id(row[cols.TITLE], index, reserved, present, next_seq, ctx)
                previous = draft_state(self.contract, item_id, row)
                anchor = RowAnchor(read_index=index, title=row[cols.TITLE])
                summary.new_items += 1
            else:
                if item_id and row[cols.TITLE].strip():  # an ID typed by hand that is not ours: told once
                    flags.extend(_flag_foreign_id(item_id, index, row))
                continue  # no title yet, or an ID that is not ours: nothing to track
            seen_ids.add(item_id)
            decision = decide_row(ctx, previous, row)
            decision.events[:0] = extra
            decisions.append(decision)
            anchors.append(anchor)

        for entry, item_id in self._intake(next_seq, ctx):
            if item_id in seen_ids:
                continue  # its row is in the register already: never appended twice
            observed = {h: "" for h in self.contract.register_headers}
            observed[cols.TITLE] = entry.name
            details = self._intake_details(item_id)
            observed[self.contract.actor(1)] = details.get("contact") or entry.uploader
            observed[cols.SOURCE] = details.get("source", "")
            observed[cols.TYPE] = details.get("kind", "")
            previous = draft_state(self.contract, item_id, observed)
            observed[self.contract.status(1)] = self.sop.first.outcomes[0].status
            decision = decide_row(ctx, previous, observed)
            claim_key = str(EffectKey(item_id, 0, 0, KeyKind.CLAIM, entry.key))
            decision.effects.insert(0, Effect(claim_key, EffectKind.CLAIM, item_id, {
                "entry": entry.key, "name": entry.name, "uploader": entry.uploader, "title": entry.name,
                "stage": self.sop.stage_of(1)}))
            remark = texts.intake_remark(details.get("unit", ""))
            decision.events.insert(0, Event(str(EffectKey(item_id, 0, 0, KeyKind.INTAKE)), item_id, self.sop.first.label, "", "",
                                            observed[self.contract.actor(1)], remark))
            seen_ids.add(item_id)
            appends.append(len(decisions))
            decisions.append(decision)
            anchors.append(None)
            summary.new_items += 1
        return decisions, anchors, appends, flags

    def _typed_row_id(self, title: str, index: int, reserved: list[tuple[str, str, int]], present: set[str],
                      next_seq: Callable[[], int], ctx: Context) -> str:
        """The ID of a typed row: the one reserved for it by an earlier, unfinished cycle, or a new one.

        Reserved (journaled) before any effect for the row, so a retried cycle mails and files under
        the same ID. A reservation is found by title and read position, else by title alone (rows
        inserted or sorted above it since); each is used by one row only.
        """
        title = title.strip()
        usable = [r for r in reserved if r[1] == title and r[0] not in present]
        match = next((r for r in usable if r[2] == index), None) or next(iter(usable), None)
        if match is not None:
            reserved.remove(match)
            if match[2] != index:
                self.journal.reserve_id(match[0], title, index)
            return match[0]
        item_id = format_id(ctx.now.year, next_seq())
        self.journal.reserve_id(item_id, title, index)
        self._new_ids.add(item_id)
        return item_id

    def _sequence_source(self, ids: list[str], year: int) -> Callable[[], int]:
        highest = self.journal.highest_sequence(year)
        this_year = format_id(year, 0)[:-4]  # "K-2026-": only those IDs can raise this year's sequence
        for item_id in ids:
            if this_year not in item_id:
                continue
            parsed = parse_id(item_id)
            if parsed and parsed[0] == year:
                highest = max(highest, parsed[1])
        counter = [highest]

        def take() -> int:
            counter[0] += 1
            return counter[0]

        return take

    def _intake(self, next_seq: Callable[[], int], ctx: Context) -> list[tuple[IntakeEntry, str]]:
        """Uploads in the intake folder, each with its (journaled, so stable) item ID."""
        found = []
        pending = {item_id: (key, title, uploader)
                   for key, item_id, title, uploader in self.journal.uncommitted_intake()}
        for item_id, (key, title, uploader) in pending.items():
            found.append((IntakeEntry(key=key, name=title, uploader=uploader), item_id))
        for entry in self.assets.list_intake():
            if self.journal.intake_item(entry.key):
                continue
            item_id = format_id(ctx.now.year, next_seq())
            self._new_ids.add(item_id)
            details = contributor_details(entry.contributor_file, self.sop)
            # kept before the claim: a cycle that dies before the row is written makes the same row again
            self.journal.set_meta(f"{INTAKE_DETAILS}{item_id}", json.dumps({
                "contact": details.contact, "unit": details.unit, "source": details.source,
                "kind": details.kind or kind_of_files(entry.files, self.sop)}, ensure_ascii=False))
            self.journal.claim_intake(entry.key, item_id, entry.name, entry.uploader)
            self._intake_refused[item_id] = [media_text.unsafe_file(name) for name in entry.refused]
            found.append((entry, item_id))
        return found

    def _intake_details(self, item_id: str) -> dict[str, str]:
        """What kontributor.txt and the files said of an upload, as journaled when it got its ID."""
        text = self.journal.get_meta(f"{INTAKE_DETAILS}{item_id}")
        found = json.loads(text) if text else {}
        return {k: str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    # -- effects ----------------------------------------------------------
    def _journal_and_perform(self, decisions: list[RowDecision], ctx: Context, summary: CycleSummary) -> None:
        self.journal.record_intents(
            (e for d in decisions for e in d.events),
            (f for d in decisions for f in d.effects),
            ctx.now.strftime(cols.TIME_FORMAT),
            (c for d in decisions for c in d.completions), self.working_minutes,
        )
        if isinstance(self.assets, Prefetching):  # what the effects below look at, named before the
            files, linked = self._looked_at(decisions)  # moves: looked up in the same Drive batch
            self.assets.prefetch(files, located=linked, new=self._new_ids)
        for decision in decisions:  # uploads first: they become the item folders that moves then move
            for effect in decision.effects:
                if effect.kind == EffectKind.CLAIM and self.journal.effect_status(effect.key) != DONE:
                    self._perform(effect, decision, ctx, summary)
        self._place_together(decisions, summary)
        for decision in decisions:
            for effect in sorted(decision.effects, key=lambda e: EFFECT_ORDER[e.kind]):
                if self.journal.effect_status(effect.key) == DONE:
                    self._apply_result(decision, self.journal.result(effect.key))
                    continue
                self._perform(effect, decision, ctx, summary)

    def _watch_tokens(self, now: datetime, roster: Roster) -> None:
        """Once a day: refresh platform tokens that can be refreshed, warn the admin about the others."""
        platforms = self.publishing_service.platforms
        today = now.date().isoformat()
        if not platforms or self.journal.get_meta("tokens.checked") == today:
            return
        for name, adapter in platforms.items():
            expiry = adapter.token_expiry()
            if expiry is None:
                continue
            record_token_expiry(self.journal, name, expiry)
            days_left = (expiry - now).total_seconds() / 86400
            if days_left > self.token_warning_days:
                continue
            if isinstance(adapter, TokenRefreshing) and days_left > 0:
                try:
                    renewed = adapter.refresh_token()
                    if renewed.stored:
                        log.info(log_text.TOKEN_REFRESHED, name, renewed.expires_at)
                        continue
                except Exception as exc:  # refreshing is a convenience; the warning below still goes out
                    log.warning(log_text.TOKEN_NOT_REFRESHED, name, exc)
            for admin in roster.active_in(self.sop.last.role):
                key = str(EffectKey.token_warning(name, expiry.date().isoformat(), admin.email))
                if not admin.email or self.journal.effect_status(key) == DONE:
                    continue
                params = {"template": "token_expiry", "to": admin.email, "to_name": admin.name, "platform": name,
                          "expires": expiry.astimezone(now.tzinfo).strftime(cols.TIME_FORMAT),
                          "days": str(max(0, int(days_left)))}
                self.journal.record_intents([], [Effect(key, EffectKind.NOTIFY, "", params)], now.strftime(cols.TIME_FORMAT))
                try:
                    reached("notify.send")
                    self.notifier.send(render(self.sop, key, params, "", "", "", ItemLinks("", "")))
                    self.journal.mark_done(key, NotifyResult(), now.strftime(cols.TIME_FORMAT))
                except Exception as exc:
                    self.journal.mark_failed(key, str(exc))
                    return  # checked again on the next cycle
        self.journal.set_meta("tokens.checked", today)

    def _place_together(self, decisions: list[RowDecision], summary: CycleSummary) -> None:
        """Folder moves of the whole cycle in one call, where the store can batch them (Drive)."""
        if not isinstance(self.assets, BatchPlacing):
            return
        pending = [(e, d) for d in decisions for e in d.effects
                   if e.kind == EffectKind.PLACE and self.journal.effect_status(e.key) != DONE]
        if len(pending) < 2:
            return
        latest: dict[str, tuple[Effect, RowDecision]] = {}
        for effect, decision in pending:
            latest[effect.item_id] = (effect, decision)  # an item moved twice in a cycle ends in its last stage
        answers = self.assets.place_many([(e.item_id, e.params["title"], e.params["stage"]) for e, _ in latest.values()])
        at = self.clock.now().strftime(cols.TIME_FORMAT)
        for effect, decision in pending:
            answer = answers.get(effect.item_id)
            if isinstance(answer, Exception) or answer is None:
                continue  # performed one by one below, and retried if it fails again
            if latest[effect.item_id][0] is not effect:
                self.journal.mark_done(effect.key, FolderResult(answer, superseded=True), at)
                continue
            placed = FolderResult(answer)
            self.journal.mark_done(effect.key, placed, at)
            self._apply_result(decision, placed)
            summary.effects[EffectKind.PLACE] += 1

    def _send_outgoing(self, summary: CycleSummary) -> None:
        """The mails the perform phase queued, sent together once its other effects are done (Gmail: a
        batch request per 50), each then marked as if sent alone: done, or failed and tried again next cycle."""
        outgoing, self._outgoing, self._outgoing_keys = self._outgoing, [], set()
        if not outgoing:
            return
        assert isinstance(self.notifier, BatchSending)
        for _ in outgoing:
            reached("notify.send")
        try:
            outcomes = self.notifier.send_all([message for _, _, message in outgoing])
        except Exception as exc:  # the notifier failed as a whole: every intent stays, as after a failed send
            outcomes = [exc] * len(outgoing)
        for (effect, at, _), error in zip(outgoing, outcomes, strict=True):
            if error is None:
                self.journal.mark_done(effect.key, NotifyResult(), at)
                summary.effects[EffectKind.NOTIFY] += 1
            else:
                log.error(log_text.EFFECT_FAILED, effect.key, error)
                self.journal.mark_failed(effect.key, str(error))
                summary.failed.append(effect.key)

    def _retry_unfinished(self, decisions: list[RowDecision], states: dict[str, ItemState], ctx: Context,
                          summary: CycleSummary) -> None:
        """Effects left failed or pending by an earlier cycle whose decision is not being made again."""
        current = {e.key for d in decisions for e in d.effects}
        by_item = {d.item_id: d for d in decisions}
        for effect in self.journal.unfinished_effects():
            if effect.key in current or effect.kind in (EffectKind.PUBLISH, EffectKind.ARCHIVE):
                continue  # publishing is only ever started by a fresh decision; the archive pass moves rows
            state = states.get(effect.item_id)
            decision = by_item.get(effect.item_id) or (
                RowDecision(effect.item_id, state, dict(state.row)) if state else None)
            if decision is not None:
                self._perform(effect, decision, ctx, summary)

    def _looked_at(self, decisions: list[RowDecision]) -> tuple[list[str], list[str]]:
        """The items whose files the effects read (checks, posts, mails showing what is decided), and the
        items whose mails only link to their folder."""
        files, linked = [], []
        for d in decisions:
            if any(e.kind in (EffectKind.CHECK, EffectKind.PUBLISH)
                   or e.kind == EffectKind.NOTIFY and self._shows_files(e.params) for e in d.effects):
                files.append(d.item_id)
            elif any(e.kind == EffectKind.NOTIFY for e in d.effects):
                linked.append(d.item_id)
        return files, linked

    def _shows_files(self, params: Mapping[str, str]) -> bool:
        """A mail asking the reviewer or the approver to decide carries what they decide on."""
        deciding = {s.number for s in (self.sop.check_step, self.sop.approval_step) if s is not None}
        step = params.get("step", "")
        return params.get("template") in DECISION_KINDS and step.isdigit() and int(step) in deciding

    def _decision_material(self, params: Mapping[str, str], item_id: str,
                           decision: RowDecision) -> tuple[dict[str, str], tuple[Attachment, ...]]:
        """For a mail asking the reviewer or the approver to decide: what they decide on, so they can
        decide from the mail (caption per platform, platforms, schedule, the check's warnings, pictures)."""
        out = dict(params)
        if not self._shows_files(params):
            return out, ()
        row = decision.row
        out.update(decision="ya", platforms=row[cols.PLATFORM], schedule=row[cols.SCHEDULE],
                   caption=row[cols.CAPTION])
        check = self.sop.check_step
        if check is not None:
            key = str(EffectKey(item_id, check.number, decision.state.activations.get(check.number, 1),
                                KeyKind.CHECK))
            _, result, _ = self.journal.outcome(key)
            if isinstance(result, ActionResult) and result.problem:
                out["warnings"] = result.problem
        try:
            files = list(self.assets.media(item_id))
        except Exception as exc:  # the mail goes without pictures; the folder link is in it
            log.warning(log_text.MEDIA_NOT_READABLE, item_id, exc)
            return out, ()
        pictures, others = decision_pictures(files)
        out["pictures"] = "\n".join(a.name for a in pictures)
        out["other_files"] = "\n".join(others)
        return out, pictures

    def _apply_result(self, decision: RowDecision, result: EffectResult | None) -> None:
        if isinstance(result, FolderResult) and result.link:
            decision.row[cols.FOLDER] = result.link
            decision.state = replace(decision.state, row=dict(decision.row))

    def _perform(self, effect: Effect, decision: RowDecision, ctx: Context, summary: CycleSummary) -> None:
        if effect.key in self._outgoing_keys:
            return  # its mail is queued already: sent with the cycle's others
        self.before_effect(self._performed, effect)
        if effect.kind == EffectKind.PUBLISH and self._publish_withheld(effect, decision):
            self._performed += 1
            return  # left pending, never performed: the decision made again in this cycle reopens the approval
        at = ctx.now.strftime(cols.TIME_FORMAT)
        p = effect.params
        try:
            result: EffectResult = NotifyResult()
            if effect.kind == EffectKind.CLAIM:
                entry = IntakeEntry(key=p["entry"], name=p["name"], uploader=p["uploader"])
                result = FolderResult(self.assets.claim_intake(entry, effect.item_id, p["title"], p["stage"]))
            elif effect.kind == EffectKind.PLACE:
                result = FolderResult(self.assets.place_item(effect.item_id, p["title"], p["stage"]))
            elif effect.kind == EffectKind.NOTIFY:
                links = ItemLinks(row=self.register.link(effect.item_id), folder=self.assets.link(effect.item_id))
                params, pictures = self._decision_material(p, effect.item_id, decision)
                message = render(self.sop, effect.key, params, effect.item_id, decision.row[cols.TITLE],
                                 decision.row[cols.DUE], links)
                if pictures:
                    message = replace(message, attachments=pictures)
                reachable = self.notifier.accepts(message) if isinstance(self.notifier, AddressChecking) else False
                if not message.to and not reachable:
                    log.warning(log_text.NO_ADDRESS, p.get("to_name"), effect.key)
                    summary.problems.append(log_text.no_email(p.get('to_name') or log_text.RECIPIENT))
                    result = NotifyResult(skipped="no address")
                elif self._sends_together:  # marked when the cycle's mails have gone out (_send_outgoing)
                    self._outgoing.append((effect, at, message))
                    self._outgoing_keys.add(effect.key)
                    self._performed += 1
                    return
                else:
                    reached("notify.send")
                    self.notifier.send(message)
            elif effect.kind == EffectKind.PUBLISH:
                reached("publish")
                result = self.publishing_service.publish(effect.key, effect.item_id, p["platform"], p["title"],
                                                 p["caption"], p["kind"])
                if result.state == RETRYING_STATE:
                    raise PublishRetry(result.problem)
            elif effect.kind == EffectKind.CHECK:
                platforms = [x.strip() for x in p.get("platforms", "").split(",") if x.strip()]
                problems = self.publishing_service.check(effect.item_id, platforms, p["title"], p["caption"], p["kind"])
                result = ActionResult(ok=not problems, state=CHECKED_STATE, problem="\n".join(problems))
            self.journal.mark_done(effect.key, result, at)
            self._apply_result(decision, result)
            summary.effects[effect.kind] += 1
        except Exception as exc:  # an adapter failed: keep the intent, retry next cycle
            log.error(log_text.EFFECT_FAILED, effect.key, exc)
            self.journal.mark_failed(effect.key, str(exc))
            summary.failed.append(effect.key)
        self._performed += 1

    # -- the write --------------------------------------------------------
    def _batch(self, decisions: list[RowDecision], anchors: list[RowAnchor | None], appends: list[int],
               rows: list[dict[str, str]], log_last_no: int, states: dict[str, ItemState],
               flags: list[RowUpdate]) -> tuple[WriteBatch, list[PendingWrite]]:
        updates, new_rows = list(flags), []
        writes: list[PendingWrite] = []
        appended = set(appends)
        by_id: dict[str, dict[str, str]] = {}
        if decisions:  # an idle poll decides nothing: no pass over every row
            for row in rows:
                by_id.setdefault(row[cols.ID].strip(), row)
        for index, decision in enumerate(decisions):
            if index in appended:
                if decision.item_id not in by_id:  # a row with this ID is never appended twice
                    new_rows.append(dict(decision.row))
                writes.append(PendingWrite(decision.state, {}, appended=True))
                continue
            anchor = anchors[index]
            assert anchor is not None  # only appended rows have none
            observed = rows[anchor.read_index] if anchor.read_index >= 0 else by_id.get(decision.item_id, {})
            changes = () if decision.row == observed else tuple(  # equal: most open rows on most polls
                CellChange(column=h, expected=observed.get(h, ""), value=decision.row[h],
                           note=decision.cell_notes.get(h, ""))
                for h in self.contract.register_headers
                if decision.row[h] != observed.get(h, "")
            )
            previous = states.get(decision.item_id)
            was_overdue = previous.overdue if previous else False
            overdue = decision.state.overdue if decision.state.overdue != was_overdue else None
            if changes or overdue is not None:
                updates.append(RowUpdate(anchor=anchor, changes=changes, overdue=overdue))
            writes.append(PendingWrite(decision.state, {c.column: (c.expected, c.value) for c in changes}))
        log_rows = tuple(self.journal.events_after(log_last_no))
        return WriteBatch(updates=tuple(updates), appends=tuple(new_rows), log_rows=log_rows), writes


def _holds_written(row: dict[str, str], cells: Mapping[str, tuple[str, str]]) -> bool:
    """Whether a row shows a write: more of its written cells hold the value written than the value read."""
    written = sum(row.get(column, "") == value for column, (_, value) in cells.items())
    read = sum(row.get(column, "") == before for column, (before, _) in cells.items())
    return written > read


def _original_rows(rows: list[dict[str, str]], ids: list[str], skip: Collection[int] = ()) -> dict[str, int]:
    """ID -> the row that is the item when several rows hold the ID (a copied row): the first one not
    flagged as a copy, so a copy stays a copy once told, even after the rows are sorted. Rows in `skip`
    (another item's row whose ID was changed to this one) are not candidates. `ids[i]`: row i's ID,
    stripped. Only IDs held by several rows are in the answer: a row whose ID is not is the item."""
    counts = Counter(ids)
    several = {item_id for item_id, count in counts.items() if count > 1 and item_id}
    found: dict[str, list[int]] = {}
    for index, item_id in enumerate(ids) if several else ():
        if item_id in several and index not in skip:
            found.setdefault(item_id, []).append(index)
    originals = {}
    for item_id, indexes in found.items():
        flagged = texts.duplicate_id(item_id)
        unflagged = [i for i in indexes if flagged not in rows[i].get(cols.NOTES, "")]
        originals[item_id] = (unflagged or indexes)[0]
    return originals


def _flag_once(sentence: str, item_id: str, index: int, row: dict[str, str]) -> list[RowUpdate]:
    """`sentence` put before the row's notes, written once: while the cell holds it nothing more is written
    (such rows have no item of their own, so no journal memory to lean on)."""
    notes = row.get(cols.NOTES, "")
    if sentence in notes:
        return []
    value = sentence + ("\n" + notes if notes else "")
    return [RowUpdate(anchor=RowAnchor(item_id=item_id, read_index=index),
                      changes=(CellChange(column=cols.NOTES, expected=notes, value=value),))]


def _flag_copy(item_id: str, index: int, row: dict[str, str]) -> list[RowUpdate]:
    """A copied row: the ID is another row's."""
    return _flag_once(texts.duplicate_id(item_id), item_id, index, row)


def _archive_tab(item_id: str) -> str:
    return texts.archive_tab(archive_year(item_id))


def _flag_archived(item_id: str, index: int, row: dict[str, str]) -> list[RowUpdate]:
    """A row holding the ID of an item already in the archive."""
    return _flag_once(texts.archived_again(item_id, _archive_tab(item_id)), item_id, index, row)


def _flag_foreign_id(typed: str, index: int, row: dict[str, str]) -> list[RowUpdate]:
    """A titled row whose hand-typed ID is not the daemon's."""
    return _flag_once(texts.foreign_id(typed), typed, index, row)


def _renamed_rows(rows: list[dict[str, str]], states: dict[str, ItemState],
                  lost: dict[str, ItemState]) -> dict[int, ItemState]:
    """Row index -> the vanished item a row is although it holds another known item's ID (a person typed
    that ID over the item's own): the row matches the vanished item by title and folder link or stage,
    and does not match the item whose ID it holds. Matched items leave `lost`."""
    renamed: dict[int, ItemState] = {}
    for index, row in enumerate(rows):
        holder = states.get(row[cols.ID].strip())
        if holder is None or _matches(holder, row):
            continue
        vanished = _lost_item(row, lost)
        if vanished is not None:
            del lost[vanished.item_id]
            renamed[index] = vanished
    return renamed


def _matches(state: ItemState, row: dict[str, str]) -> bool:
    """Whether a row has the item's title and its folder link or stage."""
    title = row[cols.TITLE].strip()
    if not title or state.row.get(cols.TITLE, "").strip() != title:
        return False
    folder, stage = state.row.get(cols.FOLDER, ""), state.row.get(cols.STAGE, "")
    return bool(folder and folder == row.get(cols.FOLDER, "")) or bool(stage and stage == row.get(cols.STAGE, ""))


def _lost_item(row: dict[str, str], lost: dict[str, ItemState]) -> ItemState | None:
    """The known item a row without its ID is, if exactly one item is missing from the register with the
    row's title and its folder link or stage: the ID was cleared or changed, not a new row typed."""
    found = [state for state in lost.values() if _matches(state, row)]
    return found[0] if len(found) == 1 else None


def _edited_open_items(rows: list[dict[str, str]], states: Mapping[str, ItemState]) -> list[str]:
    """Open items whose row differs from what the daemon last accepted: the ones a person acted on."""
    edited = []
    for row in rows:
        state = states.get(row[cols.ID].strip())
        if state is not None and state.outcome == OPEN and state.row != row:
            edited.append(state.item_id)
    return edited


def _unchanged(accepted, row: dict[str, str]) -> bool:
    if accepted == row:  # the common case, compared in C: most of a long register is ended and untouched
        return True
    return all(accepted.get(column, "") == value for column, value in row.items() if column != cols.ID)


class PublishRetry(Exception):
    """A platform refused before anything went live: the same effect is tried again next cycle."""


def _merge(first: RowDecision, second: RowDecision) -> RowDecision:
    return RowDecision(
        item_id=first.item_id,
        state=second.state,
        row=second.row,
        events=first.events + second.events,
        effects=first.effects + second.effects,
        cell_notes={**first.cell_notes, **second.cell_notes},
        # a publish finished in the same cycle ends step 7 here: its completion is the report's only record
        completions=first.completions + second.completions,
        until=earliest(first.until, second.until),
    )
