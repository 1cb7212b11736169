"""Problems in sop-konten.toml and the SOP file, read by the operator."""

from __future__ import annotations

import errno


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


# --- why a value is refused: the <reason> of bad_key ---------------------------

EXPECTED_TABLE = "harus berupa tabel"
EXPECTED_TEXT = "harus berupa teks"
EXPECTED_FLAG = "harus true atau false"
EXPECTED_WHOLE_NUMBER = "harus bilangan bulat"
EXPECTED_PATH = "harus berisi jalur berkas atau folder (tidak boleh kosong)"


def number_at_least(minimum: object) -> str:
    return f"harus angka minimal {minimum}"


def number_at_most(maximum: object) -> str:
    return f"harus angka paling besar {maximum}"


def one_of(allowed: object) -> str:
    return f"harus salah satu dari {allowed}"


def list_of(allowed: object) -> str:
    return f"harus daftar yang berisi {allowed}"


def unknown_timezone(name: object) -> str:
    return f"zona waktu '{name}' tidak dikenal"


def not_an_address(value: object) -> str:
    return f"'{value}' bukan alamat e-mail yang sah (contoh: Humas <humas@kantor.go.id>)"


def unknown_key(path: object, key: object, suggestion: object = "") -> str:
    hint = f" (maksudnya '{suggestion}'?)" if suggestion else ""
    return f"{path}: kunci '{key}' tidak dikenal dan diabaikan{hint}."


# --- files and folders the configuration names ----------------------------------

def config_not_utf8(path: object, position: object) -> str:
    return f"{path}: bukan teks UTF-8 (byte ke-{position}); simpan ulang berkas ini sebagai UTF-8."


def config_unreadable(path: object, reason: object) -> str:
    return f"{path}: berkas konfigurasi tidak dapat dibaca ({reason})."


def journal_unusable(path: object, reason: object) -> str:
    return f"{path}: jurnal tidak dapat dibuka ({reason}); periksa kunci 'journal'."


def journal_failed(path: object, reason: object) -> str:
    return f"{path}: jurnal tidak dapat ditulis ({reason})."


def file_unusable(path: object, reason: object) -> str:
    return f"{path}: tidak dapat dipakai ({reason})."


def folder_not_writable(path: object, key: object) -> str:
    return f"{path}: folder tidak dapat ditulis (akses ditolak); periksa kunci '{key}' dan hak akses folder."


def not_a_folder(path: object, key: object) -> str:
    return f"{path}: bukan folder, padahal kunci '{key}' menunjuk folder."


def is_a_folder(path: object, key: object) -> str:
    return f"{path}: berupa folder, padahal kunci '{key}' menunjuk berkas."


# Why a file operation failed, by errno name; the operator reads it, so not the C library's English.
IO_REASONS = {
    "ENOSPC": "disk penuh",
    "EDQUOT": "kuota disk habis",
    "EACCES": "akses ditolak",
    "EPERM": "akses ditolak",
    "EROFS": "disk hanya-baca",
    "EISDIR": "berupa folder, bukan berkas",
    "ENOTDIR": "salah satu bagian jalurnya bukan folder",
    "ENOENT": "tidak ditemukan",
    "EEXIST": "sudah ada berkas dengan nama itu",
    "EIO": "kesalahan baca/tulis disk",
    "ENAMETOOLONG": "nama terlalu panjang",
    "ELOOP": "tautan simbolik berputar",
    "EMFILE": "terlalu banyak berkas terbuka",
    "EBUSY": "sedang dipakai program lain",
}
# The same for SQLite result codes (sqlite3.Error.sqlite_errorname).
SQLITE_REASONS = {
    "SQLITE_FULL": "disk penuh",
    "SQLITE_CANTOPEN": "berkas tidak dapat dibuka atau dibuat di sana",
    "SQLITE_NOTADB": "bukan berkas jurnal SQLite",
    "SQLITE_CORRUPT": "berkas jurnal rusak",
    "SQLITE_READONLY": "hanya dapat dibaca",
    "SQLITE_PERM": "akses ditolak",
    "SQLITE_IOERR": "kesalahan baca/tulis disk",
    "SQLITE_BUSY": "sedang dikunci proses lain",
    "SQLITE_LOCKED": "sedang dikunci proses lain",
}


def io_reason(code_name: str, fallback: object) -> str:
    """The reason for an errno or SQLite code name; the original text when there is no translation."""
    return IO_REASONS.get(code_name) or SQLITE_REASONS.get(code_name) or f"{fallback}"


def os_reason(code: int | None, fallback: object) -> str:
    """The reason for an OSError's errno."""
    return io_reason(errno.errorcode.get(code, "") if code is not None else "", fallback)

