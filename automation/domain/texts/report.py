"""Problems writing the monitoring report, read by the operator."""

from __future__ import annotations

from automation.domain.texts import feed


def period_invalid(start: object, end: object) -> str:
    return f"periode tidak sah: {start} sesudah {end}."


def threshold_invalid(threshold: object) -> str:
    return f"ambang tepat waktu harus di antara 0 dan 1, bukan {threshold}."


def not_writable(path: object, error: object) -> str:
    return f"{path} tidak bisa ditulis (sedang dibuka?): {error}."


def from_after_to(start: object, end: object) -> str:
    return f"tanggal --from ({start}) sesudah tanggal --to ({end})."


def no_journal(journal: object) -> str:
    return f"jurnal {journal} belum ada; jalankan 'sop-konten once' atau 'run' dahulu."


def date_invalid(text: object) -> str:
    return f"tanggal '{text}' tidak sah; tulis YYYY-MM-DD."


# --- the workbook `sop-konten report` writes (and the Laporan tab of the Google register) ---------------

SHEET_SUMMARY = "Ringkasan"
SHEET_MONITORING = "Monitoring SOP"
SHEET_WORKLOAD = "Beban Kerja"
SHEET_REWORK = "Revisi & Penolakan"
SHEET_CHART = "Grafik"
SHEET_DATA = "Data Aktivasi"
SAVING = "Menyimpan"
REGISTER_TAB = "Laporan"

GOOD = "Berjalan dengan baik"
NOT_GOOD = "Tidak berjalan dengan baik"
NO_DATA = "Belum ada data"
NO_ACTOR = "(tanpa nama)"
YES = "Ya"
NO = "Tidak"
TOTAL_ROW = "Jumlah"
NOTES = "Catatan:"

MONTHS = feed.MONTHS  # one list of month names for every dated text

SUMMARY_HEADERS = ("No", "Aktivitas", "Pelaksana", "Jumlah", "Median (menit)", "Persentil 90 (menit)",
                   "Maksimum (menit)", "Waktu Baku (menit)", "Tepat Waktu")
MONITORING_HEADERS = ("No", "Prosedur", "Penilaian terhadap penerapan", "Catatan hasil penilaian",
                      "Tindakan yang harus diambil", "Paraf penilai")
REWORK_HEADERS = ("No", "Langkah", "Pelaksana", "Jumlah Selesai", "Revisi", "Ditolak", "Item Terdampak",
                  "ID Item")
DATA_HEADERS = ("ID Item", "No", "Langkah", "Aktivasi ke-", "Mulai", "Selesai", "Status", "Pelaksana",
                "Menit Kerja", "Waktu Baku (menit)", "Tepat Waktu")
WORKLOAD_FIRST_HEADER = "Pelaksana"
WORKLOAD_LAST_HEADERS = ("Total", "Median (menit)")

MONITORING_TITLE = "MONITORING PELAKSANAAN SOP AP"
MONITORING_FIELDS = ("Nama SOP", "Unit", "Periode", "Tanggal")
CHART_SHEET_TITLE = "Grafik waktu kerja per langkah (median dan persentil 90 terhadap waktu baku)"

SUMMARY_NOTES = (
    "Jumlah: aktivasi langkah yang selesai dalam periode; satu item yang direvisi dihitung setiap kali.",
    "Menit dihitung dalam menit kerja (hari dan jam kerja kantor).",
    "Median dan persentil 90 (metode inklusif, interpolasi linear) dibulatkan ke 0,1 menit.",
    "Tepat Waktu: bagian aktivasi yang selesai dalam waktu baku (menit kerja <= waktu baku).",
)
MONITORING_NOTES = (
    "Kolom 'Tindakan yang harus diambil' dan 'Paraf penilai' diisi oleh penilai.",
    "Dasar: Permenpan RB Nomor 35 Tahun 2012 (formulir Monitoring Pelaksanaan SOP AP).",
)
WORKLOAD_NOTE = "Median: menit kerja per aktivasi, atas semua langkah yang diselesaikan pelaksana itu."
REWORK_NOTES = (
    "Revisi: keputusan yang mengembalikan konten ke langkah sebelumnya. Ditolak: keputusan yang "
    "mengakhiri item sebagai ditolak.",
    "Item Terdampak: banyaknya item berbeda yang direvisi atau ditolak pada langkah itu "
    "(baris Jumlah: item berbeda di semua langkah).",
)


def period_span(start: object, end: object) -> str:
    return f"{start} s.d. {end}"


def indonesian_date(day: int, month: int, year: int) -> str:
    return f"{day} {MONTHS[month - 1]} {year}"


def no_activity(standard: object) -> str:
    return f"Tidak ada aktivitas yang selesai dalam periode ini (baku {standard} menit)."


def step_note(count: object, median: object, p90: object, maximum: object, on_time: object,
              standard: object) -> str:
    return (f"{count} kali; median {median} menit; "
            f"persentil 90 {p90} menit; maksimum {maximum} menit; "
            f"{on_time} tepat waktu (baku {standard} menit).")


def chart_sheet_period(period: object, image: object) -> str:
    return f"Periode: {period}. Berkas gambar: {image}"


def summary_period(period: object) -> str:
    return f"Periode: {period} (menurut waktu selesai, WIB)."


def assessment_rule(threshold: object) -> str:
    return (f"Penilaian diisi otomatis: '{GOOD}' bila paling sedikit {threshold} "
            f"aktivasi selesai dalam waktu baku, '{NOT_GOOD}' bila kurang, '{NO_DATA}' bila tidak ada "
            "aktivasi yang selesai.")


def workload_period(period: object) -> str:
    return f"Periode: {period}. Angka: aktivasi langkah yang diselesaikan setiap pelaksana."


def rework_period(period: object) -> str:
    return f"Periode: {period}."


def skipped(count: object) -> str:
    return f"{count} aktivasi dari langkah yang tidak ada di SOP ini tidak dihitung."


def more_items(count: object) -> str:
    return f" … (+{count} lainnya)"


# --- the chart (PNG) ---------------------------------------------------------------------------------

CHART_TITLE = "Waktu kerja per langkah SOP"
CHART_AXIS = "Menit kerja"
CHART_MEDIAN = "Median"
CHART_P90 = "Persentil 90"
CHART_STANDARD = "Waktu baku"
CHART_NO_DATA = "belum ada data"


def chart_standard(minutes: object) -> str:
    return f"baku {minutes} menit"


# --- a period without data and the command's progress --------------------------------------------------

def empty_period(period: object) -> str:
    return f"Tidak ada data untuk periode ini ({period}): belum ada langkah SOP yang selesai."


def progress_line(stage: object, done: object, total: object) -> str:
    return f"  {stage}: {done}/{total}"
