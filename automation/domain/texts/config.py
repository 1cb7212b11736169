"""Problems in sop-konten.toml and the SOP file, read by the operator."""

from __future__ import annotations


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
