"""Instagram: the content-publishing flow against the local Graph API fake that fetches the media."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.adapters.social.base import NoAnswer, NotSent, PublishConfigError, Rejected
from automation.ports import Post
from automation.publisher import Failed, Manual, MemoryState, Published, Unknown, build_platform
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
from tests.platform_fakes.instagram import ERRORS as IG_ERRORS
from tests.platform_fakes.instagram import ig_error


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def ig() -> Iterator[InstagramFake]:
    with InstagramFake() as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[MediaSite]:
    with MediaSite(tmp_path) as running:
        yield running


def adapter(ig: InstagramFake, site: MediaSite | None, **extra):
    config = {"login": "instagram", "base_url": ig.url, "ig_user_id": ig.ig_user_id, **FAST, **extra}
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


# --- issue 11: lost answers, visibility, the already-published refusal, the error table, logins ----------

KIND_FILES = {"image": ("poster.jpg",), "images": ("a.jpg", "b.jpg", "c.jpg"), "video": ("reel.mp4",)}
LOST_CASES = [pytest.param(kind, index, visibility, id=f"{kind}-{path.strip('/$')}-{visibility}")
              for kind, points in InstagramFake.CREATE_POINTS.items()
              for index, (_, path) in enumerate(points)
              for visibility in ("immediate", "late", "never")]


@pytest.mark.parametrize(("kind", "index", "visibility"), LOST_CASES)
def test_a_lost_answer_at_every_step_never_fails_a_live_post_nor_posts_twice(site, tmp_path, kind, index,
                                                                            visibility):
    method, path = InstagramFake.CREATE_POINTS[kind][index]
    with InstagramFake(visibility=visibility, processing_reads=2) as ig:
        ig.fail(method, path, "drop_after")
        the_post = post(tmp_path, *KIND_FILES[kind])
        state = MemoryState()
        outcome = adapter(ig, site).publish(the_post, state)  # no exception escapes
        assert ig.faults[0].seen == 1, "the answer was never lost"
        live = ig.live_posts()
        assert len(live) <= 1 and len(ig.publish_calls) == len(live)
        if live:
            assert not isinstance(outcome, Failed), outcome
        if isinstance(outcome, Published):
            assert live and outcome.remote_id == live[0]["id"] and outcome.link == live[0]["permalink"]
        if visibility == "immediate" or path != "/media_publish$":
            assert isinstance(outcome, Published), outcome  # the container status or the list shows it
        else:
            assert isinstance(outcome, Unknown), outcome  # live, but not visible to any read yet
            assert ig.refused_publishes  # the second media_publish was refused: proof that it is live
        ig.reveal()
        again = adapter(ig, site).publish(the_post, state)
        assert len(ig.live_posts()) == 1 and len(ig.publish_calls) == 1
        if visibility == "never" and path == "/media_publish$":
            assert isinstance(again, Unknown), again  # nothing shows it: a person settles it
            assert "Tautan Publikasi" in again.reason
        else:
            assert isinstance(again, Published) and again.remote_id == ig.live_posts()[0]["id"], again
        assert ig.errors == []


def test_the_already_published_refusal_resolves_to_the_live_post_with_its_link(site, tmp_path):
    """The answer of media_publish is lost and the container still reads FINISHED (its status lags) while
    the media list already shows the post: the second media_publish is refused (9007/2207027), and that
    refusal, after an earlier send, means Published with the link found in the list."""
    with InstagramFake(container_lag=True) as ig:
        ig.fail("POST", r"/media_publish$", "drop_after")
        state = MemoryState()
        outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
        assert isinstance(outcome, Published), outcome
        assert outcome.link == ig.live_posts()[0]["permalink"] and outcome.remote_id == ig.live_posts()[0]["id"]
        assert len(ig.requests_to("POST", r"/media_publish$")) == 2 and len(ig.refused_publishes) == 1
        assert len(ig.live_posts()) == 1 and state.get()["outcome"] == "published"


def test_a_first_media_publish_refused_as_not_ready_is_retried_later_not_called_live(site, tmp_path):
    with InstagramFake() as ig:
        ig.fail("POST", r"/media_publish$", "error_before", response=ig_error(
            "Media ID is not available", 9007, 2207027, title="Cannot publish",
            user_message="The media is not ready to be published. Please wait a moment."))
        state = MemoryState()
        outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
        assert isinstance(outcome, Failed) and outcome.retry and "belum siap" in outcome.problem
        assert ig.live_posts() == [] and not state.get().get("publish_at")
        assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)
        assert len(ig.live_posts()) == 1


def test_reconcile_never_calls_a_finished_container_safe_to_upload_again(site, tmp_path):
    with InstagramFake(visibility="late") as ig:
        state = MemoryState()
        the_post = post(tmp_path, "poster.jpg")
        with pytest.raises(SimulatedCrash):  # media_publish answered, the process died before saving the id
            adapter(ig, site).publish(the_post, CrashOn(state, "media_id"))
        sent = len(ig.requests_to("POST", r"/media_publish$"))
        outcome = adapter(ig, site).reconcile(the_post, state)
        assert isinstance(outcome, Unknown), outcome  # not Failed(retry=True) "aman untuk diunggah lagi"
        assert "Jangan unggah ulang manual" in outcome.reason
        assert len(ig.requests_to("POST", r"/media_publish$")) == sent  # reconcile only reads
        ig.reveal()
        found = adapter(ig, site).reconcile(the_post, state)
        assert isinstance(found, Published) and found.remote_id == ig.live_posts()[0]["id"]


def test_containers_are_polled_until_finished_in_counted_reads(site, tmp_path):
    with InstagramFake(processing_reads=4) as ig:
        outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), MemoryState())
        assert isinstance(outcome, Published)
        container = ig.publish_calls[0]
        assert len(ig.requests_to("GET", rf"/{container}$")) == 5  # 4 x IN_PROGRESS, then FINISHED


def test_a_lost_answer_with_the_quota_used_up_is_unknown_never_failed_nor_sent_again(site, tmp_path):
    with InstagramFake(visibility="late", quota_total=1) as ig:
        ig.fail("POST", r"/media_publish$", "drop_after")
        state = MemoryState()
        outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
        assert isinstance(outcome, Unknown), outcome  # live (hidden): the used-up quota is no "not live"
        assert len(ig.requests_to("POST", r"/media_publish$")) == 1  # the quota check stopped the resend
        ig.reveal()
        assert isinstance(adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state), Published)


def test_the_smaller_of_the_configured_and_the_api_quota_caps_publishing(ig, site, tmp_path):
    ig.quota_total, ig.quota_usage = 3, 3
    outcome = adapter(ig, site, quota_total=50).publish(post(tmp_path, "poster.jpg"), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "3 dari 3" in outcome.problem
    assert ig.requests_to("POST", r"/media") == []


ERROR_ROWS = [  # (fake error body, where, retry?, a word of the sentence, a new container?)
    ("spam", r"/media_publish$", False, "spam", False),  # 4/2207051: a person, never retried automatically
    ("rate_limit", r"/media$", True, "membatasi", False),  # 4 without subcode: rate limiting
    ("server_error", r"/media$", True, "sementara", False),  # -1
    ("download_timeout", r"/media$", True, "sementara", False),  # -2
    ("media_expired", r"/media_publish$", True, "sementara", True),  # -2/2207020: a new container
    ("publish_limit", r"/media_publish$", True, "Batas unggah", False),  # 9/2207042
    ("permission", r"/media_publish$", False, "izin", True),  # 24/2207006
    ("temporary_publish", r"/media_publish$", True, "sementara", False),  # 24/2207008
    ("restricted", r"/media_publish$", False, "dibatasi", False),  # 25/2207050
    ("video_format", r"/media$", False, "Perbaiki berkas", False),  # 2207026
    ("image_too_large", r"/media$", False, "Perbaiki berkas", False),  # 36000/2207004
    ("image_format", r"/media$", False, "Perbaiki berkas", False),  # 36001/2207005
    ("aspect_ratio", r"/media$", False, "Perbaiki berkas", False),  # 36003/2207009
    ("expired_token", r"/media$", True, "SOP_KONTEN_IG_TOKEN", False),  # 190
]


@pytest.mark.parametrize(("name", "where", "retry", "word", "new_container"), ERROR_ROWS,
                         ids=[row[0] for row in ERROR_ROWS])
def test_each_documented_error_goes_where_the_table_says(ig, site, tmp_path, name, where, retry, word,
                                                         new_container):
    files = ("reel.mp4",) if name == "video_format" else ("poster.jpg",)
    ig.fail("POST", where, "error_before", response=IG_ERRORS[name])
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, *files), state)
    assert isinstance(outcome, Failed), outcome
    assert outcome.retry is retry and word in outcome.problem, outcome.problem
    assert ig.live_posts() == [] and len(ig.requests_to("POST", where)) == 1  # never retried in the call
    s = state.get()
    assert not s.get("publish_at") and (s.get("container_id") or not s.get("container_at"))  # nothing in flight
    if where == r"/media_publish$":
        assert (state.get().get("container_id") is None) is new_container
    if retry:  # a later try publishes, once
        assert isinstance(adapter(ig, site).publish(post(tmp_path, *files), state), Published)
        assert len(ig.live_posts()) == 1


def test_an_unknown_graph_error_at_media_publish_is_settled_from_the_container(ig, site, tmp_path):
    ig.fail("POST", r"/media_publish$", "error_before", response=IG_ERRORS["unknown"])  # code 1: outcome unknown
    state = MemoryState()
    outcome = adapter(ig, site).publish(post(tmp_path, "poster.jpg"), state)
    assert isinstance(outcome, Published) and len(ig.live_posts()) == 1 and ig.refused_publishes == []


def test_the_login_picks_the_host_and_a_mismatched_pair_is_refused(monkeypatch):
    base = {"ig_user_id": "17841400000000000"}
    assert build_platform("Instagram", {**base, "login": "instagram"}).graph.startswith("https://graph.instagram.com/")
    assert build_platform("Instagram", {**base, "login": "facebook"}).graph.startswith("https://graph.facebook.com/")
    assert build_platform("Instagram", base).graph.startswith("https://graph.facebook.com/")  # earlier default
    inferred = build_platform("Instagram", {**base, "base_url": "https://graph.instagram.com"})
    assert inferred.login == "instagram" and inferred.refresh_base == "https://graph.instagram.com"
    for bad in ({"login": "facebook", "base_url": "https://graph.instagram.com"},
                {"login": "instagram", "base_url": "https://graph.facebook.com"},
                {"base_url": "https://graph.facebook.com", "refresh_base_url": "https://graph.instagram.com"},
                {"login": "tiktok"}):
        with pytest.raises(PublishConfigError, match=r"\[publish\.instagram\] login"):
            build_platform("Instagram", {**base, **bad})


def test_a_facebook_login_token_is_not_refreshed_with_ig_refresh_token(ig, site):
    platform = adapter(ig, site, login="facebook")
    with pytest.raises(Rejected, match="Facebook Login"):
        platform.refresh_token()
    assert ig.log == []


def test_a_refresh_that_cannot_reach_instagram_is_a_clean_error_not_a_requests_exception(ig, site):
    platform = adapter(ig, site, refresh_base_url="http://127.0.0.1:9", read_retries=0)
    with pytest.raises((NotSent, NoAnswer)):
        platform.refresh_token()
