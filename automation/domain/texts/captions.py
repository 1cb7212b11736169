"""Problems with a caption or a title against a platform's limits, written to the register (Indonesian)."""

from __future__ import annotations

from collections.abc import Sequence

OR_JOINER = " dan "


def quoted_chars(chars: Sequence[str]) -> str:
    return OR_JOINER.join(f"'{char}'" for char in chars)


def unknown_platform(platform: object) -> str:
    return f"Platform '{platform}' tidak dikenal; periksa kolom Platform."


def x_too_long(length: object, limit: object) -> str:
    return f"X: {length} karakter berbobot (tautan dihitung 23); batasnya {limit}."


def description_too_long(platform: object, length: object, limit: object) -> str:
    return (
        f"Deskripsi {platform} (dari Caption) {length} byte; batasnya {limit} byte "
        "(huruf beraksen dan emoji dihitung 2–4 byte)."
    )


def caption_too_long_utf16(platform: object, length: object, limit: object) -> str:
    return f"Caption {platform} {length} karakter (emoji dihitung 2); batasnya {limit}."


def caption_too_long(platform: object, length: object, limit: object) -> str:
    return f"Caption {platform} {length} karakter; batasnya {limit}."


def too_many_hashtags(platform: object, count: object, limit: object) -> str:
    return f"Caption {platform} memuat {count} tagar (#); batasnya {limit}."


def too_many_mentions(platform: object, count: object, limit: object) -> str:
    return f"Caption {platform} menyebut {count} akun (@); batasnya {limit}."


def caption_forbidden_chars(chars: object, platform: object) -> str:
    return f"Caption memuat tanda {chars}, yang ditolak {platform} dalam deskripsi; hapus atau ganti tanda tersebut."


def title_empty(platform: object) -> str:
    return f"Judul {platform} kosong; isi kolom Judul."


def title_too_long(platform: object, length: object, limit: object) -> str:
    return f"Judul {platform} {length} karakter; batasnya {limit}."


def title_forbidden_chars(platform: object, chars: object) -> str:
    return f"Judul {platform} memuat tanda {chars}, yang ditolak {platform}; hapus atau ganti tanda tersebut."
