"""Caption checks per platform, and the YouTube title and description helpers.

`caption_problems` answers, at review time, whether a caption will be refused at publish time.
It returns Indonesian sentences for the register's "Catatan Sistem" column; an empty list means
the caption fits. The limits come from `platform_rules`.

X counts characters with weights: `x_weighted_length` implements twitter-text's configuration v3
(github.com/twitter/twitter-text, config/v3.json; the Java TwitterTextParser is the reference):

- the text is NFC-normalised first;
- every URL counts `transformedURLLength` = 23, whatever its length (t.co wrapping);
- every emoji, including a whole sequence (ZWJ family, flag, keycap, skin tone), counts 2;
- any other code point counts 1 inside 0-4351, 8192-8205, 8208-8223 and 8242-8247, else 2.

twitter-text finds URLs with a large regular expression and a list of every top-level domain.
This module approximates it: a URL with http(s):// is one when its host is valid (labels of at
most 63 characters, punycode-encoded for other scripts); a bare domain is one when its top-level
domain is a common generic one (.com, .org, ...), or a country one (.id, .jp, ...) followed by a
path, or .co / .tv (twitter-text's special country domains). So "jogjakota.go.id" alone counts its
15 characters and "jogjakota.go.id/berita" counts 23, as on X. The tests run twitter-text's own
conformance cases (validate.yml, WeightedTweetsWithDiscountedEmojiCounterTest).
"""

from __future__ import annotations

import re
import unicodedata

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

__all__ = [
    "caption_problems",
    "count_hashtags",
    "count_mentions",
    "extract_hashtags",
    "extract_mentions",
    "measure",
    "x_weighted_length",
    "youtube_description",
    "youtube_title",
]

# --- twitter-text config v3 -------------------------------------------------------------------------

X_SCALE = 100
X_DEFAULT_WEIGHT = 200
X_URL_LENGTH = 23
X_RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))

# Emoji: Extended_Pictographic code points (the blocks that hold them), with their sequences.
_PICTO = (
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff]"
)
_MODIFIER = "[\U0001f3fb-\U0001f3ff]"
_ELEMENT = f"{_PICTO}[\ufe0e\ufe0f]?{_MODIFIER}?"
_EMOJI_RE = re.compile(
    "[0-9#*]\ufe0f?\u20e3"  # keycap
    "|[\U0001f1e6-\U0001f1ff]{2}"  # flag: a pair of regional indicators
    "|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # tag sequence (subdivision flags)
    f"|{_ELEMENT}(?:\u200d{_ELEMENT})*"  # emoji, with skin tone, joined by ZWJ
)

# URLs, approximating twitter-text's extractor (see the module docstring).
_GENERIC_TLDS = (
    "com|net|org|info|biz|edu|gov|mil|int|name|pro|mobi|asia|app|dev|online|site|store|tech|xyz|news"
    "|blog|web|shop|cloud|live|media|world|agency|digital|email|link|page|travel|museum|aero|coop|jobs"
)
# Possessive quantifiers: a host is read once, left to right, never backtracked into (linear time
# on any text); its labels and top-level domain are then checked in code.
_LABEL = r"[^\W_](?:[^\W_]|-)*+"  # letters (any script) and digits, hyphens inside
_DOMAIN = rf"(?P<domain>{_LABEL}(?:\.{_LABEL})++)(?![\w\-])"
_PATH_CHARS = r"[^\s<>\"'`\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidi controls end a URL
_URL_RE = re.compile(
    r"(?<![\w@＠$#＃])"
    r"(?P<url>(?P<protocol>https?://)?" + _DOMAIN + r"(?::[0-9]{1,5})?(?P<path>[/?#]" + _PATH_CHARS + r"*)?)",
    re.IGNORECASE,
)
_GENERIC_TLD_RE = re.compile(f"^(?:{_GENERIC_TLDS})$", re.IGNORECASE)
_SPECIAL_CCTLDS = {"co", "tv"}
_TRAILING_PUNCTUATION = ".,:;!?'\"”’)]}…"


def _valid_host(domain: str) -> bool:
    """A top-level domain of letters only (2 or more); every label at most 63 characters
    (punycode-encoded when not ASCII), not ending with '-'."""
    labels = domain.split(".")
    if len(labels[-1]) < 2 or not labels[-1].isalpha():
        return False
    for label in labels:
        if label.endswith("-"):
            return False
        encoded = label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        if len(encoded) > 63:
            return False
    return True


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL_RE.finditer(text):
        start = match.start("url")
        if not _valid_host(match.group("domain")):
            continue
        if not match.group("protocol"):
            if start > 0 and text[start - 1] in "-_./":
                continue  # twitter-text: INVALID_URL_WITHOUT_PROTOCOL_MATCH_BEGIN
            tld = match.group("domain").rsplit(".", 1)[-1].lower()
            if not tld.isascii():
                continue
            generic = bool(_GENERIC_TLD_RE.match(tld))
            if not generic and len(tld) != 2:
                continue  # not a top-level domain we know: "Jl.Malioboro" is not a link
            if len(tld) == 2 and tld not in _SPECIAL_CCTLDS and not match.group("path"):
                continue  # a country domain without protocol needs a path
        url = match.group("url")
        # Trailing punctuation belongs to the sentence, except a closing parenthesis that closes one
        # opened inside the URL.
        while url and url[-1] in _TRAILING_PUNCTUATION:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) > len(match.group("protocol") or ""):
            spans.append((start, start + len(url)))
    return spans


def _code_point_weight(code_point: int) -> int:
    for low, high, weight in X_RANGES:
        if low <= code_point <= high:
            return weight
    return X_DEFAULT_WEIGHT


def x_weighted_length(text: str) -> int:
    """The length X counts for a post: twitter-text v3 weighting (see the module docstring)."""
    if not text or all(ord(char) <= 0x20 for char in text):
        return 0  # twitter-text answers 0 for a blank text (Java String.trim)
    text = unicodedata.normalize("NFC", text)
    urls = dict(_url_spans(text))
    emoji = {match.start(): match.end() for match in _EMOJI_RE.finditer(text)}
    weighted = 0
    offset = 0
    while offset < len(text):
        if offset in urls:
            weighted += X_URL_LENGTH * X_SCALE
            offset = urls[offset]
        elif offset in emoji:
            weighted += X_DEFAULT_WEIGHT
            offset = emoji[offset]
        else:
            weighted += _code_point_weight(ord(text[offset]))
            offset += 1
    return weighted // X_SCALE


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
        return f"X: {id_int(length)} karakter berbobot (tautan dihitung 23); batasnya {id_int(limit)}."
    if unit == UTF8_BYTES:
        return (
            f"Deskripsi {rules.name} (dari Caption) {id_int(length)} byte; batasnya {id_int(limit)} byte "
            "(huruf beraksen dan emoji dihitung 2–4 byte)."
        )
    if unit == UTF16:
        return f"Caption {rules.name} {id_int(length)} karakter (emoji dihitung 2); batasnya {id_int(limit)}."
    return f"Caption {rules.name} {id_int(length)} karakter; batasnya {id_int(limit)}."


def _forbidden(text: str, chars: str) -> list[str]:
    return [char for char in chars if char in text]


def _quote_chars(chars: list[str]) -> str:
    quoted = [f"'{char}'" for char in chars]
    return " dan ".join(quoted)


def caption_problems(platform: str, caption: str, title: str = "") -> list[str]:
    """Indonesian sentences naming every way `caption` (and `title`) breaks `platform`'s limits.

    `title` is the register's Judul; only platforms with a title field (YouTube) read it. When it is
    empty, the YouTube title is derived from the caption (see `youtube_title`).
    """
    rules = rules_for(platform)
    if rules is None:
        return [f"Platform '{platform}' tidak dikenal; periksa kolom Platform."]
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
            problems.append(
                f"Caption {rules.name} memuat {id_int(hashtags)} tagar (#); "
                f"batasnya {id_int(caption_rules.max_hashtags)}."
            )
    if caption_rules.max_mentions is not None:
        mentions = count_mentions(caption)
        if mentions > caption_rules.max_mentions:
            problems.append(
                f"Caption {rules.name} menyebut {id_int(mentions)} akun (@); "
                f"batasnya {id_int(caption_rules.max_mentions)}."
            )

    if caption_rules.title_max_length is not None:
        problems.extend(_title_problems(rules, title, caption))
    forbidden = _forbidden(caption, caption_rules.forbidden_chars)
    if forbidden:
        problems.append(
            f"Caption memuat tanda {_quote_chars(forbidden)}, yang ditolak {rules.name} dalam deskripsi; "
            "hapus atau ganti tanda tersebut."
        )
    return problems


def _title_problems(rules: PlatformRules, title: str, caption: str) -> list[str]:
    caption_rules = rules.caption
    limit = caption_rules.title_max_length or 0
    if not title.strip():
        if caption_rules.title_required and not youtube_title("", caption):
            return [f"Judul {rules.name} kosong; isi kolom Judul."]
        return []  # derived from the caption by youtube_title, which always fits
    problems = []
    length = len(title.strip())
    if length > limit:
        problems.append(f"Judul {rules.name} {id_int(length)} karakter; batasnya {id_int(limit)}.")
    forbidden = _forbidden(title, caption_rules.forbidden_chars)
    if forbidden:
        problems.append(
            f"Judul {rules.name} memuat tanda {_quote_chars(forbidden)}, yang ditolak {rules.name}; "
            "hapus atau ganti tanda tersebut."
        )
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
