"""The command line: init, check, run (the daemon loop), errors as one sentence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

from tests.people import make_workspace, status


def run_cli(*args, cwd, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "automation.commands.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=timeout)


def test_check_passes_on_a_fresh_workspace(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    result = ws.sop_konten("check")
    assert result.returncode == 0 and result.stdout.startswith("OK")


def test_check_names_a_broken_header(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    wb = openpyxl.load_workbook(ws.register)
    wb["Register"].cell(row=1, column=2).value = "Judul Konten"
    wb.save(ws.register)
    result = ws.sop_konten("check", check=False)
    assert result.returncode == 1
    assert "MASALAH: Kolom 'Judul' tidak ditemukan di tab Register" in result.stdout


def test_check_names_a_role_without_an_active_member(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    wb = openpyxl.load_workbook(ws.register)
    for row in wb["Petugas"].iter_rows(min_row=2):
        if row[2].value == "Kabid IKP":
            row[3].value = "Tidak"
        if row[2].value == "Admin Medsos":
            row[2].value = "Admin"
    wb.save(ws.register)
    result = ws.sop_konten("check", check=False)
    assert result.returncode == 1
    assert "Tidak ada petugas aktif dengan peran 'Kabid IKP'" in result.stdout
    assert "peran 'Admin' tidak ada di SOP" in result.stdout


def test_check_names_a_broken_sop_file(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    sop = (tmp_path / "kantor" / "sop.toml")
    from automation.domain.sop import default_sop_path

    sop.write_text(default_sop_path().read_text(encoding="utf-8").replace("minutes = 90", "minutes = 0", 1),
                   encoding="utf-8")
    config = ws.config.read_text(encoding="utf-8").replace('sop = ""', 'sop = "sop.toml"')
    ws.config.write_text(config, encoding="utf-8")
    result = ws.sop_konten("check", check=False)
    assert result.returncode == 1
    assert "sop.toml: kunci 'steps[2].minutes': harus bilangan bulat menit yang lebih dari 0." in result.stdout


def test_errors_are_one_sentence_without_a_traceback(tmp_path):
    result = run_cli("once", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"sop-konten: berkas konfigurasi {tmp_path / 'nope.toml'} tidak ditemukan."
    (tmp_path / "bad.toml").write_text("poll_seconds = 'sering'\n", encoding="utf-8")
    result = run_cli("once", "--config", str(tmp_path / "bad.toml"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "kunci 'poll_seconds': harus angka minimal 1." in result.stderr
    result = run_cli("once", cwd=tmp_path)
    assert result.returncode == 2 and "sop-konten init" in result.stderr


def test_a_corrupt_workbook_is_a_clear_error(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.register.write_bytes(b"this is not a zip file")
    result = ws.sop_konten("once", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("Gagal:") and "register.xlsx" in result.stdout


def test_run_without_a_config_creates_the_local_workspace_and_stops_cleanly(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "run"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        register = tmp_path / "sop-konten-data" / "register.xlsx"
        journal = tmp_path / "sop-konten-data" / "journal.sqlite3"
        while time.time() < deadline and not (register.exists() and journal.exists()):
            time.sleep(0.2)
        time.sleep(1.5)  # let the first cycle finish
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"Register    : {register.resolve()}" in out
    assert "daemon berjalan" in err and "daemon berhenti" in err
    assert (tmp_path / "sop-konten-data" / "drive" / "00 Masuk").is_dir()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_daemon_finishes_its_cycle_before_stopping(tmp_path, signum):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Saat berhenti")
    config = ws.config.read_text(encoding="utf-8").replace("poll_seconds = 30", "poll_seconds = 1")
    ws.config.write_text(config, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "run", "--config", str(ws.config)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SOP_KONTEN_FIXED_TIME": "2026-11-30T09:00"})
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not ws.rows()[0].get("ID"):
            time.sleep(0.2)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert ws.rows()[0][status(2)] == "Menunggu"
    assert "daemon berhenti" in err


def test_version_prints_the_program_and_its_version(tmp_path):
    from automation import __version__

    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"sop-konten {__version__}\n"


COMMANDS = ("init", "run", "once", "check", "setup", "report")
ARGPARSE_ENGLISH = ("usage", "positional arguments", "options", "show this help", "optional arguments",
                    "default", "error")


def _catalogue_words() -> set[str]:
    """Words the CLI catalogue spells in Indonesian (argparse's English msgids excluded)."""
    import re

    from automation.domain.texts import cli as cli_text

    texts = [v for k, v in vars(cli_text).items() if k.isupper() and isinstance(v, str)]
    texts += list(cli_text.ARGPARSE.values()) + [cli_text.help_config("x")]
    return {w.lower() for text in texts for w in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize("command", ("",) + COMMANDS)
def test_help_is_wholly_indonesian(tmp_path, command):
    import re

    result = run_cli(*([command] if command else []), "--help", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("penggunaan: sop-konten")
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stdout.lower()
    # every other word is the program's, a command, an option or a file name
    known = _catalogue_words() | {"sop", "konten", "h", "help", "version", "v", "verbose", "config", "from",
                                  "to", "out", "toml", "data", *COMMANDS}
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", result.stdout)}
    assert words <= known, sorted(words - known)


def test_argparse_errors_are_indonesian(tmp_path):
    result = run_cli("bogus", cwd=tmp_path)
    assert result.returncode == 2
    assert "galat: argumen PERINTAH: pilihan tidak sah: 'bogus'" in result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr
