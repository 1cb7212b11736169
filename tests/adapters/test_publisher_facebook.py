"""Facebook Page: photos, albums, videos and text posts against the local Graph API fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from automation.ports import Post
from automation.publisher import Failed, MemoryState, Published, Unknown, build_platform
from tests.platform_fakes import FAST, TOKENS, FacebookFake, MediaSite, jpeg, media, mp4
from tests.platform_fakes.facebook import (
    graph_error,
    invalid_parameter,
    page_throttled,
    permission_denied,
    policy_block,
    service_unavailable,
    video_upload_problem,
)


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


def test_a_video_goes_through_the_resumable_upload(fb, tmp_path):
    clip = post(tmp_path, "klip.mp4")  # 4 KiB, sent in chunks of 1 KiB as the fake asks
    fb.chunk_size = 1024
    state = MemoryState()
    outcome = adapter(fb, None).publish(clip, state)
    assert isinstance(outcome, Published)
    (video,) = fb.videos.values()
    assert outcome.remote_id == video["id"] == state.get()["video_id"]
    assert outcome.link == f"https://www.facebook.com/{fb.page_id}/videos/{video['id']}/"
    assert bytes(video["data"]) == clip.media[0].path.read_bytes()
    assert len(fb.requests_to("POST", r"/videos$")) == 1 + 4 + 1  # start, four chunks, finish
    (live,) = fb.live_posts()
    assert live["kind"] == "video" and live["message"] == clip.caption


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
    fb.visibility, fb.reads_until_visible = "late", 2  # the feed shows the post from its second read on
    fb.fail("POST", r"/photos$", "drop_after")
    outcome = adapter(fb, site, settle_seconds=1.0).publish(post(tmp_path, "cfd.jpg"), MemoryState())
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


# --- a lost answer at every step, the post visible at once, late or never (issue 11) ----------------

FILES = {"text": (), "image": ("cfd.jpg",), "images": ("a.jpg", "b.jpg"), "video": ("klip.mp4",)}
# Where nothing can be read by id, a lost feed post that the feed does not show goes to a person.
UNCONFIRMABLE = {("text", r"/feed$"), ("image", r"/photos$"), ("images", r"/feed$")}


def matrix_cases() -> list:
    return [pytest.param(kind, method, pattern, visibility, id=f"{kind}-{pattern.strip('$/').split('/')[-1]}-"
                                                               f"{visibility}")
            for kind, points in FacebookFake.CREATE_POINTS.items() for method, pattern in points
            for visibility in ("immediate", "late", "never")]


@pytest.mark.parametrize(("kind", "method", "pattern", "visibility"), matrix_cases())
def test_a_lost_answer_never_posts_twice_nor_calls_a_live_post_failed(kind, method, pattern, visibility, site,
                                                                      tmp_path):
    with FacebookFake(visibility=visibility, chunk_size=1024) as fb:
        fb.fail(method, pattern, "drop_after")
        item, state = post(tmp_path, *FILES[kind]), MemoryState()
        outcome = adapter(fb, site).publish(item, state)
        assert fb.faults[0].seen == 1, "the fault was never triggered"
        live = fb.live_posts()
        assert len(live) <= 1
        if live:
            assert not isinstance(outcome, Failed), outcome
        if isinstance(outcome, Published):
            assert len(live) == 1 and outcome.link
        unconfirmable = (kind, pattern) in UNCONFIRMABLE
        if unconfirmable and visibility != "immediate":
            assert isinstance(outcome, Unknown) and "tidak mengirim ulang" in outcome.reason
        else:
            assert isinstance(outcome, Published), outcome
        fb.reveal()
        again = adapter(fb, site).publish(item, state)
        if unconfirmable and visibility == "never":
            assert isinstance(again, Unknown)  # Facebook gives no way to know: a person settles it
        else:
            assert isinstance(again, Published) and again.remote_id in (live[0]["id"], live[0].get("video_id"))
        assert len(fb.live_posts()) == 1
        assert fb.errors == []


def test_a_video_still_processing_is_left_to_a_later_publish_never_uploaded_again(fb, tmp_path):
    fb.processing_reads = 10  # minutes of processing in real life
    clip, state = post(tmp_path, "klip.mp4"), MemoryState()
    first = adapter(fb, None, poll_timeout=0.03).publish(clip, state)
    assert isinstance(first, Unknown) and "masih diproses" in first.reason and fb.live_posts() == []
    fb.finish_processing()
    again = adapter(fb, None, poll_timeout=0.03).publish(clip, state)
    assert isinstance(again, Published) and again.remote_id == state.get()["video_id"]
    assert len(fb.videos) == 1 and len(fb.live_posts()) == 1


def test_a_lost_finish_of_a_video_still_processing_is_settled_by_its_id(fb, tmp_path):
    fb.processing_reads = 10
    fb.fail("POST", r"/videos\?upload_phase=finish$", "drop_after")
    clip, state = post(tmp_path, "klip.mp4"), MemoryState()
    first = adapter(fb, None, poll_timeout=0.03).publish(clip, state)
    assert isinstance(first, Unknown) and fb.live_posts() == []
    for _ in range(5):  # each later publish reads the status; processing ends after ten reads
        outcome = adapter(fb, None, poll_timeout=0.03).publish(clip, state)
    assert isinstance(outcome, Published)
    assert len(fb.requests_to("POST", r"/videos$")) == 3 and len(fb.live_posts()) == 1  # start, chunk, finish


def test_a_lost_transfer_resumes_where_facebook_says(fb, tmp_path):
    fb.chunk_size = 1024
    fb.fail("POST", r"/videos\?upload_phase=transfer$", "drop_after")
    clip = post(tmp_path, "klip.mp4")
    outcome = adapter(fb, None).publish(clip, MemoryState())
    assert isinstance(outcome, Published)
    (video,) = fb.videos.values()
    assert bytes(video["data"]) == clip.media[0].path.read_bytes()
    assert [e.status for e in fb.requests_to("POST", r"/videos$")].count(400) == 1  # the resend: 1363037


def test_a_lost_start_starts_again_and_the_unfinished_session_never_goes_live(fb, tmp_path):
    fb.fail("POST", r"/videos\?upload_phase=start$", "drop_after")
    outcome = adapter(fb, None).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Published)
    assert sorted(v["state"] for v in fb.videos.values()) == ["ready", "uploading"]
    assert len(fb.live_posts()) == 1


def test_a_video_facebook_cannot_process_fails_with_nothing_live(fb, tmp_path):
    fb.processing_fails = True
    state = MemoryState()
    outcome = adapter(fb, None).publish(post(tmp_path, "klip.mp4"), state)
    assert isinstance(outcome, Failed) and not outcome.retry and "gagal memproses" in outcome.problem
    assert fb.live_posts() == [] and state.get()["video_id"] is None


def test_a_duplicate_refusal_is_the_live_post_with_its_link(fb, site, tmp_path):
    item = post(tmp_path)
    twin = adapter(fb, site).publish(item, MemoryState())  # e.g. a journal lost with the disk
    outcome = adapter(fb, site).publish(item, MemoryState())
    assert fb.requests_to("POST", r"/feed$")[-1].status == 400  # (#506) Duplicate status message
    assert isinstance(outcome, Published) and outcome == twin and len(fb.live_posts()) == 1


# --- the error table: the fake's documented error bodies -------------------------------------------

@pytest.mark.parametrize(("answer", "retry", "words"), [
    (page_throttled, True, "membatasi"),
    (policy_block, False, "kebijakan"),
    (permission_denied, False, "izin"),
    (lambda: invalid_parameter("(#100) Invalid parameter"), False, "kode 100"),
], ids=["32-throttled", "368-policy", "200-permission", "100-invalid"])
def test_a_documented_refusal_means_nothing_was_posted(fb, site, tmp_path, answer, retry, words):
    fb.fail("POST", r"/feed$", "error_before", response=answer())
    state = MemoryState()
    outcome = adapter(fb, site).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry is retry and words in outcome.problem
    assert state.get()["post_at"] is None and fb.live_posts() == []


def test_a_service_error_on_a_feed_post_goes_to_a_person_never_sent_again(fb, site, tmp_path):
    fb.fail("POST", r"/feed$", "error_before", response=service_unavailable())
    outcome = adapter(fb, site).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Unknown) and len(fb.requests_to("POST", r"/feed$")) == 1


def test_a_video_upload_problem_at_start_is_retried(fb, tmp_path):
    fb.fail("POST", r"/videos\?upload_phase=start$", "error_before", response=video_upload_problem())
    outcome = adapter(fb, None).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Published) and len(fb.live_posts()) == 1


def test_a_transient_error_with_an_unknown_code_is_retried_not_failed(fb, tmp_path):
    fb.fail("POST", r"/videos\?upload_phase=finish$", "error_before",
            response=graph_error("Please retry", 99999, is_transient=True))
    outcome = adapter(fb, None).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Published) and len(fb.live_posts()) == 1


def test_a_refused_repeat_of_an_unanswered_finish_is_never_called_nothing_live(fb, tmp_path):
    fb.fail("POST", r"/videos\?upload_phase=finish$", "drop_before")
    fb.fail("POST", r"/videos\?upload_phase=finish$", "error_before",
            response=invalid_parameter("(#100) The upload session is already finished"))
    outcome = adapter(fb, None, poll_timeout=0.03).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Unknown) and "masih diproses" in outcome.reason


def test_a_finished_video_whose_status_cannot_be_read_is_never_called_failed(fb, tmp_path):
    fb.processing_reads = 10
    fb.fail("GET", r"/v\d+\.\d+/\d+$", "error_before", times=100, response=service_unavailable())  # the status
    outcome = adapter(fb, None).publish(post(tmp_path, "klip.mp4"), MemoryState())
    assert isinstance(outcome, Unknown), outcome
