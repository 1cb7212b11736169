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
    return f"{tab}: format bersyarat untuk baris yang terlambat dan yang ditolak"


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
