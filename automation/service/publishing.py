"""Publishing one item to one platform, exactly once, with the journal as the adapters' memory.

Every platform of an item goes the same way up to the send: its media are
prepared for that platform (`adapters/media/prepare.py`), then the post is
checked against the platform's rules (`domain/post_check.py`, through the
adapter's `check()` where one is configured). Platforms configured under
`[publish.<platform>]` are then sent through their adapters
(`automation/adapters/social/`); every other platform goes to the local feed,
which therefore previews exactly the files and caption the platform would get
and refuses what the platform would refuse, with the same problem text. The
outcome is an `ActionResult` for the journal's ledger (state published, manual,
unknown, failed or retrying).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from automation.domain.post_check import platform_title, post_problems
from automation.domain.results import (
    FAILED_STATE,
    MANUAL_STATE,
    PUBLISHED_STATE,
    RETRYING_STATE,
    UNKNOWN_STATE,
    ActionResult,
)
from automation.domain.texts import log as log_text
from automation.ports import (
    AssetStore,
    Failed,
    Manual,
    MediaFile,
    Platform,
    Post,
    Published,
    Publisher,
    PublishOutcome,
    PublishResult,
    Unknown,
    UnsafeFileReporting,
)

log = logging.getLogger("sop_konten.publishing")


class JournalPublishState:
    """`PublishState` for one post key, kept in the journal: durable before `save` returns."""

    def __init__(self, journal, key: str):
        self.journal, self.meta_key = journal, f"publish.{key}"

    def get(self) -> dict:
        text = self.journal.get_meta(self.meta_key)
        return json.loads(text) if text else {}

    def save(self, **values: Any) -> None:
        data = self.get()
        data.update(values)
        self.journal.set_meta(self.meta_key, json.dumps(data, ensure_ascii=False, default=str))


@runtime_checkable
class PreviewFeed(Protocol):
    """A local feed that also shows what was adjusted for the platform (adapters/local/feed.py)."""

    def preview(self, post: Post, notes: Sequence[str] = ()) -> PublishResult: ...


@dataclass
class PublishingService:
    journal: Any
    assets: AssetStore
    local_feed: Publisher
    work_dir: Path
    platforms: Mapping[str, Platform] = field(default_factory=dict)  # name -> adapter (automation.publisher)

    def publish(self, key: str, item_id: str, platform: str, title: str, caption: str, kind: str) -> ActionResult:
        unsafe = self._unsafe_files(item_id)
        if unsafe:  # a link may point outside the workspace: a person replaces it with the real file
            return ActionResult(ok=False, state=FAILED_STATE, problem=" ".join(unsafe))
        from automation.adapters.media import prepare as media

        files = [f.path for f in self.assets.media(item_id)]
        prepared = media.prepare(files, platform, kind, self.work_dir / item_id / platform)
        if prepared.problems:
            return ActionResult(ok=False, state=FAILED_STATE, problem=" ".join(prepared.problems))
        post = self._post(key, item_id, platform, title, caption, kind, prepared.files)
        problems = self._check(post)
        if problems:
            return ActionResult(ok=False, state=FAILED_STATE, problem=" ".join(problems))
        adapter = self.platforms.get(platform)
        if adapter is None:
            feed = self.local_feed
            result = feed.preview(post, prepared.notes) if isinstance(feed, PreviewFeed) else feed.publish(post)
            return ActionResult(ok=True, state=PUBLISHED_STATE, links=((platform, result.link),))
        return action_result(platform, adapter.publish(post, JournalPublishState(self.journal, key)))

    def check(self, item_id: str, platforms: list[str], title: str, caption: str, kind: str) -> list[str]:
        """Caption and media problems for every platform, configured or not, found before the Kabid
        approves: the same preparation and the same check as at publish time."""
        from automation.adapters.media import prepare as media

        problems: list[str] = self._unsafe_files(item_id)
        files = []
        try:
            files = [f.path for f in self.assets.media(item_id)]
        except Exception as exc:  # the check must never stop the workflow
            log.warning(log_text.MEDIA_NOT_READABLE, item_id, exc)
        for platform in platforms:
            prepared = media.prepare(files, platform, kind, self.work_dir / item_id / f"check-{platform}")
            if prepared.problems:  # the media said why; the caption is still worth checking
                problems.extend(prepared.problems)
                problems.extend(post_problems(platform, caption, platform_title(platform, title, caption), None))
                continue
            problems.extend(self._check(self._post("", item_id, platform, title, caption, kind, prepared.files)))
        return list(dict.fromkeys(problems))

    def _post(self, key: str, item_id: str, platform: str, title: str, caption: str, kind: str,
              files: Sequence[Path]) -> Post:
        return Post(key=key, item_id=item_id, platform=platform, title=platform_title(platform, title, caption),
                    caption=caption, kind=kind, media=tuple(MediaFile(name=path.name, path=path) for path in files))

    def _check(self, post: Post) -> list[str]:
        """The platform's own check: the adapter's where one is configured (it may know more, such as
        a longer X limit), else the same domain rules through the media reader."""
        from automation.adapters.media import prepare as media

        adapter = self.platforms.get(post.platform)
        return adapter.check(post) if adapter is not None else media.check_post(post)

    def _unsafe_files(self, item_id: str) -> list[str]:
        return self.assets.unsafe_files(item_id) if isinstance(self.assets, UnsafeFileReporting) else []


def action_result(platform: str, outcome: PublishOutcome) -> ActionResult:
    """A platform's publish outcome as the workflow reads it."""
    if isinstance(outcome, Published):
        return ActionResult(ok=True, state=PUBLISHED_STATE, links=((platform, outcome.link),),
                            remote_id=outcome.remote_id)
    if isinstance(outcome, Manual):
        return ActionResult(ok=False, state=MANUAL_STATE, problem=outcome.note, files=outcome.files)
    if isinstance(outcome, Unknown):
        return ActionResult(ok=False, state=UNKNOWN_STATE, problem=outcome.reason)
    if isinstance(outcome, Failed):
        return ActionResult(ok=False, state=RETRYING_STATE if outcome.retry else FAILED_STATE,
                            problem=outcome.problem)
    raise TypeError(f"unexpected outcome {outcome!r}")
