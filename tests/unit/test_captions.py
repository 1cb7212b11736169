"""Caption limits per platform, X's weighted length, and the YouTube title/description helpers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.domain.captions import (
    caption_problems,
    count_hashtags,
    count_mentions,
    extract_hashtags,
    extract_mentions,
    measure,
    x_weighted_length,
    youtube_description,
    youtube_title,
)
from automation.domain.platform_rules import RULES, UTF16, id_bytes, id_dec, id_int, id_ratio, rules_for

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man, woman, girl, boy joined by ZWJ
FLAG_ID = "\U0001f1ee\U0001f1e9"  # Indonesia


# twitter-text's own conformance cases are in test_twitter_text_conformance.py.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n", 4),  # twitter-text counts blank text too; X refuses an empty post anyway
        ("Halo Jogja", 10),
        ("Pemerintah Kota Yogyakarta — “Jogja Istimewa” ‘2026’", 52),  # dashes and quotes weigh 1
        ("é", 1),
        ("e\u0301", 1),  # NFC
        ("日本", 4),
        ("\U0001f600", 2),
        ("\u2764\ufe0f", 2),  # emoji + variation selector is one emoji
        ("\U0001f44d\U0001f3fd", 2),  # skin tone
        (FAMILY, 2),
        (FLAG_ID, 2),
        ("1\ufe0f\u20e3", 2),  # keycap
        ("jogjakota.go.id", 23),  # a bare domain is a link
        ("jogjakota.go.id/berita", 23),
        ("https://jogjakota.go.id/berita/2026/01/judul-yang-panjang-sekali?utm=x", 23),
        ("Lihat https://jogjakota.go.id.", 6 + 23 + 1),  # the final period is not part of the URL
        ("(https://id.wikipedia.org/wiki/Yogyakarta_(kota))", 1 + 23 + 1),
        ("humas@jogjakota.go.id", 21),  # an e-mail address is not a URL
        ("Jl.Malioboro No.1", 17),
        ("vine.co", 23),
    ],
)
def test_x_weighted_length_cases(text, expected):
    assert x_weighted_length(text) == expected


def test_x_boundary_280_and_281_with_urls_emoji_and_indonesian_text():
    url = "https://jogjakota.go.id/berita/pengumuman-libur-nasional-dan-cuti-bersama-2026"
    base = f"Info libur nasional Kota Yogyakarta 🎉 {url} #JogjaIstimewa "
    weight = x_weighted_length(base)
    assert weight == len(base) - len(url) + 23 + 1  # the URL counts 23, the emoji (one code point) 2
    exact = base + "x" * (280 - weight)
    assert x_weighted_length(exact) == 280
    assert caption_problems("X", exact) == []
    over = exact + "é"
    assert caption_problems("X", over) == ["X: 281 karakter berbobot (tautan dihitung 23); batasnya 280."]


def test_x_message_from_the_brief():
    assert caption_problems("X", "a" * 301) == [
        "X: 301 karakter berbobot (tautan dihitung 23); batasnya 280."
    ]


# --- Instagram ------------------------------------------------------------------------------------


def test_instagram_2200_vs_2201_characters():
    assert caption_problems("Instagram", "a" * 2200) == []
    assert caption_problems("Instagram", "a" * 2201) == ["Caption Instagram 2.201 karakter; batasnya 2.200."]
    assert caption_problems("Instagram", "a" * 2412) == ["Caption Instagram 2.412 karakter; batasnya 2.200."]


def test_instagram_counts_a_combining_accent_after_nfc():
    assert caption_problems("Instagram", "e\u0301" * 2200) == []


def test_instagram_30_vs_31_hashtags_and_20_vs_21_mentions():
    thirty = " ".join(f"#Jogja{i}" for i in range(30))
    assert caption_problems("Instagram", thirty) == []
    assert caption_problems("Instagram", thirty + " #SatuLagi") == [
        "Caption Instagram memuat 31 tagar (#); batasnya 30."
    ]
    twenty = " ".join(f"@akun_{i}" for i in range(20))
    assert caption_problems("Instagram", twenty) == []
    assert caption_problems("Instagram", twenty + " @pemkotjogja") == [
        "Caption Instagram menyebut 21 akun (@); batasnya 20."
    ]


def test_hashtags_and_mentions_are_read_roughly_as_instagram_does():
    text = (
        "Selamat #HariJadiKotaYogyakarta ke-270! #2026 bukan tagar, #Jogja_Istimewa, C# juga bukan, "
        "&#39; bukan. Hubungi humas@jogjakota.go.id atau @pemkotjogja. Salam @humas.jogja_ #ゆき"
    )
    assert extract_hashtags(text) == ["HariJadiKotaYogyakarta", "Jogja_Istimewa", "ゆき"]
    assert extract_mentions(text) == ["pemkotjogja", "humas.jogja_"]
    assert count_hashtags(text) == 3
    assert count_mentions(text) == 2


# --- YouTube --------------------------------------------------------------------------------------


def test_youtube_title_100_vs_101_and_the_message_from_the_brief():
    assert caption_problems("YouTube", "Deskripsi", "J" * 100) == []
    assert caption_problems("YouTube", "Deskripsi", "J" * 101) == [
        "Judul YouTube 101 karakter; batasnya 100."
    ]
    assert caption_problems("YouTube", "Deskripsi", "J" * 104) == [
        "Judul YouTube 104 karakter; batasnya 100."
    ]


def test_youtube_rejects_angle_brackets_in_title_and_description():
    assert caption_problems("YouTube", "Deskripsi", "Tarif <baru> 2026") == [
        "Judul YouTube memuat tanda '<' dan '>', yang ditolak YouTube; hapus atau ganti tanda tersebut."
    ]
    assert caption_problems("YouTube", "Skor 3 > 2", "Judul") == [
        "Caption memuat tanda '>', yang ditolak YouTube dalam deskripsi; hapus atau ganti tanda tersebut."
    ]


def test_youtube_description_is_5000_utf8_bytes():
    assert caption_problems("YouTube", "é" * 2500, "Judul") == []  # 5,000 bytes
    assert caption_problems("YouTube", "é" * 2500 + "a", "Judul") == [
        "Deskripsi YouTube (dari Caption) 5.001 byte; batasnya 5.000 byte "
        "(huruf beraksen dan emoji dihitung 2–4 byte)."
    ]


def test_youtube_needs_a_title_from_judul_or_caption():
    assert caption_problems("YouTube", "", "") == ["Judul YouTube kosong; isi kolom Judul."]
    assert caption_problems("YouTube", "Baris pertama jadi judul\nlalu deskripsi", "") == []


def test_youtube_title_helper():
    assert youtube_title("  Festival   Jogja  ", "abaikan") == "Festival Jogja"
    assert youtube_title("", "\n\nPengumuman <penting>\nbaris dua") == "Pengumuman ‹penting›"
    long = youtube_title("kata " * 40)
    assert len(long) <= 100 and long.endswith("…") and not long.endswith(" …")
    assert youtube_title("x" * 150) == "x" * 99 + "…"
    assert youtube_title("", "") == ""


def test_youtube_description_helper():
    assert youtube_description("a <b> c") == "a ‹b› c"
    cut = youtube_description("kata " * 2000)
    assert len(cut.encode("utf-8")) <= 5000 and cut.endswith("…")
    multibyte = youtube_description("é" * 3000)
    assert len(multibyte.encode("utf-8")) <= 5000 and multibyte.endswith("…")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=6000))
def test_youtube_helpers_always_produce_what_youtube_accepts(title, caption):
    made_title = youtube_title(title, caption)
    made_description = youtube_description(caption)
    assert len(made_title) <= 100 and "<" not in made_title and ">" not in made_title
    assert len(made_description.encode("utf-8")) <= 5000
    assert "<" not in made_description and ">" not in made_description
    problems = caption_problems("YouTube", made_description, made_title)
    assert problems in ([], ["Judul YouTube kosong; isi kolom Judul."])


# --- TikTok, Facebook, other ----------------------------------------------------------------------


def test_tiktok_counts_utf16_units():
    assert rules_for("TikTok").caption.unit == UTF16
    assert caption_problems("TikTok", "\U0001f600" * 1100) == []  # 2,200 UTF-16 units
    assert caption_problems("TikTok", "\U0001f600" * 1100 + "a") == [
        "Caption TikTok 2.201 karakter (emoji dihitung 2); batasnya 2.200."
    ]


def test_facebook_63206_vs_63207():
    assert caption_problems("Facebook", "a" * 63206) == []
    assert caption_problems("Facebook", "a" * 63207) == ["Caption Facebook 63.207 karakter; batasnya 63.206."]


def test_every_platform_takes_an_empty_caption_except_youtube_without_title():
    for name in RULES:
        expected = ["Judul YouTube kosong; isi kolom Judul."] if name == "YouTube" else []
        assert caption_problems(name, "") == expected


def test_unknown_platform_and_aliases():
    assert caption_problems("Friendster", "halo") == [
        "Platform 'Friendster' tidak dikenal; periksa kolom Platform."
    ]
    assert caption_problems("twitter", "a" * 281) == [
        "X: 281 karakter berbobot (tautan dihitung 23); batasnya 280."
    ]
    assert rules_for(" instagram ") is RULES["Instagram"]
    assert rules_for("TIKTOK") is RULES["TikTok"]


def test_measure_units():
    assert measure("é\U0001f600", "codepoints") == 2
    assert measure("é\U0001f600", "utf16") == 3
    assert measure("é\U0001f600", "utf8-bytes") == 6
    with pytest.raises(ValueError):
        measure("a", "furlongs")


def test_indonesian_number_formatting():
    assert id_int(2412) == "2.412"
    assert id_int(63206) == "63.206"
    assert id_dec(1.91, 2) == "1,91"
    assert id_dec(12345.5) == "12.345,5"
    assert id_bytes(8_000_000) == "8 MB"
    assert id_bytes(412_500_000) == "412,5 MB"
    assert id_bytes(850_000) == "850 KB"
    assert id_ratio(0.8) == "4:5"
    assert id_ratio(1.91) == "1,91:1"
    assert id_ratio(3.0) == "3:1"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=".:"), max_size=400
    )
)
def test_plain_ascii_without_dots_weighs_one_per_character(text):
    assert x_weighted_length(text) == len(text)


# Linear matching takes well under a second on these 40,000-character texts; a quadratic one (a regex that
# backtracks) takes minutes. The bound sits between the two, so no busy machine makes it fail.
HOSTILE_TEXT_SECONDS = 60


def test_url_and_hashtag_matching_stays_linear_on_hostile_text():
    hostile = ["a." * 20000, "#" + "1" * 40000, "a-" * 20000 + ".com", "ab." * 15000 + "-", "@" * 40000]
    started = time.perf_counter()
    for text in hostile:
        for name in RULES:
            caption_problems(name, text, text[:200])
    assert time.perf_counter() - started < HOSTILE_TEXT_SECONDS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_caption_problems_never_raise(text):
    for name in RULES:
        assert isinstance(caption_problems(name, text, text[:120]), list)
    too_long = any("karakter berbobot" in problem for problem in caption_problems("X", text))
    assert too_long == (x_weighted_length(text) > 280)


def test_a_configured_caption_limit_replaces_the_tables():
    long_post = "a" * 300
    assert caption_problems("X", long_post) == ["X: 300 karakter berbobot (tautan dihitung 23); batasnya 280."]
    assert caption_problems("X", long_post, max_length=25_000) == []
    assert caption_problems("X", long_post, max_length=100) == [
        "X: 300 karakter berbobot (tautan dihitung 23); batasnya 100."]
