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
