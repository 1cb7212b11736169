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


# why a register write waits for the next cycle (shown as "register belum ditulis: ...")
def workbook_open(name: object, lock: object) -> str:
    return f"{name} sedang dibuka di aplikasi lain (berkas kunci {lock})"


def workbook_opened_during_write(name: object, lock: object) -> str:
    return f"{name} dibuka di aplikasi lain saat ditulis (berkas kunci {lock})"


def workbook_disappeared(name: object) -> str:
    return f"{name} hilang saat ditulis"


def workbook_saved_meanwhile(name: object) -> str:
    return f"{name} disimpan orang lain saat ditulis"


def workbook_not_replaced(name: object, error: object) -> str:
    return f"{name} tidak dapat diganti ({error})"


def new_row(title: object, row: object) -> str:
    return f"baris baru {title} (dibaca di baris {row})"


def item_row(item_id: object) -> str:
    return f"ID {item_id}"


COLUMNS_CHANGED = "kolom register berubah sejak dibaca"


def write_failed(call: object, status: object) -> str:
    return f"{call} gagal: {status}"


def new_row_titled(title: object) -> str:
    return f"baris baru '{title}'"


NEW_ROW = "baris baru"
