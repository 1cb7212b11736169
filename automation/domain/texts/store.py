"""Problems with the register file or spreadsheet itself: files, tabs, columns."""

from __future__ import annotations


def column_missing(names: object, tab: object) -> str:
    return f"Kolom {names} tidak ditemukan di tab {tab}; tambahkan lagi judul kolom itu di baris 1."


def sheet_tab_missing(names: object, key: object) -> str:
    return f"Tab {names} tidak ditemukan di spreadsheet {key}; jalankan 'sop-konten setup'."


def spreadsheet_url_unknown(text: object) -> str:
    return f"URL spreadsheet '{text}' tidak dikenali."


def file_exists(name: object) -> str:
    return f"Berkas {name} sudah ada; berkas tersebut tidak ditimpa."


def workbook_column_missing(header: object, tab: object, name: object) -> str:
    return f"Kolom '{header}' tidak ditemukan di tab '{tab}' pada {name}."


def workbook_tab_missing(tab: object, name: object) -> str:
    return f"Tab '{tab}' tidak ditemukan di {name}."


def workbook_missing(name: object, folder: object) -> str:
    return f"Berkas {name} tidak ditemukan di folder {folder}."


def workbook_unreadable(name: object, reason: object) -> str:
    return f"Berkas {name} tidak dapat dibaca ({reason})."


def workbook_corrupt(name: object) -> str:
    return f"Berkas {name} rusak atau bukan berkas Excel (.xlsx) sehingga tidak dapat dibuka."
