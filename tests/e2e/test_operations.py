"""Running for years: `sop-konten status` (is the daemon alive, what waits) and `sop-konten backup`."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import tarfile
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from automation.commands.cli import main
from automation.domain.keys import EffectKind
from automation.domain.workflow import Effect, Event
from automation.service.health import record_token_expiry
from automation.service.journal import Journal
from tests.people import make_workspace, status

WIB = ZoneInfo("Asia/Jakarta")
FIXED_TIME = "SOP_KONTEN_FIXED_TIME"


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def run(ws, *args, capsys, at="2026-11-30T09:00"):
    """One command in this process at a fixed time: (exit status, stdout, stderr)."""
    previous = os.environ.get(FIXED_TIME)
    os.environ[FIXED_TIME] = at
    try:
        code = main([*args, "--config", str(ws.config)])
    finally:
        if previous is None:
            os.environ.pop(FIXED_TIME, None)
        else:
            os.environ[FIXED_TIME] = previous
    out, err = capsys.readouterr()
    return code, out, err


def test_spans_are_said_as_people_say_them():
    from automation.domain.texts.operations import duration

    assert [duration(s) for s in (0, 45, 60, 90, 3600, 7500, 86400 * 4 + 3600, 86400 * 2)] == [
        "0 detik", "45 detik", "1 menit", "1 menit 30 detik", "1 jam", "2 jam 5 menit", "4 hari 1 jam", "2 hari"]


# -- status ----------------------------------------------------------------------------------------

def test_status_before_any_cycle_says_never_run_and_exits_1(ws, capsys):
    code, out, _ = run(ws, "status", capsys=capsys)
    assert code == 1
    assert out.startswith("Daemon belum pernah menyelesaikan satu siklus pun")
    assert not (ws.root / "journal.sqlite3").exists()  # status created nothing


def test_status_is_fresh_until_three_poll_intervals_then_stale(ws, capsys):
    ws.once(at="2026-11-30T09:00")
    code, out, _ = run(ws, "status", at="2026-11-30T09:01:30", capsys=capsys)  # 3 x 30 s exactly: still fresh
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Daemon berjalan: siklus terakhir 2026-11-30 09:00 WIB (1 menit 30 detik lalu; "
                        "dianggap berhenti bila lebih dari 1 menit 30 detik).")
    assert lines[1].startswith("Siklus terakhir (") and lines[1].endswith("0 item baru, 0 perpindahan langkah, "
                                                                          "0 perubahan dibatalkan, 0 pesan, "
                                                                          "0 folder dipindah, 0 publikasi.")
    assert "Sejak jurnal dibuat: 1 siklus, 0 di antaranya gagal." in lines
    code, out, _ = run(ws, "status", at="2026-11-30T09:01:31", capsys=capsys)
    assert code == 1
    assert out.startswith("Daemon TIDAK berjalan: siklus terakhir 2026-11-30 09:00 WIB (1 menit 31 detik lalu), "
                          "lebih lama dari 1 menit 30 detik.")


def test_status_follows_the_configured_poll_interval(ws, capsys):
    text = ws.config.read_text(encoding="utf-8").replace("poll_seconds = 30", "poll_seconds = 600")
    ws.config.write_text(text, encoding="utf-8")
    ws.once(at="2026-11-30T09:00")
    assert run(ws, "status", at="2026-11-30T09:29", capsys=capsys)[0] == 0
    assert run(ws, "status", at="2026-11-30T09:31", capsys=capsys)[0] == 1


def test_status_names_the_write_waiting_on_an_open_register(ws, capsys):
    ws.propose("Saat dibuka")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima"})
    (ws.root / ".~lock.register.xlsx#").write_text("someone,pc,30.11.2026 08:55,file:///x;", encoding="utf-8")
    ws.once(at="2026-11-30T09:00")
    code, out, _ = run(ws, "status", at="2026-11-30T09:01", capsys=capsys)
    assert code == 0
    assert f"Penulisan register menunggu: 1 item ({item})." in out
    assert "Register dibuka seseorang sejak 2026-11-30 09:00 WIB" in out
    (ws.root / ".~lock.register.xlsx#").unlink()
    ws.once(at="2026-11-30T09:02")
    code, out, _ = run(ws, "status", at="2026-11-30T09:03", capsys=capsys)
    assert "Penulisan register: tidak ada yang menunggu." in out


def test_status_counts_failed_effects_and_names_them(ws, capsys):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: every message fails and is retried
    text = ws.config.read_text(encoding="utf-8").replace('backend = "outbox"', 'backend = "smtp"')
    text = text.replace('host = "localhost"', 'host = "127.0.0.1"').replace("port = 25", f"port = {port}")
    ws.config.write_text(text, encoding="utf-8")
    ws.propose("Surat gagal")
    ws.once(at="2026-11-30T09:00")
    code, out, _ = run(ws, "status", at="2026-11-30T09:01", capsys=capsys)
    assert code == 0  # alive: failing effects are retried, the daemon is not stale
    effects_line = next(line for line in out.splitlines() if line.startswith("Tindakan tertunda"))
    failed = int(effects_line.rsplit(": ", 1)[1].rstrip("."))
    assert failed >= 1
    assert "  - notify K-2026-0001, 1 kali dicoba: " in out


def test_status_tells_token_expiry_with_the_warning_days(ws, capsys):
    ws.once(at="2026-11-30T09:00")
    journal = Journal(ws.root / "journal.sqlite3")
    try:
        record_token_expiry(journal, "facebook", datetime(2027, 1, 30, 9, 0, tzinfo=WIB))
        record_token_expiry(journal, "instagram", datetime(2026, 12, 5, 9, 0, tzinfo=WIB))
        record_token_expiry(journal, "x", datetime(2026, 11, 29, 9, 0, tzinfo=WIB))
    finally:
        journal.close()
    code, out, _ = run(ws, "status", at="2026-11-30T09:01", capsys=capsys)
    assert code == 0
    assert "Token facebook: berlaku sampai 2027-01-30 09:00 WIB (60 hari 23 jam lagi)." in out
    assert "Token instagram: SEGERA KEDALUWARSA pada 2026-12-05 09:00 WIB (4 hari 23 jam lagi)" in out
    assert "Token x: KEDALUWARSA sejak 2026-11-29 09:00 WIB" in out


def test_status_changes_nothing_in_the_journal(ws, capsys):
    """Opening the journal as the daemon does would migrate an older one (chaining its events); status only reads."""
    ws.once(at="2026-11-30T09:00")
    db = sqlite3.connect(ws.root / "journal.sqlite3")
    db.execute("ALTER TABLE events DROP COLUMN hash")
    db.execute("ALTER TABLE events DROP COLUMN prev_hash")
    db.close()
    code, out, _ = run(ws, "status", at="2026-11-30T09:01", capsys=capsys)
    assert code == 0 and out.startswith("Daemon berjalan")
    db = sqlite3.connect(ws.root / "journal.sqlite3")
    assert "hash" not in {row[1] for row in db.execute("PRAGMA table_info(events)")}
    db.close()


@pytest.mark.slow
def test_status_exit_codes_through_the_installed_command(ws):
    assert ws.sop_konten("status", check=False).returncode == 1
    ws.once(at="2026-11-30T09:00", process=True)
    assert ws.sop_konten("status", at="2026-11-30T09:01", check=False).returncode == 0
    result = ws.sop_konten("status", at="2026-11-30T10:00", check=False)
    assert result.returncode == 1 and result.stdout.startswith("Daemon TIDAK berjalan")


# -- backup ----------------------------------------------------------------------------------------

def test_backup_copies_journal_config_and_register_and_leaves_secrets_out(ws, capsys):
    key = ws.root / "kunci-akun-layanan.json"
    key.write_text('{"type": "service_account", "private_key": "rahasia"}', encoding="utf-8")
    text = ws.config.read_text(encoding="utf-8").replace('key_file = ""', 'key_file = "kunci-akun-layanan.json"')
    ws.config.write_text(text, encoding="utf-8")
    ws.propose("Dicadangkan")
    ws.once(at="2026-11-30T09:00")
    code, out, _ = run(ws, "backup", at="2026-11-30T09:05", capsys=capsys)
    assert code == 0
    where = ws.root / "cadangan" / "sop-konten-cadangan-20261130-090500"
    assert out.splitlines()[0] == f"Cadangan dibuat: {where} (3 berkas)."
    assert sorted(p.name for p in where.iterdir()) == ["cadangan.json", "journal.sqlite3", "register.xlsx",
                                                        "sop-konten.toml"]
    assert "1 berkas rahasia tidak ikut dicadangkan" in out
    assert (where / "register.xlsx").read_bytes() == ws.register.read_bytes()
    assert (where / "sop-konten.toml").read_text(encoding="utf-8") == text
    manifest = json.loads((where / "cadangan.json").read_text(encoding="utf-8"))
    assert manifest["journal"] == {"name": "journal.sqlite3", "integrity_check": "ok",
                                   "events": manifest["journal"]["events"], "chain_intact": True}
    assert manifest["journal"]["events"] > 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in [where, *where.iterdir()])  # personal data: owner only
    copy = Journal.read_only(where / "journal.sqlite3")
    try:
        assert [s.item_id for s in copy.states().values()] == ["K-2026-0001"]
    finally:
        copy.close()

    code, out, _ = run(ws, "backup", "--with-secrets", at="2026-11-30T09:06", capsys=capsys)
    assert code == 0
    secret = ws.root / "cadangan" / "sop-konten-cadangan-20261130-090600" / "_rahasia" / key.name
    assert secret.read_bytes() == key.read_bytes() and "rahasia tidak ikut" not in out


def test_backup_to_an_archive_and_keeping_only_the_newest(ws, capsys, tmp_path):
    ws.once(at="2026-11-30T09:00")
    archive = tmp_path / "luar" / "harian.tar.gz"
    code, out, _ = run(ws, "backup", str(archive), capsys=capsys)
    assert code == 0 and archive.is_file()
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["harian", "harian/cadangan.json", "harian/journal.sqlite3",
                                          "harian/register.xlsx", "harian/sop-konten.toml"]
    code, out, _ = run(ws, "backup", str(archive), capsys=capsys)
    assert code == 2 and not list(archive.parent.glob(".*"))  # never overwritten, nothing left half-made

    folder = tmp_path / "harian"
    for minute in range(4):
        code, out, _ = run(ws, "backup", str(folder), "--keep", "2", at=f"2026-11-30T10:0{minute}", capsys=capsys)
        assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["sop-konten-cadangan-20261130-100200",
                                                        "sop-konten-cadangan-20261130-100300"]
    assert "1 cadangan lama dihapus; 2 terbaru disimpan." in out
    with pytest.raises(SystemExit) as refused:
        run(ws, "backup", str(folder), "--keep", "0", capsys=capsys)
    assert refused.value.code == 2 and "--keep: harus bilangan bulat minimal 1" in capsys.readouterr().err


def test_backup_without_a_journal_is_one_sentence(ws, capsys):
    code, _, err = run(ws, "backup", capsys=capsys)
    assert code == 2
    assert err.strip().endswith(f"jurnal {ws.root / 'journal.sqlite3'} tidak ditemukan.")


def test_backup_while_the_journal_is_written_is_consistent(ws, tmp_path):
    """Each copy is one moment of the journal: whole (integrity_check), its audit chain intact, with every
    commit made before it began, while another connection appends events as fast as it can."""
    from automation.commands.backup import make_backup
    from automation.config import load_config

    ws.once(at="2026-11-30T09:00")
    config = load_config(ws.config)
    stop = threading.Event()
    written = {"count": 0}

    def writer():
        journal = Journal(config.journal)
        try:
            while not stop.is_set():
                n = written["count"]
                at = (datetime(2026, 11, 30, 9, 0, tzinfo=WIB) + timedelta(seconds=n)).isoformat()
                event = Event(f"ev-{n}", f"K-2026-{n % 50 + 1:04d}", "2", "Menunggu", "Diterima", "uji", "")
                effect = Effect(f"ef-{n}", EffectKind.NOTIFY, event.item_id, {"n": str(n)})
                journal.record_intents([event], [effect], at)
                written["count"] = n + 1
        finally:
            journal.close()

    thread = threading.Thread(target=writer)
    thread.start()
    counts = []
    try:
        for number in range(8):
            while written["count"] < (number + 1) * 20:  # let the writer get ahead between copies
                stop.wait(0.001)
            committed = written["count"]  # all of these were committed before the copy began
            backup = make_backup(config, datetime(2026, 11, 30, 10, number, tzinfo=WIB), tmp_path / "cadangan")
            assert backup.integrity == "ok" and backup.chain.broken is None, backup.lines()
            copy = sqlite3.connect(backup.where / "journal.sqlite3")
            try:
                events, effects = copy.execute(
                    "SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM ledger)").fetchone()
            finally:
                copy.close()
            assert events == effects  # each event and its effect went in one transaction: never half of one
            assert events >= committed  # not an older state of the file (the newest commits are in its WAL)
            counts.append(events)
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[0] < counts[-1] < written["count"] + 1


# -- restore, as docs/operations.md describes it ----------------------------------------------------------

def restore(backup, workspace, only=None):
    """The documented restore, with the daemon stopped: the journal's -wal and -shm removed, then every file
    of the backup (or those named in `only`) copied back to its place in the workspace."""
    for name in ("journal.sqlite3-wal", "journal.sqlite3-shm"):
        (workspace / name).unlink(missing_ok=True)
    manifest = json.loads((backup / "cadangan.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if only is not None and entry["name"] not in only:
            continue
        (workspace / entry["name"]).write_bytes((backup / entry["name"]).read_bytes())


def test_a_lost_workspace_restored_from_a_backup_carries_on_without_sending_twice(ws, capsys):
    ws.propose("Dipulihkan")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    assert run(ws, "backup", at="2026-11-30T08:02", capsys=capsys)[0] == 0
    backup = ws.root / "cadangan" / "sop-konten-cadangan-20261130-080200"
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T08:03")
    sent = {m["Message-ID"] for m in ws.mails()}
    for name in ("journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm", "register.xlsx"):
        (ws.root / name).unlink(missing_ok=True)  # the disk is lost; the outbox (the mail server) is not

    restore(backup, ws.root)
    assert run(ws, "audit", "verify", capsys=capsys)[0] == 0
    assert run(ws, "check", capsys=capsys)[0] == 0
    ws.once(at="2026-11-30T08:04")  # within the step's 10 minutes: no reminder due
    assert ws.row(item)[status(2)] == "Menunggu"  # the register as it was at the backup
    ws.edit(item, {status(2): "Diterima"})  # the person's decision since then, made again
    ws.once(at="2026-11-30T08:05")
    assert ws.row(item)[status(3)] == "Menunggu"
    assert {m["Message-ID"] for m in ws.mails()} == sent  # the same messages, none twice


def test_a_journal_restored_behind_a_newer_register_keeps_peoples_decisions(ws, capsys):
    """As with a Google spreadsheet, which no backup of the workspace holds: the register is newer than the
    restored journal. Its statuses stand; the outbox sends nothing twice (docs/operations.md, what is lost)."""
    ws.propose("Register lebih baru")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    assert run(ws, "backup", at="2026-11-30T08:05", capsys=capsys)[0] == 0
    backup = ws.root / "cadangan" / "sop-konten-cadangan-20261130-080500"
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T08:30")
    ws.edit(item, {status(3): "Selesai"})
    ws.once(at="2026-11-30T09:00")
    sent = len(ws.mails())

    (ws.root / "journal.sqlite3").unlink()
    restore(backup, ws.root, only={"journal.sqlite3"})
    ws.once(at="2026-11-30T09:10")
    row = ws.row(item)
    assert (row[status(2)], row[status(3)], row[status(4)]) == ("Diterima", "Selesai", "Menunggu")
    assert len(ws.mails()) == sent
    assert run(ws, "audit", "verify", capsys=capsys)[0] == 0


def test_status_tells_when_a_testing_apps_google_sign_in_ends(ws, capsys):
    """An OAuth app still in Testing: Google ends the refresh token after 7 days; `login` kept the date."""
    ws.once(at="2026-11-30T09:00")
    text = ws.config.read_text(encoding="utf-8")
    ws.config.write_text(text.replace('auth = "service_account"', 'auth = "oauth"', 1), encoding="utf-8")
    token = ws.root / "google-token.json"
    token.write_text(json.dumps({"type": "authorized_user", "refresh_token": "1//rahasia",
                                 "refresh_token_expires_at": "2026-12-03T09:00:00+07:00"}), encoding="utf-8")
    token.chmod(0o600)
    code, out, err = run(ws, "status", at="2026-11-30T09:01", capsys=capsys)
    assert code == 0, err
    assert "Token Google (akun yang masuk): SEGERA KEDALUWARSA pada 2026-12-03 09:00 WIB" in out
    assert "rahasia" not in out
