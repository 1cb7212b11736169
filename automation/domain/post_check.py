"""The one check of a post against a platform's rules: caption, title and media facts in, Indonesian
problems out.

`post_problems` is called in three places, which therefore always agree: by each publishing
adapter's `check()` right before it sends, by `PublishingService.publish` in local mode (the
preview publishes only what the platform would take), and at Koreksi for every selected platform.
The media are described by `MediaFacts`, read from the files' bytes by `adapters/media/identify.py`
(this module does no I/O). Every number comes from `platform_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from automation.domain.captions import caption_problems, youtube_title
from automation.domain.platform_rules import (
    CODEC_NAMES,
    ImageRules,
    PlatformRules,
    VideoRules,
    id_bytes,
    id_dec,
    id_int,
    id_ratio,
    rules_for,
)
from automation.domain.texts import captions as caption_text
from automation.domain.texts import media as media_text

IMAGE = "image"
VIDEO = "video"
UNKNOWN = "unknown"

# Rounding slack for an aspect ratio measured from whole pixels.
_RATIO_SLACK = 1e-3


@dataclass(frozen=True)
class MediaFacts:
    """What a media file is, read from its content (see adapters/media/identify.py `inspect`).

    None means "not known": a rule about an unknown fact is not applied (a file that could not be
    read says so in `problems`)."""

    name: str
    kind: str = UNKNOWN  # "image" | "video" | "unknown"
    format: str | None = None  # JPEG, PNG, GIF, WEBP, ... for images; the container for videos
    size: int = 0  # bytes
    width: int | None = None  # as displayed (a turned phone video: its display size)
    height: int | None = None
    frames: int = 1  # frames of an animated image
    duration: float | None = None  # seconds
    container: str | None = None
    video_codec: str | None = None  # FFmpeg codec names
    audio_codec: str | None = None  # None: no audio track
    audio_profile: str | None = None  # FFmpeg profile name of the audio codec: "LC", "HE-AAC", ...
    audio_sample_rate: int | None = None  # Hz
    audio_channels: int | None = None
    fps: float | None = None
    problems: tuple[str, ...] = ()  # the file cannot be used at all (corrupt, unreadable, ...), Indonesian


def prefixed(platform: str, sentence: str) -> str:
    """'Instagram: gambar ...' from 'Gambar ...': a platform's name before a sentence about a file."""
    return f"{platform}: {sentence[:1].lower()}{sentence[1:]}"


def platform_title(platform: str, title: str, caption: str) -> str:
    """The title a platform is sent: YouTube's from the Judul, else the caption's first line (see
    captions.youtube_title); the Judul as it is elsewhere."""
    rules = rules_for(platform)
    if rules is not None and rules.caption.title_max_length is not None and not (title or "").strip():
        return youtube_title(title, caption)
    return title


def post_problems(
    platform: str,
    caption: str,
    title: str,
    media: Sequence[MediaFacts] | None,
    *,
    caption_limit: int | None = None,
) -> list[str]:
    """Every reason `platform` would refuse this post, as Indonesian sentences ([] when none).

    `media` are the files the platform would be sent (already prepared); None checks the caption and
    title only (used when preparing the media already failed and said why). `caption_limit` replaces
    the table's caption length where an account is allowed more (X `max_length` in the config)."""
    rules = rules_for(platform)
    if rules is None:
        return [caption_text.unknown_platform(platform)]
    problems = caption_problems(platform, caption, title, max_length=caption_limit)
    if rules.caption_required and not (caption or "").strip():
        problems.append(media_text.caption_required(rules.name))
    if media is not None:
        problems.extend(media_problems(rules, media))
    return list(dict.fromkeys(problems))


def media_problems(rules: PlatformRules, media: Sequence[MediaFacts]) -> list[str]:
    name = rules.name
    problems = [prefixed(name, problem) for facts in media for problem in facts.problems]
    usable = [facts for facts in media if not facts.problems]
    images = [facts for facts in usable if facts.kind == IMAGE]
    videos = [facts for facts in usable if facts.kind == VIDEO]
    others = [facts for facts in usable if facts.kind not in (IMAGE, VIDEO)]
    problems += [media_text.not_image_or_video(name, facts.name) for facts in others]
    if not media and rules.media_required:
        problems.append(media_text.needs_video(name) if rules.image is None else media_text.needs_media(name))
    if images and rules.image is None:
        problems += [media_text.still_image_for_video_only(name, facts.name) for facts in images]
    if videos and rules.video is None:
        problems += [media_text.takes_no_video(name, facts.name) for facts in videos]
    if rules.image is not None and rules.video is not None and videos and (images or len(videos) > 1):
        problems.append(media_text.video_or_images(name, rules.image.max_count))
    elif rules.image is None and len(videos) > 1:
        problems.append(media_text.needs_video(name))
    if rules.image is not None:
        if len(images) > rules.image.max_count:
            problems.append(media_text.too_many_images(name, id_int(len(images)), id_int(rules.image.max_count)))
        for facts in images:
            problems.extend(_image_problems(rules.name, rules.image, facts))
    if rules.video is not None:
        for facts in videos:
            problems.extend(_video_problems(rules.name, rules.video, facts))
    return problems


def _format_list(names: Iterable[str]) -> str:
    labels = sorted(names)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + media_text.OR + labels[-1]


def _ratio_outside(width: int, height: int, low: float | None, high: float | None) -> bool:
    ratio = width / height
    return (low is not None and ratio < low - _RATIO_SLACK) or (high is not None and ratio > high + _RATIO_SLACK)


def _image_problems(platform: str, rules: ImageRules, facts: MediaFacts) -> list[str]:
    """A prepared image against the rules the platform REFUSES by (widths it rescales itself are not)."""
    subject = media_text.image_subject_of(platform, facts.name)
    problems = []
    if facts.format is not None and facts.format not in rules.accepted_formats:
        problems.append(media_text.image_wrong_format(subject, facts.format or media_text.UNKNOWN, platform,
                                                      _format_list(rules.accepted_formats)))
    limit = rules.max_bytes
    if facts.frames > 1 and rules.max_animated_bytes is not None:
        limit = rules.max_animated_bytes
    if facts.size > limit:
        problems.append(media_text.image_too_large(subject, id_bytes(facts.size), id_bytes(limit)))
    if facts.width and facts.height and _ratio_outside(facts.width, facts.height, rules.min_ratio, rules.max_ratio):
        problems.append(media_text.wrong_ratio(subject, id_ratio(facts.width / facts.height), "",
                                               id_ratio(rules.min_ratio or 0), id_ratio(rules.max_ratio or 0)))
    return problems


def codec_label(codec: str | None) -> str:
    return CODEC_NAMES.get(codec or "", (codec or media_text.UNKNOWN).upper())


def _codec_list(codecs: Iterable[str]) -> str:
    return _format_list(codec_label(codec) for codec in codecs)


def _limit_seconds(seconds: float) -> str:
    if seconds < 60:
        return media_text.seconds(id_dec(seconds, 1).removesuffix(",0"))
    if seconds < 3600 or seconds % 3600:
        return media_text.minutes(id_int(round(seconds / 60)))
    return media_text.hours(id_int(round(seconds / 3600)))


def _measured_seconds(seconds: float) -> str:
    if seconds < 60:
        return media_text.seconds(id_dec(seconds, 1))
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (([media_text.hours(hours)] if hours else []) + [media_text.minutes(minutes)]
             + ([media_text.seconds(secs)] if secs else []))
    return " ".join(parts)


def video_problems(facts: MediaFacts, platform: str) -> list[str]:
    """What stops `platform` from taking the video described by `facts` (Indonesian sentences)."""
    rules = rules_for(platform)
    if rules is None:
        return [caption_text.unknown_platform(platform)]
    if facts.problems:
        return [prefixed(rules.name, problem) for problem in facts.problems]
    if facts.kind != VIDEO:
        return [media_text.not_a_video(rules.name, facts.name)]
    if rules.video is None:
        return [media_text.takes_no_video(rules.name, facts.name)]
    return _video_problems(rules.name, rules.video, facts)


def _video_problems(platform: str, video: VideoRules, facts: MediaFacts) -> list[str]:
    prefix = media_text.video_subject(platform, facts.name)
    who = f"{video.label} " if video.label else ""
    accepts = media_text.only_accepts(video.label) if video.label else media_text.ACCEPTED_ONLY
    problems = []
    if video.containers and facts.container is not None and facts.container not in video.containers:
        problems.append(media_text.wrong_container(prefix, facts.container or media_text.UNKNOWN, accepts,
                                                   _format_list(video.containers)))
    if video.video_codecs and facts.video_codec is not None and facts.video_codec not in video.video_codecs:
        problems.append(media_text.wrong_video_codec(prefix, codec_label(facts.video_codec), accepts,
                                                     _codec_list(video.video_codecs)))
    problems += _audio_problems(video, facts, prefix, who, accepts)
    if facts.duration is not None:
        if video.min_seconds is not None and facts.duration < video.min_seconds:
            problems.append(media_text.too_short(prefix, _measured_seconds(facts.duration), who,
                                                 _limit_seconds(video.min_seconds)))
        if video.max_seconds is not None and facts.duration > video.max_seconds:
            problems.append(media_text.too_long(prefix, _measured_seconds(facts.duration), who,
                                                _limit_seconds(video.max_seconds)))
    if video.max_bytes is not None and facts.size > video.max_bytes:
        problems.append(media_text.too_large(prefix, id_bytes(facts.size), who, id_bytes(video.max_bytes)))
    if facts.width and facts.height:
        problems += _picture_problems(video, facts, prefix, who)
    if facts.fps and (video.min_fps is not None or video.max_fps is not None):
        too_slow = video.min_fps is not None and facts.fps < video.min_fps - 0.01
        too_fast = video.max_fps is not None and facts.fps > video.max_fps + 0.01
        if too_slow or too_fast:
            if video.min_fps is not None and video.max_fps is not None:
                bounds = f"{id_int(video.min_fps)}–{id_int(video.max_fps)} fps"
            elif video.max_fps is not None:
                bounds = media_text.fps_at_most(id_int(video.max_fps))
            else:
                bounds = media_text.fps_at_least(id_int(video.min_fps or 0))
            problems.append(media_text.wrong_fps(prefix, id_dec(facts.fps), accepts, bounds))
    return problems


def _audio_problems(video: VideoRules, facts: MediaFacts, prefix: str, who: str, accepts: str) -> list[str]:
    if not facts.audio_codec:
        return []  # no audio track: every platform takes a silent video
    if video.audio_codecs and facts.audio_codec not in video.audio_codecs:
        return [media_text.wrong_audio_codec(prefix, codec_label(facts.audio_codec), accepts,
                                             _codec_list(video.audio_codecs))]
    problems = []
    if video.audio_profiles and facts.audio_profile and facts.audio_profile not in video.audio_profiles:
        problems.append(media_text.wrong_audio_profile(prefix, facts.audio_profile, accepts,
                                                       _format_list(video.audio_profiles)))
    if (video.max_audio_sample_rate is not None and facts.audio_sample_rate
            and facts.audio_sample_rate > video.max_audio_sample_rate):
        problems.append(media_text.audio_rate_too_high(prefix, id_int(facts.audio_sample_rate), who,
                                                       id_int(video.max_audio_sample_rate)))
    if video.max_audio_channels is not None and facts.audio_channels and facts.audio_channels > video.max_audio_channels:
        problems.append(media_text.too_many_channels(prefix, facts.audio_channels, who, video.max_audio_channels))
    return problems


def _picture_problems(video: VideoRules, facts: MediaFacts, prefix: str, who: str) -> list[str]:
    width, height = facts.width or 0, facts.height or 0
    short, long = sorted((width, height))
    dims = media_text.pixels(id_int(width), id_int(height))
    problems = []
    if video.min_side is not None and short < video.min_side:
        problems.append(media_text.short_side_too_small(prefix, dims, who, id_int(video.min_side)))
    if video.max_side is not None and long > video.max_side:
        problems.append(media_text.long_side_too_large(prefix, dims, who, id_int(video.max_side)))
    if video.max_short_side is not None and short > video.max_short_side:
        problems.append(media_text.short_side_too_large(prefix, dims, who, id_int(video.max_short_side)))
    if video.max_width is not None and width > video.max_width:
        problems.append(media_text.too_wide(prefix, id_int(width), who, id_int(video.max_width)))
    if _ratio_outside(width, height, video.min_ratio, video.max_ratio):
        problems.append(media_text.wrong_ratio(prefix, id_ratio(width / height), who,
                                               id_ratio(video.min_ratio or 0), id_ratio(video.max_ratio or 0)))
    return problems


__all__ = [
    "IMAGE",
    "UNKNOWN",
    "VIDEO",
    "MediaFacts",
    "codec_label",
    "media_problems",
    "platform_title",
    "post_problems",
    "prefixed",
    "video_problems",
]
