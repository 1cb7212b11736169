"""Facebook Page: photos, albums, videos and text posts against the local Graph API fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from automation.ports import Post
from automation.publisher import Failed, MemoryState, Published, build_platform
from tests.platform_fakes import FAST, TOKENS, FacebookFake, MediaSite, jpeg, media, mp4
from tests.platform_fakes.facebook import graph_error


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def fb() -> Iterator[FacebookFake]:
    with FacebookFake() as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[MediaSite]:
    with MediaSite(tmp_path) as running:
        yield running


def adapter(fb: FacebookFake, site: MediaSite | None, **extra):
    config = {"base_url": fb.url, "video_base_url": fb.url, "page_id": fb.page_id, **FAST, **extra}
    return build_platform("Facebook", config, media_host=site.host if site else None)


def post(tmp_path: Path, *names: str, caption: str = "Jogja Car Free Day Minggu ini di Jalan Margo Utomo") -> Post:
    files = tuple(media(tmp_path / "m", name, mp4() if name.endswith(".mp4") else jpeg()) for name in names)
    return Post(key="K-2026-0011/6/1/publish/Facebook", item_id="K-2026-0011", platform="Facebook",
                title="Car Free Day", caption=caption, kind="Infografis", media=files)


def test_a_photo_from_the_media_host(fb, site, tmp_path):
    outcome = adapter(fb, site).publish(post(tmp_path, "cfd.jpg"), MemoryState())
    assert isinstance(outcome, Published)
    (live,) = fb.live_posts()
    assert live["kind"] == "photo" and live["message"].startswith("Jogja Car Free Day")
    assert outcome.remote_id == live["id"] and outcome.link == live["permalink_url"]
    assert site.server.fetched  # Facebook fetched the file from the URL


def test_a_photo_uploaded_as_a_file_needs_no_media_host(fb, tmp_path):
    outcome = adapter(fb, None).publish(post(tmp_path, "cfd.jpg"), MemoryState())
    assert isinstance(outcome, Published) and len(fb.live_posts()) == 1
    assert fb.photos[next(iter(fb.photos))]["url"] == ""  # multipart source


def test_an_album_is_unpublished_photos_then_one_post(fb, site, tmp_path):
    state = MemoryState()
    outcome = adapter(fb, site).publish(post(tmp_path, "a.jpg", "b.jpg", "c.jpg"), state)
    assert isinstance(outcome, Published)
    (live,) = fb.live_posts()
    assert live["kind"] == "album" and len(live["photos"]) == 3
    assert all(not p["published"] for p in fb.photos.values())
    assert [state.get()[f"photo_{i}_id"] for i in range(3)] == live["photos"]


def test_a_video_goes_to_the_video_host(fb, site, tmp_path):
    outcome = adapter(fb, site).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Published)
    assert outcome.link.startswith(f"https://www.facebook.com/{fb.page_id}/videos/")
    assert fb.requests_to("POST", r"/videos$") and len(fb.live_posts()) == 1


def test_text_only(fb, site, tmp_path):
    outcome = adapter(fb, site).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Published) and fb.live_posts()[0]["kind"] == "status"


def test_an_expired_page_token(fb, site, tmp_path):
    fb.expired.add("fb-page-token")
    outcome = adapter(fb, site).publish(post(tmp_path, "cfd.jpg"), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "SOP_KONTEN_FB_TOKEN" in outcome.problem
    assert fb.live_posts() == []


def test_a_rate_limit_answer_means_nothing_was_posted(fb, site, tmp_path):
    fb.fail("POST", r"/photos$", "error_before", response=graph_error("(#4) Application request limit reached", 4,
                                                                      is_transient=True))
    state = MemoryState()
    first = adapter(fb, site).publish(post(tmp_path, "cfd.jpg"), state)
    assert isinstance(first, Failed) and first.retry and "membatasi" in first.problem
    assert state.get()["post_at"] is None  # the intent was cleared: a definitive refusal
    assert isinstance(adapter(fb, site).publish(post(tmp_path, "cfd.jpg"), state), Published)
    assert len(fb.live_posts()) == 1


def test_a_lost_answer_is_found_in_the_feed_even_when_it_shows_late(fb, site, tmp_path):
    fb.visibility_delay = 0.3
    fb.fail("POST", r"/photos$", "drop_after")
    outcome = adapter(fb, site, settle_seconds=1.0, reconcile_wait=0.05).publish(post(tmp_path, "cfd.jpg"),
                                                                                MemoryState())
    assert isinstance(outcome, Published) and len(fb.live_posts()) == 1
    assert len(fb.requests_to("GET", r"/feed$")) >= 2  # not visible at first, found later


def test_the_feed_match_ignores_rewritten_links(fb, site, tmp_path):
    caption = "Info lengkap: https://jogjakota.go.id/berita"
    fb.fail("POST", r"/feed$", "drop_after")
    outcome = adapter(fb, site).publish(post(tmp_path, caption=caption), MemoryState())
    assert isinstance(outcome, Published) and len(fb.live_posts()) == 1


def test_token_expiry_from_debug_token(fb, site, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_FB_APP_TOKEN", "1234|app-secret")
    fb.token_expires_at = 1893456000
    platform = adapter(fb, site, app_token_env="SOP_KONTEN_FB_APP_TOKEN")
    assert platform.token_expiry() == datetime.fromtimestamp(1893456000, UTC)
    fb.token_expires_at = 0  # a page token that never expires
    assert platform.token_expiry() is None
    assert adapter(fb, site).token_expiry() is None  # no app token configured: unknown


def test_a_caption_is_required(fb, site, tmp_path):
    outcome = adapter(fb, site).publish(post(tmp_path, "cfd.jpg", caption=" "), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and fb.log == []
