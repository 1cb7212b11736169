"""YouTube: videos.insert as a resumable upload through google-api-python-client, against the local fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.ports import Post
from automation.publisher import Failed, MemoryState, PublishConfigError, Published, build_platform
from tests.platform_fakes import FAST, TOKENS, CrashOn, SimulatedCrash, YouTubeFake, jpeg, media, mp4
from tests.platform_fakes.youtube import google_error

KB = 1024
SIZE = 700 * KB  # three chunks of 256 KiB


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def yt() -> Iterator[YouTubeFake]:
    with YouTubeFake() as fake:
        yield fake
        assert fake.errors == []


def adapter(yt: YouTubeFake, **extra):
    config = {"base_url": yt.url, "token_uri": f"{yt.url}/token", "chunk_size": 256 * KB, **FAST, **extra}
    return build_platform("YouTube", config)


def post(tmp_path: Path, name: str = "wisata.mp4", title: str = "Wisata Malam Tugu Jogja") -> Post:
    data = mp4(SIZE) if name.endswith(".mp4") else jpeg()
    return Post(key="K-2026-0020/6/1/publish/YouTube", item_id="K-2026-0020", platform="YouTube", title=title,
                caption="Menyusuri Tugu Pal Putih di malam hari.", kind="Video",
                media=(media(tmp_path / "m", name, data),))


def test_a_video_is_uploaded_in_chunks_and_published(yt, tmp_path):
    state = MemoryState()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and outcome.link == f"https://www.youtube.com/watch?v={outcome.remote_id}"
    (video,) = yt.live_posts()
    assert video["size"] == SIZE and video["snippet"]["title"] == "Wisata Malam Tugu Jogja"
    assert video["status"]["privacyStatus"] == "public" and video["snippet"]["categoryId"] == "25"
    assert len(yt.requests_to("PUT", r"/upload/youtube")) == 3
    assert state.get()["session_uri"].startswith(yt.url)  # saved before the first byte


def test_a_crash_mid_upload_resumes_the_same_session(yt, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "upload_progress", after=True, value=256 * KB))
    assert yt.live_posts() == []
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and len(yt.live_posts()) == 1
    assert len(yt.sessions) == 1  # resumed, not started over
    puts = yt.requests_to("PUT", r"/upload/youtube")
    assert len(puts) == 1 + 1 + 2  # chunk 1, the status query, chunks 2 and 3


def test_a_crash_after_the_last_byte_finds_the_video_through_the_session(yt, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "video_id"))
    assert len(yt.live_posts()) == 1
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and outcome.remote_id == yt.live_posts()[0]["id"]
    assert len(yt.live_posts()) == 1


def test_an_expired_session_with_the_video_created_is_found_in_the_uploads(yt, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "video_id"))
    yt.forget_sessions()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and len(yt.live_posts()) == 1
    assert yt.requests_to("GET", r"/playlistItems$")


def test_an_expired_session_without_a_video_starts_a_new_one(yt, tmp_path):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "upload_progress", after=True, value=256 * KB))
    yt.forget_sessions()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and len(yt.live_posts()) == 1
    assert len(yt.sessions) == 2


def test_a_revoked_refresh_token(yt, tmp_path):
    yt.refresh_tokens.clear()
    outcome = adapter(yt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "SOP_KONTEN_YT_REFRESH_TOKEN" in outcome.problem
    assert yt.live_posts() == [] and yt.sessions == {}


def test_the_quota_refusal_is_safe_to_retry(yt, tmp_path):
    yt.fail("POST", r"/upload/youtube", "error_before",
            response=google_error(403, "quotaExceeded", "The request cannot be completed because you have exceeded "
                                  "your quota."))
    state = MemoryState()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "Kuota YouTube" in outcome.problem
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Published)
    assert len(yt.live_posts()) == 1


def test_credentials_from_an_authorized_user_file(yt, tmp_path, monkeypatch):
    for name in ("SOP_KONTEN_YT_CLIENT_ID", "SOP_KONTEN_YT_CLIENT_SECRET", "SOP_KONTEN_YT_REFRESH_TOKEN"):
        monkeypatch.delenv(name)
    token_file = tmp_path / "youtube.json"
    token_file.write_text(json.dumps({"type": "authorized_user", "client_id": yt.client_id,
                                      "client_secret": yt.client_secret, "refresh_token": "yt-refresh",
                                      "token_uri": f"{yt.url}/token"}))
    assert isinstance(adapter(yt, token_file=str(token_file)).publish(post(tmp_path), MemoryState()), Published)
    missing = adapter(yt).publish(post(tmp_path), MemoryState())
    assert isinstance(missing, Failed) and "SOP_KONTEN_YT_CLIENT_ID" in missing.problem


def test_only_one_video_with_a_title(yt, tmp_path):
    image = adapter(yt).publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(image, Failed) and not image.retry and "video" in image.problem
    untitled = adapter(yt).publish(post(tmp_path, title="<judul>"), MemoryState())
    assert isinstance(untitled, Failed) and "Judul" in untitled.problem
    with pytest.raises(PublishConfigError):
        adapter(yt, chunk_size=1000)
    assert yt.log == []


def test_a_refused_chunk_is_resumed_from_what_the_session_has(yt, tmp_path):
    yt.fail("PUT", r"/upload/youtube", "error_before", times=1,
            response=google_error(403, "quotaExceeded", "The request cannot be completed because you have exceeded "
                                  "your quota."))
    state = MemoryState()
    first = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(first, Failed) and first.retry and yt.live_posts() == []
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Published)
    assert len(yt.sessions) == 1 and len(yt.live_posts()) == 1
