"""A person's save landing at any side-effect boundary of a cycle is never lost nor put on another item.

The person saves with openpyxl from inside the cycle, at the N-th boundary `automation.faults.reached`
names (the same boundaries the crash matrix kills at), with and without an editor's lock file, and
edits, sorts, inserts or deletes rows. After the next cycles their cells sit on the right item IDs and
the daemon's own work of that cycle has landed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from automation import faults
from tests.people import Workspace, make_workspace, status, waktu

CYCLE, LATER, LATEST = "2026-11-30T09:05", "2026-11-30T09:10", "2026-11-30T09:15"
TEAM_COLUMN = "Catatan Tim"  # a column of the office's own, which the daemon never writes
LOCK = "~$register.xlsx"  # Excel's lock file: an editor has the workbook open
A, B, C = "K-2026-0001", "K-2026-0002", "K-2026-0003"
FILLER = "baris catatan tanpa judul"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Three items waiting at step 2, a team column filled on each row, and a note-only row."""
    ws = make_workspace(tmp_path_factory.mktemp("template") / "kantor")
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    sheet.cell(row=1, column=sheet.max_column + 1).value = TEAM_COLUMN
    wb.save(ws.register)
    for title in ("Jadwal Vaksinasi", "Lomba Foto", "Festival Kuliner"):
        ws.propose(title)
    ws.once(at="2026-11-30T09:00")
    for item in (A, B, C):
        ws.edit(item, {TEAM_COLUMN: f"tim {item}"})
    ws.edit(None, {TEAM_COLUMN: FILLER})
    return ws.root


def _cycle_edits(ws: Workspace) -> None:
    """What people typed before the cycle under test: a step done, a wrong status, a new row."""
    ws.edit(A, {status(2): "Diterima"})
    ws.edit(B, {status(2): "Oke"})
    ws.propose("Pameran Buku")


def _rows(sheet) -> list[int]:
    return [r for r in range(2, sheet.max_row + 1) if any(c.value not in (None, "") for c in sheet[r])]


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def _find(sheet, item: str) -> int:
    id_column = _column(sheet, "ID")
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, id_column).value == item)


def _sort(sheet) -> None:
    """Sort the data rows by title, descending, as a person does with the filter menu."""
    rows = _rows(sheet)
    values = [[c.value for c in sheet[r]] for r in rows]
    title = _column(sheet, "Judul") - 1
    values.sort(key=lambda v: str(v[title] or ""), reverse=True)
    for r in range(2, sheet.max_row + 1):
        for c in sheet[r]:
            c.value = None
    for offset, row in enumerate(values):
        for column, value in enumerate(row, start=1):
            sheet.cell(2 + offset, column).value = value


def _insert(sheet) -> None:
    sheet.insert_rows(2)


def _delete(sheet) -> None:
    team = _column(sheet, TEAM_COLUMN)
    filler = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, team).value == FILLER)
    sheet.delete_rows(filler)


REARRANGE: dict[str, Callable] = {"edit": lambda sheet: None, "sort": _sort, "insert": _insert, "delete": _delete}


def _person_saves(ws: Workspace, kind: str, mark: str, lock: bool) -> None:
    if lock:
        (ws.root / LOCK).write_text("editor", encoding="utf-8")
    with open(_what_the_editor_has_open(ws), "rb") as opened:
        wb = openpyxl.load_workbook(opened)
    sheet = wb["Register"]
    REARRANGE[kind](sheet)
    sheet.cell(_find(sheet, C), _column(sheet, TEAM_COLUMN)).value = mark
    sheet.cell(_find(sheet, A), _column(sheet, "Caption")).value = mark
    wb.save(ws.register)


def _what_the_editor_has_open(ws: Workspace) -> Path:
    """The workbook as the person's editor holds it. While the daemon has the file moved aside (its swap
    between `workbook.aside` and `workbook.replace`) the path is empty for an instant; an editor that
    opened the workbook earlier still holds those bytes and saves them to the path: the aside file."""
    if ws.register.exists():
        return ws.register
    asides = sorted(ws.register.parent.glob(f".{ws.register.name}.*.aside"), key=lambda p: p.stat().st_mtime_ns)
    assert asides, "the register is neither at its path nor moved aside"
    return asides[-1]


def boundaries(template: Path, work: Path) -> list[str]:
    """The boundaries the cycle under test crosses, undisturbed."""
    ws = _copy(template, work)
    _cycle_edits(ws)
    seen: list[str] = []
    with faults.hooked(lambda count, name: seen.append(name)):
        ws.main("once", at=CYCLE)
    return seen


def _copy(template: Path, work: Path) -> Workspace:
    root = work / "kantor"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    return Workspace(root)


def save_at(template: Path, work: Path, point: int, kind: str, lock: bool) -> list[str]:
    """Problems found when the person saves at `point` (empty: nothing lost, nothing misplaced)."""
    ws = _copy(template, work)
    _cycle_edits(ws)
    mark = f"simpan {kind} {point}"
    errors: list[str] = []

    def hook(count: int, name: str) -> None:
        if count == point:
            try:
                _person_saves(ws, kind, mark, lock)
            except Exception as exc:  # raised inside SQLite's trace callback it would vanish
                errors.append(f"the person's save failed: {exc!r}")

    with faults.hooked(hook):
        ws.main("once", at=CYCLE)
    (ws.root / LOCK).unlink(missing_ok=True)
    ws.main("once", at=LATER)
    ws.main("once", at=LATEST)

    rows = ws.rows()
    by_id = {r["ID"]: r for r in rows if r["ID"]}
    problems = list(errors)
    if by_id.get(C, {}).get(TEAM_COLUMN) != mark:
        problems.append(f"{C} {TEAM_COLUMN}: {by_id.get(C, {}).get(TEAM_COLUMN)!r}, saved {mark!r}")
    if by_id.get(A, {}).get("Caption") != mark:
        problems.append(f"{A} Caption: {by_id.get(A, {}).get('Caption')!r}, saved {mark!r}")
    for item in (A, B):
        if by_id.get(item, {}).get(TEAM_COLUMN) != f"tim {item}":
            problems.append(f"{item} {TEAM_COLUMN}: {by_id.get(item, {}).get(TEAM_COLUMN)!r}")
    misplaced = [r["ID"] for r in rows if mark in (r[TEAM_COLUMN], r["Caption"]) and r["ID"] not in (A, C)]
    if misplaced:
        problems.append(f"the saved value is also on {misplaced}")
    a, b = by_id.get(A, {}), by_id.get(B, {})
    if not (a.get(waktu(2)) and a.get(status(3)) == "Menunggu"):
        problems.append(f"{A}: step 2 not taken ({a.get(waktu(2))!r}, {a.get(status(3))!r})")
    if b.get(status(2)) != "Menunggu" or not b.get("Catatan Sistem"):
        problems.append(f"{B}: the wrong status was not undone with a note ({b.get(status(2))!r})")
    new = [r for r in rows if r["Judul"] == "Pameran Buku"]
    if len(new) != 1 or new[0]["ID"] != "K-2026-0004":
        problems.append(f"the typed row: {[r['ID'] for r in new]}")
    return [f"point {point} ({kind}, lock={lock}): {p}" for p in problems]


# the window between the daemon's last check and its os.replace of the workbook (issue 10, point 4)
REPLACE_WINDOW = "workbook.replace"


def test_a_save_just_before_the_register_write_is_kept(template, tmp_path):
    names = boundaries(template, tmp_path)
    point = names.index("register.write") + 1
    assert save_at(template, tmp_path, point, "sort", lock=False) == []


@pytest.mark.slow
@pytest.mark.parametrize("lock", [False, True], ids=["no-lock", "lock"])
@pytest.mark.parametrize("kind", list(REARRANGE))
def test_a_save_at_any_other_boundary_of_a_cycle_is_kept(template, tmp_path, kind, lock):
    names = boundaries(template, tmp_path)
    points = [n for n, name in enumerate(names, start=1) if name != REPLACE_WINDOW]
    assert len(points) > 20
    problems = [p for point in points for p in save_at(template, tmp_path, point, kind, lock)]
    assert problems == []


@pytest.mark.slow
@pytest.mark.parametrize("lock", [False, True], ids=["no-lock", "lock"])
@pytest.mark.parametrize("kind", list(REARRANGE))
def test_a_save_in_the_replace_window_is_kept(template, tmp_path, kind, lock):
    names = boundaries(template, tmp_path)
    points = [n for n, name in enumerate(names, start=1) if name == REPLACE_WINDOW]
    assert points
    problems = [p for point in points for p in save_at(template, tmp_path, point, kind, lock)]
    assert problems == []
