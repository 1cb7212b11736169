"""Caption checks per platform, and the YouTube title and description helpers.

`caption_problems` answers, at review time, whether a caption will be refused at publish time.
It returns Indonesian sentences for the register's "Catatan Sistem" column; an empty list means
the caption fits. The limits come from `platform_rules`.

X counts characters with weights: `x_weighted_length` is the one measure of a post's length, used
by these checks and by the X adapter. It is twitter-text's own algorithm (configuration v3: URLs 23,
an emoji sequence 2, code points outside the light ranges 2), from the maintained Python port
`twitter-text-parser`; the tests run twitter-text's conformance cases (tests/data/twitter_text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from math import floor
from typing import Any

from automation.domain.platform_rules import (
    CODEPOINTS,
    UTF8_BYTES,
    UTF16,
    X_WEIGHTED,
    YOUTUBE,
    PlatformRules,
    id_int,
    rules_for,
)
from automation.domain.texts import captions as caption_text

__all__ = [
    "caption_problems",
    "count_hashtags",
    "count_mentions",
    "extract_hashtags",
    "extract_mentions",
    "measure",
    "x_count",
    "x_weighted_length",
    "youtube_description",
    "youtube_title",
]

# --- X: twitter-text -------------------------------------------------------------------------------

# twitter-text compiles its expressions on import (the biggest share of start-up): imported on first use.
@lru_cache(maxsize=2)
def _x_options(discount_emoji: bool) -> dict[str, Any]:
    """Config v3, what X counts with today (emoji sequences discounted); else v2 without emoji parsing
    (older conformance cases)."""
    from twitter_text.config import config

    return config["version3"] if discount_emoji else {**config["version2"], "emoji_parsing_enabled": False}

# twitter-text's URL expression takes time quadratic in a run of domain characters that is not a
# link ("a.a.a..." or "a-a-a...": 40,000 characters take minutes). A run that cannot be a domain name
# (longer than 253 characters, RFC 1035) or that has more dots than any real one (16) is weighed
# character by character instead, so a hostile cell cannot stall a poll; this errs long (a URL with
# such a run in its path counts as text).
_LONGEST_DOMAIN = 253
_MOST_DOTS = 16
_DOMAIN_CHARS_RUN = re.compile(r"(?<![\w.\-])[\w.\-]{17,}")


def _hostile_runs(text: str) -> list[re.Match[str]]:
    return [run for run in _DOMAIN_CHARS_RUN.finditer(text)
            if len(run.group()) > _LONGEST_DOMAIN or run.group().count(".") > _MOST_DOTS]


@dataclass(frozen=True)
class XCount:
    """twitter-text's verdict on a post: weighted length, valid (1 to 280 and no invalid
    characters), and the share of the 280 used, in thousandths."""

    weighted_length: int
    valid: bool
    permillage: int


def x_count(text: str, *, discount_emoji: bool = True) -> XCount:
    """twitter-text's parse of `text` (config v3; v2 when `discount_emoji` is False)."""
    from twitter_text import parse_tweet
    from twitter_text.get_character_weight import get_character_weight
    from twitter_text.has_invalid_characters import has_invalid_characters

    options = _x_options(discount_emoji)
    text = unicodedata.normalize("NFC", text or "")
    runs = _hostile_runs(text)
    if not runs:
        parsed = parse_tweet(text, options)
        return XCount(parsed.weightedLength, parsed.valid, parsed.permillage)
    weighted, position = 0, 0
    for run in runs:
        weighted += parse_tweet(text[position:run.start()], options).weightedLength
        weighted += sum(get_character_weight(char, options) for char in run.group()) // options["scale"]
        position = run.end()
    weighted += parse_tweet(text[position:], options).weightedLength
    limit = options["max_weighted_tweet_length"]
    valid = 0 < weighted <= limit and not has_invalid_characters(text)
    return XCount(weighted, valid, floor(weighted / limit * 1000))


def x_weighted_length(text: str) -> int:
    """The length X counts for a post (twitter-text config v3)."""
    return x_count(text).weighted_length


# --- hashtags and mentions, roughly as Instagram reads them ---------------------------------------------

# A hashtag: '#' not glued to a word (so "C#" and "&#39;" are not tags), then letters, digits or
# underscores with at least one non-digit ("#1" is not a tag). Every occurrence counts.
_HASHTAG_RE = re.compile(r"(?<![\w&#＃])[#＃](\w+)")
_NOT_ONLY_DIGITS = re.compile(r"[^\W\d]")
# A mention: '@' not glued to a word (so an e-mail address is not one), then up to 30 letters, digits,
# periods and underscores; a final period ends the sentence, not the name.
_MENTION_RE = re.compile(r"(?<![\w@＠.])[@＠]([A-Za-z0-9._]{1,30})")


def extract_hashtags(text: str) -> list[str]:
    tags = (match.group(1) for match in _HASHTAG_RE.finditer(unicodedata.normalize("NFC", text or "")))
    return [tag for tag in tags if _NOT_ONLY_DIGITS.search(tag)]


def extract_mentions(text: str) -> list[str]:
    names = []
    for match in _MENTION_RE.finditer(unicodedata.normalize("NFC", text or "")):
        name = match.group(1).rstrip(".")
        if name:
            names.append(name)
    return names


def count_hashtags(text: str) -> int:
    return len(extract_hashtags(text))


def count_mentions(text: str) -> int:
    return len(extract_mentions(text))


# --- lengths and problems -----------------------------------------------------------------------------


def measure(text: str, unit: str) -> int:
    """The length of `text` in one of platform_rules' units."""
    text = unicodedata.normalize("NFC", text or "")
    if unit == X_WEIGHTED:
        return x_weighted_length(text)
    if unit == UTF16:
        return len(text.encode("utf-16-le")) // 2
    if unit == UTF8_BYTES:
        return len(text.encode("utf-8"))
    if unit == CODEPOINTS:
        return len(text)
    raise ValueError(f"unknown length unit {unit!r}")


def _length_problem(rules: PlatformRules, caption: str) -> str | None:
    limit = rules.caption.max_length
    if limit is None:
        return None
    unit = rules.caption.unit
    length = measure(caption, unit)
    if length <= limit:
        return None
    if unit == X_WEIGHTED:
        return caption_text.x_too_long(id_int(length), id_int(limit))
    if unit == UTF8_BYTES:
        return caption_text.description_too_long(rules.name, id_int(length), id_int(limit))
    if unit == UTF16:
        return caption_text.caption_too_long_utf16(rules.name, id_int(length), id_int(limit))
    return caption_text.caption_too_long(rules.name, id_int(length), id_int(limit))


def _forbidden(text: str, chars: str) -> list[str]:
    return [char for char in chars if char in text]


def _quote_chars(chars: list[str]) -> str:
    return caption_text.quoted_chars(chars)


def caption_problems(platform: str, caption: str, title: str = "", *, max_length: int | None = None) -> list[str]:
    """Indonesian sentences naming every way `caption` (and `title`) breaks `platform`'s limits.

    `title` is the register's Judul; only platforms with a title field (YouTube) read it. When it is
    empty, the YouTube title is derived from the caption (see `youtube_title`). `max_length` replaces
    the table's caption length (an X account allowed longer posts, from the config).
    """
    rules = rules_for(platform)
    if rules is None:
        return [caption_text.unknown_platform(platform)]
    if max_length is not None:
        rules = replace(rules, caption=replace(rules.caption, max_length=max_length))
    caption = unicodedata.normalize("NFC", caption or "")
    title = unicodedata.normalize("NFC", title or "")
    problems: list[str] = []
    caption_rules = rules.caption

    length = _length_problem(rules, caption)
    if length:
        problems.append(length)
    if caption_rules.max_hashtags is not None:
        hashtags = count_hashtags(caption)
        if hashtags > caption_rules.max_hashtags:
            problems.append(caption_text.too_many_hashtags(rules.name, id_int(hashtags), id_int(caption_rules.max_hashtags)))
    if caption_rules.max_mentions is not None:
        mentions = count_mentions(caption)
        if mentions > caption_rules.max_mentions:
            problems.append(caption_text.too_many_mentions(rules.name, id_int(mentions), id_int(caption_rules.max_mentions)))

    if caption_rules.title_max_length is not None:
        problems.extend(_title_problems(rules, title, caption))
    forbidden = _forbidden(caption, caption_rules.forbidden_chars)
    if forbidden:
        problems.append(caption_text.caption_forbidden_chars(_quote_chars(forbidden), rules.name))
    return problems


def _title_problems(rules: PlatformRules, title: str, caption: str) -> list[str]:
    caption_rules = rules.caption
    limit = caption_rules.title_max_length or 0
    if not title.strip():
        if caption_rules.title_required and not youtube_title("", caption):
            return [caption_text.title_empty(rules.name)]
        return []  # derived from the caption by youtube_title, which always fits
    problems = []
    length = len(title.strip())
    if length > limit:
        problems.append(caption_text.title_too_long(rules.name, id_int(length), id_int(limit)))
    forbidden = _forbidden(title, caption_rules.forbidden_chars)
    if forbidden:
        problems.append(caption_text.title_forbidden_chars(rules.name, _quote_chars(forbidden)))
    return problems


# --- YouTube helpers ----------------------------------------------------------------------------------

_ANGLE_REPLACEMENTS = str.maketrans({"<": "‹", ">": "›"})
_ELLIPSIS = "…"


def youtube_title(title: str, caption: str = "") -> str:
    """A title YouTube accepts: the Judul, or else the caption's first line; one line, no '<' or '>'
    (replaced by '‹' and '›'), at most 100 characters (cut at a word, ending with '…'). May be ''."""
    limit = YOUTUBE.caption.title_max_length
    assert limit is not None  # YouTube's rules name a title limit
    source = unicodedata.normalize("NFC", title or "").strip()
    if not source:
        lines = [line.strip() for line in unicodedata.normalize("NFC", caption or "").splitlines()]
        source = next((line for line in lines if line), "")
    text = " ".join(source.translate(_ANGLE_REPLACEMENTS).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-–—") + _ELLIPSIS


def youtube_description(caption: str) -> str:
    """A description YouTube accepts: the caption without '<' or '>' (replaced by '‹' and '›'), cut
    to at most 5,000 UTF-8 bytes (at a word where possible, ending with '…')."""
    limit = YOUTUBE.caption.max_length
    assert limit is not None  # YouTube's rules name a description limit
    text = unicodedata.normalize("NFC", caption or "").translate(_ANGLE_REPLACEMENTS).strip()
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len(_ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + _ELLIPSIS
