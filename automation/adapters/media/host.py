"""Public URLs for prepared media files (Instagram, Facebook and TikTok fetch media from a URL).

- `FolderMediaHost`: copies the file into a folder that a web server publishes,
  under an unguessable name, and answers `base_url + name`.
- `SignedUrlMediaHost`: uploads the file to a Google Cloud Storage bucket and
  answers a V4 signed URL (google-cloud-storage is an optional dependency,
  imported only when this host is used).

A Google Drive sharing link is not such a URL: Instagram fetches the bytes
itself ("we cURL media") and needs the file itself at the address.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from automation.domain.texts import media as media_text

CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                 ".webp": "image/webp", ".mp4": "video/mp4", ".mov": "video/quicktime", ".m4v": "video/mp4",
                 ".webm": "video/webm"}


class MediaHostError(Exception):
    """The media host cannot be used; one Indonesian sentence saying what to install or configure."""


class MediaHost(Protocol):
    def url_for(self, path: Path) -> str:
        """A URL from which anyone (the platform) can GET the file's bytes, valid for at least an hour."""
        ...


def _unguessable_name(path: Path) -> str:
    return f"{secrets.token_urlsafe(24)}{Path(path).suffix.lower()}"


class FolderMediaHost:
    """A folder served by a web server (nginx, Caddy, a static site) at `base_url`.

    The daemon only writes into the folder; the web server must serve it over
    HTTPS at `base_url` (Instagram and TikTok refuse plain HTTP in production).
    Names are random (192 bits), so a file cannot be found without its URL.
    """

    def __init__(self, folder: Path, base_url: str) -> None:
        if not base_url.strip():
            raise MediaHostError(media_text.BASE_URL_REQUIRED)
        self.folder = Path(folder)
        self.base_url = base_url.strip().rstrip("/")

    def __repr__(self) -> str:
        return f"FolderMediaHost({str(self.folder)!r}, {self.base_url!r})"

    def url_for(self, path: Path) -> str:
        source = Path(path)
        if not _is_regular(source):
            raise FileNotFoundError(media_text.host_file_missing(source))
        self.folder.mkdir(parents=True, exist_ok=True)
        name = _unguessable_name(source)
        tmp = self.folder / f".{name}.tmp"
        try:
            # O_NOFOLLOW: a link's target (perhaps outside the workspace) is never published
            with open(source, "rb", opener=_open_nofollow) as reader, open(tmp, "wb") as writer:
                shutil.copyfileobj(reader, writer)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.folder / name)  # a reader never sees half a file
        finally:
            tmp.unlink(missing_ok=True)
        return f"{self.base_url}/{name}"

    def remove(self, url: str) -> bool:
        """Delete a file handed out earlier (after the platform fetched it)."""
        name = Path(urlsplit(url).path).name
        if not name or not url.startswith(self.base_url + "/"):
            return False
        target = self.folder / name
        if target.is_file():
            target.unlink()
            return True
        return False

    def cleanup(self, older_than: timedelta) -> int:
        """Delete files older than `older_than`; returns how many. Containers expire after 24 h anyway."""
        if not self.folder.is_dir():
            return 0
        limit = time.time() - older_than.total_seconds()
        removed = 0
        for entry in self.folder.iterdir():
            if entry.is_file() and not entry.name.startswith(".") and entry.stat().st_mtime < limit:
                entry.unlink()
                removed += 1
        return removed


class SignedUrlMediaHost:
    """A Google Cloud Storage bucket; each file gets a V4 signed GET URL valid for `expires`.

    Needs `pip install google-cloud-storage` and credentials that may sign
    (a service-account key file, or the environment's default credentials).
    """

    def __init__(self, bucket: str, prefix: str = "sop-konten", expires: timedelta = timedelta(hours=6),
                 credentials_file: str = "", client: Any = None) -> None:
        if not bucket.strip():
            raise MediaHostError(media_text.BUCKET_REQUIRED)
        self.bucket = bucket.strip()
        self.prefix = prefix.strip("/")
        self.expires = expires
        self.credentials_file = credentials_file
        self._client = client

    def __repr__(self) -> str:
        return f"SignedUrlMediaHost({self.bucket!r}, prefix={self.prefix!r})"

    def _storage_client(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from google.cloud import storage  # optional dependency
        except ImportError as exc:
            raise MediaHostError(
                media_text.GCS_NOT_INSTALLED) from exc
        if self.credentials_file:
            self._client = storage.Client.from_service_account_json(self.credentials_file)
        else:
            self._client = storage.Client()
        return self._client

    def url_for(self, path: Path) -> str:
        source = Path(path)
        if not _is_regular(source):  # never upload through a link
            raise FileNotFoundError(media_text.host_file_missing(source))
        client = self._storage_client()
        name = f"{self.prefix}/{_unguessable_name(source)}" if self.prefix else _unguessable_name(source)
        blob = client.bucket(self.bucket).blob(name)
        blob.upload_from_filename(str(source), content_type=CONTENT_TYPES.get(source.suffix.lower()))
        return blob.generate_signed_url(version="v4", expiration=self.expires, method="GET")


def _is_regular(path: Path) -> bool:
    """A plain file, not a link to one (its target may be outside the workspace)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def _open_nofollow(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_NOFOLLOW)


def build_media_host(config: Mapping[str, Any], base_dir: Path | None = None) -> MediaHost:
    """From a `[publish.media_host]` table: kind = "folder" (folder, base_url) or "gcs" (bucket, ...)."""
    kind = str(config.get("kind", "folder")).strip().lower()
    if kind == "folder":
        folder = Path(str(config.get("folder", "")).strip() or "media-publik").expanduser()
        if not folder.is_absolute() and base_dir is not None:
            folder = Path(base_dir) / folder
        return FolderMediaHost(folder, str(config.get("base_url", "")))
    if kind == "gcs":
        minutes = config.get("expires_minutes", 360)
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
            raise MediaHostError(media_text.EXPIRES_INVALID)
        return SignedUrlMediaHost(str(config.get("bucket", "")), prefix=str(config.get("prefix", "sop-konten")),
                                  expires=timedelta(minutes=float(minutes)),
                                  credentials_file=str(config.get("credentials_file", "")))
    raise MediaHostError(media_text.unknown_kind(kind))
