"""YouTube: videos.insert as a resumable upload through google-api-python-client, against the local fake.

A lost answer at every point of the sequence with the video visible in the uploads playlist immediately,
late or never; the documented error reasons (retry, wait for a quota, person, fail); quotas respected with
a fake clock (the adapter's `now`).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from automation.adapters.social.youtube import next_quota_reset
from automation.ports import Post
from automation.publisher import Failed, MemoryState, PublishConfigError, Published, Unknown, build_platform
from tests.platform_fakes import FAST, TOKENS, CrashOn, SimulatedCrash, YouTubeFake, jpeg, media, mp4
from tests.platform_fakes.youtube import google_error

KB = 1024
SIZE = 700 * KB  # three chunks of 256 KiB
INSERT = YouTubeFake.CREATE_POINTS["video"][0]
PUT = YouTubeFake.CREATE_POINTS["video"][1]


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def yt() -> Iterator[YouTubeFake]:
    fake = YouTubeFake()
    with fake:
        yield fake
        assert fake.errors == []


class Clock:
    """The adapter's `now`, moved by the test."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


def adapter(yt: YouTubeFake, clock: Clock | None = None, **extra: Any) -> Any:
    config = {"base_url": yt.url, "token_uri": f"{yt.url}/token", "chunk_size": 256 * KB, **FAST, **extra}
    platform: Any = build_platform("YouTube", config)
    if clock is not None:
        platform.now = clock
    return platform


def post(tmp_path: Path, name: str = "wisata.mp4", title: str = "Wisata Malam Tugu Jogja") -> Post:
    data = mp4(SIZE) if name.endswith(".mp4") else jpeg()
    return Post(key=f"K-2026-0020/6/1/publish/YouTube/{title}", item_id="K-2026-0020", platform="YouTube",
                title=title, caption="Menyusuri Tugu Pal Putih di malam hari.", kind="Video",
                media=(media(tmp_path / "m", name, data),))


def quota_refusal(reason: str = "quotaExceeded", status: int = 403, domain: str = "youtube.quota") -> Any:
    return google_error(status, reason, "The request cannot be completed because you have exceeded your quota.",
                        domain=domain)


# --- the sequence ---------------------------------------------------------------------------------------

def test_a_video_is_uploaded_in_chunks_and_published(yt, tmp_path):
    state = MemoryState()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and outcome.link == f"https://www.youtube.com/watch?v={outcome.remote_id}"
    (video,) = yt.live_posts()
    assert video["size"] == SIZE and video["snippet"]["title"] == "Wisata Malam Tugu Jogja"
    assert video["status"]["privacyStatus"] == "public" and video["snippet"]["categoryId"] == "25"
    assert len(yt.requests_to("PUT", r"/upload/youtube")) == 3
    assert state.get()["session_uri"].startswith(yt.url)  # saved before the first byte
    assert state.get()["upload_final_at"]  # and the last chunk's intent before it was sent


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


def test_an_expired_session_before_the_last_byte_was_sent_starts_a_new_one(yt, tmp_path):
    """The intent of the last chunk is saved before it is sent: without it no video can exist."""
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "upload_progress", after=True, value=256 * KB))
    yt.forget_sessions()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and len(yt.live_posts()) == 1
    assert len(yt.sessions) == 2


def test_an_expired_session_after_the_last_byte_may_have_gone_is_never_uploaded_again(yt, tmp_path):
    """The last chunk's intent is saved: whether it arrived only the channel can tell; it does not show it."""
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(yt).publish(post(tmp_path), CrashOn(state, "upload_final_at", after=True))
    yt.forget_sessions()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "tidak mengirim ulang" in outcome.reason
    assert yt.live_posts() == [] and len(yt.sessions) == 1
    assert state.get()["step"] == "upload_unconfirmed"
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Unknown) and len(yt.sessions) == 1


# --- a lost answer at every point, the video visible immediately, late or never ---------------------------

POINTS = [
    pytest.param(INSERT, 256 * KB, id="session"),
    pytest.param(PUT, 256 * KB, id="first-chunk"),
    pytest.param(PUT, -1, id="last-chunk"),  # one PUT carries every byte: the one that makes the video
]


@pytest.mark.parametrize("expiry", ["never", "on_complete"])
@pytest.mark.parametrize("visibility", ["immediate", "late", "never"])
@pytest.mark.parametrize(("point", "chunk_size"), POINTS)
def test_a_lost_answer_at_every_point(yt, tmp_path, point, chunk_size, visibility, expiry):
    yt.visibility, yt.session_expiry = visibility, expiry
    yt.fail(*point, "drop_after")
    state = MemoryState()
    platform = adapter(yt, chunk_size=chunk_size)
    outcome = platform.publish(post(tmp_path), state)
    assert yt.faults[0].seen == 1
    (video,) = yt.live_posts()  # never a second video, whatever the outcome
    lost_last_byte = chunk_size == -1 and point == PUT
    if not (lost_last_byte and expiry == "on_complete" and visibility != "immediate"):
        # the session itself answers (or the channel shows the video at once): definitive
        assert outcome == Published(f"https://www.youtube.com/watch?v={video['id']}", video["id"])
        return
    # the session is gone and the channel does not show the video yet: a person settles it, no resend
    assert isinstance(outcome, Unknown), outcome
    assert len(yt.sessions) == 1
    yt.reveal()
    again = adapter(yt, chunk_size=chunk_size).publish(post(tmp_path), state)
    assert len(yt.live_posts()) == 1 and len(yt.sessions) == 1
    if visibility == "late":
        assert again == Published(f"https://www.youtube.com/watch?v={video['id']}", video["id"])
    else:
        assert isinstance(again, Unknown)


# --- the error table --------------------------------------------------------------------------------------

PERSON_OR_FAIL = [
    pytest.param(403, "forbidden", "youtube.video", "akun", id="forbidden"),
    pytest.param(403, "insufficientPermissions", "global", "akun", id="insufficientPermissions"),
    pytest.param(401, "youtubeSignupRequired", "youtube.header", "kanal", id="youtubeSignupRequired"),
    pytest.param(401, "authError", "global", "SOP_KONTEN_YT_REFRESH_TOKEN", id="authError"),
    pytest.param(400, "invalidTitle", "youtube.video", "judul", id="invalidTitle"),
    pytest.param(400, "invalidDescription", "youtube.video", "deskripsi", id="invalidDescription"),
    pytest.param(400, "invalidTags", "youtube.video", "video ini", id="invalidTags"),
    pytest.param(400, "invalidCategoryId", "youtube.video", "kategori", id="invalidCategoryId"),
    pytest.param(400, "mediaBodyRequired", "youtube.video", "berkas", id="mediaBodyRequired"),
]


@pytest.mark.parametrize(("status", "reason", "domain", "words"), PERSON_OR_FAIL)
def test_a_refusal_for_a_person_or_the_content_is_not_retried(yt, tmp_path, status, reason, domain, words):
    # google-auth retries a 401 twice with a new token (AuthorizedHttp max_refresh_attempts) before giving up
    yt.fail(*INSERT, "error_before", times=3, response=google_error(status, reason, f"{reason} refused", domain))
    state = MemoryState()
    outcome = adapter(yt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and not outcome.retry, outcome
    assert reason in outcome.problem and words in outcome.problem
    assert yt.sessions == {} and not state.get().get("session_at")  # refused: nothing created
    yt.faults.clear()
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Published)  # once the person fixed it
    assert len(yt.live_posts()) == 1


@pytest.mark.parametrize("point", [INSERT, PUT], ids=["session", "chunk"])
def test_a_backend_error_is_resumed_like_a_lost_answer(yt, tmp_path, point):
    yt.fail(*point, "error_before", response=google_error(503, "backendError", "Backend Error", domain="global"))
    outcome = adapter(yt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Published) and len(yt.live_posts()) == 1
    assert len(yt.sessions) == 1  # a 503 before the work created no session; a 503 chunk is resumed


def test_a_revoked_refresh_token_goes_to_a_person(yt, tmp_path):
    yt.refresh_tokens.clear()
    outcome = adapter(yt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "SOP_KONTEN_YT_REFRESH_TOKEN" in outcome.problem
    assert "invalid_grant" in outcome.problem
    assert yt.live_posts() == [] and yt.sessions == {}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("trouble", ["refused", "dropped"])
def test_a_token_refresh_network_error_is_a_retry_later_without_a_used_attempt(yt, tmp_path, trouble):
    if trouble == "refused":
        platform = adapter(yt, token_uri=f"http://127.0.0.1:{closed_port()}/token")
    else:
        yt.fail("POST", r"/token$", "drop_before", times=10)
        platform = adapter(yt)
    state = MemoryState()
    outcome = platform.publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "layanan token" in outcome.problem, outcome
    assert not state.get().get("session_attempts") and not state.get().get("session_at")
    assert yt.sessions == {} and yt.requests_to("POST", r"/upload/") == []
    yt.faults.clear()
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Published)
    assert state.get()["session_attempts"] == 1


class OnSave:
    """A PublishState that runs `then` once, right after the first save writing `key` (a switch in time)."""

    def __init__(self, inner: MemoryState, key: str, then: Any) -> None:
        self.inner, self.key, self.then, self.done = inner, key, then, False

    def get(self) -> dict:
        return self.inner.get()

    def save(self, **values: Any) -> None:
        self.inner.save(**values)
        if self.key in values and not self.done:
            self.done = True
            self.then()


def test_a_token_that_expires_mid_upload_and_cannot_be_refreshed_stops_before_the_next_chunk(yt, tmp_path):
    yt.token_lifetime = 60  # google-auth refreshes a token this close to expiry before every request
    state = MemoryState()
    outage = OnSave(state, "upload_progress", lambda: yt.fail("POST", r"/token$", "drop_before", times=10))
    outcome = adapter(yt).publish(post(tmp_path), outage)
    assert isinstance(outcome, Failed) and outcome.retry and "layanan token" in outcome.problem, outcome
    assert yt.live_posts() == [] and not state.get().get("upload_final_at") and not state.get().get("upload_at")
    yt.faults.clear()
    assert isinstance(adapter(yt).publish(post(tmp_path), state), Published)
    assert len(yt.sessions) == 1 and len(yt.live_posts()) == 1


# --- quotas --------------------------------------------------------------------------------------------------

def test_the_quota_reset_is_midnight_pacific_time():
    assert next_quota_reset(datetime(2026, 11, 30, 20, 0, tzinfo=UTC)) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert next_quota_reset(datetime(2026, 7, 1, 6, 59, tzinfo=UTC)) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert next_quota_reset(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)) == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("reason", ["quotaExceeded", "dailyLimitExceeded"])
def test_after_a_quota_refusal_nothing_is_asked_until_the_reset(yt, tmp_path, reason):
    clock = Clock()
    reset = next_quota_reset(clock.at)
    yt.fail(*INSERT, "error_before", response=quota_refusal(reason, domain="usageLimits"))
    state = MemoryState()
    platform = adapter(yt, clock)
    outcome = platform.publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and reason in outcome.problem, outcome
    assert "WIB" in outcome.problem and yt.sessions == {}
    assert state.get()["hold_until"] == reset.isoformat()
    asked = len(yt.log)
    clock.at = reset - timedelta(seconds=1)
    other = platform.publish(post(tmp_path, title="Festival Kesenian Yogyakarta"), MemoryState())  # any post
    restarted = adapter(yt, clock).publish(post(tmp_path), state)  # a new daemon: the state remembers
    assert isinstance(other, Failed) and other.retry and isinstance(restarted, Failed) and restarted.retry
    assert len(yt.log) == asked  # not a single request, not even for a token
    clock.at = reset + timedelta(seconds=1)
    assert isinstance(adapter(yt, clock).publish(post(tmp_path), state), Published)
    assert len(yt.live_posts()) == 1


def test_the_fake_project_quota_switch_is_respected(yt, tmp_path):
    clock = Clock()
    yt.quota_exhausted = True
    platform = adapter(yt, clock)
    assert isinstance(platform.publish(post(tmp_path), MemoryState()), Failed)
    assert isinstance(platform.publish(post(tmp_path, title="Lain"), MemoryState()), Failed)
    assert yt.requests_during_quota == 1


def test_a_refused_chunk_is_resumed_from_what_the_session_has(yt, tmp_path):
    """A quota refusal of a PUT: the session already started is charged; it resumes once the hold allows."""
    clock = Clock()
    yt.fail(*PUT, "error_before", times=1, response=quota_refusal())
    state = MemoryState()
    first = adapter(yt, clock).publish(post(tmp_path), state)
    assert isinstance(first, Failed) and first.retry and yt.live_posts() == []
    assert isinstance(adapter(yt, clock).publish(post(tmp_path), state), Published)
    assert len(yt.sessions) == 1 and len(yt.live_posts()) == 1


def test_the_channels_daily_upload_limit_waits_a_day(yt, tmp_path):
    clock = Clock()
    yt.daily_upload_limit = 1
    platform = adapter(yt, clock)
    assert isinstance(platform.publish(post(tmp_path), MemoryState()), Published)
    state = MemoryState()
    second = post(tmp_path, title="Festival Kesenian Yogyakarta")
    refused = platform.publish(second, state)
    assert isinstance(refused, Failed) and refused.retry and "uploadLimitExceeded" in refused.problem, refused
    asked = len(yt.log)
    clock.at += timedelta(hours=23)
    assert isinstance(platform.publish(second, state), Failed) and len(yt.log) == asked
    yt.new_day()
    clock.at += timedelta(hours=1, seconds=1)
    assert isinstance(platform.publish(second, state), Published)
    assert len(yt.live_posts()) == 2


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_a_rate_limit_backs_off_doubling(yt, tmp_path, reason):
    clock = Clock()
    yt.fail(*INSERT, "error_before", times=2, response=quota_refusal(reason, domain="usageLimits"))
    state = MemoryState()
    platform = adapter(yt, clock, rate_limit_wait=60)
    assert isinstance(platform.publish(post(tmp_path), state), Failed)
    assert state.get()["hold_until"] == (clock.at + timedelta(seconds=60)).isoformat()
    asked = len(yt.log)
    assert isinstance(platform.publish(post(tmp_path), state), Failed) and len(yt.log) == asked
    clock.at += timedelta(seconds=61)
    assert isinstance(platform.publish(post(tmp_path), state), Failed)  # the second refusal in a row
    assert state.get()["hold_until"] == (clock.at + timedelta(seconds=120)).isoformat()
    clock.at += timedelta(seconds=121)
    assert isinstance(platform.publish(post(tmp_path), state), Published) and len(yt.live_posts()) == 1


# --- the fake's own documented behaviour ------------------------------------------------------------------------

def test_a_new_video_is_uploaded_then_processed_after_some_reads(yt, tmp_path):
    yt.processing_reads = 2
    outcome = adapter(yt).publish(post(tmp_path), MemoryState())
    token = requests.post(f"{yt.url}/token", data={"grant_type": "refresh_token", "client_id": yt.client_id,
                                                    "client_secret": yt.client_secret,
                                                    "refresh_token": "yt-refresh"}, timeout=5).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    def upload_status() -> str:
        answer = requests.get(f"{yt.url}/youtube/v3/videos", params={"id": outcome.remote_id, "part": "status"},
                              headers=headers, timeout=5).json()
        return str(answer["items"][0]["status"]["uploadStatus"])

    assert [upload_status() for _ in range(3)] == ["uploaded", "uploaded", "processed"]


# --- configuration and credentials ---------------------------------------------------------------------------

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
