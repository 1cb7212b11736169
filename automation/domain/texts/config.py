"""Problems in sop-konten.toml and the SOP file, read by the operator."""

from __future__ import annotations

import errno
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
MUST_BE_URL_LIST = "harus berupa daftar URL apprise"
MUST_BE_SCHEME_LIST = 'harus berupa daftar skema, misalnya ["tgram", "ntfy"]'
MUST_BE_MAILTO = "harus URL mailto:// atau mailtos://"
WHATSAPP_TOGETHER = "whatsapp_token_env dan whatsapp_from harus diisi bersama"


def unknown_key_among(known: Iterable[str]) -> str:
    return f"tidak dikenal (yang dikenal: {', '.join(known)})"


# why the SOP file is refused (completes bad_key)
SOP_NAME_REQUIRED = "nama SOP wajib diisi"
ROLE_TWICE = "ada peran yang tertulis dua kali"
STEPS_REQUIRED = "harus berisi minimal satu [[steps]]"
LAST_STEP_MUST_FINISH = 'langkah terakhir harus punya hasil goto = "finish"'
PERCENT_INVALID = "harus bilangan bulat persen yang lebih dari 0"
ESCALATION_AFTER_REMINDER = "harus lebih besar dari reminder_percent"
ESCALATION_TABLE = "harus berupa tabel peran = peran"
MINUTES_INVALID = "harus bilangan bulat menit yang lebih dari 0"
OUTCOMES_REQUIRED = "harus berisi minimal satu hasil"
OUTCOME_TABLE = "harus berupa { status = ..., goto = ... }"
GOTO_INVALID = 'harus "next", "reject", "finish" atau nomor langkah'
LAST_STEP_NO_NEXT = "langkah terakhir tidak punya langkah berikutnya"
STATUS_TWICE = "ada status yang tertulis dua kali"
TABLE_REQUIRED = "tabel wajib ada"
TEXT_REQUIRED = "teks wajib diisi"
MUST_BE_TEXT_LIST = "harus daftar teks"


def status_reserved(status: object) -> str:
    return f"status '{status}' dipakai sistem"


def escalation_roles_unknown(role: object, up: object) -> str:
    return f"peran '{role}' atau '{up}' tidak ada di daftar roles"


def step_number(expected: object) -> str:
    return f"harus {expected} (langkah dinomori urut dari 1)"


def role_unknown(role: object) -> str:
    return f"peran '{role}' tidak ada di daftar roles"


def revision_step_range(last: object) -> str:
    return f"langkah revisi harus antara 1 dan {last}"


def at_least_values(minimum: object) -> str:
    return f"harus berisi minimal {minimum} nilai"


# the sop-konten.toml `sop-konten init` writes; the operator reads and edits it
DEFAULT_CONFIG = """\
# Konfigurasi sop-konten. Path dihitung dari folder berkas ini.

# Berkas SOP; kosong = SOP bawaan Kota Yogyakarta.
sop = ""
timezone = "Asia/Jakarta"
poll_seconds = 30
journal = "journal.sqlite3"

[register]
backend = "workbook"          # "workbook" (register.xlsx) atau "sheets" (Google Sheets)
path = "register.xlsx"
# spreadsheet = ""            # untuk "sheets": ID atau URL spreadsheet
# lock_reminder_minutes = 15  # register.xlsx terbuka selama ini sementara perubahan menunggu: kirim pengingat
# operator_email = ""         # penerima pengingat bila berkas kunci tidak menyebut petugas; kosong: notify.sender

[assets]
backend = "folders"           # "folders" (lokal) atau "drive" (Google Drive)
path = "drive"
settle_seconds = 5            # unggahan yang lebih muda dari ini dianggap masih disalin
# root_folder = ""            # untuk "drive": folder yang memuat folder tahap
# shared_drive = ""           # untuk "drive": ID shared drive, bila foldernya ada di sana
# intake_seconds = 300        # untuk "drive": cari unggahan baru paling sering sekali tiap selang ini

# Google Workspace: akun layanan (berkas kunci) atau akun pengguna (OAuth, masuk sekali dengan `sop-konten login`).
# Langkah demi langkah: docs/panduan/google.md.
[google]
auth = "service_account"      # "service_account" atau "oauth"
key_file = ""                 # untuk akun layanan; kosong: GOOGLE_APPLICATION_CREDENTIALS
# delegated_user = ""         # akun layanan bertindak sebagai pengguna Workspace ini (delegasi seluruh domain)
# client_secrets = "oauth-client.json"   # untuk "oauth": klien OAuth jenis Desktop app dari Cloud Console
# token_file = "google-token.json"       # untuk "oauth": token yang disimpan `login` (hanya pemilik yang bisa membaca)
api_base = ""                 # kosong: Google sendiri
retry_attempts = 6            # pada 429, 5xx dan batas waktu, dengan jeda yang makin panjang dan acak
retry_base_seconds = 1.0
timeout_seconds = 60

[notify]
backend = "outbox"            # "outbox" (satu berkas .eml per pesan), "smtp" atau "gmail"
path = "outbox"
sender = "sop-konten <sop-konten@localhost>"

[notify.smtp]
host = "localhost"
port = 25
username = ""
password_env = "SOP_KONTEN_SMTP_PASSWORD"   # nama variabel lingkungan yang memuat kata sandi
starttls = false
ssl = false

# Waktu kerja untuk kolom Tenggat: lihat docs/working-time.md.
# Bawaan: Senin-Kamis 07:30-16:00, Jumat 07:30-16:30 (WIB), hari libur nasional dan cuti bersama.
[calendar]
days_off = []                 # hari libur tambahan, misalnya [2026-12-31]

[publish]
backend = "local"             # umpan lokal: published/<platform>/<ID>/ dan published/index.html
path = "published"

# Dasbor (hanya baca), disajikan oleh `sop-konten run` atau `sop-konten dasbor`: lihat docs/dasbor.md.
# [dasbor]
# enabled = true              # false: `run` tidak menyajikan Dasbor
# host = "127.0.0.1"          # selain 127.0.0.1 wajib ada cara masuk: base_url atau password_env
# port = 8470
# base_url = ""               # alamat Dasbor bagi petugas; diisi: masuk lewat tautan sekali pakai via e-mail
# password_env = ""           # nama variabel lingkungan yang memuat kata sandi dari operator
# session_hours = 12
# link_minutes = 15
"""


# --- why a value is refused: the <reason> of bad_key ---------------------------

EXPECTED_TABLE = "harus berupa tabel"
EXPECTED_TEXT = "harus berupa teks"
EXPECTED_FLAG = "harus true atau false"
EXPECTED_WEB_ADDRESS = "harus alamat web yang diawali http:// atau https://"
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


NOTE_REQUIRED_INVALID = "harus true atau false (apakah keputusan ini menunggu alasan di kolom Catatan Petugas)."
