"""The daily digest: queued durably, one message per person per day, urgent kinds straight through,
nothing lost when the process dies at any point of a flush."""

from __future__ import annotations

import email
import subprocess
import sys
import textwrap
from datetime import datetime, time
from email.policy import default as default_policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import automation
from automation.adapters.notify.outbox import OutboxNotifier
from automation.domain.sop import load_sop
from automation.ports import BatchSending, Message
from automation.service.digest import DigestNotifier, digest_notifier, parse_send_at, recipient_of
from automation.service.messages import ItemLinks, render

WIB = ZoneInfo("Asia/Jakarta")
ROOT = Path(automation.__file__).resolve().parent.parent  # so the child process imports this checkout
SOP = load_sop()
LINKS = ItemLinks("https://register.example/r", "")


class Clock:
    def __init__(self, at: str):
        self.at = datetime.fromisoformat(at).replace(tzinfo=WIB)

    def now(self):
        return self.at

    def set(self, at: str):
        self.at = datetime.fromisoformat(at).replace(tzinfo=WIB)


class Recorder:
    def __init__(self, failures: int = 0):
        self.sent: list[Message] = []
        self.failures = failures

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("server down")
        self.sent.append(message)


def msg(kind: str, item: str = "K-2026-0001", to: str = "sari@ikp.example", name: str = "Sari Tim Konten",
        **params: str):
    what = {"task": "task:" + to, "reminder": "remind", "escalation": "escalate", "rejected": "rejected:" + to,
            "publish_failed": "publish-failed:Instagram", "publish_unconfirmed": "publish-unconfirmed:Instagram",
            "publish_manual": "publish-manual:Instagram",
            "published": "published:" + to}[kind]
    base = {"template": kind, "to": to, "to_name": name, "step": "7" if "publish" in kind else "2",
            "due": "2026-11-30 09:10", "started": "2026-11-30 09:00", "platform": "Instagram", **params}
    return render(SOP, f"{item}/2/1/{what}", base, item, f"Judul {item}", "", LINKS)


@pytest.fixture
def setup(tmp_path):
    clock = Clock("2026-11-30T06:00")
    inner = Recorder()
    digest = DigestNotifier(inner, tmp_path / "digest.sqlite3", time(7, 30), clock, unit="Diskominfo")
    yield digest, inner, clock
    digest.close()


def test_messages_wait_for_the_send_time_then_go_as_one_per_person(setup):
    digest, inner, clock = setup
    digest.send(msg("task", "K-2026-0001"))
    digest.send(msg("reminder", "K-2026-0002"))
    digest.send(msg("task", "K-2026-0003", to="budi@ikp.example", name="Budi"))
    assert inner.sent == [] and digest.waiting() == 3
    assert digest.flush(clock.now()).sent == []  # 06:00: not yet
    clock.set("2026-11-30T07:30")
    result = digest.flush()
    assert sorted(result.sent) == ["digest/budi@ikp.example/2026-11-30", "digest/sari@ikp.example/2026-11-30"]
    assert result.waiting == 0 and result.failed == []
    by_key = {m.key: m for m in inner.sent}
    sari = by_key["digest/sari@ikp.example/2026-11-30"]
    assert (sari.to, sari.to_name, sari.kind) == ("sari@ikp.example", "Sari Tim Konten", "digest")
    assert sari.subject == "[sop-konten] Ringkasan harian 2026-11-30: 2 pemberitahuan"
    assert "1. Ada tugas baru untuk Anda: 2. Pertimbangan - K-2026-0001 Judul K-2026-0001" in sari.body
    assert "2. Pengingat: 2. Pertimbangan melewati waktu baku - K-2026-0002" in sari.body
    assert sari.body.endswith("--\nPesan otomatis sop-konten - Diskominfo\n")
    assert ("Pesan mendesak (Eskalasi, Publikasi gagal, Perlu Dicek, Unggah manual) tetap dikirim langsung"
            in sari.body)
    assert "K-2026-0003" in by_key["digest/budi@ikp.example/2026-11-30"].body


def test_once_a_day_later_messages_wait_for_tomorrow(setup):
    digest, inner, clock = setup
    digest.send(msg("task", "K-2026-0001"))
    clock.set("2026-11-30T08:00")
    digest.flush()
    digest.send(msg("task", "K-2026-0002"))  # after today's send time
    digest.send(msg("task", "K-2026-0003", to="budi@ikp.example", name="Budi"))  # Budi had no digest today
    clock.set("2026-11-30T16:00")
    assert digest.flush().sent == []
    assert len(inner.sent) == 1 and digest.waiting() == 2
    clock.set("2026-12-01T07:29")
    assert digest.flush().sent == []
    clock.set("2026-12-01T07:31")
    assert sorted(digest.flush().sent) == ["digest/budi@ikp.example/2026-12-01", "digest/sari@ikp.example/2026-12-01"]
    assert "K-2026-0002" in inner.sent[-1].body or "K-2026-0002" in inner.sent[-2].body


def test_a_day_the_daemon_was_down_is_caught_up(setup):
    digest, inner, clock = setup
    digest.send(msg("task", "K-2026-0001"))
    clock.set("2026-12-02T10:00")  # no flush on 30 Nov or 1 Dec
    assert digest.flush().sent == ["digest/sari@ikp.example/2026-12-02"]


def test_urgent_kinds_bypass_the_digest(setup):
    digest, inner, clock = setup
    for kind in ("escalation", "publish_failed", "publish_unconfirmed", "publish_manual"):
        digest.send(msg(kind))
    assert [m.kind for m in inner.sent] == ["escalation", "publish_failed", "publish_unconfirmed", "publish_manual"]
    assert digest.waiting() == 0
    # a plain Message is classified by its key
    digest.send(Message(key="K-2026-0001/2/1/escalate", to="a@b.c", to_name="A", subject="s", body="b"))
    assert len(inner.sent) == 5


def test_urgent_kinds_are_configurable(tmp_path):
    inner = Recorder()
    digest = DigestNotifier(inner, tmp_path / "d.sqlite3", time(7, 30), Clock("2026-11-30T06:00"),
                            urgent={"reminder"})
    digest.send(msg("reminder"))
    digest.send(msg("escalation"))
    assert [m.kind for m in inner.sent] == ["reminder"] and digest.waiting() == 1


def test_queuing_is_idempotent_and_durable(tmp_path):
    clock = Clock("2026-11-30T06:00")
    first = DigestNotifier(Recorder(), tmp_path / "d.sqlite3", time(7, 30), clock)
    first.send(msg("task"))
    first.send(msg("task"))  # the engine retried the same effect
    first.close()
    inner = Recorder()
    second = DigestNotifier(inner, tmp_path / "d.sqlite3", time(7, 30), clock)  # a restart
    second.send(msg("task"))
    assert second.waiting() == 1
    clock.set("2026-11-30T07:30")
    second.flush()
    assert inner.sent[0].subject.endswith(": 1 pemberitahuan")
    second.send(msg("task"))  # a very late retry after the digest went: still not queued again
    assert second.waiting() == 0


def test_a_failed_send_stays_pending_and_is_retried_with_the_same_content(tmp_path):
    clock = Clock("2026-11-30T07:00")
    inner = Recorder(failures=2)
    digest = DigestNotifier(inner, tmp_path / "d.sqlite3", time(7, 30), clock)
    digest.send(msg("task"))
    clock.set("2026-11-30T07:45")
    assert digest.flush().failed == ["digest/sari@ikp.example/2026-11-30"]
    digest.send(msg("reminder"))  # arrives meanwhile: not added to the recorded digest
    assert digest.flush().failed == ["digest/sari@ikp.example/2026-11-30"]
    assert digest.pending_digests() == ["digest/sari@ikp.example/2026-11-30"]
    clock.set("2026-11-30T09:00")
    assert digest.flush().sent == ["digest/sari@ikp.example/2026-11-30"]
    [sent] = inner.sent
    assert "1 pemberitahuan" in sent.subject and "Pengingat" not in sent.body
    assert digest.waiting() == 1 and digest.pending_digests() == []


def test_send_at_is_local_time(tmp_path):
    inner = Recorder()
    digest = DigestNotifier(inner, tmp_path / "d.sqlite3", time(7, 30), Clock("2026-11-30T06:00"))
    digest.send(msg("task"))
    assert digest.flush(datetime(2026, 11, 30, 0, 20, tzinfo=ZoneInfo("UTC"))).sent == []  # 07:20 WIB
    assert digest.flush(datetime(2026, 11, 30, 0, 30, tzinfo=ZoneInfo("UTC"))).sent != []  # 07:30 WIB


def test_old_sent_digests_are_pruned(tmp_path):
    clock = Clock("2026-11-30T08:00")
    inner = Recorder()
    digest = DigestNotifier(inner, tmp_path / "d.sqlite3", time(7, 30), clock, keep_days=30)
    clock.set("2026-11-30T07:00")
    digest.send(msg("task"))
    clock.set("2026-11-30T08:00")
    digest.flush()
    clock.set("2027-01-05T08:00")
    digest.flush()
    assert digest.db.execute("SELECT COUNT(*) FROM queued").fetchone()[0] == 0
    assert digest.db.execute("SELECT COUNT(*) FROM digests").fetchone()[0] == 0


def test_helpers():
    assert parse_send_at("07:30") == time(7, 30) and parse_send_at(" 16:05 ") == time(16, 5)
    for bad in ("7.30", "25:00", "07:3", "pagi"):
        with pytest.raises(ValueError):
            parse_send_at(bad)
    assert recipient_of(Message("k", " Sari@IKP.example ", "Sari", "s", "b")) == "sari@ikp.example"
    assert recipient_of(Message("k", "", "Rina K", "s", "b")) == "rina k"


def test_the_digest_as_an_email_in_the_outbox(tmp_path):
    clock = Clock("2026-11-30T07:00")
    outbox = OutboxNotifier(tmp_path / "outbox", "sop-konten <sop-konten@ikp.example>")
    digest = DigestNotifier(outbox, tmp_path / "d.sqlite3", time(7, 30), clock)
    digest.send(msg("task"))
    digest.send(msg("rejected", "K-2026-0009"))
    digest.send(msg("escalation", "K-2026-0004"))
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1  # the escalation, at once
    clock.set("2026-11-30T07:30")
    digest.flush()
    mails = [email.message_from_bytes(p.read_bytes(), policy=default_policy)
             for p in (tmp_path / "outbox").glob("*.eml")]
    [daily] = [m for m in mails if "Ringkasan harian" in m["Subject"]]
    assert str(daily["To"]) == "Sari Tim Konten <sari@ikp.example>"
    text = daily.get_content()
    assert "Ide konten ditolak: K-2026-0009" in text and "Eskalasi" not in daily["Subject"]


# --- the process dies during a flush ------------------------------------------------------

CRASHING_FLUSH = textwrap.dedent("""
    import os, sys
    from datetime import datetime, time
    from pathlib import Path
    from zoneinfo import ZoneInfo
    from automation.service.digest import DigestNotifier

    store, sent_log, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    class Dies:
        def send(self, message):
            if when == "after-send":
                with open(sent_log, "a", encoding="utf-8") as out:
                    out.write(message.key + "\\n")
            os._exit(70)  # like a power cut: no cleanup, no commit of anything after this point

    class Clock:
        def now(self):
            return datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

    DigestNotifier(Dies(), store, time(7, 30), Clock()).flush()
""")


@pytest.mark.parametrize("when", ["before-send", "after-send"])
def test_a_crash_during_flush_loses_nothing(tmp_path, when):
    store, sent_log = tmp_path / "d.sqlite3", tmp_path / "sent.log"
    clock = Clock("2026-11-30T07:00")
    queue = DigestNotifier(Recorder(), store, time(7, 30), clock)
    for item in ("K-2026-0001", "K-2026-0002"):
        queue.send(msg("task", item))
    queue.close()

    died = subprocess.run([sys.executable, "-c", CRASHING_FLUSH, str(store), str(sent_log), when],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert died.returncode == 70, died.stderr
    if when == "after-send":
        assert sent_log.read_text().split() == ["digest/sari@ikp.example/2026-11-30"]  # it went out, unmarked

    inner = Recorder()
    clock.set("2026-11-30T08:05")
    after = DigestNotifier(inner, store, time(7, 30), clock)
    assert after.pending_digests() == ["digest/sari@ikp.example/2026-11-30"]
    assert after.flush().sent == ["digest/sari@ikp.example/2026-11-30"]
    [again] = inner.sent
    assert again.key == "digest/sari@ikp.example/2026-11-30"  # the same key: the outbox keeps one copy
    assert "K-2026-0001" in again.body and "K-2026-0002" in again.body
    assert after.flush().sent == [] and after.waiting() == 0


def test_a_resent_digest_is_written_once_by_the_outbox(tmp_path):
    """At-least-once sending + a key-idempotent notifier = the person sees it once."""
    outbox = OutboxNotifier(tmp_path / "outbox", "sop-konten <sop-konten@ikp.example>")
    clock = Clock("2026-11-30T07:00")
    digest = DigestNotifier(outbox, tmp_path / "d.sqlite3", time(7, 30), clock)
    digest.send(msg("task"))
    clock.set("2026-11-30T07:30")
    digest._mark_sent = lambda *a: None  # the mark is lost, as in a crash right after the send
    digest.flush()
    digest.flush()
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


class BatchRecorder(Recorder):
    """A notifier that sends many at once (as Gmail does); `refuse`: the subjects it fails."""

    def __init__(self, refuse: tuple[str, ...] = ()):
        super().__init__()
        self.batches: list[list[Message]] = []
        self.refuse = refuse

    def send_all(self, messages):
        self.batches.append(list(messages))
        outcomes: list[Exception | None] = []
        for message in messages:
            if message.subject in self.refuse:
                outcomes.append(ConnectionError("refused"))
            else:
                self.sent.append(message)
                outcomes.append(None)
        return outcomes


def test_over_a_batch_sender_the_urgent_messages_go_together_and_the_others_wait(tmp_path):
    inner = BatchRecorder()
    digest = digest_notifier(inner, tmp_path / "d.sqlite3", time(7, 30), Clock("2026-11-30T06:00"))
    plain = digest_notifier(Recorder(), tmp_path / "e.sqlite3", time(7, 30), Clock("2026-11-30T06:00"))
    assert isinstance(digest, BatchSending) and not isinstance(plain, BatchSending)
    batch = [msg("task", "K-2026-0001"), msg("escalation", "K-2026-0002"), msg("publish_failed", "K-2026-0003")]
    inner.refuse = (batch[2].subject,)

    outcomes = digest.send_all(batch)

    assert outcomes[:2] == [None, None] and isinstance(outcomes[2], ConnectionError)
    assert inner.batches == [batch[1:]]  # the urgent ones, in one call
    assert digest.waiting() == 1  # the task waits for the digest
    digest.close()
    plain.close()
