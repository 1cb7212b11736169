"""The Kabid's approval binds the content: files, caption, platforms and schedule as they were approved."""

from __future__ import annotations

import json
import os
import re

import pytest

from automation.bootstrap import build_app
from automation.config import load_config
from automation.domain.approval import approved_content, short_digest
from automation.domain.keys import EffectKind
from automation.domain.sop import load_sop
from automation.service.journal import Journal
from tests.people import actor, make_workspace, status

SCHEDULE = "2026-11-30 12:00"  # publication waits for it: the window in which content may change


def poster(colour: tuple[int, int, int]) -> bytes:
    """A real PNG (local mode prepares and checks the media as a platform would), one per colour."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1350), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def approved(ws, schedule=SCHEDULE, platform="Instagram, X"):
    """An item approved at 09:06 with poster.png in its folder, waiting for its schedule."""
    ws.propose("Festival Gudeg", Jenis="Infografis", Platform=platform, Caption="Festival Gudeg 2026. #Jogja",
               **{"Jadwal Tayang": schedule} if schedule else {})
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    (folder / "poster.png").write_bytes(poster((200, 120, 40)))  # as approved
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"),
                                            (6, "Disetujui")], start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    return item


def folder_of(ws, item):
    return next(p for p in (ws.root / "drive").glob(f"*/{item}*") if p.is_dir())


def posts(ws, item):
    return sorted(p.parent.parent.name for p in (ws.root / "published").glob(f"*/{item}/post.json"))


def kabid_mails(ws, item):
    return [m for m in ws.mails() if "kabid@ikp.example" in str(m["To"]) and item in m["Subject"]]


def journal_state(ws, item):
    journal = Journal(ws.root / "journal.sqlite3")
    try:
        return journal.states()[item]
    finally:
        journal.close()


def assert_reopened(ws, item, *changed):
    row = ws.row(item)
    assert posts(ws, item) == []
    assert row[status(6)] == "Menunggu" and row[actor(6)] == "Ratna Kabid IKP"
    assert row[status(7)] == "" and row["Tahap"].startswith("6. Persetujuan")
    assert ws.folder_stage(item) == "06 Persetujuan"
    for what in changed:
        assert what in row["Catatan Sistem"]
    assert "konten tidak diunggah" in row["Catatan Sistem"]
    mail = kabid_mails(ws, item)[-1]
    assert mail["Subject"].startswith("[sop-konten] Persetujuan diminta ulang: 6. Persetujuan")
    for what in changed:
        assert what in mail.get_body(("plain",)).get_content()  # the pictures are attached
    reopened = [r for r in ws.log() if r["ID"] == item and r["Keterangan"].startswith("Persetujuan dibuka lagi")]
    assert len(reopened) == 1 and reopened[0]["Dari"] == "Disetujui" and reopened[0]["Menjadi"] == "Menunggu"
    assert journal_state(ws, item).approved == {}


@pytest.mark.slow
def test_nothing_changed_publishes_as_before_and_the_log_shows_the_approved_digest(ws):
    item = approved(ws)
    assert ws.row(item)[status(7)] == "Menunggu"
    ws.once(at="2026-11-30T12:00")
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and posts(ws, item) == ["instagram", "x"]

    state = journal_state(ws, item)
    assert set(state.approved) == {"file:poster.png", "Caption", "Platform", "Jadwal Tayang"}
    files = {"poster.png": "sha256:" + __import__("hashlib").sha256(
        (folder_of(ws, item) / "poster.png").read_bytes()).hexdigest()}
    assert state.approved == approved_content(files, row, load_sop())  # the full digests, per part
    approval = next(r for r in ws.log() if r["ID"] == item and r["Menjadi"] == "Disetujui")
    shown = re.search(r"Digest konten yang disetujui: ([0-9a-f]{12})\.", approval["Keterangan"])
    assert shown and shown.group(1) == short_digest(state.approved)


def test_a_file_changed_after_approval_is_not_published_and_the_approval_reopens(ws):
    item = approved(ws)
    (folder_of(ws, item) / "poster.png").write_bytes(poster((40, 120, 200)))  # changed afterwards
    ws.once(at="2026-11-30T12:00")
    assert_reopened(ws, item, "berkas poster.png diubah")
    ws.once(at="2026-11-30T12:01")  # told once, not every cycle
    assert len(kabid_mails(ws, item)) == 2 and posts(ws, item) == []  # the first task, then the reopening


def test_files_added_and_removed_are_named(ws):
    item = approved(ws)
    folder = folder_of(ws, item)
    (folder / "poster.png").unlink()
    (folder / "poster-baru.png").write_bytes(b"another poster")
    ws.once(at="2026-11-30T12:00")
    assert_reopened(ws, item, "berkas poster-baru.png ditambahkan", "berkas poster.png dihapus")


@pytest.mark.parametrize(("column", "value", "named"), [
    ("Caption", "Festival Gudeg 2026 diundur. #Jogja", "Caption diubah"),
    ("Platform", "Instagram", "Platform diubah"),
])
def test_a_row_part_changed_after_approval_reopens_it(ws, column, value, named):
    item = approved(ws)
    ws.edit(item, {column: value})
    ws.once(at="2026-11-30T12:00")
    assert_reopened(ws, item, named)


def test_the_platforms_merely_reordered_are_the_same_approval(ws):
    item = approved(ws)
    ws.edit(item, {"Platform": "x, Instagram"})
    ws.once(at="2026-11-30T12:00")
    assert ws.row(item)[status(7)] == "Terbit"


@pytest.mark.slow
def test_re_approval_after_a_change_publishes_the_new_content(ws):
    item = approved(ws)
    ws.edit(item, {"Caption": "Festival Gudeg 2026 diundur. #Jogja"})
    ws.once(at="2026-11-30T12:00")
    assert_reopened(ws, item, "Caption diubah")
    ws.edit(item, {status(6): "Disetujui", "Jadwal Tayang": "2026-11-30 13:00"})  # the old time has passed
    ws.once(at="2026-11-30T12:05")
    assert ws.row(item)[status(7)] == "Menunggu" and posts(ws, item) == []
    ws.once(at="2026-11-30T13:00")
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and posts(ws, item) == ["instagram", "x"]
    post = json.loads((ws.root / "published" / "x" / item / "post.json").read_text(encoding="utf-8"))
    assert "diundur" in json.dumps(post, ensure_ascii=False)
    approvals = [r for r in ws.log() if r["ID"] == item and r["Menjadi"] == "Disetujui"]
    digests = [re.search(r"[0-9a-f]{12}", r["Keterangan"]).group(0) for r in approvals]
    assert len(digests) == 2 and digests[0] != digests[1]
    assert digests[1] == short_digest(journal_state(ws, item).approved)


def test_a_file_changed_right_before_the_post_goes_out_is_caught_then(ws):
    """The check right before performing the post sees a change made after the decision to publish."""
    other = ws
    item = approved(other, schedule=SCHEDULE)
    os.environ["SOP_KONTEN_FIXED_TIME"] = "2026-11-30T12:00"
    app = build_app(load_config(other.config))
    swapped = []

    def change_the_file(count, effect):
        if effect.kind == EffectKind.PUBLISH and not swapped:
            (folder_of(other, item) / "poster.png").write_bytes(poster((0, 0, 0)))  # swapped before the post
            swapped.append(effect.key)

    app.engine.before_effect = change_the_file
    try:
        app.engine.run_once()
    finally:
        app.close()
        os.environ.pop("SOP_KONTEN_FIXED_TIME", None)
    assert_reopened(other, item, "berkas poster.png diubah")

