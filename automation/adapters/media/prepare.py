"""Media for one content item on one platform: `prepare(files, platform, kind, out_dir)` chooses the files the
register's Jenis asks for, converts the images so the platform takes them and checks the video, and returns
the files to upload and the problems to show in the register. Videos are never re-encoded here: what does
not fit is reported.

The media package, by responsibility (this module also names the rest, so callers import from one place):
- `identify.py`: what a file is from its CONTENT, not its extension (`inspect`, `probe_video`,
  `video_problems`, `facts`, `check_post`);
- `images.py`: an image converted for a platform (`prepare_image`).

Problems are Indonesian sentences for the register's "Catatan Sistem" column: only what a person
must fix. What is fixed automatically is reported in `notes` (Indonesian too, for the log). No
exception about a file's content leaves this package; a wrong argument (an unknown `fit`) still
raises ValueError.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.adapters.media.identify import (
    IMAGE,
    UNKNOWN,
    VIDEO,
    MediaInfo,
    check_post,
    extension_kind,
    facts,
    heif_supported,
    inspect,
    probe_video,
    video_problems,
    video_supported,
)
from automation.adapters.media.images import PreparedMedia, prepare_image
from automation.domain import post_check
from automation.domain.platform_rules import PlatformRules, rules_for
from automation.domain.texts import captions as caption_text
from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text

log = logging.getLogger(__name__)

__all__ = [
    "MediaInfo",
    "check_post",
    "facts",
    "PreparedMedia",
    "PreparedSet",
    "heif_supported",
    "inspect",
    "prepare",
    "prepare_image",
    "probe_video",
    "video_problems",
    "video_supported",
]

_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class PreparedSet:
    files: tuple[Path, ...]  # what to upload, in order
    problems: tuple[str, ...] = ()  # for "Catatan Sistem": what a person must fix
    notes: tuple[str, ...] = ()  # what was done automatically
    kind: str = ""  # "image" or "video": what was chosen
    media: tuple[PreparedMedia, ...] = ()  # per converted image

    @property
    def ok(self) -> bool:
        return bool(self.files) and not self.problems


# --- one item on one platform ------------------------------------------------------------------------------


def _wanted_kind(kind: str) -> str | None:
    lowered = (kind or "").strip().casefold()
    if lowered.startswith(("video", "reels", "reel")):
        return VIDEO
    if lowered.startswith(("infografis", "gambar", "foto", "image", "poster", "carousel", "karosel")):
        return IMAGE
    return None


def _natural_key(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name.casefold())]


def _ignored(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "~$")) or name.casefold() in _IGNORED_NAMES


def _intended_kind(info: MediaInfo) -> str:
    if info.kind in (IMAGE, VIDEO):
        return info.kind
    return extension_kind(info.path) or UNKNOWN


def _names(infos: list[MediaInfo]) -> str:
    return ", ".join(f"'{info.name}'" for info in infos)


def prepare(
    files: Iterable[str | os.PathLike[str]], platform: str, kind: str, out_dir: str | os.PathLike[str]
) -> PreparedSet:
    """The files to upload for one content item on one platform, and the problems a person must fix.

    `kind` is the register's Jenis: "Infografis" takes the images (in natural name order, up to the
    platform's count, converted by prepare_image), "Video" takes the first video (as it is, checked
    by video_problems). Another Jenis takes videos when there are only videos, else images."""
    rules = rules_for(platform)
    if rules is None:
        return PreparedSet((), problems=(caption_text.unknown_platform(platform),))
    try:
        return _prepare(rules, [Path(file) for file in files], kind, Path(out_dir))
    except Exception:
        log.exception(log_text.MEDIA_PREPARE_FAILED, rules.name)
        return PreparedSet(
            (), problems=(media_text.assets_failed(rules.name),)
        )


def _prepare(rules: PlatformRules, paths: list[Path], kind: str, out_dir: Path) -> PreparedSet:
    name = rules.name
    paths = sorted((path for path in paths if not _ignored(path)), key=_natural_key)
    infos = [inspect(path) for path in paths]
    notes: list[str] = []
    images = [info for info in infos if info.kind == IMAGE and info.ok]
    videos = [info for info in infos if info.kind == VIDEO and info.ok]
    wanted = _wanted_kind(kind)
    if wanted is None:
        wanted = VIDEO if videos and not images else IMAGE
        notes.append(media_text.unknown_content_kind(name, kind, media_text.VIDEO if wanted == VIDEO else media_text.IMAGE))
    for info in infos:
        if not info.ok and _intended_kind(info) == UNKNOWN:
            notes.append(media_text.ignored_file(name, info.name))
    broken = [info for info in infos if not info.ok and _intended_kind(info) == wanted]
    problems = [post_check.prefixed(name, problem) for info in broken for problem in info.problems]
    jenis = kind.strip() or (media_text.KIND_VIDEO if wanted == VIDEO else media_text.KIND_IMAGES)

    if wanted == VIDEO:
        if rules.video is None:
            return PreparedSet(
                (),
                problems=(media_text.kind_takes_no_video(name, jenis),),
                notes=tuple(notes),
                kind=VIDEO,
            )
        if not videos:
            hint = media_text.images_present(_names(images)) if images else ""
            if not broken:
                problems.append(media_text.no_video_file(name, hint))
            return PreparedSet((), problems=tuple(problems), notes=tuple(notes), kind=VIDEO)
        chosen = videos[0]
        if len(videos) > 1:
            notes.append(media_text.first_video_only(name, chosen.name, _names(videos[1:])))
        notes.extend(post_check.prefixed(name, note) for note in chosen.notes)
        problems.extend(video_problems(chosen, name))
        return PreparedSet((chosen.path,), problems=tuple(problems), notes=tuple(notes), kind=VIDEO)

    image_rules = rules.image
    if image_rules is None:
        return PreparedSet(
            (),
            problems=(media_text.kind_takes_only_video(name, jenis),),
            notes=tuple(notes),
            kind=IMAGE,
        )
    if not images:
        hint = media_text.videos_present(_names(videos)) if videos else ""
        if not broken:
            problems.append(media_text.no_image_file(name, hint))
        return PreparedSet((), problems=tuple(problems), notes=tuple(notes), kind=IMAGE)
    chosen_images = images[: image_rules.max_count]
    if len(images) > image_rules.max_count:
        notes.append(media_text.first_images_only(name, image_rules.max_count,
                                                  _names(images[image_rules.max_count :])))
    files: list[Path] = []
    prepared: list[PreparedMedia] = []
    used_stems: set[str] = set()
    ratio = None
    for info in chosen_images:
        stem = info.path.stem
        number = 2
        while stem.casefold() in used_stems:
            stem = f"{info.path.stem}-{number}"
            number += 1
        used_stems.add(stem.casefold())
        result = prepare_image(info.path, name, out_dir, ratio=ratio, stem=stem)
        prepared.append(result)
        problems.extend(result.problems)
        notes.extend(result.notes)
        if result.path is not None:
            files.append(result.path)
            if ratio is None and image_rules.same_ratio_in_carousel and len(chosen_images) > 1:
                ratio = result.width / result.height
    return PreparedSet(
        tuple(files), problems=tuple(problems), notes=tuple(notes), kind=IMAGE, media=tuple(prepared)
    )
