"""TikTok: inbox upload (default) and direct post, chunked FILE_UPLOAD and PULL_FROM_URL, against the fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.adapters.social.tiktok import chunk_plan
from automation.ports import Post
from automation.publisher import (
    Failed,
    Manual,
    MemoryState,
    PublishConfigError,
    Published,
    Unknown,
    build_platform,
)
from tests.platform_fakes import FAST, TOKENS, CrashOn, MediaSite, SimulatedCrash, TikTokFake, media, mp4
from tests.platform_fakes.tiktok import tiktok_answer

KB = 1024
SIZE = 200 * KB + 100  # three 64 KiB chunks, the last one holding the rest


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def tt() -> Iterator[TikTokFake]:
    with TikTokFake(min_chunk=64 * KB, processing_seconds=0.02) as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[MediaSite]:
    with MediaSite(tmp_path) as running:
        yield running


def adapter(tt: TikTokFake, site: MediaSite | None = None, **extra):
    config = {"base_url": tt.url, "chunk_size": 64 * KB, "username": "pemkotjogja", **FAST, **extra}
    return build_platform("TikTok", config, media_host=site.host if site else None)


def direct(tt: TikTokFake, site: MediaSite | None = None, **extra):
    return adapter(tt, site, mode="direct", privacy_level="PUBLIC_TO_EVERYONE", **extra)


def post(tmp_path: Path, size: int = SIZE) -> Post:
    return Post(key="K-2026-0030/6/1/publish/TikTok", item_id="K-2026-0030", platform="TikTok",
                title="Gerebeg Maulud", caption="Gerebeg Maulud 2026 #jogja #budaya", kind="Video",
                media=(media(tmp_path / "m", "gerebeg.mp4", mp4(size)),))


def test_the_default_sends_the_video_to_the_inbox_for_the_admin_to_finish(tt, tmp_path):
    state = MemoryState()
    outcome = adapter(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Manual) and outcome.remote_id.startswith("v_inbox_file")
    assert "kotak masuk TikTok" in outcome.note and outcome.caption.startswith("Gerebeg")
    assert len(tt.inbox) == 1 and tt.posts == []
    assert tt.requests_to("POST", r"/inbox/video/init/$") and not tt.requests_to("POST", r"/publish/video/init/$")
    assert adapter(tt).publish(post(tmp_path), state) == outcome  # remembered: no second upload
    assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_direct_post_with_the_configured_privacy(tt, tmp_path):
    outcome = direct(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Published)
    (live,) = tt.posts
    assert outcome.link == f"https://www.tiktok.com/@pemkotjogja/video/{live['id']}"
    assert live["privacy"] == "PUBLIC_TO_EVERYONE" and live["title"].startswith("Gerebeg")
    assert tt.requests_to("POST", r"/creator_info/query/$") and tt.inbox == []


def test_a_privacy_level_the_account_does_not_offer(tt, tmp_path):
    tt.privacy_options = ("SELF_ONLY",)  # an unaudited app
    outcome = direct(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "SELF_ONLY" in outcome.problem
    assert not tt.requests_to("POST", r"/init/$")


def test_direct_needs_a_privacy_level():
    with pytest.raises(PublishConfigError, match="privacy_level"):
        build_platform("TikTok", {"mode": "direct"})


def test_chunks_follow_tiktoks_rules(tt, tmp_path):
    assert chunk_plan(4 * 1024 * 1024, 10 * 1024 * 1024) == (4 * 1024 * 1024, 1)  # small: whole
    assert chunk_plan(25 * 1024 * 1024, 10 * 1024 * 1024) == (10 * 1024 * 1024, 2)  # the last takes 5 MB more
    adapter(tt).publish(post(tmp_path), MemoryState())
    assert len(tt.requests_to("PUT", r"/upload/$")) == 3 and tt.inbox[0]["size"] == SIZE


def test_a_crash_mid_upload_resumes_from_the_bytes_tiktok_has(tt, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(tt).publish(post(tmp_path), CrashOn(state, "chunks_done", after=True, value=1))
    outcome = adapter(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Manual) and len(tt.inbox) == 1
    assert len(tt.requests_to("PUT", r"/upload/$")) == 3  # chunk 1, then 2 and 3
    assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_an_invalid_token(tt, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_TOKEN", "expired")
    outcome = adapter(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "SOP_KONTEN_TIKTOK_TOKEN" in outcome.problem


def test_an_error_inside_an_http_200_answer_is_read(tt, tmp_path):
    tt.fail("POST", r"/inbox/video/init/$", "error_before",
            response=tiktok_answer(status=200, code="spam_risk_too_many_posts", message="Too many posts"))
    state = MemoryState()
    outcome = adapter(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "spam_risk_too_many_posts" in outcome.problem
    assert isinstance(adapter(tt).publish(post(tmp_path), state), Manual) and len(tt.inbox) == 1


def test_a_failed_publish_is_reported_and_forgotten(tt, tmp_path):
    tt.fail_next = "duration_check_failed"
    state = MemoryState()
    outcome = direct(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and not outcome.retry and "duration_check_failed" in outcome.problem
    assert state.get()["publish_id"] is None and tt.posts == []
    assert isinstance(direct(tt).publish(post(tmp_path), state), Published) and len(tt.posts) == 1


def test_pull_from_url_through_the_media_host(tt, site, tmp_path):
    outcome = adapter(tt, site, source="url").publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Manual) and len(tt.inbox) == 1
    assert site.server.fetched and not tt.requests_to("PUT", r"/upload/$")


def test_an_unanswered_pull_from_url_is_unknown_and_never_sent_twice(tt, site, tmp_path):
    tt.fail("POST", r"/inbox/video/init/$", "drop_after")
    state = MemoryState()
    outcome = adapter(tt, site, source="url").publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "PULL_FROM_URL" in outcome.reason
    again = adapter(tt, site, source="url").publish(post(tmp_path), state)
    assert isinstance(again, Unknown)
    assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_reconcile_of_a_video_still_processing(tt, tmp_path):
    tt.processing_seconds = 60.0
    state = MemoryState()
    outcome = direct(tt, poll_timeout=0.05).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "masih memproses" in outcome.reason
    record = tt.publishes[state.get()["publish_id"]]
    record["done_at"] = 0  # TikTok finished meanwhile
    assert isinstance(direct(tt).reconcile(post(tmp_path), state), Published)
    assert len(tt.posts) == 1


def test_the_token_is_refreshed_when_due(tt, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_SECRET", "tt-client-secret")
    token_file = tmp_path / "tiktok.json"
    token_file.write_text(json.dumps({"access_token": "old", "refresh_token": "rft.1",
                                      "expires_at": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}))
    tt.refresh_tokens.add("rft.1")
    platform = adapter(tt, token_file=str(token_file), client_key="tt-client-key",
                       client_secret_env="SOP_KONTEN_TIKTOK_SECRET")
    assert isinstance(platform.publish(post(tmp_path), MemoryState()), Manual)
    saved = json.loads(token_file.read_text())
    assert saved["access_token"] in tt.tokens and saved["refresh_token"] != "rft.1"
    assert platform.token_expiry() > datetime.now(UTC) + timedelta(days=300)  # the refresh token's expiry
