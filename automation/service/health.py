"""The daemon's health, kept in the journal so that `status`, the Dasbor and /metrics read it from any process.

Every cycle leaves one record (what it did, how long it took) and adds to running totals; the rest (writes
waiting for the register, effects pending or failed, token expiry) is read from what the journal already holds.
Nothing here performs an effect; `read_health` only reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from automation.service.journal import FAILED, PENDING, Journal, LedgerLine

STALE_POLLS = 3  # the daemon is stale when its last cycle is older than this many poll intervals
LAST_CYCLE = "health.last_cycle"  # meta: the newest CycleRecord
TOTALS = "health.totals"  # meta: Totals since the journal was created
TOKENS = "health.tokens"  # meta: platform -> ISO expiry of its access token, as last checked
LOCK = "register.lock"  # meta of service/register_lock.py: the register opening a write waits on


@dataclass(frozen=True)
class CycleRecord:
    """One cycle as the daemon ran it."""

    at: str  # ISO, aware: the cycle's time (the engine's clock)
    seconds: float  # how long it took (wall clock)
    line: str  # the summary line, as logged
    error: str = ""  # why it stopped early; "" when it ran through
    deferred: str = ""  # why the register write waits; "" when it was written or nothing was to write
    written: bool = False
    new_items: int = 0
    transitions: int = 0
    undone: int = 0
    effects: Mapping[str, int] = field(default_factory=dict)  # effect kind -> performed in this cycle
    failed_effects: int = 0
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Totals:
    """Counters since the journal began: Prometheus counters (they only grow)."""

    cycles: int = 0
    failed_cycles: int = 0
    seconds: float = 0.0  # all cycles' wall time together
    requests: Mapping[str, int] = field(default_factory=dict)  # API (sheets, drive, gmail) -> requests sent


@dataclass(frozen=True)
class Health:
    now: datetime
    poll_seconds: float
    last: CycleRecord | None
    totals: Totals
    waiting_writes: tuple[str, ...]  # items whose register write is journaled but not yet known to have landed
    lock_since: str  # ISO: since when a write waits on a register held open in an editor; "" when none
    pending: tuple[LedgerLine, ...]
    failed: tuple[LedgerLine, ...]
    effect_counts: Mapping[tuple[str, str], int]  # (kind, status) -> count
    tokens: Mapping[str, str]  # platform -> ISO expiry

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=STALE_POLLS * self.poll_seconds)

    @property
    def last_at(self) -> datetime | None:
        return datetime.fromisoformat(self.last.at) if self.last else None

    @property
    def stale(self) -> bool:
        """No cycle yet, or the last one is older than STALE_POLLS poll intervals: the daemon is not running."""
        last_at = self.last_at
        return last_at is None or self.now - last_at > self.stale_after


def record_cycle(journal: Journal, record: CycleRecord, requests: Mapping[str, int] | None = None) -> None:
    """Keep `record` as the last cycle and add it (and the requests sent meanwhile) to the totals."""
    totals = _totals(journal)
    sent = dict(totals.requests)
    for api, count in (requests or {}).items():
        sent[api] = sent.get(api, 0) + count
    grown = Totals(cycles=totals.cycles + 1, failed_cycles=totals.failed_cycles + (0 if record.ok else 1),
                   seconds=totals.seconds + record.seconds, requests=sent)
    journal.set_meta(LAST_CYCLE, json.dumps(asdict(record), ensure_ascii=False))
    journal.set_meta(TOTALS, json.dumps(asdict(grown), ensure_ascii=False))


def record_token_expiry(journal: Journal, platform: str, expires: datetime) -> None:
    tokens = _json(journal, TOKENS)
    tokens[platform] = expires.isoformat()
    journal.set_meta(TOKENS, json.dumps(tokens, sort_keys=True))


def read_health(journal: Journal, now: datetime, poll_seconds: float) -> Health:
    last = _json(journal, LAST_CYCLE)
    lock = _json(journal, LOCK)
    return Health(
        now=now,
        poll_seconds=poll_seconds,
        last=CycleRecord(**{**last, "problems": tuple(last.get("problems", ()))}) if last else None,
        totals=_totals(journal),
        waiting_writes=tuple(write.state.item_id for write in journal.pending_write()),
        lock_since=str(lock.get("since", "")),
        pending=tuple(journal.effects_with_status(PENDING)),
        failed=tuple(journal.effects_with_status(FAILED)),
        effect_counts=journal.effect_counts(),
        tokens=_json(journal, TOKENS),
    )


def _totals(journal: Journal) -> Totals:
    return Totals(**_json(journal, TOTALS))


def _json(journal: Journal, key: str) -> dict:
    text = journal.get_meta(key)
    return json.loads(text) if text else {}
