"""The journal's events form a hash chain; `sop-konten audit verify` finds the first event that was tampered with."""

from __future__ import annotations

import contextlib
import io
import sqlite3

import pytest

from automation.commands.cli import main
from automation.service.journal import Journal
from tests.people import make_workspace, status


@pytest.fixture
def ws(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    ws.propose("Festival Gudeg")
    ws.propose("Hari Jadi Kota")
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:05")
    return ws


def verify(ws) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["audit", "verify", "--config", str(ws.config)])
    return code, out.getvalue().strip()


def events(ws) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(ws.root / "journal.sqlite3")) as db:
        return db.execute("SELECT no, item_id, at, remark FROM events ORDER BY no").fetchall()


def tamper(ws, sql: str, *params) -> None:
    with contextlib.closing(sqlite3.connect(ws.root / "journal.sqlite3")) as db:
        db.execute(sql, params)
        db.commit()


def test_an_untouched_journal_is_intact(ws):
    count = len(events(ws))
    assert count >= 4
    assert verify(ws) == (0, f"Jejak audit utuh: rantai hash {count} peristiwa sesuai.")


def test_an_edited_event_is_named(ws):
    no, item, at, remark = events(ws)[2]
    tamper(ws, "UPDATE events SET remark = ? WHERE no = ?", remark + " (diubah)", no)
    code, out = verify(ws)
    assert code == 1
    assert out.startswith(f"Jejak audit RUSAK pada peristiwa no. {no} ({item}, {at}): isinya diubah")


def test_an_event_edited_together_with_its_hash_is_still_found(ws):
    no, item, at, _ = events(ws)[1]
    tamper(ws, "UPDATE events SET actor = 'orang lain', hash = 'x' WHERE no = ?", no)
    assert verify(ws)[0] == 1 and f"peristiwa no. {no} ({item}, {at})" in verify(ws)[1]


def test_a_deleted_event_is_named_by_the_one_after_it(ws):
    rows = events(ws)
    tamper(ws, "DELETE FROM events WHERE no = ?", rows[1][0])
    code, out = verify(ws)
    no, item, at, _ = rows[2]
    assert code == 1
    assert out == (f"Jejak audit RUSAK pada peristiwa no. {no} ({item}, {at}): peristiwa sebelumnya hilang atau "
                   f"diganti. Peristiwa sampai no. {rows[0][0]} utuh.")


def test_a_deleted_last_event_is_named_even_after_new_events(ws):
    rows = events(ws)
    no, item, at, _ = rows[-1]
    tamper(ws, "DELETE FROM events WHERE no = ?", no)
    code, out = verify(ws)
    assert code == 1 and out.startswith(f"Jejak audit RUSAK pada peristiwa no. {no} ({item}, {at}): peristiwa ini")
    ws.edit(ws.rows()[1]["ID"], {status(2): "Diterima"})
    ws.once(at="2026-11-30T09:10")  # the daemon goes on; the gap stays visible
    assert len(events(ws)) > len(rows) - 1
    assert verify(ws)[0] == 1


def test_no_journal_is_one_sentence(tmp_path):
    ws = make_workspace(tmp_path / "baru")
    code = main(["audit", "verify", "--config", str(ws.config)])
    assert code == 2 and not (ws.root / "journal.sqlite3").exists()


OLD_EVENTS = """
CREATE TABLE events (
    no INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    item_id TEXT NOT NULL,
    step TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    actor TEXT NOT NULL,
    remark TEXT NOT NULL
);
"""


def test_a_journal_from_before_the_chain_is_chained_once_on_open(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(OLD_EVENTS)
        for n in range(1, 4):
            db.execute("INSERT INTO events(key, at, item_id, step, before, after, actor, remark) "
                       "VALUES (?,?,?,?,?,?,?,?)", (f"K-2026-000{n}/1/1/created", "2026-11-01 09:00",
                                                    f"K-2026-000{n}", "1. Pengajuan Ide", "", "Menunggu", "", "lama"))
        db.commit()
    journal = Journal(path)
    try:
        assert journal.verify_chain().count == 3 and journal.verify_chain().broken is None
        chained = journal.db.execute("SELECT no, prev_hash, hash FROM events ORDER BY no").fetchall()
        assert chained[0][1] == "" and chained[1][1] == chained[0][2] and chained[2][1] == chained[1][2]
    finally:
        journal.close()
    again = Journal(path)  # opened again: nothing is recomputed, the chain is the one made the first time
    try:
        assert again.db.execute("SELECT no, prev_hash, hash FROM events ORDER BY no").fetchall() == chained
    finally:
        again.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE events SET remark = 'dipalsukan' WHERE no = 2")
        db.commit()
    journal = Journal(path)
    try:
        broken = journal.verify_chain().broken
        assert broken is not None and (broken.no, broken.item_id, broken.reason) == (2, "K-2026-0002", "edited")
    finally:
        journal.close()
