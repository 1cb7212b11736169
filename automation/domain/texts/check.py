"""What `sop-konten check` and `sop-konten setup` report to the operator."""

from __future__ import annotations

from collections.abc import Iterable

SPREADSHEET_UP_TO_DATE = "Spreadsheet sudah sesuai; tidak ada yang diubah."


def register_locked(owner: object) -> str:
    return f"Register sedang dibuka di aplikasi lain ({owner}); sistem menunggu sampai ditutup."


def protection_drift(columns: Iterable[str]) -> str:
    return f"Proteksi tidak sesuai daftar Petugas untuk kolom: {', '.join(columns)}; jalankan 'sop-konten setup'."


def setup_incomplete(changes: Iterable[str]) -> str:
    return f"Spreadsheet belum disiapkan lengkap ({'; '.join(changes)}); jalankan 'sop-konten setup'."


def workbook_setup_incomplete(changes: Iterable[str]) -> str:
    return f"Register belum ditata lengkap ({'; '.join(changes)}); jalankan 'sop-konten setup'."


def drive_stages_ready(count: int) -> str:
    return f"Folder tahap Drive siap ({count} folder)."


def local_register_ready(path: object) -> str:
    return f"Register lokal siap: {path}"


def changed(change: str) -> str:
    return f"Diubah: {change}"


# --- what `sop-konten setup` changes (or `check` finds still to change) in the Google register ----------

def tab_missing(tab: object) -> str:
    return f"tab {tab} belum ada"


def tab_added(tab: object) -> str:
    return f"tab {tab} ditambahkan"


def time_zone(zone: object) -> str:
    return f"zona waktu {zone}"


def headers_added(tab: object, headers: Iterable[str]) -> str:
    return f"{tab}: judul kolom {', '.join(headers)}"


def header_frozen(tab: object) -> str:
    return f"{tab}: baris judul dibekukan"


def conditional_formats(tab: object) -> str:
    return f"{tab}: format bersyarat untuk baris yang terlambat, ditolak dan terbit, dan status yang menunggu"


def dropdown(tab: object, column: object) -> str:
    return f"{tab}: pilihan (dropdown) di kolom {column}"


def text_format(tab: object, column: object) -> str:
    return f"{tab}: format teks di kolom {column}"


def protection_added(what: object) -> str:
    return f"proteksi {what} ditambahkan"


def protection_updated(what: object) -> str:
    return f"proteksi {what} diperbarui"


def protection_removed(what: object) -> str:
    return f"proteksi {what} dihapus"


# the local workbook's layout (`sop-konten setup` on the workbook backend)
WORKBOOK_UP_TO_DATE = "Register sudah tertata; tidak ada yang diubah."


def workbook_colours(tab: object) -> str:
    return f"{tab}: warna untuk baris yang terlambat, ditolak, terbit, dan status yang menunggu"


def column_widths(tab: object) -> str:
    return f"{tab}: lebar kolom dan teks terbungkus"


def step_fills(tab: object) -> str:
    return f"{tab}: warna judul kolom per langkah"


def date_time_format(tab: object, column: object) -> str:
    return f"{tab}: format tanggal-jam (dd/mm/yyyy hh:mm) di kolom {column}"


def register_locked_by(owner: object, holder: object) -> str:
    return f"Register sedang dibuka oleh {holder} di aplikasi lain ({owner}); sistem menunggu sampai ditutup."


def register_open_too_long(owner: object, holder: object, minutes: object) -> str:
    who = f" oleh {holder}" if holder else ""
    return (f"Register dibuka{who} ({owner}) selama {minutes} menit; perubahan menunggu sampai berkas ditutup, "
            "pengingat sudah dikirim.")


# the workbook's dropdown messages (shown by Excel/LibreOffice on a refused value)
DROPDOWN_ERROR_TITLE = "Nilai tidak sah"


def dropdown_error(column: object) -> str:
    return f"Pilih salah satu nilai dari daftar pada kolom {column}."
