"""Problems with the media host configuration (read by the operator) and with asset files (item notes)."""

from __future__ import annotations

BASE_URL_REQUIRED = "media_host: base_url wajib diisi (alamat publik folder media)."
BUCKET_REQUIRED = 'media_host: bucket wajib diisi untuk kind = "gcs".'
EXPIRES_INVALID = "media_host: expires_minutes harus angka lebih dari 0."
GCS_NOT_INSTALLED = ("Paket google-cloud-storage belum terpasang: jalankan 'pip install google-cloud-storage' "
                     'atau gunakan media_host kind = "folder".')


def unknown_kind(kind: object) -> str:
    return f"media_host: kind '{kind}' tidak dikenal (pilihan: folder, gcs)."


def unsafe_file(name: str) -> str:
    """The note on an item whose folder holds a link or a special file (never read nor published)."""
    return (f"File '{name}' di folder aset adalah tautan (symlink), tautan keras, atau file khusus; "
            "file itu tidak dibaca dan tidak diterbitkan. Ganti dengan salinan file aslinya.")
