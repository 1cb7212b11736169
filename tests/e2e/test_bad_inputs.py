"""The bad-input corpus: every odd thing people put in the register, the folders or the files.

Each case changes one thing in a copy of a small office (three items waiting at step 2, a team column
of the office's own), runs one cycle in this process through the command's entry point, and checks:
no traceback (nothing raised, no log record with an exception), the expected clear outcome (a note in
`Catatan Sistem`, an undo, an error sentence and exit code, a new item, or the value kept as text),
and that every other cell people typed is still on its item.
"""

from __future__ import annotations

import os
import shutil
import socket
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from automation.adapters.local.workbook import cell_text
from tests.people import Workspace, actor, make_workspace, status, waktu

AT = "2026-11-30T09:05"
A, B, C = "K-2026-0001", "K-2026-0002", "K-2026-0003"
TEAM = "Catatan Tim"  # a column of the office's own
PERSON_COLUMNS = ("Judul", "Jenis", "Sumber", "Platform", "Caption", TEAM)
HUGE = "x" * 100_000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Workspace], None]
    expect: str  # kept | accepted | note | problem | undone | error | item | ignored | survives | copy-flagged
    target: tuple[str, str] | None = None  # (item ID, column) of the cell the case changes
    value: object = None


# --- building the office ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("corpus") / "kantor")
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    sheet.cell(row=1, column=sheet.max_column + 1).value = TEAM
    wb.save(ws.register)
    for title in ("Jadwal Vaksinasi", "Lomba Foto", "Festival Kuliner"):
        ws.propose(title, Jenis="Infografis", Sumber="Pemkot Yogyakarta", Platform="Instagram",
                   Caption=f"Caption {title}")
    ws.main("once", at="2026-11-30T09:00")
    for item in (A, B, C):
        ws.edit(item, {TEAM: f"tim {item}"})
    return ws.root


@pytest.fixture
def office(template, tmp_path) -> Workspace:
    root = tmp_path / "kantor"
    shutil.copytree(template, root)
    return Workspace(root)


# --- changes a person makes -------------------------------------------------------------------

def set_cell(item: str, column: str, value: object) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        ws.edit(item, {column: value})
    return change


def new_row(values: dict[str, object]) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        ws.edit(None, values)
    return change


def with_sheet(edit: Callable) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        wb = openpyxl.load_workbook(ws.register)
        edit(wb)
        wb.save(ws.register)
    return change


def header(tab: str, old: str, new: object) -> Callable[[Workspace], None]:
    def edit(wb) -> None:
        for cell in wb[tab][1]:
            if cell.value == old:
                cell.value = new
    return with_sheet(edit)


def column_of(sheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def merge(item_row: int, first: str, last: str) -> Callable[[Workspace], None]:
    def edit(wb) -> None:
        sheet = wb["Register"]
        sheet.merge_cells(start_row=item_row, end_row=item_row, start_column=column_of(sheet, first),
                          end_column=column_of(sheet, last))
    return with_sheet(edit)


def merge_down(column: str, first_row: int, last_row: int) -> Callable[[Workspace], None]:
    def edit(wb) -> None:
        sheet = wb["Register"]
        col = column_of(sheet, column)
        sheet.merge_cells(start_row=first_row, end_row=last_row, start_column=col, end_column=col)
    return with_sheet(edit)


def write_register(data: bytes) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        ws.register.write_bytes(data)
    return change


def truncate_register(ws: Workspace) -> None:
    data = ws.register.read_bytes()
    ws.register.write_bytes(data[: len(data) // 2])


def register_is_folder(ws: Workspace) -> None:
    ws.register.unlink()
    ws.register.mkdir()


def zip_without_workbook(ws: Workspace) -> None:
    with zipfile.ZipFile(ws.register, "w") as archive:
        archive.writestr("hello.txt", "bukan workbook")


def workbook_of_one_tab(ws: Workspace) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(ws.register)


def config_text(replace_from: str, replace_to: str) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        text = ws.config.read_text(encoding="utf-8")
        assert replace_from in text, replace_from
        ws.config.write_text(text.replace(replace_from, replace_to, 1), encoding="utf-8")
    return change


def config_bytes(data: bytes) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        ws.config.write_bytes(data)
    return change


def journal_is_folder(ws: Workspace) -> None:
    config_text('journal = "journal.sqlite3"', 'journal = "jurnal-folder"')(ws)
    (ws.root / "jurnal-folder").mkdir()


def sop_file(edit: Callable[[str], str] | bytes) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        from automation.domain.sop import default_sop_path

        target = ws.root / "sop.toml"
        if isinstance(edit, bytes):
            target.write_bytes(edit)
        else:
            target.write_text(edit(Path(default_sop_path()).read_text(encoding="utf-8")), encoding="utf-8")
        config_text('sop = ""', 'sop = "sop.toml"')(ws)
    return change


def upload_file(name: str, data: bytes = PNG) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        (ws.root / "drive" / "00 Masuk" / name).write_bytes(data)
    return change


def upload_folder(name: str, files: dict[str, bytes], contributor: bytes | None = None) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        folder = ws.root / "drive" / "00 Masuk" / name
        folder.mkdir()
        for file_name, data in files.items():
            path = folder / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if contributor is not None:
            (folder / "kontributor.txt").write_bytes(contributor)
    return change


def upload_link(name: str, target: str, folder: bool = False) -> Callable[[Workspace], None]:
    def change(ws: Workspace) -> None:
        outside = ws.root.parent / "di-luar"
        outside.mkdir(exist_ok=True)
        (outside / "rahasia.png").write_bytes(PNG)
        intake = ws.root / "drive" / "00 Masuk"
        if folder:
            upload = intake / name
            upload.mkdir()
            (upload / "poster.png").write_bytes(PNG)
            (upload / "tautan.png").symlink_to(outside / target)
        else:
            (intake / name).symlink_to(outside / target)
    return change


def link_in_item_folder(ws: Workspace) -> None:
    outside = ws.root.parent / "di-luar"
    outside.mkdir(exist_ok=True)
    (outside / "rahasia.png").write_bytes(PNG)
    folder = next((ws.root / "drive").glob(f"*/{A} *"))
    (folder / "tautan.png").symlink_to(outside / "rahasia.png")
    ws.edit(A, {status(2): "Diterima"})


def upload_fifo(ws: Workspace) -> None:
    os.mkfifo(ws.root / "drive" / "00 Masuk" / "pipa.png")


def upload_socket(ws: Workspace) -> None:
    server = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(ws.root / "drive" / "00 Masuk")  # a relative name: a socket's path is limited to ~100 bytes
    try:
        server.bind("soket")
    finally:
        os.chdir(here)
        server.close()


def roster(row: int, column: str, value: object) -> Callable[[Workspace], None]:
    def edit(wb) -> None:
        sheet = wb["Petugas"]
        sheet.cell(row=row, column=column_of(sheet, column)).value = value
    return with_sheet(edit)


# --- the corpus -----------------------------------------------------------------------------

ODD_TEXTS: dict[str, object] = {
    "huge-100k": HUGE,
    "tab-and-newlines": "baris satu\tkolom\nbaris dua\r\nbaris tiga",
    "zero-width": "\u200bJudul\u200d tersembunyi\u2060",
    "rtl-override": "\u202egnp.exe",
    "bom": "\ufeffAwal BOM",
    "emoji": "📢 Info penting 🎉",
    "combining": "Jogja\u0301 e\u0301",
    "html": "<script>alert(1)</script>",
    "sql": "'; DROP TABLE items; --",
    "hyperlink-formula": '=HYPERLINK("http://jahat.example","klik")',
    "sum-formula": "=1+1",
    "dde-formula": "=cmd|' /C calc'!A0",
    "plus-formula": "+1+1",
    "at-formula": "@SUM(A1:A3)",
    "integer": 12345,
    "float": 3.14,
    "boolean": True,
    "datetime": datetime(2026, 1, 2, 3, 4),
    "date": date(2026, 1, 2),
    "time": time(10, 30),
    "url": "https://contoh.example/a?b=c&d=e",
    "path-traversal": "../../etc/passwd",
    "markdown-js-link": "[klik](javascript:alert(1))",
    "percent-and-braces": "100% {name} %(x)s {{}}",
}

CASES: list[Case] = []


def add(name: str, change: Callable[[Workspace], None], expect: str, target: tuple[str, str] | None = None,
        value: object = None) -> None:
    CASES.append(Case(name, change, expect, target, value))


for column in ("Judul", "Caption", TEAM):
    for label, value in ODD_TEXTS.items():
        add(f"value-{column}-{label}", set_cell(A, column, value), "kept", (A, column), value)
add("value-Judul-only-spaces", set_cell(A, "Judul", "   "), "note", (A, "Judul"))
add("value-Judul-cleared", set_cell(A, "Judul", None), "note", (A, "Judul"))

for column, values in {
    "Jenis": ["Podcast", "=1+1", 42, datetime(2026, 1, 1)],
    "Sumber": ["Hoaks", "Kementerian; Lembaga", HUGE],
    "Platform": ["Instagram, MySpace", "Friendster", "=HYPERLINK(\"x\")"],
    "Jadwal Tayang": ["kemarin", "2026-13-45 25:61", "31/12/2026", HUGE, "=NOW()"],
}.items():
    for number, value in enumerate(values):
        add(f"field-{column}-{number}", set_cell(A, column, value), "note", (A, column), value)
add("field-Platform-empty-entry", set_cell(A, "Platform", "Instagram,,X"), "survives", (A, "Platform"))
add("field-Jadwal-Tayang-as-date-cell", set_cell(A, "Jadwal Tayang", datetime(2026, 12, 24, 9, 0)), "kept",
    (A, "Jadwal Tayang"), "2026-12-24 09:00")

for label, value in {"unknown-word": "Oke", "formula": "=1+1", "huge": HUGE, "number": 1,
                     "date": datetime(2026, 1, 1), "zero-width-inside": "Dite\u200brima",
                     "other-steps-status": "Selesai"}.items():
    add(f"status-2-{label}", set_cell(A, status(2), value), "undone", (A, status(2)))
add("status-2-cleared", set_cell(A, status(2), None), "undone", (A, status(2)))
add("status-3-not-active", set_cell(A, status(3), "Selesai"), "undone", (A, status(3)))
add("status-4-not-active", set_cell(A, status(4), "Selesai"), "undone", (A, status(4)))
add("status-1-changed", set_cell(A, status(1), "Batal"), "undone", (A, status(1)))
add("status-1-cleared", set_cell(A, status(1), None), "undone", (A, status(1)))
add("status-2-upper-case", set_cell(A, status(2), "DITERIMA"), "accepted", (A, status(2)))
add("status-2-spaces", set_cell(A, status(2), "  diterima "), "accepted", (A, status(2)))
for label, value in {"stranger": "Orang Asing", "formula": '=HYPERLINK("x","y")', "huge": HUGE,
                     "other-role": "Dimas Desainer"}.items():
    add(f"actor-2-{label}", set_cell(A, actor(2), value), "undone", (A, actor(2)))

for column in ("Folder Aset", waktu(1), "Tahap", "Tenggat", "Tautan Publikasi"):
    for label, value in {"text": "diubah", "formula": "=1+1", "date": datetime(2026, 1, 1, 8, 0),
                         "huge": HUGE, "js-link": "javascript:alert(1)", "cleared": None}.items():
        if column == "Tautan Publikasi" and value is None:
            continue  # empty at step 2: clearing it changes nothing
        add(f"system-{column}-{label}", set_cell(A, column, value), "undone", (A, column))

add("id-duplicate-on-a-new-row", new_row({"ID": A, "Judul": "Salinan", TEAM: "tim salinan"}), "copy-flagged")
add("id-of-another-item", set_cell(A, "ID", B), "undone", (A, "ID"))
add("id-cleared", set_cell(A, "ID", None), "undone", (A, "ID"))
add("id-changed", set_cell(A, "ID", "K-2026-0999"), "undone", (A, "ID"))
add("id-typed-ours-unknown", new_row({"ID": "K-2026-0099", "Judul": "Diketik", TEAM: "tim ketik"}), "survives")
add("id-typed-foreign", new_row({"ID": "ABC-1", "Judul": "Asing", TEAM: "tim asing"}), "problem")
add("id-typed-formula", new_row({"ID": "=1+1", "Judul": "Rumus", TEAM: "tim rumus"}), "problem")
add("id-typed-number", new_row({"ID": 7, "Judul": "Angka", TEAM: "tim angka"}), "problem")
add("id-with-spaces", set_cell(A, "ID", f"  {A} "), "survives")
add("id-lower-case", set_cell(A, "ID", A.lower()), "undone", (A, "ID"))

for label, (tab, old, new) in {
    "id-renamed": ("Register", "ID", "Nomor"),
    "judul-renamed": ("Register", "Judul", "Title"),
    "tahap-formula": ("Register", "Tahap", "=A1"),
    "status-number": ("Register", status(2), 5),
    "judul-cleared": ("Register", "Judul", None),
    "petugas-email-renamed": ("Petugas", "Email", "Surel"),
    "petugas-peran-cleared": ("Petugas", "Peran", None),
}.items():
    add(f"header-{label}", header(tab, old, new), "error")
add("header-log-no-renamed", header("Log", "No", "Nomor"), "survives")
add("roster-nama-formula", roster(5, "Nama", "=1+1"), "survives")
add("header-duplicated-judul", header("Register", "Caption", "Judul"), "error")
add("header-row-empty", with_sheet(lambda wb: wb["Register"].insert_rows(1)), "error")
add("tab-register-renamed", with_sheet(lambda wb: setattr(wb["Register"], "title", "Daftar")), "error")
add("tab-log-deleted", with_sheet(lambda wb: wb.remove(wb["Log"])), "error")
add("tab-petugas-deleted", with_sheet(lambda wb: wb.remove(wb["Petugas"])), "error")

add("merged-person-columns", merge(2, "Judul", "Jenis"), "survives")
add("merged-team-column-down", merge_down(TEAM, 2, 3), "survives")
add("merged-over-tahap", merge_down("Tahap", 2, 4), "survives")
add("merged-status-and-time", merge(2, status(2), waktu(2)), "survives")
add("merged-whole-row", merge(3, "ID", "Tautan Publikasi"), "survives")
add("merged-header", with_sheet(lambda wb: wb["Register"].merge_cells("A1:B1")), "error")

add("workbook-zero-bytes", write_register(b""), "error")
add("workbook-random-bytes", write_register(os.urandom(4096)), "error")
add("workbook-truncated", truncate_register, "error")
add("workbook-zip-without-workbook", zip_without_workbook, "error")
add("workbook-old-xls", write_register(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048), "error")
add("workbook-csv-renamed", write_register(b"ID,Judul\nK-2026-0001,x\n"), "error")
add("workbook-html-renamed", write_register(b"<html><table><tr><td>ID</td></tr></table></html>"), "error")
add("workbook-is-a-folder", register_is_folder, "error")
add("workbook-missing", lambda ws: ws.register.unlink(), "error")
add("workbook-one-tab", workbook_of_one_tab, "error")

add("config-toml-syntax", config_text("poll_seconds = 30", "poll_seconds = = 30"), "error")
add("config-not-utf8", config_bytes(b"sop = \"\xff\xfe\"\n"), "error")
add("config-utf16", lambda ws: ws.config.write_bytes(ws.config.read_text("utf-8").encode("utf-16")), "error")
add("config-empty", config_bytes(b""), "survives")
add("config-bom", lambda ws: ws.config.write_bytes(b"\xef\xbb\xbf" + ws.config.read_bytes()), "error")
add("config-timezone-unknown", config_text('timezone = "Asia/Jakarta"', 'timezone = "Mars/Olympus"'), "error")
add("config-timezone-number", config_text('timezone = "Asia/Jakarta"', "timezone = 7"), "error")
add("config-poll-text", config_text("poll_seconds = 30", 'poll_seconds = "tiga puluh"'), "error")
add("config-register-backend", config_text('backend = "workbook"', 'backend = "excel"'), "error")
add("config-register-path-folder", config_text('path = "register.xlsx"', 'path = "drive"'), "error")
add("config-register-table", config_text("[register]", "register = 5\n[register2]"), "error")
add("config-journal-folder", journal_is_folder, "error")
add("config-sender-not-address", config_text('sender = "sop-konten <sop-konten@localhost>"', 'sender = "<>"'),
    "error")
add("config-days-off-garbage", config_text("days_off = []", 'days_off = ["kapan-kapan"]'), "error")
add("config-days-off-string", config_text("days_off = []", 'days_off = "besok"'), "error")
add("config-settle-text", config_text("settle_seconds = 0", 'settle_seconds = "lima"'), "error")
add("config-notify-backend", config_text('backend = "outbox"', 'backend = "merpati"'), "error")
add("config-publish-backend", config_text('backend = "local"', 'backend = "friendster"'), "error")
add("config-sop-missing", config_text('sop = ""', 'sop = "tidak-ada.toml"'), "error")
add("config-assets-path-file", config_text('path = "drive"', 'path = "register.xlsx"'), "error")

add("sop-syntax", sop_file(lambda text: text.replace("[[steps]]", "[[steps]", 1)), "error")
add("sop-empty", sop_file(b""), "error")
add("sop-not-utf8", sop_file(b"roles = [\"\xff\"]\n"), "error")
add("sop-no-steps", sop_file(lambda text: text.split("[[steps]]")[0]), "error")
add("sop-unknown-role", sop_file(lambda text: text.replace('role = "Tim Konten"', 'role = "Hantu"', 1)), "error")
add("sop-minutes-text", sop_file(lambda text: text.replace("minutes = 10", 'minutes = "sepuluh"', 1)), "error")
add("sop-minutes-negative", sop_file(lambda text: text.replace("minutes = 10", "minutes = -10", 1)), "error")
add("sop-duplicate-number", sop_file(lambda text: text.replace("number = 2", "number = 1", 1)), "error")
add("sop-goto-unknown", sop_file(lambda text: text.replace('goto = "reject"', 'goto = "mars"', 1)), "error")
add("sop-no-outcomes", sop_file(lambda text: text.replace(
    'outcomes = [{ status = "Selesai", goto = "next" }]', "outcomes = []", 1)), "error")

for label, name in {
    "unicode": "Pengumuman ümlaut é 日本語.png",
    "very-long": "a" * 240 + ".png",
    "newline": "baris\nbaru.png",
    "tab": "kolom\tkolom.png",
    "spaces": "  spasi  .png",
    "separator": "nama#dengan#pagar.png",
    "double-dots": "a..b.png",
    "emoji": "📢 info.png",
    "exe": "program.exe",
    "bat": "jalankan.bat",
    "text": "catatan.txt",
    "no-extension": "tanpa-ekstensi",
    "windows-reserved": "CON.png",
    "percent": "100% {x}.png",
}.items():
    add(f"upload-{label}", upload_file(name), "item")
add("upload-zero-bytes", upload_file("kosong.png", b""), "item")
add("upload-hidden", upload_file(".tersembunyi.png"), "ignored")
add("upload-only-dots-name", upload_file("....png"), "ignored")
add("upload-office-lock", upload_file("~$dokumen.docx"), "ignored")
add("upload-folder-nested", upload_folder("Folder Bersarang", {"a/b/c/poster.png": PNG}), "item")
add("upload-folder-contributor-garbage", upload_folder("Kontributor Aneh", {"poster.png": PNG},
                                                      b"\xff\xfe\x00bukan alamat\n"), "item")
add("upload-folder-contributor-huge", upload_folder("Kontributor Panjang", {"poster.png": PNG},
                                                   HUGE.encode()), "item")
add("upload-folder-contributor-formula", upload_folder("Kontributor Rumus", {"poster.png": PNG},
                                                      b"=HYPERLINK(\"x\")\n"), "item")
add("upload-folder-newline-name", upload_folder("folder\nbaris", {"poster.png": PNG}), "item")
add("upload-folder-dots", upload_folder("...", {"poster.png": PNG}), "ignored")
add("upload-folder-only-contributor", upload_folder("Belum Ada Berkas", {}, b"a@b.example\n"), "ignored")
add("upload-symlink-file", upload_link("tautan.png", "rahasia.png"), "note")
add("upload-symlink-in-folder", upload_link("Folder Bertaut", "rahasia.png", folder=True), "note")
add("upload-symlink-dangling", upload_link("putus.png", "tidak-ada.png"), "note")
add("item-folder-symlink", link_in_item_folder, "note", (A, "Catatan Sistem"))
add("upload-fifo", upload_fifo, "ignored")
add("upload-socket", upload_socket, "ignored")

for label, (row, column, value) in {
    "email-not-address": (2, "Email", "bukan email"),
    "aktif-maybe": (3, "Aktif", "Mungkin"),
    "peran-unknown": (4, "Peran", "Hantu"),
    "email-huge": (6, "Email", HUGE),
}.items():
    add(f"roster-{label}", roster(row, column, value), "problem")

assert len(CASES) >= 150, len(CASES)
assert len({c.name for c in CASES}) == len(CASES), "case names are unique"


PARAMS = [pytest.param(c, id=c.name) for c in CASES]


# --- running and checking ------------------------------------------------------------------

def person_cells(ws: Workspace) -> dict[tuple[str, str], str]:
    """Every non-empty cell people typed in the template's items, by (ID, column)."""
    found = {}
    for row in ws.rows():
        if row.get("ID") in (A, B, C) and (row["ID"], "Judul") not in found:
            for column in PERSON_COLUMNS:
                if row.get(column):
                    found[(row["ID"], column)] = row[column]
    return found


def read_target(ws: Workspace, item: str, column: str) -> object:
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    ids = column_of(sheet, "ID")
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, ids).value == item)
    return sheet.cell(row, column_of(sheet, column)).value


@pytest.mark.parametrize("case", PARAMS)
def test_a_bad_input_gives_a_clear_outcome_and_loses_no_other_cell(case, office, template, capsys, caplog):
    case.change(office)
    changed_bytes = office.register.read_bytes() if office.register.is_file() else None
    try:
        # a case that changes an item's ID only: its cells are still the template's item's, not those of
        # whatever item the changed ID names, so they are expected back under the item's own ID
        id_changed = case.target is not None and case.target[1] == "ID"
        before = person_cells(Workspace(template) if id_changed else office)
        typed = read_target(office, *case.target) if case.expect == "kept" else None
    except Exception:  # the change broke the workbook itself: the template's cells are the person's
        before, typed = person_cells(Workspace(template)), None
    capsys.readouterr()

    out = office.main("once", at=AT)  # raises (and fails the test) on a traceback
    err = capsys.readouterr().err
    code = office.last_code
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert tracebacks == [] and "Traceback" not in err

    if case.expect == "error":
        sentence = (err.strip() or out.strip())
        assert code != 0, f"exit code 0 for {case.name}: {out}"
        assert sentence and len(sentence.splitlines()) == 1, sentence
        if changed_bytes is not None:
            assert office.register.read_bytes() == changed_bytes, "nothing is written while the input is bad"
        return
    assert code == 0, f"{out}\n{err}"
    rows = office.rows()
    by_id: dict[str, dict[str, str]] = {}
    for row in rows:  # the first row of an ID is the item's; a later one is a copy
        by_id.setdefault(row["ID"], row)

    lost = {key: value for key, value in before.items()
            if key != case.target and by_id.get(key[0], {}).get(key[1]) != value}
    assert lost == {}, "a person's cells were lost or moved"

    if case.expect == "kept":
        kept = read_target(office, *case.target)
        assert cell_text(kept) == cell_text(typed), f"{kept!r} != {typed!r}"
    elif case.expect == "accepted":
        assert by_id[A][waktu(2)] == "2026-11-30 09:05" and by_id[A][status(2)] == "Diterima"
    elif case.expect == "note":
        if case.target:
            assert by_id[case.target[0]]["Catatan Sistem"], f"no note on {case.target[0]}: {out}"
        else:
            new = [r for r in rows if r["ID"] not in (A, B, C)]
            assert "masalah" in out or any(r["Catatan Sistem"] for r in new), f"no note: {out}"
    elif case.expect == "problem":
        assert "masalah" in out or any(r["Catatan Sistem"] for r in rows if r["ID"] not in (A, B, C)), out
    elif case.expect == "undone":
        item, column = case.target
        template_row = {r["ID"]: r for r in Workspace(template).rows()}[item]
        assert by_id.get(item, {}).get(column) == template_row[column], f"{item} {column} not restored"
        assert by_id[item]["Catatan Sistem"], "the undo is explained"
    elif case.expect == "copy-flagged":
        copies = [r for r in rows if r["ID"] == A]
        assert len(copies) == 2 and copies[1]["Catatan Sistem"], "the later row is flagged in Catatan Sistem"
        assert not copies[0]["Catatan Sistem"] and copies[0]["Judul"] == "Jadwal Vaksinasi"
    elif case.expect == "item":
        new = [r for r in rows if r["ID"] not in (A, B, C)]
        assert len(new) == 1 and new[0]["ID"] == "K-2026-0004" and new[0]["Judul"].strip()
        assert new[0]["Tahap"].startswith("2. Pertimbangan")
    elif case.expect == "ignored":
        assert [r["ID"] for r in rows] == [A, B, C]
