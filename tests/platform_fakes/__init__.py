"""Local HTTP fakes of the social platforms (127.0.0.1, free port, started by the test) and test helpers.

    from tests.platform_fakes import InstagramFake, MediaSite, CrashingState, jpeg
    with InstagramFake() as ig, MediaSite(tmp_path) as site:
        ...

Each fake follows the documented requests and answers of its API, validates requests (required
parameters, token), keeps the list of live posts (`live_posts()`) and takes injected faults
(`fail(method, path_regex, mode)`, see server.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from automation.adapters.media.host import FolderMediaHost
from automation.ports import MediaFile
from automation.publisher import MemoryState

from .facebook import FacebookFake
from .instagram import InstagramFake
from .server import FakeServer, Response, StaticFiles
from .tiktok import TikTokFake
from .x import XFake
from .youtube import YouTubeFake

__all__ = ["FAST", "TOKENS", "CrashOn", "CrashingState", "FacebookFake", "FakeServer", "InstagramFake", "MediaSite", "Response",
           "SimulatedCrash", "StaticFiles", "TikTokFake", "XFake", "YouTubeFake", "jpeg", "media", "mp4"]


# The environment the adapters read their tokens from, matching the fakes' defaults.
TOKENS = {
    "SOP_KONTEN_IG_TOKEN": "ig-token",
    "SOP_KONTEN_FB_TOKEN": "fb-page-token",
    "SOP_KONTEN_X_TOKEN": "x-token",
    "SOP_KONTEN_TIKTOK_TOKEN": "tt-token",
    "SOP_KONTEN_YT_CLIENT_ID": "yt-client.apps.googleusercontent.com",
    "SOP_KONTEN_YT_CLIENT_SECRET": "yt-secret",
    "SOP_KONTEN_YT_REFRESH_TOKEN": "yt-refresh",
}
# Waits shortened for tests (the defaults are minutes long).
FAST = {"poll_interval": 0.01, "reconcile_wait": 0.01, "retry_wait": 0.01, "settle_seconds": 0.1,
        "reconcile_attempts": 2, "timeout": 5}


def jpeg(size: int = 2048) -> bytes:
    """Bytes that start and end like a JPEG (the fakes check the signature, not the pixels)."""
    body = os.urandom(max(0, size - 6))
    return b"\xff\xd8\xff\xe0" + body + b"\xff\xd9"


def mp4(size: int = 4096) -> bytes:
    return b"\x00\x00\x00\x18ftypmp42" + os.urandom(max(0, size - 12))


def media(folder: Path, name: str, data: bytes) -> MediaFile:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return MediaFile(name=name, path=path)


class MediaSite:
    """A FolderMediaHost and the static web server that publishes its folder (what Instagram fetches)."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "public-media"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.server = StaticFiles(self.folder)
        self.host: FolderMediaHost | None = None

    def __enter__(self) -> MediaSite:
        self.server.start()
        self.host = FolderMediaHost(self.folder, self.server.url + "/")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.stop()


class SimulatedCrash(BaseException):
    """The process dies (BaseException, so no `except Exception` in the adapters can swallow it)."""


class CrashingState:
    """A PublishState that "kills the process" around its n-th save.

    mode "after": the n-th save is made durable, then the crash; mode "before": the crash happens
    instead of the n-th save (the work before it is done, its record is lost).
    """

    def __init__(self, inner: MemoryState, at: int, mode: str = "after") -> None:
        self.inner = inner
        self.at = at
        self.mode = mode
        self.saves = 0
        self.crashed = False

    def get(self) -> dict:
        return self.inner.get()

    def save(self, **values: Any) -> None:
        self.saves += 1
        if self.saves == self.at and self.mode == "before":
            self.crashed = True
            raise SimulatedCrash(f"crash before save {self.at}: {sorted(values)}")
        self.inner.save(**values)
        if self.saves == self.at and self.mode == "after":
            self.crashed = True
            raise SimulatedCrash(f"crash after save {self.at}: {sorted(values)}")


class CrashOn:
    """A PublishState that "kills the process" instead of the first save that writes `key` (the work
    done, its record lost), or right after it (`after=True`)."""

    def __init__(self, inner: MemoryState, key: str, after: bool = False, value: Any = None) -> None:
        self.inner = inner
        self.key = key
        self.after = after
        self.value = value
        self.crashed = False

    def get(self) -> dict:
        return self.inner.get()

    def save(self, **values: Any) -> None:
        hit = not self.crashed and self.key in values and (self.value is None or values[self.key] == self.value)
        if hit and not self.after:
            self.crashed = True
            raise SimulatedCrash(f"crash before saving {self.key}")
        self.inner.save(**values)
        if hit:
            self.crashed = True
            raise SimulatedCrash(f"crash after saving {self.key}")
