"""The archive rule: which finished rows leave the Register, and when."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.domain import contract as cols
from automation.domain.archive import (
    archive_key,
    archive_year,
    candidates,
    edits_in_archive,
    finished_at,
    is_due,
)
from automation.domain.contract import Contract
from automation.domain.keys import EffectKey, KeyKind
from automation.domain.sop import load_sop
from automation.domain.workflow import OPEN, PUBLISHED, REJECTED, ItemState

SOP = load_sop()
CONTRACT = Contract(SOP)
WIB = timezone(timedelta(hours=7))


def ended(item_id: str = "K-2026-0007", outcome: str = PUBLISHED, at: str = "2026-11-02 09:05",
          **values: str) -> ItemState:
    row = {h: "" for h in CONTRACT.register_headers}
    row.update({cols.ID: item_id, cols.TITLE: "Festival Gudeg", CONTRACT.time(1): "2026-10-30 08:00",
                CONTRACT.time(7 if outcome == PUBLISHED else 2): at, **values})
    return ItemState(item_id=item_id, row=row, active=0, outcome=outcome)


def test_the_key_of_a_move_is_an_effect_key_that_never_changes():
    assert archive_key("K-2026-0007") == "K-2026-0007/0/0/archive"
    assert EffectKey.parse(archive_key("K-2026-0007")).is_a(KeyKind.ARCHIVE)


def test_an_item_goes_to_the_archive_of_the_year_of_its_id():
    assert archive_year("K-2026-0007") == 2026
    assert archive_year("ABC-1") == 0


def test_it_ended_at_its_latest_step_time():
    assert finished_at(ended(), CONTRACT) == datetime(2026, 11, 2, 9, 5)
    assert finished_at(ended(outcome=REJECTED, at="31/10/2026 14.00"), CONTRACT) == datetime(2026, 10, 31, 14, 0)


@pytest.mark.parametrize(("now", "days", "due"), [
    (datetime(2026, 12, 2, 9, 4, tzinfo=WIB), 30, False),  # a minute short of 30 days
    (datetime(2026, 12, 2, 9, 5, tzinfo=WIB), 30, True),
    (datetime(2026, 11, 3, 9, 5, tzinfo=WIB), 1, True),
    (datetime(2027, 11, 3, 9, 5, tzinfo=WIB), 0, False),  # 0: the archive is off
])
def test_a_finished_item_is_due_after_the_days_configured(now, days, due):
    assert is_due(ended(), CONTRACT, now, days) is due


def test_an_open_item_is_never_due():
    state = ItemState(item_id="K-2026-0007", row=ended().row, active=3, outcome=OPEN)
    assert not is_due(state, CONTRACT, datetime(2030, 1, 1, tzinfo=WIB), 30)


def test_a_row_without_step_times_uses_the_time_given():
    state = ItemState(item_id="K-2026-0007", row={cols.ID: "K-2026-0007"}, active=0, outcome=PUBLISHED)
    now = datetime(2026, 12, 31, tzinfo=WIB)
    assert not is_due(state, CONTRACT, now, 30)
    assert is_due(state, CONTRACT, now, 30, ended=datetime(2026, 11, 1, tzinfo=WIB))


def test_only_rows_exactly_as_accepted_and_held_once_move():
    now = datetime(2026, 12, 31, tzinfo=WIB)
    states = {s.item_id: s for s in (ended("K-2026-0001"), ended("K-2026-0002"), ended("K-2026-0003"),
                                      ended("K-2026-0004", at="2026-12-30 10:00"))}
    rows = [dict(s.row) for s in states.values()]
    rows[1][cols.CAPTION] = "diubah"  # a person's edit: decided first, moved on a later day
    rows.append(dict(states["K-2026-0003"].row))  # a copied row: neither moves
    rows.append({**ended("K-2026-0009").row})  # unknown to the journal
    found = candidates(rows, states, CONTRACT, now, 30)
    assert [(c.item_id, c.index) for c in found] == [("K-2026-0001", 0)]
    assert candidates(rows, states, CONTRACT, now, 30, skip={"K-2026-0001"}) == []
    assert candidates(rows, states, CONTRACT, now, 0) == []


def test_edits_in_the_archive_leave_out_the_daemons_own_columns():
    moved = {cols.ID: "K-2026-0001", cols.CAPTION: "a", cols.NOTES: ""}
    assert edits_in_archive(moved, {**moved, "Diarsipkan": "2026-12-01 09:00", cols.NOTES: "x"}) == []
    assert edits_in_archive(moved, {**moved, cols.CAPTION: "b", "Kolom Saya": "c"}) == [cols.CAPTION, "Kolom Saya"]


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=600 * 24 * 60))
def test_due_exactly_when_the_days_have_passed(days, minutes_after):
    now = datetime(2026, 11, 2, 9, 5, tzinfo=WIB) + timedelta(minutes=minutes_after)
    assert is_due(ended(), CONTRACT, now, days) is (minutes_after >= days * 24 * 60)
