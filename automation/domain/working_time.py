"""Working time: the clock that the SOP's time standards (Waktu, 10 or 90 minutes) run on.

A time standard counts only working time: office hours on working days, without the breaks,
weekends, public holidays, cuti bersama (collective leave) and the office's own days off.
This module is pure: it never reads the current time and does no I/O of its own (the only
outside data are the time-zone database, through `zoneinfo`, and the `holidays` package).

Defaults follow Perpres 21/2023 (37.5 hours a week, Monday to Friday, from 07:30):

* Monday-Thursday 07:30-16:00 with a break 12:00-13:00 (7.5 h a day),
* Friday 07:30-16:30 with a break 11:30-13:00 (7.5 h),
* Saturday and Sunday off;

and, during configured Ramadan periods, 32.5 hours a week from 08:00:

* Monday-Thursday 08:00-15:00 with a break 12:00-12:30 (6.5 h a day),
* Friday 08:00-15:30 with a break 11:30-12:30 (6.5 h).

Everything is configurable through a plain dict (the `[calendar]` table of a TOML file);
see `CalendarConfig.from_dict` and docs/working-time.md.

Conventions
-----------
* A working interval is half-open, ``[start, end)``: 07:30 is working time, 16:00 is not.
* `add_working_minutes(start, m)` with ``m > 0`` starts counting at `next_working_instant(start)`
  and returns the instant at which ``m`` minutes of working time have elapsed. That instant lies
  in ``(interval start, interval end]`` of some working interval: work that fits exactly into the
  rest of a day is due at closing time (16:00), not at the next morning's opening.
  With ``m == 0`` the start itself is returned (in the calendar's zone).
* Minutes are floats; the arithmetic is done in whole microseconds, so results are exact to 1 µs.
* Datetimes must be aware; naive ones are rejected with ValueError. Results are in the
  calendar's zone (Asia/Jakarta, WIB, by default).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from automation.domain.texts import calendar as calendar_text

__all__ = [
    "DEFAULT_RAMADAN_WEEK",
    "DEFAULT_WEEK",
    "PERPRES_RAMADAN_WEEK_MINUTES",
    "PERPRES_WEEK_MINUTES",
    "WEEKDAYS",
    "CalendarConfig",
    "CalendarConfigError",
    "HolidaySource",
    "Interval",
    "RamadanPeriod",
    "WorkWeek",
    "WorkingCalendar",
    "package_holidays",
]

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

PERPRES_WEEK_MINUTES = 37.5 * 60  # Perpres 21/2023: 37.5 hours a week
PERPRES_RAMADAN_WEEK_MINUTES = 32.5 * 60  # and 32.5 hours a week during Ramadan

_MINUTES_PER_DAY = 24 * 60
_ONE_MINUTE = timedelta(minutes=1)
_ONE_DAY = timedelta(days=1)
# A valid configuration always has working time within a couple of weeks; this only guards
# against looping for ever on a configuration that has none (it cannot be reached otherwise).
_MAX_IDLE_DAYS = 3 * 366

HolidaySource = Callable[[int], Mapping[date, str]]
"""year -> {date: name} of the days off that come from outside the configuration."""


class CalendarConfigError(ValueError):
    """An invalid `[calendar]` configuration; `key` is the dotted path of the offending key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


# --- configuration ----------------------------------------------------------------------

_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_RANGE_RE = re.compile(r"^\s*(\d{1,2}[:.]\d{2})\s*[-\u2013]\s*(\d{1,2}[:.]\d{2})\s*$")


def _parse_clock(value: Any, key: str) -> int:
    """Parse "07:30" / "7.30" / datetime.time -> minutes after midnight; "24:00" allowed (end of day)."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise CalendarConfigError(key, calendar_text.TIME_WITH_ZONE)
        if value.second or value.microsecond:
            raise CalendarConfigError(key, calendar_text.not_whole_minute(value))
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        m = _TIME_RE.match(value)
        if m:
            hours, minutes = int(m.group(1)), int(m.group(2))
            if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
                return hours * 60 + minutes
        raise CalendarConfigError(key, calendar_text.not_time_of_day(value))
    raise CalendarConfigError(key, calendar_text.expected_time_of_day(type(value).__name__))


def _format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True)
class Interval:
    """Working time within one day, ``[start, end)`` in minutes after local midnight (end <= 1440)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end <= _MINUTES_PER_DAY):
            raise ValueError(f"invalid interval {self.start}-{self.end}: need 0 <= start < end <= 1440")

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @classmethod
    def parse(cls, value: Any, key: str = "interval") -> Interval:
        """Parse "07:30-12:00", or a pair ["07:30", "12:00"] of strings or TOML local times."""
        if isinstance(value, str):
            m = _RANGE_RE.match(value)
            if not m:
                raise CalendarConfigError(key, calendar_text.not_time_range(value))
            start, end = _parse_clock(m.group(1), key), _parse_clock(m.group(2), key)
        elif isinstance(value, Sequence) and len(value) == 2:
            start, end = _parse_clock(value[0], f"{key}[0]"), _parse_clock(value[1], f"{key}[1]")
        else:
            raise CalendarConfigError(key, calendar_text.expected_time_range(value))
        if start >= end:
            raise CalendarConfigError(key, calendar_text.not_after(_format_clock(end), _format_clock(start)))
        return cls(start, end)

    def __str__(self) -> str:
        return f"{_format_clock(self.start)}-{_format_clock(self.end)}"


def _intervals(*ranges: str) -> tuple[Interval, ...]:
    return tuple(Interval.parse(r) for r in ranges)


def _parse_day(value: Any, key: str) -> tuple[Interval, ...]:
    """One weekday: a list of ranges, or a table {start, end, breaks = [ranges]}."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"start", "end", "breaks"})
        if unknown:
            raise CalendarConfigError(f"{key}.{unknown[0]}", calendar_text.UNKNOWN_DAY_KEY)
        for required in ("start", "end"):
            if required not in value:
                raise CalendarConfigError(f"{key}.{required}", calendar_text.MISSING)
        start = _parse_clock(value["start"], f"{key}.start")
        end = _parse_clock(value["end"], f"{key}.end")
        if start >= end:
            raise CalendarConfigError(
                f"{key}.end", calendar_text.not_after(_format_clock(end), _format_clock(start))
            )
        breaks_raw = value.get("breaks", [])
        if isinstance(breaks_raw, str) or not isinstance(breaks_raw, Sequence):
            raise CalendarConfigError(f"{key}.breaks", calendar_text.EXPECTED_RANGES)
        breaks = sorted((Interval.parse(b, f"{key}.breaks[{i}]"), i) for i, b in enumerate(breaks_raw))
        result: list[Interval] = []
        cursor = start
        for brk, i in breaks:
            if brk.start < cursor or brk.end > end:
                raise CalendarConfigError(
                    f"{key}.breaks[{i}]",
                    calendar_text.break_outside(brk, _format_clock(start), _format_clock(end)),
                )
            if brk.start > cursor:
                result.append(Interval(cursor, brk.start))
            cursor = brk.end
        if cursor < end:
            result.append(Interval(cursor, end))
        return tuple(result)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CalendarConfigError(
            key,
            calendar_text.EXPECTED_DAY,
        )
    intervals = tuple(Interval.parse(v, f"{key}[{i}]") for i, v in enumerate(value))
    for i in range(1, len(intervals)):
        if intervals[i].start < intervals[i - 1].end:
            raise CalendarConfigError(
                f"{key}[{i}]", calendar_text.range_order(intervals[i], intervals[i - 1])
            )
    return intervals


@dataclass(frozen=True)
class WorkWeek:
    """Working intervals per weekday; an empty tuple is a day off."""

    monday: tuple[Interval, ...] = ()
    tuesday: tuple[Interval, ...] = ()
    wednesday: tuple[Interval, ...] = ()
    thursday: tuple[Interval, ...] = ()
    friday: tuple[Interval, ...] = ()
    saturday: tuple[Interval, ...] = ()
    sunday: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        for name in WEEKDAYS:
            day = tuple(getattr(self, name))
            for a, b in zip(day, day[1:], strict=False):
                if b.start < a.end:
                    raise ValueError(f"{name}: {b} overlaps {a}")
            object.__setattr__(self, name, day)

    def day(self, weekday: int) -> tuple[Interval, ...]:
        """Intervals for `date.weekday()` (0 = Monday)."""
        intervals: tuple[Interval, ...] = getattr(self, WEEKDAYS[weekday])
        return intervals

    def minutes_on(self, weekday: int) -> int:
        return sum(i.minutes for i in self.day(weekday))

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes_on(d) for d in range(7))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, base: WorkWeek | None = None, key: str = "week"
    ) -> WorkWeek:
        """Weekdays given in `data` replace those of `base` (default: `DEFAULT_WEEK`); others are kept.

        Each weekday is either a list of ranges, ``monday = ["07:30-12:00", "13:00-16:00"]``, or a
        table ``monday = { start = "07:30", end = "16:00", breaks = ["12:00-13:00"] }``; ``[]`` is a
        day off.
        """
        if not isinstance(data, Mapping):
            raise CalendarConfigError(key, calendar_text.EXPECTED_WEEK)
        base = DEFAULT_WEEK if base is None else base
        changes: dict[str, tuple[Interval, ...]] = {}
        for name, value in data.items():
            if name not in WEEKDAYS:
                raise CalendarConfigError(
                    f"{key}.{name}", calendar_text.unknown_key(', '.join(WEEKDAYS))
                )
            changes[name] = _parse_day(value, f"{key}.{name}")
        return replace(base, **changes)

    def to_dict(self) -> dict[str, list[str]]:
        return {name: [str(i) for i in getattr(self, name)] for name in WEEKDAYS}


DEFAULT_WEEK = WorkWeek(
    monday=_intervals("07:30-12:00", "13:00-16:00"),
    tuesday=_intervals("07:30-12:00", "13:00-16:00"),
    wednesday=_intervals("07:30-12:00", "13:00-16:00"),
    thursday=_intervals("07:30-12:00", "13:00-16:00"),
    friday=_intervals("07:30-11:30", "13:00-16:30"),
)
"""Perpres 21/2023: 4 x 7.5 h + 7.5 h = 37.5 h a week."""

DEFAULT_RAMADAN_WEEK = WorkWeek(
    monday=_intervals("08:00-12:00", "12:30-15:00"),
    tuesday=_intervals("08:00-12:00", "12:30-15:00"),
    wednesday=_intervals("08:00-12:00", "12:30-15:00"),
    thursday=_intervals("08:00-12:00", "12:30-15:00"),
    friday=_intervals("08:00-11:30", "12:30-15:30"),
)
"""Ramadan: 4 x 6.5 h + 6.5 h = 32.5 h a week, from 08:00."""


def _parse_date(value: Any, key: str) -> date:
    if isinstance(value, datetime):
        raise CalendarConfigError(key, calendar_text.date_with_time(value.isoformat()))
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise CalendarConfigError(key, calendar_text.not_date(value))
    raise CalendarConfigError(key, calendar_text.expected_date(type(value).__name__))


def _parse_dates(value: Any, key: str) -> tuple[date, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CalendarConfigError(key, calendar_text.EXPECTED_DATES)
    return tuple(sorted({_parse_date(v, f"{key}[{i}]") for i, v in enumerate(value)}))


@dataclass(frozen=True)
class RamadanPeriod:
    """Dates `start`..`end` (both inclusive) worked on the Ramadan schedule `week`."""

    start: date
    end: date
    week: WorkWeek = DEFAULT_RAMADAN_WEEK

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Ramadan period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_week: WorkWeek, key: str) -> RamadanPeriod:
        if not isinstance(data, Mapping):
            raise CalendarConfigError(key, calendar_text.EXPECTED_RAMADAN)
        unknown = sorted(set(data) - {"start", "end", "week"})
        if unknown:
            raise CalendarConfigError(f"{key}.{unknown[0]}", calendar_text.UNKNOWN_RAMADAN_KEY)
        for required in ("start", "end"):
            if required not in data:
                raise CalendarConfigError(f"{key}.{required}", calendar_text.MISSING)
        start = _parse_date(data["start"], f"{key}.start")
        end = _parse_date(data["end"], f"{key}.end")
        if end < start:
            raise CalendarConfigError(f"{key}.end", calendar_text.before_start(end, start))
        week = WorkWeek.from_dict(data.get("week", {}), base=base_week, key=f"{key}.week")
        if week.total_minutes == 0:
            raise CalendarConfigError(f"{key}.week", calendar_text.NO_WORKING_TIME)
        return cls(start, end, week)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "week": self.week.to_dict()}


_CONFIG_KEYS = (
    "timezone",
    "week",
    "holiday_country",
    "holiday_categories",
    "holiday_language",
    "days_off",
    "extra_working_days",
    "extra_working_day_hours",
    "ramadan_week",
    "ramadan",
)


@dataclass(frozen=True)
class CalendarConfig:
    """The `[calendar]` table. Build it with `from_dict`; every field has a default."""

    timezone: str = "Asia/Jakarta"
    week: WorkWeek = DEFAULT_WEEK
    holiday_country: str = "ID"  # "" = no holidays from the `holidays` package
    holiday_categories: tuple[str, ...] = ("public", "government")  # government = cuti bersama
    holiday_language: str = "id"  # language of holiday names ("" = the package's default)
    days_off: tuple[date, ...] = ()  # the office's own days off, and cuti bersama missing from the data
    extra_working_days: tuple[date, ...] = ()  # worked although weekend or holiday
    extra_working_day_hours: tuple[Interval, ...] | None = None  # None: that week's Monday hours
    ramadan_week: WorkWeek = DEFAULT_RAMADAN_WEEK  # the default for every Ramadan period
    ramadan: tuple[RamadanPeriod, ...] = ()
    _ramadan_starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", tuple(sorted(set(self.days_off))))
        object.__setattr__(self, "extra_working_days", tuple(sorted(set(self.extra_working_days))))
        object.__setattr__(self, "holiday_categories", tuple(self.holiday_categories))
        ramadan = tuple(sorted(self.ramadan, key=lambda p: p.start))
        for a, b in zip(ramadan, ramadan[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(f"Ramadan periods {a.start}..{a.end} and {b.start}..{b.end} overlap")
        object.__setattr__(self, "ramadan", ramadan)
        object.__setattr__(self, "_ramadan_starts", tuple(p.start for p in ramadan))
        both = set(self.days_off) & set(self.extra_working_days)
        if both:
            raise ValueError(f"{min(both)} is both a day off and an extra working day")
        if self.week.total_minutes == 0:
            raise ValueError("the working week has no working time at all")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, key: str = "calendar") -> CalendarConfig:
        """Validate the `[calendar]` table as parsed by `tomllib` (missing keys take the defaults).

        Raises CalendarConfigError naming the offending key, e.g. ``calendar.week.friday[1]``.
        """
        data = {} if data is None else data
        if not isinstance(data, Mapping):
            raise CalendarConfigError(key, calendar_text.EXPECTED_TABLE)
        for name in data:
            if name not in _CONFIG_KEYS:
                raise CalendarConfigError(
                    f"{key}.{name}", calendar_text.unknown_key(', '.join(_CONFIG_KEYS))
                )
        kwargs: dict[str, Any] = {}

        if "timezone" in data:
            tz_name = data["timezone"]
            if not isinstance(tz_name, str) or not tz_name.strip():
                raise CalendarConfigError(
                    f"{key}.timezone", calendar_text.EXPECTED_TIMEZONE
                )
            kwargs["timezone"] = tz_name.strip()
        try:
            ZoneInfo(kwargs.get("timezone", cls.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarConfigError(
                f"{key}.timezone", calendar_text.unknown_timezone(data.get('timezone'))
            ) from exc

        if "week" in data:
            kwargs["week"] = WorkWeek.from_dict(data["week"], base=DEFAULT_WEEK, key=f"{key}.week")
            if kwargs["week"].total_minutes == 0:
                raise CalendarConfigError(f"{key}.week", calendar_text.NO_WORKING_TIME)

        if "holiday_country" in data:
            country = data["holiday_country"]
            if not isinstance(country, str):
                raise CalendarConfigError(
                    f"{key}.holiday_country", calendar_text.EXPECTED_COUNTRY
                )
            kwargs["holiday_country"] = country.strip().upper()
        if "holiday_categories" in data:
            cats = data["holiday_categories"]
            if (
                isinstance(cats, str)
                or not isinstance(cats, Sequence)
                or not all(isinstance(c, str) for c in cats)
            ):
                raise CalendarConfigError(
                    f"{key}.holiday_categories", calendar_text.EXPECTED_CATEGORIES
                )
            kwargs["holiday_categories"] = tuple(dict.fromkeys(c.strip().lower() for c in cats))
        if "holiday_language" in data:
            lang = data["holiday_language"]
            if not isinstance(lang, str):
                raise CalendarConfigError(f"{key}.holiday_language", calendar_text.EXPECTED_LANGUAGE)
            kwargs["holiday_language"] = lang.strip()

        for name in ("days_off", "extra_working_days"):
            if name in data:
                kwargs[name] = _parse_dates(data[name], f"{key}.{name}")
        if "days_off" in kwargs and "extra_working_days" in kwargs:
            off = set(kwargs["days_off"])
            for i, raw in enumerate(data["extra_working_days"]):
                if _parse_date(raw, "") in off:
                    raise CalendarConfigError(
                        f"{key}.extra_working_days[{i}]", calendar_text.also_day_off(raw, key)
                    )
        if "extra_working_day_hours" in data:
            hours = _parse_day(data["extra_working_day_hours"], f"{key}.extra_working_day_hours")
            if not hours:
                raise CalendarConfigError(f"{key}.extra_working_day_hours", calendar_text.MUST_NOT_BE_EMPTY)
            kwargs["extra_working_day_hours"] = hours

        ramadan_week = DEFAULT_RAMADAN_WEEK
        if "ramadan_week" in data:
            ramadan_week = WorkWeek.from_dict(
                data["ramadan_week"], base=DEFAULT_RAMADAN_WEEK, key=f"{key}.ramadan_week"
            )
            if ramadan_week.total_minutes == 0:
                raise CalendarConfigError(f"{key}.ramadan_week", calendar_text.NO_WORKING_TIME)
            kwargs["ramadan_week"] = ramadan_week
        if "ramadan" in data:
            raw = data["ramadan"]
            if isinstance(raw, Mapping):  # a single [calendar.ramadan] table instead of [[calendar.ramadan]]
                raw = [raw]
            if isinstance(raw, str) or not isinstance(raw, Sequence):
                raise CalendarConfigError(f"{key}.ramadan", calendar_text.EXPECTED_RAMADAN_LIST)
            periods = [
                RamadanPeriod.from_dict(p, base_week=ramadan_week, key=f"{key}.ramadan[{i}]")
                for i, p in enumerate(raw)
            ]
            order = sorted(range(len(periods)), key=lambda i: periods[i].start)
            for a, b in zip(order, order[1:], strict=False):
                if periods[b].start <= periods[a].end:
                    raise CalendarConfigError(f"{key}.ramadan[{b}]", calendar_text.ramadan_overlap(key, a))
            kwargs["ramadan"] = tuple(periods)

        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The inverse of `from_dict` (dates as `datetime.date`, ready for a TOML writer)."""
        out: dict[str, Any] = {
            "timezone": self.timezone,
            "week": self.week.to_dict(),
            "holiday_country": self.holiday_country,
            "holiday_categories": list(self.holiday_categories),
            "holiday_language": self.holiday_language,
            "days_off": list(self.days_off),
            "extra_working_days": list(self.extra_working_days),
            "ramadan_week": self.ramadan_week.to_dict(),
            "ramadan": [p.to_dict() for p in self.ramadan],
        }
        if self.extra_working_day_hours is not None:
            out["extra_working_day_hours"] = [str(i) for i in self.extra_working_day_hours]
        return out

    def schedule_warnings(self) -> tuple[str, ...]:
        """Where the configured weeks differ from Perpres 21/2023 (37.5 h; 32.5 h in Ramadan).

        Not an error: agencies set their own detail. Meant for a log line at start-up.
        """
        notes = []
        if self.week.total_minutes != PERPRES_WEEK_MINUTES:
            notes.append(calendar_text.week_differs(f"{self.week.total_minutes / 60:g}",
                                                    f"{PERPRES_WEEK_MINUTES / 60:g}"))
        weeks = [("calendar.ramadan_week", self.ramadan_week)]
        weeks += [
            (calendar_text.ramadan_label(p.start, p.end), p.week) for p in self.ramadan if p.week != self.ramadan_week
        ]
        for label, week in weeks:
            if week.total_minutes != PERPRES_RAMADAN_WEEK_MINUTES:
                notes.append(calendar_text.ramadan_week_differs(label, f"{week.total_minutes / 60:g}",
                                                                f"{PERPRES_RAMADAN_WEEK_MINUTES / 60:g}"))
        return tuple(notes)

    def ramadan_period(self, d: date) -> RamadanPeriod | None:
        """The Ramadan period containing `d`, if any."""
        i = bisect_right(self._ramadan_starts, d) - 1
        if i >= 0 and d <= self.ramadan[i].end:
            return self.ramadan[i]
        return None


# --- the calendar -----------------------------------------------------------------------


def package_holidays(country: str, categories: Sequence[str], language: str = "") -> HolidaySource:
    """A `HolidaySource` backed by the `holidays` package (one lookup per year, then cached).

    For Indonesia, cuti bersama are only in the "government" category, hence the default
    ``categories=("public", "government")``. Raises CalendarConfigError for an unknown country,
    category or language.
    """
    try:
        import holidays
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        raise CalendarConfigError(
            "calendar.holiday_country", calendar_text.HOLIDAYS_MISSING
        ) from exc
    kwargs: dict[str, Any] = {"categories": tuple(categories)}
    if language:
        kwargs["language"] = language
    country_class = _one_country(country)
    try:
        entity = country_class(**kwargs)  # no years yet: validates only
    except NotImplementedError as exc:
        raise CalendarConfigError(
            "calendar.holiday_country", calendar_text.unknown_country(country)
        ) from exc
    except ValueError as exc:  # the package's own English words; the operator reads ours
        supported = getattr(holidays.country_holidays(country), "supported_categories", ())
        raise CalendarConfigError(
            "calendar.holiday_categories",
            calendar_text.categories_unavailable(list(categories), country, ", ".join(supported)),
        ) from exc
    if language and language not in (getattr(entity, "supported_languages", None) or (language,)):
        raise CalendarConfigError(
            "calendar.holiday_language",
            calendar_text.language_unavailable(language, country, ', '.join(entity.supported_languages)),
        )

    def lookup(year: int) -> dict[date, str]:
        return dict(country_class(years=year, **kwargs).items())

    return lookup


def _one_country(country: str) -> Callable[..., Any]:
    """The `holidays` class of `country`, loading its module only.

    `holidays.country_holidays` imports the package `holidays.countries`, whose `__init__` imports all
    of its 250 countries (0.1 s of start-up). A country's module needs none of them, so it is imported
    under a bare stand-in for that package, which is dropped again (a later full import is unaffected).
    Anything unexpected falls back to `holidays.country_holidays`, which also reports unknown countries.
    """
    import importlib
    import os
    import sys
    import types

    import holidays

    def whole_package(**kwargs: Any) -> Any:
        return holidays.country_holidays(country, **kwargs)

    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # pragma: no cover - an older or newer package layout
        return whole_package
    module = next((name for name, names in COUNTRIES.items() if country in names[1:]), None)
    if module is None or not getattr(holidays, "__file__", None):
        return whole_package
    name = f"holidays.countries.{module}"
    if name not in sys.modules and "holidays.countries" not in sys.modules:
        stand_in = types.ModuleType("holidays.countries")
        stand_in.__path__ = [os.path.join(os.path.dirname(holidays.__file__), "countries")]
        sys.modules["holidays.countries"] = stand_in
        try:
            importlib.import_module(name)
        except ImportError:
            return whole_package
        finally:
            del sys.modules["holidays.countries"]
    country_class = getattr(importlib.import_module(name), COUNTRIES[module][0], None)
    return country_class if callable(country_class) else whole_package


class WorkingCalendar:
    """Working-time arithmetic on one configured calendar. Thread-safe to share (caches only grow)."""

    def __init__(
        self, config: CalendarConfig | None = None, *, holiday_source: HolidaySource | None = None
    ) -> None:
        """`holiday_source` replaces the `holidays` package (year -> {date: name}), e.g. in tests."""
        self.config = CalendarConfig() if config is None else config
        self.tz: tzinfo = ZoneInfo(self.config.timezone)
        if holiday_source is None and self.config.holiday_country:
            holiday_source = package_holidays(
                self.config.holiday_country, self.config.holiday_categories, self.config.holiday_language
            )
        self._holiday_source = holiday_source
        self._holidays_by_year: dict[int, Mapping[date, str]] = {}
        self._days_off = frozenset(self.config.days_off)
        self._extra_working = frozenset(self.config.extra_working_days)
        self._day_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] | None, *, holiday_source: HolidaySource | None = None
    ) -> WorkingCalendar:
        """Shortcut for ``WorkingCalendar(CalendarConfig.from_dict(data))``."""
        return cls(CalendarConfig.from_dict(data), holiday_source=holiday_source)

    # -- days --------------------------------------------------------------------------

    def holidays_in(self, year: int) -> Mapping[date, str]:
        """Holidays (and cuti bersama) of `year` from the holiday source; cached per year."""
        found = self._holidays_by_year.get(year)
        if found is None:
            found = dict(self._holiday_source(year)) if self._holiday_source is not None else {}
            self._holidays_by_year[year] = found
        return found

    def holiday_name(self, d: date) -> str | None:
        """The holiday-source name for `d` (e.g. "Hari Kemerdekaan Republik Indonesia"), if any."""
        return self.holidays_in(d.year).get(d)

    def day_off_reason(self, d: date) -> str | None:
        """Why `d` has no working time, or None if it is a working day."""
        if d in self._days_off:
            return calendar_text.OFFICE_DAY_OFF
        if d in self._extra_working:
            return None
        name = self.holiday_name(d)
        if name is not None:
            return name
        if not self._week_for(d).day(d.weekday()):
            return calendar_text.no_working_hours(d.weekday())
        return None

    def is_working_day(self, d: date) -> bool:
        return self.day_off_reason(d) is None

    def _week_for(self, d: date) -> WorkWeek:
        period = self.config.ramadan_period(d)
        return self.config.week if period is None else period.week

    def day_schedule(self, d: date) -> tuple[Interval, ...]:
        """The working intervals of date `d` (local), after holidays, days off and Ramadan."""
        if d in self._days_off:
            return ()
        week = self._week_for(d)
        hours = week.day(d.weekday())
        if d in self._extra_working:
            if hours:
                return hours
            return self.config.extra_working_day_hours or week.monday
        if not hours or self.holiday_name(d) is not None:
            return ()
        return hours

    def _day_intervals_utc(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        found = self._day_cache.get(d)
        if found is None:
            found = tuple(
                (self._local_to_utc(d, i.start), self._local_to_utc(d, i.end)) for i in self.day_schedule(d)
            )
            if len(self._day_cache) > 20_000:
                self._day_cache.clear()
            self._day_cache[d] = found
        return found

    def _local_to_utc(self, d: date, minute_of_day: int) -> datetime:
        days, minutes = divmod(minute_of_day, _MINUTES_PER_DAY)
        local = datetime.combine(d + timedelta(days=days), time(minutes // 60, minutes % 60), tzinfo=self.tz)
        return local.astimezone(UTC)

    def working_intervals(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of local date `d` as aware datetimes in the calendar's zone."""
        return tuple((s.astimezone(self.tz), e.astimezone(self.tz)) for s, e in self._day_intervals_utc(d))

    def working_minutes_on(self, d: date) -> float:
        return sum(((e - s) / _ONE_MINUTE for s, e in self._day_intervals_utc(d)), 0.0)

    # -- instants ----------------------------------------------------------------------

    def _utc(self, t: datetime, name: str) -> datetime:
        if not isinstance(t, datetime):
            raise TypeError(f"{name} must be a datetime, got {type(t).__name__}")
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(
                f"{name} must be an aware datetime (got naive {t.isoformat()}); times are in {self.tz}"
            )
        return t.astimezone(UTC)

    def _intervals_from(self, t: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (UTC) from instant `t` (UTC) on, the first one clipped to start at `t`."""
        d = t.astimezone(self.tz).date() - _ONE_DAY  # the day before too, for zones with odd offsets
        idle = 0
        while True:
            found = False
            for s, e in self._day_intervals_utc(d):
                if e > t:
                    found = True
                    yield (s if s > t else t), e
            idle = 0 if found else idle + 1
            if idle > _MAX_IDLE_DAYS:
                raise RuntimeError(
                    calendar_text.no_working_time_before(_MAX_IDLE_DAYS, d)
                )
            d += _ONE_DAY

    def is_working_time(self, t: datetime) -> bool:
        """True if `t` falls inside a working interval ``[start, end)``."""
        u = self._utc(t, "t")
        local_day = u.astimezone(self.tz).date()
        for d in (local_day - _ONE_DAY, local_day):
            for s, e in self._day_intervals_utc(d):
                if s <= u < e:
                    return True
        return False

    def next_working_instant(self, t: datetime) -> datetime:
        """`t` itself if it is working time, else the start of the next working interval."""
        u = self._utc(t, "t")
        s, _ = next(self._intervals_from(u))
        return s.astimezone(self.tz)

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The due time: `minutes` of working time counted from `start`.

        A start outside working time begins counting at the next working instant. A result
        that ends exactly at closing time is that closing time (e.g. 16:00), not the next
        opening. ``minutes == 0`` returns `start` unchanged (in the calendar's zone).
        """
        u = self._utc(start, "start")
        remaining = _minutes_to_timedelta(minutes)
        if minutes == 0:
            return u.astimezone(self.tz)
        for s, e in self._intervals_from(u):
            length = e - s
            if remaining <= length:
                return (s + remaining).astimezone(self.tz)
            remaining -= length
        raise AssertionError("unreachable")  # pragma: no cover - _intervals_from never ends

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes from `start` to `end` (0.0 if `end` <= `start`)."""
        u0 = self._utc(start, "start")
        u1 = self._utc(end, "end")
        if u1 <= u0:
            return 0.0
        total = timedelta(0)
        for s, e in self._intervals_from(u0):
            if s >= u1:
                break
            total += (e if e < u1 else u1) - s
        return total / _ONE_MINUTE


def _minutes_to_timedelta(minutes: float) -> timedelta:
    if isinstance(minutes, bool) or not isinstance(minutes, int | float):
        raise TypeError(f"minutes must be a number, got {type(minutes).__name__}")
    if math.isnan(minutes) or math.isinf(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes}")
    return timedelta(microseconds=round(minutes * 60_000_000))
