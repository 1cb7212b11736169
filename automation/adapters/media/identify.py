"""What a media file is, from its CONTENT (not its extension): image, video or unknown, with format, size,
pixels, duration and codecs, and the problems that make it unusable (corrupt, truncated, too many pixels,
not a media file at all).

- `inspect(path)` for any file; `probe_video(path)` reads a video's container, codecs, duration and size
  with PyAV (FFmpeg), and `video_problems(info, platform)` compares them with the platform's rules.
- `facts(info)` gives the domain's `MediaFacts`; `check_post(post)` reads a post's files, then
  `post_check` judges it.

Problems are Indonesian sentences for the register's "Catatan Sistem" column; `notes` are worth knowing
and need nothing fixed. No exception about a file's content leaves this module.
"""


from __future__ import annotations

import logging
import os
import re
import stat
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from automation.domain import post_check
from automation.domain.platform_rules import (
    id_dec,
    id_int,
)
from automation.domain.post_check import MediaFacts, post_problems
from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text
from automation.ports import Post

log = logging.getLogger(__name__)


IMAGE = "image"
VIDEO = "video"
UNKNOWN = "unknown"

# Pillow's own default for Image.MAX_IMAGE_PIXELS, used when someone set it to None: an image this
# large needs about 0.25-0.35 GB of memory to decode.
DEFAULT_MAX_PIXELS = 89_478_485

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


def extension_kind(path: Path) -> str | None:
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
            kind=extension_kind(path) or UNKNOWN,
            problems=(media_text.empty(name),),
        )
    return size, head


# --- inspect -----------------------------------------------------------------------------------------


def inspect(path: str | os.PathLike[str]) -> MediaInfo:
    """What the file is, from its content. Never raises for a file's content."""
    info, image = examine(Path(path))
    if image is not None:
        image.close()
    return info


def examine(path: Path) -> tuple[MediaInfo, Image.Image | None]:
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


