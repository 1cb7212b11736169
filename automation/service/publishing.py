"""Publishing one item to one platform, exactly once, with the journal as the adapters' memory.

Platforms configured under `[publish.<platform>]` go through their adapters
(`automation/platforms/`), with media prepared for each platform first;
every other platform of an item goes to the local feed. The outcome is a
plain dict for the journal's ledger:

    {"ok": bool, "state": "published" | "manual" | "unknown" | "failed" | "retrying",
     "links": [[platform, link]], "problem": "..."}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.domain.texts import log as log_text
from automation.ports import AssetStore, MediaFile, Post, Publisher

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
    platforms: Mapping[str, Any] = field(default_factory=dict)  # name -> adapter (automation.publisher)

    def publish(self, key: str, item_id: str, platform: str, title: str, caption: str, kind: str) -> dict:
        files = tuple(self.assets.media(item_id))
        adapter = self.platforms.get(platform)
        if adapter is None:
            post = Post(key=key, item_id=item_id, platform=platform, title=title, caption=caption, kind=kind,
                        media=files)
            return {"ok": True, "state": "published", "links": [[platform, self.local_feed.publish(post).link]]}
        from automation.adapters.media import prepare as media
        from automation.publisher import Failed, Manual, Published, Unknown

        prepared = media.prepare([f.path for f in files], platform, kind, self.work_dir / item_id / platform)
        if prepared.problems:
            return {"ok": False, "state": "failed", "problem": " ".join(prepared.problems)}
        post = Post(key=key, item_id=item_id, platform=platform, title=title, caption=caption, kind=kind,
                    media=tuple(MediaFile(name=p.name, path=p) for p in prepared.files))
        problems = adapter.check(post) if hasattr(adapter, "check") else []
        if problems:
            return {"ok": False, "state": "failed", "problem": " ".join(problems)}
        outcome = adapter.publish(post, JournalPublishState(self.journal, key))
        if isinstance(outcome, Published):
            return {"ok": True, "state": "published", "links": [[platform, outcome.link]],
                    "remote_id": outcome.remote_id}
        if isinstance(outcome, Manual):
            return {"ok": False, "state": "manual", "problem": outcome.note, "files": list(outcome.files)}
        if isinstance(outcome, Unknown):
            return {"ok": False, "state": "unknown", "problem": outcome.reason}
        if isinstance(outcome, Failed):
            return {"ok": False, "state": "retrying" if outcome.retry else "failed", "problem": outcome.problem}
        raise TypeError(f"unexpected outcome {outcome!r}")

    def check(self, item_id: str, platforms: list[str], title: str, caption: str, kind: str) -> list[str]:
        """Caption and media problems for every platform, found before the Kabid approves."""
        from automation.adapters.media import prepare as media
        from automation.domain.captions import caption_problems

        problems: list[str] = []
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
