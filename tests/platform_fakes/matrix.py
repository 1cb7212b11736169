"""The lost-answer matrix: every platform, every call of its publish sequence whose answer can be lost,
with the post visible to the platform's reads immediately, late (after the adapter stopped looking) or
never.

    case = Case("X", "text", 0, "late", "drop_after")
    result = run_case(case, workdir, site)
    result.defects()   # [] when the promise holds

The promise (issue 11): no second live post, no live post reported as not live (`Failed`), no post
reported live when nothing is (`Published` with nothing live), no exception out of `publish()`. After
the platform shows the post (`reveal()`), publishing again with the same state must not post again.
Used by tests/adapters/test_lost_answers.py and bench/lost_answers.py.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.ports import MediaFile, Post
from automation.publisher import Failed, Manual, MemoryState, Published, Unknown, build_platform

from . import FAST, MediaSite, jpeg, media, mp4
from .facebook import FacebookFake
from .instagram import InstagramFake
from .tiktok import TikTokFake
from .x import XFake
from .youtube import YouTubeFake

KB = 1024
VISIBILITIES = ("immediate", "late", "never")
FAULTS = ("drop_after", "delay_after")
SHORT_TIMEOUT = 2.0  # the client's timeout when the fake holds an answer back
HELD = 60.0  # the longest the fake holds a delayed answer; it sends it once the client has given up
CAPTION = "Pemkot Yogyakarta: jadwal layanan Mal Pelayanan Publik & info lengkap https://jogjakota.go.id"

FAKES: dict[str, Any] = {"Instagram": InstagramFake, "Facebook": FacebookFake, "X": XFake,
                         "YouTube": YouTubeFake, "TikTok": TikTokFake}


@dataclass(frozen=True)
class Case:
    platform: str
    kind: str  # a key of the fake's CREATE_POINTS: text, image, images, video
    point: int  # the index of the call in CREATE_POINTS[kind]
    visibility: str
    fault: str

    @property
    def id(self) -> str:
        method, pattern = FAKES[self.platform].CREATE_POINTS[self.kind][self.point]
        where = pattern.strip("$^/").replace("\\", "").split("/")[-1] or pattern
        return f"{self.platform.lower()}-{self.kind}-{self.point}{method}-{where}-{self.visibility}-{self.fault}"


def cases(faults: tuple[str, ...] = FAULTS) -> list[Case]:
    found = []
    for platform, fake in FAKES.items():
        for kind, points in fake.CREATE_POINTS.items():
            for index in range(len(points)):
                for visibility in VISIBILITIES:
                    for fault in faults:
                        found.append(Case(platform, kind, index, visibility, fault))
    return found


@dataclass
class Result:
    case: Case
    live: int = 0
    outcome: Any = None
    error: str = ""
    live_after_reveal: int = 0
    outcome_after_reveal: Any = None
    fault_seen: int = 0
    fake_errors: list[str] = field(default_factory=list)

    def defects(self) -> list[str]:
        problems = []
        if self.error:
            problems.append(f"exception out of publish(): {self.error}")
        if self.fault_seen == 0:
            problems.append("the fault was never triggered")
        for label, live, outcome in (("first", self.live, self.outcome),
                                     ("after reveal", self.live_after_reveal, self.outcome_after_reveal)):
            if live > 1:
                problems.append(f"{label}: {live} live posts")
            if live >= 1 and isinstance(outcome, Failed):
                problems.append(f"{label}: a live post reported as failed: {outcome}")
            if live == 0 and isinstance(outcome, Published):
                problems.append(f"{label}: reported published with nothing live: {outcome}")
        problems += [f"fake: {error}" for error in self.fake_errors]
        return problems


def sample_files(folder: Path) -> dict[str, MediaFile]:
    found = {f"img{i}": media(folder, f"infografis-{i}.jpg", jpeg(3 * KB)) for i in range(3)}
    found["video"] = media(folder, "video.mp4", mp4(600 * KB))
    found["small_video"] = media(folder, "klip.mp4", mp4(20 * KB))
    return found


def _files(case: Case, files: dict[str, MediaFile]) -> list[MediaFile]:
    if case.kind == "text":
        return []
    if case.kind == "image":
        return [files["img0"]]
    if case.kind == "images":
        return [files["img0"], files["img1"], files["img2"]]
    return [files["video" if case.platform in ("YouTube", "TikTok") else "small_video"]]


def _fake_and_config(platform: str) -> tuple[Any, dict[str, Any]]:
    if platform == "Instagram":
        fake: Any = InstagramFake()
        return fake, {"ig_user_id": fake.ig_user_id}
    if platform == "Facebook":
        fake = FacebookFake()
        return fake, {"page_id": fake.page_id}
    if platform == "X":
        fake = XFake()
        return fake, {"username": fake.username, "user_id": fake.user_id, "chunk_size": 8 * KB}
    if platform == "YouTube":
        return YouTubeFake(), {"chunk_size": 256 * KB}
    fake = TikTokFake()  # the 600 KB video goes whole (TikTok: under 5 MB, one chunk)
    return fake, {"mode": "direct", "privacy_level": "PUBLIC_TO_EVERYONE", "username": fake.username}


def run_case(case: Case, site: MediaSite, files: dict[str, MediaFile]) -> Result:
    result = Result(case)
    fake, config = _fake_and_config(case.platform)
    with fake:
        config.update(base_url=fake.url, video_base_url=fake.url, token_uri=f"{fake.url}/token", **FAST)
        fake.visibility = case.visibility
        method, pattern = fake.CREATE_POINTS[case.kind][case.point]
        fault = fake.fail(method, pattern, case.fault, delay=HELD)
        post = Post(key=f"K-2026-0042/7/1/publish/{case.platform}", item_id="K-2026-0042",
                    platform=case.platform, title="Jadwal layanan MPP", caption=CAPTION,
                    kind="Video" if case.kind == "video" else "Infografis",
                    media=tuple(_files(case, files)))
        state = MemoryState()
        quick = {"timeout": SHORT_TIMEOUT, "upload_timeout": SHORT_TIMEOUT} if case.fault == "delay_after" else {}

        def publish(**overrides: Any) -> Any:
            adapter = build_platform(case.platform, {**config, **overrides}, media_host=site.host)
            outcome = adapter.publish(post, state)
            for _ in range(3):  # what the daemon does with "try again later"
                if not (isinstance(outcome, Failed) and outcome.retry):
                    break
                outcome = adapter.publish(post, state)
            return outcome

        try:
            result.outcome = publish(**quick)
            result.live = len(fake.live_posts())
            fake.reveal()
            result.outcome_after_reveal = publish()
            result.live_after_reveal = len(fake.live_posts())
        except BaseException as exc:  # the promise: nothing escapes publish()
            result.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            if os.environ.get("SOP_KONTEN_MATRIX_TRACE"):
                traceback.print_exc()
        result.fault_seen = fault.seen
        result.fake_errors = list(getattr(fake, "errors", []))
    return result


def verdict(outcome: Any) -> str:
    """A short name for an outcome (the bench's table)."""
    return {Published: "published", Failed: "failed", Unknown: "unknown", Manual: "manual"}.get(
        type(outcome), "none")
