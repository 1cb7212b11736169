"""The Dasbor's words: navigation, page titles, and every sentence its pages show."""

from __future__ import annotations

APP_NAME = "Dasbor sop-konten"
# path -> label, in the order of the navigation bar
NAV = {
    "/": "Papan",
    "/kalender": "Kalender",
    "/publikasi": "Publikasi",
    "/kinerja": "Kinerja",
    "/status": "Status",
}
SIGNED_IN_AS = "Masuk sebagai"
SIGN_OUT = "Keluar"
READ_ONLY = "Hanya baca: perubahan dilakukan di register."

# --- server: sign-in, errors, Status page, the `dasbor` command (automation/web/app.py, auth.py, status.py) ---

# sign-in
SIGN_IN_TITLE = "Masuk"
SIGN_IN_INTRO = "Dasbor hanya untuk petugas aktif di tab Petugas."
SIGN_IN_EMAIL = "Alamat e-mail (seperti di tab Petugas)"
SIGN_IN_PASSWORD = "Kata sandi"
SIGN_IN_SEND_LINK = "Kirim tautan masuk"
SIGN_IN_WITH_PASSWORD = "Masuk"
SIGN_IN_LINK_SENT = ("Jika alamat itu milik petugas aktif di tab Petugas, tautan masuk sudah dikirim ke sana. "
                     "Buka e-mail itu dan klik tautannya.")
SIGN_IN_REFUSED = "Alamat atau kata sandi tidak cocok dengan petugas aktif di tab Petugas."
SIGN_IN_LINK_INVALID = ("Tautan masuk ini tidak berlaku: sudah dipakai, sudah kedaluwarsa, atau bukan untuk "
                        "petugas aktif. Minta tautan baru.")
SIGN_IN_UNAVAILABLE = "Cara masuk belum diatur operator (base_url atau password_env di [dasbor])."
SIGN_IN_AGAIN = "Minta tautan baru"


def sign_in_too_many(minutes: float) -> str:
    return f"Terlalu banyak percobaan masuk. Tunggu {minutes:g} menit, lalu coba lagi."



SIGN_IN_MAIL_SUBJECT = "Tautan masuk Dasbor sop-konten"


def sign_in_mail_body(name: str, link: str, minutes: float) -> str:
    return (f"Halo {name},\n\n"
            f"Klik tautan ini untuk masuk ke Dasbor sop-konten:\n{link}\n\n"
            f"Tautan hanya dapat dipakai sekali dan berlaku {minutes:g} menit.\n"
            "Jika Anda tidak meminta tautan ini, abaikan e-mail ini.\n")


# error pages
NOT_FOUND_TITLE = "Tidak ditemukan"
NOT_FOUND = "Halaman, item atau berkas ini tidak ada."
BAD_REQUEST_TITLE = "Permintaan tidak dapat diproses"
BAD_REQUEST = "Permintaan ini tidak dapat diproses."
SERVER_ERROR_TITLE = "Terjadi kesalahan"
SERVER_ERROR = "Halaman ini gagal dibuat. Coba lagi sebentar lagi; jika tetap gagal, beri tahu operator."
BACK_HOME = "Kembali ke Papan"
HEALTHZ_OK = "ok"
HEALTHZ_STALE = "basi: siklus terakhir terlalu lama"

# the Status page
STATUS_TITLE = "Status"
STATUS_DAEMON = "Daemon"
STATUS_NO_CYCLE = "Belum ada siklus yang tercatat: daemon belum pernah berjalan pada ruang kerja ini."
STATUS_LAST_CYCLE = "Siklus terakhir"
STATUS_SUMMARY = "Ringkasan"
STATUS_DURATION = "Lama"
STATUS_CYCLE_ERROR = "Berhenti karena"
STATUS_DEFERRED = "Penulisan register ditunda"
STATUS_PROBLEMS = "Masalah yang ditemukan"
STATUS_RUNNING = "Daemon berjalan."
STATUS_TOTALS = "Sejak jurnal dibuat"
STATUS_CYCLES = "Siklus"
STATUS_FAILED_CYCLES = "Siklus gagal"
STATUS_REQUESTS = "Permintaan ke API"
STATUS_REGISTER = "Register"
STATUS_NO_WAITING = "Tidak ada penulisan yang menunggu."
STATUS_WAITING = "Penulisan yang menunggu (item)"
STATUS_EFFECTS = "Tindakan"
STATUS_PENDING = "Tertunda"
STATUS_FAILED = "Gagal"
STATUS_NONE = "Tidak ada."
STATUS_KIND = "Jenis"
STATUS_ITEM = "Item"
STATUS_ATTEMPTS = "Percobaan"
STATUS_ERROR = "Kesalahan"
STATUS_SINCE = "Sejak"
STATUS_TOKENS = "Token platform"
STATUS_NO_TOKENS = "Belum ada token platform yang diperiksa."
STATUS_PLATFORM = "Platform"
STATUS_EXPIRES = "Berlaku sampai"
STATUS_TOKEN_EXPIRED = "sudah kedaluwarsa"
STATUS_QUOTA = "Kuota publikasi (24 jam terakhir)"
STATUS_NO_QUOTA = "Belum ada publikasi dalam 24 jam terakhir."
STATUS_USED = "Terpakai"
STATUS_CAP = "Batas"
STATUS_CAP_UNKNOWN = "tidak diketahui"
# the ledger's effect kinds (automation/domain/keys.py EffectKind), as people say them
EFFECT_KINDS = {"claim": "ambil unggahan", "place": "folder item", "check": "periksa konten",
                "publish": "publikasi", "notify": "pemberitahuan"}


def status_stale(minutes: float) -> str:
    return (f"Daemon tampaknya tidak berjalan: siklus terakhir lebih dari {minutes:g} menit yang lalu. "
            "Beri tahu operator.")


def register_locked(name: str, since: str) -> str:
    return f"{name} sedang dibuka di aplikasi lain sejak {since}; penulisan menunggu sampai berkas ditutup."


def days_left(days: float) -> str:
    return f"{days:.0f} hari lagi"


def seconds(value: float) -> str:
    return f"{value:.1f} detik"


def when(value: str) -> str:
    """An ISO time as people read it: 2026-11-30 09:15."""
    return value[:16].replace("T", " ")


# the server and the `dasbor` command


def refused_without_sign_in(host: str) -> str:
    return (f"Dasbor tidak dijalankan: alamat {host} dapat dibuka dari komputer lain, tetapi cara masuk belum "
            "diatur. Isi base_url (tautan masuk lewat e-mail) atau password_env di bagian [dasbor] "
            "sop-konten.toml, atau pakai host = \"127.0.0.1\".")


def journal_missing(path: object) -> str:
    return f"Jurnal {path} belum ada: jalankan `sop-konten run` atau `sop-konten once` sekali dulu."


def serving(url: str) -> str:
    return f"Dasbor tersedia di {url}"


def not_bound(host: str, port: int, reason: object) -> str:
    return f"Dasbor tidak dapat memakai {host}:{port} ({reason}); daemon tetap berjalan tanpa Dasbor."
# /metrics: the HELP line of each metric (sop_konten_<name>)
METRICS_HELP = {
    "cycles_total": "Siklus yang dijalankan sejak jurnal dibuat.",
    "cycles_failed_total": "Siklus yang berhenti sebelum selesai.",
    "cycle_seconds_total": "Lama semua siklus, dijumlahkan (detik).",
    "last_cycle_seconds": "Lama siklus terakhir (detik).",
    "last_cycle_timestamp_seconds": "Waktu siklus terakhir (waktu Unix); 0 bila belum pernah.",
    "stale": "1 bila siklus terakhir sudah terlalu lama (daemon tidak berjalan).",
    "requests_total": "Permintaan yang dikirim ke tiap API.",
    "effects": "Tindakan di buku besar menurut jenis dan hasil.",
    "items_open": "Item yang langkahnya masih menunggu.",
    "items_overdue": "Item terbuka yang melewati standar waktu langkahnya.",
    "register_writes_waiting": "Item yang penulisannya ke register belum masuk.",
}


def cannot_listen(host: str, port: int, reason: object) -> str:
    return f"Dasbor tidak dapat memakai {host}:{port} ({reason}). Ganti port di bagian [dasbor] sop-konten.toml."


LOG_PAGE_FAILED = "Dasbor: halaman %s gagal dibuat: %s"
LOG_LINK_NOT_SENT = "Dasbor: tautan masuk tidak terkirim: %s"
LOG_SERVING = "Dasbor tersedia di %s"
LOG_NOT_SERVED = "%s"
