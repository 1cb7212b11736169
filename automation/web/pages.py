"""The Dasbor's pages: Papan, Kalender, Item, Publikasi and Kinerja, as HTML from the read model.

Each function reads the journal through service/board.py (and, for Kinerja, the monitoring report's
tables and chart), looks at files only inside the workspace's own folders, and renders one template
of automation/domain/texts/pages. `person` is the signed-in person's name for the header ("" = none).
The server (app.py) maps the URL scheme onto these functions, and CHART_PATH onto `kinerja_chart`.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote, unquote, urlparse

from automation.adapters.local.feed import (
    POST_FILE,
    card_frame,
    feed_shape,
    fold_caption,
    kind_by_suffix,
    media_infos,
    platform_folder,
    ratio_text,
)
from automation.adapters.local.folders import CONTRIBUTOR_FILE, FolderAssetStore, is_ignored
from automation.domain.contract import ID_PATTERN
from automation.domain.post_check import platform_title, post_problems
from automation.domain.texts import dasbor as text
from automation.report.monitoring import Report, build_report, format_percent, period_bounds
from automation.report.numbers import format_minutes
from automation.service import board
from automation.web.templates import render
from automation.web.workspace import Workspace

T = TypeVar("T")
ITEM_PATH = "/item/"
CHART_PATH = "/kinerja/grafik.png"  # the server routes it to kinerja_chart (?bulan=YYYY-MM)
FEED_LIMIT = 100  # publications on the Publikasi page: the newest
PAPAN_ROWS = 30  # the most urgent items shown per step; the rest are counted (a phone cannot scroll 1,000 rows)
PAGES_KEPT = 64  # pages (and their models) kept at most; all are dropped when more are asked for
ROSTER_META = "roster.active"  # journal meta the daemon keeps: [{name, email, roles}] of active people


# --- built once per change of what a page shows ----------------------------------------------------

_built: dict[tuple[Any, ...], Any] = {}
_built_lock = threading.Lock()
STATES, PUBLICATIONS, ACTIVATIONS = "states", "publications", "activations"


def _once(ws: Workspace, key: tuple[Any, ...], build: Callable[[], T], depends: tuple[str, ...]) -> T:
    """`build()` once per `key` and per state of what it `depends` on in the journal.

    A page is a function of parts of the journal and of what the request asks. The daemon writes the
    journal every cycle, mostly without changing what a page shows; so a page is built again only when
    the states it reads changed (STATES), a publication was performed (PUBLICATIONS) or a step completed
    (ACTIVATIONS). Times that move with the clock (the Papan's time left) go into `key` at the minute."""
    marks = tuple(_mark(ws, part) for part in depends)
    full = (ws.journal.token, *marks, *key)
    with _built_lock:
        if full in _built:
            return cast(T, _built[full])
    value = build()
    with _built_lock:
        if len(_built) >= PAGES_KEPT:
            _built.clear()
        _built[full] = value
    return value


_marks: dict[tuple[Any, ...], object] = {}


def _mark(ws: Workspace, part: str) -> object:
    """Where `part` of the journal stands; asked of the journal once per change of it (its stamp)."""
    stamp = (ws.journal.token, board.journal_stamp(ws.journal), part)
    with _built_lock:
        if stamp in _marks:
            return _marks[stamp]
    if part == STATES:
        mark: object = board.snapshot(ws.journal).generation
    elif part == PUBLICATIONS:
        mark = ws.journal.publications_mark()
    else:
        mark = ws.journal.activations_mark()
    with _built_lock:
        if len(_marks) >= PAGES_KEPT:
            _marks.clear()
        _marks[stamp] = mark
    return mark


def forget() -> None:
    """Drop everything built (the benchmark's cold start)."""
    with _built_lock:
        _built.clear()
        _marks.clear()
    board.forget()


def warm(ws: Workspace) -> None:
    """Build what the pages read (every item state parsed once, this month's calendar and figures) before the
    first request: cold, at 10,000 items, that is 0.2-0.4 s a page, which belongs to the start, not to a person."""
    now = _minute(ws)
    papan(ws, "")
    kalender(ws, "", now.year, now.month)
    kinerja(ws, "", now.year, now.month)


def _minute(ws: Workspace) -> datetime:
    return ws.clock.now().replace(second=0, microsecond=0)


# --- Papan ----------------------------------------------------------------------------------------

def papan(ws: Workspace, person: str, mine: str = "") -> str:
    now = _minute(ws)
    return _once(ws, ("papan", person, mine.strip(), now, _roster_text(ws)),
                 lambda: _papan(ws, person, mine.strip(), now), (STATES,))


def _board(ws: Workspace, now: datetime, mine: str = "") -> board.Board:
    return _once(ws, ("board", mine, now, _roster_text(ws)),
                 lambda: board.board(ws.journal, ws.sop, ws.calendar, now, mine, aliases=_aliases(ws)), (STATES,))


def _papan(ws: Workspace, person: str, mine: str, now: datetime) -> str:
    view = _board(ws, now, mine)
    return render("papan.html", active="/", person=person, board=view, mine=mine.strip(), limit=PAPAN_ROWS,
                  left=_left, when=_when, item_url=item_url)


def _left(task: board.Task) -> str:
    """'45 menit lagi', 'Terlambat 2 jam'; an item the daemon found late before its Tenggat: 'Terlambat'."""
    if task.minutes_left is None or (task.overdue and task.minutes_left >= 0):
        return text.OVERDUE if task.overdue else text.NO_DUE
    return text.time_left(task.minutes_left)


def _roster_text(ws: Workspace) -> str:
    return ws.journal.get_meta(ROSTER_META) or ""


def _aliases(ws: Workspace) -> dict[str, str]:
    """E-mail -> name of the active people, as the daemon last read Petugas (when it keeps them)."""
    try:
        people = json.loads(_roster_text(ws) or "[]")
    except ValueError:
        return {}
    return {str(p.get("email", "")): str(p.get("name", "")) for p in people
            if isinstance(p, dict) and p.get("email")}


# --- Kalender -------------------------------------------------------------------------------------

def kalender(ws: Workspace, person: str, year: int, month: int) -> str:
    today = ws.clock.now().astimezone(ws.calendar.tz).date()
    return _once(ws, ("kalender", person, year, month, today), lambda: _kalender(ws, person, year, month, today),
                 (STATES, PUBLICATIONS))


def _kalender(ws: Workspace, person: str, year: int, month: int, today: date) -> str:
    view = board.month(ws.journal, ws.sop, ws.calendar.tz, year, month)
    days = [[_calendar_day(day) for day in week] for week in view.weeks]
    return render("kalender.html", active="/kalender", person=person, month=view, weeks=days, today=today,
                  previous=_month_param(*_shift(year, month, -1)), following=_month_param(*_shift(year, month, 1)),
                  platform_class=platform_class)


@dataclass(frozen=True)
class Entry:
    """One line of a Kalender day, ready to draw: a month holds thousands, so nothing is computed in the template."""

    href: str
    item_id: str
    time: str
    label: str
    css: str  # scheduled / posted, and the item's outcome or the post's state
    chips: tuple[tuple[str, str], ...]  # (css, platform)
    note: str  # the post's state when it is not simply published


def _calendar_day(day: board.Day) -> tuple[board.Day, list[Entry]]:
    entries = [Entry(item_url(s.item_id), s.item_id, _clock(s.when), s.title or s.item_id,
                     f"scheduled {s.outcome}", tuple((platform_class(p), p) for p in s.platforms), "")
               for s in day.scheduled]
    entries += [Entry(item_url(p.item_id), p.item_id, _clock(p.when), p.title or p.item_id, f"posted {p.state}",
                      ((platform_class(p.platform), p.platform),),
                      text.PUBLISH_STATES.get(p.state, p.state) if p.state != "published" else "")
                for p in day.posted]
    return day, entries


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _month_param(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


@lru_cache(maxsize=256)
def platform_class(platform: str) -> str:
    """A CSS class per platform ('p-instagram'), so each platform keeps its colour on every page."""
    try:
        return f"p-{platform_folder(platform)}"
    except ValueError:
        return "p-lain"


# --- Item -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Asset:
    name: str
    kind: str  # image, video, unknown
    url: str
    thumbnail: str  # "" when there is none (not an image)


@dataclass(frozen=True)
class Preview:
    """One platform's post as it will be sent, or as it was."""

    platform: str
    css: str
    posted_at: str  # "" while not posted
    title: str
    title_shown: bool  # the platform shows a title (YouTube)
    shown: str  # the caption up to where the app folds it
    hidden: str  # the rest, behind "selengkapnya"
    media_kind: str  # image, video, text
    frame: str  # "4:5", "rasio asli"
    aspect: str  # CSS aspect-ratio, "" for the media's own
    fills: bool
    media: tuple[Asset, ...]
    warnings: tuple[str, ...]
    outcome: board.PlatformOutcome | None


def item(ws: Workspace, person: str, item_id: str) -> str | None:
    """The item's page; None when the journal knows no item with this ID (the server answers 404)."""
    found = board.story(ws.journal, ws.sop, ws.calendar.tz, item_id.strip())
    if found is None:
        return None
    item_id = found.state.item_id
    assets = _assets(ws, item_id)
    previews = [_preview(ws, found, platform, assets) for platform in found.platforms]
    return render("item.html", active="", person=person, story=found, assets=assets, previews=previews,
                  assets_local=ws.assets_path is not None, when=_when, iso_when=_iso_when,
                  needs_check=text.needs_check_explained(", ".join(found.needs_check)) if found.needs_check else "",
                  links=[_link(line) for line in found.links])


def not_found(ws: Workspace, person: str, item_id: str) -> str:
    """The page for an unknown or ill-formed item ID (served with 404)."""
    return render("not_found.html", active="", person=person, item_id=item_id)


def item_url(item_id: str) -> str:
    return ITEM_PATH + (item_id if ID_PATTERN.fullmatch(item_id) else quote(item_id, safe=""))


def _assets(ws: Workspace, item_id: str) -> tuple[Asset, ...]:
    """The files of the item's current folder, by name; never through a link, never outside the folder."""
    if ws.assets_path is None:
        return ()
    link = FolderAssetStore(ws.assets_path, ws.sop.intake_stage).link(item_id)
    if not link:
        return ()
    folder = Path(unquote(urlparse(link).path))
    try:
        with os.scandir(folder) as entries:
            names = sorted((e.name for e in entries if e.is_file(follow_symlinks=False) and not is_ignored(e.name)
                            and e.name.lower() != CONTRIBUTOR_FILE), key=str.casefold)
    except OSError:
        return ()
    found = []
    for name in names:
        kind = kind_by_suffix(name)
        url = f"/berkas/{quote(item_id, safe='')}/{quote(name, safe='')}"
        thumbnail = f"/berkas-kecil/{quote(item_id, safe='')}/{quote(name, safe='')}" if kind == "image" else ""
        found.append(Asset(name, kind, url, thumbnail))
    return tuple(found)


def _preview(ws: Workspace, story: board.Story, platform: str, assets: Sequence[Asset]) -> Preview:
    outcome = story.outcomes.get(platform)
    record = _posted_record(ws, platform, story.state.item_id)
    shape = feed_shape(platform)
    if record is not None:  # as it was posted: the published feed's own copy
        folder = f"/terbit/{quote(platform_folder(platform), safe='')}/{quote(story.state.item_id, safe='')}"
        infos = media_infos(record)
        media = tuple(Asset(str(i.get("name", "")), str(i.get("kind", "")),
                            f"{folder}/{quote(str(i.get('name', '')), safe='')}", "") for i in infos)
        caption, title = str(record.get("caption", "")), str(record.get("title", ""))
        warnings = tuple(str(n) for n in record.get("notes", []) if str(n).strip())
        posted_at = _iso_when(str(record.get("published_at", "")))
    else:  # as it will be sent: the register's caption and the item's files, checked like publishing does
        infos = [{"name": a.name, "kind": a.kind} for a in assets]
        media = tuple(assets)
        caption = story.caption
        title = platform_title(platform, story.title, caption)
        checked = [w for w in story.state.warnings if w.startswith(f"{platform}:")]
        warnings = tuple(dict.fromkeys([*post_problems(platform, caption, title, None), *checked]))
        posted_at = _iso_when(outcome.at) if outcome and outcome.state == "published" and outcome.at else ""
    kind, frame, fills = card_frame(shape, infos)
    shown, hidden = fold_caption(caption, shape.caption_fold)
    return Preview(
        platform=platform, css=platform_class(platform), posted_at=posted_at, title=title,
        title_shown=shape.title_shown, shown=shown, hidden=hidden, media_kind=kind,
        frame=ratio_text(frame) if frame else text.OWN_RATIO, aspect=f"{frame[0]} / {frame[1]}" if frame else "",
        fills=fills, media=tuple(m for m in media if m.kind == kind), warnings=warnings, outcome=outcome)


def _posted_record(ws: Workspace, platform: str, item_id: str) -> dict[str, Any] | None:
    """post.json of the item's post in the published feed, when the local feed published it."""
    try:
        path = ws.publish_path / platform_folder(platform) / item_id / POST_FILE
        if path.is_symlink() or not path.is_file():
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _link(line: str) -> tuple[str, str]:
    """(label, href) of a Tautan Publikasi line 'Platform: https://...'; href "" when it is no web link."""
    target = line.partition(": ")[2].strip() or line.strip()
    return (line, target) if target.startswith(("https://", "http://")) else (line, "")


# --- Publikasi ------------------------------------------------------------------------------------

def publikasi(ws: Workspace, person: str) -> str:
    return _once(ws, ("publikasi", person), lambda: _publikasi(ws, person), (PUBLICATIONS,))


def _publikasi(ws: Workspace, person: str) -> str:
    posts = board.feed(ws.journal, ws.calendar.tz, FEED_LIMIT)
    cards = [_card(ws, post) for post in posts]
    return render("publikasi.html", active="/publikasi", person=person, cards=cards, limit=FEED_LIMIT,
                  item_url=item_url)


@dataclass(frozen=True)
class Card:
    post: board.Posted
    css: str
    when: str
    preview: Preview | None  # the local feed's copy, when there is one
    links: tuple[tuple[str, str], ...]


def _card(ws: Workspace, post: board.Posted) -> Card:
    record = _posted_record(ws, post.platform, post.item_id)
    preview = None
    if record is not None:
        shape = feed_shape(post.platform)
        folder = f"/terbit/{quote(platform_folder(post.platform), safe='')}/{quote(post.item_id, safe='')}"
        infos = media_infos(record)
        kind, frame, fills = card_frame(shape, infos)
        media = tuple(Asset(str(i.get("name", "")), str(i.get("kind", "")),
                            f"{folder}/{quote(str(i.get('name', '')), safe='')}", "")
                      for i in infos if i.get("kind") == kind)
        shown, hidden = fold_caption(str(record.get("caption", "")), shape.caption_fold)
        preview = Preview(post.platform, platform_class(post.platform), _when(post.when),
                          str(record.get("title", "")), shape.title_shown, shown, hidden, kind,
                          ratio_text(frame) if frame else text.OWN_RATIO,
                          f"{frame[0]} / {frame[1]}" if frame else "", fills, media,
                          tuple(str(n) for n in record.get("notes", []) if str(n).strip()), None)
    links = tuple((link, link) for link in post.links if link.startswith(("https://", "http://")))
    return Card(post, platform_class(post.platform), _when(post.when), preview, links)


# --- Kinerja --------------------------------------------------------------------------------------

def kinerja(ws: Workspace, person: str, year: int, month: int) -> str:
    now = _minute(ws)
    return _once(ws, ("kinerja", person, year, month, now), lambda: _kinerja(ws, person, year, month, now),
                 (STATES, ACTIVATIONS))


def _kinerja(ws: Workspace, person: str, year: int, month: int, now: datetime) -> str:
    report = _report(ws, year, month)
    late = _board(ws, now)
    overdue_by_step = {step.number: sum(t.overdue for t in tasks) for step, tasks in late.by_step}
    rows = [{
        "summary": s, "assessment": m.assessment, "note": m.note, "overdue": overdue_by_step.get(s.number, 0),
        "median": format_minutes(s.median), "p90": format_minutes(s.p90), "maximum": format_minutes(s.maximum),
        "on_time": format_percent(s.on_time_share),
    } for s, m in zip(report.summary, report.monitoring, strict=True)]
    return render("kinerja.html", active="/kinerja", person=person, report=report, rows=rows, year=year,
                  month=month, overdue=late.overdue, chart=f"{CHART_PATH}?bulan={_month_param(year, month)}",
                  previous=_month_param(*_shift(year, month, -1)), following=_month_param(*_shift(year, month, 1)))


def kinerja_chart(ws: Workspace, year: int, month: int) -> bytes:
    """The monitoring report's chart for the month, as PNG."""
    from automation.report.chart import render_chart  # Pillow only when a chart is asked for

    report = _report(ws, year, month)

    def draw() -> bytes:
        image, _ = render_chart(report.chart_rows(), subtitle=report.period_text)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    return _once(ws, ("grafik", report.start, report.end), draw, (ACTIVATIONS,))


def _report(ws: Workspace, year: int, month: int) -> Report:
    """The report's tables for the month; the current month up to today (the report's month-to-date)."""
    first, after = board.month_bounds(year, month)
    today = ws.clock.now().astimezone(ws.calendar.tz).date()
    last = min(after - timedelta(days=1), max(today, first))

    def build() -> Report:
        low, high = period_bounds(first, last)
        return build_report(ws.sop, ws.journal.completions(low, high), first, last)

    return _once(ws, ("report", first, last), build, (ACTIVATIONS,))


# --- how times read -------------------------------------------------------------------------------

def _when(moment: datetime | date | None) -> str:
    """'30 Nov 2026 09.05' (day, month name, year, time): how the pages write a moment."""
    if moment is None:
        return text.NO_DUE
    if isinstance(moment, datetime):
        return f"{moment.day} {text.MONTHS[moment.month - 1]} {moment.year} {moment:%H.%M}"
    return f"{moment.day} {text.MONTHS[moment.month - 1]} {moment.year}"


def _iso_when(value: str) -> str:
    try:
        return _when(datetime.fromisoformat(value))
    except ValueError:
        return value


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}.{moment.minute:02d}"


def month_of(value: str, today: date) -> tuple[int, int]:
    """?bulan=2026-12 -> (2026, 12); today's month when absent or unreadable (a helper for the server)."""
    try:
        year, month = (int(part) for part in value.split("-", 1))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return today.year, today.month

