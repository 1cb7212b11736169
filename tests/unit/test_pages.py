"""The Dasbor's five pages (automation/web/pages.py), read back with an HTML parser as a browser would."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from automation.adapters.clock import FixedClock
from automation.domain import contract as cols
from automation.domain.texts import dasbor as text
from automation.service.journal import Journal
from automation.web import pages
from automation.web.workspace import Workspace
from tests.dasbor_items import CALENDAR, KINDS, NOW, PEOPLE, SOP, ItemWriter, fill

# --- a small DOM ----------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else " " + c.text + " " for c in self.children).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str = "", cls: str = "", **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if ((not tag or child.tag == tag) and (not cls or cls in child.classes)
                        and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())):
                    found.append(child)
                found.extend(child.all(tag, cls, **attrs))
        return found

    def one(self, tag: str = "", cls: str = "", **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag or '*'} class={cls!r} {attrs}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    assert page.startswith("<!DOCTYPE html>")
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


# --- the workspace --------------------------------------------------------------------------------

@pytest.fixture
def ws(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite")
    workspace = Workspace(journal=journal, sop=SOP, calendar=CALENDAR, clock=FixedClock(NOW), poll_seconds=60,
                          publish_path=tmp_path / "terbit", assets_path=tmp_path / "drive",
                          register_name="register.xlsx")
    yield workspace
    journal.close()


@pytest.fixture
def built(ws):
    return {b.kind: b for b in fill(ws.journal, len(KINDS), feed=ws.publish_path)}


def nav_current(page: Node) -> str:
    return page.one("a", aria_current="page").attrs["href"]


# --- Papan ----------------------------------------------------------------------------------------

def test_the_papan_lists_every_open_item_by_step_overdue_first(ws, built):
    page = parse(pages.papan(ws, ""))
    assert nav_current(page) == "/"
    rows = page.all("tr", cls="task")
    shown = [r.attrs["data-id"] for r in rows]
    open_ids = {b.item_id for k, b in built.items() if not k.startswith(("published", "rejected"))}
    assert set(shown) == open_ids and len(shown) == len(open_ids)
    late = next(r for r in rows if r.attrs["data-id"] == built["late-4"].item_id)
    assert "overdue" in late.classes and text.OVERDUE in late.one("strong", cls="late").text
    for section in page.all("section", cls="step"):
        flags = ["overdue" in r.classes for r in section.all("tr", cls="task")]
        assert flags == sorted(flags, reverse=True)
    step4 = page.one("section", id="langkah-4")
    assert SOP.step(4).label in step4.one("h3").text
    due = ws.journal.states()[built["late-4"].item_id].row[cols.DUE]
    assert due in late.text
    assert text.open_summary(len(open_ids), sum("overdue" in r.classes for r in rows), 1, 2) in page.text


def test_the_papan_links_each_item_and_each_persons_tasks(ws, built):
    page = parse(pages.papan(ws, "Sari"))
    links = {a.attrs["href"] for a in page.all("a")}
    assert f"/item/{built['open-3'].item_id}" in links
    assert "/?orang=Dodi" in links
    assert f"{text.SIGNED_IN_AS} Sari" in page.one("form", cls="who").text


def test_my_tasks_shows_only_mine(ws, built):
    page = parse(pages.papan(ws, "", mine="Dodi"))
    rows = page.all("tr", cls="task")
    assert rows and all("Dodi" in r.text for r in rows)
    assert page.one("input", id="orang").attrs["value"] == "Dodi"
    assert text.mine_summary("Dodi", len(rows)) in page.text


def test_the_papan_with_nothing_open_says_so(ws):
    assert text.NO_OPEN_ITEMS in parse(pages.papan(ws, "")).text


def test_a_long_step_shows_the_most_urgent_and_counts_the_rest(ws):
    writer = ItemWriter(ws.journal)
    for number in range(1, pages.PAPAN_ROWS + 6):
        writer.item(number, "open-3")
    writer.flush()
    section = parse(pages.papan(ws, "")).one("section", id="langkah-3")
    assert len(section.all("tr", cls="task")) == pages.PAPAN_ROWS
    assert text.more_tasks(5) in section.text


def test_what_people_typed_is_shown_as_text_never_as_markup(ws):
    writer = ItemWriter(ws.journal)
    writer.item(1, "open-2")
    state = writer.states[0]
    writer.states[0] = type(state)(**{**state.__dict__, "row": {**state.row, cols.TITLE: "<b>Tebal</b> & <script>"}})
    writer.flush()
    for page in (pages.papan(ws, ""), pages.item(ws, "", "K-2026-0001")):
        assert page is not None and "<b>Tebal</b>" not in page and "<script>" not in page
        assert "&lt;b&gt;Tebal&lt;/b&gt; &amp; &lt;script&gt;" in page


# --- Kalender -------------------------------------------------------------------------------------

def test_the_kalender_draws_the_month_with_schedules_and_publications(ws, built):
    page = parse(pages.kalender(ws, "", 2026, 11))
    assert nav_current(page) == "/kalender"
    assert text.month_heading(11, 2026) in page.one("h1").text
    days = page.all("td", cls="day")
    assert len(days) % 7 == 0
    in_month = [d for d in days if "other" not in d.classes]
    assert [d.attrs["data-day"] for d in in_month] == [f"2026-11-{n:02d}" for n in range(1, 31)]
    states = ws.journal.states()
    november = [s for s in states.values() if s.row[cols.SCHEDULE].startswith("2026-11")]
    entries = [(d.attrs["data-day"], e) for d in in_month for e in d.all("a", cls="scheduled")]
    assert sorted(e.attrs["data-id"] for _, e in entries) == sorted(s.item_id for s in november)
    for day, entry in entries:
        assert states[entry.attrs["data-id"]].row[cols.SCHEDULE].startswith(day)
    published = built["published"].item_id
    posted = [e for d in in_month for e in d.all("a", cls="posted") if e.attrs["data-id"] == published]
    platforms = [p.strip() for p in states[published].row[cols.PLATFORM].split(",")]
    assert sorted(e.one("span", cls="chip").text for e in posted) == sorted(platforms)
    assert "today" in page.one("td", data_day="2026-11-30").classes


def test_the_kalender_moves_by_month(ws, built):
    page = parse(pages.kalender(ws, "", 2027, 1))
    assert page.one("a", rel="prev").attrs["href"] == "/kalender?bulan=2026-12"
    assert page.one("a", rel="next").attrs["href"] == "/kalender?bulan=2027-02"
    december = parse(pages.kalender(ws, "", 2026, 12))
    assert december.one("a", rel="next").attrs["href"] == "/kalender?bulan=2027-01"


# --- Item -----------------------------------------------------------------------------------------

def test_a_published_items_story_approval_previews_and_links(ws, built):
    item_id = built["published"].item_id
    page = parse(pages.item(ws, "", item_id) or "")
    assert item_id in page.one("h1").text and built["published"].title in page.one("h1").text
    assert text.OUTCOME_LABELS["published"] in page.one("p", cls="state").text
    events = page.one("section", id="riwayat").all("tr", cls="event")
    assert len(events) == len(ws.journal.events_for(item_id))
    assert "created" in events[0].classes
    assert any(PEOPLE["Kabid IKP"] in e.text and "Disetujui" in e.text for e in events)
    state = ws.journal.states()[item_id]
    from automation.domain.approval import short_digest

    approval = page.one("section", id="persetujuan")
    assert short_digest(state.approved) in approval.text and PEOPLE["Kabid IKP"] in approval.text
    assert "poster.png" in approval.text
    previews = page.all("article", cls="preview")
    platforms = [p.strip() for p in state.row[cols.PLATFORM].split(",")]
    assert [p.attrs["data-platform"] for p in previews] == platforms
    for preview in previews:
        assert "Diunggah seperti ini pada" in preview.one("h3").text
        image = preview.one("img")
        assert image.attrs["src"].startswith("/terbit/") and image.attrs["src"].endswith(f"/{item_id}/poster.jpg")
        assert state.row[cols.CAPTION] in preview.one("div", cls="caption").text
    links = page.one("section", id="tautan").all("a")
    assert sorted(a.attrs["href"] for a in links) == sorted(line.split(": ", 1)[1]
                                                            for line in state.row[cols.LINKS].splitlines())


def test_perlu_dicek_is_explained_on_the_item(ws, built):
    item_id = built["check-7"].item_id
    page = parse(pages.item(ws, "", item_id) or "")
    state = ws.journal.states()[item_id]
    first = state.row[cols.PLATFORM].split(",")[0].strip()
    assert page.one("section", id="perlu-dicek").one("p").text == text.needs_check_explained(first)
    preview = page.one("article", data_platform=first)
    assert text.PUBLISH_STATES["unknown"] in preview.one("p", cls="outcome").text
    assert "PERLU DICEK" in page.one("section", id="tautan").text
    other = parse(pages.item(ws, "", built["open-5"].item_id) or "")
    assert not other.all("section", id="perlu-dicek")


def test_an_undone_edit_is_marked_in_the_story(ws, built):
    undone = next(b for b in built.values() if int(b.item_id[-4:]) % 7 == 0)
    page = parse(pages.item(ws, "", undone.item_id) or "")
    rows = page.all("tr", cls="undone")
    assert len(rows) == 1 and text.UNDONE_EDIT in rows[0].text


def test_the_items_files_with_thumbnails_and_the_preview_as_it_will_be_posted(ws, built):
    item_id = built["open-5"].item_id
    folder = ws.assets_path / SOP.stage_of(5) / f"{item_id} Konten"
    folder.mkdir(parents=True)
    Image.new("RGB", (1080, 1350), (10, 120, 200)).save(folder / "poster utama.png")
    (folder / "naskah.txt").write_text("naskah", encoding="utf-8")
    (folder / ".tersembunyi.png").write_bytes(b"x")
    outside = ws.assets_path.parent / "rahasia.png"
    outside.write_bytes(b"secret")
    os.symlink(outside, folder / "tautan.png")
    page = parse(pages.item(ws, "", item_id) or "")
    assets = page.one("section", id="aset").all("li", cls="asset")
    assert [a.one("span").text for a in assets] == ["naskah.txt", "poster utama.png"]
    poster = assets[1]
    assert poster.one("a").attrs["href"] == f"/berkas/{item_id}/poster%20utama.png"
    assert poster.one("img").attrs["src"] == f"/berkas-kecil/{item_id}/poster%20utama.png"
    assert not assets[0].all("img")
    state = ws.journal.states()[item_id]
    for preview in page.all("article", cls="preview"):
        assert text.WILL_POST in preview.one("h3").text
        assert state.row[cols.CAPTION] in preview.text


def test_a_caption_too_long_for_a_platform_is_warned_before_it_is_posted(ws):
    writer = ItemWriter(ws.journal)
    writer.item(1, "open-6")
    state = writer.states[0]
    long_caption = "Jogja " * 60
    writer.states[0] = type(state)(**{**state.__dict__,
                                      "row": {**state.row, cols.CAPTION: long_caption, cols.PLATFORM: "X, Instagram"}})
    writer.flush()
    page = parse(pages.item(ws, "", "K-2026-0001") or "")
    x = page.one("article", data_platform="X")
    assert x.all("div", cls="warnings") and "X" in x.one("div", cls="warnings").text
    instagram = page.one("article", data_platform="Instagram")
    assert text.NO_WARNINGS in instagram.text
    assert len(instagram.one("div", cls="caption").children[0].strip()) <= 125, "folded where the app folds it"
    assert instagram.one("details", cls="more")
    assert not x.all("details"), "X shows the whole text"


def test_an_unknown_item_is_none_and_its_page_says_so(ws, built):
    assert pages.item(ws, "", "K-2026-9999") is None
    assert pages.item(ws, "", "../../etc/passwd") is None
    page = pages.not_found(ws, "", "<K-2026-9999>")
    assert "&lt;K-2026-9999&gt;" in page
    assert text.item_not_found("<K-2026-9999>") in parse(page).text


def test_items_on_drive_say_where_the_files_are(ws, built):
    on_drive = replace(ws, assets_path=None)
    page = parse(pages.item(on_drive, "", built["open-4"].item_id) or "")
    assert text.ASSETS_ON_DRIVE in page.one("section", id="aset").text


# --- Publikasi ------------------------------------------------------------------------------------

def test_publikasi_shows_the_newest_posts_as_each_platform_shows_them(ws, built):
    page = parse(pages.publikasi(ws, ""))
    assert nav_current(page) == "/publikasi"
    cards = page.all("article", cls="preview")
    published = [p for p in ws.journal.publications() if p.result and p.result.state != "failed"]
    assert len(cards) == len(published)
    times = [c.one("time").attrs["datetime"] for c in cards]
    assert times == sorted(times, reverse=True)
    posted = [c for c in cards if c.attrs["data-id"] == built["published"].item_id]
    assert posted and all(c.one("img").attrs["src"].startswith("/terbit/") for c in posted)
    unknown = [c for c in cards if c.attrs["data-id"] == built["check-7"].item_id
               and text.PUBLISH_STATES["unknown"] in c.text]
    assert len(unknown) == 1


def test_publikasi_without_posts_says_so(ws):
    assert text.NO_PUBLICATIONS in parse(pages.publikasi(ws, "")).text


# --- Kinerja --------------------------------------------------------------------------------------

def test_kinerja_sets_the_months_figures_against_the_standards(ws, built):
    page = parse(pages.kinerja(ws, "", 2026, 11))
    assert nav_current(page) == "/kinerja"
    steps = page.all("tr", cls="good") + page.all("tr", cls="bad") + page.all("tr", cls="none")
    assert sorted(int(r.attrs["data-step"]) for r in steps) == [s.number for s in SOP.steps]
    two = next(r for r in steps if r.attrs["data-step"] == "2")
    cells = [td.text for td in two.all("td")]
    assert cells[1] == SOP.step(2).label and cells[7] == str(SOP.step(2).minutes)
    assert int(cells[3]) > 0
    chart = page.one("figure", cls="chart").one("img")
    assert chart.attrs["src"] == f"{pages.CHART_PATH}?bulan=2026-11"


def test_the_kinerja_chart_is_a_png(ws, built):
    png = pages.kinerja_chart(ws, 2026, 11)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from io import BytesIO

    assert Image.open(BytesIO(png)).size[0] == 960


def test_the_month_asked_for_is_read_forgivingly():
    today = NOW.date()
    assert pages.month_of("2026-12", today) == (2026, 12)
    assert pages.month_of("2026-13", today) == (2026, 11)
    assert pages.month_of("bulan", today) == (2026, 11)
    assert pages.month_of("", today) == (2026, 11)


def test_every_page_is_in_indonesian_from_the_catalogue(ws, built):
    for page in (pages.papan(ws, ""), pages.kalender(ws, "", 2026, 11), pages.item(ws, "", built["published"].item_id),
                 pages.publikasi(ws, ""), pages.kinerja(ws, "", 2026, 11)):
        root = parse(page or "")
        assert root.one("html").attrs["lang"] == "id"
        assert [a.text for a in root.one("nav").all("a")] == list(text.NAV.values())
        assert text.READ_ONLY in root.one("footer").text


def test_every_page_uses_the_stylesheets_and_fits_a_phone(ws, built):
    page = parse(pages.papan(ws, ""))
    assert {link.attrs["href"] for link in page.all("link")} == {"/static/dasbor.css", "/static/pages.css"}
    assert "width=device-width" in page.one("meta", name="viewport").attrs["content"]
    css = (Path(pages.__file__).parent / "static" / "pages.css").read_text(encoding="utf-8")
    assert "@media (max-width:" in css
    assert not page.all("script")


# --- on what the real daemon left ------------------------------------------------------------------

@pytest.mark.slow
def test_the_pages_read_what_the_daemon_left_after_running_an_item_to_publication(tmp_path):
    from automation.config import load_config
    from tests.people import make_workspace, status

    office = make_workspace(tmp_path / "kantor")
    office.propose("Festival Gudeg", Jenis="Infografis", Platform="Instagram, X",
                   Caption="Festival Gudeg 2026 di Alun-alun Utara. #JogjaIstimewa",
                   **{"Jadwal Tayang": "2026-11-30 10:05"})
    office.once(at="2026-11-30T09:00")
    item_id = office.rows()[0]["ID"]
    folder = next((office.root / "drive").glob(f"*/{item_id}*"))
    Image.new("RGB", (1200, 1500), (200, 120, 40)).save(folder / "poster.png")
    office.edit(item_id, {status(5): "Sesuai"})  # typed too early: the daemon undoes it
    office.once(at="2026-11-30T09:01")
    office.advance(item_id, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui"),
                   start_hour=10)
    assert office.row(item_id)["Tahap"] == "Terbit"

    config = load_config(office.config)
    journal = Journal(config.journal)
    try:
        ws = Workspace(journal=journal, sop=SOP, calendar=CALENDAR, clock=FixedClock(NOW), poll_seconds=60,
                       publish_path=config.publish_path, assets_path=config.assets_path,
                       register_name="register.xlsx")
        page = parse(pages.item(ws, "", item_id) or "")
        story = page.one("section", id="riwayat")
        assert len(story.all("tr", cls="event")) == len(journal.events_for(item_id))
        assert story.all("tr", cls="undone"), "the early Sesuai was undone and the story says so"
        assert "Disetujui" in story.text and "Terbit" in story.text
        previews = page.all("article", cls="preview")
        assert [p.attrs["data-platform"] for p in previews] == ["Instagram", "X"]
        for preview in previews:
            assert "Diunggah seperti ini pada" in preview.text
            assert preview.one("img").attrs["src"].startswith(f"/terbit/{preview.attrs['data-platform'].lower()}/")
        assert page.one("section", id="persetujuan").all("li")  # the approved file is named
        assert [a.attrs["href"] for a in page.one("section", id="tautan").all("a")] == []  # local feed: file links
        assert "Instagram" in page.one("section", id="tautan").text
        calendar = parse(pages.kalender(ws, "", 2026, 11))
        day = calendar.one("td", data_day="2026-11-30")
        assert {e.attrs["data-id"] for e in day.all("a", cls="posted")} == {item_id}
        assert {e.attrs["data-id"] for e in day.all("a", cls="scheduled")} == {item_id}
        feed = parse(pages.publikasi(ws, ""))
        assert len(feed.all("article", cls="preview")) == 2
        figures = parse(pages.kinerja(ws, "", 2026, 11))
        counts = {r.attrs["data-step"]: r.all("td")[3].text for r in figures.all("tr") if "data-step" in r.attrs}
        assert counts["2"] == "1" and counts["7"] == "1"
        assert not parse(pages.papan(ws, "")).all("tr", cls="task")
    finally:
        journal.close()


# --- built once per change -----------------------------------------------------------------------

def test_a_page_is_built_again_only_when_what_it_shows_changed(ws, built):
    first = pages.papan(ws, "")
    daemon = Journal(ws.journal.path)  # the running daemon's own connection
    try:
        state = daemon.states()[built["open-3"].item_id]
        daemon.commit_states([state], NOW + timedelta(minutes=1))  # a quiet cycle: nothing changed
        assert pages.papan(ws, "") is first
        assert pages.kalender(ws, "", 2026, 11) is pages.kalender(ws, "", 2026, 11)
        daemon.commit_states([replace(state, row={**state.row, cols.TITLE: "Judul yang diganti"})],
                             NOW + timedelta(minutes=2))
        again = pages.papan(ws, "")
        assert again is not first and "Judul yang diganti" in again
        schedule = state.row[cols.SCHEDULE]
        month = pages.kalender(ws, "", int(schedule[:4]), int(schedule[5:7]))
        assert "Judul yang diganti" in month
    finally:
        daemon.close()


def test_kinerja_and_publikasi_follow_completions_and_publications_from_the_daemon(ws, built):
    from automation.domain.keys import EffectKey, EffectKind, KeyKind
    from automation.domain.results import ActionResult
    from automation.domain.workflow import Completion, Effect

    before = pages.kinerja(ws, "", 2026, 11)
    chart = pages.kinerja_chart(ws, 2026, 11)
    feed = pages.publikasi(ws, "")
    daemon = Journal(ws.journal.path)
    try:
        daemon.record_completions([Completion("K-2026-0500", 2, 1, "2026-11-30T09:00:00+07:00",
                                              "2026-11-30T15:30:00+07:00", "Diterima", "Sari")],
                                  CALENDAR.working_minutes_between)
        key = str(EffectKey("K-2026-0500", 7, 1, KeyKind.PUBLISH, "Facebook"))
        daemon.record_intents([], [Effect(key, EffectKind.PUBLISH, "K-2026-0500",
                                          {"platform": "Facebook", "title": "Kabar baru sekali"})], NOW.isoformat())
        daemon.mark_done(key, ActionResult(ok=True, links=(("Facebook", "https://facebook.example/p/500"),)),
                         NOW.isoformat())
    finally:
        daemon.close()
    counts = lambda page: {r.attrs["data-step"]: int(r.all("td")[3].text)  # noqa: E731
                           for r in parse(page).all("tr") if "data-step" in r.attrs}
    assert counts(pages.kinerja(ws, "", 2026, 11))["2"] == counts(before)["2"] + 1
    assert pages.kinerja_chart(ws, 2026, 11) != chart
    after = pages.publikasi(ws, "")
    assert after != feed and parse(after).all("article", data_id="K-2026-0500")
