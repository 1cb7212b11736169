"""Problems writing the monitoring report, read by the operator."""

from __future__ import annotations


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
