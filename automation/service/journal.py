"""The SQLite journal: the source of truth for what the daemon did.

- `items`: the last accepted state of every row, by ID.
- `ledger`: every external side effect, keyed by its idempotency key, with its
  status (pending, done, failed) and result.
- `events`: the audit trail, numbered; the Log tab is a copy of it. Each event
  carries the hash of the one before it (`prev_hash`, `hash`), so an event
  edited or deleted afterwards breaks the chain (`verify_chain`).
- `intake`: uploads turned into items, so a retried cycle reuses the same ID.
- `reserved_ids`: IDs given to typed rows before anything is done for them, so a retried cycle reuses them.
- `pending_write`: the register write a cycle is about to make (per item: the state it commits and
  the cells it writes), so a cycle after a crash between the write and the commit recognises the
  daemon's own write instead of undoing it as a person's edit.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from automation.domain.keys import EffectKind
from automation.domain.results import PUBLISHED_STATE, ActionResult, EffectResult, FolderResult, NotifyResult
from automation.domain.workflow import Completion, Effect, Event, ItemState
from automation.faults import reached


@dataclass(frozen=True)
class CompletedActivation:
    item_id: str
    step: int
    activation: int
    started_at: str  # ISO, aware
    ended_at: str  # ISO, aware
    status: str  # the status that ended it (Selesai, Revisi, Ditolak, ...)
    actor: str
    working_minutes: float

@dataclass(frozen=True)
class Publication:
    """One publish effect performed (on one platform), as the ledger holds it."""

    key: str
    item_id: str
    params: Mapping[str, str]  # step, platform, title, caption, kind
    at: str  # ISO: when it was performed
    result: ActionResult | None

    @property
    def platform(self) -> str:
        return str(self.params.get("platform", ""))


@dataclass(frozen=True)
class LedgerLine:
    """One effect as the ledger holds it, for the daemon's health views."""

    key: str
    kind: str
    item_id: str
    attempts: int
    error: str
    created_at: str


SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- highest_sequence on every poll: without it, a scan of every item's row (13 ms at 10,000 items)
CREATE INDEX IF NOT EXISTS items_year_seq ON items(year, seq);
CREATE TABLE IF NOT EXISTS ledger (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE TABLE IF NOT EXISTS events (
    no INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    item_id TEXT NOT NULL,
    step TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    actor TEXT NOT NULL,
    remark TEXT NOT NULL,
    prev_hash TEXT,
    hash TEXT
);
CREATE INDEX IF NOT EXISTS events_item ON events(item_id);
CREATE TABLE IF NOT EXISTS activations (
    item_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    activation INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    working_minutes REAL NOT NULL,
    PRIMARY KEY (item_id, step, activation)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reserved_ids (
    item_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    read_index INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_write (
    item_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    cells TEXT NOT NULL,
    appended INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS intake (
    entry_key TEXT PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    uploader TEXT NOT NULL
);
"""

PENDING, DONE, FAILED = "pending", "done", "failed"
_MARGIN = timedelta(days=2)  # completions(): the coarse text cut's margin around the period
EVENT_FIELDS = ("no", "key", "at", "item_id", "step", "before", "after", "actor", "remark")
CHAIN_START = ""  # the prev_hash of the first event
CHAIN_HEAD = "events.chain_head"  # meta key: the newest chained event


@dataclass(frozen=True)
class ChainBreak:
    """The first event where the audit trail's hash chain does not hold."""

    no: int  # the event's number (MISSING: the newest event's, which is gone)
    item_id: str
    at: str
    reason: str  # EDITED: its fields changed; UNLINKED: an event before it is gone; MISSING: the newest is gone
    intact_until: int = 0  # the last event that still holds


EDITED, MISSING, UNLINKED = "edited", "missing", "unlinked"


@dataclass(frozen=True)
class ChainCheck:
    count: int  # events checked
    broken: ChainBreak | None = None


@dataclass(frozen=True)
class PendingWrite:
    """One item's part of a register write not yet committed."""

    state: ItemState  # the state committed once the write is known to have landed
    cells: Mapping[str, tuple[str, str]]  # column -> (value read, value written)
    appended: bool = False  # a new row appended with the item's ID

_WRITING = ("INSERT", "UPDATE", "DELETE", "COMMIT")


def _reach_on_write(statement: str) -> None:
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if verb in _WRITING:
        reached(f"journal.{verb.lower()}")


_JOURNAL_TOKENS = itertools.count(1)


class Journal:
    def __init__(self, path: Path | str, read_only: bool = False):
        """`read_only`: the Dasbor's view beside the daemon: SQLite refuses every write, nothing is set up, and
        the connection may be used from another thread than the one opening it (one at a time)."""
        self.path = Path(path) if str(path) != ":memory:" else path
        # what caches of pages and states key on: unlike id(), never the same for two journals of one process
        self.token = next(_JOURNAL_TOKENS)
        self.db = (sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                   timeout=30, check_same_thread=False) if read_only
                   else sqlite3.connect(str(path), isolation_level=None, timeout=30))
        if not read_only:
            self.db.set_trace_callback(_reach_on_write)  # every writing statement is a crash-test boundary
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
            self._chain_existing_events()
        # The item states as last read or committed, kept between polls: decoding 10,000 states from
        # JSON on every poll was a quarter of an idle poll. Another connection's commit (a second
        # process on the same file) changes `PRAGMA data_version`, and the cache is read again.
        self._states: dict[str, ItemState] | None = None
        self._states_version = -1
        # item ID -> how often this connection wrote its ledger entries (see ledger_mark)
        self._ledger_writes: dict[str, int] = {}

    @classmethod
    def read_only(cls, path: Path) -> Journal:
        """For readers beside the daemon (`status`, `backup`, the Dasbor): creates, migrates and writes nothing.

        SQLite's WAL lets them read a consistent snapshot while the daemon writes."""
        return cls(path, read_only=True)

    def close(self) -> None:
        self.db.close()

    # -- items ------------------------------------------------------------
    def states(self) -> dict[str, ItemState]:
        """Every item's last accepted state (a new dict; the states themselves are shared and frozen)."""
        version = self._data_version()
        if self._states is None or version != self._states_version:
            rows = self.db.execute("SELECT item_id, state FROM items")
            self._states = {item_id: state_from_json(text) for item_id, text in rows}
            self._states_version = version
        return dict(self._states)

    def _data_version(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _cache_states(self, states: list[ItemState]) -> None:
        """After a commit on this connection (which does not change data_version): the cache follows it."""
        if self._states is None:
            return
        if self._data_version() != self._states_version:
            self._states = None  # another connection wrote meanwhile: read everything again next time
            return
        for state in states:  # a copy of the row: the caller's dict may still be changed after the commit
            self._states[state.item_id] = replace(state, row=dict(state.row))

    def state_texts(self, since: str = "") -> list[tuple[str, str, str]]:
        """(item_id, state JSON, updated_at) of the items committed at or after `since` (ISO; "" = all)."""
        rows = self.db.execute("SELECT item_id, state, updated_at FROM items WHERE updated_at >= ?", (since,))
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def commit_states(self, states: Iterable[ItemState], now: datetime) -> None:
        states = list(states)
        with self._transaction():
            self._upsert_states(states, now)
        self._cache_states(states)

    def _upsert_states(self, states: Iterable[ItemState], now: datetime) -> None:
        from automation.domain.contract import parse_id

        for state in states:
            year, seq = parse_id(state.item_id) or (0, 0)
            self.db.execute(
                "INSERT INTO items(item_id, year, seq, state, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(item_id) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at",
                (state.item_id, year, seq, _state_to_json(state), now.isoformat()),
            )

    def highest_sequence(self, year: int) -> int:
        (items,) = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM items WHERE year=?", (year,)).fetchone()
        prefix = f"K-{year:04d}-"
        (intake,) = self.db.execute(
            "SELECT COALESCE(MAX(CAST(SUBSTR(item_id, ?) AS INTEGER)), 0) FROM intake WHERE item_id LIKE ?",
            (len(prefix) + 1, prefix + "%"),
        ).fetchone()
        (reserved,) = self.db.execute(
            "SELECT COALESCE(MAX(CAST(SUBSTR(item_id, ?) AS INTEGER)), 0) FROM reserved_ids WHERE item_id LIKE ?",
            (len(prefix) + 1, prefix + "%"),
        ).fetchone()
        return max(items, intake, reserved)

    # -- the register write and its commit, as one recoverable unit --------
    def record_pending_write(self, writes: Iterable[PendingWrite]) -> None:
        """Before the register write: what it will write and which state each item then has."""
        with self._transaction():
            self.db.execute("DELETE FROM pending_write")
            for write in writes:
                self.db.execute(
                    "INSERT INTO pending_write(item_id, state, cells, appended) VALUES (?,?,?,?)",
                    (write.state.item_id, _state_to_json(write.state),
                     json.dumps({c: list(pair) for c, pair in write.cells.items()}, ensure_ascii=False),
                     int(write.appended)),
                )

    def pending_write(self) -> list[PendingWrite]:
        rows = self.db.execute("SELECT state, cells, appended FROM pending_write ORDER BY item_id")
        return [PendingWrite(state_from_json(state), {c: (pair[0], pair[1]) for c, pair in json.loads(cells).items()},
                             bool(appended)) for state, cells, appended in rows]

    def commit_write(self, states: Iterable[ItemState], now: datetime) -> None:
        """The commit after a register write (or of the writes found landed): states in, pending write out, at once."""
        states = list(states)
        with self._transaction():
            self._upsert_states(states, now)
            self.db.execute("DELETE FROM pending_write")
        self._cache_states(states)

    # -- IDs of typed rows --------------------------------------------------
    def reserved_ids(self) -> list[tuple[str, str, int]]:
        """(item_id, title, read_index) of IDs given to typed rows whose state is not committed yet."""
        rows = self.db.execute(
            "SELECT item_id, title, read_index FROM reserved_ids "
            "WHERE item_id NOT IN (SELECT item_id FROM items) ORDER BY item_id")
        return [(item_id, title, int(index)) for item_id, title, index in rows]

    def reserve_id(self, item_id: str, title: str, read_index: int) -> None:
        self.db.execute(
            "INSERT INTO reserved_ids(item_id, title, read_index) VALUES (?,?,?) "
            "ON CONFLICT(item_id) DO UPDATE SET title=excluded.title, read_index=excluded.read_index",
            (item_id, title, read_index))

    # -- intents and the ledger -------------------------------------------
    def ledger_mark(self, item_id: str) -> int:
        """Changes whenever this connection writes one of the item's ledger entries (an intent recorded,
        an effect done or failed), so a caller can tell the item's effects and results are as they were.
        Another connection's writes are not counted: `states()` returns new state objects after them."""
        return self._ledger_writes.get(item_id, 0)

    def _ledger_written(self, key: str, item_id: str = "") -> None:
        for item in {key.split("/", 1)[0], item_id}:
            self._ledger_writes[item] = self._ledger_writes.get(item, 0) + 1

    def record_intents(self, events: Iterable[Event], effects: Iterable[Effect], at: str,
                       completions: Iterable[Completion] = (),
                       working_minutes: Callable[[datetime, datetime], float] | None = None) -> None:
        """Write what is about to happen, before it happens; keys make this idempotent. The completed
        activations decided with them go in the same transaction (one commit, one fsync, per batch)."""
        with self._transaction():
            for event in events:
                self._append_event(event, at)
            for effect in effects:
                self._ledger_written(effect.key, effect.item_id)
                self.db.execute(
                    "INSERT OR IGNORE INTO ledger(key, kind, item_id, params, created_at) VALUES (?,?,?,?,?)",
                    (effect.key, effect.kind, effect.item_id, json.dumps(dict(effect.params)), at),
                )
            if working_minutes is not None:
                self._insert_completions(completions, working_minutes)

    def effect_status(self, key: str) -> str | None:
        row = self.db.execute("SELECT status FROM ledger WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def mark_done(self, key: str, result: EffectResult | None, at: str) -> None:
        self._ledger_written(key)
        self.db.execute(
            "UPDATE ledger SET status=?, result=?, error=NULL, done_at=?, attempts=attempts+1 WHERE key=?",
            (DONE, _result_to_json(result), at, key),
        )

    def mark_failed(self, key: str, error: str) -> None:
        self._ledger_written(key)
        self.db.execute("UPDATE ledger SET status=?, error=?, attempts=attempts+1 WHERE key=?",
                        (FAILED, error, key))

    def result(self, key: str) -> EffectResult | None:
        row = self.db.execute("SELECT kind, result FROM ledger WHERE key=? AND status=?", (key, DONE)).fetchone()
        return _result_from_json(row[0], row[1]) if row else None

    def outcome(self, key: str) -> tuple[str | None, EffectResult | None, str | None]:
        """(status, result, error) of an effect, whatever its status."""
        row = self.db.execute("SELECT status, kind, result, error FROM ledger WHERE key=?", (key,)).fetchone()
        if not row:
            return None, None, None
        return row[0], _result_from_json(row[1], row[2]), row[3]

    def publications_mark(self) -> tuple[int, str]:
        """Changes when a publication is performed: (how many, the newest time)."""
        row = self.db.execute("SELECT COUNT(*), COALESCE(MAX(done_at), '') FROM ledger WHERE kind=? AND status=?",
                              (EffectKind.PUBLISH.value, DONE)).fetchone()
        return int(row[0]), str(row[1])

    def activations_mark(self) -> int:
        """Changes when a completed activation is recorded (they are only ever added)."""
        (mark,) = self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM activations").fetchone()
        return int(mark)

    def done_at(self, key: str) -> str:
        """When the effect was performed (ISO); "" when it was not (yet)."""
        row = self.db.execute("SELECT COALESCE(done_at, '') FROM ledger WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def unfinished_effects(self) -> list[Effect]:
        rows = self.db.execute(
            "SELECT key, kind, item_id, params FROM ledger WHERE status != ? ORDER BY rowid", (DONE,))
        return [Effect(k, EffectKind(kind), item, json.loads(params)) for k, kind, item, params in rows]

    def effect_counts(self) -> dict[tuple[str, str], int]:
        """(kind, status) -> how many effects: what /metrics and the Dasbor's Status page count."""
        rows = self.db.execute("SELECT kind, status, COUNT(*) FROM ledger GROUP BY kind, status")
        return {(kind, status): count for kind, status, count in rows}

    def effects_with_status(self, status: str, limit: int = 200) -> list[LedgerLine]:
        """The newest effects in one status (pending or failed), for people to read."""
        rows = self.db.execute(
            "SELECT key, kind, item_id, attempts, COALESCE(error, ''), created_at FROM ledger WHERE status=? "
            "ORDER BY rowid DESC LIMIT ?", (status, limit))
        return [LedgerLine(*row) for row in rows]

    def effects_done_since(self, kind: str, since: str) -> list[str]:
        """Keys of the effects of `kind` done at or after `since` (ISO): the Status page's quota use."""
        rows = self.db.execute("SELECT key FROM ledger WHERE kind=? AND status=? AND done_at >= ?",
                               (kind, DONE, since))
        return [key for (key,) in rows]

    def done_effects(self, kind: EffectKind) -> list[Effect]:
        """Every effect of one kind that was done, oldest first (e.g. the rows moved to the archive)."""
        rows = self.db.execute(
            "SELECT key, kind, item_id, params FROM ledger WHERE kind=? AND status=? ORDER BY rowid", (kind, DONE))
        return [Effect(k, EffectKind(kind), item, json.loads(params)) for k, kind, item, params in rows]

    def done_items(self, kind: EffectKind) -> set[str]:
        """The items with a done effect of this kind (e.g. the items whose row is in the archive)."""
        rows = self.db.execute("SELECT DISTINCT item_id FROM ledger WHERE kind=? AND status=?", (kind, DONE))
        return {item_id for (item_id,) in rows}

    # -- completed activations (for the monitoring report) ----------------
    def record_completions(self, completions: Iterable[Completion],
                           working_minutes: Callable[[datetime, datetime], float]) -> None:
        with self._transaction():
            self._insert_completions(completions, working_minutes)

    def _insert_completions(self, completions: Iterable[Completion],
                            working_minutes: Callable[[datetime, datetime], float]) -> None:
        for c in completions:
            minutes = working_minutes(datetime.fromisoformat(c.started_at), datetime.fromisoformat(c.ended_at))
            self.db.execute(
                "INSERT OR IGNORE INTO activations(item_id, step, activation, started_at, ended_at, status, "
                "actor, working_minutes) VALUES (?,?,?,?,?,?,?,?)",
                (c.item_id, c.step, c.activation, c.started_at, c.ended_at, c.status, c.actor, minutes),
            )

    def completions(self, start: datetime | None = None, end: datetime | None = None) -> list[CompletedActivation]:
        """Completed activations whose end falls in [start, end)."""
        # a coarse cut on the ISO text first (a day's margin covers any offset), the exact one below
        low = (start - _MARGIN).date().isoformat() if start is not None else ""
        high = (end + _MARGIN).date().isoformat() if end is not None else "9999"
        rows = self.db.execute(
            "SELECT item_id, step, activation, started_at, ended_at, status, actor, working_minutes "
            "FROM activations WHERE ended_at >= ? AND ended_at < ? ORDER BY ended_at, item_id, step, activation",
            (low, high))
        found = []
        for row in rows:
            activation = CompletedActivation(*row)
            ended = datetime.fromisoformat(activation.ended_at)
            if (start is None or ended >= start) and (end is None or ended < end):
                found.append(activation)
        return found

    # -- events -----------------------------------------------------------
    def event_time(self, key: str) -> str | None:
        row = self.db.execute("SELECT at FROM events WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def events_after(self, number: int) -> list[tuple[str, ...]]:
        rows = self.db.execute(
            "SELECT no, at, item_id, step, before, after, actor, remark FROM events WHERE no > ? ORDER BY no",
            (number,),
        )
        return [tuple(str(v) for v in row) for row in rows]

    def item_events(self, item_id: str) -> list[tuple[str, ...]]:
        """(key, at, step, before, after, actor, remark) of one item's events, oldest first: its story."""
        rows = self.db.execute(
            "SELECT key, at, step, before, after, actor, remark FROM events WHERE item_id=? ORDER BY no", (item_id,))
        return [tuple(str(v) for v in row) for row in rows]

    def publications(self, since: str = "", until: str = "", limit: int = -1) -> list[Publication]:
        """Publish effects performed, newest first; `since`/`until`: ISO bounds on when ([since, until))."""
        rows = self.db.execute(
            "SELECT key, item_id, params, result, done_at FROM ledger WHERE kind=? AND status=? "
            "AND done_at >= ? AND done_at < ? ORDER BY done_at DESC, key LIMIT ?",
            (EffectKind.PUBLISH.value, DONE, since, until or "9999", limit))
        found = []
        for key, item_id, params, result, done_at in rows:
            outcome = _result_from_json(EffectKind.PUBLISH, result)
            found.append(Publication(key, item_id, json.loads(params), done_at,
                                     outcome if isinstance(outcome, ActionResult) else None))
        return found

    def events_for(self, item_id: str) -> list[tuple[str, ...]]:
        rows = self.db.execute(
            "SELECT no, at, item_id, step, before, after, actor, remark FROM events WHERE item_id=? ORDER BY no",
            (item_id,),
        )
        return [tuple(str(v) for v in row) for row in rows]

    # -- the hash chain over events --------------------------------------
    def _append_event(self, event: Event, at: str) -> None:
        """Insert the event (once, by key) chained to the last one; inside the caller's transaction."""
        # not INSERT OR IGNORE: an ignored insert still takes an AUTOINCREMENT number, and the Log would show the gap
        inserted = self.db.execute(
            "INSERT INTO events(key, at, item_id, step, before, after, actor, remark) "
            "SELECT ?,?,?,?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM events WHERE key=?)",
            (event.key, at, event.item_id, event.step, event.before, event.after, event.actor, event.remark,
             event.key),
        )
        if inserted.rowcount != 1:
            return
        no = inserted.lastrowid
        head = json.loads(self.get_meta(CHAIN_HEAD) or "null")  # not the table: a deleted last event stays missed
        prev = head["hash"] if head else CHAIN_START
        fields = (no, event.key, at, event.item_id, event.step, event.before, event.after, event.actor, event.remark)
        self._chain(fields, prev)

    def _chain(self, fields: tuple, prev: str) -> str:
        digest = event_hash(fields, prev)
        no, item_id, at = fields[0], fields[3], fields[2]
        self.db.execute("UPDATE events SET prev_hash=?, hash=? WHERE no=?", (prev, digest, no))
        # the newest event is also kept apart, so that deleting the last events breaks the chain too
        self.set_meta(CHAIN_HEAD, json.dumps({"no": no, "hash": digest, "item_id": item_id, "at": at}))
        return digest

    def _chain_existing_events(self) -> None:
        """Once, for a journal written before events were chained: add the columns and chain what is there."""
        if self._has_chain_columns():
            return
        with self._transaction():
            if self._has_chain_columns():
                return  # another process migrated it meanwhile
            self.db.execute("ALTER TABLE events ADD COLUMN prev_hash TEXT")
            self.db.execute("ALTER TABLE events ADD COLUMN hash TEXT")
            prev = CHAIN_START
            for fields in self.db.execute(f"SELECT {', '.join(EVENT_FIELDS)} FROM events ORDER BY no").fetchall():
                prev = self._chain(fields, prev)

    def _has_chain_columns(self) -> bool:
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(events)")}
        return {"prev_hash", "hash"} <= columns

    def verify_chain(self) -> ChainCheck:
        """Walk the events in order; the first one whose hash or link to the one before does not hold."""
        prev, last_no, count = CHAIN_START, 0, 0
        rows = self.db.execute(f"SELECT {', '.join(EVENT_FIELDS)}, prev_hash, hash FROM events ORDER BY no")
        for row in rows:
            fields, stored_prev, stored = row[:len(EVENT_FIELDS)], row[-2], row[-1]
            no, item_id, at = fields[0], fields[3], fields[2]
            if stored is None or stored != event_hash(fields, stored_prev or CHAIN_START):
                return ChainCheck(count, ChainBreak(no, item_id, at, EDITED, last_no))
            if stored_prev != prev:  # the event before it is not the one it was chained to: deleted or replaced
                return ChainCheck(count, ChainBreak(no, item_id, at, UNLINKED, last_no))
            prev, last_no, count = stored, no, count + 1
        head = json.loads(self.get_meta(CHAIN_HEAD) or "null")
        if head and (head["no"] != last_no or head["hash"] != prev):  # the newest events were deleted
            return ChainCheck(count, ChainBreak(head["no"], head["item_id"], head["at"], MISSING, last_no))
        return ChainCheck(count)

    # -- adapters' small durable state ------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (key, value))

    # -- intake -----------------------------------------------------------
    def intake_item(self, entry_key: str) -> str | None:
        row = self.db.execute("SELECT item_id FROM intake WHERE entry_key=?", (entry_key,)).fetchone()
        return row[0] if row else None

    def claim_intake(self, entry_key: str, item_id: str, title: str, uploader: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO intake(entry_key, item_id, title, uploader) VALUES (?,?,?,?)",
                        (entry_key, item_id, title, uploader))

    def uncommitted_intake(self) -> list[tuple[str, str, str, str]]:
        """Uploads turned into an ID whose row has not reached the register yet."""
        rows = self.db.execute(
            "SELECT entry_key, item_id, title, uploader FROM intake "
            "WHERE item_id NOT IN (SELECT item_id FROM items) ORDER BY item_id")
        return [tuple(r) for r in rows]

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def event_hash(fields: Iterable[object], prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an event's fields (EVENT_FIELDS order) and the previous hash."""
    data = dict(zip(EVENT_FIELDS, fields, strict=True))
    data["prev_hash"] = prev_hash
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _result_to_json(result: EffectResult | None) -> str:
    """The ledger's JSON of a result; the same shapes as ever, so older journals read the same."""
    data: dict = {}
    if isinstance(result, ActionResult):
        data = {"ok": result.ok, "state": result.state, "links": [list(pair) for pair in result.links],
                "problem": result.problem}
        if result.remote_id:
            data["remote_id"] = result.remote_id
        if result.files:
            data["files"] = list(result.files)
    elif isinstance(result, FolderResult):
        data = {"link": result.link, **({"superseded": True} if result.superseded else {})}
    elif isinstance(result, NotifyResult) and result.skipped:
        data = {"skipped": result.skipped}
    return json.dumps(data)


def _result_from_json(kind: str, text: str | None) -> EffectResult | None:
    if not text:
        return None
    data = json.loads(text)
    if kind in (EffectKind.PUBLISH, EffectKind.CHECK):
        return ActionResult(ok=data.get("ok", True), links=tuple((p, link) for p, link in data.get("links", [])),
                            problem=data.get("problem", ""), state=data.get("state", PUBLISHED_STATE),
                            remote_id=data.get("remote_id", ""), files=tuple(data.get("files", ())))
    if kind in (EffectKind.PLACE, EffectKind.CLAIM):
        return FolderResult(link=data.get("link", ""), superseded=bool(data.get("superseded", False)))
    return NotifyResult(skipped=data.get("skipped", ""))


def _state_to_json(state: ItemState) -> str:
    data = asdict(state)
    data["activations"] = {str(k): v for k, v in state.activations.items()}
    data["warnings"] = list(state.warnings)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def state_from_json(text: str) -> ItemState:
    data = json.loads(text)
    # Kept in memory for every item between polls: column names and values are interned, so the values
    # repeated across rows (statuses, stages, names, times) are held once, and a row's text is the same
    # object as in the register's snapshot: both register adapters intern their cells too (`ports.interned_cells`).
    data["row"] = {sys.intern(k): sys.intern(v) if type(v) is str else v for k, v in data.get("row", {}).items()}
    data["activations"] = {int(k): v for k, v in data.get("activations", {}).items()}
    data["warnings"] = tuple(data.get("warnings", ()))
    return ItemState(**data)
