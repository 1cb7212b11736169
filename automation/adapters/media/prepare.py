"""Media files: what they are, whether a platform takes them, and converting images so it does.

- `inspect(path)` tells what a file is from its CONTENT (not its extension): image, video or
  unknown, with format, size, pixels, duration and codecs, and the problems that make it unusable
  (corrupt, truncated, too many pixels, not a media file at all).
- `prepare_image(path, platform, out_dir)` writes a copy the platform accepts: format, sRGB colour,
  EXIF orientation applied, aspect ratio (padded or cropped), width and byte size. Deterministic:
  the same input gives the same bytes, so running it twice changes nothing.
- `probe_video(path)` reads a video's container, codecs, duration and size with PyAV (FFmpeg);
  `video_problems(info, platform)` compares them with the platform's rules. Videos are never
  re-encoded here: what does not fit is reported.
- `prepare(files, platform, kind, out_dir)` does all of it for one content item on one platform
  and returns the files to upload and the problems to show in the register.

Problems are Indonesian sentences for the register's "Catatan Sistem" column: only what a person
must fix. What is fixed automatically is reported in `notes` (Indonesian too, for the log). No
exception about a file's content leaves this module; a wrong argument (an unknown `fit`) still
raises ValueError.
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from PIL import Image, ImageCms, ImageColor, ImageOps, UnidentifiedImageError

from automation.domain import post_check
from automation.domain.platform_rules import (
    ImageRules,
    PlatformRules,
    id_bytes,
    id_dec,
    id_int,
    id_ratio,
    rules_for,
)
from automation.domain.post_check import MediaFacts, post_problems
from automation.domain.texts import captions as caption_text
from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text
from automation.ports import Post

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

IMAGE = "image"
VIDEO = "video"
UNKNOWN = "unknown"

# Pillow's own default for Image.MAX_IMAGE_PIXELS, used when someone set it to None: an image this
# large needs about 0.25-0.35 GB of memory to decode.
DEFAULT_MAX_PIXELS = 89_478_485

JPEG_QUALITIES = (90, 85, 80, 75, 70, 65)
_PIL_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF", "HEIF")
_FORMAT_ALIASES = {"MPO": "JPEG", "HEIF": "HEIC"}

_EXTENSION_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".jfif": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".bmp": "BMP",
    ".heic": "HEIC",
    ".heif": "HEIC",
    ".avif": "AVIF",
    ".mp4": "MP4",
    ".m4v": "MP4",
    ".mov": "MOV",
    ".qt": "MOV",
    ".webm": "WEBM",
    ".mkv": "MKV",
    ".avi": "AVI",
    ".wmv": "WMV",
    ".flv": "FLV",
    ".3gp": "3GP",
    ".3g2": "3GP",
    ".mpg": "MPEG-PS",
    ".mpeg": "MPEG-PS",
    ".mts": "MPEG-TS",
    ".m2ts": "MPEG-TS",
}
_VIDEO_FORMATS = {"MP4", "MOV", "WEBM", "MKV", "AVI", "WMV", "FLV", "3GP", "MPEG-PS", "MPEG-TS"}
_FFMPEG_CONTAINERS = {
    "mov,mp4,m4a,3gp,3g2,mj2": "MP4",
    "matroska,webm": "MKV",
    "avi": "AVI",
    "asf": "WMV",
    "flv": "FLV",
    "mpegts": "MPEG-TS",
    "mpeg": "MPEG-PS",
}
_FORMAT_LABELS = media_text.FORMAT_LABELS
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def heif_supported() -> bool:
    """Whether HEIC/HEIF images can be read (the optional pillow-heif package)."""
    return _heif() is not None


def video_supported() -> bool:
    """Whether videos can be probed (the PyAV package)."""
    return _av() is not None


_HEIF_STATE: dict[str, Any] = {}


def _heif() -> Any:
    if "module" not in _HEIF_STATE:
        try:
            import pillow_heif  # type: ignore[import-not-found]

            pillow_heif.register_heif_opener()
            _HEIF_STATE["module"] = pillow_heif
        except Exception:  # not installed, or a broken build
            _HEIF_STATE["module"] = None
    return _HEIF_STATE["module"]


def _av() -> Any:
    try:
        import av  # type: ignore[import-not-found]
    except Exception:
        return None
    return av


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    kind: str = UNKNOWN  # "image" | "video" | "unknown"
    format: str | None = None  # from the content: JPEG, PNG, GIF, WEBP, TIFF, BMP, HEIC, AVIF, MP4, MOV, ...
    width: int | None = None
    height: int | None = None
    mode: str | None = None  # Pillow mode of an image: RGB, RGBA, P, CMYK, I;16, ...
    size: int = 0  # bytes
    duration: float | None = None  # seconds
    container: str | None = None  # a video's container (MP4, MOV, WEBM, MKV, ...)
    video_codec: str | None = None  # FFmpeg codec name: h264, hevc, vp9, mpeg4, ...
    audio_codec: str | None = None  # aac, opus, mp3, ...; None when there is no audio track
    audio_profile: str | None = None  # FFmpeg's name of the audio profile: "LC", "HE-AAC", ...
    audio_sample_rate: int | None = None  # Hz
    audio_channels: int | None = None
    fps: float | None = None
    frames: int = 1  # frames of an animated image
    has_alpha: bool = False
    icc_profile: bool = False
    problems: tuple[str, ...] = ()  # Indonesian; the file cannot be used
    notes: tuple[str, ...] = ()  # Indonesian; worth knowing, nothing to fix

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def codecs(self) -> tuple[str, ...]:
        return tuple(codec for codec in (self.video_codec, self.audio_codec) if codec)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PreparedMedia:
    path: Path | None  # the converted file, or None when the image could not be used
    width: int = 0
    height: int = 0
    bytes: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    format: str | None = None  # JPEG or PNG
    source: Path | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.problems


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


# --- sniffing ----------------------------------------------------------------------------------------

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}


def _sniff(head: bytes) -> tuple[str, str] | None:
    """(kind, format) from a file's first bytes, or None when they say nothing known."""
    if head.startswith(b"\xff\xd8\xff"):
        return IMAGE, "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE, "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return IMAGE, "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE, "WEBP"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return VIDEO, "AVI"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return IMAGE, "TIFF"
    if head[:2] == b"BM" and len(head) >= 26:
        return IMAGE, "BMP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        box_size = int.from_bytes(head[:4], "big")
        compatible = head[16 : max(16, min(box_size, len(head)))]
        if brand in (b"avif", b"avis") or (brand == b"mif1" and b"avif" in compatible):
            return IMAGE, "AVIF"
        if brand in _HEIC_BRANDS:
            return IMAGE, "HEIC"
        if brand == b"qt  ":
            return VIDEO, "MOV"
        if brand.startswith(b"3g"):
            return VIDEO, "3GP"
        return VIDEO, "MP4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return VIDEO, ("WEBM" if b"webm" in head[:64] else "MKV")
    if head[:3] == b"FLV":
        return VIDEO, "FLV"
    if head[:4] == b"\x00\x00\x01\xba":
        return VIDEO, "MPEG-PS"
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return VIDEO, "MPEG-TS"
    if head[:8] == b"\x30\x26\xb2\x75\x8e\x66\xcf\x11":
        return VIDEO, "WMV"
    if head[:4] == b"%PDF":
        return "document", "PDF"
    if head[:4] == b"PK\x03\x04":
        return "document", "ZIP"
    if head[:4] == b"8BPS":
        return "document", "PSD"
    if _looks_like_text(head):
        lowered = head.lstrip().lower()
        return "text", ("HTML" if lowered.startswith((b"<!doctype html", b"<html")) else "TEXT")
    return None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head[:-3].decode("utf-8")  # a multi-byte character cut at the end
        except UnicodeDecodeError:
            return False
    printable = sum(1 for char in text if char.isprintable() or char in "\r\n\t\f")
    return printable >= 0.95 * len(text)


def _extension_format(path: Path) -> str | None:
    return _EXTENSION_FORMATS.get(path.suffix.lower())


def _extension_kind(path: Path) -> str | None:
    fmt = _extension_format(path)
    if fmt is None:
        return None
    return VIDEO if fmt in _VIDEO_FORMATS else IMAGE


def _mismatch_note(path: Path, actual: str) -> tuple[str, ...]:
    claimed = _extension_format(path)
    if claimed is None or claimed == actual:
        return ()
    return (media_text.extension_mismatch(path.name, actual, claimed),)


def _open_nofollow(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_NOFOLLOW)


def _read_head(path: Path) -> tuple[int, bytes] | MediaInfo:
    """The file's size and first bytes, or a MediaInfo that says why there are none."""
    name = path.name
    try:
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            return MediaInfo(path, problems=(media_text.is_folder(name),))
        if not stat.S_ISREG(st.st_mode):  # a link or a special file: never read through it
            return MediaInfo(path, problems=(media_text.unsafe_file(name),))
        size = st.st_size
        with open(path, "rb", opener=_open_nofollow) as handle:
            head = handle.read(512)
    except FileNotFoundError:
        return MediaInfo(path, problems=(media_text.not_found(name),))
    except PermissionError:
        return MediaInfo(path, problems=(media_text.permission_denied(name),))
    except OSError as exc:
        log.warning(log_text.MEDIA_CANNOT_READ, path, exc)
        return MediaInfo(path, problems=(media_text.unreadable(name),))
    if size == 0:
        return MediaInfo(
            path,
            kind=_extension_kind(path) or UNKNOWN,
            problems=(media_text.empty(name),),
        )
    return size, head


# --- inspect -----------------------------------------------------------------------------------------


def inspect(path: str | os.PathLike[str]) -> MediaInfo:
    """What the file is, from its content. Never raises for a file's content."""
    info, image = _examine(Path(path))
    if image is not None:
        image.close()
    return info


def _examine(path: Path) -> tuple[MediaInfo, Image.Image | None]:
    """inspect(), also handing over the decoded image when the file is a usable image (the caller
    closes it), so that converting it does not decode it twice."""
    try:
        return _inspect(path)
    except Exception:  # a bug or a library surprise must not stop the daemon
        log.exception(log_text.MEDIA_INSPECT_FAILED, path)
        problem = media_text.cannot_inspect(path.name)
        return MediaInfo(path, problems=(problem,)), None


def _inspect(path: Path) -> tuple[MediaInfo, Image.Image | None]:
    head = _read_head(path)
    if isinstance(head, MediaInfo):
        return head, None
    size, first_bytes = head
    sniffed = _sniff(first_bytes)
    kind, fmt = sniffed if sniffed else (None, None)
    if kind == VIDEO:
        return _probe_video(path, size, fmt), None
    if kind in ("text", "document"):
        return _not_media(path, size, fmt), None
    if fmt == "HEIC" and _heif() is None:
        unsupported = MediaInfo(
            path,
            kind=IMAGE,
            format="HEIC",
            size=size,
            problems=(media_text.heic_unsupported(path.name),),
        )
        return unsupported, None
    examined = _inspect_image(path, size, fmt)
    if examined is not None:
        return examined
    if kind == IMAGE:
        return MediaInfo(path, kind=IMAGE, format=fmt, size=size, problems=(_corrupt_image(path),)), None
    return _not_media(path, size, fmt), None


def _not_media(path: Path, size: int, fmt: str | None) -> MediaInfo:
    claimed = _extension_format(path)
    label = _FORMAT_LABELS.get(fmt or "", media_text.unknown_format(fmt) if fmt else "")
    if claimed:
        what = media_text.IMAGE if claimed not in _VIDEO_FORMATS else media_text.VIDEO
        reason = media_text.contents(label) if label else media_text.FORMAT_UNKNOWN
        problem = media_text.not_valid_as_claimed(path.name, what, claimed, reason)
    else:
        reason = media_text.contents_aside(label) if label else ""
        problem = media_text.not_media(path.name, reason)
    return MediaInfo(path, kind=UNKNOWN, format=fmt, size=size, problems=(problem,))


def _corrupt_image(path: Path) -> str:
    return media_text.corrupt_image(path.name)


def _pil_formats() -> list[str]:
    Image.init()  # registers every plugin (MPO, WEBP, AVIF, and HEIF once pillow-heif is loaded)
    return [fmt for fmt in _PIL_FORMATS if fmt in Image.OPEN]


def _pixel_limit() -> int:
    return Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS


def _bomb_problem(path: Path, width: int | None, height: int | None, pixels: int | None = None) -> str:
    limit = _pixel_limit()
    if pixels is None and width and height:
        pixels = width * height
    dims = media_text.image_dimensions(id_int(width), id_int(height)) if width and height else ""
    megapixels = media_text.megapixels(_megapixels(pixels)) if pixels else media_text.TOO_MANY_PIXELS
    return media_text.image_too_big(path.name, dims, megapixels, _megapixels(limit))


def _megapixels(pixels: int) -> str:
    value = pixels / 1e6
    return id_int(round(value)) if value >= 100 else id_dec(value)


def _bomb_pixels(exc: BaseException) -> int | None:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    return int(match.group(1)) if match else None


class _TooManyPixels(Exception):
    def __init__(self, width: int | None, height: int | None, pixels: int | None = None) -> None:
        super().__init__(f"{width}x{height}")
        self.width, self.height, self.pixels = width, height, pixels


def _open_image(path: Path) -> Image.Image:
    """Open, check the pixel count, decode the first frame fully; the caller closes it.

    Raises _TooManyPixels, UnidentifiedImageError, or what Pillow raises on broken data."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path, formats=_pil_formats())
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _TooManyPixels(None, None, _bomb_pixels(exc)) from exc
        try:
            width, height = image.size
            if width * height > _pixel_limit():
                raise _TooManyPixels(width, height)
            if getattr(image, "is_animated", False):
                image.seek(0)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            image.close()
            raise _TooManyPixels(*image.size) from exc
        except BaseException:
            image.close()
            raise
    return image


def _inspect_image(path: Path, size: int, sniffed: str | None) -> tuple[MediaInfo, Image.Image | None] | None:
    """MediaInfo of an image Pillow reads (with the image, decoded, when it is usable), or None when
    Pillow does not recognise the content."""
    try:
        image = _open_image(path)
    except _TooManyPixels as too_big:
        info = MediaInfo(
            path,
            kind=IMAGE,
            format=sniffed,
            width=too_big.width,
            height=too_big.height,
            size=size,
            problems=(_bomb_problem(path, too_big.width, too_big.height, too_big.pixels),),
        )
        return info, None
    except UnidentifiedImageError:
        return None
    except MemoryError:
        problem = _bomb_problem(path, None, None)
        return MediaInfo(path, kind=IMAGE, format=sniffed, size=size, problems=(problem,)), None
    except Exception as exc:  # OSError "image file is truncated", SyntaxError, struct.error, ...
        log.info(log_text.MEDIA_BROKEN_IMAGE, path, exc)
        return MediaInfo(path, kind=IMAGE, format=sniffed, size=size, problems=(_corrupt_image(path),)), None
    try:
        fmt = _FORMAT_ALIASES.get(image.format or "", image.format or "")
        frames = int(getattr(image, "n_frames", 1) or 1)
        if frames > 1:
            image.seek(0)
        notes = list(_mismatch_note(path, fmt))
        if frames > 1:
            notes.append(media_text.animated(path.name, frames))
        info = MediaInfo(
            path,
            kind=IMAGE,
            format=fmt,
            width=image.width,
            height=image.height,
            mode=image.mode,
            size=size,
            frames=frames,
            has_alpha=image.has_transparency_data,
            icc_profile=bool(image.info.get("icc_profile")),
            notes=tuple(notes),
        )
    except BaseException:
        image.close()
        raise
    return info, image


# --- video -------------------------------------------------------------------------------------------


def probe_video(path: str | os.PathLike[str]) -> MediaInfo:
    """Container, codecs, duration, size and pixels of a video, read with PyAV. Never raises for a
    file's content; a file that is not a video comes back with kind "unknown" or "image"."""
    path = Path(path)
    try:
        head = _read_head(path)
        if isinstance(head, MediaInfo):
            return head
        size, first_bytes = head
        sniffed = _sniff(first_bytes)
        if sniffed and sniffed[0] != VIDEO:
            return inspect(path)
        return _probe_video(path, size, sniffed[1] if sniffed else None)
    except Exception:
        log.exception(log_text.MEDIA_PROBE_FAILED, path)
        return MediaInfo(
            path, kind=VIDEO, problems=(media_text.video_cannot_inspect(path.name),)
        )


def _probe_video(path: Path, size: int, container: str | None) -> MediaInfo:
    name = path.name
    av = _av()
    if av is None:
        return MediaInfo(
            path,
            kind=VIDEO,
            format=container,
            container=container,
            size=size,
            problems=(media_text.video_probe_missing(name),),
        )
    corrupt = MediaInfo(
        path,
        kind=VIDEO,
        format=container,
        container=container,
        size=size,
        problems=(media_text.corrupt_video(name),),
    )
    try:
        handle = av.open(str(path), mode="r", metadata_errors="ignore")
    except Exception as exc:  # av.error.InvalidDataError and friends, OSError
        log.info(log_text.MEDIA_UNREADABLE_VIDEO, path, exc)
        return corrupt
    try:
        with handle as media:
            container = container or _FFMPEG_CONTAINERS.get(media.format.name, media.format.name.upper())
            videos = list(media.streams.video)
            audios = list(media.streams.audio)
            audio_codec = audios[0].codec_context.name if audios else None
            audio = _audio_facts(audios[0].codec_context) if audios else {}
            if not videos:
                return MediaInfo(
                    path,
                    kind=VIDEO,
                    format=container,
                    container=container,
                    size=size,
                    audio_codec=audio_codec,
                    problems=(media_text.no_video_stream(name),),
                )
            stream = videos[0]
            context = stream.codec_context
            width, height = context.width or None, context.height or None
            rate = stream.average_rate or stream.guessed_rate or stream.base_rate
            fps = float(rate) if rate else None
            duration = None
            if media.duration:
                duration = media.duration / 1_000_000  # AV_TIME_BASE
            elif stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            decoded = False
            for frame in media.decode(video=0):
                decoded = True
                if abs(int(getattr(frame, "rotation", 0) or 0)) % 180 == 90:
                    width, height = height, width  # a phone video shown turned: its display size
                break
            complete = decoded and _reaches_end(media, stream)
            info = MediaInfo(
                path,
                kind=VIDEO,
                format=container,
                container=container,
                width=width,
                height=height,
                size=size,
                duration=duration,
                video_codec=context.name,
                audio_codec=audio_codec,
                fps=fps,
                notes=_mismatch_note(path, container),
                **audio,
            )
            if not decoded or not complete or not width or not height:
                return replace(info, problems=corrupt.problems)
            return info
    except Exception as exc:
        log.info(log_text.MEDIA_BROKEN_VIDEO, path, exc)
        return corrupt


def _audio_facts(context: Any) -> dict[str, Any]:
    """Profile, sample rate and channels of an audio stream, as far as FFmpeg tells them."""
    layout = getattr(context, "layout", None)
    channels = getattr(layout, "nb_channels", None) or getattr(context, "channels", None)
    return {
        "audio_profile": getattr(context, "profile", None) or None,
        "audio_sample_rate": int(context.sample_rate) if getattr(context, "sample_rate", None) else None,
        "audio_channels": int(channels) if channels else None,
    }


def _reaches_end(media: Any, stream: Any) -> bool:
    """Whether the packets go on to the end the container declares: an upload cut short keeps its
    header (so the duration looks right) but loses the packets at the end. Reads only the last
    second or so (from the keyframe before it). True when it cannot tell."""
    if not media.duration:
        return True
    end = ((media.start_time or 0) + media.duration) / 1_000_000
    try:
        media.seek(int(max(0.0, end - 1.0) / stream.time_base), stream=stream, backward=True)
        last = None
        for packet in media.demux():
            if packet.pts is None or not packet.size or packet.stream.type not in ("video", "audio"):
                continue
            packet_end = float((packet.pts + (packet.duration or 0)) * packet.stream.time_base)
            last = packet_end if last is None else max(last, packet_end)
    except Exception as exc:  # not seekable: no verdict
        log.debug("end check skipped for %s: %s", media.name, exc)
        return True
    return last is not None and last >= end - 0.3


_prefixed = post_check.prefixed


def facts(info: MediaInfo, name: str | None = None) -> MediaFacts:
    """What the domain's check needs to know of a file (named `name`, by default its file name)."""
    return MediaFacts(
        name=name or info.name,
        kind=info.kind,
        format=info.container if info.kind == VIDEO else info.format,
        size=info.size,
        width=info.width,
        height=info.height,
        frames=info.frames,
        duration=info.duration,
        container=info.container,
        video_codec=info.video_codec,
        audio_codec=info.audio_codec,
        audio_profile=info.audio_profile,
        audio_sample_rate=info.audio_sample_rate,
        audio_channels=info.audio_channels,
        fps=info.fps,
        problems=info.problems,
    )


def video_problems(info: MediaInfo, platform: str) -> list[str]:
    """What stops `platform` from taking the video described by `info` (Indonesian sentences)."""
    return post_check.video_problems(facts(info), platform)


def check_post(post: Post, *, caption_limit: int | None = None) -> list[str]:
    """The platform's rules against the post as it would be sent: its files read from their bytes,
    then `post_check.post_problems`. The adapters' `check()` and the local preview both call it.

    A file whose signature says image or video but whose content does not decode is judged by what
    is known (kind, format, bytes): saying it is corrupt is `prepare`'s job, which runs first in
    every publication and at Koreksi and names the file; a missing file or one that is no media at
    all is reported here too."""
    described = []
    for media in post.media:
        info = inspect(media.path)
        name = Path(media.name).name or media.path.name
        if info.problems and info.kind in (IMAGE, VIDEO) and info.size:
            info = replace(info, problems=())
        described.append(facts(info, name))
    return post_problems(post.platform, post.caption, post.title, described, caption_limit=caption_limit)


# --- image conversion ----------------------------------------------------------------------------------

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# ImageCms.Intent and ImageCms.Flags are recent Pillow enums; the numbers are LittleCMS's own.
_RELATIVE_COLORIMETRIC = getattr(getattr(ImageCms, "Intent", None), "RELATIVE_COLORIMETRIC", 1)
_BLACK_POINT_COMPENSATION = int(getattr(getattr(ImageCms, "Flags", None), "BLACKPOINTCOMPENSATION", 0x2000))


def _to_8bit_gray(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer and float grayscale to 8-bit "L", keeping the tonal range."""
    mode = image.mode
    if mode == "F":
        low, high = cast(tuple[float, float], image.getextrema())  # one band
        if 0 <= low and high <= 1.0:
            scale, offset = 255.0, 0.0
        elif 0 <= low and high <= 255:
            scale, offset = 1.0, 0.0
        else:
            scale = 255.0 / (high - low) if high > low else 1.0
            offset = -low * scale
        return image.point(lambda value: value * scale + offset).convert("L")
    source = image if mode == "I" else image.convert("I")
    low, high = cast(tuple[float, float], source.getextrema())  # one band
    if mode.startswith("I;16") or (0 <= low and high <= 65535 and high > 255):
        scale, offset = 1 / 257, 0.0
    elif 0 <= low and high <= 255:
        scale, offset = 1.0, 0.0
    else:
        scale = 255.0 / (high - low) if high > low else 1.0
        offset = -low * scale
    return source.point(lambda value: value * scale + offset).convert("L")


def _to_srgb(
    image: Image.Image, keep_alpha: bool, background: tuple[int, int, int], notes: list[str], label: str
) -> Image.Image:
    """An "RGB" image (or "RGBA" when keep_alpha and the image really has transparency) in sRGB,
    without any embedded profile."""
    icc = image.info.get("icc_profile")
    source_mode = image.mode
    alpha = None
    if image.has_transparency_data:
        if image.mode in ("P", "PA", "RGB"):
            image = image.convert("RGBA")
        elif image.mode in ("L", "1"):
            image = image.convert("LA")
        if image.mode in ("RGBA", "RGBa", "LA", "La"):
            alpha = image.getchannel("A")
            image = image.convert("L" if image.mode in ("LA", "La") else "RGB")
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        image = _to_8bit_gray(image)
        notes.append(media_text.depth_reduced(label, source_mode))
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("P", "YCbCr", "HSV"):
        image = image.convert("RGB")
    if image.mode == "LAB" and not icc:
        image = ImageCms.applyTransform(  # type: ignore[assignment]  # None only with inPlace=True
            image, ImageCms.buildTransform(ImageCms.createProfile("LAB"), _SRGB, "LAB", "RGB")
        )
        notes.append(media_text.lab_converted(label))
    if icc:
        image = _apply_icc(image, icc, notes, label)
    if image.mode == "CMYK":
        notes.append(media_text.cmyk_converted(label))
    if image.mode != "RGB":
        image = image.convert("RGB")
    if alpha is not None and cast(tuple[int, int], alpha.getextrema())[0] < 255:
        if keep_alpha:
            image.putalpha(alpha)
        else:
            flat = Image.new("RGB", image.size, background)
            flat.paste(image, mask=alpha)
            image = flat
            notes.append(media_text.transparency_filled(label, _hex(background)))
    image.info.clear()
    return image


def _apply_icc(image: Image.Image, icc: bytes, notes: list[str], label: str) -> Image.Image:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip().upper()
        expected = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK", "LAB": "LAB"}.get(space)
        if expected != image.mode:
            notes.append(media_text.icc_mismatch(label))
            return image
        converted = ImageCms.profileToProfile(
            image,
            profile,
            _SRGB,
            renderingIntent=_RELATIVE_COLORIMETRIC,  # type: ignore[arg-type]  # an int before Pillow's Intent
            outputMode="RGB",
            flags=_BLACK_POINT_COMPENSATION,  # type: ignore[arg-type]  # an int before Pillow's Flags
        )
    except Exception as exc:  # PyCMSError, OSError on a broken profile
        log.info(log_text.MEDIA_ICC_IGNORED, exc)
        notes.append(media_text.icc_broken(label))
        return image
    description = (ImageCms.getProfileDescription(profile) or "").strip()
    if "srgb" not in description.lower():
        notes.append(media_text.icc_converted(label, description or space))
    return converted if converted is not None else image


def _hex(color: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*color)


@dataclass(frozen=True)
class _Plan:
    crop: tuple[float, float, float, float]  # region of the source to keep
    content: tuple[int, int]  # size of that region in the output
    canvas: tuple[int, int]  # output size
    offset: tuple[int, int]  # where the content goes on the canvas
    ratio_changed: bool


def _ratio_bounds(rules: ImageRules, ratio: float | None) -> tuple[float | None, float | None]:
    low, high = rules.min_ratio, rules.max_ratio
    if ratio is not None:
        fixed = min(max(ratio, low or ratio), high or ratio)
        return fixed, fixed
    return low, high


def _fit_height(width: int, ratio: float, low: float | None, high: float | None) -> int:
    height = max(1, round(width / ratio))
    if high is not None:
        height = max(height, math.ceil(width / high - 1e-9))
    if low is not None:
        height = min(height, max(1, math.floor(width / low + 1e-9)))
    return height


def _scale_for(rules: ImageRules, width: float, height: float) -> float:
    scale = 1.0
    if rules.max_width and width * scale > rules.max_width:
        scale = rules.max_width / width
    if rules.max_long_side and max(width, height) * scale > rules.max_long_side:
        scale = rules.max_long_side / max(width, height)
    if rules.max_short_side and min(width, height) * scale > rules.max_short_side:
        scale = rules.max_short_side / min(width, height)
    if rules.min_width and width * scale < rules.min_width:
        scale = rules.min_width / width
    return scale


def _plan(width: int, height: int, rules: ImageRules, fit: str, ratio: float | None) -> _Plan:
    low, high = _ratio_bounds(rules, ratio)
    source_ratio = width / height
    target = source_ratio
    if low is not None and target < low:
        target = low
    if high is not None and target > high:
        target = high
    changed = abs(target - source_ratio) > 1e-9
    crop = (0.0, 0.0, float(width), float(height))
    canvas_w, canvas_h = float(width), float(height)
    if changed and fit == "crop":
        if source_ratio < target:  # too tall: keep the middle band
            keep = width / target
            crop = (0.0, (height - keep) / 2, float(width), (height + keep) / 2)
            canvas_h = keep
        else:  # too wide
            keep = height * target
            crop = ((width - keep) / 2, 0.0, (width + keep) / 2, float(height))
            canvas_w = keep
    elif changed:  # pad
        if source_ratio < target:
            canvas_w = height * target
        else:
            canvas_h = width / target
    scale = _scale_for(rules, canvas_w, canvas_h)
    out_w = max(1, round(canvas_w * scale))
    if rules.max_width:
        out_w = min(out_w, rules.max_width)
    if rules.min_ratio is not None or rules.max_ratio is not None:
        # the platform's own bounds are the hard ones: a forced carousel ratio may round past them
        out_h = _fit_height(out_w, canvas_w / canvas_h, rules.min_ratio, rules.max_ratio)
    else:
        out_h = max(1, round(canvas_h * scale))
    if fit == "crop" or not changed:
        content = (out_w, out_h)
        offset = (0, 0)
    else:
        factor = min(out_w / width, out_h / height)
        content = (max(1, min(out_w, round(width * factor))), max(1, min(out_h, round(height * factor))))
        offset = ((out_w - content[0]) // 2, (out_h - content[1]) // 2)
    return _Plan(crop=crop, content=content, canvas=(out_w, out_h), offset=offset, ratio_changed=changed)


def _render(image: Image.Image, plan: _Plan, background: tuple[int, int, int]) -> Image.Image:
    resample = Image.Resampling.LANCZOS
    full = plan.crop == (0.0, 0.0, float(image.width), float(image.height))
    if plan.content != image.size or not full:
        content = image.resize(plan.content, resample, box=plan.crop, reducing_gap=3.0)
    else:
        content = image
    if plan.canvas == plan.content:
        return content
    fill: tuple[int, ...] = background if content.mode == "RGB" else (*background, 0)
    canvas = Image.new(content.mode, plan.canvas, fill)
    canvas.paste(content, plan.offset)
    return canvas


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "PNG":
        image.save(buffer, "PNG", compress_level=6)
    else:
        image.save(buffer, "JPEG", quality=quality, subsampling="4:2:0", optimize=True, progressive=False)
    return buffer.getvalue()


def _fit_quality(image: Image.Image, fmt: str, max_bytes: int) -> tuple[bytes, int | None]:
    """The best-quality encoding within max_bytes and its JPEG quality (0 for PNG), or the smallest
    encoding tried and None when none fits."""
    if fmt == "PNG":
        data = _encode(image, "PNG", 0)
        return data, (0 if len(data) <= max_bytes else None)
    best = _encode(image, fmt, JPEG_QUALITIES[0])
    if len(best) <= max_bytes:
        return best, JPEG_QUALITIES[0]
    lowest = _encode(image, fmt, JPEG_QUALITIES[-1])
    if len(lowest) > max_bytes:
        return lowest, None
    for quality in JPEG_QUALITIES[1:-1]:
        data = _encode(image, fmt, quality)
        if len(data) <= max_bytes:
            return data, quality
    return lowest, JPEG_QUALITIES[-1]


def _compress(image: Image.Image, fmt: str, rules: ImageRules) -> tuple[bytes, Image.Image, int] | None:
    """Encoded bytes within rules.max_bytes: JPEG quality stepped down first, then the picture made
    smaller (never below rules.min_width, keeping the aspect ratio within the platform's bounds).
    None when even that does not fit."""
    low, high = rules.min_ratio, rules.max_ratio
    for _attempt in range(12):
        data, quality = _fit_quality(image, fmt, rules.max_bytes)
        if quality is not None:
            return data, image, quality
        if rules.min_width and image.width <= rules.min_width:
            return None
        factor = max(0.5, min(0.9, math.sqrt(rules.max_bytes / len(data)) * 0.95))
        new_w = max(int(image.width * factor), rules.min_width or 1)
        if low is not None or high is not None:
            new_h = _fit_height(new_w, image.width / image.height, low, high)
        else:
            new_h = max(1, round(image.height * new_w / image.width))
        image = image.resize((new_w, new_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return None


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def prepare_image(
    path: str | os.PathLike[str],
    platform: str,
    out_dir: str | os.PathLike[str],
    *,
    fit: str = "pad",
    background: str = "#FFFFFF",
    ratio: float | None = None,
    stem: str | None = None,
) -> PreparedMedia:
    """Write `<stem>-<platform>.jpg` (or .png for X when the image has transparency) in `out_dir`,
    converted to what `platform` accepts.

    fit="pad" frames an image whose aspect ratio is out of bounds with `background`; fit="crop" cuts
    the middle out instead. `ratio` forces one aspect ratio (within the platform's bounds): prepare()
    uses it so that every slide of an Instagram carousel has the first slide's ratio. `stem` names
    the output (default: the source file's stem)."""
    if fit not in ("pad", "crop"):
        raise ValueError(f"fit must be 'pad' or 'crop', not {fit!r}")
    fill = ImageColor.getrgb(background)[:3]
    source = Path(path)
    rules = rules_for(platform)
    if rules is None:
        return PreparedMedia(None, problems=(caption_text.unknown_platform(platform),), source=source)
    if rules.image is None:
        return PreparedMedia(
            None,
            source=source,
            problems=(media_text.images_only_video(rules.name, source.name),),
        )
    try:
        return _prepare_image(source, rules, Path(out_dir), fit, fill, ratio, stem or source.stem)
    except Exception:
        log.exception(log_text.MEDIA_PREPARE_IMAGE_FAILED, source, rules.name)
        return PreparedMedia(
            None,
            source=source,
            problems=(media_text.image_failed(rules.name, source.name),),
        )


def _prepare_image(
    source: Path,
    rules: PlatformRules,
    out_dir: Path,
    fit: str,
    background: tuple[int, int, int],
    ratio: float | None,
    stem: str,
) -> PreparedMedia:
    image_rules = rules.image
    assert image_rules is not None
    name = source.name
    info, opened = _examine(source)
    if opened is None or info.problems or info.kind != IMAGE:
        if opened is not None:
            opened.close()
        if info.problems:
            return PreparedMedia(
                None, source=source, problems=tuple(_prefixed(rules.name, p) for p in info.problems)
            )
        return PreparedMedia(None, source=source, problems=(media_text.not_an_image(rules.name, name),))
    label = media_text.image_subject(rules.name, name)
    notes: list[str] = [_prefixed(rules.name, note) for note in info.notes]
    with opened:
        icc = opened.info.get("icc_profile")
        orientation = _orientation(opened)
        try:
            oriented = ImageOps.exif_transpose(opened)
        except Exception as exc:  # a broken EXIF block: use the pixels as stored
            log.info(log_text.MEDIA_EXIF_IGNORED, source, exc)
            oriented, orientation = opened.copy(), 1
        if oriented is opened:
            oriented = opened.copy()
    if orientation not in (0, 1):
        notes.append(media_text.exif_applied(label))
    if icc:
        oriented.info["icc_profile"] = icc
    else:
        oriented.info.pop("icc_profile", None)
    keep_alpha = image_rules.keep_png_for_alpha
    converted = _to_srgb(oriented, keep_alpha, background, notes, label)
    fmt = "PNG" if converted.mode == "RGBA" else image_rules.output_format
    if fmt != image_rules.output_format:
        notes.append(media_text.kept_png(label))
    elif info.format != fmt:
        notes.append(media_text.format_changed(label, info.format, fmt))

    width, height = converted.size
    plan = _plan(width, height, image_rules, fit, ratio)
    if plan.ratio_changed:
        action = media_text.CROPPED if fit == "crop" else media_text.FRAMED
        low, high = _ratio_bounds(image_rules, ratio)
        if ratio is not None:
            notes.append(media_text.ratio_matched(label, id_ratio(width / height), id_ratio(low or ratio), rules.name,
                                                  action))
        else:
            notes.append(media_text.ratio_out_of_bounds(label, id_ratio(width / height), id_ratio(low or 0),
                                                        id_ratio(high or 0), action))
    if plan.canvas[0] != width or plan.canvas[1] != height:
        verb = media_text.ENLARGED if plan.canvas[0] > width and plan.canvas[1] >= height else media_text.RESIZED
        if plan.canvas[0] <= width and plan.canvas[1] <= height:
            verb = media_text.REDUCED
        notes.append(media_text.resized(label, id_int(width), id_int(height), verb, id_int(plan.canvas[0]),
                                        id_int(plan.canvas[1])))
    rendered = _render(converted, plan, background)

    compressed = _compress(rendered, fmt, image_rules)
    if compressed is None:
        return PreparedMedia(
            None,
            source=source,
            notes=tuple(notes),
            problems=(media_text.still_too_big(label, id_bytes(image_rules.max_bytes)),),
        )
    data, final, quality = compressed
    if final.size != rendered.size:
        notes.append(media_text.reduced_to_fit(label, id_int(final.width), id_int(final.height),
                                               id_bytes(image_rules.max_bytes)))
    elif fmt == "JPEG" and quality != JPEG_QUALITIES[0]:
        notes.append(media_text.quality_lowered(label, quality, id_bytes(image_rules.max_bytes)))
    extension = "png" if fmt == "PNG" else "jpg"
    target = out_dir / f"{stem}-{rules.slug}.{extension}"
    try:
        _write_if_changed(target, data)
    except OSError as exc:
        log.error(log_text.MEDIA_CANNOT_WRITE, target, exc)
        return PreparedMedia(
            None,
            source=source,
            notes=tuple(notes),
            problems=(media_text.cannot_save(label),),
        )
    return PreparedMedia(
        target,
        width=final.width,
        height=final.height,
        bytes=len(data),
        notes=tuple(notes),
        format=fmt,
        source=source,
    )


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1) or 1)
    except Exception:
        return 1


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
    return _extension_kind(info.path) or UNKNOWN


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
    problems = [_prefixed(name, problem) for info in broken for problem in info.problems]
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
        notes.extend(_prefixed(name, note) for note in chosen.notes)
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
