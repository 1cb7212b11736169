"""The local publication page (index.html) staff open to preview what was published."""

from __future__ import annotations

TITLE = "Umpan Publikasi"
INTRO = "Pratinjau lokal hasil publikasi, terbaru di atas."
EMPTY = "Belum ada publikasi."
FALLBACK_FILE_NAME = "berkas"
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
