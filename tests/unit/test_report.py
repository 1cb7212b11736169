"""The monitoring report: figures against a hand count, the workbook's cells, the chart's pixels.

Expected values are computed here in the plainest way (sorting, counting, integer percentages),
never with the report's own functions.
"""

from __future__ import annotations

import random
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PIL import Image

from automation.domain.sop import load_sop
from automation.report.chart import MEDIAN_COLOR, P90_COLOR, STANDARD_COLOR, chart_geometry
from automation.report.monitoring import (
    ReportError,
    build_report,
    default_output,
    generate_report,
    last_month,
    period_bounds,
    resolve_period,
    write_report,
)
from automation.service.journal import CompletedActivation, Journal

WIB = ZoneInfo("Asia/Jakarta")
SOP = load_sop()
START, END = date(2026, 10, 1), date(2026, 10, 31)
MADE_ON = date(2026, 11, 3)

# The SOP's standards, written down by hand (the first test checks the SOP file agrees).
STANDARD = {1: 10, 2: 10, 3: 90, 4: 90, 5: 10, 6: 10, 7: 10}
# How fast each step tends to be, as a share of its standard: some steps meet 80 %, some do not.
PACE = {1: 0.6, 2: 0.65, 3: 0.95, 4: 1.05, 5: 0.8, 6: 1.15, 7: 0.55}
ACTORS = {
    1: ["Humas Kemenkes", "Humas Pemda DIY", "Bagian Prokompim", "Humas BPBD"],
    2: ["Sari Tim Konten", "Dewi Tim Konten"],
    3: ["Sari Tim Konten", "Dewi Tim Konten"],
    4: ["Dimas Desainer", "Agus Editor", "Tono Desainer"],
    5: ["Budi Ketua Tim"],
    6: ["Ratna Kabid IKP"],
    7: ["Andi Admin Medsos"],
}
SHEETS = ["Ringkasan", "Monitoring SOP", "Beban Kerja", "Revisi & Penolakan", "Grafik", "Data Aktivasi"]


# --- a history ----------------------------------------------------------------

def make_history(items: int = 320, seed: int = 35_2012) -> list[CompletedActivation]:
    """Items submitted from 24 September to 7 November 2026, each run through the SOP."""
    rng = random.Random(seed)
    history = []
    first = datetime(2026, 9, 24, 8, 0, tzinfo=WIB)
    for i in range(items):
        item = f"K-2026-{i + 1:04d}"
        at = first + timedelta(minutes=rng.randrange(0, 45 * 24 * 60))
        activations: dict[int, int] = defaultdict(int)
        step = 1
        while step:
            activations[step] += 1
            minutes = round(max(0.5, rng.gauss(STANDARD[step] * PACE[step], STANDARD[step] * 0.25)), 1)
            if rng.random() < 0.03:
                minutes = round(minutes * rng.uniform(2, 4), 1)  # now and then someone is away
            roll = rng.random()
            if step == 1:
                status, following = "Diajukan", 2
            elif step == 2:
                status, following = ("Ditolak", 0) if roll < 0.12 else ("Diterima", 3)
            elif step in (3, 4):
                status, following = "Selesai", step + 1
            elif step == 5:
                status, following = ("Revisi", 4) if roll < 0.2 and activations[5] < 3 else ("Sesuai", 6)
            elif step == 6:
                if roll < 0.06:
                    status, following = "Ditolak", 0
                elif roll < 0.2 and activations[6] < 3:
                    status, following = "Revisi", 4
                else:
                    status, following = "Disetujui", 7
            else:
                status, following = "Terbit", 0
            ended = at + timedelta(minutes=minutes + rng.randrange(0, 240))  # wall clock: breaks, nights
            history.append(CompletedActivation(item, step, activations[step], at.isoformat(),
                                               ended.isoformat(), status, rng.choice(ACTORS[step]), minutes))
            at, step = ended, following
    return history


def in_october(history):
    return [c for c in history
            if START <= datetime.fromisoformat(c.ended_at).astimezone(WIB).date() <= END]


# --- figures by hand ----------------------------------------------------------------

def hand_median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def hand_p90(values):
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    position = 0.9 * (len(s) - 1)
    below = int(position)
    above = min(below + 1, len(s) - 1)
    return s[below] + (s[above] - s[below]) * (position - below)


def hand_number(value):
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def hand_percent(on_time, count):
    tenths = on_time * 1000 // count  # rounded down, in integers
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}%"


def hand_figures(records):
    figures = {}
    for n in range(1, 8):
        minutes = [c.working_minutes for c in records if c.step == n]
        on_time = len([m for m in minutes if m <= STANDARD[n]])
        figures[n] = {
            "count": len(minutes), "on_time": on_time,
            "median": hand_median(minutes) if minutes else None,
            "p90": hand_p90(minutes) if minutes else None,
            "max": max(minutes) if minutes else None,
        }
    return figures


def close(cell_value, expected, tolerance=0.05 + 1e-9):
    if expected is None:
        return cell_value is None
    return cell_value is not None and abs(cell_value - expected) <= tolerance


# --- fixtures -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def history():
    return make_history()


@pytest.fixture(scope="module")
def written(history, tmp_path_factory):
    report = build_report(SOP, history, START, END, made_on=MADE_ON)
    calls = []
    xlsx, png = write_report(report, tmp_path_factory.mktemp("laporan") / "laporan-2026-10.xlsx",
                             progress=lambda stage, done, total: calls.append((stage, done, total)))
    return report, xlsx, png, calls


# --- tests ------------------------------------------------------------------------------

def test_the_history_is_big_and_varied_enough(history):
    assert {s.number: s.minutes for s in SOP.steps} == STANDARD
    october = in_october(history)
    assert len({c.item_id for c in history}) >= 200
    assert len(october) >= 1000 and len(history) - len(october) >= 200  # the period filter matters
    statuses = {(c.step, c.status) for c in october}
    assert {(5, "Revisi"), (6, "Revisi"), (2, "Ditolak"), (6, "Ditolak")} <= statuses
    assert any(c.working_minutes == STANDARD[c.step] for c in october)  # exactly the standard is on time
    assert len({c.actor for c in october}) >= 10


def test_summary_figures_match_a_hand_count(written, history):
    report = written[0]
    expected = hand_figures(in_october(history))
    assert [s.number for s in report.summary] == list(range(1, 8))
    for s in report.summary:
        e = expected[s.number]
        assert s.count == e["count"] and s.on_time_count == e["on_time"]
        assert s.median == pytest.approx(e["median"])
        assert s.p90 == pytest.approx(e["p90"])
        assert s.maximum == e["max"]
        assert s.on_time_share == pytest.approx(e["on_time"] / e["count"])
        assert s.standard == STANDARD[s.number]


def test_percentile_90_is_the_inclusive_linear_one():
    history = []
    for i, minutes in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20]):
        history.append(_activation(f"K-2026-{i + 1:04d}", 2, "Diterima", "Sari", minutes, "2026-10-05T09:00"))
    history.append(_activation("K-2026-0100", 3, "Selesai", "Sari", 42.5, "2026-10-05T10:00"))
    report = build_report(SOP, history, START, END)
    # 11 values: position 0.9 * 10 = 9, the 10th smallest exactly; one value: itself.
    assert report.summary[1].p90 == 10
    assert report.summary[1].median == 6 and report.summary[1].maximum == 20
    assert report.summary[2].p90 == 42.5 and report.summary[2].median == 42.5
    four = build_report(SOP, history[:4], START, END)
    assert four.summary[1].p90 == pytest.approx(3.7)  # position 2.7: 3 + 0.7 * (4 - 3)


def test_ringkasan_sheet(written, history):
    report, xlsx, _, _ = written
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == SHEETS
    ws = wb["Ringkasan"]
    headers = [c.value for c in ws[1]][:9]
    assert headers == ["No", "Aktivitas", "Pelaksana", "Jumlah", "Median (menit)", "Persentil 90 (menit)",
                       "Maksimum (menit)", "Waktu Baku (menit)", "Tepat Waktu"]
    assert all(c.font.bold for c in ws[1][:9])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 40
    expected = hand_figures(in_october(history))
    for n in range(1, 8):
        row = [c.value for c in ws[n + 1]][:9]
        e = expected[n]
        assert row[:4] == [n, SOP.step(n).activity, SOP.step(n).role, e["count"]]
        assert close(row[4], e["median"]) and close(row[5], e["p90"]) and close(row[6], e["max"])
        assert row[7] == STANDARD[n]
        assert close(row[8], e["on_time"] / e["count"], 0.00005 + 1e-9)
        assert ws.cell(row=n + 1, column=5).number_format == "0.0"
        assert ws.cell(row=n + 1, column=9).number_format == "0.0%"
        for value in row[4:7]:
            assert value == round(value, 1)


def test_monitoring_sheet_prefills_assessment_and_note(written, history):
    _, xlsx, _, _ = written
    ws = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    assert ws["A1"].value == "MONITORING PELAKSANAAN SOP AP"
    block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=3).value for r in range(2, 8)}
    assert block["Nama SOP"] == "Pembuatan Konten Informasi di Media Sosial Pemerintah Kota Yogyakarta"
    assert block["Unit"] == "Dinas Komunikasi Informatika dan Persandian Kota Yogyakarta"
    assert block["Periode"] == "1 Oktober 2026 s.d. 31 Oktober 2026"
    assert block["Tanggal"] == "3 November 2026"
    header = next(r for r in range(1, 20) if ws.cell(row=r, column=2).value == "Prosedur")
    assert [ws.cell(row=header, column=c).value for c in range(1, 7)] == [
        "No", "Prosedur", "Penilaian terhadap penerapan", "Catatan hasil penilaian",
        "Tindakan yang harus diambil", "Paraf penilai"]
    assert all(ws.cell(row=header, column=c).font.bold for c in range(1, 7))
    assert ws.freeze_panes == f"A{header + 1}"
    expected = hand_figures(in_october(history))
    verdicts = set()
    for n in range(1, 8):
        e = expected[n]
        row = [ws.cell(row=header + n, column=c).value for c in range(1, 7)]
        good = e["on_time"] * 10 >= e["count"] * 8
        verdict = "Berjalan dengan baik" if good else "Tidak berjalan dengan baik"
        verdicts.add(verdict)
        note = (f"{e['count']} kali; median {hand_number(e['median'])} menit; persentil 90 "
                f"{hand_number(e['p90'])} menit; maksimum {hand_number(e['max'])} menit; "
                f"{hand_percent(e['on_time'], e['count'])} tepat waktu (baku {STANDARD[n]} menit).")
        assert row == [n, SOP.step(n).activity, verdict, note, None, None]
    assert verdicts == {"Berjalan dengan baik", "Tidak berjalan dengan baik"}  # the data has both


def test_threshold_boundary_and_steps_without_data():
    history = [_activation(f"K-2026-{i:04d}", 2, "Diterima", "Sari", 9 if i <= 8 else 12,
                           "2026-10-06T10:00") for i in range(1, 11)]  # 8 of 10 on time: exactly 80 %
    history += [_activation(f"K-2026-{i:04d}", 5, "Sesuai", "Budi", 10 if i <= 7 else 10.1,
                            "2026-10-06T11:00") for i in range(1, 10)]  # 7 of 9: 77.7 %
    report = build_report(SOP, history, START, END)
    by_step = {m.number: m for m in report.monitoring}
    assert by_step[2].assessment == "Berjalan dengan baik"
    assert by_step[5].assessment == "Tidak berjalan dengan baik"
    assert "77,7% tepat waktu (baku 10 menit)." in by_step[5].note
    assert by_step[2].note == ("10 kali; median 9 menit; persentil 90 12 menit; maksimum 12 menit; "
                               "80% tepat waktu (baku 10 menit).")
    assert by_step[7].assessment == "Belum ada data" and by_step[7].note.startswith("Tidak ada aktivitas")
    assert report.summary[6].count == 0 and report.summary[6].median is None
    stricter = build_report(SOP, history, START, END, on_time_threshold=0.9)
    assert stricter.monitoring[1].assessment == "Tidak berjalan dengan baik"
    looser = build_report(SOP, history, START, END, on_time_threshold=0.75)
    assert looser.monitoring[4].assessment == "Berjalan dengan baik"
    with pytest.raises(ReportError):
        build_report(SOP, history, START, END, on_time_threshold=80)


def test_workload_per_person(written, history):
    report, xlsx, _, _ = written
    october = in_october(history)
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    minutes: dict[str, list[float]] = defaultdict(list)
    for c in october:
        counts[c.actor][c.step - 1] += 1
        minutes[c.actor].append(c.working_minutes)
    ws = openpyxl.load_workbook(xlsx)["Beban Kerja"]
    header = [c.value for c in ws[1]]
    assert header == ["Pelaksana", *(s.label for s in SOP.steps), "Total", "Median (menit)"]
    assert ws.freeze_panes == "B2"
    rows = {}
    for r in range(2, 2 + len(counts)):
        values = [ws.cell(row=r, column=c).value for c in range(1, 11)]
        rows[values[0]] = values[1:]
    assert set(rows) == set(counts)
    for actor, per_step in counts.items():
        assert rows[actor][:7] == per_step
        assert rows[actor][7] == sum(per_step) == len(minutes[actor])
        assert close(rows[actor][8], hand_median(minutes[actor]))
    totals = [ws.cell(row=r, column=9).value for r in range(2, 2 + len(counts))]
    assert totals == sorted(totals, reverse=True)
    assert {w.actor: w.total for w in report.workload} == {a: sum(v) for a, v in counts.items()}


def test_revisions_and_rejections_per_step(written, history):
    _, xlsx, _, _ = written
    october = in_october(history)
    ws = openpyxl.load_workbook(xlsx)["Revisi & Penolakan"]
    assert [c.value for c in ws[1]] == ["No", "Langkah", "Pelaksana", "Jumlah Selesai", "Revisi", "Ditolak",
                                        "Item Terdampak", "ID Item"]
    all_items = set()
    for n in range(1, 8):
        at_step = [c for c in october if c.step == n]
        revisions = len([c for c in at_step if c.status == "Revisi"])
        rejections = len([c for c in at_step if c.status == "Ditolak"])
        items = sorted({c.item_id for c in at_step if c.status in ("Revisi", "Ditolak")})
        all_items.update(items)
        row = [ws.cell(row=n + 1, column=c).value for c in range(1, 9)]
        assert row == [n, SOP.step(n).label, SOP.step(n).role, len(at_step), revisions, rejections,
                       len(items), ", ".join(items) or None]
        if n in (5, 6):
            assert revisions > 0
        if n in (2, 6):
            assert rejections > 0
        if n not in (2, 5, 6):
            assert revisions == rejections == 0
    total = [ws.cell(row=9, column=c).value for c in range(2, 8)]
    assert total == ["Jumlah", None, len(october), len([c for c in october if c.status == "Revisi"]),
                     len([c for c in october if c.status == "Ditolak"]), len(all_items)]


def test_data_sheet_lists_every_activation_of_the_period(written, history):
    _, xlsx, _, _ = written
    october = in_october(history)
    ws = openpyxl.load_workbook(xlsx)["Data Aktivasi"]
    assert ws.max_row == len(october) + 1
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    keys = sorted((c.item_id, c.step, c.activation) for c in october)
    assert sorted((r[0], r[1], r[3]) for r in rows) == keys
    assert sum(r[8] for r in rows) == pytest.approx(sum(round(c.working_minutes, 1) for c in october))
    first = min(october, key=lambda c: c.ended_at)
    assert rows[0][5] == datetime.fromisoformat(first.ended_at).replace(tzinfo=None)
    assert {r[10] for r in rows} == {"Ya", "Tidak"}


def test_period_is_ended_at_from_start_to_end_inclusive_in_wib():
    times = {
        "2026-09-30T23:59:59+07:00": False,
        "2026-10-01T00:00:00+07:00": True,
        "2026-09-30T17:00:00+00:00": True,  # = 1 Oct 00:00 WIB
        "2026-10-31T23:59:59+07:00": True,
        "2026-10-31T16:59:59+00:00": True,
        "2026-11-01T00:00:00+07:00": False,
        "2026-10-31T17:30:00+00:00": False,  # = 1 Nov 00:30 WIB
    }
    begun = "2026-09-30T08:00:00+07:00"
    history = [CompletedActivation(f"K-2026-{i:04d}", 3, 1, begun, at, "Selesai", "Sari", 50)
               for i, at in enumerate(times, start=1)]
    report = build_report(SOP, history, START, END)
    inside = sorted(at for at, wanted in times.items() if wanted)
    assert sorted(c.ended_at for c in report.activations) == inside
    assert report.summary[2].count == 4
    low, high = period_bounds(START, END)
    assert (low.isoformat(), high.isoformat()) == ("2026-10-01T00:00:00+07:00", "2026-11-01T00:00:00+07:00")


def test_last_month():
    assert last_month(date(2026, 11, 3)) == (date(2026, 10, 1), date(2026, 10, 31))
    assert last_month(date(2027, 1, 1)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert last_month(date(2028, 3, 31)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert last_month(date(2026, 3, 15)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_resolve_period_and_default_output(tmp_path):
    today = date(2026, 11, 3)
    assert resolve_period(None, None, today) == (date(2026, 11, 1), today)  # the month to date
    assert resolve_period(date(2026, 10, 15), None, today) == (date(2026, 10, 15), today)
    assert resolve_period(None, date(2026, 9, 20), today) == (date(2026, 9, 1), date(2026, 9, 20))
    with pytest.raises(ReportError):
        resolve_period(date(2026, 10, 2), date(2026, 10, 1), today)
    assert default_output(tmp_path, date(2026, 10, 1), date(2026, 10, 31)).name == "laporan-sop-2026-10.xlsx"
    assert default_output(tmp_path, date(2026, 10, 1), date(2026, 10, 15)).name == (
        "laporan-sop-2026-10-01_2026-10-15.xlsx")


def test_progress_is_reported_per_sheet_and_per_thousand_rows(written, history):
    _, _, _, calls = written
    rows = len(in_october(history))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["Ringkasan", "Monitoring SOP", "Beban Kerja", "Revisi & Penolakan", "Grafik",
                      "Data Aktivasi", "Menyimpan"]
    for stage in stages:
        mine = [(d, t) for s, d, t in calls if s == stage]
        assert mine[0][0] == 0 and mine[-1][0] == mine[-1][1]
    assert ("Data Aktivasi", 1000, rows) in calls and ("Data Aktivasi", rows, rows) in calls


# --- the chart ---------------------------------------------------------------------------

def colour_run(image, y, colour, x_from=0, x_to=None):
    """(first, last) column of `colour` on row y, and how many such pixels there are."""
    x_to = image.width if x_to is None else x_to
    xs = [x for x in range(x_from, x_to) if image.getpixel((x, y)) == colour]
    return (xs[0], xs[-1], len(xs)) if xs else None


def test_chart_bars_are_where_the_numbers_say(written, history):
    report, _, png, _ = written
    expected = hand_figures(in_october(history))
    geometry = chart_geometry(report.chart_rows())
    image = Image.open(png).convert("RGB")
    assert image.size == (geometry.width, geometry.height)
    zero = geometry.plot.x0
    largest = max(v for e in expected.values() for v in (e["median"], e["p90"]))
    assert geometry.axis_max >= max(largest, 90)
    scale = geometry.plot.width / geometry.axis_max
    measured = {}
    for n, step in enumerate(geometry.steps, start=1):
        for kind, colour, box in (("median", MEDIAN_COLOR, step.median), ("p90", P90_COLOR, step.p90)):
            value = expected[n][kind]
            # The geometry follows the hand-computed figure ...
            assert box.x0 == zero and abs(box.width - value * scale) <= 1
            # ... and the pixels follow the geometry: one solid run from zero, on every row of the bar.
            for y in (box.y0, box.middle[1], box.y1 - 1):
                first, last, count = colour_run(image, y, colour, zero - 5, geometry.plot.x1 + 5)
                assert first == zero and count == last - first + 1
                assert abs((last + 1 - zero) - value * scale) <= 1
            assert colour_run(image, box.y0 - 1, colour, zero, geometry.plot.x1) is None
            assert colour_run(image, box.y1, colour, zero, geometry.plot.x1) is None
            measured[(n, kind)] = (last + 1 - zero, value)
        # The standard's line: above the bars, centred where the standard's minutes end.
        first, last, _ = colour_run(image, step.band.y0 + 8, STANDARD_COLOR, zero, geometry.plot.x1 + 1)
        assert abs((first + last) / 2 - (zero + STANDARD[n] * scale)) <= 1
    # Without the geometry at all: every bar is as long as its value, at one scale, within 2 px.
    pixels, value = max(measured.values(), key=lambda pv: pv[1])
    for length, v in measured.values():
        assert abs(length - v * pixels / value) <= 2


def test_chart_without_data_draws_no_bars(tmp_path):
    report = build_report(SOP, [], START, END)
    xlsx, png = write_report(report, tmp_path / "kosong.xlsx")
    image = Image.open(png).convert("RGB")
    geometry = chart_geometry(report.chart_rows())
    assert geometry.steps and all(s.median is None and s.p90 is None for s in geometry.steps)
    plot_pixels = [image.getpixel((x, y)) for y in range(geometry.plot.y0, geometry.plot.y1, 3)
                   for x in range(geometry.plot.x0, geometry.plot.x1, 3)]
    assert MEDIAN_COLOR not in plot_pixels and P90_COLOR not in plot_pixels and STANDARD_COLOR in plot_pixels
    ws = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    assert {ws.cell(row=r, column=3).value for r in range(9, 16)} == {"Belum ada data"}


def test_chart_is_embedded_in_the_grafik_sheet(written):
    _, xlsx, png, _ = written
    assert png == xlsx.with_suffix(".png") and png.exists()
    with zipfile.ZipFile(xlsx) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
        assert len(media) == 1
        assert archive.read(media[0]) == png.read_bytes()
    ws = openpyxl.load_workbook(xlsx)["Grafik"]
    assert len(ws._images) == 1
    anchor = ws._images[0].anchor._from
    assert (anchor.col, anchor.row) == (0, 3)  # A4


def test_the_chart_is_deterministic(written, tmp_path):
    report, _, png, _ = written
    _, again = write_report(report, tmp_path / "lagi.xlsx")
    assert again.read_bytes() == png.read_bytes()


# --- from the journal -------------------------------------------------------------------------

def test_generate_report_reads_the_journal_of_a_workspace(tmp_path):
    from automation.commands.workspace import init_workspace
    from automation.config import load_config
    from automation.domain.workflow import Completion

    config = load_config(init_workspace(tmp_path / "kantor"))
    with pytest.raises(ReportError, match="jurnal"):
        generate_report(config, start=START, end=END, today=MADE_ON)
    history = make_history(items=40, seed=7)
    journal = Journal(config.journal)
    by_key = {(c.item_id, c.step, c.activation): c.working_minutes for c in history}
    keys = iter([(c.item_id, c.step, c.activation) for c in history])
    journal.record_completions(
        [Completion(c.item_id, c.step, c.activation, c.started_at, c.ended_at, c.status, c.actor)
         for c in history],
        lambda start, end: by_key[next(keys)])
    journal.close()
    xlsx, png = generate_report(config, start=START, end=END, today=MADE_ON)
    assert xlsx == config.base / "laporan" / "laporan-sop-2026-10.xlsx" and png.exists()
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    expected = hand_figures(in_october(history))
    counts = [ws.cell(row=n + 1, column=4).value for n in range(1, 8)]
    assert counts == [expected[n]["count"] for n in range(1, 8)]
    monitoring = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    assert monitoring["C6"].value == "3 November 2026"


def test_a_missing_actor_is_named_and_times_in_utc_are_shown_in_wib(tmp_path):
    history = [CompletedActivation("K-2026-0001", 7, 1, "2026-10-10T02:00:00+00:00",
                                   "2026-10-10T02:05:00+00:00", "Terbit", "  ", 5)]
    report = build_report(SOP, history, START, END)
    assert [w.actor for w in report.workload] == ["(tanpa nama)"]
    xlsx, _ = write_report(report, tmp_path / "satu.xlsx")
    row = next(openpyxl.load_workbook(xlsx)["Data Aktivasi"].iter_rows(min_row=2, values_only=True))
    assert row[4] == datetime(2026, 10, 10, 9, 0) and row[5] == datetime(2026, 10, 10, 9, 5)
    assert row[7] == "(tanpa nama)"


def _activation(item, step, status, actor, minutes, ended):
    end = datetime.fromisoformat(ended).replace(tzinfo=WIB)
    start = end - timedelta(minutes=minutes)
    return CompletedActivation(item, step, 1, start.isoformat(), end.isoformat(), status, actor, minutes)



# --- the default period and an empty one ----------------------------------------------------------

def _workspace_with(tmp_path, history):
    from automation.commands.workspace import init_workspace
    from automation.config import load_config
    from automation.domain.workflow import Completion

    config = load_config(init_workspace(tmp_path / "kantor"))
    journal = Journal(config.journal)
    minutes = iter([c.working_minutes for c in history])
    journal.record_completions(
        [Completion(c.item_id, c.step, c.activation, c.started_at, c.ended_at, c.status, c.actor) for c in history],
        lambda start, end: next(minutes))
    journal.close()
    return config


def test_the_default_period_is_the_current_month_to_date(tmp_path):
    history = make_history(items=40, seed=7)
    config = _workspace_with(tmp_path, history)
    told = []
    xlsx, _ = generate_report(config, today=MADE_ON, notice=told.append)  # 3 November: 1 to 3 November
    assert xlsx.name == "laporan-sop-2026-11-01_2026-11-03.xlsx" and told == []
    low, high = datetime(2026, 11, 1, tzinfo=WIB), datetime(2026, 11, 4, tzinfo=WIB)
    november = [c for c in history if low <= datetime.fromisoformat(c.ended_at) < high]
    assert november, "the history must reach into November"
    expected = hand_figures(november)
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    assert [ws.cell(row=n + 1, column=4).value for n in range(1, 8)] == [expected[n]["count"] for n in range(1, 8)]
    monitoring = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    assert monitoring["C5"].value == "1 November 2026 s.d. 3 November 2026"


def test_an_empty_period_says_so_in_the_command_and_in_the_workbook(tmp_path):
    config = _workspace_with(tmp_path, make_history(items=5, seed=3))
    told = []
    xlsx, _ = generate_report(config, start=date(2026, 1, 1), end=date(2026, 1, 31), today=MADE_ON,
                              notice=told.append)
    sentence = "Tidak ada data untuk periode ini (1 Januari 2026 s.d. 31 Januari 2026): belum ada langkah SOP yang selesai."
    assert told == [sentence]
    book = openpyxl.load_workbook(xlsx)
    for name in ("Ringkasan", "Monitoring SOP"):
        cells = [c.value for row in book[name].iter_rows() for c in row]
        assert sentence in cells, name


# --- printing, file modes, progress -------------------------------------------------------------------

A4_LANDSCAPE_POINTS = (842, 595)


def _points(excel_width):
    """Excel's column width in points: characters of 7 px plus 5 px padding, at 96 px per inch."""
    return (excel_width * 7 + 5) * 0.75


def test_every_sheet_prints_on_a4_across_one_page_width_with_its_header_repeated(written):
    _, xlsx, _, _ = written
    book = openpyxl.load_workbook(xlsx)
    title_rows = {"Monitoring SOP": "$8:$8"}
    for name in SHEETS:
        if name == "Grafik":
            continue
        ws = book[name]
        setup = ws.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), name  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
        assert ws.print_title_rows == title_rows.get(name, "$1:$1"), name
        assert ws.print_area, name


def _needed_lines(text, width):
    """Hand count: words laid on lines of `width` - 2 characters, a word longer than a line split."""
    room = int(width) - 2
    lines = 0
    for paragraph in str(text).split("\n"):
        used = None
        for word in paragraph.split(" "):
            while len(word) > room:
                lines += used is not None
                used, word = None, word[room:]
                lines += 1
            if used is None:
                used = len(word)
            elif used + 1 + len(word) <= room:
                used += 1 + len(word)
            else:
                lines += 1
                used = len(word)
        lines += 1
    return lines


def test_the_monitoring_form_rows_fit_their_wrapped_text_and_the_form_fits_one_page(written):
    _, xlsx, _, _ = written
    ws = openpyxl.load_workbook(xlsx)["Monitoring SOP"]
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEF"}
    for row in range(8, 16):  # the header row and the seven steps
        height = ws.row_dimensions[row].height
        assert height is not None, row
        for col, width in widths.items():
            value = ws[f"{col}{row}"].value
            if value is not None:
                assert height >= _needed_lines(value, width) * 15, (row, col, value)
    # One page: the form scaled to the page's width must be no taller than the page.
    margins = ws.page_margins
    page_width = A4_LANDSCAPE_POINTS[0] - 72 * (margins.left + margins.right)
    page_height = A4_LANDSCAPE_POINTS[1] - 72 * (margins.top + margins.bottom)  # header and footer sit in these
    scale = min(1.0, page_width / sum(_points(w) for w in widths.values()))
    last = int(ws.print_area.split("$")[-1])
    height = sum(ws.row_dimensions[r].height or 15 for r in range(1, last + 1))
    assert height * scale <= page_height, (height, scale, page_height)


@pytest.mark.slow
def test_the_monitoring_form_prints_on_one_page_in_libreoffice(written, tmp_path):
    """Measured with LibreOffice when it is installed; without it the page setup above is what is checked."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    _, xlsx, _, _ = written
    book = openpyxl.load_workbook(xlsx)
    for name in book.sheetnames:
        if name != "Monitoring SOP":
            del book[name]
    form = tmp_path / "form.xlsx"
    book.save(form)
    if soffice is None:  # no converter on this machine: the saved form keeps its print settings
        ws = openpyxl.load_workbook(form)["Monitoring SOP"]
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.paperSize == 9
        return
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(form)],
                   check=True, capture_output=True, timeout=120)
    pdf = (tmp_path / "form.pdf").read_bytes()
    import re

    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


@pytest.mark.parametrize("umask", [0o077, 0o022, 0o002])
def test_the_files_are_readable_by_the_group_whatever_the_umask(tmp_path, umask):
    import os
    import stat

    report = build_report(SOP, [_activation("K-2026-0001", 1, "Diajukan", "Rina", 3, "2026-10-05T09:00")],
                          START, END)
    previous = os.umask(umask)
    try:
        xlsx, png = write_report(report, tmp_path / "laporan" / "bulan" / "laporan.xlsx")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(xlsx.stat().st_mode) == 0o640 and stat.S_IMODE(png.stat().st_mode) == 0o640
    for folder in (tmp_path / "laporan", tmp_path / "laporan" / "bulan"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750


class _Stream:
    def __init__(self, terminal):
        import io

        self.buffer = io.StringIO()
        self.terminal = terminal

    def isatty(self):
        return self.terminal

    def write(self, text):
        return self.buffer.write(text)

    def flush(self):
        pass


def _progress_of(report, tmp_path, terminal):
    from automation.report.monitoring import ProgressPrinter

    stream = _Stream(terminal)
    write_report(report, tmp_path / f"progress-{terminal}.xlsx", progress=ProgressPrinter(stream))
    return stream.buffer.getvalue()


def test_progress_is_one_line_per_stage_outside_a_terminal(history, tmp_path):
    stages = ["Ringkasan", "Monitoring SOP", "Beban Kerja", "Revisi & Penolakan", "Grafik", "Data Aktivasi",
              "Menyimpan"]
    for report in (build_report(SOP, history, START, END), build_report(SOP, [], START, END)):
        text = _progress_of(report, tmp_path, terminal=False)
        assert "\r" not in text
        lines = text.splitlines()
        assert [line.split(":")[0].strip() for line in lines] == stages  # an empty sheet too: once


def test_progress_on_a_terminal_rewrites_a_long_stage_in_place(history, tmp_path):
    text = _progress_of(build_report(SOP, history, START, END), tmp_path, terminal=True)
    rows = len(in_october(history))
    assert f"\r  Data Aktivasi: 1000/{rows}\r  Data Aktivasi: {rows}/{rows}\n" in text
    finished = [part for part in text.split("\n") if part]
    assert len(finished) == 7  # each stage ends its line once


def test_each_value_is_printed_next_to_its_bar(written):
    from automation.report.chart import LABEL_GAP, MARKER_WIDTH

    report, _, png, _ = written
    geometry = chart_geometry(report.chart_rows())
    image = Image.open(png).convert("RGB")

    def is_text(pixel):
        return pixel[0] == pixel[1] == pixel[2] and pixel[0] < 160

    for step in geometry.steps:
        for box in (step.median, step.p90):
            first = min(x for x in range(box.x1, geometry.width) for y in range(box.y0, box.y1)
                        if is_text(image.getpixel((x, y))))
            line = step.standard
            if line.x0 >= box.x1 and line.x0 < first:  # the standard's line lies between: just past it
                assert first - line.x1 <= LABEL_GAP + 2, (step.label, box, first)
                assert line.x0 - box.x1 <= LABEL_GAP + 40  # and it moved only because the text would cross it
            else:
                assert first - box.x1 <= LABEL_GAP + 2, (step.label, box, first)
    assert MARKER_WIDTH < LABEL_GAP * 2


def test_the_item_lists_of_the_rework_sheet_wrap_in_rows_tall_enough(written):
    _, xlsx, _, _ = written
    ws = openpyxl.load_workbook(xlsx)["Revisi & Penolakan"]
    width = ws.column_dimensions["H"].width
    listed = [row for row in range(2, 9) if ws[f"H{row}"].value]
    assert listed
    for row in listed:
        assert ws[f"H{row}"].alignment.wrap_text
        needed = _needed_lines(ws[f"H{row}"].value, width) * 15
        assert ws.row_dimensions[row].height >= min(needed, 409), row
