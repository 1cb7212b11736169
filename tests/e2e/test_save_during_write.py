"""A person's save landing at any step of the daemon's register swap is never lost (local workbook)."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest

from automation.adapters.local.workbook import SWAP_STEPS
from automation.bootstrap import build_app
from automation.config import load_config
from tests.people import make_workspace, status


def save_their_copy(register, opened: bytes, item_id: str, style: str) -> None:
    """The person's editor saves the copy it opened before the cycle, with the Sumber cell filled in."""
    wb = openpyxl.load_workbook(io.BytesIO(opened))
    ws = wb["Register"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, headers.index("ID") + 1).value == item_id)
    ws.cell(row, headers.index("Sumber") + 1).value = "Dinas Pariwisata"
    if style == "in place":
        wb.save(register)
    else:
        wb.save(register.with_name("editor.tmp"))
        os.replace(register.with_name("editor.tmp"), register)


@pytest.mark.slow  # whole cycles; tests/adapters/test_workbook.py covers every step quickly
@pytest.mark.parametrize("style", ["in place", "replace"])
@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_save_during_the_swap_is_kept_and_the_daemons_change_follows(tmp_path, monkeypatch, step, style):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Festival Gudeg")
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima"})
    opened = ws.register.read_bytes()
    monkeypatch.setenv("SOP_KONTEN_FIXED_TIME", "2026-11-30T09:01")
    app = build_app(load_config(ws.config))
    seen = []

    def person_saves(at: str) -> None:
        seen.append(at)
        if at == step:
            save_their_copy(ws.register, opened, item, style)

    app.engine.register.between = person_saves
    try:
        app.engine.run_once()
        assert step in seen
        assert ws.row(item)["Sumber"] == "Dinas Pariwisata"  # their save is there right away
        app.engine.register.between = lambda at: None
        app.engine.run_once()  # the next cycle
    finally:
        app.close()
    row = ws.row(item)
    assert row["Sumber"] == "Dinas Pariwisata" and row[status(2)] == "Diterima"
    assert row[status(3)] == "Menunggu" and row["Tahap"].startswith("3.")
    assert sorted(p.name for p in ws.root.iterdir() if p.name.startswith(".register")) == []
