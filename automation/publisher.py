"""Publishing to the social platforms exactly once.

The public interface:

- the outcomes `Published`, `Failed`, `Unknown` and `Manual` (`Outcome`), declared in `automation.ports`;
- `PublishState`: the durable per-(post key, platform) memory the caller provides;
- `Platform`: what every adapter in `automation/adapters/social/` implements;
- `build_platform(name, config)`: an adapter from a plain dict (one `[publish.<platform>]` TOML table).

The machinery the adapters share (the HTTP client that tells a definitive refusal
from an unanswered call, the token source, and `Adapter`) is in
`automation.adapters.social.base`; `Adapter` runs every platform's publish
sequence under one protocol:

1. Before each call that creates something on the platform, the intent is saved
   (`<step>_at`); after the answer, every id obtained is saved.
2. `publish` first looks at the state: a create step that was requested but
   whose answer was not recorded is never sent again blindly; the adapter
   reconciles it against the platform (read-only) and continues only when the
   platform shows that nothing was created (or that the created thing is an
   invisible intermediate that can be resumed or replaced).
3. A definitive refusal (expired token, rate limit, invalid request) clears the
   intent: nothing was created, the step may be sent again later.

See docs/publishing.md for the protocol of each platform.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests

from automation.adapters.media import host as hosts
from automation.adapters.social import ADAPTERS
from automation.adapters.social.base import PLATFORM_NAMES, PublishConfigError, _atomic_write, platform_key
from automation.ports import Failed, Manual, Platform, Published, PublishOutcome, PublishState, Unknown

__all__ = ["PLATFORM_NAMES", "Failed", "JsonFileState", "Manual", "MemoryState", "Outcome", "Platform",
           "PublishConfigError", "PublishState", "Published", "Unknown", "build_platform", "build_platforms",
           "platform_key"]

Outcome = PublishOutcome

# --- the caller's durable memory ----------------------------------------------


class MemoryState:
    """A `PublishState` in memory (tests, one-off runs). Copies in and out, like a real store."""

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = copy.deepcopy(dict(initial or {}))

    def get(self) -> dict:
        return copy.deepcopy(self._values)

    def save(self, **values: Any) -> None:
        json.dumps(values)  # the real store is JSON: fail here, not in production
        self._values.update(copy.deepcopy(values))


class JsonFileState:
    """A `PublishState` in a JSON file, written atomically and fsynced (for tools and small setups)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def get(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def save(self, **values: Any) -> None:
        merged = self.get()
        merged.update(values)
        _atomic_write(self.path, json.dumps(merged, ensure_ascii=False, indent=1))


# --- building adapters --------------------------------------------------------


def build_platform(name: str, config: Mapping[str, Any], *, media_host: Any = None,
                   session: requests.Session | None = None, base_dir: Path | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> Platform:
    """The adapter for `name` ("Instagram", "instagram", ...) from its `[publish.<key>]` table.

    `media_host`: a `automation.media_host.MediaHost`; when None and the table has a
    `media_host` sub-table, that one is built. Relative paths in the table
    (token_file, the media folder) are taken from `base_dir` (default: the current folder).
    Intents are stamped with the real UTC clock (never a fixed test clock): reconcile
    compares them with the platforms' own clocks.
    """
    key = platform_key(name)
    if media_host is None and isinstance(config.get("media_host"), Mapping):
        media_host = hosts.build_media_host(config["media_host"], base_dir=base_dir)
    return ADAPTERS[key](dict(config), media_host=media_host, session=session, base_dir=base_dir, sleep=sleep)


def build_platforms(publish_table: Mapping[str, Any], **kwargs: Any) -> dict[str, Platform]:
    """Every adapter configured under `[publish]`: {"Instagram": adapter, ...}.

    A shared `[publish.media_host]` table is used by every platform that has none of its own.
    """
    shared = publish_table.get("media_host")
    if kwargs.get("media_host") is None and isinstance(shared, Mapping):
        kwargs["media_host"] = hosts.build_media_host(shared, base_dir=kwargs.get("base_dir"))
    found: dict[str, Platform] = {}
    for key, table in publish_table.items():
        if key in PLATFORM_NAMES and isinstance(table, Mapping) and table.get("enabled", True):
            found[PLATFORM_NAMES[key]] = build_platform(key, table, **kwargs)
    return found


