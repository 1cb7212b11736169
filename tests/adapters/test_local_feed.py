"""LocalFeedPublisher writing real folders and index.html in tmp_path."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from automation.adapters.local.feed import LocalFeedPublisher, platform_folder, sweep_staging
from automation.ports import MediaFile, Post

WIB = timezone(timedelta(hours=7))


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def media_files(folder: Path) -> tuple[MediaFile, ...]:
    folder.mkdir(exist_ok=True)
    (folder / "poster.png").write_bytes(b"\x89PNG gambar")
    (folder / "klip.mp4").write_bytes(b"video")
    return (MediaFile("poster.png", folder / "poster.png"), MediaFile("sub/klip.mp4", folder / "klip.mp4"))


def make_post(item_id="K-001", platform="Instagram", caption="Selamat Hari Jadi!\nBaris kedua <b>", media=()):
    return Post(
        key=f"{item_id}/{platform}",
        item_id=item_id,
        platform=platform,
        title=f"Hari Jadi {item_id} & Kota",
        caption=caption,
        kind="Infografis",
        media=media,
    )


def test_platform_folder_names():
    assert platform_folder("Instagram") == "instagram"
    assert platform_folder("X") == "x"
    assert platform_folder("YouTube Shorts") == "youtube-shorts"


def test_publish_writes_the_post_folder(tmp_path):
    feed = LocalFeedPublisher(tmp_path / "feed", clock=FixedClock(datetime(2024, 5, 1, 9, 30, tzinfo=WIB)))
    result = feed.publish(make_post(media=media_files(tmp_path / "src")))
    folder = tmp_path / "feed" / "instagram" / "K-001"
    assert result.platform == "Instagram" and result.link == folder.resolve().as_uri()
    assert sorted(p.name for p in folder.iterdir()) == ["caption.txt", "klip.mp4", "post.json", "poster.png"]
    assert (folder / "poster.png").read_bytes() == b"\x89PNG gambar"
    assert (folder / "caption.txt").read_text(encoding="utf-8") == "Selamat Hari Jadi!\nBaris kedua <b>\n"
    record = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert record == {
        "key": "K-001/Instagram",
        "item_id": "K-001",
        "platform": "Instagram",
        "title": "Hari Jadi K-001 & Kota",
        "kind": "Infografis",
        "caption": "Selamat Hari Jadi!\nBaris kedua <b>",
        "published_at": "2024-05-01T09:30:00+07:00",
        "media": ["poster.png", "klip.mp4"],
    }
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_publish_is_idempotent(tmp_path):
    clock = FixedClock(datetime(2024, 5, 1, 9, 30, tzinfo=WIB))
    feed = LocalFeedPublisher(tmp_path / "feed", clock=clock)
    first = feed.publish(make_post(media=media_files(tmp_path / "src")))
    post_json = tmp_path / "feed" / "instagram" / "K-001" / "post.json"
    before = post_json.read_bytes()

    clock.moment += timedelta(hours=1)
    again = feed.publish(make_post(caption="teks lain"))
    assert again == first
    assert post_json.read_bytes() == before
    assert "teks lain" not in (tmp_path / "feed" / "index.html").read_text(encoding="utf-8")


def test_index_lists_posts_newest_first_with_escaped_captions(tmp_path):
    clock = FixedClock(datetime(2024, 5, 1, 9, 30, tzinfo=WIB))
    feed = LocalFeedPublisher(tmp_path / "feed", clock=clock)
    feed.publish(make_post("K-001", "Instagram", media=media_files(tmp_path / "src")))
    clock.moment = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)  # later, other offset
    feed.publish(make_post("K-002", "X", caption="Info <script>alert(1)</script>\nbaris 2"))

    page = (tmp_path / "feed" / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page and 'charset="utf-8"' in page
    assert "Umpan Publikasi" in page
    assert page.index("K-002") < page.index("K-001")  # newest first
    assert "Info &lt;script&gt;alert(1)&lt;/script&gt;<br>\nbaris 2" in page
    assert "<script>" not in page
    assert "Hari Jadi K-001 &amp; Kota" in page
    assert '<img src="instagram/K-001/poster.png"' in page
    assert '<video src="instagram/K-001/klip.mp4"' in page
    assert "1 Mei 2024, 09.30" in page
    assert "file://" not in page  # relative links: the folder can be copied elsewhere


def test_index_of_an_empty_feed(tmp_path):
    feed = LocalFeedPublisher(tmp_path / "feed")
    page = feed.write_index().read_text(encoding="utf-8")
    assert "Belum ada publikasi." in page


def test_a_link_among_the_media_is_never_read_into_the_feed(tmp_path):
    secret = tmp_path / "luar" / "rahasia.png"
    secret.parent.mkdir()
    secret.write_bytes(b"rahasia")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "tautan.png").symlink_to(secret)
    feed = LocalFeedPublisher(tmp_path / "feed")
    with pytest.raises(OSError):
        feed.publish(make_post(media=(MediaFile("tautan.png", tmp_path / "src" / "tautan.png"),)))
    published = [p for p in (tmp_path / "feed").rglob("*") if p.is_file()]
    assert all(b"rahasia" not in p.read_bytes() for p in published)
    assert not (tmp_path / "feed" / "instagram" / "K-001").exists()


def test_sweep_removes_only_the_feeds_own_stale_staging(tmp_path):
    feed = LocalFeedPublisher(tmp_path / "feed")
    feed.publish(make_post(media=media_files(tmp_path / "src")))
    platform = tmp_path / "feed" / "instagram"
    stale = [platform / ".K-002.0a1b2c3d.tmp", tmp_path / "feed" / ".index.html.deadbeef.tmp"]
    stale[0].mkdir()
    (stale[0] / "poster.png").write_bytes(b"x")
    stale[1].write_text("x")
    foreign = [platform / "K-003.0a1b2c3d.tmp", platform / ".catatan.txt"]
    for path in foreign:
        path.write_text("x")
    started_at = time.time() + 60  # everything above is from before this run
    removed = sweep_staging(tmp_path / "feed", started_at)
    assert sorted(removed) == sorted(stale)
    assert all(p.exists() for p in foreign) and (platform / "K-001" / "post.json").is_file()
    assert sweep_staging(tmp_path / "feed", 0) == []  # nothing older than a run starting at the epoch
