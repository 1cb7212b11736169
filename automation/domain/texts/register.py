"""Every sentence the staff read in the register: notes, stages, log remarks (Indonesian)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the catalogue is the bottom of the domain: it reads steps, never imports them
    from automation.domain.sop import Sop, Step

STAGE_PUBLISHED = "Terbit"
STAGE_REJECTED = "Ditolak"

TITLE_REQUIRED = "Judul wajib diisi sebelum ide diajukan."
PLATFORM_REQUIRED = "Kolom Platform belum diisi: konten belum bisa diunggah."
REJECTED_REMARK = "Konten ditolak; proses selesai."
PUBLISHED_REMARK = "Konten terbit; proses selesai."
REASSIGNED_REMARK = "Pelaksana diganti."
CREATED_REMARK = "Baris baru; ID diberikan oleh sistem."
INTAKE_REMARK = "Dibuat dari unggahan di folder masuk."


def moved_to(step: Step) -> str:
    return f"Lanjut ke {step.label}."


def revision_to(step: Step) -> str:
    return f"Dikembalikan untuk revisi ke {step.label}."


def item_ended(published: bool) -> str:
    state = "sudah terbit" if published else "sudah ditolak"
    return f"Konten ini {state}; perubahan tidak diterima dan nilai sebelumnya dikembalikan."


def system_column(column: str) -> str:
    return f"Kolom '{column}' diisi oleh sistem; perubahan dikembalikan."


def id_restored(item_id: str) -> str:
    return f"ID {item_id} diberikan oleh sistem dan tidak boleh dihapus atau diubah; dikembalikan."


def duplicate_id(item_id: str) -> str:
    return (f"ID {item_id} sudah dipakai baris lain; baris ini tidak diproses. "
            "Hapus baris ini, atau kosongkan ID-nya agar menjadi usulan baru.")


def duplicate_id_problem(item_id: str, sheet_row: int) -> str:
    return f"ID {item_id} dipakai di lebih dari satu baris; baris {sheet_row} dilewati."


def status_cleared(step: Step) -> str:
    return f"Status {step.label} tidak boleh dikosongkan; dikembalikan."


def status_not_allowed(step: Step, value: str, sop: Sop) -> str:
    allowed = ", ".join((*step.statuses, sop.in_progress))
    return f"'{value.strip()}' bukan status yang sah untuk {step.label}; pilih salah satu: {allowed}."


def status_final(step: Step) -> str:
    return f"Status {step.label} sudah final dan tidak dapat diubah; dikembalikan."


def step_not_active(step: Step, active: Step) -> str:
    return f"{step.label} belum aktif (sekarang giliran {active.label}); perubahan dikembalikan."


def actor_locked(step: Step) -> str:
    return f"Pelaksana {step.label} hanya dapat diganti saat langkah itu aktif; dikembalikan."


def actor_not_in_role(value: str, step: Step) -> str:
    return (f"'{value.strip()}' bukan petugas aktif dengan peran {step.role} di tab Petugas; "
            f"Pelaksana {step.label} dikembalikan.")


def no_active_member(step: Step) -> str:
    return f"Tidak ada petugas aktif dengan peran {step.role} untuk {step.label}; isi tab Petugas."


def value_not_allowed(column: str, value: str, allowed: tuple[str, ...]) -> str:
    return f"{column} '{value}' tidak dikenal; pilih dari: {', '.join(allowed)}."


def schedule_unreadable(text: str) -> str:
    return f"Jadwal Tayang '{text}' tidak terbaca; tulis sebagai TTTT-BB-HH JJ:MM (WIB), misalnya 2026-12-01 09:00."


def schedule_in_past(text: str) -> str:
    return f"Jadwal Tayang {text} sudah lewat; perbaiki jadwal atau kosongkan agar segera diunggah."


def scheduled(text: str) -> str:
    return f"Dijadwalkan tayang {text} WIB."


def undone(reason: str) -> str:
    return f"Dibatalkan: {reason}"


def platform_line(platform: str, state: str, problem: str) -> str:
    """One line of Tautan Publikasi / Catatan Sistem for a platform not (yet) published."""
    what = {
        "manual": "unggah manual oleh Admin Medsos",
        "unknown": "PERLU DICEK: hasil unggah tidak pasti, jangan unggah ulang sebelum dicek",
        "failed": "gagal",
        "retrying": "gagal, dicoba lagi otomatis",
    }.get(state, state)
    return f"{platform}: {what}" + (f" ({problem})" if problem else "")
