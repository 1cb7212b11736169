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
