"""LocalFeedPublisher writing real folders and index.html in tmp_path."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from automation.adapters.local.feed import LocalFeedPublisher, platform_folder, sweep_staging
from automation.domain.platform_rules import INSTAGRAM
from automation.domain.texts import captions as caption_text
from automation.domain.texts import media as media_text
from automation.ports import MediaFile, Post
from automation.service.publishing import PublishingService
from tests import media_samples

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
        # what the card draws: these two are not real media, so their kind comes from the name
        "media_info": [{"name": "poster.png", "kind": "image", "width": None, "height": None},
                       {"name": "klip.mp4", "kind": "video", "width": None, "height": None}],
        "notes": [],
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


# --- the faithful preview: PublishingService in local mode ---------------------------------------------



class FolderAssets:
    """An AssetStore of one folder per item: just what PublishingService reads."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def media(self, item_id: str) -> list[MediaFile]:
        folder = self.root / item_id
        return [MediaFile(p.name, p) for p in sorted(folder.iterdir())] if folder.is_dir() else []


def service(tmp_path) -> PublishingService:
    feed = LocalFeedPublisher(tmp_path / "published", clock=FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=WIB)))
    return PublishingService(journal=None, assets=FolderAssets(tmp_path / "aset"), local_feed=feed,
                             work_dir=tmp_path / "media-siap")


def designers_originals(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        media_samples.save(media_samples.picture((3000, 1000), "RGBA"), folder / "1-spanduk.png"),
        media_samples.cmyk_jpeg(folder, "2-cetak.jpg", size=(1200, 1500)),
        media_samples.save(media_samples.picture((800, 800), "I;16"), folder / "3-enam-belas-bit.png"),
    ]


def test_local_mode_publishes_what_instagram_would_be_sent(tmp_path):
    designers_originals(tmp_path / "aset" / "K-2026-0007")
    result = service(tmp_path).publish("K-2026-0007/Instagram", "K-2026-0007", "Instagram", "Spanduk",
                                       "Festival Gudeg 2026 #Jogja", "Infografis")
    assert result.ok, result.problem
    folder = tmp_path / "published" / "instagram" / "K-2026-0007"
    sent = sorted(p for p in folder.iterdir() if p.name not in ("post.json", "caption.txt"))
    assert [p.name for p in sent] == ["1-spanduk-instagram.jpg", "2-cetak-instagram.jpg",
                                      "3-enam-belas-bit-instagram.jpg"]
    rules = INSTAGRAM.image
    assert rules is not None
    ratios = set()
    for path in sent:
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.mode == "RGB"
            assert not image.info.get("icc_profile")  # sRGB, no other profile left
            assert rules.min_width <= image.width <= rules.max_width
            assert rules.min_ratio <= image.width / image.height <= rules.max_ratio
            ratios.add(round(image.width / image.height, 2))
        assert path.stat().st_size <= rules.max_bytes
    assert len(ratios) == 1  # a carousel: every slide in the first one's ratio
    assert (folder / "caption.txt").read_text(encoding="utf-8") == "Festival Gudeg 2026 #Jogja\n"
    record = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert any("CMYK" in note for note in record["notes"])  # what was adjusted is on the card


def test_the_originals_are_never_what_the_local_feed_holds(tmp_path):
    originals = designers_originals(tmp_path / "aset" / "K-2026-0008")
    service(tmp_path).publish("k", "K-2026-0008", "Instagram", "Spanduk", "Teks", "Infografis")
    published = {p.read_bytes() for p in (tmp_path / "published" / "instagram").rglob("*") if p.is_file()}
    assert not published & {p.read_bytes() for p in originals}


def test_a_caption_too_long_for_x_is_reported_at_koreksi_and_refused_at_publish(tmp_path):
    designers_originals(tmp_path / "aset" / "K-2026-0009")
    caption = "Festival Gudeg " * 23 + "akhir"  # 350 characters
    assert len(caption) == 350
    publishing = service(tmp_path)
    expected = caption_text.x_too_long("350", "280")
    assert expected in publishing.check("K-2026-0009", ["Instagram", "X"], "Festival", caption, "Infografis")
    result = publishing.publish("k", "K-2026-0009", "X", "Festival", caption, "Infografis")
    assert not result.ok and result.state == "failed" and expected in result.problem
    assert not (tmp_path / "published" / "x").exists()


def test_a_still_image_for_tiktok_is_reported(tmp_path):
    designers_originals(tmp_path / "aset" / "K-2026-0010")
    publishing = service(tmp_path)
    problems = publishing.check("K-2026-0010", ["TikTok"], "Poster", "Teks", "Infografis")
    assert media_text.kind_takes_only_video("TikTok", "Infografis") in problems
    # named as a video by mistake: the files still are still images, and TikTok takes only videos
    problems = publishing.check("K-2026-0010", ["TikTok"], "Poster", "Teks", "Video")
    assert any(problem.startswith("TikTok: tidak ada file video") for problem in problems)
    result = publishing.publish("k", "K-2026-0010", "TikTok", "Poster", "Teks", "Infografis")
    assert result.state == "failed" and "hanya menerima video" in result.problem


def test_a_still_image_handed_straight_to_the_tiktok_check_is_reported(tmp_path):
    from automation.adapters.media.prepare import check_post

    poster = media_samples.image_file(tmp_path, "poster.jpg", (1080, 1920))
    post = make_post(platform="TikTok", caption="Teks", media=(MediaFile("poster.jpg", poster),))
    assert media_text.still_image_for_video_only("TikTok", "poster.jpg") in check_post(post)


class Cards(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, str | None]] = []
        self.inside: dict[str, str | None] | None = None
        self.frames: dict[int, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article":
            self.cards.append(attributes)
        elif self.cards:
            self.tags.append((tag, {**attributes, "card": str(len(self.cards) - 1)}))


def test_the_feed_page_draws_one_card_per_platform_in_its_shape(tmp_path):
    item = tmp_path / "aset" / "K-2026-0011"
    item.mkdir(parents=True)
    media_samples.image_file(item, "poster.png", (1200, 1500))
    media_samples.video(item / "klip.mp4", seconds=3.2, size=(360, 640), fps=24)
    publishing = service(tmp_path)
    caption = ("Festival Gudeg 2026 di Alun-alun Utara, Sabtu dan Minggu. " * 4).strip()
    for platform, kind in (("Instagram", "Infografis"), ("X", "Infografis"), ("Facebook", "Infografis"),
                           ("TikTok", "Video")):
        result = publishing.publish(f"k/{platform}", "K-2026-0011", platform, "Festival <Gudeg>", caption, kind)
        assert result.ok, (platform, result.problem)

    page = (tmp_path / "published" / "index.html").read_text(encoding="utf-8")
    parser = Cards()
    parser.feed(page)
    cards = {card["data-platform"]: card for card in parser.cards}
    assert sorted(cards) == ["Facebook", "Instagram", "TikTok", "X"] and len(parser.cards) == 4
    assert cards["Instagram"]["data-media"] == "image" and cards["Instagram"]["data-frame"] == "4:5"
    assert cards["X"]["data-media"] == "image" and cards["X"]["data-frame"] == "16:9"
    assert cards["TikTok"]["data-media"] == "video" and cards["TikTok"]["data-frame"] == "9:16"
    assert cards["Instagram"]["data-fold"] == "125" and cards["X"]["data-fold"] == ""
    videos = [attrs for tag, attrs in parser.tags if tag == "video"]
    assert [v["src"] for v in videos] == ["tiktok/K-2026-0011/klip.mp4"]
    assert "object-fit: cover" in (videos[0]["style"] or "")  # TikTok fills the 9:16 screen
    # Instagram cuts the caption, X shows it whole
    instagram = page[page.index('data-platform="Instagram"'):]
    instagram = instagram[:instagram.index("</article>")]
    assert "... selengkapnya" in instagram
    x_card = page[page.index('data-platform="X"'):]
    x_card = x_card[:x_card.index("</article>")]
    assert "selengkapnya" not in x_card and caption in x_card
    assert "Festival &lt;Gudeg&gt;" in page and "<Gudeg>" not in page  # escaped
