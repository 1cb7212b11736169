"""The one table of platform rules and the one check of a post against it (domain, no I/O)."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from automation.domain import platform_rules
from automation.domain.platform_rules import INSTAGRAM, RULES, TIKTOK, X, rules_for
from automation.domain.post_check import MediaFacts, platform_title, post_problems, video_problems
from automation.domain.texts import captions as caption_text
from automation.domain.texts import media as media_text

ROOT = Path(__file__).resolve().parents[2]

# A video every platform takes: H.264 + AAC-LC stereo 44.1 kHz, 720 x 1280 at 30 fps, 20 s, 10 MB.
GOOD_VIDEO = MediaFacts(name="klip.mp4", kind="video", format="MP4", container="MP4", size=10_000_000,
                        width=720, height=1280, duration=20.0, video_codec="h264", audio_codec="aac",
                        audio_profile="LC", audio_sample_rate=44_100, audio_channels=2, fps=30.0)
GOOD_JPEG = MediaFacts(name="poster-instagram.jpg", kind="image", format="JPEG", size=900_000,
                       width=1080, height=1350)


def test_every_platform_names_its_sources_and_a_shape():
    for rules in RULES.values():
        assert rules.sources, rules.name
        assert rules.shape.video_frame in ((16, 9), (9, 16)), rules.name


def test_every_number_in_the_table_sits_under_a_comment_citing_a_page():
    """Each platform's block in the table has comments naming where its numbers come from."""
    source = inspect.getsource(platform_rules)
    for rules in RULES.values():
        block = source[source.index(f'name="{rules.name}"'):]
        block = block[:block.index("\n)\n")]
        assert block.count("#") >= 3, rules.name


def test_x_video_limits_follow_the_media_best_practices():
    video = X.video
    assert video is not None
    assert (video.max_bytes, video.min_seconds, video.max_seconds) == (512 * platform_rules.MB, 0.5, 140)
    assert (video.min_side, video.max_side, video.max_short_side) == (32, 1280, 1024)
    assert (video.min_ratio, video.max_ratio, video.max_fps) == (1 / 3, 3, 60)
    assert video.audio_profiles == {"LC"}


def test_a_good_video_fits_every_video_platform():
    for rules in RULES.values():
        if rules.video is not None:
            assert video_problems(GOOD_VIDEO, rules.name) == [], rules.name


@pytest.mark.parametrize(("change", "expected"), [
    ({"width": 1920, "height": 1080},
     ["X: video 'klip.mp4' berukuran 1.920 × 1.080 piksel; sisi terpanjang maksimal 1.280 piksel.",
      "X: video 'klip.mp4' berukuran 1.920 × 1.080 piksel; sisi terpendek maksimal 1.024 piksel."]),
    ({"width": 20, "height": 40},
     ["X: video 'klip.mp4' berukuran 20 × 40 piksel; sisi terpendek minimal 32 piksel."]),
    ({"width": 300, "height": 1000},
     ["X: video 'klip.mp4' berasio 3:10; menerima rasio 1:3 sampai 3:1."]),
    ({"audio_profile": "HE-AAC"},
     ["X: video 'klip.mp4' memakai profil suara AAC HE-AAC; yang diterima hanya AAC LC."]),
    ({"audio_channels": 6},
     ["X: video 'klip.mp4' memiliki 6 kanal suara; maksimal 2 (mono atau stereo)."]),
    ({"duration": 141.0},
     ["X: video 'klip.mp4' berdurasi 2 menit 21 detik; maksimal 2 menit."]),
])
def test_x_video_checks_dimensions_ratio_and_audio(change, expected):
    assert video_problems(dataclasses.replace(GOOD_VIDEO, **change), "X") == expected


@pytest.mark.parametrize(("change", "expected"), [
    ({"width": 2160, "height": 3840},
     ["Instagram: video 'klip.mp4' lebarnya 2.160 piksel; Reels maksimal 1.920 piksel."]),
    ({"width": 1200, "height": 100},
     ["Instagram: video 'klip.mp4' berasio 12:1; Reels menerima rasio 0,01:1 sampai 10:1."]),
    ({"audio_sample_rate": 96_000},
     ["Instagram: video 'klip.mp4' memakai laju sampel suara 96.000 Hz; Reels maksimal 48.000 Hz."]),
    ({"audio_codec": "opus"},
     ["Instagram: video 'klip.mp4' memakai kodek suara Opus; Reels hanya menerima AAC."]),
])
def test_reels_check_dimensions_ratio_and_audio(change, expected):
    assert video_problems(dataclasses.replace(GOOD_VIDEO, **change), "Instagram") == expected


def test_a_silent_video_has_no_audio_problem():
    silent = dataclasses.replace(GOOD_VIDEO, audio_codec=None, audio_profile=None, audio_sample_rate=None,
                                 audio_channels=None)
    assert video_problems(silent, "X") == [] and video_problems(silent, "Instagram") == []


def test_a_350_character_caption_for_x_is_reported():
    caption = "a" * 350
    assert post_problems("X", caption, "", [GOOD_JPEG]) == [caption_text.x_too_long("350", "280")]
    assert post_problems("X", caption, "", [GOOD_JPEG], caption_limit=4000) == []  # a Premium account


def test_a_still_image_for_tiktok_is_reported():
    assert TIKTOK.image is None
    assert post_problems("TikTok", "Teks", "", [GOOD_JPEG]) == [
        media_text.still_image_for_video_only("TikTok", "poster-instagram.jpg")]
    assert post_problems("TikTok", "Teks", "", [GOOD_VIDEO]) == []
    assert post_problems("TikTok", "Teks", "", []) == [media_text.needs_video("TikTok")]


def test_instagram_images_are_checked_as_instagram_refuses_them():
    assert post_problems("Instagram", "Teks", "", [GOOD_JPEG]) == []
    png = dataclasses.replace(GOOD_JPEG, name="poster.png", format="PNG")
    wide = dataclasses.replace(GOOD_JPEG, width=1440, height=500)
    heavy = dataclasses.replace(GOOD_JPEG, size=9_000_000)
    assert post_problems("Instagram", "Teks", "", [png, wide, heavy]) == [
        "Instagram: gambar 'poster.png' berformat PNG; Instagram hanya menerima JPEG.",
        "Instagram: gambar 'poster-instagram.jpg' berasio 2,88:1; menerima rasio 4:5 sampai 1,91:1.",
        "Instagram: gambar 'poster-instagram.jpg' berukuran 9 MB; maksimal 8 MB.",
    ]
    assert post_problems("Instagram", "Teks", "", []) == [media_text.needs_media("Instagram")]
    eleven = [dataclasses.replace(GOOD_JPEG, name=f"{n}.jpg") for n in range(11)]
    assert post_problems("Instagram", "Teks", "", eleven) == [media_text.too_many_images("Instagram", "11", "10")]
    assert post_problems("Instagram", "Teks", "", [GOOD_JPEG, GOOD_VIDEO]) == [
        media_text.video_or_images("Instagram", 10)]


def test_instagram_caption_counts_hashtags_and_mentions():
    caption = " ".join(f"#tag{n}" for n in range(31)) + " " + " ".join(f"@akun{n}" for n in range(21))
    assert post_problems("Instagram", caption, "", [GOOD_JPEG]) == [
        caption_text.too_many_hashtags("Instagram", "31", "30"),
        caption_text.too_many_mentions("Instagram", "21", "20"),
    ]
    assert INSTAGRAM.caption.max_length == 2200


def test_youtube_title_and_description():
    assert platform_title("YouTube", "", "Baris pertama\nbaris dua") == "Baris pertama"
    assert platform_title("X", "", "Baris pertama") == ""
    assert post_problems("YouTube", "Deskripsi <b>", "J" * 101, [GOOD_VIDEO]) == [
        caption_text.title_too_long("YouTube", "101", "100"),
        caption_text.caption_forbidden_chars("'<' dan '>'", "YouTube"),
    ]
    assert post_problems("YouTube", "x" * 5001, "Judul", [GOOD_VIDEO]) == [
        caption_text.description_too_long("YouTube", "5.001", "5.000")]


def test_facebook_and_x_need_a_caption_and_take_text_only_posts():
    assert post_problems("Facebook", "", "", []) == [media_text.caption_required("Facebook")]
    assert post_problems("X", "Teks saja", "", []) == []


def test_a_file_that_could_not_be_read_is_named_for_the_platform():
    broken = MediaFacts(name="rusak.jpg", kind="image", problems=("Gambar 'rusak.jpg' rusak.",))
    assert post_problems("X", "Teks", "", [broken]) == ["X: gambar 'rusak.jpg' rusak."]
    assert post_problems("Kaskus", "Teks", "", []) == [caption_text.unknown_platform("Kaskus")]


def test_rules_are_found_by_the_register_spelling():
    assert rules_for(" instagram ") is INSTAGRAM and rules_for("twitter") is X and rules_for("Kaskus") is None


def test_the_adapters_check_through_the_one_domain_check():
    """One place per rule: every adapter's check() hands the post to prepare.check_post (post_check)."""
    for key in ("facebook", "instagram", "tiktok", "x", "youtube"):
        source = (ROOT / "automation" / "adapters" / "social" / f"{key}.py").read_text(encoding="utf-8")
        body = source[source.index("    def check(self, post: Post) -> list[str]:"):]
        body = body[:body.index("\n    def ", 60)]
        assert "check_post(post" in body, key
