"""Exactly once, for every platform and every step of its publish sequence.

1. A crash at every save of the state (after the save is durable, or instead of it: the work before
   it done, its record lost), then a fresh adapter with the same persisted state publishes again.
2. At every create endpoint: the fake does the work and drops the answer, or answers after the
   client's timeout, or answers 5xx without doing the work; one publish call.
Every time: exactly one post on the platform (one inbox item for TikTok's inbox mode).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from automation.ports import MediaFile, Post
from automation.publisher import Manual, MemoryState, Platform, Published, Unknown, build_platform
from tests.platform_fakes import (
    CrashingState,
    FacebookFake,
    InstagramFake,
    MediaSite,
    SimulatedCrash,
    TikTokFake,
    XFake,
    YouTubeFake,
    jpeg,
    media,
    mp4,
)

FAST = {"poll_interval": 0.01, "reconcile_wait": 0.01, "retry_wait": 0.01, "settle_seconds": 0.1,
        "reconcile_attempts": 2, "timeout": 5}
SLOW_ANSWER = 60  # the longest a delayed answer is held; the fake sends it once the client has given up
SHORT_TIMEOUT = 2.0  # the client's timeout when an answer is delayed; every other answer comes well within it
KB = 1024


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_KONTEN_IG_TOKEN", "ig-token")
    monkeypatch.setenv("SOP_KONTEN_FB_TOKEN", "fb-page-token")
    monkeypatch.setenv("SOP_KONTEN_X_TOKEN", "x-token")
    monkeypatch.setenv("SOP_KONTEN_TIKTOK_TOKEN", "tt-token")
    monkeypatch.setenv("SOP_KONTEN_YT_CLIENT_ID", "yt-client.apps.googleusercontent.com")
    monkeypatch.setenv("SOP_KONTEN_YT_CLIENT_SECRET", "yt-secret")
    monkeypatch.setenv("SOP_KONTEN_YT_REFRESH_TOKEN", "yt-refresh")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaSite]:
    with MediaSite(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MediaFile]:
    folder = tmp_path_factory.mktemp("media")
    found = {f"img{i}": media(folder, f"infografis-{i}.jpg", jpeg(3 * KB)) for i in range(3)}
    found["video"] = media(folder, "video.mp4", mp4(600 * KB))  # YouTube: 3 chunks of 256 KiB; TikTok: whole (< 5 MB)
    found["small_video"] = media(folder, "klip.mp4", mp4(20 * KB))
    return found


@dataclass
class Env:
    fake: Any
    config: dict[str, Any]
    name: str
    media_host: Any
    expected: type = Published

    def adapter(self, **overrides: Any) -> Platform:
        return build_platform(self.name, {**self.config, **overrides}, media_host=self.media_host)

    def live(self) -> int:
        return len(self.fake.live_posts())


@dataclass
class Scenario:
    id: str
    platform: str
    files: list[str]
    creates: list[tuple[str, str]]  # (method, path regex) of every call that creates something
    extra: dict[str, Any] = field(default_factory=dict)
    # A create whose lost answer the platform cannot confirm (a feed search found nothing) ends Unknown
    # for a person, never sent again (issue 11): then nothing may be live.
    unconfirmable: bool = False
    caption: str = "Pemkot Yogyakarta: jadwal layanan Mal Pelayanan Publik & info lengkap https://jogjakota.go.id"

    def post(self, files: dict[str, MediaFile]) -> Post:
        return Post(key=f"K-2026-0042/6/1/publish/{self.platform}", item_id="K-2026-0042", platform=self.platform,
                    title="Jadwal layanan MPP", caption=self.caption,
                    kind="Video" if any("video" in name for name in self.files) else "Infografis",
                    media=tuple(files[name] for name in self.files))


SCENARIOS = [
    Scenario("instagram-image", "Instagram", ["img0"], [("POST", r"/media$"), ("POST", r"/media_publish$")]),
    Scenario("instagram-carousel", "Instagram", ["img0", "img1", "img2"],
             [("POST", r"/media$"), ("POST", r"/media_publish$")]),
    Scenario("instagram-reels", "Instagram", ["small_video"], [("POST", r"/media$"), ("POST", r"/media_publish$")]),
    Scenario("facebook-text", "Facebook", [], FacebookFake.CREATE_POINTS["text"], unconfirmable=True),
    Scenario("facebook-photo", "Facebook", ["img0"], FacebookFake.CREATE_POINTS["image"], unconfirmable=True),
    Scenario("facebook-photo-file", "Facebook", ["img0"], FacebookFake.CREATE_POINTS["image"], {"upload": "file"},
             unconfirmable=True),
    Scenario("facebook-album", "Facebook", ["img0", "img1"], FacebookFake.CREATE_POINTS["images"],
             unconfirmable=True),
    Scenario("facebook-video", "Facebook", ["small_video"], FacebookFake.CREATE_POINTS["video"]),
    Scenario("x-text", "X", [], [("POST", r"/2/tweets$")]),
    Scenario("x-images", "X", ["img0", "img1"], [("POST", r"/initialize$"), ("POST", r"/append$"),
                                                  ("POST", r"/finalize$"), ("POST", r"/2/tweets$")]),
    Scenario("x-video", "X", ["small_video"], [("POST", r"/initialize$"), ("POST", r"/finalize$"),
                                                ("POST", r"/2/tweets$")]),
    Scenario("youtube", "YouTube", ["video"], [("POST", r"/upload/youtube"), ("PUT", r"/upload/youtube")]),
    Scenario("tiktok-inbox", "TikTok", ["video"], [("POST", r"/inbox/video/init/$"), ("PUT", r"/upload/$")]),
    Scenario("tiktok-direct", "TikTok", ["video"], [("POST", r"/publish/video/init/$"), ("PUT", r"/upload/$")],
             {"mode": "direct", "privacy_level": "PUBLIC_TO_EVERYONE", "username": "pemkotjogja"}),
]


@contextlib.contextmanager
def environment(scenario: Scenario, site: MediaSite) -> Iterator[Env]:
    name = scenario.platform
    if name == "Instagram":
        fake: Any = InstagramFake()
        config = {"ig_user_id": fake.ig_user_id}
    elif name == "Facebook":
        fake = FacebookFake()
        config = {"page_id": fake.page_id}
    elif name == "X":
        fake = XFake()
        config = {"username": fake.username, "user_id": fake.user_id, "chunk_size": 8 * KB}
    elif name == "YouTube":
        fake = YouTubeFake()
        config = {"chunk_size": 256 * KB}
    else:
        fake = TikTokFake()
        config = {}  # TikTok's chunk rules: a video under 5 MB goes whole; chunked uploads: test_publisher_tiktok
    with fake:
        config.update(base_url=fake.url, video_base_url=fake.url, token_uri=f"{fake.url}/token", **FAST,
                      **scenario.extra)
        expected = Manual if name == "TikTok" and scenario.extra.get("mode") != "direct" else Published
        env = Env(fake, config, name, site.host, expected)
        yield env
        assert fake.errors == [], fake.errors[0]
        assert getattr(fake, "spec_violations", []) == []


# Platforms whose only read of an unanswered create is not definitive (X's timeline lags): such a create
# is never sent again and ends Unknown for a person (issue 11's one rule), here with nothing live.
UNCONFIRMABLE = {"X"}


def unconfirmed_and_nothing_live(scenario: Scenario, env: Env, outcome: Any) -> bool:
    """An Unknown is right only where the platform gives no definitive read, and only with nothing live."""
    unconfirmable = scenario.unconfirmable or env.name in UNCONFIRMABLE
    return unconfirmable and isinstance(outcome, Unknown) and env.live() == 0


def count_saves(env: Env, post: Post) -> int:
    counter = CrashingState(MemoryState(), at=-1)
    outcome = env.adapter().publish(post, counter)
    assert isinstance(outcome, env.expected), outcome
    return counter.saves


def run_with_crash(env: Env, post: Post, at: int, mode: str) -> tuple[bool, Any]:
    state = MemoryState()
    crashing = CrashingState(state, at, mode)
    try:
        outcome = env.adapter().publish(post, crashing)
    except SimulatedCrash:
        outcome = None
    if outcome is None or not isinstance(outcome, env.expected):
        outcome = env.adapter().publish(post, state)  # the restarted daemon, same persisted state
    again = env.adapter().publish(post, state)  # and once more: nothing new
    assert again == outcome
    return crashing.crashed, outcome


@pytest.mark.parametrize("mode", ["after", "before"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_a_crash_at_every_save_still_publishes_exactly_once(scenario: Scenario, mode: str, site: MediaSite,
                                                            files: dict[str, MediaFile]) -> None:
    post = scenario.post(files)
    with environment(scenario, site) as env:
        saves = count_saves(env, post)
        assert env.live() == 1
    assert saves >= 3
    for at in range(1, saves + 1):
        with environment(scenario, site) as env:
            crashed, outcome = run_with_crash(env, post, at, mode)
            assert crashed, f"save {at} of {saves} never happened"
            if unconfirmed_and_nothing_live(scenario, env, outcome):  # the crash came between intent and send
                continue
            assert isinstance(outcome, env.expected), f"crash {mode} save {at}: {outcome}"
            assert env.live() == 1, f"crash {mode} save {at}: {env.live()} posts"


FAULTS = ["drop_after", "delay_after", "error_before"]


def fault_cases() -> list[Any]:
    cases = []
    for scenario in SCENARIOS:
        for method, pattern in scenario.creates:
            for fault in FAULTS:
                # a late answer waits out the client's timeout: 2 s each, so those run in the full suite only;
                # the fast lane keeps the dropped answer and the 5xx at every create call
                marks = [pytest.mark.slow] if fault == "delay_after" else []
                cases.append(pytest.param(scenario, method, pattern, fault, marks=marks,
                                          id=f"{scenario.id}-{method}{pattern.strip('$/').split('/')[-1]}-{fault}"))
    return cases


@pytest.mark.parametrize(("scenario", "method", "pattern", "fault"), fault_cases())
def test_an_unclear_answer_at_every_create_call_never_posts_twice(scenario: Scenario, method: str, pattern: str,
                                                                  fault: str, site: MediaSite,
                                                                  files: dict[str, MediaFile]) -> None:
    post = scenario.post(files)
    with environment(scenario, site) as env:
        env.fake.fail(method, pattern, fault, delay=SLOW_ANSWER, status=503,
                      body={"error": {"message": "Service temporarily unavailable", "code": 2}})
        state = MemoryState()
        overrides = {"timeout": SHORT_TIMEOUT, "upload_timeout": SHORT_TIMEOUT} if fault == "delay_after" else {}
        outcome = env.adapter(**overrides).publish(post, state)
        assert env.fake.faults[0].seen == 1, "the fault was never triggered"
        if fault == "error_before" and unconfirmed_and_nothing_live(scenario, env, outcome):  # a 5xx may have posted
            assert env.adapter().publish(post, state) == outcome and env.live() == 0
            return
        assert isinstance(outcome, env.expected), outcome
        assert env.live() == 1
        assert env.adapter().publish(post, state) == outcome
        assert env.live() == 1


def test_an_answer_that_never_comes_back_ends_unknown_not_in_a_second_post(site: MediaSite,
                                                                           files: dict[str, MediaFile]) -> None:
    """X answers 503 to the post and the timeline does not show it (a lagging read): the outcome is
    Unknown and the post is never sent again (issue 11: the timeline is not a definitive read)."""
    scenario = SCENARIOS[8]  # x-text
    with environment(scenario, site) as env:
        env.fake.visibility = "never"  # the timeline does not show new posts within the test
        env.fake.fail("POST", r"/2/tweets$", "error_before", times=5, status=503,
                      body={"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank",
                            "status": 503})
        outcome = env.adapter().publish(scenario.post(files), MemoryState())
        assert isinstance(outcome, Unknown), outcome
        assert "tidak mengirim ulang" in outcome.reason
        assert len(env.fake.requests_to("POST", r"/2/tweets$")) == 1  # never sent again

