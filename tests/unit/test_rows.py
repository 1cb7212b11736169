"""Finding a register row again before writing (automation.domain.rows), for both backends."""

from __future__ import annotations

from automation.domain.rows import RowLocator
from automation.ports import RowAnchor

# What the daemon read: three rows with IDs and a new row without one.
READ_IDS = ["K-001", "K-002", "K-003", ""]
READ_TITLES = ["Satu", "Dua", "Tiga", "Usulan baru"]


def by_id(item_id: str, read_index: int = -1) -> RowAnchor:
    return RowAnchor(item_id=item_id, read_index=read_index)


def new_row(read_index: int, title: str) -> RowAnchor:
    return RowAnchor(read_index=read_index, title=title)


def test_nothing_moved():
    rows = RowLocator(READ_IDS, READ_TITLES)
    assert [rows.find(by_id(i)) for i in ("K-001", "K-002", "K-003")] == [0, 1, 2]
    assert rows.find(new_row(3, "Usulan baru")) == 3


def test_rows_sorted_between_read_and_write():
    rows = RowLocator(["K-003", "", "K-001", "K-002"], ["Tiga", "Usulan baru", "Satu", "Dua"])
    assert rows.find(by_id("K-001", read_index=0)) == 2
    assert rows.find(by_id("K-003", read_index=2)) == 0
    assert rows.find(new_row(3, "Usulan baru")) == 1  # not at its read position any more: by title


def test_a_row_inserted_above():
    rows = RowLocator(["", *READ_IDS], ["Sisipan", *READ_TITLES])
    assert rows.find(by_id("K-002", read_index=1)) == 2
    assert rows.find(new_row(3, "Usulan baru")) == 4


def test_a_row_deleted_and_a_missing_id():
    rows = RowLocator(["K-002", "K-003", ""], ["Dua", "Tiga", "Usulan baru"])
    assert rows.find(by_id("K-001", read_index=0)) is None  # deleted: nothing is written for it
    assert rows.find(by_id("K-002", read_index=1)) == 0
    assert rows.find(by_id("K-999")) is None


def test_a_duplicated_id_is_told_apart_only_by_the_read_position():
    rows = RowLocator(["K-001", "K-002", "K-001"], ["Satu", "Dua", "Salinan"])
    assert rows.find(by_id("K-001", read_index=0)) == 0  # the original keeps working beside its copy
    assert rows.find(by_id("K-001", read_index=2)) == 2
    assert rows.find(by_id("K-001")) is None  # no read position: ambiguous
    assert rows.find(by_id("K-001", read_index=1)) is None  # moved since the read: ambiguous
    assert rows.find(by_id("K-002")) == 1


def test_ids_and_titles_are_compared_without_surrounding_spaces():
    rows = RowLocator([" K-001 ", ""], ["Satu", "  Usulan baru "])
    assert rows.find(by_id("K-001")) == 0
    assert rows.find(new_row(1, "Usulan baru")) == 1


def test_a_new_row_at_its_read_position_wins_over_a_twin_elsewhere():
    rows = RowLocator(["", "K-001", ""], ["Sama", "Satu", "Sama"])
    assert rows.find(new_row(2, "Sama")) == 2


def test_a_new_row_moved_among_twins_is_ambiguous():
    rows = RowLocator(["", "", "K-001"], ["Sama", "Sama", "Satu"])
    assert rows.find(new_row(2, "Sama")) is None


def test_a_new_row_given_an_id_by_a_person_meanwhile_is_not_found():
    rows = RowLocator(["K-001", "K-007"], ["Satu", "Usulan baru"])
    assert rows.find(new_row(1, "Usulan baru")) is None


def test_a_new_row_whose_title_changed_is_not_found():
    rows = RowLocator(["K-001", ""], ["Satu", "Judul lain"])
    assert rows.find(new_row(1, "Usulan baru")) is None


def test_a_new_row_without_title_is_never_found():
    rows = RowLocator(["", ""], ["", ""])
    assert rows.find(new_row(0, "")) is None


def test_columns_of_different_lengths():
    """Sheets leaves out trailing empty cells: the ID column may be shorter than the title column."""
    rows = RowLocator(["K-001"], ["Satu", "Dua", "Usulan baru"])
    assert rows.find(new_row(2, "Usulan baru")) == 2
    assert rows.find(new_row(7, "Dua")) == 1
    assert rows.find(by_id("K-001")) == 0
