"""Problems in the `[calendar]` configuration (working time), each after the offending key."""

from __future__ import annotations

TIME_WITH_ZONE = "jam tidak boleh memuat zona waktu"
MISSING = "wajib diisi"
EXPECTED_TABLE = "harus berupa tabel"
EXPECTED_RANGES = "harus berupa daftar rentang jam"
EXPECTED_DAY = ('harus berupa daftar rentang jam seperti ["07:30-12:00", "13:00-16:00"] '
                "atau tabel {start, end, breaks}")
EXPECTED_WEEK = "harus berupa tabel hari kerja (monday ... sunday)"
EXPECTED_DATES = "harus berupa daftar tanggal (TTTT-BB-HH)"
EXPECTED_RAMADAN = "harus berupa tabel {start, end, week}"
EXPECTED_RAMADAN_LIST = "harus berupa daftar tabel {start, end}"
EXPECTED_TIMEZONE = 'harus berupa nama zona waktu IANA seperti "Asia/Jakarta"'
EXPECTED_COUNTRY = 'harus berupa kode negara seperti "ID" (atau "")'
EXPECTED_CATEGORIES = 'harus berupa daftar nama seperti ["public"]'
EXPECTED_LANGUAGE = 'harus berupa kode bahasa seperti "id"'
UNKNOWN_DAY_KEY = "kunci tidak dikenal (pilihan: start, end, breaks)"
UNKNOWN_RAMADAN_KEY = "kunci tidak dikenal (pilihan: start, end, week)"
NO_WORKING_TIME = "tidak memiliki jam kerja sama sekali"
MUST_NOT_BE_EMPTY = "tidak boleh kosong"
HOLIDAYS_MISSING = "paket 'holidays' belum terpasang (pip install holidays)"


def not_whole_minute(value: object) -> str:
    return f"{value} bukan menit bulat"


def not_time_of_day(value: object) -> str:
    return f"{value!r} bukan jam (JJ:MM)"


def expected_time_of_day(kind: object) -> str:
    return f"harus berupa jam (JJ:MM), bukan {kind}"


def not_time_range(value: object) -> str:
    return f"{value!r} bukan rentang jam (JJ:MM-JJ:MM)"


def expected_time_range(value: object) -> str:
    return f'harus berupa rentang jam seperti "07:30-12:00", bukan {value!r}'


def not_after(end: object, start: object) -> str:
    return f"{end} tidak sesudah {start}"


def break_outside(brk: object, start: object, end: object) -> str:
    return f"{brk} tumpang tindih dengan waktu istirahat lain atau di luar {start}-{end}"


def range_order(later: object, earlier: object) -> str:
    return f"{later} harus dimulai pada atau sesudah akhir {earlier}"


def unknown_key(names: object) -> str:
    return f"kunci tidak dikenal (pilihan: {names})"


def date_with_time(value: object) -> str:
    return f"harus berupa tanggal, bukan tanggal dan jam {value}"


def not_date(value: object) -> str:
    return f"{value!r} bukan tanggal (TTTT-BB-HH)"


def expected_date(kind: object) -> str:
    return f"harus berupa tanggal (TTTT-BB-HH), bukan {kind}"


def before_start(end: object, start: object) -> str:
    return f"{end} sebelum tanggal mulai {start}"


def unknown_timezone(name: object) -> str:
    return f"zona waktu {name!r} tidak dikenal"


def also_day_off(day: object, key: object) -> str:
    return f"{day} juga tercantum di {key}.days_off"


def ramadan_overlap(key: object, other: object) -> str:
    return f"tumpang tindih dengan {key}.ramadan[{other}]"


def unknown_country(country: object) -> str:
    return f"negara {country!r} tidak ada di paket holidays"


def language_unavailable(language: object, country: object, names: object) -> str:
    return f"bahasa {language!r} tidak tersedia untuk {country} (tersedia: {names})"


def no_working_time_before(days: object, day: object) -> str:
    return f"tidak ada jam kerja dalam {days} hari sebelum {day}; periksa calendar.days_off"


# why a day has no working time, and where the configured weeks differ from Perpres 21/2023
OFFICE_DAY_OFF = "hari libur kantor (calendar.days_off)"
WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def no_working_hours(weekday: int) -> str:
    return f"tidak ada jam kerja pada hari {WEEKDAY_NAMES[weekday]}"


def ramadan_label(start: object, end: object) -> str:
    return f"Ramadan {start}..{end}"


def week_differs(hours: object, perpres_hours: object) -> str:
    return f"calendar.week berjumlah {hours} jam seminggu; Perpres 21/2023 menetapkan {perpres_hours} jam"


def ramadan_week_differs(label: object, hours: object, perpres_hours: object) -> str:
    return (f"{label} berjumlah {hours} jam seminggu; Perpres 21/2023 menetapkan {perpres_hours} jam "
            "selama Ramadan")


def categories_unavailable(categories: object, country: object, names: object) -> str:
    return f"kategori {categories} tidak tersedia untuk {country} (tersedia: {names})"
