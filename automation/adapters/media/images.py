"""Images converted so a platform takes them: `prepare_image(path, platform, out_dir)` writes a copy with the
platform's format, sRGB colour, EXIF orientation applied, aspect ratio (padded or cropped), width and byte
size. Deterministic: the same input gives the same bytes, so running it twice changes nothing. What is
fixed is reported in `notes`, what a person must fix in `problems` (both Indonesian).
"""


from __future__ import annotations

import io
import logging
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PIL import Image, ImageCms, ImageColor, ImageOps

from automation.adapters.media.identify import IMAGE, examine
from automation.domain import post_check
from automation.domain.platform_rules import (
    ImageRules,
    PlatformRules,
    id_bytes,
    id_int,
    id_ratio,
    rules_for,
)
from automation.domain.texts import captions as caption_text
from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text

log = logging.getLogger(__name__)

JPEG_QUALITIES = (90, 85, 80, 75, 70, 65)


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
    info, opened = examine(source)
    if opened is None or info.problems or info.kind != IMAGE:
        if opened is not None:
            opened.close()
        if info.problems:
            return PreparedMedia(
                None, source=source, problems=tuple(post_check.prefixed(rules.name, p) for p in info.problems)
            )
        return PreparedMedia(None, source=source, problems=(media_text.not_an_image(rules.name, name),))
    label = media_text.image_subject(rules.name, name)
    notes: list[str] = [post_check.prefixed(rules.name, note) for note in info.notes]
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


