"""A corpus of broken configurations, files and folders: each is one Indonesian sentence and an exit code.

Every case runs the real command line (main() in this process): `check` must name the problem (and
exit FAILED), then `once` must stop with the same sentence (and its exit code) - never a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from automation.commands.cli import ExitCode, main
from tests.people import Workspace, make_workspace

FIXED_TIME = "2026-11-30T09:00"


# --- editing the configuration as an operator would, in a text editor ---------------------------

def _sections(text: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        header = re.fullmatch(r"\s*\[([^\[\]]+)\]\s*(#.*)?", line)
        if header:
            sections.append((header.group(1).strip(), []))
        sections[-1][1].append(line)
    return sections


def _join(sections: list[tuple[str, list[str]]]) -> str:
    return "\n".join(line for _, lines in sections for line in lines) + "\n"


def set_key(table: str, key: str, value: str) -> Callable[[Workspace], None]:
    """`key = value` (TOML text) in [table] ("" = the top level), replacing the key if it is there."""

    def edit(ws: Workspace) -> None:
        sections = _sections(ws.config.read_text(encoding="utf-8"))
        if table not in [name for name, _ in sections]:
            sections.append((table, [f"[{table}]"]))
        for name, lines in sections:
            if name == table:
                kept = [line for line in lines if not re.match(rf"\s*{re.escape(key)}\s*=", line)]
                at = 1 if table else 0
                lines[:] = kept[:at] + [f"{key} = {value}"] + kept[at:]
        ws.config.write_text(_join(sections), encoding="utf-8")

    return edit


def replace_table(table: str, value: str) -> Callable[[Workspace], None]:
    """The whole [table] replaced by `table = value` at the top level (a list where a table belongs...)."""

    def edit(ws: Workspace) -> None:
        sections = [(n, lines) for n, lines in _sections(ws.config.read_text(encoding="utf-8"))
                    if n != table and not n.startswith(f"{table}.")]
        sections[0][1].insert(0, f"{table} = {value}")
        ws.config.write_text(_join(sections), encoding="utf-8")

    return edit


def drop_table(table: str) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        sections = [(n, lines) for n, lines in _sections(ws.config.read_text(encoding="utf-8")) if n != table]
        ws.config.write_text(_join(sections), encoding="utf-8")

    return edit


def steps(*edits: Callable[[Workspace], None]) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        for one in edits:
            one(ws)

    return edit


def write_bytes(name: str, data: bytes) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        path = ws.root / name
        if path.is_dir():
            shutil.rmtree(path)
        path.write_bytes(data)

    return edit


def make_folder(name: str) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        path = ws.root / name
        if path.is_dir():
            return
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)

    return edit


def remove(name: str) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        (ws.root / name).unlink()

    return edit


def own_sop(text: bytes | None = None, folder: bool = False) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        from automation.domain.sop import default_sop_path

        path = ws.root / "sop.toml"
        if folder:
            path.mkdir()
        else:
            path.write_bytes(default_sop_path().read_bytes() if text is None else text)
        set_key("", "sop", '"sop.toml"')(ws)

    return edit


def sop_replaced(old: str, new: str) -> Callable[[Workspace], None]:
    from automation.domain.sop import default_sop_path

    return own_sop(default_sop_path().read_text(encoding="utf-8").replace(old, new, 1).encode("utf-8"))


# --- the corpus ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[Workspace], None]
    names: str  # what the sentence must name: the key, or the file's name
    once: ExitCode = ExitCode.UNUSABLE  # UNUSABLE: refused at start-up; FAILED: the cycle failed


CONFIG = "sop-konten.toml"
CASES = [
    # the configuration file itself
    Case("config-is-a-folder", steps(remove(CONFIG), make_folder(CONFIG)), CONFIG),
    Case("config-not-utf8", lambda ws: ws.config.write_bytes(
        ws.config.read_bytes() + "# kantor café\n".encode("latin-1")), "UTF-8"),
    Case("config-utf16", lambda ws: ws.config.write_bytes(ws.config.read_text().encode("utf-16")), "UTF-8"),
    Case("config-not-toml", lambda ws: ws.config.write_text("poll_seconds = = 3\n"), "TOML"),
    Case("config-is-binary", write_bytes(CONFIG, b"PK\x03\x04" + bytes(range(256))), CONFIG),
    # wrong types and values, key by key
    Case("poll-seconds-text", set_key("", "poll_seconds", '"sering"'), "'poll_seconds'"),
    Case("poll-seconds-negative", set_key("", "poll_seconds", "-1"), "'poll_seconds'"),
    Case("poll-seconds-zero", set_key("", "poll_seconds", "0"), "'poll_seconds'"),
    Case("poll-seconds-nan", set_key("", "poll_seconds", "nan"), "'poll_seconds'"),
    Case("poll-seconds-inf", set_key("", "poll_seconds", "inf"), "'poll_seconds'"),
    Case("poll-seconds-boolean", set_key("", "poll_seconds", "true"), "'poll_seconds'"),
    Case("timezone-number", set_key("", "timezone", "7"), "'timezone'"),
    Case("timezone-unknown", set_key("", "timezone", '"Asia/Yogyakarta"'), "'timezone'"),
    Case("journal-list", set_key("", "journal", '["a"]'), "'journal'"),
    Case("journal-empty", set_key("", "journal", '""'), "'journal'"),
    Case("sop-number", set_key("", "sop", "3"), "'sop'"),
    Case("register-list-not-table", replace_table("register", "[]"), "'register'"),
    Case("register-backend-unknown", set_key("register", "backend", '"excel"'), "'register.backend'"),
    Case("register-path-number", set_key("register", "path", "5"), "'register.path'"),
    Case("assets-text-not-table", replace_table("assets", '"drive"'), "'assets'"),
    Case("assets-settle-negative", set_key("assets", "settle_seconds", "-5"), "'assets.settle_seconds'"),
    Case("assets-backend-unknown", set_key("assets", "backend", '"dropbox"'), "'assets.backend'"),
    Case("google-number-not-table", replace_table("google", "1"), "'google'"),
    Case("google-retry-zero", set_key("google", "retry_attempts", "0"), "'google.retry_attempts'"),
    Case("google-retry-fraction", set_key("google", "retry_attempts", "2.5"), "'google.retry_attempts'"),
    Case("google-timeout-text", set_key("google", "timeout_seconds", '"60"'), "'google.timeout_seconds'"),
    Case("notify-backend-unknown", set_key("notify", "backend", '"fax"'), "'notify.backend'"),
    Case("notify-channels-text", set_key("notify", "channels", '"email"'), "'notify.channels'"),
    Case("notify-channels-unknown", set_key("notify", "channels", '["fax"]'), "'notify.channels'"),
    Case("notify-digest-not-table", set_key("notify", "digest", "true"), "'notify.digest'"),
    Case("smtp-text-not-table", steps(drop_table("notify.smtp"), set_key("notify", "smtp", '""')), "'notify.smtp'"),
    Case("smtp-port-text", set_key("notify.smtp", "port", '"25"'), "'notify.smtp.port'"),
    Case("smtp-port-too-big", set_key("notify.smtp", "port", "70000"), "'notify.smtp.port'"),
    Case("smtp-port-fraction", set_key("notify.smtp", "port", "25.5"), "'notify.smtp.port'"),
    Case("smtp-starttls-text", set_key("notify.smtp", "starttls", '"ya"'), "'notify.smtp.starttls'"),
    Case("smtp-starttls-and-ssl", steps(set_key("notify.smtp", "starttls", "true"),
                                        set_key("notify.smtp", "ssl", "true")), "'notify.smtp.ssl'"),
    Case("publish-backend-unknown", set_key("publish", "backend", '"cloud"'), "'publish.backend'"),
    Case("publish-token-days-negative", set_key("publish", "token_warning_days", "-3"),
         "'publish.token_warning_days'"),
    # e-mail addresses
    Case("sender-a-word", set_key("notify", "sender", '"bukan alamat"'), "'notify.sender'"),
    Case("sender-double-at", set_key("notify", "sender", '"humas@@kantor.go.id"'), "'notify.sender'"),
    Case("sender-no-domain", set_key("notify", "sender", '"Humas <humas@>"'), "'notify.sender'"),
    Case("sender-no-local-part", set_key("notify", "sender", '"@kantor.go.id"'), "'notify.sender'"),
    Case("sender-two-addresses", set_key("notify", "sender", '"a@kantor.go.id, b@kantor.go.id"'),
         "'notify.sender'"),
    Case("sender-with-space", set_key("notify", "sender", '"hu mas@kantor.go.id"'), "'notify.sender'"),
    Case("sender-empty", set_key("notify", "sender", '""'), "'notify.sender'"),
    Case("sender-number", set_key("notify", "sender", "42"), "'notify.sender'"),
    # working time
    Case("calendar-text-not-table", replace_table("calendar", '"libur"'), "'calendar'"),
    Case("days-off-garbage", set_key("calendar", "days_off", '["garbage"]'), "'calendar.days_off[0]'"),
    Case("days-off-text-not-list", set_key("calendar", "days_off", '"2026-12-31"'), "'calendar.days_off'"),
    Case("days-off-impossible-date", set_key("calendar", "days_off", '["2026-02-30"]'), "'calendar.days_off[0]'"),
    Case("days-off-with-time", set_key("calendar", "days_off", "[2026-12-31T10:00:00]"),
         "'calendar.days_off[0]'"),
    Case("days-off-number", set_key("calendar", "days_off", "[20261231]"), "'calendar.days_off[0]'"),
    Case("week-bad-time", set_key("calendar", "week", '{ monday = ["25:00-26:00"] }'),
         "'calendar.week.monday[0]'"),
    Case("week-end-before-start", set_key("calendar", "week", '{ friday = { start = "16:00", end = "07:30" } }'),
         "'calendar.week.friday.end'"),
    Case("week-unknown-day", set_key("calendar", "week", '{ senin = ["07:30-16:00"] }'), "'calendar.week.senin'"),
    Case("week-no-working-time", set_key("calendar", "week", "{ monday = [], tuesday = [], wednesday = [], "
                                         "thursday = [], friday = [] }"), "'calendar.week'"),
    Case("calendar-unknown-key", set_key("calendar", "libur", "[]"), "'calendar.libur'"),
    Case("extra-day-also-off", steps(set_key("calendar", "days_off", "[2026-12-31]"),
                                     set_key("calendar", "extra_working_days", "[2026-12-31]")),
         "'calendar.extra_working_days[0]'"),
    Case("ramadan-ends-before-start", set_key("calendar", "ramadan",
                                              "[{ start = 2027-03-10, end = 2027-02-08 }]"),
         "'calendar.ramadan[0].end'"),
    Case("holiday-categories-text", set_key("calendar", "holiday_categories", '"public"'),
         "'calendar.holiday_categories'"),
    Case("holiday-country-unknown", set_key("calendar", "holiday_country", '"ZZ"'), "'calendar.holiday_country'"),
    Case("holiday-category-unknown", set_key("calendar", "holiday_categories", '["cuti"]'),
         "'calendar.holiday_categories'"),
    Case("holiday-language-unknown", set_key("calendar", "holiday_language", '"jv"'), "'calendar.holiday_language'"),
    Case("extra-day-hours-empty", set_key("calendar", "extra_working_day_hours", "[]"),
         "'calendar.extra_working_day_hours'"),
    # the files and folders the configuration names
    Case("journal-is-a-folder", make_folder("journal.sqlite3"), "journal.sqlite3"),
    Case("journal-not-sqlite", write_bytes("journal.sqlite3", b"bukan jurnal " * 200), "journal.sqlite3"),
    Case("journal-is-a-workbook", lambda ws: shutil.copy(ws.register, ws.root / "journal.sqlite3"),
         "journal.sqlite3"),
    Case("journal-folder-is-a-file", steps(write_bytes("data", b"x"), set_key("", "journal", '"data/j.sqlite3"')),
         "'journal'"),
    Case("register-is-a-folder", steps(remove("register.xlsx"), make_folder("register.xlsx")), "register.xlsx"),
    Case("register-folder-is-a-file", steps(write_bytes("data", b"x"),
                                            set_key("register", "path", '"data/register.xlsx"')), "'register.path'"),
    Case("register-missing", remove("register.xlsx"), "register.xlsx", once=ExitCode.FAILED),
    Case("register-zero-bytes", write_bytes("register.xlsx", b""), "register.xlsx", once=ExitCode.FAILED),
    Case("register-not-a-workbook", write_bytes("register.xlsx", b"Judul;Status\n"), "register.xlsx",
         once=ExitCode.FAILED),
    Case("outbox-is-a-file", steps(lambda ws: shutil.rmtree(ws.root / "outbox"), write_bytes("outbox", b"x")),
         "'notify.path'"),
    Case("assets-is-a-file", steps(lambda ws: shutil.rmtree(ws.root / "drive"), write_bytes("drive", b"x")),
         "'assets.path'"),
    Case("published-is-a-file", steps(lambda ws: shutil.rmtree(ws.root / "published"),
                                      write_bytes("published", b"x")), "'publish.path'"),
    # the SOP file
    Case("sop-missing", set_key("", "sop", '"tidak-ada.toml"'), "tidak-ada.toml"),
    Case("sop-is-a-folder", own_sop(folder=True), "sop.toml"),
    Case("sop-not-utf8", own_sop("nama = 'Humas caf\xe9'\n".encode("latin-1")), "sop.toml"),
    Case("sop-not-toml", own_sop(b"[steps\n"), "sop.toml"),
    Case("sop-bad-minutes", sop_replaced("minutes = 90", "minutes = 0"), "'steps[2].minutes'"),
]


def run(capsys, *args: str) -> tuple[int, str, str]:
    """The command in this process; `run` as a process of its own, so that a daemon that starts cannot hang the test."""
    if args[0] == "run":
        done = subprocess.run([sys.executable, "-m", "automation.commands.cli", *args], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()})
        return done.returncode, done.stdout, done.stderr
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def lines(text: str) -> list[str]:
    """The lines a person reads as the outcome: progress log lines at INFO (`run` says it is starting) aside."""
    return [line for line in text.splitlines() if line.strip() and not INFO_LINE.match(line)]


INFO_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO ")


def assert_one_sentence(capsys, caplog, ws: Workspace, case_names: str, once: ExitCode) -> str:
    """`check` names the problem; `once` stops with that one sentence and its exit code."""
    code, out, err = run(capsys, "check", "--config", str(ws.config))
    assert "Traceback" not in out + err
    problems = [line.removeprefix("MASALAH: ") for line in lines(out) if line.startswith("MASALAH: ")]
    assert code == ExitCode.FAILED, out + err
    assert problems and case_names in problems[0], problems
    code, out, err = run(capsys, "once", "--config", str(ws.config))
    assert "Traceback" not in out + err + caplog.text
    said = lines(out + err)
    assert code == once, out + err
    assert len(said) == 1, said
    sentence = said[0].removeprefix("sop-konten: ").removeprefix("Gagal: ")
    assert case_names in sentence
    assert sentence in problems, f"check did not say what once said: {sentence!r} not in {problems!r}"
    return sentence


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.setenv("SOP_KONTEN_FIXED_TIME", FIXED_TIME)
    return make_workspace(tmp_path / "kantor")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_problem_is_one_sentence_that_check_finds_first(case, workspace, capsys, caplog):
    case.edit(workspace)
    assert_one_sentence(capsys, caplog, workspace, case.names, case.once)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


def test_a_missing_config_file_is_a_usage_problem(tmp_path, capsys):
    missing = tmp_path / "tidak-ada.toml"
    for command in ("check", "once", "setup", "report"):  # `run`: test_run_stops_at_start_up_...
        code, out, err = run(capsys, command, "--config", str(missing))
        assert code == ExitCode.UNUSABLE
        assert lines(out + err) == [f"sop-konten: berkas konfigurasi {missing} tidak ditemukan."]


@pytest.mark.parametrize("command", ["setup", "report"])
def test_every_command_that_reads_the_config_says_the_same_sentence(command, workspace, capsys, caplog):
    set_key("notify", "sender", '"bukan alamat"')(workspace)
    code, out, err = run(capsys, command, "--config", str(workspace.config))
    assert code == ExitCode.UNUSABLE
    assert "Traceback" not in out + err + caplog.text
    assert lines(out + err) == [f"sop-konten: {workspace.config}: kunci 'notify.sender': 'bukan alamat' bukan "
                                "alamat e-mail yang sah (contoh: Humas <humas@kantor.go.id>)."]


FILE_PROBLEMS = {
    "journal-is-a-folder": make_folder("journal.sqlite3"),
    "journal-not-sqlite": write_bytes("journal.sqlite3", b"x" * 5000),
    "register-is-a-folder": steps(remove("register.xlsx"), make_folder("register.xlsx")),
    "sender-a-word": set_key("notify", "sender", '"bukan alamat"'),
}


def assert_stops_with_what_check_says(command: str, workspace, capsys, caplog) -> None:
    _, out, _ = run(capsys, "check", "--config", str(workspace.config))
    code, out_command, err = run(capsys, command, "--config", str(workspace.config))
    assert code == ExitCode.UNUSABLE
    assert "Traceback" not in out_command + err + caplog.text
    (said,) = lines(out_command + err)
    assert f"MASALAH: {said.removeprefix('sop-konten: ')}" in lines(out)


@pytest.mark.parametrize("problem", FILE_PROBLEMS)
def test_setup_stops_on_a_file_problem_with_the_sentence_check_says(problem, workspace, capsys, caplog):
    FILE_PROBLEMS[problem](workspace)
    assert_stops_with_what_check_says("setup", workspace, capsys, caplog)


@pytest.mark.slow
@pytest.mark.parametrize("problem", FILE_PROBLEMS)
def test_run_stops_at_start_up_with_the_sentence_check_says(problem, workspace, capsys, caplog):
    FILE_PROBLEMS[problem](workspace)
    assert_stops_with_what_check_says("run", workspace, capsys, caplog)


@pytest.mark.slow
def test_run_without_its_config_file_is_a_usage_problem(tmp_path, capsys):
    missing = tmp_path / "tidak-ada.toml"
    code, out, err = run(capsys, "run", "--config", str(missing))
    assert code == ExitCode.UNUSABLE
    assert lines(out + err) == [f"sop-konten: berkas konfigurasi {missing} tidak ditemukan."]


def test_init_into_a_file_is_one_sentence(tmp_path, capsys):
    (tmp_path / "kantor").write_text("x")
    code, out, err = run(capsys, "init", str(tmp_path / "kantor" / "ruang"))
    assert code == ExitCode.FAILED
    assert "Traceback" not in out + err
    assert lines(out + err) == [f"sop-konten: {tmp_path / 'kantor' / 'ruang'}: tidak dapat dipakai (salah satu bagian "
                                "jalurnya bukan folder)."]


# --- unknown keys: a warning, never a stop ------------------------------------------------------

@pytest.mark.parametrize(("edit", "said"), [
    (set_key("", "pol_seconds", "3"), "kunci 'pol_seconds' tidak dikenal dan diabaikan (maksudnya 'poll_seconds'?)."),
    (set_key("notify.smtp", "pasword_env", '"X"'),
     "kunci 'notify.smtp.pasword_env' tidak dikenal dan diabaikan (maksudnya 'password_env'?)."),
    (set_key("register", "warna", '"biru"'), "kunci 'register.warna' tidak dikenal dan diabaikan."),
], ids=["top-level-typo", "smtp-typo", "register-unknown"])
def test_an_unknown_key_is_a_warning(edit, said, workspace, capsys, caplog):
    edit(workspace)
    code, out, err = run(capsys, "check", "--config", str(workspace.config))
    assert code == ExitCode.OK
    assert lines(out)[0] == f"PERINGATAN: {workspace.config}: {said}"
    code, out, err = run(capsys, "once", "--config", str(workspace.config))
    assert code == ExitCode.OK
    assert f"{workspace.config}: {said}" in caplog.text


# --- permission denied, also when the tests run as root --------------------------------------------

class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


@contextlib.contextmanager
def file_permissions_apply() -> Iterator[None]:
    """Root passes every permission check; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it does not."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.fail("capabilities cannot be read here: these tests need a root that may drop them")
    saved = data[0].effective
    data[0].effective &= ~((1 << 1) | (1 << 2))
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.fail("capabilities cannot be dropped here: these tests need a root that may drop them")
    try:
        yield
    finally:
        data[0].effective = saved
        libc.capset(ctypes.byref(header), data)


def chmod(name: str, mode: int) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        os.chmod(ws.root / name, mode)

    return edit


PERMISSION_CASES = [
    Case("register-unreadable", chmod("register.xlsx", 0o000), "register.xlsx"),
    Case("register-read-only", chmod("register.xlsx", 0o444), "register.xlsx"),
    Case("workspace-read-only", chmod(".", 0o555), "'journal'"),
    Case("outbox-read-only", chmod("outbox", 0o555), "'notify.path'"),
    Case("assets-read-only", chmod("drive", 0o555), "'assets.path'"),
    Case("published-read-only", chmod("published", 0o555), "'publish.path'"),
    Case("sop-unreadable", steps(own_sop(), chmod("sop.toml", 0o000)), "sop.toml"),
]


@pytest.mark.parametrize("case", PERMISSION_CASES, ids=[case.id for case in PERMISSION_CASES])
def test_permission_denied_is_one_sentence(case, workspace, capsys, caplog):
    case.edit(workspace)
    try:
        with file_permissions_apply():
            sentence = assert_one_sentence(capsys, caplog, workspace, case.names, case.once)
    finally:
        os.chmod(workspace.root, 0o755)
    assert "akses ditolak" in sentence


def test_an_unreadable_config_is_one_sentence(workspace, capsys, caplog):
    os.chmod(workspace.config, 0o000)
    with file_permissions_apply():
        sentence = assert_one_sentence(capsys, caplog, workspace, CONFIG, ExitCode.UNUSABLE)
    assert sentence == f"{workspace.config}: berkas konfigurasi tidak dapat dibaca (akses ditolak)."


def test_a_read_only_journal_is_one_sentence(workspace, capsys, caplog):
    run(capsys, "once", "--config", str(workspace.config))
    os.chmod(workspace.root / "journal.sqlite3", 0o444)
    with file_permissions_apply():
        sentence = assert_one_sentence(capsys, caplog, workspace, "journal.sqlite3", ExitCode.UNUSABLE)
    assert "akses ditolak" in sentence


# --- a full disk: start-up stops, a later cycle fails alone and is retried -----------------------

@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 4 MiB tmpfs of its own, so that filling it disturbs nothing else."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.fail("a tmpfs cannot be mounted here: the disk-full tests need root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    for name, block in ((filler, b"\0" * 4096), (disk / "filler-small", b"\0")):  # then what is left of a page
        with open(name, "wb", buffering=0) as handle, contextlib.suppress(OSError):
            while True:
                handle.write(block)
    return filler


def test_a_full_disk_at_start_up_is_one_sentence(small_disk, capsys, caplog, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_FIXED_TIME", FIXED_TIME)
    ws = make_workspace(small_disk / "kantor")
    fill(small_disk)
    code, out, err = run(capsys, "once", "--config", str(ws.config))
    assert "Traceback" not in out + err + caplog.text
    assert code == ExitCode.UNUSABLE
    assert lines(out + err) == [f"sop-konten: {ws.root / 'journal.sqlite3'}: jurnal tidak dapat dibuka (disk penuh); "
                                "periksa kunci 'journal'."]


def register_on(disk: Path, ws: Workspace) -> None:
    """The register alone on the small disk: the journal and the outbox keep working, its save does not."""
    shutil.move(ws.register, disk / "register.xlsx")
    set_key("register", "path", f'"{disk / "register.xlsx"}"')(ws)
    (ws.root / "register.xlsx").symlink_to(disk / "register.xlsx")  # Workspace reads it at its usual place


def test_a_full_disk_during_a_cycle_fails_that_cycle_and_the_next_one_recovers(small_disk, capsys, caplog,
                                                                                monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_FIXED_TIME", FIXED_TIME)
    ws = make_workspace(small_disk.parent / "kantor")
    register_on(small_disk, ws)
    ws.propose("Vaksinasi di Puskesmas")
    filler = fill(small_disk)
    code, out, err = run(capsys, "once", "--config", str(ws.config))
    assert "Traceback" not in out + err + caplog.text
    assert code == ExitCode.FAILED, out + err
    assert lines(out + err) == [f"sop-konten: {ws.root}: tidak dapat dipakai (disk penuh)."]
    assert ws.rows()[0]["ID"] == ""  # nothing half-written
    filler.unlink()
    (small_disk / "filler-small").unlink()
    code, out, err = run(capsys, "once", "--config", str(ws.config))
    assert code == ExitCode.OK, out + err
    assert [row["ID"].startswith("K-2026-") for row in ws.rows()] == [True]


@pytest.mark.slow
def test_the_daemon_keeps_polling_through_a_full_disk(small_disk):
    ws = make_workspace(small_disk.parent / "kantor")
    register_on(small_disk, ws)
    set_key("", "poll_seconds", "1")(ws)
    ws.propose("Vaksinasi di Puskesmas")
    filler = fill(small_disk)
    env = {**os.environ, "SOP_KONTEN_FIXED_TIME": FIXED_TIME, "PYTHONPATH": os.getcwd()}
    daemon = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "run", "--config", str(ws.config)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    try:
        assert daemon.stdout is not None
        for line in daemon.stdout:
            seen.append(line)
            if "siklus gagal" in line and "disk penuh" in line and filler.exists():
                filler.unlink()
                (small_disk / "filler-small").unlink()
            if "siklus: 1 item baru" in line:
                break
        daemon.send_signal(signal.SIGTERM)
        rest, _ = daemon.communicate(timeout=60)
        seen.append(rest)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    output = "".join(seen)
    assert daemon.returncode == ExitCode.OK, output
    assert "Traceback" not in output
    assert "siklus gagal" in output and "siklus: 1 item baru" in output
    assert [row["ID"].startswith("K-2026-") for row in ws.rows()] == [True]


# --- addresses in the roster: register problems, named by `check`, never a crash -------------------

@pytest.mark.parametrize("address", ["rina@@kontributor.example", "rina@", "rina kontributor@example.id",
                                     "a@example.id, b@example.id"])
def test_a_bad_roster_address_is_a_register_problem(address, workspace, capsys, caplog):
    import openpyxl

    wb = openpyxl.load_workbook(workspace.register)
    wb["Petugas"]["B2"].value = address
    wb.save(workspace.register)
    code, out, err = run(capsys, "check", "--config", str(workspace.config))
    assert code == ExitCode.FAILED
    assert f"MASALAH: Tab Petugas baris 2: Email '{address}' tidak sah." in lines(out)
    code, out, err = run(capsys, "once", "--config", str(workspace.config))
    assert code == ExitCode.OK
    assert "Traceback" not in out + err + caplog.text
