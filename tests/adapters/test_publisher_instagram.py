"""Instagram: the content-publishing flow against the local Graph API fake that fetches the media."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.ports import Post
from automation.publisher import Failed, Manual, MemoryState, Published, build_platform
from tests.platform_fakes import (
    FAST,
    TOKENS,
    CrashOn,
    InstagramFake,
    MediaSite,
    SimulatedCrash,
    jpeg,
    media,
    mp4,
)


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def ig() -> Iterator[InstagramFake]:
    with InstagramFake(processing_seconds=0.02) as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[MediaSite]:
    with MediaSite(tmp_path) as running:
        yield running


def adapter(ig: InstagramFake, site: MediaSite | None, **extra):
    config = {"base_url": ig.url, "refresh_base_url": ig.url, "ig_user_id": ig.ig_user_id, **FAST, **extra}
    return build_platform("Instagram", config, media_host=site.host if site else None)


def post(tmp_path: Path, *names: str, caption: str = "Festival Kuliner Kotabaru #jogja") -> Post:
    files = tuple(media(tmp_path / "m", name, mp4() if name.endswith(".mp4") else jpeg()) for name in names)
    return Post(key="K-2026-0007/6/1/publish/Instagram", item_id="K-2026-0007", platform="Instagram",
                title="Festival Kuliner", caption=caption, kind="Infografis", media=files)


def test_an_image_is_fetched_from_the_media_host_and_published(ig, site, tmp_path):
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
    assert isinstance(outcome, Published)
    assert outcome.link.startswith("https://www.instagram.com/p/")
    assert len(site.server.fetched) == 1  # Instagram fetched the hosted copy itself
    live = ig.live_posts()
    assert [p["caption"] for p in live] == ["Festival Kuliner Kotabaru #jogja"]
    s = state.get()
    assert s["container_id"] and s["media_id"] == outcome.remote_id and s["outcome"] == "published"
    assert s["container_at"] and s["publish_at"]  # every create call had its intent saved first


def test_a_carousel_and_a_reel(ig, site, tmp_path):
    carousel = adapter(ig, site).publish(post(tmp_path, "a.jpg", "b.jpg", "c.jpg", caption="Carousel"), MemoryState())
    reel = adapter(ig, site).publish(post(tmp_path, "v.mp4", caption="Reel"), MemoryState())
    assert isinstance(carousel, Published) and isinstance(reel, Published)
    kinds = sorted(p["media_type"] for p in ig.live_posts())
    assert kinds == ["CAROUSEL", "REELS"]


def test_the_publishing_limit_stops_before_any_container(ig, site, tmp_path):
    ig.quota_usage = ig.quota_total
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry
    assert outcome.problem.startswith("Batas unggah Instagram 24 jam tercapai")
    assert ig.requests_to("POST", r"/media$") == [] and ig.live_posts() == []


def test_the_configured_quota_is_checked_too(ig, site, tmp_path):
    ig.quota_usage = 5
    outcome = adapter(ig, site, quota_total=5).publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "5 dari 5" in outcome.problem


def test_the_limit_refused_by_media_publish_keeps_the_container_for_later(ig, site, tmp_path):
    ig.quota_total = 0  # the limit endpoint says 0 of 0: treat as unknown total
    ig.fail("GET", r"/content_publishing_limit$", "error_before", times=10, status=500, body={})
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
    assert isinstance(outcome, Failed) and outcome.retry and "Batas unggah Instagram" in outcome.problem
    container = state.get()["container_id"]
    ig.quota_total = 100
    assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
    assert ig.publish_calls == [container] and len(ig.live_posts()) == 1


def test_an_expired_token_fails_safely_and_names_the_variable(ig, site, tmp_path, monkeypatch):
    ig.expired.add("ig-token")
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
    assert isinstance(outcome, Failed) and outcome.retry
    assert "SOP_KONTEN_IG_TOKEN" in outcome.problem and "kedaluwarsa" in outcome.problem
    assert ig.live_posts() == []
    ig.tokens.add("ig-token-baru")
    monkeypatch.setenv("SOP_KONTEN_IG_TOKEN", "ig-token-baru")
    assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
    assert len(ig.live_posts()) == 1


def test_a_container_in_error_fails_and_a_later_try_starts_clean(ig, site, tmp_path):
    ig.fail_next_container = True
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
    assert isinstance(outcome, Failed) and not outcome.retry and "gagal memproses" in outcome.problem
    assert state.get().get("container_id") is None
    assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
    assert len(ig.containers) == 2 and len(ig.live_posts()) == 1


def test_an_expired_container_is_replaced(ig, site, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(ig, site).publish(post(tmp_path, "poster.jpg"), CrashOn(state, "container_id", after=True))
    ig.expire(state.get()["container_id"])
    assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
    assert len(ig.containers) == 2 and len(ig.live_posts()) == 1


def test_reconcile_finds_a_post_whose_answer_was_lost(ig, site, tmp_path):
    state = MemoryState()
    the_post = post(tmp_path, "poster.jpg")
    with pytest.raises(SimulatedCrash):  # media_publish answered, the process died before saving the id
        adapter(ig, site).publish(the_post, CrashOn(state, "media_id"))
    assert len(ig.live_posts()) == 1
    publishes = len(ig.requests_to("POST", r"/media_publish$"))
    outcome = adapter(ig, site).reconcile(the_post, state)
    assert isinstance(outcome, Published) and outcome.remote_id == ig.live_posts()[0]["id"]
    assert len(ig.requests_to("POST", r"/media_publish$")) == publishes  # reconcile only reads
    assert adapter(ig, site).publish(the_post, state) == outcome


def test_reconcile_with_nothing_pending_says_safe_to_publish(ig, site, tmp_path):
    outcome = adapter(ig, site).reconcile(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry


def test_only_jpeg_images_and_a_media_host_are_accepted(ig, site, tmp_path):
    png_file = media(tmp_path / "m", "poster.png", b"\x89PNG\r\n\x1a\n" + bytes(64))  # read by content, not name
    png_post = dataclasses.replace(post(tmp_path), media=(png_file,))
    png = adapter(ig, site).publish(png_post, MemoryState())
    assert isinstance(png, Failed) and not png.retry and "JPEG" in png.problem
    no_host = adapter(ig, None).publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(no_host, Failed) and not no_host.retry and "media_host" in no_host.problem
    assert ig.log == []


def test_too_many_hashtags_are_caught_before_any_call(ig, site, tmp_path):
    caption = " ".join(f"#tag{i}" for i in range(31))
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg", caption=caption), MemoryState())
    assert isinstance(outcome, Failed) and "tagar" in outcome.problem and ig.log == []


def test_manual_mode_hands_the_files_to_the_admin(ig, site, tmp_path):
    outcome = adapter(ig, site, mode="manual").publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(outcome, Manual)
    assert outcome.caption == "Festival Kuliner Kotabaru #jogja" and outcome.files[0].endswith("poster.jpg")
    assert ig.log == []


def test_refresh_stores_the_new_token_in_the_token_file_read_before_the_environment(ig, site, tmp_path,
                                                                                    monkeypatch, caplog):
    token_file = tmp_path / "ig-token.json"
    token_file.write_text(json.dumps({"access_token": "ig-token"}))
    monkeypatch.setenv("SOP_KONTEN_IG_TOKEN", "not-a-valid-token")
    platform = adapter(ig, site, token_file=str(token_file))
    caplog.set_level(logging.DEBUG)
    renewed = platform.refresh_token()
    assert renewed.stored and renewed.where == str(token_file)
    assert "access_token" not in repr(renewed)
    saved = json.loads(token_file.read_text())
    assert saved["access_token"] == renewed.access_token != "ig-token"
    expiry = platform.token_expiry()
    assert expiry is not None and abs(expiry - (datetime.now(UTC) + timedelta(days=60))) < timedelta(days=1)
    assert isinstance(platform.publish(post(tmp_path, "poster.jpg"), MemoryState()), Published)
    assert "ig-token" not in caplog.text and renewed.access_token not in caplog.text  # never logged
    assert token_file.stat().st_mode & 0o777 == 0o600


def test_refresh_without_a_token_file_returns_the_token_for_the_admin(ig, site):
    renewed = adapter(ig, site).refresh_token()
    assert not renewed.stored and renewed.where == "variabel lingkungan SOP_KONTEN_IG_TOKEN"
    assert renewed.access_token in ig.tokens and renewed.expires_at is not None


def test_old_media_urls_are_hosted_again(ig, site, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(ig, site).publish(post(tmp_path, "poster.jpg"), CrashOn(state, "container_at", after=True))
    old_url = state.get()["media_urls"][0]
    state.save(media_urls_at="2026-01-01T00:00:00+00:00")  # hosted hours ago; the container never sent
    assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
    assert state.get()["media_urls"][0] != old_url and len(site.server.fetched) == 1
