"""The journal's side of the register write: the pending write, typed-row IDs, event numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from automation.domain.workflow import Event, ItemState
from automation.service.journal import Journal, PendingWrite

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def state(item_id: str, stage: str, version: int = 1) -> ItemState:
    return ItemState(item_id=item_id, row={"ID": item_id, "Tahap": stage}, active=2, version=version,
                     undone={"Tenggat": ""})


def test_a_pending_write_survives_a_reopen_and_is_cleared_with_the_commit(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.record_pending_write([PendingWrite(state("K-2026-0001", "3. Konsep"), {"Tahap": ("2. Pertimbangan", "3. Konsep")}),
                                  PendingWrite(state("K-2026-0002", "2. Pertimbangan"), {}, appended=True)])
    journal.close()
    journal = Journal(tmp_path / "journal.sqlite3")  # as after a crash
    pending = journal.pending_write()
    assert [(w.state.item_id, dict(w.cells), w.appended) for w in pending] == [
        ("K-2026-0001", {"Tahap": ("2. Pertimbangan", "3. Konsep")}, False), ("K-2026-0002", {}, True)]
    assert pending[0].state == state("K-2026-0001", "3. Konsep")
    journal.commit_write([pending[0].state], NOW)
    assert journal.pending_write() == []
    assert journal.states() == {"K-2026-0001": state("K-2026-0001", "3. Konsep")}


def test_reserved_ids_count_for_the_sequence_and_end_with_the_commit(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.reserve_id("K-2026-0007", "Ketik Manual", 3)
    assert journal.highest_sequence(2026) == 7
    assert journal.reserved_ids() == [("K-2026-0007", "Ketik Manual", 3)]
    journal.reserve_id("K-2026-0007", "Ketik Manual", 1)  # the row moved
    assert journal.reserved_ids() == [("K-2026-0007", "Ketik Manual", 1)]
    journal.commit_write([state("K-2026-0007", "2. Pertimbangan")], NOW)
    assert journal.reserved_ids() == []
    assert journal.highest_sequence(2026) == 7


def test_recording_the_same_events_again_leaves_no_gap_in_the_numbers(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    first = Event("K-2026-0001/1/1/created", "K-2026-0001", "1. Pengajuan Ide", "", "Menunggu", "", "Baru")
    second = Event("K-2026-0001/1/1/transition", "K-2026-0001", "1. Pengajuan Ide", "Menunggu", "Diajukan", "", "")
    for _ in range(3):  # a cycle retried after crashes records its intents again
        journal.record_intents([first], [], "2026-11-30 09:00")
    journal.record_intents([first, second], [], "2026-11-30 09:01")
    assert [row[0] for row in journal.events_after(0)] == ["1", "2"]


def test_the_states_kept_between_polls_follow_commits_and_other_processes(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.commit_write([state("K-2026-0001", "2. Pertimbangan")], NOW)
    assert journal.states()["K-2026-0001"].row["Tahap"] == "2. Pertimbangan"  # kept from here on
    committed = state("K-2026-0001", "3. Konsep", version=2)
    journal.commit_write([committed], NOW)
    committed.row["Tahap"] = "changed after the commit"  # type: ignore[index]  # the caller's dict is not the kept one
    seen = journal.states()
    assert seen == {"K-2026-0001": state("K-2026-0001", "3. Konsep", version=2)}
    seen.pop("K-2026-0001")  # the caller's dict is a copy
    assert "K-2026-0001" in journal.states()

    other = Journal(tmp_path / "journal.sqlite3")  # another process commits on the same file
    other.commit_write([state("K-2026-0002", "4. Desain")], NOW)
    other.close()
    assert set(journal.states()) == {"K-2026-0001", "K-2026-0002"}
    other = Journal(tmp_path / "journal.sqlite3")
    other.db.execute("DELETE FROM items WHERE item_id='K-2026-0001'")
    other.close()
    journal.commit_write([state("K-2026-0003", "5. Koreksi")], NOW)  # our own commit after theirs
    assert set(journal.states()) == {"K-2026-0002", "K-2026-0003"}
