"""The Dasbor's read model (service/board.py) on a journal holding items in every state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from automation.domain import contract as cols
from automation.domain.approval import short_digest
from automation.domain.keys import EffectKey, EffectKind, KeyKind
from automation.domain.results import ActionResult
from automation.domain.workflow import OPEN, PUBLISHED, REJECTED, Effect
from automation.service import board
from automation.service.journal import Journal
from tests.dasbor_items import CALENDAR, CONTRACT, KINDS, NOW, PEOPLE, SOP, ZONE, fill


@pytest.fixture
def journal(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite")
    yield journal
    journal.close()


@pytest.fixture
def built(journal):
    return {b.kind: b for b in fill(journal, len(KINDS))}


def test_the_board_holds_the_open_items_only_overdue_first(journal, built):
    view = board.board(journal, SOP, CALENDAR, NOW)
    ids = [t.item_id for t in view.tasks]
    open_kinds = [k for k in KINDS if not k.startswith(("published", "rejected"))]
    assert sorted(ids) == sorted(built[k].item_id for k in open_kinds)
    assert view.published == 1 and view.rejected == 2
    flags = [t.overdue for t in view.tasks]
    assert flags == sorted(flags, reverse=True), "overdue items come first"
    late = {t.item_id: t for t in view.tasks}[built["late-4"].item_id]
    assert late.overdue and late.minutes_left is not None and late.minutes_left < 0
    assert late.step.number == 4 and late.person == PEOPLE["Desainer/Editor"]
    assert late.due_text == journal.states()[late.item_id].row[cols.DUE]
    assert view.overdue == sum(flags) >= 2


def test_working_time_left_is_counted_in_working_time(journal, built):
    view = board.board(journal, SOP, CALENDAR, NOW)
    for task in view.tasks:
        assert task.due is not None and task.minutes_left is not None
        expected = (CALENDAR.working_minutes_between(NOW, task.due) if task.due >= NOW
                    else -CALENDAR.working_minutes_between(task.due, NOW))
        assert task.minutes_left == pytest.approx(expected, abs=1e-6), task.item_id


def test_the_working_clock_agrees_with_the_calendar_across_nights_and_weekends():
    friday_evening = datetime(2026, 11, 27, 15, 0, tzinfo=ZONE)
    instants = [friday_evening + timedelta(hours=h) for h in range(-80, 200, 7)]
    clock = board.WorkingClock(CALENDAR, friday_evening, instants)
    for moment in instants:
        expected = (CALENDAR.working_minutes_between(friday_evening, moment) if moment >= friday_evening
                    else -CALENDAR.working_minutes_between(moment, friday_evening))
        assert clock.minutes_until(moment) == pytest.approx(expected, abs=1e-6), moment


def test_steps_and_people_group_the_same_tasks(journal, built):
    view = board.board(journal, SOP, CALENDAR, NOW)
    assert [step.number for step, _ in view.by_step] == [s.number for s in SOP.steps]
    assert sum(len(tasks) for _, tasks in view.by_step) == len(view.tasks)
    assert sum(len(tasks) for _, tasks in view.by_person) == len(view.tasks)
    people = dict(view.by_person)
    assert {t.step.number for t in people[PEOPLE["Admin Medsos"]]} == {7}
    assert {t.step.number for t in people[PEOPLE["Kontributor"]]} == {1}


def test_my_tasks_by_name_or_by_address(journal, built):
    mine = board.board(journal, SOP, CALENDAR, NOW, mine="dodi")
    assert mine.tasks and {t.person for t in mine.tasks} == {"Dodi"}
    by_address = board.board(journal, SOP, CALENDAR, NOW, mine="dodi@ikp.example",
                             aliases={"dodi@ikp.example": "Dodi"})
    assert [t.item_id for t in by_address.tasks] == [t.item_id for t in mine.tasks]
    assert not board.board(journal, SOP, CALENDAR, NOW, mine="nobody@ikp.example").tasks


def test_a_publication_that_cannot_be_established_is_marked(journal, built):
    tasks = {t.item_id: t for t in board.board(journal, SOP, CALENDAR, NOW).tasks}
    assert tasks[built["check-7"].item_id].needs_check
    assert not tasks[built["manual-7"].item_id].needs_check


def test_the_month_shows_schedules_and_publications_on_their_days(journal, built):
    states = journal.states()
    view = board.month(journal, SOP, ZONE, 2026, 11)
    assert all(len(week) == 7 for week in view.weeks)
    days = [d for week in view.weeks for d in week]
    assert days[0].day.weekday() == 0 and days[0].day <= date(2026, 11, 1)
    assert [d.day for d in days if d.in_month] == [date(2026, 11, n) for n in range(1, 31)]
    for day in days:
        for entry in day.scheduled:
            assert states[entry.item_id].row[cols.SCHEDULE].startswith(day.day.isoformat())
    published = built["published"].item_id
    posted = [(d.day, p) for d in days for p in d.posted if p.item_id == published]
    platforms = [p.strip() for p in states[published].row[cols.PLATFORM].split(",")]
    assert sorted(p.platform for _, p in posted) == sorted(platforms)
    assert all(p.links and p.state == "published" for _, p in posted)
    unknown = [p for d in days for p in d.posted if p.item_id == built["check-7"].item_id]
    assert [p.state for p in unknown].count("unknown") == 1


def test_a_failed_publication_is_not_in_the_calendar(journal, built):
    key = str(EffectKey("K-2026-9999", 7, 1, KeyKind.PUBLISH, "X"))
    journal.record_intents([], [Effect(key, EffectKind.PUBLISH, "K-2026-9999", {"platform": "X"})], NOW.isoformat())
    journal.mark_done(key, ActionResult(ok=False, state="failed", problem="ditolak"), NOW.isoformat())
    days = [d for week in board.month(journal, SOP, ZONE, 2026, 11).weeks for d in week]
    assert not [p for d in days for p in d.posted if p.item_id == "K-2026-9999"]
    assert "K-2026-9999" not in {p.item_id for p in board.feed(journal, ZONE, 100)}


def test_the_feed_is_newest_first_and_limited(journal, built):
    posts = board.feed(journal, ZONE, 100)
    assert posts and [p.when for p in posts] == sorted((p.when for p in posts), reverse=True)
    assert len(board.feed(journal, ZONE, 1)) == 1


def test_an_items_story_in_order_with_the_undone_edit_and_the_approval(journal, built):
    undone = next(b for b in built.values() if int(b.item_id[-4:]) % 7 == 0)
    story = board.story(journal, SOP, ZONE, undone.item_id)
    assert story is not None and any(e.undone for e in story.events)
    assert [e.at for e in story.events] == sorted(e.at for e in story.events)
    published = board.story(journal, SOP, ZONE, built["published"].item_id)
    assert published is not None and published.step is None and published.state.outcome == PUBLISHED
    assert published.approval is not None
    assert published.approval.digest == short_digest(published.state.approved)
    assert published.approval.by == PEOPLE["Kabid IKP"] and published.approval.files == ("poster.png",)
    assert [e.kind for e in published.events][0] == KeyKind.CREATED
    assert {o.state for o in published.outcomes.values()} == {"published"}
    assert published.links and all(": https://" in line for line in published.links)


def test_perlu_dicek_names_the_platform_whose_outcome_is_unknown(journal, built):
    story = board.story(journal, SOP, ZONE, built["check-7"].item_id)
    assert story is not None and story.step is not None and story.step.number == 7
    first = story.state.row[cols.PLATFORM].split(",")[0].strip()
    assert story.needs_check == (first,)
    assert story.state.row[CONTRACT.status(7)] == SOP.needs_check


def test_an_unknown_item_has_no_story(journal, built):
    assert board.story(journal, SOP, ZONE, "K-2026-9999") is None
    assert board.story(journal, SOP, ZONE, "../etc/passwd") is None


def test_a_rejected_item_is_not_open_and_has_no_approval(journal, built):
    story = board.story(journal, SOP, ZONE, built["rejected-2"].item_id)
    assert story is not None and story.state.outcome == REJECTED and story.approval is None
    assert story.step is None


def test_the_board_follows_the_daemons_commits_from_another_connection(tmp_path, journal, built):
    before = board.board(journal, SOP, CALENDAR, NOW)
    daemon = Journal(tmp_path / "journal.sqlite")
    try:
        state = daemon.states()[built["open-3"].item_id]
        row = {**state.row, cols.TITLE: "Judul baru dari register"}
        daemon.commit_states([replace(state, row=row)], NOW + timedelta(minutes=1))
    finally:
        daemon.close()
    after = board.board(journal, SOP, CALENDAR, NOW)
    titles = {t.item_id: t.title for t in after.tasks}
    assert titles[built["open-3"].item_id] == "Judul baru dari register"
    assert len(after.tasks) == len(before.tasks)


def test_the_board_follows_writes_through_its_own_connection(journal, built):
    board.board(journal, SOP, CALENDAR, NOW)
    state = journal.states()[built["open-2"].item_id]
    journal.commit_states([replace(state, outcome=REJECTED, active=0)], NOW - timedelta(days=30))
    ids = {t.item_id for t in board.board(journal, SOP, CALENDAR, NOW).tasks}
    assert built["open-2"].item_id not in ids


def test_completions_of_a_period_are_cut_exactly_whatever_the_offset(journal):
    from automation.domain.workflow import Completion

    inside = Completion("K-2026-0001", 2, 1, "2026-10-31T20:00:00+07:00", "2026-11-01T00:30:00+07:00", "Diterima", "S")
    utc_inside = Completion("K-2026-0002", 2, 1, "2026-10-31T10:00:00+00:00", "2026-10-31T17:30:00+00:00",
                            "Diterima", "S")  # 00:30 WIB on the 1st
    before = Completion("K-2026-0003", 2, 1, "2026-10-31T20:00:00+07:00", "2026-10-31T23:59:00+07:00", "Diterima", "S")
    journal.record_completions([inside, utc_inside, before], lambda a, b: 1.0)
    start = datetime(2026, 11, 1, tzinfo=ZONE)
    found = {c.item_id for c in journal.completions(start, start + timedelta(days=30))}
    assert found == {"K-2026-0001", "K-2026-0002"}
    assert {c.item_id for c in journal.completions()} == {"K-2026-0001", "K-2026-0002", "K-2026-0003"}


def test_open_is_what_the_workflow_calls_open(journal, built):
    assert all(s.outcome == OPEN for s in board.snapshot(journal).open)
