"""Problems in sop-konten.toml and the SOP file, read by the operator."""

from __future__ import annotations

from collections.abc import Iterable


def config_not_found(path: object) -> str:
    return f"{path}: berkas konfigurasi tidak ditemukan."


def config_not_toml(path: object, error: object) -> str:
    return f"{path}: bukan TOML yang sah ({error})."


def sop_not_found(path: object) -> str:
    return f"{path}: file SOP tidak ditemukan."


def sop_not_toml(path: object, error: object) -> str:
    return f"{path}: bukan TOML yang sah ({error})."


def bad_key(path: object, key: object, reason: object) -> str:
    return f"{path}: kunci '{key}': {reason}."


def spreadsheet_missing(path: object) -> str:
    return f"{path}: kunci 'register.spreadsheet': isi ID atau URL spreadsheet."


def root_folder_missing(path: object) -> str:
    return f"{path}: kunci 'assets.root_folder': isi ID atau URL folder Drive yang memuat folder tahap."


def not_time_of_day(text: object) -> str:
    return f"bukan jam yang sah (JJ:MM): {text!r}"


# why a key's value is refused (completes bad_key and notify.bad_key)
MUST_BE_TABLE = "harus berupa tabel"
MUST_BE_TEXT = "harus berupa teks"
MUST_BE_BOOLEAN = "harus true atau false"
MUST_BE_URL_LIST = "harus berupa daftar URL apprise"
MUST_BE_SCHEME_LIST = 'harus berupa daftar skema, misalnya ["tgram", "ntfy"]'
MUST_BE_MAILTO = "harus URL mailto:// atau mailtos://"
WHATSAPP_TOGETHER = "whatsapp_token_env dan whatsapp_from harus diisi bersama"


def unknown_time_zone(zone: object) -> str:
    return f"zona waktu '{zone}' tidak dikenal"


def must_be_at_least(minimum: object) -> str:
    return f"harus angka minimal {minimum}"


def must_be_one_of(allowed: Iterable[str]) -> str:
    return f"harus salah satu dari {', '.join(allowed)}"


def unknown_key(known: Iterable[str]) -> str:
    return f"tidak dikenal (yang dikenal: {', '.join(known)})"
