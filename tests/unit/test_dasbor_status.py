"""The Status page and /metrics read the daemon's health from a journal: what a person sees in each part."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from automation.adapters.clock import FixedClock
from automation.domain.keys import EffectKind
from automation.domain.sop import load_sop
from automation.domain.texts import dasbor as dasbor_text
from automation.domain.workflow import Effect
from automation.domain.working_time import WorkingCalendar
from automation.service.health import CycleRecord, record_cycle, record_token_expiry
from automation.service.journal import Journal
from automation.web.metrics import metrics_text
from automation.web.status import quota_caps, status_page
from automation.web.workspace import Workspace

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def workspace(journal: Journal, now: datetime = NOW) -> Workspace:
    return Workspace(journal=journal, sop=load_sop(), calendar=WorkingCalendar.from_dict({"timezone": "Asia/Jakarta"}),
                     clock=FixedClock(now), poll_seconds=30, publish_path=Path("published"),
                     assets_path=Path("drive"), register_name="register.xlsx")


def effect(key: str, kind: EffectKind = EffectKind.PUBLISH) -> Effect:
    return Effect(key, kind, key.split("/")[0], {})


def busy_journal(tmp_path: Path) -> Journal:
    journal = Journal(tmp_path / "journal.sqlite3")
    record_cycle(journal, CycleRecord(at=(NOW - timedelta(seconds=20)).isoformat(), seconds=0.4,
                                      line="1 item baru, 2 pesan.", problems=("Tab Petugas: Dimas tanpa peran.",)),
                 {"sheets": 3})
    at = (NOW - timedelta(hours=1)).isoformat()
    journal.record_intents([], [effect("K-2026-0001/7/1/publish:Instagram"), effect("K-2026-0002/7/1/publish:Instagram"),
                                effect("K-2026-0003/7/1/publish:X"), effect("K-2026-0004/7/1/publish:Instagram"),
                                effect("K-2026-0005/2/1/notify:sari@ikp.example", EffectKind.NOTIFY)], at)
    journal.mark_done("K-2026-0001/7/1/publish:Instagram", None, at)
    journal.mark_done("K-2026-0002/7/1/publish:Instagram", None, (NOW - timedelta(days=2)).isoformat())
    journal.mark_done("K-2026-0003/7/1/publish:X", None, at)
    journal.mark_failed("K-2026-0004/7/1/publish:Instagram", "Instagram menolak: token kedaluwarsa.")
    record_token_expiry(journal, "Instagram", NOW + timedelta(days=5))
    record_token_expiry(journal, "Facebook", NOW - timedelta(days=1))
    return journal


def section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert match, name
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))))


def test_the_status_page_tells_the_last_cycle_the_effects_the_tokens_and_the_quota(tmp_path):
    ws = workspace(busy_journal(tmp_path))
    page = status_page(ws, "Sari", quota_caps({"instagram": {"quota_total": 25}}))
    daemon = section(page, "daemon")
    assert dasbor_text.STATUS_RUNNING in daemon and "1 item baru, 2 pesan." in daemon
    assert "Dimas tanpa peran." in daemon and "sheets 3" in daemon.replace(":", "")
    effects = section(page, "effects")
    assert f"{dasbor_text.STATUS_FAILED} (1)" in effects and "Instagram menolak: token kedaluwarsa." in effects
    assert f"{dasbor_text.STATUS_PENDING} (1)" in effects and dasbor_text.EFFECT_KINDS["notify"] in effects
    tokens = section(page, "tokens")
    assert f"Facebook 2026-11-29 10:00 {dasbor_text.STATUS_TOKEN_EXPIRED}" in tokens
    assert f"Instagram 2026-12-05 10:00 {dasbor_text.days_left(5)}" in tokens
    quota = section(page, "quota")  # the publication two days ago is outside the 24 hours
    assert "Instagram 1 25" in quota and f"X 1 {dasbor_text.STATUS_CAP_UNKNOWN}" in quota
    assert 'href="/item/K-2026-0004"' in page


def test_a_daemon_that_stopped_is_said_to_have_stopped(tmp_path):
    ws = workspace(busy_journal(tmp_path), now=NOW + timedelta(minutes=2))
    assert dasbor_text.status_stale(1.5) in section(status_page(ws, "", {}), "daemon")
    empty = workspace(Journal(tmp_path / "kosong.sqlite3"))
    assert dasbor_text.STATUS_NO_CYCLE in section(status_page(empty, "", {}), "daemon")


def test_metrics_count_the_cycles_requests_and_effects(tmp_path):
    text = metrics_text(workspace(busy_journal(tmp_path)))
    assert "sop_konten_cycles_total 1\n" in text
    assert 'sop_konten_requests_total{api="sheets"} 3\n' in text
    assert 'sop_konten_effects{kind="publish",result="done"} 3\n' in text
    assert 'sop_konten_effects{kind="publish",result="failed"} 1\n' in text
    assert "sop_konten_last_cycle_seconds 0.4\n" in text and "sop_konten_stale 0\n" in text
