"""Publishing one item to one platform, exactly once, with the journal as the adapters' memory.

Platforms configured under `[publish.<platform>]` go through their adapters
(`automation/adapters/social/`), with media prepared for each platform first;
every other platform of an item goes to the local feed. The outcome is an
`ActionResult` for the journal's ledger (state published, manual, unknown,
failed or retrying).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.domain.captions import caption_problems
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
        files = tuple(self.assets.media(item_id))
        adapter = self.platforms.get(platform)
        if adapter is None:
            post = Post(key=key, item_id=item_id, platform=platform, title=title, caption=caption, kind=kind,
                        media=files)
            return ActionResult(ok=True, state=PUBLISHED_STATE,
                                links=((platform, self.local_feed.publish(post).link),))
        from automation.adapters.media import prepare as media

        prepared = media.prepare([f.path for f in files], platform, kind, self.work_dir / item_id / platform)
        if prepared.problems:
            return ActionResult(ok=False, state=FAILED_STATE, problem=" ".join(prepared.problems))
        post = Post(key=key, item_id=item_id, platform=platform, title=title, caption=caption, kind=kind,
                    media=tuple(MediaFile(name=p.name, path=p) for p in prepared.files))
        problems = adapter.check(post)
        if problems:
            return ActionResult(ok=False, state=FAILED_STATE, problem=" ".join(problems))
        return action_result(platform, adapter.publish(post, JournalPublishState(self.journal, key)))

    def check(self, item_id: str, platforms: list[str], title: str, caption: str, kind: str) -> list[str]:
        """Caption and media problems for every platform, found before the Kabid approves."""
        from automation.adapters.media import prepare as media

        problems: list[str] = self._unsafe_files(item_id)
        files = []
        try:
            files = [f.path for f in self.assets.media(item_id)]
        except Exception as exc:  # the check must never stop the workflow
            log.warning(log_text.MEDIA_NOT_READABLE, item_id, exc)
        for platform in platforms:
            problems.extend(caption_problems(platform, caption, title))
            if platform in self.platforms:
                prepared = media.prepare(files, platform, kind, self.work_dir / item_id / f"check-{platform}")
                problems.extend(prepared.problems)
        return list(dict.fromkeys(problems))

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
