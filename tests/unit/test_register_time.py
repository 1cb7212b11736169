"""Times as people type them in the register (`Jadwal Tayang`), read by the domain."""

from __future__ import annotations

from datetime import datetime

import pytest

from automation.domain.fields import field_warnings, parse_time
from automation.domain.register_time import parse_register_time
from automation.domain.sop import load_sop

DECEMBER_22_7AM = datetime(2026, 12, 22, 7, 0)


@pytest.mark.parametrize("text", [
    "2026-12-22 07:00",  # the daemon's own spelling
    "2026-12-22 07:00:00",
    "22/12/2026 07.00",
    "22/12/2026 07:00",
    "22-12-2026 07:00",
    "22-12-2026 07.00",
    "22 Desember 2026 07.00",
    "22 desember 2026 07:00",
    "22 Des 2026 07.00",
    "22 Des. 2026, pukul 07.00 WIB",
    "  22/12/2026   07.00  ",
])
def test_the_spellings_people_use_are_read(text):
    assert parse_register_time(text) == DECEMBER_22_7AM


@pytest.mark.parametrize("text", ["", "besok pagi", "22/12/2026", "31/02/2026 07.00", "22/12/2026 25.00",
                                  "22 Desemb 2026 07.00", "12/22/2026 07:00", "2026-12-22"])
def test_what_is_not_a_time_is_refused(text):
    assert parse_register_time(text) is None


@pytest.mark.parametrize(("text", "month"), [("1 Jan 2027 09.00", 1), ("1 Agustus 2027 09.00", 8),
                                              ("1 Agt 2027 09.00", 8), ("1 Okt 2027 09.00", 10),
                                              ("1 Mei 2027 09.00", 5), ("1 Nop 2027 09.00", 11)])
def test_indonesian_month_names_full_and_short(text, month):
    assert parse_register_time(text) == datetime(2027, month, 1, 9, 0)


def test_the_workflow_takes_them_as_a_schedule_in_the_registers_zone():
    reference = datetime.fromisoformat("2026-11-30T09:00+07:00")
    when = parse_time("22 Desember 2026 07.00", reference)
    assert when == DECEMBER_22_7AM.replace(tzinfo=reference.tzinfo)
    sop = load_sop(None)
    readable = {"Jadwal Tayang": "22/12/2026 07.00", "Jenis": "", "Sumber": "", "Platform": ""}
    assert not [w for w in field_warnings(readable, sop) if "Jadwal Tayang" in w]
    unreadable = {**readable, "Jadwal Tayang": "besok pagi"}
    assert [w for w in field_warnings(unreadable, sop) if "Jadwal Tayang" in w]
