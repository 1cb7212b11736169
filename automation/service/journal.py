"""The SQLite journal: the source of truth for what the daemon did.

- `items`: the last accepted state of every row, by ID.
- `ledger`: every external side effect, keyed by its idempotency key, with its
  status (pending, done, failed) and result.
- `events`: the audit trail, numbered; the Log tab is a copy of it.
- `intake`: uploads turned into items, so a retried cycle reuses the same ID.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
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
    remark TEXT NOT NULL
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
CREATE TABLE IF NOT EXISTS intake (
    entry_key TEXT PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    uploader TEXT NOT NULL
);
"""

PENDING, DONE, FAILED = "pending", "done", "failed"

_WRITING = ("INSERT", "UPDATE", "DELETE", "COMMIT")


def _reach_on_write(statement: str) -> None:
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if verb in _WRITING:
        reached(f"journal.{verb.lower()}")


class Journal:
    def __init__(self, path: Path | str):
        self.path = Path(path) if str(path) != ":memory:" else path
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.set_trace_callback(_reach_on_write)  # every writing statement is a crash-test boundary
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- items ------------------------------------------------------------
    def states(self) -> dict[str, ItemState]:
        rows = self.db.execute("SELECT item_id, state FROM items")
        return {item_id: _state_from_json(text) for item_id, text in rows}

    def commit_states(self, states: Iterable[ItemState], now: datetime) -> None:
        from automation.domain.contract import parse_id

        with self._transaction():
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
        return max(items, intake)

    # -- intents and the ledger -------------------------------------------
    def record_intents(self, events: Iterable[Event], effects: Iterable[Effect], at: str) -> None:
        """Write what is about to happen, before it happens; keys make this idempotent."""
        with self._transaction():
            for event in events:
                self.db.execute(
                    "INSERT OR IGNORE INTO events(key, at, item_id, step, before, after, actor, remark) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    (event.key, at, event.item_id, event.step, event.before, event.after, event.actor,
                     event.remark),
                )
            for effect in effects:
                self.db.execute(
                    "INSERT OR IGNORE INTO ledger(key, kind, item_id, params, created_at) VALUES (?,?,?,?,?)",
                    (effect.key, effect.kind, effect.item_id, json.dumps(dict(effect.params)), at),
                )

    def effect_status(self, key: str) -> str | None:
        row = self.db.execute("SELECT status FROM ledger WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def mark_done(self, key: str, result: EffectResult | None, at: str) -> None:
        self.db.execute(
            "UPDATE ledger SET status=?, result=?, error=NULL, done_at=?, attempts=attempts+1 WHERE key=?",
            (DONE, _result_to_json(result), at, key),
        )

    def mark_failed(self, key: str, error: str) -> None:
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

    def unfinished_effects(self) -> list[Effect]:
        rows = self.db.execute(
            "SELECT key, kind, item_id, params FROM ledger WHERE status != ? ORDER BY rowid", (DONE,))
        return [Effect(k, EffectKind(kind), item, json.loads(params)) for k, kind, item, params in rows]

    # -- completed activations (for the monitoring report) ----------------
    def record_completions(self, completions: Iterable[Completion],
                           working_minutes: Callable[[datetime, datetime], float]) -> None:
        with self._transaction():
            for c in completions:
                minutes = working_minutes(datetime.fromisoformat(c.started_at), datetime.fromisoformat(c.ended_at))
                self.db.execute(
                    "INSERT OR IGNORE INTO activations(item_id, step, activation, started_at, ended_at, status, "
                    "actor, working_minutes) VALUES (?,?,?,?,?,?,?,?)",
                    (c.item_id, c.step, c.activation, c.started_at, c.ended_at, c.status, c.actor, minutes),
                )

    def completions(self, start: datetime | None = None, end: datetime | None = None) -> list[CompletedActivation]:
        """Completed activations whose end falls in [start, end)."""
        rows = self.db.execute(
            "SELECT item_id, step, activation, started_at, ended_at, status, actor, working_minutes "
            "FROM activations ORDER BY ended_at, item_id, step, activation")
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

    def events_for(self, item_id: str) -> list[tuple[str, ...]]:
        rows = self.db.execute(
            "SELECT no, at, item_id, step, before, after, actor, remark FROM events WHERE item_id=? ORDER BY no",
            (item_id,),
        )
        return [tuple(str(v) for v in row) for row in rows]

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


def _state_from_json(text: str) -> ItemState:
    data = json.loads(text)
    data["activations"] = {int(k): v for k, v in data.get("activations", {}).items()}
    data["warnings"] = tuple(data.get("warnings", ()))
    return ItemState(**data)
