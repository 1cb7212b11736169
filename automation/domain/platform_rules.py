"""What each platform accepts, as data: caption limits, image rules and video rules.

Every number here comes from a platform's reference page (named in the comments, read in
late 2026). Platforms change their limits: re-check the page before changing a number, and
change it here only: `captions.py`, `post_check.py` (the one check of a post, used by the
adapters' `check()`, by the local preview and at Koreksi) and `adapters/media/prepare.py` read
every limit from this module. `FeedShape` is how each app shows a post, drawn by the local feed.

Sizes are decimal (1 MB = 1,000,000 bytes): where a platform does not say whether it means
MB or MiB, the decimal figure is the smaller and therefore the safe one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

MB = 1_000_000
GB = 1_000_000_000

# Caption length units.
CODEPOINTS = "codepoints"  # Python str length after NFC normalisation
UTF16 = "utf16"  # UTF-16 code units ("runes" in TikTok's docs): an emoji counts 2
UTF8_BYTES = "utf8-bytes"
X_WEIGHTED = "x-weighted"  # twitter-text config v3 weighting, see captions.x_weighted_length


@dataclass(frozen=True)
class CaptionRules:
    max_length: int | None  # the caption (post text / description), in `unit`
    unit: str = CODEPOINTS
    max_hashtags: int | None = None
    max_mentions: int | None = None
    title_max_length: int | None = None  # a separate title field (YouTube), in code points
    title_required: bool = False
    forbidden_chars: str = ""  # characters the platform rejects in title and caption


@dataclass(frozen=True)
class ImageRules:
    accepted_formats: frozenset[str]  # Pillow format names the platform takes as they are
    output_format: str  # what prepare_image writes: "JPEG"
    max_bytes: int
    max_count: int  # images in one post
    max_animated_bytes: int | None = None  # an animated GIF, where the platform allows it more than max_bytes
    keep_png_for_alpha: bool = False  # write PNG instead of JPEG when the image has transparency
    min_ratio: float | None = None  # width / height
    max_ratio: float | None = None
    min_width: int | None = None  # smaller images are scaled up
    max_width: int | None = None  # larger images are scaled down
    max_long_side: int | None = None
    max_short_side: int | None = None
    same_ratio_in_carousel: bool = False  # the platform crops every slide to the first one's ratio


@dataclass(frozen=True)
class VideoRules:
    containers: frozenset[str]  # container names as media.probe_video reports them; empty = any
    video_codecs: frozenset[str]  # FFmpeg codec names; empty = any
    audio_codecs: frozenset[str]  # FFmpeg codec names; empty = any; no audio track is allowed
    label: str = ""  # the video product's name in messages ("Reels"), if the platform names it
    min_seconds: float | None = None
    max_seconds: float | None = None
    max_bytes: int | None = None
    min_side: int | None = None  # shorter side, pixels
    max_side: int | None = None  # longer side, pixels
    max_short_side: int | None = None  # shorter side, pixels
    max_width: int | None = None
    min_fps: float | None = None
    max_fps: float | None = None
    min_ratio: float | None = None  # width / height, as displayed
    max_ratio: float | None = None
    audio_profiles: frozenset[str] = frozenset()  # FFmpeg profile names of the audio codec ("LC"); empty = any
    max_audio_sample_rate: int | None = None  # Hz
    max_audio_channels: int | None = None


@dataclass(frozen=True)
class FeedShape:
    """How the platform's own feed shows a post: what the local preview page imitates.

    These are display habits of the apps, not limits of the API: they are not checked, only drawn."""

    image_frame: tuple[int, int] | None  # the width:height a single image is cropped to; None: its own ratio
    video_frame: tuple[int, int]  # the width:height a video is shown in
    video_fills: bool  # True: the video is cropped to fill the frame (full-screen vertical apps)
    caption_fold: int | None  # characters shown before "... more"; None: the whole caption is shown
    title_shown: bool = False  # the post shows a separate title (YouTube)


@dataclass(frozen=True)
class PlatformRules:
    name: str  # as the register spells it
    slug: str  # for file names
    caption: CaptionRules
    image: ImageRules | None  # None: the platform takes no images (or sop-konten does not post them there)
    video: VideoRules | None  # None: the platform takes no videos
    sources: tuple[str, ...]
    shape: FeedShape = FeedShape(image_frame=None, video_frame=(16, 9), video_fills=False, caption_fold=None)
    caption_required: bool = False  # sop-konten refuses an empty caption here (the post's only text)
    media_required: bool = False  # the platform has no text-only post


# Display names of codecs and containers, for messages.
CODEC_NAMES = {
    "h264": "H.264",
    "hevc": "HEVC (H.265)",
    "mpeg4": "MPEG-4 Part 2",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "prores": "ProRes",
    "mpeg2video": "MPEG-2",
    "mpeg1video": "MPEG-1",
    "wmv3": "WMV",
    "aac": "AAC",
    "mp3": "MP3",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "ac3": "AC-3",
    "eac3": "E-AC-3",
    "flac": "FLAC",
    "pcm_s16le": "PCM",
}


INSTAGRAM = PlatformRules(
    name="Instagram",
    slug="instagram",
    # Instagram Platform > Content Publishing, and the IG User Media reference (POST /{ig-user-id}/media):
    # caption at most 2,200 characters, 30 hashtags and 20 @-tags.
    caption=CaptionRules(max_length=2200, unit=CODEPOINTS, max_hashtags=30, max_mentions=20),
    # IG User Media reference, "Image specifications": JPEG only, at most 8 MB, aspect ratio
    # within 4:5 and 1.91:1, width 320-1440 px (Instagram scales outside that), sRGB (other colour
    # spaces are converted). Content Publishing > carousels: up to 10 images or videos, all cropped
    # to the first one's aspect ratio.
    image=ImageRules(
        accepted_formats=frozenset({"JPEG"}),
        output_format="JPEG",
        max_bytes=8 * MB,
        max_count=10,
        min_ratio=4 / 5,
        max_ratio=1.91,
        min_width=320,
        max_width=1440,
        same_ratio_in_carousel=True,
    ),
    # IG User Media reference, "Reel specifications"
    # (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#reel-specifications):
    # MOV or MP4 (MPEG-4 Part 14), H.264 or HEVC, AAC at most 48 kHz with 1 or 2 channels, 23-60 FPS,
    # at most 1920 px wide, aspect ratio 0.01:1 to 10:1 (9:16 recommended), 3 s to 15 min, at most 300 MB.
    video=VideoRules(
        containers=frozenset({"MP4", "MOV"}),
        video_codecs=frozenset({"h264", "hevc"}),
        audio_codecs=frozenset({"aac"}),
        min_seconds=3,
        max_seconds=15 * 60,
        max_bytes=300 * MB,
        max_width=1920,
        min_fps=23,
        max_fps=60,
        min_ratio=0.01,
        max_ratio=10,
        max_audio_sample_rate=48_000,
        max_audio_channels=2,
        label="Reels",
    ),
    sources=(
        "Meta for Developers: Instagram Platform > Content Publishing",
        "Meta for Developers: Instagram Graph API reference > IG User > Media (image, reel specifications)",
    ),
    # The app shows a feed image in its own ratio (4:5 to 1.91:1, which prepare_image guarantees), a
    # Reel full-screen 9:16, and cuts a caption after about 125 characters ("... selengkapnya").
    shape=FeedShape(image_frame=None, video_frame=(9, 16), video_fills=True, caption_fold=125),
    media_required=True,
)

FACEBOOK = PlatformRules(
    name="Facebook",
    slug="facebook",
    # Graph API reference > Page > Feed: `message` of a post; Facebook's post limit is 63,206 characters.
    caption=CaptionRules(max_length=63206, unit=CODEPOINTS),
    # Graph API > "Uploading Photos and publishing Photo stories": JPEG, BMP, PNG, GIF and TIFF; keep a
    # PNG under 1 MB (larger ones may look pixelated) and photos under 4 MB. Facebook resizes to at
    # most 2048 px itself, so we send no more than that. Multi-photo posts: up to 10 attached photos.
    image=ImageRules(
        accepted_formats=frozenset({"JPEG", "PNG", "BMP", "GIF", "TIFF"}),
        output_format="JPEG",
        max_bytes=4 * MB,
        max_count=10,
        max_long_side=2048,
    ),
    # Graph API > Video API (Page videos): MP4 or MOV recommended; up to 10 GB and 240 minutes.
    video=VideoRules(
        containers=frozenset({"MP4", "MOV"}),
        video_codecs=frozenset(),
        audio_codecs=frozenset(),
        min_seconds=1,
        max_seconds=240 * 60,
        max_bytes=10 * GB,
    ),
    sources=(
        "Meta for Developers: Graph API > Uploading Photos and publishing Photo stories",
        "Meta for Developers: Graph API reference > Page > Photos, Page > Feed",
        "Meta for Developers: Video API > Publishing (Page videos)",
    ),
    # The feed shows an image in its own ratio and cuts a long post after a few lines (about 480
    # characters on the web) with "Lihat selengkapnya".
    shape=FeedShape(image_frame=None, video_frame=(16, 9), video_fills=False, caption_fold=480),
    caption_required=True,
)

X = PlatformRules(
    name="X",
    slug="x",
    # twitter-text config/v3.json (github.com/twitter/twitter-text): maxWeightedTweetLength 280,
    # scale 100, defaultWeight 200, transformedURLLength 23, emojiParsingEnabled, ranges 0-4351,
    # 8192-8205, 8208-8223, 8242-8247 weigh 100. X docs "Counting characters" describe the same.
    caption=CaptionRules(max_length=280, unit=X_WEIGHTED),
    # X API v2 docs > Media > Best practices: JPG, PNG, GIF, WEBP; images at most 5 MB (animated GIF
    # 15 MB); up to 4 photos, or 1 animated GIF, or 1 video per post. X shows at most 4096 px on the
    # long side, so larger images are scaled down before upload.
    image=ImageRules(
        accepted_formats=frozenset({"JPEG", "PNG", "WEBP", "GIF"}),
        output_format="JPEG",
        keep_png_for_alpha=True,
        max_bytes=5 * MB,
        max_animated_bytes=15 * MB,
        max_count=4,
        max_long_side=4096,
    ),
    # X API docs > Media > Best practices (docs.x.com/x-api/media/quickstart/best-practices, and the
    # older developer.twitter.com/en/docs/twitter-api/v1/media/upload-media/uploading-media/media-best-practices):
    # a video uploaded with media_category=amplify_video is at most 512 MB, 0.5 s to 140 s, 32 x 32 to
    # 1280 x 1024 pixels (either way round: 720 x 1280 is its recommended portrait size, so 1280 is the
    # long side and 1024 the short one), aspect ratio 1:3 to 3:1, at most 60 FPS, H.264 (High profile advised) with
    # AAC-LC audio, mono or stereo. Longer and larger videos follow the account's Premium status, which
    # the API does not tell before the upload: the free account's limits are the safe ones.
    # Containers: the media_type enum of POST /2/media/upload/initialize has video/mp4 and
    # video/quicktime (also webm and mp2t, which do not carry H.264+AAC in practice).
    video=VideoRules(
        containers=frozenset({"MP4", "MOV"}),
        video_codecs=frozenset({"h264"}),
        audio_codecs=frozenset({"aac"}),
        audio_profiles=frozenset({"LC"}),
        max_audio_channels=2,
        min_seconds=0.5,
        max_seconds=140,
        max_bytes=512 * MB,
        min_side=32,
        max_side=1280,
        max_short_side=1024,
        min_ratio=1 / 3,
        max_ratio=3,
        max_fps=60,
    ),
    sources=(
        "github.com/twitter/twitter-text config/v3.json",
        "X Developer Platform: X API v2 > Media > Best practices (size and duration limits, specifications)",
        "X Developer Platform: X API v2 > Media > Introduction (image 5 MB, GIF 15 MB, video 512 MB)",
    ),
    # The timeline crops a single image to 16:9 and shows a video in 16:9; a post is never cut.
    shape=FeedShape(image_frame=(16, 9), video_frame=(16, 9), video_fills=False, caption_fold=None),
    caption_required=True,
)

YOUTUBE = PlatformRules(
    name="YouTube",
    slug="youtube",
    # YouTube Data API v3 reference > Videos (resource representation): snippet.title "a maximum length
    # of 100 characters", snippet.description "a maximum length of 5000 bytes", both "may contain all
    # valid UTF-8 characters except < and >". A video needs a title.
    caption=CaptionRules(
        max_length=5000,
        unit=UTF8_BYTES,
        title_max_length=100,
        title_required=True,
        forbidden_chars="<>",
    ),
    image=None,  # YouTube takes videos only (community posts are not in the Data API)
    # YouTube Help "Supported YouTube file formats": MOV, MPEG-1/2, MP4, MPG, AVI, WMV, MPEG-PS, FLV,
    # 3GPP, WebM, DNxHR, ProRes, CineForm, HEVC. "Upload videos longer than 15 minutes": 15 minutes
    # unless the account is verified, then up to 12 hours or 256 GB, whichever is less.
    video=VideoRules(
        containers=frozenset({"MP4", "MOV", "AVI", "WMV", "FLV", "3GP", "WEBM", "MKV", "MPEG-PS", "MPEG-TS"}),
        video_codecs=frozenset(),
        audio_codecs=frozenset(),
        min_seconds=None,
        max_seconds=12 * 3600,
        max_bytes=256 * GB,
    ),
    sources=(
        "Google for Developers: YouTube Data API v3 reference > Videos (snippet.title, snippet.description)",
        "YouTube Help: Supported YouTube file formats; Upload videos longer than 15 minutes",
    ),
    # The watch page shows the video in a 16:9 player, the title, and the description's first lines
    # (about 100 characters before "...selengkapnya").
    shape=FeedShape(image_frame=None, video_frame=(16, 9), video_fills=False, caption_fold=100, title_shown=True),
    media_required=True,
)

TIKTOK = PlatformRules(
    name="TikTok",
    slug="tiktok",
    # TikTok for Developers > Content Posting API reference > Direct Post: post_info.title (the caption
    # of a video) at most 2,200 UTF-16 runes.
    caption=CaptionRules(max_length=2200, unit=UTF16),
    # TikTok's photo posts (Media Transfer Guide, "Image restrictions": WebP and JPEG, at most 1080p and
    # 20 MB, up to 35 images) take only PULL_FROM_URL from a verified domain; sop-konten's TikTok
    # adapter posts videos only, so a still image for TikTok is a problem to report.
    image=None,
    # Media Transfer Guide (developers.tiktok.com/doc/content-posting-api-media-transfer-guide),
    # "Video restrictions": MP4 (recommended), WebM, MOV; H.264 (recommended), H.265, VP8, VP9;
    # 23-60 FPS; 360-4096 px on both sides; up to 10 minutes through the API (the creator's own
    # maximum, max_video_post_duration_sec of creator_info/query, may be 3 or 5 minutes: the adapter
    # reads it before posting); at most 4 GB. TikTok's posting guide: at least 3 seconds.
    video=VideoRules(
        containers=frozenset({"MP4", "WEBM", "MOV"}),
        video_codecs=frozenset({"h264", "hevc", "vp8", "vp9"}),
        audio_codecs=frozenset(),
        min_seconds=3,
        max_seconds=10 * 60,
        max_bytes=4 * GB,
        min_side=360,
        max_side=4096,
        min_fps=23,
        max_fps=60,
    ),
    sources=(
        "TikTok for Developers: Content Posting API > Media Transfer Guide (video and image restrictions)",
        "TikTok for Developers: Content Posting API reference > Direct Post (post_info.title)",
    ),
    # Full-screen 9:16 video, the caption cut after about 100 characters ("... lainnya").
    shape=FeedShape(image_frame=None, video_frame=(9, 16), video_fills=True, caption_fold=100),
    media_required=True,
)

RULES: dict[str, PlatformRules] = {rules.name: rules for rules in (INSTAGRAM, FACEBOOK, X, YOUTUBE, TIKTOK)}
# A platform's key in sop-konten.toml (`[publish.<key>]`) -> its name.
PLATFORM_NAMES = {name.lower(): name for name in RULES}

_ALIASES = {"twitter": "X", "x (twitter)": "X", "ig": "Instagram", "fb": "Facebook", "yt": "YouTube"}


def rules_for(platform: str) -> PlatformRules | None:
    """The rules of a platform named as the register names it (case and spaces ignored), or None."""
    key = " ".join(str(platform).split()).casefold()
    for name, rules in RULES.items():
        if name.casefold() == key:
            return rules
    alias = _ALIASES.get(key)
    return RULES[alias] if alias else None


# --- Indonesian number formatting for the messages people read ------------------------------------


def id_int(value: float) -> str:
    """2412 -> '2.412' (Indonesian thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


def id_dec(value: float, places: int = 1) -> str:
    """1.91 -> '1,91'; 2.0 -> '2,0' (Indonesian decimal comma, dot for thousands)."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def id_bytes(size: int) -> str:
    """A byte count as people read it: '850 KB', '8 MB', '412,5 MB', '4 GB' (decimal units)."""
    if size >= GB:
        value, unit = size / GB, "GB"
    elif size >= MB:
        value, unit = size / MB, "MB"
    else:
        return f"{id_int(max(1, round(size / 1000)))} KB"
    return f"{id_int(round(value))} {unit}" if abs(value - round(value)) < 0.05 else f"{id_dec(value)} {unit}"


def id_ratio(value: float) -> str:
    """An aspect ratio (width / height) as '4:5', '1,91:1', '3:1'."""
    fraction = Fraction(value).limit_denominator(10)
    if abs(float(fraction) - value) < 0.002:
        return f"{fraction.numerator}:{fraction.denominator}"
    return f"{id_dec(value, 2)}:1"
