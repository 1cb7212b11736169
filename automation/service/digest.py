"""An optional daily digest: one combined message per person instead of one per event.

`DigestNotifier` wraps the real notifier. `send()` queues a message durably
(SQLite, insert-or-ignore on the message key, committed before `send()`
returns) and returns; urgent kinds (escalation, failed publication,
unconfirmed publication) go straight to the inner notifier. `flush()` is
called by the daemon after every cycle: from the configured local time on, it
sends each recipient one digest of what was queued, once a day.

Crash safety. A flush first *records* the day's digests: in one transaction
it creates a row per (recipient, date), state `pending`, and assigns the
queued messages to it. Then it sends each pending digest and only afterwards
marks it `sent`. So:

- a crash before the record: the messages are still queued, the next flush
  takes them;
- a crash between the record and the send, or a failed send: the digest
  stays `pending` and is sent by the next flush (on any day), with the same
  content and the same key;
- a crash between the send and the mark: the next flush sends the digest
  again - at-least-once. Its key is `digest/<recipient>/<date>`, so the
  outbox writes it only once, SMTP repeats the same Message-ID, and
  apprise/fan-out ledgers skip channels already delivered.

No queued message is lost, and every queued message is in exactly one digest.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from automation.domain.keys import digest_key as make_digest_key
from automation.domain.sop import normalise
from automation.domain.texts import config as config_text
from automation.domain.texts import log as log_text
from automation.ports import AddressChecking, BatchSending, Clock, Message, Notifier
from automation.service.messages import DIGEST, RenderedMessage, kind_of, render_digest

log = logging.getLogger(__name__)

# Sent at once even with the digest on: someone must act now. (A manual upload is the admin's
# next task on a post that is due; a day's wait would defeat the schedule. A register left open
# holds every write back until it is closed.)
URGENT_KINDS = frozenset({"escalation", "publish_failed", "publish_unconfirmed", "publish_manual",
                          "register_locked"})
PENDING, SENT = "pending", "sent"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queued (
    key TEXT PRIMARY KEY,           -- the message key: queuing is idempotent
    recipient TEXT NOT NULL,        -- normalised e-mail (or name when there is no e-mail)
    message TEXT NOT NULL,          -- the message as JSON
    queued_at TEXT NOT NULL,        -- ISO, UTC
    digest_key TEXT                 -- NULL while waiting; then the digest it belongs to
);
CREATE INDEX IF NOT EXISTS queued_waiting ON queued (recipient, digest_key);
CREATE TABLE IF NOT EXISTS digests (
    digest_key TEXT PRIMARY KEY,    -- digest/<recipient>/<YYYY-MM-DD>
    recipient TEXT NOT NULL,
    day TEXT NOT NULL,
    state TEXT NOT NULL,            -- pending | sent
    created_at TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
"""


@dataclass
class FlushResult:
    sent: list[str] = field(default_factory=list)  # digest keys sent now
    failed: list[str] = field(default_factory=list)  # digest keys left pending (retried next flush)
    waiting: int = 0  # messages still queued for a later digest


def recipient_of(message: Message) -> str:
    return normalise(message.to) or normalise(message.to_name)


def parse_send_at(text: str) -> time:
    """'07:30' -> time(7, 30); raises ValueError on anything else."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(config_text.not_time_of_day(text))
    return time(int(hours), int(minutes))


class DigestNotifier:
    def __init__(self, inner: Notifier, store_path: Path, send_at: time, clock: Clock, *,
                 urgent: Iterable[str] = URGENT_KINDS, unit: str = "", tz: tzinfo | None = None,
                 keep_days: int = 90,
                 render: Callable[..., RenderedMessage] = render_digest) -> None:
        self.inner = inner
        self.send_at = send_at
        self.clock = clock
        self.urgent = frozenset(urgent)
        self.unit = unit  # the signature line of the digest (the SOP's unit)
        self.tz = tz  # the zone of send_at; None: the clock's
        self.keep_days = keep_days
        self.render = render
        self.path = Path(store_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"DigestNotifier({self.inner!r}, send_at={self.send_at:%H:%M})"

    def close(self) -> None:
        self.db.close()

    # -- the Notifier port -------------------------------------------------
    def accepts(self, message: Message) -> bool:
        return self.inner.accepts(message) if isinstance(self.inner, AddressChecking) else True

    def send(self, message: Message) -> None:
        if self._goes_now(message):
            self.inner.send(message)
            return
        self._queue(message)

    def _goes_now(self, message: Message) -> bool:
        return kind_of(message) in self.urgent or kind_of(message) == DIGEST

    def _queue(self, message: Message) -> None:
        now = self.clock.now()
        self.db.execute(
            "INSERT OR IGNORE INTO queued (key, recipient, message, queued_at) VALUES (?, ?, ?, ?)",
            (message.key, recipient_of(message), _dump(message), _utc(now)),
        )  # autocommit: durable before the engine marks the effect done
        log.info(log_text.DIGEST_QUEUED, message.key)

    # -- the daily send ----------------------------------------------------
    def flush(self, now: datetime | None = None) -> FlushResult:
        """Record today's digests if it is time, then send every pending digest."""
        now = self._local(now or self.clock.now())
        if now.time() >= self.send_at:
            self._record(now)
        result = FlushResult()
        pending = self.db.execute(
            "SELECT digest_key, recipient, day FROM digests WHERE state = ? ORDER BY created_at, digest_key",
            (PENDING,)).fetchall()
        for digest_key, _recipient, day in pending:
            messages = [_load(text) for (text,) in self.db.execute(
                "SELECT message FROM queued WHERE digest_key = ? ORDER BY queued_at, rowid", (digest_key,))]
            if not messages:
                self._mark_sent(digest_key, now)
                continue
            first = messages[0]
            digest = self.render(digest_key, first.to, first.to_name, day, messages, unit=self.unit,
                                 urgent=sorted(self.urgent))
            try:
                self.inner.send(digest)
            except Exception as exc:  # keep it pending: the next flush tries again
                log.error(log_text.DIGEST_NOT_SENT_RETRY, digest_key, exc)
                self.db.execute("UPDATE digests SET attempts = attempts + 1, last_error = ? WHERE digest_key = ?",
                                (str(exc)[:500], digest_key))
                result.failed.append(digest_key)
                continue
            self._mark_sent(digest_key, now)
            result.sent.append(digest_key)
            log.info(log_text.DIGEST_SENT, digest_key, len(messages))
        result.waiting = self.waiting()
        self._prune(now)
        return result

    def waiting(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM queued WHERE digest_key IS NULL").fetchone()[0]

    def pending_digests(self) -> list[str]:
        return [k for (k,) in self.db.execute("SELECT digest_key FROM digests WHERE state = ?", (PENDING,))]

    def _record(self, now: datetime) -> None:
        """Create today's digest of every recipient with messages queued before today's send time.

        Once per (recipient, day): what is queued after the send time waits for tomorrow's digest.
        """
        day = now.date().isoformat()
        cutoff = _utc(datetime.combine(now.date(), self.send_at, tzinfo=now.tzinfo))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            recipients = [r for (r,) in self.db.execute(
                "SELECT DISTINCT recipient FROM queued WHERE digest_key IS NULL AND queued_at < ? "
                "ORDER BY recipient", (cutoff,))]
            for recipient in recipients:
                digest_key = make_digest_key(recipient, day)
                created = self.db.execute(
                    "INSERT OR IGNORE INTO digests (digest_key, recipient, day, state, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (digest_key, recipient, day, PENDING, _utc(now))).rowcount
                if not created:
                    continue  # today's digest exists already: these wait for tomorrow's
                self.db.execute("UPDATE queued SET digest_key = ? "
                                "WHERE recipient = ? AND digest_key IS NULL AND queued_at < ?",
                                (digest_key, recipient, cutoff))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _mark_sent(self, digest_key: str, now: datetime) -> None:
        self.db.execute("UPDATE digests SET state = ?, sent_at = ?, last_error = '' WHERE digest_key = ?",
                        (SENT, _utc(now), digest_key))

    def _prune(self, now: datetime) -> None:
        """Forget digests sent long ago (their keys are far past any retry of the same effect)."""
        cutoff = _utc(now - timedelta(days=self.keep_days))
        old = [k for (k,) in self.db.execute(
            "SELECT digest_key FROM digests WHERE state = ? AND sent_at < ?", (SENT, cutoff))]
        if not old:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for digest_key in old:
                self.db.execute("DELETE FROM queued WHERE digest_key = ?", (digest_key,))
                self.db.execute("DELETE FROM digests WHERE digest_key = ?", (digest_key,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _local(self, moment: datetime) -> datetime:
        zone = self.tz or self.clock.now().tzinfo
        return moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment


class BatchingDigestNotifier(DigestNotifier):
    """The digest over a notifier that sends many messages at once (Gmail): the cycle's urgent messages go
    out together through it; the others are queued, as by `send`."""

    def send_all(self, messages: Sequence[Message]) -> list[Exception | None]:
        assert isinstance(self.inner, BatchSending)  # built so by digest_notifier
        outcomes: list[Exception | None] = [None] * len(messages)
        urgent: list[int] = []
        for index, message in enumerate(messages):
            if self._goes_now(message):
                urgent.append(index)
                continue
            try:
                self._queue(message)
            except Exception as exc:  # that message's effect fails and is queued again next cycle
                outcomes[index] = exc
        if urgent:
            sent = self.inner.send_all([messages[index] for index in urgent])
            for index, outcome in zip(urgent, sent, strict=True):
                outcomes[index] = outcome
        return outcomes


def digest_notifier(inner: Notifier, store_path: Path, send_at: time, clock: Clock,
                    **options: Any) -> DigestNotifier:
    """The digest over `inner`; one that sends the cycle's messages together where `inner` can."""
    kind = BatchingDigestNotifier if isinstance(inner, BatchSending) else DigestNotifier
    return kind(inner, store_path, send_at, clock, **options)


def _utc(moment: datetime) -> str:
    """ISO text in UTC: compares correctly as text."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def _dump(message: Message) -> str:
    rendered = message if isinstance(message, RenderedMessage) else None
    return json.dumps({
        "key": message.key, "to": message.to, "to_name": message.to_name, "subject": message.subject,
        "body": message.body, "kind": kind_of(message), "html": rendered.html if rendered else "",
        "item_id": rendered.item_id if rendered else "",
    }, ensure_ascii=False)


def _load(text: str) -> RenderedMessage:
    data = json.loads(text)
    return RenderedMessage(key=data["key"], to=data["to"], to_name=data["to_name"], subject=data["subject"],
                           body=data["body"], kind=data.get("kind", ""), html=data.get("html", ""),
                           item_id=data.get("item_id", ""))
