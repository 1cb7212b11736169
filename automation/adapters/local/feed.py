"""Publishing into a local folder with an HTML preview (the "no social-media account" default).

Each post becomes `<root>/<platform>/<item id>/` with the media, caption.txt and
post.json; `<root>/index.html` shows every post, newest first.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import secrets
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from automation.adapters.local.folders import open_regular
from automation.domain.texts import feed as feed_text
from automation.domain.texts import log as log_text
from automation.faults import reached
from automation.ports import Clock, Post, PublishResult

log = logging.getLogger(__name__)

POST_FILE = "post.json"
CAPTION_FILE = "caption.txt"
INDEX_FILE = "index.html"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".avif"}
VIDEO_SUFFIXES = {".mp4", ".webm", ".mov", ".m4v", ".ogv"}
_RESERVED = {POST_FILE, CAPTION_FILE}
_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_MONTHS = feed_text.MONTHS
_STAGING = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")  # staging folders and the index's temp file


def platform_folder(platform: str) -> str:
    """'Instagram' -> 'instagram', 'X' -> 'x'; safe as a folder name."""
    name = "-".join(_UNSAFE.sub(" ", platform).lower().split()).strip(".")
    if not name:
        raise ValueError(f"platform name not usable as a folder: {platform!r}")
    return name


def _safe_file_name(name: str) -> str:
    clean = " ".join(_UNSAFE.sub(" ", name).split()).strip(". ")
    return clean or feed_text.FALLBACK_FILE_NAME


class LocalFeedPublisher:
    def __init__(self, root: Path, clock: Clock | None = None) -> None:
        self.root = Path(root)
        self.clock = clock

    def __repr__(self) -> str:
        return f"LocalFeedPublisher({str(self.root)!r})"

    def publish(self, post: Post) -> PublishResult:
        platform_dir = self.root / platform_folder(post.platform)
        post_dir = platform_dir / _safe_file_name(post.item_id)
        result = PublishResult(platform=post.platform, link=post_dir.resolve().as_uri())
        if (post_dir / POST_FILE).is_file():
            return result  # published before: never publish twice
        platform_dir.mkdir(parents=True, exist_ok=True)
        if post_dir.exists():  # no post.json: not ours to keep (a rename is atomic, so not a crash)
            log.warning(log_text.FEED_REMOVING_INCOMPLETE, post_dir)
            reached("feed.remove_incomplete")
            shutil.rmtree(post_dir)

        staging = platform_dir / f".{post_dir.name}.{secrets.token_hex(4)}.tmp"
        staging.mkdir()
        try:
            self._fill(staging, post)
            reached("feed.publish")
            os.rename(staging, post_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        log.info(log_text.FEED_PUBLISHED, post.item_id, post_dir)
        self.write_index()
        return result

    def _fill(self, folder: Path, post: Post) -> None:
        names: list[str] = []
        for media in post.media:
            name = _unique(_safe_file_name(Path(media.name).name), names)
            # never through a link: its target may be outside the workspace (raises, retried next cycle)
            with open_regular(media.path) as source, open(folder / name, "xb") as target:
                shutil.copyfileobj(source, target)
            names.append(name)
        (folder / CAPTION_FILE).write_text(post.caption + "\n", encoding="utf-8")
        record = {
            "key": post.key,
            "item_id": post.item_id,
            "platform": post.platform,
            "title": post.title,
            "kind": post.kind,
            "caption": post.caption,
            "published_at": self._now().isoformat(timespec="seconds"),
            "media": names,
        }
        (folder / POST_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def _now(self) -> datetime:
        return self.clock.now() if self.clock else datetime.now().astimezone()

    # --- index.html -------------------------------------------------------

    def posts(self) -> list[tuple[Path, dict]]:
        """Every published post (folder, post.json contents), newest first."""
        found = []
        for path in self.root.glob(f"*/*/{POST_FILE}"):
            if any(part.startswith(".") for part in path.relative_to(self.root).parts):
                continue
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                published = datetime.fromisoformat(record["published_at"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning(log_text.FEED_SKIPPING_UNREADABLE, path, exc)
                continue
            found.append((published.timestamp(), path.parent, record))
        found.sort(key=lambda entry: (-entry[0], entry[1].as_posix()))
        return [(folder, record) for _, folder, record in found]

    def write_index(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        page = render_index([(folder.relative_to(self.root), record) for folder, record in self.posts()])
        target = self.root / INDEX_FILE
        tmp = self.root / f".{INDEX_FILE}.{secrets.token_hex(4)}.tmp"
        try:
            tmp.write_text(page, encoding="utf-8")
            reached("feed.index")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target


def sweep_staging(root: Path, started_at: float) -> list[Path]:
    """Delete the feed's own staging folders and temp files from before `started_at` (epoch s)."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    candidates = [root, *(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())]
    for folder in candidates:
        for entry in folder.iterdir():
            if not _STAGING.fullmatch(entry.name) or entry.lstat().st_mtime >= started_at:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def _unique(name: str, taken: list[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, number = name, 2
    while candidate in taken or candidate in _RESERVED:
        candidate = f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def _indonesian_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H.%M}"


def _media_html(folder: Path, name: str, title: str) -> str:
    href = html.escape("/".join(quote(part) for part in (*folder.parts, name)))
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return f'<img src="{href}" alt="{html.escape(title)}" loading="lazy">'
    if suffix in VIDEO_SUFFIXES:
        return f'<video src="{href}" controls preload="metadata"></video>'
    return f'<a href="{href}">{html.escape(name)}</a>'


def _post_html(folder: Path, record: dict) -> str:
    title = str(record.get("title", ""))
    caption = html.escape(str(record.get("caption", ""))).replace("\r\n", "\n").replace("\n", "<br>\n")
    media = "\n".join(_media_html(folder, str(n), title) for n in record.get("media", []))
    return f"""<article>
  <p class="meta"><span class="platform">{html.escape(str(record.get("platform", "")))}</span>
    <span>ID {html.escape(str(record.get("item_id", "")))}</span>
    <span>{html.escape(str(record.get("kind", "")))}</span>
    <time datetime="{html.escape(str(record.get("published_at", "")))}">{html.escape(_indonesian_time(str(record.get("published_at", ""))))}</time></p>
  <h2>{html.escape(title)}</h2>
  <div class="media">
{media}
  </div>
  <p class="caption">{caption}</p>
</article>"""


def render_index(posts: list[tuple[Path, dict]]) -> str:
    """The feed page; `posts` are (folder relative to the page, post.json contents), newest first."""
    body = "\n".join(_post_html(folder, record) for folder, record in posts)
    if not body:
        body = f'<p class="empty">{feed_text.EMPTY}</p>'
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{feed_text.TITLE}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 0 auto; padding: 1rem; background: #f4f4f4; color: #222; }}
  article {{ background: #fff; border-radius: 8px; padding: 1rem; margin: 1rem 0; box-shadow: 0 1px 3px #0002; }}
  .meta {{ color: #555; font-size: .9rem; display: flex; flex-wrap: wrap; gap: .75rem; margin: 0; }}
  .platform {{ font-weight: bold; text-transform: capitalize; color: #0a5; }}
  h2 {{ margin: .5rem 0; font-size: 1.2rem; }}
  .media img, .media video {{ max-width: 100%; display: block; margin: .5rem 0; border-radius: 4px; }}
  .caption {{ overflow-wrap: anywhere; }}
</style>
</head>
<body>
<h1>{feed_text.TITLE}</h1>
<p>{feed_text.INTRO}</p>
{body}
</body>
</html>
"""
