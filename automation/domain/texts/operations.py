"""What `sop-konten status` and `sop-konten backup` say to the server operator (Indonesian)."""

from __future__ import annotations

HELP_STATUS = ("tampilkan keadaan daemon dari jurnal: siklus terakhir, penulisan register yang menunggu, "
               "tindakan tertunda dan gagal, masa berlaku token; keluar dengan status 1 bila daemon berhenti")
HELP_BACKUP = ("buat cadangan yang konsisten (jurnal, konfigurasi, berkas SOP, register lokal) walau daemon "
               "sedang berjalan")
HELP_BACKUP_TARGET = ("folder tempat cadangan bertanggal dibuat, atau berkas .tar.gz "
                      "(bawaan: folder 'cadangan' di ruang kerja)")
HELP_WITH_SECRETS = "ikut sertakan berkas rahasia (kunci akun layanan, token) yang disebut konfigurasi"
HELP_KEEP = "simpan hanya N cadangan terbaru di folder tujuan; yang lebih lama dihapus"
TARGET_METAVAR = "TUJUAN"
COUNT_METAVAR = "N"

# -- status -------------------------------------------------------------------

NEVER_RUN = "Daemon belum pernah menyelesaikan satu siklus pun pada jurnal ini (atau jurnal belum ada)."
NO_WAITING_WRITES = "Penulisan register: tidak ada yang menunggu."
NO_TOKENS = "Token platform: belum ada yang tercatat."


def duration(seconds: float) -> str:
    """A span as people say it: '45 detik', '3 menit', '2 jam 5 menit', '4 hari 1 jam'."""
    whole = max(0, int(round(seconds)))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} hari" + (f" {hours} jam" if hours else "")
    if hours:
        return f"{hours} jam" + (f" {minutes} menit" if minutes else "")
    if minutes:
        return f"{minutes} menit" + (f" {secs} detik" if secs else "")
    return f"{secs} detik"


def daemon_running(at: object, age: object, limit: object) -> str:
    return f"Daemon berjalan: siklus terakhir {at} ({age} lalu; dianggap berhenti bila lebih dari {limit})."


def daemon_stale(at: object, age: object, limit: object) -> str:
    return (f"Daemon TIDAK berjalan: siklus terakhir {at} ({age} lalu), lebih lama dari {limit}. "
            "Periksa layanan dan lognya (docs/operations.md).")


def last_cycle(line: object, seconds: float) -> str:
    return f"Siklus terakhir ({_decimal(seconds)} detik): {line}"


def totals(cycles: object, failed: object) -> str:
    return f"Sejak jurnal dibuat: {cycles} siklus, {failed} di antaranya gagal."


def waiting_writes(count: object, items: object) -> str:
    return f"Penulisan register menunggu: {count} item ({items})."


def register_held_open(since: object) -> str:
    return f"Register dibuka seseorang sejak {since}; penulisan menunggu sampai register ditutup."


def effects(pending: object, failed: object) -> str:
    return f"Tindakan tertunda: {pending}; gagal (dicoba lagi setiap siklus): {failed}."


def failed_effect(kind: object, item_id: object, attempts: object, error: object) -> str:
    return f"  - {kind} {item_id}, {attempts} kali dicoba: {error or 'tanpa keterangan'}"


def more_failed(count: object) -> str:
    return f"  - dan {count} lainnya"


def token_valid(platform: object, until: object, left: object) -> str:
    return f"Token {platform}: berlaku sampai {until} ({left} lagi)."


def token_expiring(platform: object, until: object, left: object) -> str:
    return f"Token {platform}: SEGERA KEDALUWARSA pada {until} ({left} lagi); perbarui token."


def token_expired(platform: object, until: object) -> str:
    return f"Token {platform}: KEDALUWARSA sejak {until}; penerbitan ke {platform} gagal sampai token diperbarui."


# -- backup -------------------------------------------------------------------

def backup_made(where: object, count: object) -> str:
    return f"Cadangan dibuat: {where} ({count} berkas)."


def backup_file(name: object) -> str:
    return f"  - {name}"


def backup_journal_ok(events: object) -> str:
    return f"Salinan jurnal utuh (integrity_check ok); rantai hash {events} peristiwa sesuai."


def backup_journal_damaged(result: object) -> str:
    return f"Salinan jurnal RUSAK menurut integrity_check: {result}. Cadangan disimpan, tetapi jangan dipakai memulihkan."


def backup_secrets_left_out(count: object) -> str:
    return (f"{count} berkas rahasia tidak ikut dicadangkan (kunci, token); simpan terpisah di tempat aman "
            "atau ulangi dengan --with-secrets.")


def backups_removed(count: object, keep: object) -> str:
    return f"{count} cadangan lama dihapus; {keep} terbaru disimpan."


def backup_target_is_file(target: object) -> str:
    return f"tujuan cadangan {target} adalah berkas; beri folder, atau nama berkas yang berakhiran .tar.gz."


def backup_exists(target: object) -> str:
    return f"berkas cadangan {target} sudah ada; beri nama lain."


KEEP_AT_LEAST_ONE = "harus bilangan bulat minimal 1"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")

GOOGLE_SIGN_IN = "Google (akun yang masuk)"  # the OAuth sign-in, among the platform tokens in `status`
