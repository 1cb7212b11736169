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
NOT_FOUND_TITLE = "Item tidak ditemukan"
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
