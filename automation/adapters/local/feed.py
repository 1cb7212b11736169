"""Publishing into a local folder with an HTML preview (the "no social-media account" default).

Each post becomes `<root>/<platform>/<item id>/` with the media, caption.txt and
post.json; `<root>/index.html` shows every post, newest first. The publishing
service hands over the media already prepared for the platform and checked
against its rules, so the folder holds exactly what that platform would be sent.
The page draws one card per platform in that platform's shape (`FeedShape` in
`domain/platform_rules.py`): the frame the app crops to, the caption cut where the
app cuts it, video or image, and what was adjusted for the platform.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from automation.adapters.local.folders import open_regular
from automation.domain.platform_rules import FeedShape, id_ratio, rules_for
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
        return self.preview(post)

    def preview(self, post: Post, notes: Sequence[str] = ()) -> PublishResult:
        """Publish `post` (its media already prepared for the platform), with `notes`: what was
        adjusted for the platform, shown on the card."""
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
            self._fill(staging, post, notes)
            reached("feed.publish")
            os.rename(staging, post_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        log.info(log_text.FEED_PUBLISHED, post.item_id, post_dir)
        self.write_index()
        return result

    def _fill(self, folder: Path, post: Post, notes: Sequence[str] = ()) -> None:
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
            "media_info": [_describe(folder / name) for name in names],
            "notes": list(notes),
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


def _describe(path: Path) -> dict[str, Any]:
    """Kind and pixels of a published file, for the card's frame (from its bytes, not its name)."""
    from automation.adapters.media.prepare import inspect  # Pillow and av: loaded when something is published

    info = inspect(path)
    kind = info.kind if info.ok else kind_by_suffix(path.name)
    return {"name": path.name, "kind": kind, "width": info.width, "height": info.height}


def kind_by_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return "image" if suffix in IMAGE_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else "unknown"


def media_infos(record: dict) -> list[dict[str, Any]]:
    infos = record.get("media_info")
    if isinstance(infos, list) and all(isinstance(info, dict) for info in infos):
        return infos
    return [{"name": str(name), "kind": kind_by_suffix(str(name))} for name in record.get("media", [])]


def feed_shape(platform: str) -> FeedShape:
    rules = rules_for(platform)
    return rules.shape if rules else FeedShape(image_frame=None, video_frame=(16, 9), video_fills=False,
                                               caption_fold=None)


def card_frame(shape: FeedShape, infos: list[dict[str, Any]]) -> tuple[str, tuple[int, int] | None, bool]:
    """(media kind shown, the frame's width:height or None for the image's own, cropped to fill)."""
    kinds = [info.get("kind") for info in infos]
    if "video" in kinds:
        return "video", shape.video_frame, shape.video_fills
    if "image" in kinds:
        if shape.image_frame is not None:
            return "image", shape.image_frame, True
        first = next(info for info in infos if info.get("kind") == "image")
        width, height = first.get("width"), first.get("height")
        if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
            return "image", (width, height), False
        return "image", None, False
    return "text", None, False


def ratio_text(frame: tuple[int, int]) -> str:
    """'9:16' for a platform's frame; '1,91:1' for an image's own pixels."""
    if max(frame) <= 32:
        return f"{frame[0]}:{frame[1]}"
    return id_ratio(frame[0] / frame[1])


def _media_html(folder: Path, info: dict[str, Any], title: str, fills: bool) -> str:
    name = str(info.get("name", ""))
    href = html.escape("/".join(quote(part) for part in (*folder.parts, name)))
    fit = "cover" if fills else "contain"
    kind = info.get("kind")
    if kind == "image":
        return f'<img src="{href}" alt="{html.escape(title)}" loading="lazy" style="object-fit: {fit}">'
    if kind == "video":
        return f'<video src="{href}" controls preload="metadata" style="object-fit: {fit}"></video>'
    return f'<a href="{href}">{html.escape(name)}</a>'


def fold_caption(caption: str, fold: int | None) -> tuple[str, str]:
    """(shown, hidden): the caption cut where the platform's app cuts it, at a word where one is near."""
    if fold is None or len(caption) <= fold:
        return caption, ""
    cut = caption[:fold]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= fold - 20:
        cut = cut[:space]
    return cut.rstrip(), caption[len(cut):].lstrip()


def _text_html(text: str) -> str:
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>\n")


def _post_html(folder: Path, record: dict) -> str:
    platform = str(record.get("platform", ""))
    title = str(record.get("title", ""))
    shape = feed_shape(platform)
    infos = media_infos(record)
    shown_kind, frame, fills = card_frame(shape, infos)
    kind_label = {"video": feed_text.VIDEO, "image": feed_text.IMAGE}.get(shown_kind, feed_text.TEXT_ONLY)
    frame_label = ratio_text(frame) if frame else feed_text.OWN_RATIO
    style = f' style="aspect-ratio: {frame[0]} / {frame[1]}"' if frame else ""
    media = "\n".join(_media_html(folder, info, title, fills) for info in infos if info.get("kind") == shown_kind)
    others = "\n".join(_media_html(folder, info, title, fills) for info in infos if info.get("kind") != shown_kind)
    frame_html = (f'  <div class="frame"{style} data-frame="{html.escape(frame_label)}">\n{media}\n  </div>\n'
                  if media else "")
    shown, hidden = fold_caption(str(record.get("caption", "")), shape.caption_fold)
    caption = _text_html(shown)
    if hidden:
        caption += (f'<details class="more"><summary>{html.escape(feed_text.MORE)}</summary>'
                    f"{_text_html(hidden)}</details>")
    heading = f'  <h2 class="title">{html.escape(title)}</h2>\n'
    notes = [str(note) for note in record.get("notes", []) if str(note).strip()]
    notes_html = ""
    if notes:
        items = "\n".join(f"    <li>{html.escape(note)}</li>" for note in notes)
        notes_html = (f'  <div class="notes"><p>{html.escape(feed_text.NOTES_HEADING)}</p>\n'
                      f'  <ul class="warnings">\n{items}\n  </ul></div>\n')
    published = str(record.get("published_at", ""))
    platform_key = html.escape(platform_folder(platform) if platform.strip() else "lain")
    return f"""<article class="card card-{platform_key}" data-platform="{html.escape(platform)}" data-media="{shown_kind}" data-frame="{html.escape(frame_label)}" data-fold="{shape.caption_fold or ''}">
  <p class="meta"><span class="platform">{html.escape(platform)}</span>
    <span>ID {html.escape(str(record.get("item_id", "")))}</span>
    <span>{html.escape(str(record.get("kind", "")))}</span>
    <span class="shape">{html.escape(feed_text.shape_label(kind_label, frame_label))}</span>
    <time datetime="{html.escape(published)}">{html.escape(_indonesian_time(published))}</time></p>
{heading if not shape.title_shown else ""}{frame_html}{heading if shape.title_shown else ""}  <p class="caption">{caption}</p>
{f'  <p class="files">{others}</p>{chr(10)}' if others else ""}{notes_html}</article>"""


def render_index(posts: list[tuple[Path, dict]]) -> str:
    """The feed page; `posts` are (folder relative to the page, post.json contents), newest first."""
    body = "\n".join(_post_html(folder, record) for folder, record in posts)
    if not body:
        body = f'<p class="empty">{html.escape(feed_text.EMPTY)}</p>'
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(feed_text.TITLE)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 0 auto; padding: 1rem; background: #f4f4f4; color: #222; }}
  article {{ background: #fff; border-radius: 8px; padding: 1rem; margin: 1rem auto; box-shadow: 0 1px 3px #0002; }}
  .card-tiktok, .card-instagram[data-media="video"] {{ max-width: 22rem; background: #111; color: #eee; }}
  .card-instagram[data-media="image"] {{ max-width: 30rem; }}
  .meta {{ color: #777; font-size: .9rem; display: flex; flex-wrap: wrap; gap: .75rem; margin: 0; }}
  .platform {{ font-weight: bold; color: #0a5; }}
  h2 {{ margin: .5rem 0; font-size: 1.2rem; }}
  .frame {{ background: #000; overflow: hidden; border-radius: 4px; margin: .5rem 0; display: flex; gap: 2px; }}
  .frame img, .frame video {{ width: 100%; height: 100%; flex: 1 1 0; min-width: 0; display: block; }}
  .caption {{ overflow-wrap: anywhere; }}
  .more summary {{ color: #888; cursor: pointer; }}
  .notes {{ font-size: .85rem; color: #8a5a00; background: #fff7e0; padding: .25rem .75rem; border-radius: 4px; }}
</style>
</head>
<body>
<h1>{html.escape(feed_text.TITLE)}</h1>
<p>{html.escape(feed_text.INTRO)}</p>
{body}
</body>
</html>
"""
