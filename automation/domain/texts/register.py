"""Every sentence the staff read in the register: notes, stages, log remarks (Indonesian)."""

from __future__ import annotations

from collections.abc import Iterable
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
ADOPTED_REMARK = "Baris dengan ID yang belum dikenal jurnal diambil apa adanya."


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


def foreign_id(typed: str) -> str:
    return (f"ID '{typed}' bukan ID dari sistem (format K-TTTT-NNNN); "
            "kosongkan kolom ID agar baris ini diberi ID baru.")


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
    return (f"Jadwal Tayang '{text}' tidak terbaca; tulis tanggal dan jam (WIB), misalnya 22/12/2026 07.00, "
            "22-12-2026 07:00, 22 Desember 2026 07.00 atau 2026-12-22 07:00.")


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


# problems in the Petugas tab
def roster_row(tab: object, row: object) -> str:
    return f"Tab {tab} baris {row}"


def roster_role_unknown(where: object, role: object, roles: Iterable[str]) -> str:
    return f"{where}: peran '{role}' tidak ada di SOP ({', '.join(roles)})."


def roster_name_empty(where: object) -> str:
    return f"{where}: Nama kosong."


def roster_active_invalid(where: object, yes: object, no: object) -> str:
    return f"{where}: Aktif harus '{yes}' atau '{no}'."


def roster_email_invalid(where: object, email: object) -> str:
    return f"{where}: Email '{email}' tidak sah."


def nobody_active(role: object, step: object) -> str:
    return f"Tidak ada petugas aktif dengan peran '{role}' (langkah {step})."


# `sop-konten init`: one example person per role, on reserved example domains (no real mailbox)
SAMPLE_ROSTER = {
    "Kontributor": ("Rina Kontributor", "rina@kontributor.example"),
    "Desainer/Editor": ("Dimas Desainer", "dimas@ikp.example"),
    "Tim Konten": ("Sari Tim Konten", "sari@ikp.example"),
    "Ketua Tim Kerja Humas & Publikasi": ("Budi Ketua Tim", "budi@ikp.example"),
    "Kabid IKP": ("Ratna Kabid IKP", "kabid@ikp.example"),
    "Admin Medsos": ("Andi Admin Medsos", "andi@ikp.example"),
}


def sample_person(role: object) -> str:
    return f"Petugas {role}"


# --- approval bound to the approved content ------------------------------------

def approval_digest(short: str) -> str:
    """Appended to the Log remark of an approval: which content was approved."""
    return f"Digest konten yang disetujui: {short}."


def approval_files_unreadable(step: Step, status: str) -> str:
    return (f"Folder aset tidak dapat dibaca sekarang, jadi konten yang disetujui belum dapat dicatat; "
            f"isi lagi {step.label} dengan '{status}' sebentar lagi.")


def file_added(name: str) -> str:
    return f"berkas {name} ditambahkan"


def file_removed(name: str) -> str:
    return f"berkas {name} dihapus"


def file_changed(name: str) -> str:
    return f"berkas {name} diubah"


def field_changed(column: str) -> str:
    return f"{column} diubah"


def content_changed(changes: list[str], approval: Step) -> str:
    """The note when the approved content changed before publishing."""
    return (f"Konten berubah setelah disetujui ({'; '.join(changes)}); konten tidak diunggah. "
            f"{approval.label} diminta ulang.")


def approval_reopened(changes: list[str]) -> str:
    return f"Persetujuan dibuka lagi: konten berubah setelah disetujui ({'; '.join(changes)})."


def officer_note_remark(note: str) -> str:
    return f"Catatan Petugas: {note}"


def reason_needed(step: Step, value: str) -> str:
    return (f"Keputusan '{value.strip()}' pada {step.label} menunggu alasan: tulis alasannya di kolom "
            "Catatan Petugas, lalu simpan. Keputusan diproses setelah alasan terisi.")


def stage_held(step: Step, name: str) -> str:
    """Tahap: the active step and who holds it."""
    return f"{step.label} ({name})" if name else step.label


def intake_remark(unit: str) -> str:
    """The Log line of an item made from an upload; the contributor's unit where kontributor.txt names it."""
    return f"{INTAKE_REMARK} Unit pengaju: {unit}." if unit.strip() else INTAKE_REMARK


# Words in a unit's name (kontributor.txt) that tell its Sumber, as people write them; first match wins.
UNIT_SOURCE_WORDS = (
    (("kementerian", "kemen"), "Kementerian"),
    (("pemda diy", "pemerintah daerah diy", "daerah istimewa", "pemprov"), "Pemda DIY"),
    (("pemkot", "kota yogyakarta", "kota jogja", "kemantren", "kelurahan"), "Pemkot Yogyakarta"),
    (("lembaga", "badan", "komisi", "otoritas"), "Lembaga"),
)


# --- the yearly archive (domain/archive.py) ---------------------------------------
ARCHIVED_AT_HEADER = "Diarsipkan"  # the archive's extra column: when the row was moved there
ARCHIVE_TAB_PREFIX = "Arsip"


def archive_tab(year: int) -> str:
    """The yearly archive's tab (Google) or sheet (the local archive workbook): `Arsip 2026`."""
    return f"{ARCHIVE_TAB_PREFIX} {year}"


def archived_remark(tab: str) -> str:
    return f"Baris dipindahkan ke {tab}; proses sudah selesai, riwayat tetap di jurnal dan laporan."


def archived_again(item_id: str, tab: str) -> str:
    return (f"ID {item_id} sudah dipindahkan ke {tab}; baris ini salinan dan tidak diproses. "
            f"Hapus baris ini; perubahan untuk konten ini dicatat di {tab}.")


def archived_again_problem(item_id: str, tab: str, sheet_row: int) -> str:
    return f"ID {item_id} sudah diarsipkan ke {tab} tetapi muncul lagi di Register (baris {sheet_row}); dilewati."


def archive_edited(columns: Iterable[str]) -> str:
    return (f"Baris ini diubah setelah diarsipkan (kolom: {', '.join(columns)}); "
            "perubahan disimpan di arsip dan tidak diproses oleh sistem.")


def archive_edited_problem(item_id: str, tab: str, columns: Iterable[str]) -> str:
    return f"{item_id} di {tab} diubah setelah diarsipkan (kolom: {', '.join(columns)}); perubahan tidak diproses."


def archive_missing_problem(item_id: str, tab: str) -> str:
    return f"{item_id} tidak ditemukan lagi di {tab}; riwayatnya tetap di jurnal."
