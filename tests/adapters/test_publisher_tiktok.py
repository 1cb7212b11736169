"""TikTok: inbox upload (default) and direct post, chunked FILE_UPLOAD and PULL_FROM_URL, against the fake.

The fake follows TikTok's documentation (see tests/platform_fakes/tiktok.py): the chunk rules, the
status transitions, the documented error bodies and moderation that holds back the post id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from automation.adapters.social.tiktok import MAX_CHUNK, MIN_CHUNK, chunk_plan
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

MiB = 1024 * 1024
CHUNK = 5 * MiB  # the smallest chunk TikTok takes
SIZE = 2 * CHUNK + 100 * 1024  # two chunks, the last one holding the rest
QUICK = {**FAST, "poll_timeout": 0.05}  # FAST settle_seconds (0.1) bounds the wait for a post id


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def tt() -> Iterator[TikTokFake]:
    with TikTokFake() as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[MediaSite]:
    with MediaSite(tmp_path) as running:
        yield running


@pytest.fixture(scope="module")
def big_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media(tmp_path_factory.mktemp("tt"), "gerebeg.mp4", mp4(SIZE)).path


def adapter(tt: TikTokFake, site: MediaSite | None = None, **extra):
    config = {"base_url": tt.url, "chunk_size": CHUNK, "username": "pemkotjogja", **QUICK, **extra}
    return build_platform("TikTok", config, media_host=site.host if site else None)


def direct(tt: TikTokFake, site: MediaSite | None = None, **extra):
    return adapter(tt, site, **{"mode": "direct", "privacy_level": "PUBLIC_TO_EVERYONE", **extra})


def post(tmp_path: Path, size: int = 600 * 1024, path: Path | None = None) -> Post:
    video = media(tmp_path / "m", "gerebeg.mp4", mp4(size)) if path is None else media(
        tmp_path / "m", "gerebeg.mp4", path.read_bytes())
    return Post(key="K-2026-0030/6/1/publish/TikTok", item_id="K-2026-0030", platform="TikTok",
                title="Gerebeg Maulud", caption="Gerebeg Maulud 2026 #jogja #budaya", kind="Video", media=(video,))


def big(tmp_path: Path, big_video: Path) -> Post:
    return post(tmp_path, path=big_video)


# --- the sequence ------------------------------------------------------------------------------------

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


def test_a_private_direct_post_never_gets_an_id_and_is_published_with_the_profile(tt, tmp_path):
    outcome = direct(tt, privacy_level="SELF_ONLY").publish(post(tmp_path), MemoryState())
    assert outcome == Published(link="https://www.tiktok.com/@pemkotjogja", remote_id=tt.posts[0]["publish_id"])


def test_a_privacy_level_the_account_does_not_offer(tt, tmp_path):
    tt.privacy_options = ("SELF_ONLY",)  # an unaudited app
    outcome = direct(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "SELF_ONLY" in outcome.problem
    assert not tt.requests_to("POST", r"/init/$")


def test_direct_needs_a_privacy_level():
    with pytest.raises(PublishConfigError, match="privacy_level"):
        build_platform("TikTok", {"mode": "direct"})


# --- chunks ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chunk_size", [MIN_CHUNK - 1, 1024 * 1024, MAX_CHUNK + 1, 64 * MiB])
def test_a_chunk_size_outside_tiktoks_rules_is_refused_at_start(chunk_size):
    with pytest.raises(PublishConfigError, match=r"chunk_size = \d+ tidak sesuai aturan TikTok"):
        build_platform("TikTok", {"chunk_size": chunk_size})


def test_the_chunk_plan_follows_the_media_transfer_guide():
    # The guide's own examples: 50,000,123 bytes in 10,000,000-byte chunks -> 5, the last one with 123
    # more; a 4 MB (4,194,304-byte) file whole.
    assert chunk_plan(50_000_123, 10_000_000) == (10_000_000, 5)
    assert chunk_plan(4_194_304, 10 * MiB) == (4_194_304, 1)
    assert chunk_plan(4_194_304, CHUNK) == (4_194_304, 1)  # under 5 MB: whole even when chunks are smaller
    assert chunk_plan(6 * MiB, 10 * MiB) == (6 * MiB, 1)  # one chunk of the whole file
    assert chunk_plan(25 * MiB, 10 * MiB) == (10 * MiB, 2)  # rounded down: the last takes 15 MiB
    assert chunk_plan(1000 * CHUNK + CHUNK - 1, CHUNK) == (CHUNK, 1000)
    with pytest.raises(ValueError, match="paling banyak 1000 potongan"):
        chunk_plan(1001 * CHUNK, CHUNK)
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_plan(50 * MiB, 4 * MiB)


def test_a_chunked_upload_sends_every_chunk_in_order(tt, tmp_path, big_video):
    outcome = adapter(tt).publish(big(tmp_path, big_video), MemoryState())
    assert isinstance(outcome, Manual) and tt.inbox[0]["size"] == SIZE
    assert [e.status for e in tt.requests_to("PUT", r"/upload/$")] == [206, 201]


def test_the_fake_refuses_what_the_guide_forbids(tt):
    headers = {"Authorization": "Bearer tt-token", "Content-Type": "application/json; charset=UTF-8"}
    init = f"{tt.url}/v2/post/publish/inbox/video/init/"
    rounded_up = {"source": "FILE_UPLOAD", "video_size": SIZE, "chunk_size": CHUNK, "total_chunk_count": 3}
    answer = requests.post(init, json={"source_info": rounded_up}, headers=headers, timeout=5)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_param"
    small_in_chunks = {"source": "FILE_UPLOAD", "video_size": 4 * MiB, "chunk_size": 2 * MiB, "total_chunk_count": 2}
    assert requests.post(init, json={"source_info": small_in_chunks}, headers=headers, timeout=5).status_code == 400
    good = {"source": "FILE_UPLOAD", "video_size": SIZE, "chunk_size": CHUNK, "total_chunk_count": 2}
    upload_url = requests.post(init, json={"source_info": good}, headers=headers, timeout=5).json()["data"]["upload_url"]
    second = mp4(SIZE)[CHUNK:]
    out_of_order = requests.put(upload_url, data=second, timeout=5, headers={
        "Content-Type": "video/mp4", "Content-Range": f"bytes {CHUNK}-{SIZE - 1}/{SIZE}"})
    assert out_of_order.status_code == 416  # "File chunks must be uploaded sequentially"


def test_a_crash_mid_upload_resumes_from_the_bytes_tiktok_has(tt, tmp_path, big_video):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(tt).publish(big(tmp_path, big_video), CrashOn(state, "chunks_done", value=1))  # chunk 1 sent, unsaved
    outcome = adapter(tt).publish(big(tmp_path, big_video), state)
    assert isinstance(outcome, Manual) and len(tt.inbox) == 1
    assert [e.status for e in tt.requests_to("PUT", r"/upload/$")] == [206, 201]  # chunk 2 only, after a status read
    assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_an_expired_upload_url_starts_a_new_upload(tt, tmp_path, big_video):
    state = MemoryState()
    with pytest.raises(SimulatedCrash):
        adapter(tt).publish(big(tmp_path, big_video), CrashOn(state, "chunks_done", after=True, value=1))
    tt.expire_upload(state.get()["publish_id"])  # the upload_url is valid for one hour
    outcome = adapter(tt).publish(big(tmp_path, big_video), state)
    assert isinstance(outcome, Failed) and outcome.retry and state.get()["publish_id"] is None
    assert isinstance(adapter(tt).publish(big(tmp_path, big_video), state), Manual)
    assert len(tt.inbox) == 1 and len(tt.requests_to("POST", r"/init/$")) == 2


# --- the creator's limits ----------------------------------------------------------------------------

def test_a_video_longer_than_the_creator_may_post_is_refused_before_anything_is_sent(tt, tmp_path):
    from tests.media_samples import video

    clip = video(tmp_path / "clip.mp4", seconds=3.0, size=(360, 640), audio=None)
    tt.max_video_post_duration_sec = 2
    outcome = direct(tt).publish(post(tmp_path, path=clip), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry
    assert "3.0 detik" in outcome.problem and "2.0 detik" in outcome.problem
    assert not tt.requests_to("POST", r"/init/$")
    tt.max_video_post_duration_sec = 600
    assert isinstance(direct(tt).publish(post(tmp_path, path=clip), MemoryState()), Published)


# --- the error table, against the documented error bodies ---------------------------------------------

REFUSALS = [  # (error.code, HTTP status, retried by itself?)
    ("spam_risk_too_many_posts", 403, True),  # the daily post cap: wait, then try again
    ("spam_risk_too_many_pending_share", 403, True),
    ("reached_active_user_cap", 403, True),
    ("rate_limit_exceeded", 429, True),
    ("spam_risk_user_banned_from_posting", 403, False),  # a posting ban is never retried
    ("unaudited_client_can_only_post_to_private_accounts", 403, False),
    ("url_ownership_unverified", 403, False),
    ("privacy_level_option_mismatch", 403, False),
    ("scope_not_authorized", 401, False),
    ("invalid_param", 400, False),
]


@pytest.mark.parametrize(("code", "status", "retry"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_documented_refusal_goes_where_the_table_says(tt, tmp_path, code, status, retry):
    tt.fail("POST", r"/video/init/$", "error_before", response=tiktok_answer(status=status, code=code, message="no"))
    state = MemoryState()
    outcome = direct(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry is retry, outcome
    assert tt.posts == [] and state.get().get("init_attempts", 0) == 0
    again = direct(tt).publish(post(tmp_path), state)
    if retry:  # held until the limit has passed: TikTok is not asked again meanwhile
        assert isinstance(again, Failed) and again.retry and "Menunggu batas TikTok" in again.problem
        assert len(tt.requests_to("POST", r"/video/init/$")) == 1
        state.save(hold_until=(datetime.now(UTC) - timedelta(seconds=1)).isoformat())
        assert isinstance(direct(tt).publish(post(tmp_path), state), Published) and len(tt.posts) == 1
    else:
        assert isinstance(again, Published)  # a person fixed it and asked again


def test_a_posting_ban_from_the_fake_is_not_retried(tt, tmp_path):
    tt.banned = True
    outcome = adapter(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "melarang akun ini" in outcome.problem


def test_five_pending_inbox_shares_hold_the_sixth(tt, tmp_path):
    for _ in range(5):
        assert isinstance(adapter(tt).publish(post(tmp_path), MemoryState()), Manual)
    outcome = adapter(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "spam_risk_too_many_pending_share" in outcome.problem


def test_an_error_inside_an_http_200_answer_is_read(tt, tmp_path):
    tt.fail("POST", r"/inbox/video/init/$", "error_before",
            response=tiktok_answer(status=200, code="spam_risk_too_many_posts", message="Too many posts"))
    outcome = adapter(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "spam_risk_too_many_posts" in outcome.problem


def test_an_invalid_token(tt, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_TOKEN", "expired")
    outcome = adapter(tt).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "SOP_KONTEN_TIKTOK_TOKEN" in outcome.problem


@pytest.mark.parametrize(("reason", "retry"), [("duration_check_failed", False), ("file_format_check_failed", False),
                                               ("internal", True), ("auth_removed", False),
                                               ("spam_risk_user_banned_from_posting", False)])
def test_a_failed_publish_is_reported_by_its_fail_reason_and_forgotten(tt, tmp_path, reason, retry):
    tt.fail_next = reason
    state = MemoryState()
    outcome = direct(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry is retry and reason in outcome.problem
    assert state.get()["publish_id"] is None and tt.posts == []
    state.save(hold_until=None)
    assert isinstance(direct(tt).publish(post(tmp_path), state), Published) and len(tt.posts) == 1


# --- lost answers ------------------------------------------------------------------------------------

LOST = [(mode, point, visibility) for mode in ("inbox", "direct") for point in TikTokFake.CREATE_POINTS["video"]
        for visibility in ("immediate", "late", "never")]


@pytest.mark.parametrize(("mode", "point", "visibility"), LOST,
                         ids=[f"{m}-{p[0]}-{v}" for m, p, v in LOST])
def test_a_lost_answer_at_every_step_never_posts_twice_nor_reports_a_live_post_failed(
        tmp_path, big_video, mode, point, visibility):
    with TikTokFake(visibility=visibility) as tt:
        tt.fail(point[0], point[1], "drop_after")
        platform = direct(tt) if mode == "direct" else adapter(tt)
        state = MemoryState()
        outcome = platform.publish(big(tmp_path, big_video), state)
        assert tt.faults[0].seen == 1
        live = len(tt.live_posts())
        assert live <= 1
        assert not (isinstance(outcome, Failed) and live), outcome
        assert not (isinstance(outcome, Published | Manual) and not live), outcome
        tt.reveal()
        again = (direct(tt) if mode == "direct" else adapter(tt)).publish(big(tmp_path, big_video), state)
        assert len(tt.live_posts()) == 1
        if mode == "inbox":
            assert isinstance(again, Manual)
        elif visibility == "never":
            assert isinstance(again, Unknown) and "moderasi" in again.reason  # no id to link to, ever
        else:
            assert again == Published(link=f"https://www.tiktok.com/@pemkotjogja/video/{tt.posts[0]['id']}",
                                      remote_id=tt.posts[0]["id"])
        assert len(tt.requests_to("PUT", r"/upload/$")) <= 3  # never a second whole upload
        assert tt.errors == []


def test_a_live_post_waiting_for_moderation_is_unknown_then_published_once_it_has_an_id(tmp_path):
    with TikTokFake(visibility="late") as tt:
        state = MemoryState()
        outcome = direct(tt, poll_timeout=300).publish(post(tmp_path), state)
        assert isinstance(outcome, Unknown) and "moderasi TikTok" in outcome.reason and len(tt.posts) == 1
        assert len(tt.requests_to("POST", r"/status/fetch/$")) < 30  # waited settle_seconds, not poll_timeout
        assert isinstance(direct(tt).reconcile(post(tmp_path), state), Unknown)
        tt.reveal()
        assert isinstance(direct(tt).reconcile(post(tmp_path), state), Published)
        assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_an_unanswered_pull_from_url_is_unconfirmed_and_never_sent_twice(tt, site, tmp_path):
    tt.processing_reads = 0  # TikTok pulls and posts while the answer is lost
    tt.fail("POST", r"/inbox/video/init/$", "drop_after")
    state = MemoryState()
    outcome = adapter(tt, site, source="url").publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "tidak mengirim ulang" in outcome.reason
    assert len(tt.live_posts()) == 1
    again = adapter(tt, site, source="url").publish(post(tmp_path), state)
    assert isinstance(again, Unknown)
    assert len(tt.requests_to("POST", r"/init/$")) == 1


def test_pull_from_url_through_the_media_host(tt, site, tmp_path):
    outcome = adapter(tt, site, source="url").publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Manual) and len(tt.inbox) == 1
    assert site.server.fetched and not tt.requests_to("PUT", r"/upload/$")


def test_a_status_that_cannot_be_read_after_the_upload_is_unknown_not_failed(tt, tmp_path):
    tt.fail("POST", r"/status/fetch/$", "error_before", times=20,
            response=tiktok_answer(status=429, code="rate_limit_exceeded", message="slow down"))
    state = MemoryState()
    outcome = direct(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown)
    tt.faults.clear()
    assert isinstance(direct(tt).publish(post(tmp_path), state), Published) and len(tt.posts) == 1


def test_reconcile_of_a_video_still_processing(tt, tmp_path):
    tt.processing_reads = 1000
    state = MemoryState()
    outcome = direct(tt).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "masih memproses" in outcome.reason
    tt.publishes[state.get()["publish_id"]]["reads_left"] = 0  # TikTok finished meanwhile
    assert isinstance(direct(tt).reconcile(post(tmp_path), state), Published)
    assert len(tt.posts) == 1


# --- tokens ------------------------------------------------------------------------------------------

def token_file(tmp_path: Path, tt: TikTokFake) -> Path:
    found = tmp_path / "tiktok.json"
    found.write_text(json.dumps({"access_token": "old", "refresh_token": "rft.1",
                                 "expires_at": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}))
    tt.refresh_tokens.add("rft.1")
    return found


def test_the_token_is_refreshed_when_due(tt, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_SECRET", "tt-client-secret")
    saved_at = token_file(tmp_path, tt)
    platform = adapter(tt, token_file=str(saved_at), client_key="tt-client-key",
                       client_secret_env="SOP_KONTEN_TIKTOK_SECRET")
    assert isinstance(platform.publish(post(tmp_path), MemoryState()), Manual)
    saved = json.loads(saved_at.read_text())
    assert saved["access_token"] in tt.tokens and saved["refresh_token"] != "rft.1"
    assert platform.token_expiry() > datetime.now(UTC) + timedelta(days=300)  # the refresh token's expiry


def test_a_token_refresh_that_cannot_reach_tiktok_is_a_retry_not_a_used_attempt(tt, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_SECRET", "tt-client-secret")
    saved_at = token_file(tmp_path, tt)
    before = saved_at.read_text()
    tt.fail("POST", r"/v2/oauth/token/$", "drop_before", times=10)
    platform = adapter(tt, token_file=str(saved_at), client_key="tt-client-key",
                       client_secret_env="SOP_KONTEN_TIKTOK_SECRET")
    state = MemoryState()
    outcome = platform.publish(post(tmp_path), state)  # no exception escapes
    assert isinstance(outcome, Failed) and outcome.retry and "layanan token tidak dapat dihubungi" in outcome.problem
    assert state.get().get("init_attempts", 0) == 0 and not tt.requests_to("POST", r"/init/$")
    assert saved_at.read_text() == before
    tt.faults.clear()
    assert isinstance(platform.publish(post(tmp_path), state), Manual) and len(tt.inbox) == 1
