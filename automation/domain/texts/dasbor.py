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


# --- pages: Papan, Kalender, Item, Publikasi, Kinerja (automation/web/pages.py) ---------------------
# (imports kept inside this block so the server's block merges beside it untouched)
from automation.domain.texts import feed as _feed  # noqa: E402
from automation.domain.texts import report as _report  # noqa: E402

MONTHS = _feed.MONTHS
WEEKDAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")  # Monday first, as the Kalender draws weeks

# Papan
PAPAN_TITLE = "Papan"
PAPAN_HEADING = "Siapa memegang apa"
MINE_LABEL = "Tugas saya"
MINE_HINT = "Nama atau email di Petugas"
SHOW = "Tampilkan"
SHOW_ALL = "Semua orang"
BY_STEP = "Menurut langkah"
BY_PERSON = "Menurut petugas"
COL_ID = "ID"
COL_TITLE = "Judul"
COL_STEP = "Langkah"
COL_PERSON = "Pelaksana"
COL_STATUS = "Status"
COL_DUE = "Tenggat"
COL_LEFT = "Sisa waktu kerja"
COL_SCHEDULE = "Jadwal Tayang"
COL_PLATFORM = "Platform"
OVERDUE = "Terlambat"
NOBODY = "belum ada pelaksana"
NO_DUE = "-"
NO_OPEN_ITEMS = "Tidak ada item yang sedang berjalan."
WARNINGS_SHORT = "ada catatan"


def open_summary(open_items: int, overdue: int, published: int, rejected: int) -> str:
    return (f"{open_items} item berjalan, {overdue} terlambat; {published} sudah terbit, "
            f"{rejected} ditolak.")


def mine_summary(person: str, tasks: int) -> str:
    return f"Tugas {person}: {tasks} item."


def more_tasks(count: int) -> str:
    return f"{count} item lainnya di langkah ini, yang kurang mendesak; saring dengan {MINE_LABEL} untuk melihat milik satu orang."


def step_heading(label: str, role: str, count: int) -> str:
    return f"{label} ({role}): {count} item"


def person_heading(person: str, count: int) -> str:
    return f"{person}: {count} item"


def duration(minutes: float) -> str:
    """Working time: '2 jam 5 menit', '45 menit'; hours, not days (a working day's length varies)."""
    whole = int(round(abs(minutes)))
    hours, rest = divmod(whole, 60)
    if hours and rest:
        return f"{hours} jam {rest} menit"
    if hours:
        return f"{hours} jam"
    return f"{rest} menit"


def time_left(minutes: float) -> str:
    if minutes < 0:
        return f"{OVERDUE} {duration(minutes)}"
    return f"{duration(minutes)} lagi"


# Kalender
KALENDER_TITLE = "Kalender"
PREVIOUS_MONTH = "Bulan sebelumnya"
NEXT_MONTH = "Bulan berikutnya"
SCHEDULED = "Jadwal tayang"
POSTED = "Terbit"
PLATFORM_FILTER = "Platform"
ALL_PLATFORMS = "Semua platform"


def month_heading(month: int, year: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def month_summary(scheduled: int, posted: int) -> str:
    return f"{scheduled} jadwal tayang, {posted} unggahan bulan ini."


# Item
ITEM_TITLE = "Item"
STORY = "Riwayat"
STORY_EMPTY = "Belum ada catatan di jurnal untuk item ini."
COL_TIME = "Waktu"
COL_FROM = "Dari"
COL_TO = "Menjadi"
COL_BY = "Oleh"
COL_REMARK = "Keterangan"
UNDONE_EDIT = "Suntingan dibatalkan"
APPROVAL = "Persetujuan"
NOT_APPROVED = "Konten ini belum disetujui (atau persetujuannya dibuka kembali karena konten berubah)."
APPROVED_FILES = "Berkas yang disetujui"
ASSETS = "Aset"
NO_ASSETS = "Folder item belum berisi berkas."
ASSETS_ON_DRIVE = "Aset item ini disimpan di Google Drive: buka Folder Aset dari register."
PREVIEWS = "Pratinjau per platform"
NO_PLATFORMS = "Belum ada platform dipilih."
WILL_POST = "Akan diunggah seperti ini"
NO_WARNINGS = "Tidak ada peringatan."
WARNINGS = "Peringatan"
MORE = _feed.MORE
OWN_RATIO = _feed.OWN_RATIO
LINKS = "Tautan publikasi"
NO_LINKS = "Belum ada tautan publikasi."
SYSTEM_NOTES = "Catatan Sistem"
NEEDS_CHECK = "Perlu Dicek"
WAITING_AT = "Menunggu di"
ENDED = "Selesai"
FIELDS = "Data item"
OUTCOME_LABELS = {"open": "Berjalan", "published": "Terbit", "rejected": "Ditolak"}
PUBLISH_STATES = {
    "published": "Terbit",
    "manual": "Diserahkan ke admin untuk diunggah manual",
    "unknown": "Perlu Dicek: hasil unggahan tidak diketahui",
    "failed": "Gagal",
    "retrying": "Gagal, dicoba lagi otomatis",
    "": "Belum diunggah",
}
ITEM_NOT_FOUND_TITLE = "Item tidak ditemukan"
BACK_TO_BOARD = "Kembali ke Papan"


def posted_on(when: str) -> str:
    return f"Diunggah seperti ini pada {when}"


def approved_by(by: str, when: str, digest: str) -> str:
    who = f" oleh {by}" if by else ""
    at = f" pada {when}" if when else ""
    return f"Disetujui{who}{at}. Sidik konten: {digest}."


def needs_check_explained(platforms: str) -> str:
    return (f"sop-konten tidak bisa memastikan apakah unggahan ke {platforms} berhasil "
            "(jawaban platform tidak diterima). Unggahan tidak dikirim ulang, agar tidak tayang dua kali. "
            "Admin Medsos memeriksa akun platform: bila sudah tayang, tulis Terbit pada status langkah "
            "dan tempel tautannya di Tautan Publikasi; bila belum, unggah manual lalu lakukan hal yang sama.")


def item_not_found(item_id: str) -> str:
    return f"Tidak ada item dengan ID {item_id} di jurnal."


# Publikasi
PUBLIKASI_TITLE = "Publikasi"
PUBLIKASI_INTRO = "Unggahan terbaru di setiap platform, yang terbaru di atas."
NO_PUBLICATIONS = "Belum ada yang diunggah."
OPEN_LINK = "Buka"


def feed_limit(count: int) -> str:
    return f"Menampilkan {count} unggahan terbaru."


# Kinerja
KINERJA_TITLE = "Kinerja"
# the report's summary columns, the step named by its label ("3. Konsep") rather than its activity
KINERJA_HEADERS = (_report.SUMMARY_HEADERS[0], COL_STEP, *_report.SUMMARY_HEADERS[2:])
ASSESSMENT = "Penilaian"
GOOD = _report.GOOD
CHART_ALT = _report.CHART_TITLE
OVERDUE_NOW = "Terlambat saat ini"


def kinerja_heading(month: int, year: int) -> str:
    return f"Kinerja {MONTHS[month - 1]} {year} terhadap waktu baku SOP"


def kinerja_intro(period: str, count: int) -> str:
    return f"{period}: {count} langkah selesai. Menit dihitung dalam jam kerja."


def overdue_now(count: int) -> str:
    return f"{count} item sedang terlambat."
