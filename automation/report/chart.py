"""The monitoring report's chart: median and 90th-percentile working minutes per step against the standard.

Pillow only. The geometry is computed first, from the numbers alone, by `chart_geometry`, and the
drawing follows it, so a test can read the PNG back and find every bar where the numbers put it.
Fonts never move anything: the margins are fixed and labels are shortened to fit them.

Pixel boxes are half-open: `Box(x0, y0, x1, y1)` covers the pixels x0 <= x < x1, y0 <= y < y1.
A bar starts at the plot's left edge (0 minutes) and is `round(value * px_per_minute)` pixels long
(at least 1 pixel for a value above 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from automation.domain.texts import report as report_text
from automation.report.numbers import format_minutes

WIDTH = 960
LEFT = 260  # room for the step labels
RIGHT = 80  # room for the value printed after the longest bar
TOP = 78  # title and subtitle
BOTTOM = 96  # tick labels, axis title, legend
BAND = 60  # vertical room per step
BAR = 16  # thickness of one bar
BAR_GAP = 2  # between the median and the p90 bar
MARKER_WIDTH = 3  # the standard's vertical line
LABEL_GAP = 4  # between a bar's end and its printed value
TARGET_TICKS = 6

BACKGROUND = (255, 255, 255)
TEXT = (33, 33, 33)
MUTED = (110, 110, 110)
GRID = (225, 225, 225)
AXIS = (90, 90, 90)
MEDIAN_COLOR = (31, 119, 180)
P90_COLOR = (255, 152, 48)
STANDARD_COLOR = (200, 30, 45)

TITLE = report_text.CHART_TITLE
AXIS_TITLE = report_text.CHART_AXIS
LEGEND = ((report_text.CHART_MEDIAN, MEDIAN_COLOR), (report_text.CHART_P90, P90_COLOR),
          (report_text.CHART_STANDARD, STANDARD_COLOR))
NO_DATA = report_text.CHART_NO_DATA


@dataclass(frozen=True)
class ChartRow:
    """One step: its label, its standard and the measured figures (None when nothing was measured)."""

    label: str
    standard: float
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def middle(self) -> tuple[int, int]:
        return (self.x0 + self.x1) // 2, (self.y0 + self.y1) // 2


@dataclass(frozen=True)
class StepGeometry:
    label: str
    band: Box  # the step's horizontal strip of the plot
    median: Box | None  # None when there is no value; width 0 never happens for a value above 0
    p90: Box | None
    standard: Box  # the standard's vertical line; its centre column is `standard_x`
    standard_x: int


@dataclass(frozen=True)
class ChartGeometry:
    width: int
    height: int
    plot: Box
    axis_max: float
    tick: float
    px_per_minute: float
    steps: tuple[StepGeometry, ...]

    def x_of(self, minutes: float) -> int:
        """The column where `minutes` ends, measured from the plot's left edge."""
        return self.plot.x0 + bar_length(minutes, self.px_per_minute)


def nice_axis(largest: float) -> tuple[float, float]:
    """(axis maximum, tick spacing): a 1-2-2.5-5 step giving about six ticks, the maximum a whole tick."""
    if largest <= 0:
        return 10.0, 2.0
    raw = largest / TARGET_TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    tick = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.ceil(largest / tick - 1e-9) * tick, tick


def bar_length(value: float, px_per_minute: float) -> int:
    if value <= 0:
        return 0
    return max(1, round(value * px_per_minute))


def chart_geometry(rows: Sequence[ChartRow], width: int = WIDTH) -> ChartGeometry:
    """Where everything goes, from the numbers alone."""
    height = TOP + BAND * max(1, len(rows)) + BOTTOM
    plot = Box(LEFT, TOP, width - RIGHT, TOP + BAND * max(1, len(rows)))
    largest = max([0.0] + [v for r in rows for v in (r.standard, r.median, r.p90) if v is not None])
    axis_max, tick = nice_axis(largest)
    scale = plot.width / axis_max
    steps = []
    for i, row in enumerate(rows):
        band = Box(plot.x0, plot.y0 + i * BAND, plot.x1, plot.y0 + (i + 1) * BAND)
        top = band.y0 + (BAND - 2 * BAR - BAR_GAP) // 2
        median = _bar(plot.x0, top, row.median, scale)
        p90 = _bar(plot.x0, top + BAR + BAR_GAP, row.p90, scale)
        x = plot.x0 + bar_length(row.standard, scale)
        standard = Box(x - MARKER_WIDTH // 2, band.y0 + 6, x - MARKER_WIDTH // 2 + MARKER_WIDTH, band.y1 - 6)
        steps.append(StepGeometry(row.label, band, median, p90, standard, x))
    return ChartGeometry(width, height, plot, axis_max, tick, scale, tuple(steps))


def _bar(x0: int, y0: int, value: float | None, scale: float) -> Box | None:
    if value is None or value <= 0:
        return None
    return Box(x0, y0, x0 + bar_length(value, scale), y0 + BAR)


def label_x(bar_end: int, standard: Box, text_width: int) -> int:
    """Where a bar's value starts: LABEL_GAP after the bar's end. Only when the text would cross the
    standard's line does it move just past that line, so a value is never read as far from its bar."""
    x = bar_end + LABEL_GAP
    if x < standard.x1 and x + text_width > standard.x0 - 1:
        return standard.x1 + LABEL_GAP
    return x


def render_chart(rows: Sequence[ChartRow], subtitle: str = "", title: str = TITLE,
                 width: int = WIDTH) -> tuple[Image.Image, ChartGeometry]:
    g = chart_geometry(rows, width)
    image = Image.new("RGB", (g.width, g.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    fonts = _Fonts()

    draw.text((20, 14), title, fill=TEXT, font=fonts.title)
    if subtitle:
        draw.text((20, 44), subtitle, fill=MUTED, font=fonts.small)

    # Grid and ticks first: everything else is drawn over them.
    for k in range(int(round(g.axis_max / g.tick)) + 1):
        minutes = k * g.tick
        x = g.x_of(minutes) if minutes else g.plot.x0
        draw.line([(x, g.plot.y0), (x, g.plot.y1)], fill=GRID, width=1)
        text = format_minutes(minutes)
        draw.text((x - fonts.small.getlength(text) / 2, g.plot.y1 + 6), text, fill=MUTED, font=fonts.small)
    axis_title_width = fonts.normal.getlength(AXIS_TITLE)
    draw.text(((g.plot.x0 + g.plot.x1 - axis_title_width) / 2, g.plot.y1 + 26), AXIS_TITLE, fill=TEXT,
              font=fonts.normal)

    for row, step in zip(rows, g.steps, strict=True):
        label = _fit(row.label, fonts.normal, LEFT - 24)
        y = step.band.y0 + BAND // 2
        draw.text((LEFT - 12 - fonts.normal.getlength(label), y - 17), label, fill=TEXT, font=fonts.normal)
        baku = report_text.chart_standard(format_minutes(row.standard))
        draw.text((LEFT - 12 - fonts.small.getlength(baku), y + 3), baku, fill=MUTED, font=fonts.small)
        # The standard's line goes under the bars: it shows above and below them.
        s = step.standard
        draw.rectangle((s.x0, s.y0, s.x1 - 1, s.y1 - 1), fill=STANDARD_COLOR)
        for box, value, color in ((step.median, row.median, MEDIAN_COLOR), (step.p90, row.p90, P90_COLOR)):
            if box is None:
                continue
            draw.rectangle((box.x0, box.y0, box.x1 - 1, box.y1 - 1), fill=color)
            text = format_minutes(value)
            x = label_x(box.x1, s, int(math.ceil(fonts.small.getlength(text))))
            draw.text((x, box.y0 + 1), text, fill=TEXT, font=fonts.small)
        if row.median is None and row.p90 is None:
            draw.text((g.plot.x0 + 8, y - 8), NO_DATA, fill=MUTED, font=fonts.small)

    # The axes sit just outside the plot box, so they never cover a bar's first column or last row.
    draw.line([(g.plot.x0 - 1, g.plot.y0), (g.plot.x0 - 1, g.plot.y1)], fill=AXIS, width=1)
    draw.line([(g.plot.x0 - 1, g.plot.y1), (g.plot.x1, g.plot.y1)], fill=AXIS, width=1)

    x = g.plot.x0
    y = g.plot.y1 + 56
    for text, color in LEGEND:
        if color == STANDARD_COLOR:
            draw.rectangle((x + 6, y - 4, x + 6 + MARKER_WIDTH - 1, y + 17), fill=color)
        else:
            draw.rectangle((x, y, x + 15, y + 13), fill=color)
        draw.text((x + 22, y - 1), text, fill=TEXT, font=fonts.normal)
        x += 22 + int(fonts.normal.getlength(text)) + 30
    return image, g


def save_chart(rows: Sequence[ChartRow], path: Path, subtitle: str = "", title: str = TITLE) -> ChartGeometry:
    image, geometry = render_chart(rows, subtitle=subtitle, title=title)
    image.save(path, format="PNG")
    return geometry


def _fit(text: str, font, width: float) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "...") > width:
        text = text[:-1]
    return text + "..."


class _Fonts:
    """Pillow's bundled font (the same on every machine); a bitmap font if FreeType is missing."""

    def __init__(self):
        self.title = _font(20)
        self.normal = _font(15)
        self.small = _font(13)


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError, TypeError):  # Pillow without FreeType: only the fixed bitmap font
        return ImageFont.load_default()
