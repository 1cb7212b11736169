"""The files the Dasbor serves: an item's folder, the published feed, the media prepared for a platform.

A request never names a path. It names an item ID (which must be well-formed), a platform (which must be
one sop-konten knows) and a file name; the folder is found the way the daemon finds it (the asset store's
own naming, the feed's own layout), and the name must be one of those listed in that folder. Links,
hard-linked and special files are never listed (adapters/local/folders.py), and the file is opened without
following a link, so nothing outside the workspace is ever read.
"""

from __future__ import annotations

import io
import mimetypes
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from automation.adapters.local.feed import platform_folder
from automation.adapters.local.folders import FolderAssetStore, is_ignored, open_regular
from automation.adapters.social.base import PLATFORM_NAMES
from automation.domain.contract import ID_PATTERN

THUMBNAIL_PIXELS = 320  # the longer side of a thumbnail
THUMBNAIL_SOURCE_PIXELS = 50_000_000  # larger pictures get no thumbnail (a decompression bomb is refused)
# What a browser may show in the page; anything else is offered as a download, never rendered (an SVG or
# HTML file could carry a script).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp",
                          "video/mp4", "video/webm", "video/quicktime", "text/plain"})
_PLATFORM_FOLDERS = frozenset(platform_folder(name) for name in PLATFORM_NAMES.values())  # the feed's folders


@dataclass(frozen=True)
class FoundFile:
    path: Path
    name: str  # the last part of the listed name

    @property
    def media_type(self) -> str:
        guessed = mimetypes.guess_type(self.name)[0] or "application/octet-stream"
        return guessed if guessed in INLINE_TYPES else "application/octet-stream"

    @property
    def inline(self) -> bool:
        return self.media_type in INLINE_TYPES


class FileRoots:
    """Where the workspace keeps files people may look at."""

    def __init__(self, assets: FolderAssetStore | None, publish_path: Path, prepared_path: Path):
        self.assets = assets  # None: the assets are on Drive, their files are not served here
        self.publish_path = publish_path
        self.prepared_path = prepared_path

    def item_file(self, item_id: str, name: str) -> FoundFile | None:
        """A file of the item's current folder, by the name the folder lists."""
        if self.assets is None or not _is_item_id(item_id):
            return None
        for listed, path in self.assets.item_files(item_id):
            if listed == name:
                return FoundFile(path, Path(listed).name)
        return None

    def published_file(self, platform: str, item_id: str, name: str) -> FoundFile | None:
        if platform not in _PLATFORM_FOLDERS or not _is_item_id(item_id):
            return None
        return _listed(self.publish_path / platform / item_id, name)

    def prepared_file(self, item_id: str, platform: str, name: str) -> FoundFile | None:
        """A picture or video as prepared for a platform (service/publishing.py: <prepared>/<ID>/<platform>)."""
        if platform not in PLATFORM_NAMES.values() or not _is_item_id(item_id):
            return None
        return _listed(self.prepared_path / item_id / platform, name)


def _is_item_id(text: str) -> bool:
    return bool(ID_PATTERN.match(text)) and text == text.strip()


def _listed(folder: Path, name: str) -> FoundFile | None:
    """`folder/name` when `name` is a plain file listed directly in `folder`, which is a real folder."""
    try:
        for parent in (folder.parent, folder):  # no link below the configured root
            if not stat.S_ISDIR(os.lstat(parent).st_mode):
                return None
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == name and not is_ignored(name) and entry.is_file(follow_symlinks=False):
                    return FoundFile(Path(entry.path), name)
    except OSError:
        return None
    return None


def open_file(found: FoundFile) -> tuple[BinaryIO, int]:
    """The open file and its size; raises OSError when it is not a plain file of its own (any more)."""
    handle = open_regular(found.path)
    return handle, os.fstat(handle.fileno()).st_size


def chunks(handle: BinaryIO, size: int = 1 << 16) -> Iterator[bytes]:
    with handle:
        yield from iter(lambda: handle.read(size), b"")


def thumbnail(found: FoundFile) -> bytes | None:
    """A JPEG of at most THUMBNAIL_PIXELS on its longer side; None when the file is not a picture we read."""
    try:
        st = os.lstat(found.path)
    except OSError:
        return None
    return _thumbnail(str(found.path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)  # keyed by the file's change time and size: a replaced file gets a new thumbnail
def _thumbnail(path: str, changed_ns: int, size: int) -> bytes | None:
    from PIL import Image, ImageOps

    try:
        with open_regular(Path(path)) as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > THUMBNAIL_SOURCE_PIXELS:
                return None
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
