"""Working-time arithmetic: hand-computed cases on the default Yogyakarta calendar, then properties.

Dates used (2026, from the installed `holidays` data, categories public + government):
2026-02-16 Mon cuti bersama Imlek, 2026-02-17 Tue Imlek, 2026-08-17 Mon Hari Kemerdekaan.
"""

from __future__ import annotations

import time as clock
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.domain.working_time import (
    DEFAULT_RAMADAN_WEEK,
    DEFAULT_WEEK,
    PERPRES_RAMADAN_WEEK_MINUTES,
    PERPRES_WEEK_MINUTES,
    CalendarConfig,
    CalendarConfigError,
    Interval,
    WorkingCalendar,
    WorkWeek,
)

WIB = ZoneInfo("Asia/Jakarta")
RAMADAN_2026 = {"start": date(2026, 2, 19), "end": date(2026, 3, 19)}  # a configured range (1447 H)


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


DEFAULT_CAL = WorkingCalendar()
RICH_CAL = WorkingCalendar.from_dict(
    {
        "days_off": [date(2026, 8, 10), "2025-12-31"],
        "extra_working_days": [date(2026, 8, 15)],  # a Saturday
        "ramadan": [RAMADAN_2026, {"start": "2027-02-08", "end": "2027-03-09"}],
    }
)


# --- the schedule ---------------------------------------------------------------------


def test_default_week_is_37_5_hours_as_perpres_21_2023_requires():
    assert [DEFAULT_WEEK.minutes_on(d) for d in range(7)] == [450, 450, 450, 450, 450, 0, 0]
    assert DEFAULT_WEEK.total_minutes == PERPRES_WEEK_MINUTES == 37.5 * 60
    assert [str(i) for i in DEFAULT_WEEK.monday] == ["07:30-12:00", "13:00-16:00"]
    assert [str(i) for i in DEFAULT_WEEK.friday] == ["07:30-11:30", "13:00-16:30"]


def test_default_ramadan_week_is_32_5_hours():
    assert [DEFAULT_RAMADAN_WEEK.minutes_on(d) for d in range(7)] == [390, 390, 390, 390, 390, 0, 0]
    assert DEFAULT_RAMADAN_WEEK.total_minutes == PERPRES_RAMADAN_WEEK_MINUTES == 32.5 * 60
    assert [str(i) for i in DEFAULT_RAMADAN_WEEK.thursday] == ["08:00-12:00", "12:30-15:00"]
    assert [str(i) for i in DEFAULT_RAMADAN_WEEK.friday] == ["08:00-11:30", "12:30-15:30"]
    assert CalendarConfig().schedule_warnings() == ()


# --- hand-computed due times ------------------------------------------------------------


def test_friday_afternoon_crosses_the_weekend(cal):
    # Fri 2026-08-07 15:30: 60 min to 16:30, then 30 min on Mon 2026-08-10 from 07:30.
    assert cal.add_working_minutes(wib(2026, 8, 7, 15, 30), 90) == wib(2026, 8, 10, 8, 0)
    # Fri 2026-08-14 16:00: 30 min Friday; Sat, Sun, Mon 17 Aug (Kemerdekaan) off -> Tue 08:30.
    assert cal.add_working_minutes(wib(2026, 8, 14, 16, 0), 90) == wib(2026, 8, 18, 8, 30)
    # Fri 15:00 -> Mon 09:00: 90 min on Friday + 90 min on Monday.
    assert cal.working_minutes_between(wib(2026, 8, 7, 15, 0), wib(2026, 8, 10, 9, 0)) == 180


def test_ninety_minutes_from_thursday_15_00_ends_next_working_day(cal):
    # Thu 2026-08-13 15:00: 60 min to 16:00, 30 min on Fri from 07:30.
    assert cal.add_working_minutes(wib(2026, 8, 13, 15, 0), 90) == wib(2026, 8, 14, 8, 0)


def test_start_during_lunch_break(cal):
    assert cal.add_working_minutes(wib(2026, 8, 11, 12, 15), 10) == wib(2026, 8, 11, 13, 10)  # Tue
    assert cal.add_working_minutes(wib(2026, 8, 14, 11, 45), 10) == wib(2026, 8, 14, 13, 10)  # Fri
    assert cal.add_working_minutes(wib(2026, 8, 11, 11, 55), 10) == wib(2026, 8, 11, 13, 5)  # across it
    assert cal.working_minutes_between(wib(2026, 8, 11, 11, 0), wib(2026, 8, 11, 14, 0)) == 120
    assert cal.working_minutes_between(wib(2026, 8, 11, 12, 10), wib(2026, 8, 11, 12, 50)) == 0
    assert not cal.is_working_time(wib(2026, 8, 14, 12, 30))  # Friday break 11:30-13:00
    assert cal.next_working_instant(wib(2026, 8, 14, 11, 30)) == wib(2026, 8, 14, 13, 0)


def test_weekend_start(cal):
    assert cal.add_working_minutes(wib(2026, 8, 8, 10, 0), 10) == wib(2026, 8, 10, 7, 40)  # Sat -> Mon
    assert cal.add_working_minutes(wib(2026, 8, 9, 23, 59), 90) == wib(2026, 8, 10, 9, 0)  # Sun -> Mon
    assert cal.next_working_instant(wib(2026, 8, 8, 10, 0)) == wib(2026, 8, 10, 7, 30)
    assert not cal.is_working_time(wib(2026, 8, 8, 10, 0))
    assert cal.working_minutes_between(wib(2026, 8, 8, 0, 0), wib(2026, 8, 10, 0, 0)) == 0


def test_national_holiday_hari_kemerdekaan(cal):
    d = date(2026, 8, 17)
    assert d.weekday() == 0
    assert "Kemerdekaan" in cal.holiday_name(d)
    assert not cal.is_working_day(d)
    assert not cal.is_working_time(wib(2026, 8, 17, 9, 0))
    assert cal.add_working_minutes(wib(2026, 8, 17, 9, 0), 10) == wib(2026, 8, 18, 7, 40)
    assert cal.working_minutes_between(wib(2026, 8, 17, 0, 0), wib(2026, 8, 18, 0, 0)) == 0


def test_cuti_bersama_is_off_and_comes_from_the_government_category(cal):
    d = date(2026, 2, 16)  # Monday: Cuti Bersama Tahun Baru Imlek (Imlek itself is Tue 17 Feb)
    government = holidays.country_holidays("ID", years=2026, categories=("government",), language="id")
    public = holidays.country_holidays("ID", years=2026, categories=("public",))
    assert "Cuti Bersama" in government[d]
    assert d not in public
    assert "Cuti Bersama" in cal.day_off_reason(d)
    assert not cal.is_working_time(wib(2026, 2, 16, 9, 0))
    # Fri 13 Feb 16:00: 30 min Friday, then Mon 16 (cuti bersama), Tue 17 (Imlek) off -> Wed 08:30.
    assert cal.add_working_minutes(wib(2026, 2, 13, 16, 0), 90) == wib(2026, 2, 18, 8, 30)
    # With the public category alone the cuti bersama day would count as working time.
    public_only = WorkingCalendar.from_dict({"holiday_categories": ["public"]})
    assert public_only.is_working_time(wib(2026, 2, 16, 9, 0))


def test_configured_day_off():
    cal = WorkingCalendar.from_dict({"days_off": ["2026-08-10"]})
    assert cal.day_off_reason(date(2026, 8, 10)) == "hari libur kantor (calendar.days_off)"
    # Fri 7 Aug 15:30: 60 min Friday; Sat, Sun, Mon 10 (configured) off -> Tue 11 Aug 08:00.
    assert cal.add_working_minutes(wib(2026, 8, 7, 15, 30), 90) == wib(2026, 8, 11, 8, 0)


def test_extra_working_days():
    cal = WorkingCalendar.from_dict({"extra_working_days": [date(2026, 8, 15), date(2026, 8, 17)]})
    # A Saturday made a working day uses Monday's hours by default.
    assert cal.add_working_minutes(wib(2026, 8, 14, 16, 0), 90) == wib(2026, 8, 15, 8, 30)
    # A holiday made a working day keeps its weekday's hours.
    assert cal.is_working_time(wib(2026, 8, 17, 9, 0))
    custom = WorkingCalendar.from_dict(
        {"extra_working_days": ["2026-08-15"], "extra_working_day_hours": ["08:00-12:00"]}
    )
    assert custom.working_minutes_on(date(2026, 8, 15)) == 240
    # Sat 11:55: 5 min Saturday; Sun off, Mon 17 Aug (Kemerdekaan) off -> Tue 07:35.
    assert custom.add_working_minutes(wib(2026, 8, 15, 11, 55), 10) == wib(2026, 8, 18, 7, 35)


def test_ramadan_schedule():
    cal = WorkingCalendar.from_dict({"ramadan": [RAMADAN_2026]})
    # Thu 26 Feb 2026, in Ramadan: work ends 15:00 -> 5 min Thursday, 5 min Friday from 08:00.
    assert cal.add_working_minutes(wib(2026, 2, 26, 14, 55), 10) == wib(2026, 2, 27, 8, 5)
    assert DEFAULT_CAL.add_working_minutes(wib(2026, 2, 26, 14, 55), 10) == wib(2026, 2, 26, 15, 5)
    # Ramadan break 12:00-12:30 (Mon-Thu), 11:30-12:30 (Fri).
    assert cal.add_working_minutes(wib(2026, 2, 25, 11, 55), 10) == wib(2026, 2, 25, 12, 35)
    assert cal.add_working_minutes(wib(2026, 2, 27, 11, 25), 10) == wib(2026, 2, 27, 12, 35)
    # Opening at 08:00, not 07:30.
    assert not cal.is_working_time(wib(2026, 2, 23, 7, 45))
    assert cal.next_working_instant(wib(2026, 2, 23, 7, 45)) == wib(2026, 2, 23, 8, 0)
    # A whole Ramadan week without holidays (Mon 23 Feb - Fri 27 Feb) is 32.5 h.
    assert cal.working_minutes_between(wib(2026, 2, 23, 0, 0), wib(2026, 3, 2, 0, 0)) == 32.5 * 60
    # The day after the range is back on normal hours.
    assert cal.config.ramadan_period(date(2026, 3, 19)) is not None
    assert cal.config.ramadan_period(date(2026, 3, 25)) is None
    assert cal.next_working_instant(wib(2026, 3, 25, 7, 0)) == wib(2026, 3, 25, 7, 30)


def test_ramadan_week_can_be_overridden_globally_and_per_period():
    cal = WorkingCalendar.from_dict(
        {
            "ramadan_week": {"friday": {"start": "08:00", "end": "15:00", "breaks": ["11:30-12:30"]}},
            "ramadan": [
                RAMADAN_2026,
                {"start": "2027-02-08", "end": "2027-03-09", "week": {"monday": ["08:00-14:00"]}},
            ],
        }
    )
    assert [str(i) for i in cal.day_schedule(date(2026, 2, 27))] == ["08:00-11:30", "12:30-15:00"]
    assert [str(i) for i in cal.day_schedule(date(2026, 2, 23))] == ["08:00-12:00", "12:30-15:00"]
    assert [str(i) for i in cal.day_schedule(date(2027, 2, 8))] == ["08:00-14:00"]
    assert [str(i) for i in cal.day_schedule(date(2027, 2, 12))] == ["08:00-11:30", "12:30-15:00"]
    assert len(cal.config.schedule_warnings()) == 2  # 32 h and 31 h weeks


def test_exact_boundaries(cal):
    mon = (2026, 8, 10)
    assert cal.is_working_time(wib(*mon, 7, 30))
    assert not cal.is_working_time(wib(*mon, 7, 29, 59))
    assert cal.is_working_time(wib(*mon, 11, 59, 59, 999999))
    assert not cal.is_working_time(wib(*mon, 12, 0))
    assert cal.is_working_time(wib(*mon, 13, 0))
    assert not cal.is_working_time(wib(*mon, 16, 0))
    assert not cal.is_working_time(wib(2026, 8, 14, 16, 30))  # Friday closing
    assert cal.is_working_time(wib(2026, 8, 14, 16, 29))
    # A start exactly at closing time counts from the next opening.
    assert cal.add_working_minutes(wib(*mon, 16, 0), 10) == wib(2026, 8, 11, 7, 40)
    assert cal.add_working_minutes(wib(2026, 8, 14, 16, 30), 10) == wib(2026, 8, 18, 7, 40)
    assert cal.next_working_instant(wib(*mon, 16, 0)) == wib(2026, 8, 11, 7, 30)
    assert cal.add_working_minutes(wib(*mon, 12, 0), 10) == wib(*mon, 13, 10)
    # Work that fits exactly is due at closing / break time, not at the next opening.
    assert cal.add_working_minutes(wib(*mon, 15, 50), 10) == wib(*mon, 16, 0)
    assert cal.add_working_minutes(wib(*mon, 11, 50), 10) == wib(*mon, 12, 0)
    assert cal.add_working_minutes(wib(*mon, 7, 30), 450) == wib(*mon, 16, 0)
    assert cal.add_working_minutes(wib(*mon, 7, 30), 450.5) == wib(2026, 8, 11, 7, 30, 30)
    assert cal.next_working_instant(wib(*mon, 7, 30)) == wib(*mon, 7, 30)
    assert cal.working_minutes_between(wib(*mon, 7, 30), wib(*mon, 16, 0)) == 450


def test_zero_minutes_and_fractions(cal):
    sat = wib(2026, 8, 8, 10, 0)
    assert cal.add_working_minutes(sat, 0) == sat
    assert cal.add_working_minutes(wib(2026, 8, 10, 9, 0), 0.5) == wib(2026, 8, 10, 9, 0, 30)
    assert cal.working_minutes_between(wib(2026, 8, 10, 9, 0), wib(2026, 8, 10, 9, 0, 15)) == 0.25


def test_end_not_after_start_is_zero(cal):
    t = wib(2026, 8, 10, 9, 0)
    assert cal.working_minutes_between(t, t) == 0
    assert cal.working_minutes_between(t, t - timedelta(hours=1)) == 0


def test_aware_in_aware_out_in_wib(cal):
    start = datetime(2026, 8, 10, 1, 0, tzinfo=UTC)  # 08:00 WIB
    due = cal.add_working_minutes(start, 10)
    assert due == wib(2026, 8, 10, 8, 10)
    assert due.tzinfo == WIB and due.utcoffset() == timedelta(hours=7)
    assert cal.next_working_instant(datetime(2026, 8, 10, 9, 0, tzinfo=UTC)).tzinfo == WIB
    assert cal.working_minutes_between(start, datetime(2026, 8, 10, 2, 0, tzinfo=UTC)) == 60


def test_naive_and_bad_input_rejected(cal):
    naive = datetime(2026, 8, 10, 9, 0)
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_minutes(naive, 10)
    with pytest.raises(ValueError, match="aware"):
        cal.working_minutes_between(wib(2026, 8, 10, 9, 0), naive)
    with pytest.raises(ValueError, match="aware"):
        cal.is_working_time(naive)
    with pytest.raises(ValueError, match="aware"):
        cal.next_working_instant(naive)
    with pytest.raises(TypeError):
        cal.is_working_time(date(2026, 8, 10))
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="minutes"):
            cal.add_working_minutes(wib(2026, 8, 10, 9, 0), bad)


def test_ten_thousand_minutes_ahead_and_a_whole_year_are_fast():
    cal = WorkingCalendar()
    t0 = clock.perf_counter()
    # 10,000 min = 22 working days of 450 min + 100 min. From Thu 1 Jan 2026 (holiday): Jan 2, 5-9,
    # 12-15 (16 Jan holiday), 19-23, 26-30 = 20 days, Feb 2-3 = 22 days; Wed 4 Feb 07:30 + 100 min.
    assert cal.add_working_minutes(wib(2026, 1, 1, 0, 0), 10_000) == wib(2026, 2, 4, 9, 10)
    # 2026 has 261 weekdays, 21 of them holidays or cuti bersama: 240 x 7.5 h = 1800 h.
    assert cal.working_minutes_between(wib(2026, 1, 1, 0, 0), wib(2027, 1, 1, 0, 0)) == 1800 * 60
    assert clock.perf_counter() - t0 < 1.0


def test_injected_holiday_source():
    cal = WorkingCalendar(holiday_source=lambda year: {date(year, 8, 10): "Hari Jadi"})
    assert cal.day_off_reason(date(2026, 8, 10)) == "Hari Jadi"
    assert cal.is_working_day(date(2026, 8, 17))  # not in the injected source
    assert WorkingCalendar.from_dict({"holiday_country": ""}).is_working_day(date(2026, 8, 17))


# --- configuration ----------------------------------------------------------------------


def test_defaults_from_empty_dict():
    assert CalendarConfig.from_dict({}) == CalendarConfig() == CalendarConfig.from_dict(None)
    cfg = CalendarConfig()
    assert cfg.timezone == "Asia/Jakarta"
    assert cfg.holiday_country == "ID"
    assert cfg.holiday_categories == ("public", "government")


def test_config_round_trip_and_weekday_forms():
    cfg = CalendarConfig.from_dict(
        {
            "timezone": "Asia/Jakarta",
            "week": {
                "monday": {"start": "07:00", "end": "15:30", "breaks": ["12:00-13:00"]},
                "friday": [["07:30", "11:30"], ["13:00", "16:30"]],
                "saturday": ["08:00-12:00"],
            },
            "days_off": ["2026-12-31", date(2026, 12, 30)],
            "extra_working_days": ["2026-12-19"],
            "extra_working_day_hours": ["08:00-12:00"],
            "ramadan": [RAMADAN_2026],
        }
    )
    assert cfg.week.monday == (Interval(420, 720), Interval(780, 930))
    assert cfg.week.tuesday == DEFAULT_WEEK.tuesday
    assert cfg.week.saturday == (Interval(480, 720),)
    assert cfg.days_off == (date(2026, 12, 30), date(2026, 12, 31))
    assert CalendarConfig.from_dict(cfg.to_dict()) == cfg
    assert len(cfg.schedule_warnings()) == 1  # 37.5 - 0.5 + 4 h


def test_toml_example_from_the_docs_parses():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "working-time.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```toml\n")[1:]]
    assert blocks, "docs/working-time.md has no ```toml block"
    for block in blocks:
        data = tomllib.loads(block)
        cal = WorkingCalendar.from_dict(data["calendar"])
        assert cal.config.week.total_minutes == 37.5 * 60


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"wek": {}}, "calendar.wek"),
        ({"timezone": "Asia/Jogja"}, "calendar.timezone"),
        ({"week": {"munday": []}}, "calendar.week.munday"),
        ({"week": {"monday": ["07:30-12:00", "11:00-16:00"]}}, "calendar.week.monday[1]"),
        ({"week": {"friday": ["07:30-11:30", "13:00-25:00"]}}, "calendar.week.friday[1]"),
        ({"week": {"friday": ["16:30-07:30"]}}, "calendar.week.friday[0]"),
        ({"week": {"friday": "07:30-16:30"}}, "calendar.week.friday"),
        (
            {"week": {"monday": {"start": "07:30", "end": "16:00", "breaks": ["15:00-17:00"]}}},
            "calendar.week.monday.breaks[0]",
        ),
        ({"week": {"monday": {"start": "07:30"}}}, "calendar.week.monday.end"),
        (
            {"week": dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), [])},
            "calendar.week",
        ),
        ({"days_off": ["2026-02-30"]}, "calendar.days_off[0]"),
        ({"days_off": "2026-02-03"}, "calendar.days_off"),
        ({"days_off": [datetime(2026, 2, 3, 9, 0)]}, "calendar.days_off[0]"),
        (
            {"days_off": ["2026-08-15"], "extra_working_days": ["2026-08-14", "2026-08-15"]},
            "calendar.extra_working_days[1]",
        ),
        ({"holiday_country": "XX"}, "calendar.holiday_country"),
        ({"holiday_categories": ["public", "bank holidays"]}, "calendar.holiday_categories"),
        ({"holiday_language": "fr"}, "calendar.holiday_language"),
        ({"ramadan": [{"start": "2026-02-19"}]}, "calendar.ramadan[0].end"),
        ({"ramadan": [{"start": "2026-03-19", "end": "2026-02-19"}]}, "calendar.ramadan[0].end"),
        ({"ramadan": [RAMADAN_2026, {"start": "2026-03-01", "end": "2026-03-30"}]}, "calendar.ramadan[1]"),
        ({"ramadan": [{**RAMADAN_2026, "week": {"friday": ["8:00"]}}]}, "calendar.ramadan[0].week.friday[0]"),
        ({"ramadan_week": {"monday": ["08:00-12:00", "12:00-15:61"]}}, "calendar.ramadan_week.monday[1]"),
    ],
)
def test_validation_errors_name_the_key(data, key):
    with pytest.raises(CalendarConfigError) as info:
        WorkingCalendar.from_dict(data)
    assert info.value.key == key
    assert str(info.value).startswith(key + ":")
    assert isinstance(info.value, ValueError)


def test_workweek_from_dict_keeps_base_for_missing_days():
    week = WorkWeek.from_dict({"friday": []})
    assert week.friday == ()
    assert week.monday == DEFAULT_WEEK.monday
    assert week.total_minutes == 30 * 60


def test_config_keys_match_dataclass_fields():
    from dataclasses import fields

    from automation.domain import working_time

    assert {f.name for f in fields(CalendarConfig) if f.init} == set(working_time._CONFIG_KEYS)


# --- properties -------------------------------------------------------------------------

CALENDARS = pytest.mark.parametrize("pcal", [DEFAULT_CAL, RICH_CAL], ids=["default", "ramadan+extra"])
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 4, 30), timezones=st.just(WIB)
)
minutes = st.floats(min_value=0, max_value=20_000, allow_nan=False, allow_infinity=False)
positive_minutes = st.floats(min_value=1e-3, max_value=20_000, allow_nan=False, allow_infinity=False)
TOL = 1e-6  # minutes; the arithmetic is exact to the microsecond


def _rounded(m: float) -> float:
    return round(m * 60_000_000) / 60_000_000


@CALENDARS
@PROPS
@given(start=instants, m=minutes)
def test_prop_minutes_between_inverts_add(pcal, start, m):
    working_start = pcal.next_working_instant(start)
    assert pcal.is_working_time(working_start)
    due = pcal.add_working_minutes(working_start, m)
    assert abs(pcal.working_minutes_between(working_start, due) - _rounded(m)) <= TOL
    # Also from a start outside working time: counting starts at the next working instant.
    assert abs(pcal.working_minutes_between(start, pcal.add_working_minutes(start, m)) - _rounded(m)) <= TOL


@CALENDARS
@PROPS
@given(start=instants, a=minutes, b=minutes)
def test_prop_monotonic_in_minutes(pcal, start, a, b):
    lo, hi = sorted((a, b))
    assert pcal.add_working_minutes(start, lo) <= pcal.add_working_minutes(start, hi)


@CALENDARS
@PROPS
@given(s1=instants, s2=instants, m=minutes, end=instants)
def test_prop_monotonic_in_start_and_end(pcal, s1, s2, m, end):
    s1, s2 = sorted((s1, s2))
    assert pcal.add_working_minutes(s1, m) <= pcal.add_working_minutes(s2, m)
    assert pcal.working_minutes_between(s1, end) >= pcal.working_minutes_between(s2, end)
    e1, e2 = sorted((end, s2))
    assert pcal.working_minutes_between(s1, e1) <= pcal.working_minutes_between(s1, e2)


@CALENDARS
@PROPS
@given(start=instants, m=positive_minutes)
def test_prop_due_time_inside_working_hours(pcal, start, m):
    due = pcal.add_working_minutes(start, m)
    assert due > start
    assert due.tzinfo == WIB
    # Inside (opening, closing] of one of the day's intervals: never in a break, never after hours.
    assert any(s < due <= e for s, e in pcal.working_intervals(due.date())), (start, m, due)


@CALENDARS
@PROPS
@given(start=instants, a=st.integers(0, 5_000), b=st.integers(0, 5_000))
def test_prop_additive(pcal, start, a, b):
    first = pcal.add_working_minutes(start, a)
    assert pcal.add_working_minutes(first, b) == pcal.add_working_minutes(start, a + b)


@CALENDARS
@PROPS
@given(s=instants, e=instants, f=instants)
def test_prop_between_is_additive(pcal, s, e, f):
    s, e, f = sorted((s, e, f))
    total = pcal.working_minutes_between(s, f)
    assert abs(pcal.working_minutes_between(s, e) + pcal.working_minutes_between(e, f) - total) <= TOL
    assert 0 <= total <= (f - s) / timedelta(minutes=1) + TOL


@CALENDARS
@PROPS
@given(t=instants)
def test_prop_next_working_instant(pcal, t):
    n = pcal.next_working_instant(t)
    assert n >= t and pcal.is_working_time(n)
    assert pcal.working_minutes_between(t, n) == 0
    if n > t:
        assert not pcal.is_working_time(t)
