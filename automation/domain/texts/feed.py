"""The local publication page (index.html) staff open to preview what was published."""

from __future__ import annotations

TITLE = "Umpan Publikasi"
INTRO = ("Pratinjau lokal: setiap kartu menunjukkan berkas dan caption persis seperti yang akan diterima "
         "platformnya, dalam bentuk tampilan platform itu. Terbaru di atas.")
EMPTY = "Belum ada publikasi."
FALLBACK_FILE_NAME = "berkas"
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
MORE = "... selengkapnya"  # where the platform's app cuts a long caption
IMAGE = "gambar"
VIDEO = "video"
TEXT_ONLY = "teks saja"
NOTES_HEADING = "Disesuaikan untuk platform ini"
OWN_RATIO = "rasio asli"


def shape_label(media: str, frame: str) -> str:
    """'gambar 4:5', 'video 9:16': what the card imitates."""
    return f"{media} {frame}"


