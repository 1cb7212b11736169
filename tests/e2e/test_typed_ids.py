"""IDs a person typed: another item's ID over an item's own is undone, and an ID that is not the daemon's
is told once in Catatan Sistem (docs/register.md)."""

from __future__ import annotations

import pytest

from tests.people import make_workspace, status


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def undo_lines(ws):
    return [r for r in ws.log() if r["Keterangan"].startswith("Dibatalkan")]


def test_an_items_id_changed_to_another_items_id_is_given_back_and_the_other_is_untouched(ws):
    ws.propose("Pertama", Jenis="Video")
    ws.propose("Kedua", Jenis="Foto")
    ws.once(at="2026-11-30T08:00")
    first, second = (r["ID"] for r in ws.rows())
    other, other_stage = ws.row(second), ws.folder_stage(second)
    ws.edit(first, {"ID": second})
    ws.once(at="2026-11-30T08:01")
    rows = ws.rows()
    assert [(r["ID"], r["Judul"]) for r in rows] == [(first, "Pertama"), (second, "Kedua")]
    assert "tidak boleh dihapus atau diubah" in rows[0]["Catatan Sistem"]
    assert rows[1] == other
    assert [(r["ID"], r["Langkah"]) for r in undo_lines(ws)] == [(first, "ID")]

    ws.edit(first, {status(2): "Diterima"})
    ws.once(at="2026-11-30T08:02")
    assert ws.row(first)["Tahap"].startswith("3. Konsep") and ws.row(second)["Tahap"].startswith("2. Pertimbangan")
    assert ws.folder_stage(first) == "03 Konsep" and ws.folder_stage(second) == other_stage


@pytest.mark.parametrize("typed", ["ABC-1", "12345"])
def test_a_typed_id_that_is_not_ours_is_told_once_and_the_row_is_left_alone(ws, typed):
    ws.propose("Asing", Jenis="Video", **{"ID": typed})
    ws.once(at="2026-11-30T08:00")
    row = ws.rows()[0]
    note = f"ID '{typed}' bukan ID dari sistem"
    assert row["ID"] == typed and note in row["Catatan Sistem"]
    assert row["Judul"] == "Asing" and row["Jenis"] == "Video" and row["Tahap"] == ""
    log, saved = ws.log(), ws.register.read_bytes()
    ws.once(at="2026-11-30T08:01")
    assert ws.log() == log and ws.register.read_bytes() == saved  # told once: nothing written again
    assert ws.mails() == []
