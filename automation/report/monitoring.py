"""The monitoring report: how the SOP ran over a period, from the journal's completed activations.

`build_report` is pure: completed activations in, tables out. `write_report` writes them as an
XLSX workbook (one sheet per table, Indonesian names) and the chart as a PNG beside it.
`generate_report` is what the `sop-konten report` command calls.

Definitions (docs/report.md says the same for people):

- A completed activation belongs to the period when its `ended_at`, read in WIB, falls on a day
  from `start` to `end` inclusive, i.e. `start 00:00 <= ended_at < (end + 1 day) 00:00`.
- Minutes are the activation's working minutes, as the journal recorded them.
- Median: `statistics.median`. 90th percentile: `statistics.quantiles(data, n=10,
  method="inclusive")[8]` (linear interpolation at position 0.9 * (n - 1) of the sorted data),
  the value itself when there is only one.
- On time: working minutes <= the step's standard minutes. The on-time share is on-time / count.
- Assessment: "Berjalan dengan baik" when the on-time share >= the threshold (default 0.8),
  "Tidak berjalan dengan baik" below it, "Belum ada data" without completed activations.
- Revision / rejection: the status that ended the activation leads, in the SOP, back to an
  earlier step / to the rejected end. Statuses the SOP no longer knows fall back to their name
  (Revisi, Perlu Revisi / Ditolak).
"""

from __future__ import annotations

import io
import logging
import math
import os
import statistics
import sys
import tempfile
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from automation.domain.sop import REJECT, Sop, Step, normalise
from automation.domain.texts import report as report_text
from automation.report.numbers import format_minutes
from automation.service.journal import CompletedActivation

if TYPE_CHECKING:  # Pillow is imported only when a chart is drawn: `sop-konten --help` does not need it
    from automation.report.chart import ChartRow

log = logging.getLogger(__name__)

ZONE = "Asia/Jakarta"
DEFAULT_THRESHOLD = 0.8
PROGRESS_EVERY = 1000  # rows between two progress calls on a long sheet
CELL_LIMIT = 32000  # Excel holds 32,767 characters in a cell
# Printing (Permenpan RB 35/2012 form on A4). Widths in Excel's characters; heights in points.
MONITORING_WIDTHS = (8, 44, 24, 56, 30, 14)
LINE_POINTS = 15.0  # one line of Excel's default 11-point font: its default row height
ROW_PADDING_POINTS = 3.0
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows
TITLE_POINTS = 20.0  # the 13-point title
MARGIN_INCHES = 0.5
FILE_MODE = 0o640  # the report is for the office group: owner writes, group reads, others nothing
FOLDER_MODE = 0o750

Progress = Callable[[str, int, int], None]

# Staff-facing words (the catalogue holds them).
SHEET_SUMMARY = report_text.SHEET_SUMMARY
SHEET_MONITORING = report_text.SHEET_MONITORING
SHEET_WORKLOAD = report_text.SHEET_WORKLOAD
SHEET_REWORK = report_text.SHEET_REWORK
SHEET_CHART = report_text.SHEET_CHART
SHEET_DATA = report_text.SHEET_DATA
SAVING = report_text.SAVING

GOOD = report_text.GOOD
NOT_GOOD = report_text.NOT_GOOD
NO_DATA = report_text.NO_DATA
NO_ACTOR = report_text.NO_ACTOR

MONTHS = report_text.MONTHS

SUMMARY_HEADERS = report_text.SUMMARY_HEADERS
MONITORING_HEADERS = report_text.MONITORING_HEADERS
REWORK_HEADERS = report_text.REWORK_HEADERS
DATA_HEADERS = report_text.DATA_HEADERS


class ReportError(Exception):
    """The report cannot be made as asked; the message says why, in one sentence."""


# --- the tables --------------------------------------------------------------

@dataclass(frozen=True)
class StepSummary:
    number: int
    label: str  # "1. Pengajuan Ide"
    activity: str  # the SOP's Aktivitas
    role: str
    standard: int  # the SOP's Waktu, in working minutes
    count: int
    on_time_count: int
    median: float | None
    p90: float | None
    maximum: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time_count / self.count if self.count else None


@dataclass(frozen=True)
class MonitoringRow:
    number: int
    procedure: str
    assessment: str
    note: str
    action: str = ""  # Tindakan yang harus diambil: for the assessor
    initials: str = ""  # Paraf penilai: for the assessor


@dataclass(frozen=True)
class WorkloadRow:
    actor: str
    per_step: tuple[int, ...]  # completed activations per step, step 1 first
    total: int
    median: float | None  # over all of the person's completed activations


@dataclass(frozen=True)
class ReworkRow:
    number: int
    label: str
    role: str
    completed: int
    revisions: int
    rejections: int
    items: tuple[str, ...]  # items with a revision or a rejection at this step, sorted


@dataclass(frozen=True)
class Report:
    sop_name: str
    unit: str
    start: date
    end: date
    made_on: date | None
    threshold: float
    summary: tuple[StepSummary, ...]
    monitoring: tuple[MonitoringRow, ...]
    workload: tuple[WorkloadRow, ...]
    rework: tuple[ReworkRow, ...]
    activations: tuple[CompletedActivation, ...]  # those in the period, in order of their end
    step_labels: tuple[str, ...]
    standards: tuple[int, ...]
    skipped: int = 0  # activations in the period of a step the SOP does not have (any more)
    zone: str = ZONE

    @property
    def period_text(self) -> str:
        return report_text.period_span(indonesian_date(self.start), indonesian_date(self.end))

    def chart_rows(self) -> list[ChartRow]:
        from automation.report.chart import ChartRow

        return [ChartRow(s.label, s.standard, s.median, s.p90) for s in self.summary]

    @property
    def empty(self) -> bool:
        """No step ended in the period: the report says so in words, not only with "Belum ada data"."""
        return not self.activations

    @property
    def empty_notice(self) -> list[str]:
        return [report_text.empty_period(self.period_text)] if self.empty else []

    @property
    def rework_items(self) -> tuple[str, ...]:
        return tuple(sorted({i for r in self.rework for i in r.items}))


def build_report(sop: Sop, completions: Iterable[CompletedActivation], start: date, end: date,
                 on_time_threshold: float = DEFAULT_THRESHOLD, *, made_on: date | None = None,
                 zone: str = ZONE) -> Report:
    """The report's tables for the days `start`..`end` (inclusive, in `zone`). Pure.

    `completions` may hold activations outside the period (they are left out), so the whole
    journal can be passed. `made_on` fills the monitoring form's Tanggal (empty when None).
    """
    if end < start:
        raise ReportError(report_text.period_invalid(start.isoformat(), end.isoformat()))
    if not 0 < on_time_threshold <= 1:
        raise ReportError(report_text.threshold_invalid(on_time_threshold))
    low, high = period_bounds(start, end, zone)
    in_period = [c for c in completions if low <= _aware(c.ended_at, zone) < high]
    in_period.sort(key=lambda c: (_aware(c.ended_at, zone), c.item_id, c.step, c.activation))
    steps = sop.steps
    known = [c for c in in_period if 1 <= c.step <= len(steps)]
    by_step: dict[int, list[CompletedActivation]] = defaultdict(list)
    for c in known:
        by_step[c.step].append(c)

    summary = tuple(_summarise(step, by_step[step.number]) for step in steps)
    monitoring = tuple(_monitor(s, on_time_threshold) for s in summary)
    rework = tuple(_rework(step, by_step[step.number]) for step in steps)
    return Report(
        sop_name=sop.name,
        unit=str(sop.identity.get("unit", "")),
        start=start,
        end=end,
        made_on=made_on,
        threshold=on_time_threshold,
        summary=summary,
        monitoring=monitoring,
        workload=_workload(known, len(steps)),
        rework=rework,
        activations=tuple(known),
        step_labels=tuple(s.label for s in steps),
        standards=tuple(s.minutes for s in steps),
        skipped=len(in_period) - len(known),
        zone=zone,
    )


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile_90(values: Sequence[float]) -> float | None:
    """Inclusive linear method: position 0.9 * (n - 1) in the sorted values; one value is itself."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def is_on_time(minutes: float, standard: float) -> bool:
    return minutes <= standard


def _summarise(step: Step, done: list[CompletedActivation]) -> StepSummary:
    minutes = [c.working_minutes for c in done]
    return StepSummary(
        number=step.number, label=step.label, activity=step.activity, role=step.role, standard=step.minutes,
        count=len(minutes), on_time_count=sum(is_on_time(m, step.minutes) for m in minutes),
        median=median(minutes), p90=percentile_90(minutes), maximum=max(minutes) if minutes else None,
    )


def _monitor(s: StepSummary, threshold: float) -> MonitoringRow:
    if not s.count:
        return MonitoringRow(s.number, s.activity, NO_DATA, report_text.no_activity(s.standard))
    good = s.on_time_count >= threshold * s.count - 1e-9
    note = report_text.step_note(s.count, format_minutes(s.median), format_minutes(s.p90),
                                 format_minutes(s.maximum), format_percent(s.on_time_share), s.standard)
    return MonitoringRow(s.number, s.activity, GOOD if good else NOT_GOOD, note)


def _workload(done: list[CompletedActivation], steps: int) -> tuple[WorkloadRow, ...]:
    per_actor: dict[str, list[CompletedActivation]] = defaultdict(list)
    for c in done:
        per_actor[c.actor.strip() or NO_ACTOR].append(c)
    rows = []
    for actor, mine in per_actor.items():
        counts = [0] * steps
        for c in mine:
            counts[c.step - 1] += 1
        rows.append(WorkloadRow(actor, tuple(counts), len(mine), median([c.working_minutes for c in mine])))
    rows.sort(key=lambda r: (-r.total, r.actor.casefold()))
    return tuple(rows)


def _rework(step: Step, done: list[CompletedActivation]) -> ReworkRow:
    revisions = [c for c in done if is_revision(step, c.status)]
    rejections = [c for c in done if is_rejection(step, c.status)]
    items = tuple(sorted({c.item_id for c in revisions + rejections}))
    return ReworkRow(step.number, step.label, step.role, len(done), len(revisions), len(rejections), items)


def is_revision(step: Step, status: str) -> bool:
    outcome = step.outcome(status)
    if outcome is not None:
        return outcome.is_revision
    return normalise(status) in ("revisi", "perlu revisi")


def is_rejection(step: Step, status: str) -> bool:
    outcome = step.outcome(status)
    if outcome is not None:
        return outcome.goto == REJECT
    return normalise(status) == "ditolak"


# --- periods and words ---------------------------------------------------------

def month_to_date(today: date) -> tuple[date, date]:
    """From the 1st of `today`'s month up to `today`: a new office has data in it from its first day."""
    return today.replace(day=1), today


def last_month(today: date) -> tuple[date, date]:
    """The calendar month before `today`'s: its first and its last day."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def period_bounds(start: date, end: date, zone: str = ZONE) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in `zone`: what `Journal.completions(start, end)` takes."""
    tz = ZoneInfo(zone)
    return datetime.combine(start, time(), tz), datetime.combine(end + timedelta(days=1), time(), tz)


def indonesian_date(day: date) -> str:
    return report_text.indonesian_date(day.day, day.month, day.year)


def format_percent(share: float | None) -> str:
    """'83,3%': rounded down to 0.1 so that a share below a threshold never reads as reaching it."""
    if share is None:
        return "-"
    tenths = math.floor(share * 1000 + 1e-6) / 10
    text = str(int(tenths)) if tenths == int(tenths) else f"{tenths:.1f}".replace(".", ",")
    return f"{text}%"


def _aware(text: str, zone: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _local(text: str, zone: str) -> datetime:
    """For a cell: Excel has no time zones, so the wall-clock time in `zone`."""
    return _aware(text, zone).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# --- writing -------------------------------------------------------------------

def write_report(report: Report, out: Path, progress: Progress | None = None) -> tuple[Path, Path]:
    """Write the workbook to `out` and the chart beside it (same name, .png); returns both paths.

    Both files are written to a temporary name first and then renamed, so a reader never sees half a
    file. `progress(stage, done, total)` is called once per sheet at its start and end, every
    1,000 rows within a long sheet, and around the save.
    """
    import openpyxl
    from openpyxl.drawing.image import Image as XlImage

    from automation.report.chart import save_chart

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    png = out.with_suffix(".png")
    _make_folder(out.parent)
    tell = progress or (lambda stage, done, total: None)

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    _write_summary(wb.create_sheet(SHEET_SUMMARY), report, tell)
    _write_monitoring(wb.create_sheet(SHEET_MONITORING), report, tell)
    _write_workload(wb.create_sheet(SHEET_WORKLOAD), report, tell)
    _write_rework(wb.create_sheet(SHEET_REWORK), report, tell)

    tell(SHEET_CHART, 0, 1)
    subtitle = f"{report.sop_name} · {report.period_text}"
    with _replacing(png) as temporary:
        save_chart(report.chart_rows(), temporary, subtitle=subtitle)
    sheet = wb.create_sheet(SHEET_CHART)
    sheet["A1"] = report_text.CHART_SHEET_TITLE
    sheet["A1"].font = _bold()
    sheet["A2"] = report_text.chart_sheet_period(report.period_text, png.name)
    image = XlImage(io.BytesIO(png.read_bytes()))
    sheet.add_image(image, "A4")
    tell(SHEET_CHART, 1, 1)

    _write_data(wb.create_sheet(SHEET_DATA), report, tell)

    tell(SAVING, 0, 1)
    with _replacing(out) as temporary:
        wb.save(temporary)
    tell(SAVING, 1, 1)
    return out, png


def _write_summary(ws, report: Report, tell: Progress) -> None:
    total = len(report.summary)
    tell(SHEET_SUMMARY, 0, total)
    _header(ws, 1, SUMMARY_HEADERS)
    for i, s in enumerate(report.summary, start=2):
        _row(ws, i, (s.number, s.activity, s.role, s.count, _minutes(s.median), _minutes(s.p90),
                     _minutes(s.maximum), s.standard, _share(s.on_time_share)))
        _formats(ws, i, {5: "0.0", 6: "0.0", 7: "0.0", 8: "0", 9: "0.0%"})
    _widths(ws, (5, 60, 34, 9, 15, 19, 17, 18, 13))
    end = _notes(ws, total + 3, [
        *report.empty_notice,
        report_text.summary_period(report.period_text),
        *report_text.SUMMARY_NOTES,
        *_skipped_note(report),
    ])
    _fit_rows(ws, 1, 1)
    ws.freeze_panes = "A2"
    _print_ready(ws, 1, end)
    tell(SHEET_SUMMARY, total, total)


def _write_monitoring(ws, report: Report, tell: Progress) -> None:
    total = len(report.monitoring)
    tell(SHEET_MONITORING, 0, total)
    _widths(ws, MONITORING_WIDTHS)
    ws["A1"] = report_text.MONITORING_TITLE
    ws["A1"].font = _bold(size=13)
    ws.row_dimensions[1].height = TITLE_POINTS
    block = tuple(zip(report_text.MONITORING_FIELDS, (
        report.sop_name,
        report.unit,
        report.period_text,
        indonesian_date(report.made_on) if report.made_on else "",
    ), strict=True))
    for offset, (key, value) in enumerate(block, start=3):
        ws.cell(row=offset, column=1, value=key).font = _bold()
        ws.cell(row=offset, column=2, value=":")
        ws.cell(row=offset, column=3, value=value)
    header_row = 3 + len(block) + 1
    _header(ws, header_row, MONITORING_HEADERS)
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    for i, m in enumerate(report.monitoring, start=header_row + 1):
        _row(ws, i, (m.number, m.procedure, m.assessment, m.note, m.action or None, m.initials or None))
        for column in range(1, len(MONITORING_HEADERS) + 1):
            ws.cell(row=i, column=column).alignment = wrap
    end = _notes(ws, header_row + total + 2, [
        *report.empty_notice,
        report_text.assessment_rule(format_percent(report.threshold)),
        *report_text.MONITORING_NOTES,
    ])
    _fit_rows(ws, header_row, header_row + total)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    _print_ready(ws, header_row, end)
    tell(SHEET_MONITORING, total, total)


def _write_workload(ws, report: Report, tell: Progress) -> None:
    total = len(report.workload)
    tell(SHEET_WORKLOAD, 0, total)
    headers = (report_text.WORKLOAD_FIRST_HEADER, *report.step_labels, *report_text.WORKLOAD_LAST_HEADERS)
    _header(ws, 1, headers)
    median_column = len(headers)
    for i, w in enumerate(report.workload, start=2):
        _row(ws, i, (w.actor, *w.per_step, w.total, _minutes(w.median)))
        _formats(ws, i, {median_column: "0.0"})
        if (i - 1) % PROGRESS_EVERY == 0:
            tell(SHEET_WORKLOAD, i - 1, total)
    _widths(ws, (30, *([16] * len(report.step_labels)), 9, 15))
    end = _notes(ws, total + 3, [
        report_text.workload_period(report.period_text),
        report_text.WORKLOAD_NOTE,
    ])
    _fit_rows(ws, 1, 1)
    ws.freeze_panes = "B2"
    _print_ready(ws, 1, end)
    tell(SHEET_WORKLOAD, total, total)


def _write_rework(ws, report: Report, tell: Progress) -> None:
    total = len(report.rework)
    tell(SHEET_REWORK, 0, total)
    _header(ws, 1, REWORK_HEADERS)
    for i, r in enumerate(report.rework, start=2):
        _row(ws, i, (r.number, r.label, r.role, r.completed, r.revisions, r.rejections, len(r.items),
                     _id_list(r.items) or None))
    last = total + 2
    items = report.rework_items
    _row(ws, last, (None, report_text.TOTAL_ROW, None, sum(r.completed for r in report.rework),
                    sum(r.revisions for r in report.rework), sum(r.rejections for r in report.rework),
                    len(items), None))
    for column in range(1, len(REWORK_HEADERS) + 1):
        ws.cell(row=last, column=column).font = _bold()
    _widths(ws, (5, 24, 34, 15, 9, 9, 15, 60))
    from openpyxl.styles import Alignment

    for row in range(2, last):  # the item lists wrap within their column, printed whole
        ws.cell(row=row, column=len(REWORK_HEADERS)).alignment = Alignment(wrap_text=True, vertical="top")
    end = _notes(ws, last + 2, [
        report_text.rework_period(report.period_text),
        *report_text.REWORK_NOTES,
    ])
    _fit_rows(ws, 1, last)
    ws.freeze_panes = "A2"
    _print_ready(ws, 1, end)
    tell(SHEET_REWORK, total, total)


def _write_data(ws, report: Report, tell: Progress) -> None:
    total = len(report.activations)
    tell(SHEET_DATA, 0, total)
    _header(ws, 1, DATA_HEADERS)
    labels, standards = report.step_labels, report.standards
    for n, c in enumerate(report.activations, start=1):
        standard = standards[c.step - 1]
        on_time = report_text.YES if is_on_time(c.working_minutes, standard) else report_text.NO
        ws.append((c.item_id, c.step, labels[c.step - 1], c.activation, _local(c.started_at, report.zone),
                   _local(c.ended_at, report.zone), c.status, c.actor.strip() or NO_ACTOR,
                   round(c.working_minutes, 1), standard, on_time))
        _formats(ws, n + 1, {5: "yyyy-mm-dd hh:mm", 6: "yyyy-mm-dd hh:mm", 9: "0.0"})
        if n % PROGRESS_EVERY == 0:
            tell(SHEET_DATA, n, total)
    _widths(ws, (14, 5, 18, 12, 17, 17, 12, 30, 12, 18, 12))
    _fit_rows(ws, 1, 1)
    ws.freeze_panes = "A2"
    _print_ready(ws, 1, total + 1)
    if total:
        ws.auto_filter.ref = f"A1:K{total + 1}"
    tell(SHEET_DATA, total, total)


def _skipped_note(report: Report) -> list[str]:
    if not report.skipped:
        return []
    return [report_text.skipped(report.skipped)]


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _id_list(items: Sequence[str]) -> str:
    text = ", ".join(items)
    if len(text) <= CELL_LIMIT:
        return text
    shown = []
    length = 0
    for item in items:
        if length + len(item) + 2 > CELL_LIMIT - 40:
            break
        shown.append(item)
        length += len(item) + 2
    return ", ".join(shown) + report_text.more_items(len(items) - len(shown))


def _bold(size: float | None = None):
    from openpyxl.styles import Font

    return Font(bold=True, size=size) if size else Font(bold=True)


def _header(ws, row: int, headers: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = _bold()
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _row(ws, row: int, values: Sequence[object]) -> None:
    for column, value in enumerate(values, start=1):
        ws.cell(row=row, column=column, value=value)


def _formats(ws, row: int, formats: dict[int, str]) -> None:
    for column, number_format in formats.items():
        ws.cell(row=row, column=column).number_format = number_format


def _notes(ws, row: int, lines: Sequence[str]) -> int:
    """The notes under a table, each across the table's columns and wrapped within them; returns the last row."""
    from openpyxl.styles import Alignment, Font

    columns = ws.max_column
    ws.cell(row=row, column=1, value=report_text.NOTES).font = _bold()
    for offset, line in enumerate(lines, start=1):
        cell = ws.cell(row=row + offset, column=1, value=line)
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if columns > 1:
            ws.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=columns)
        _fit_rows(ws, row + offset, row + offset)
    return row + len(lines)


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped cell `width` characters wide needs for `text`, broken at spaces like Excel does. A line
    is taken as two characters narrower than the column: proportional letters are narrower than Excel's
    width unit, so the row is never too short, at worst a little roomy."""
    room = max(1, int(width) - 2)
    return sum(max(1, len(textwrap.wrap(part, room, break_on_hyphens=False))) for part in str(text).split("\n"))


def _fit_rows(ws, first: int, last: int) -> None:
    """Row heights that show every wrapped cell whole: Excel sizes rows only when it edits them itself."""
    from openpyxl.utils import get_column_letter

    spans = {r.min_row: r.max_col - r.min_col + 1 for r in ws.merged_cells.ranges}
    for row in range(first, last + 1):
        lines = 1
        for cell in ws[row]:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            width = sum(ws.column_dimensions[get_column_letter(cell.column + k)].width
                        for k in range(spans.get(row, 1)))
            lines = max(lines, text_lines(cell.value, width))
        ws.row_dimensions[row].height = min(MAX_ROW_POINTS, lines * LINE_POINTS + ROW_PADDING_POINTS)


def _print_ready(ws, title_row: int, last_row: int) -> None:
    """A4 landscape, every column on the page width, as many pages down as the rows need, the table's
    header row on every page."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    last_column = get_column_letter(ws.max_column)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: no limit, pages follow the rows
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=MARGIN_INCHES, right=MARGIN_INCHES, top=MARGIN_INCHES,
                                  bottom=MARGIN_INCHES)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.print_area = f"A1:{last_column}{max(last_row, title_row)}"


def _widths(ws, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _make_folder(folder: Path) -> None:
    """Create `folder` and its missing parents as FOLDER_MODE whatever the umask; existing ones are left."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, FOLDER_MODE)


class _replacing:
    """Write to a temporary file in the same folder, then rename it over `path`."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Path:
        handle, name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=self.path.suffix,
                                        dir=self.path.parent)
        os.close(handle)
        self.temporary = Path(name)
        return self.temporary

    def __exit__(self, exc_type, exc, tb):
        if exc_type:
            self.temporary.unlink(missing_ok=True)
            return False
        try:
            os.chmod(self.temporary, FILE_MODE)  # mkstemp makes it private; chmod, not the umask, decides
            os.replace(self.temporary, self.path)
        except PermissionError as error:  # Windows: the file is open in Excel
            self.temporary.unlink(missing_ok=True)
            raise ReportError(report_text.not_writable(self.path, error)) from error
        return False


# --- the command ---------------------------------------------------------------

def resolve_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Neither given: the current month to date. Only --from: up to today. Only --to: from the 1st of its month."""
    if start is None and end is None:
        return month_to_date(today)
    if start is None:
        assert end is not None  # both None returned above
        start = end.replace(day=1)
    if end is None:
        end = today
    if end < start:
        raise ReportError(report_text.from_after_to(start.isoformat(), end.isoformat()))
    return start, end


def default_output(base: Path, start: date, end: date) -> Path:
    """<workspace>/laporan/laporan-sop-2026-10.xlsx for a calendar month, else ...-<from>_<to>.xlsx."""
    whole_month = start == end.replace(day=1) and (end + timedelta(days=1)).day == 1
    name = f"laporan-sop-{start:%Y-%m}" if whole_month else f"laporan-sop-{start:%Y-%m-%d}_{end:%Y-%m-%d}"
    return Path(base) / "laporan" / f"{name}.xlsx"


def parse_day(text: str) -> date:
    """A date as the command line gives it (YYYY-MM-DD); an argparse `type=`."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        import argparse

        raise argparse.ArgumentTypeError(report_text.date_invalid(text)) from error


def generate_report(config, start: date | None = None, end: date | None = None, out: Path | None = None,
                    today: date | None = None, threshold: float = DEFAULT_THRESHOLD,
                    progress: Progress | None = None,
                    notice: Callable[[str], None] | None = None) -> tuple[Path, Path]:
    """What `sop-konten report` does: read the journal, build the report, write XLSX and PNG.

    `config` is a loaded `automation.config.Config`. `today` defaults to the configured clock's
    date (it honours SOP_KONTEN_FIXED_TIME). Raises ReportError (and SopError) with one sentence.
    `notice(sentence)` is told when the period has no data (the files are written all the same).
    """
    from automation.bootstrap import Backends

    backends = Backends(config)
    today = today or backends.clock.now().date()
    start, end = resolve_period(start, end, today)
    if not Path(config.journal).exists():
        raise ReportError(report_text.no_journal(config.journal))
    try:
        completions = backends.journal.completions(*period_bounds(start, end, config.timezone))
    finally:
        backends.close()
    report = build_report(backends.sop, completions, start, end, threshold, made_on=today, zone=config.timezone)
    if notice is not None:
        for sentence in report.empty_notice:
            notice(sentence)
    return write_report(report, Path(out) if out else default_output(config.base, start, end), progress)


class ProgressPrinter:
    """The command's progress on stderr, one line per stage whatever the output is.

    On a terminal the line of a stage is rewritten in place while it runs (every 1,000 rows of a long
    sheet) and ends when the stage does. Elsewhere (a log file, a pipe) only the finished line is
    written, without carriage returns, so a log holds each stage once.
    """

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty()
        self.finished: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage in self.finished:
            return  # a stage with nothing to do is finished at its start already
        line = report_text.progress_line(stage, done, total)
        if done == total:
            self.finished.add(stage)
            print(f"\r{line}" if self.terminal else line, file=self.stream, flush=True)
        elif self.terminal and done % PROGRESS_EVERY == 0:
            print(f"\r{line}", end="", file=self.stream, flush=True)

