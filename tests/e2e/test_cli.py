"""The command line: init, check, run (the daemon loop), errors as one sentence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

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


class Daemon:
    """`sop-konten run` as a real process; its log (stderr) is read as it comes, so a test waits for what
    the daemon says it did instead of for a length of time."""

    WAIT_SECONDS = 120  # generous: the machine may be busy; a healthy daemon answers in about a second

    def __init__(self, *args: str, cwd: Path, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "run", *args], cwd=cwd,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        for line in self.proc.stderr:
            with self._changed:
                self.log.append(line)
                self._changed.notify_all()

    def wait_for_log(self, text: str) -> None:
        with self._changed:
            found = self._changed.wait_for(lambda: any(text in line for line in self.log) or
                                           self.proc.poll() is not None, timeout=self.WAIT_SECONDS)
            assert found and any(text in line for line in self.log), f"no {text!r} in the log:\n{''.join(self.log)}"

    def stop(self, signum: int) -> tuple[int, str, str]:
        """Send ``signum``, wait for the exit; returns (exit code, stdout, stderr)."""
        try:
            self.proc.send_signal(signum)
            self.proc.wait(timeout=self.WAIT_SECONDS)  # stdout is a few lines: the pipe never fills
            out = self.proc.stdout.read()
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self._reader.join(timeout=self.WAIT_SECONDS)
        return self.proc.returncode, out, "".join(self.log)


@pytest.mark.slow
def test_run_without_a_config_creates_the_local_workspace_and_stops_cleanly(tmp_path):
    daemon = Daemon(cwd=tmp_path)
    daemon.wait_for_log("siklus: ")  # the first cycle is over, and the signal handlers are in place
    code, out, err = daemon.stop(signal.SIGTERM)
    register = tmp_path / "sop-konten-data" / "register.xlsx"
    assert code == 0, err
    assert f"Register    : {register.resolve()}" in out
    assert "daemon berjalan" in err and "daemon berhenti" in err
    assert (tmp_path / "sop-konten-data" / "drive" / "00 Masuk").is_dir()
    assert (tmp_path / "sop-konten-data" / "journal.sqlite3").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_daemon_finishes_its_cycle_before_stopping(tmp_path, signum):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Saat berhenti")
    config = ws.config.read_text(encoding="utf-8").replace("poll_seconds = 30", "poll_seconds = 1")
    ws.config.write_text(config, encoding="utf-8")
    daemon = Daemon("--config", str(ws.config), cwd=tmp_path, env={"SOP_KONTEN_FIXED_TIME": "2026-11-30T09:00"})
    daemon.wait_for_log("siklus: ")
    code, _, err = daemon.stop(signum)
    assert code == 0, err
    assert ws.rows()[0].get("ID") and ws.rows()[0][status(2)] == "Menunggu"
    assert "permintaan berhenti" in err and "daemon berhenti" in err


def test_version_prints_the_program_and_its_version(tmp_path):
    from automation import __version__

    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"sop-konten {__version__}\n"


COMMANDS = ("init", "run", "once", "check", "setup", "dasbor", "report", "status", "backup")
ARGPARSE_ENGLISH = ("usage", "positional arguments", "options", "show this help", "optional arguments",
                    "default", "error")


def _catalogue_words() -> set[str]:
    """Words the CLI catalogue spells in Indonesian (argparse's English msgids excluded)."""
    import re

    from automation.domain.texts import cli as cli_text
    from automation.domain.texts import operations as ops_text

    texts = [v for module in (cli_text, ops_text) for k, v in vars(module).items()
             if k.isupper() and isinstance(v, str)]
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
                                  "to", "out", "toml", "data", "with", "secrets", "keep", "tar", "gz", *COMMANDS}
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", result.stdout)}
    assert words <= known, sorted(words - known)


def test_argparse_errors_are_indonesian(tmp_path):
    result = run_cli("bogus", cwd=tmp_path)
    assert result.returncode == 2
    assert "galat: argumen PERINTAH: pilihan tidak sah: 'bogus'" in result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr
