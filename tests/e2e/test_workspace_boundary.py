"""Nothing outside the workspace is read or published; start-up stops cleanly and tidies up after itself."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.test_cli import Daemon
from tests.people import make_workspace, status

SECRET = b"RAHASIA-DI-LUAR-RUANG-KERJA"


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "luar" / "rahasia.png"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


def published_bytes(ws) -> list[bytes]:
    return [p.read_bytes() for p in (ws.root / "published").rglob("*") if p.is_file() and not p.is_symlink()]


@pytest.mark.slow
def test_a_link_in_an_item_folder_is_named_and_never_published(ws, outside):
    ws.propose("Festival Gudeg", Jenis="Infografis", Platform="Instagram", Caption="Festival Gudeg 2026")
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
    (folder / "lampiran.png").symlink_to(outside)
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]
    for minute, (step, value) in enumerate(moves, start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    row = ws.row(item)
    assert "'lampiran.png'" in row["Catatan Sistem"] and "tautan" in row["Catatan Sistem"]
    assert row[status(7)] != "Terbit"  # not published while the link is there
    assert all(SECRET not in data for data in published_bytes(ws))


def test_links_special_files_and_hard_links_in_intake_never_become_items(ws, outside, tmp_path):
    intake = ws.root / "drive" / "00 Masuk"
    (intake / "tautan.png").symlink_to(outside)
    os.mkfifo(intake / "pipa.png")  # reading it would block the daemon forever
    os.link(outside, intake / "keras.png")
    upload = intake / "Lomba Foto"
    upload.mkdir()
    Image.new("RGB", (800, 800)).save(upload / "foto1.png")
    (upload / "rahasia.png").symlink_to(outside)
    past = time.time() - 60
    for entry in [*intake.iterdir(), upload / "foto1.png"]:
        os.utime(entry, (past, past), follow_symlinks=False)

    ws.once(at="2026-11-30T10:00")
    rows = ws.rows()
    assert [r["Judul"] for r in rows] == ["Lomba Foto"]
    assert {p.name for p in intake.iterdir()} == {"tautan.png", "pipa.png", "keras.png"}  # left alone
    folder = next((ws.root / "drive").glob(f"*/{rows[0]['ID']}*"))
    assert (folder / "rahasia.png").is_symlink()  # moved as a link, never copied through
    ws.once(at="2026-11-30T10:01")
    assert len(ws.rows()) == 1


def start_run(ws) -> Daemon:
    return Daemon("--config", str(ws.config), cwd=ws.root, env={"SOP_KONTEN_FIXED_TIME": "2026-11-30T09:00"})


@pytest.mark.slow
def test_sigterm_during_start_up_stops_cleanly(ws):
    daemon = start_run(ws)
    daemon.wait_for_log("daemon dimulai")  # handlers in place; config, backends and first cycle still ahead
    code, _, err = daemon.stop(signal.SIGTERM)
    assert code == 0, err
    assert "Traceback" not in err and "permintaan berhenti" in err and "daemon berhenti" in err
    assert "daemon berjalan" not in err  # stopped before the first cycle


@pytest.mark.slow
def test_run_sweeps_its_own_stale_temporary_files_only(ws):
    register_tmp = ws.root / ".register.xlsx.0a1b2c3d.tmp"
    outbox_tmp = ws.root / "outbox" / ".20261130T090000-0123456789ab.eml.0a1b2c3d.tmp"
    staging = ws.root / "published" / "instagram" / ".K-2026-0001.0a1b2c3d.tmp"
    foreign = [ws.root / ".register.xlsx.catatan.tmp", ws.root / "outbox" / "draf.tmp",
               ws.root / "published" / "instagram" / "catatan.0a1b2c3d.tmp"]
    staging.mkdir(parents=True)
    (staging / "poster.png").write_bytes(b"x")
    outbox_tmp.parent.mkdir(exist_ok=True)
    for path in (register_tmp, outbox_tmp, *foreign):
        path.write_bytes(b"x")
    past = time.time() - 600
    for path in (register_tmp, outbox_tmp, staging, *foreign):
        os.utime(path, (past, past))

    daemon = start_run(ws)
    daemon.wait_for_log("daemon berjalan")  # after the sweep
    code, _, stderr = daemon.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert not register_tmp.exists() and not outbox_tmp.exists() and not staging.exists()
    assert all(p.exists() for p in foreign)
    assert "3 file sementara" in stderr
