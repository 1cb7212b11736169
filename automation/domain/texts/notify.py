"""Problems delivering notifications (SMTP, Gmail, apprise, outbox), read by the operator."""

from __future__ import annotations

from collections.abc import Iterable

STARTTLS_AND_SSL = "pilih salah satu: starttls atau ssl, tidak keduanya"
APPRISE_NOT_INSTALLED = "apprise belum terpasang: pip install 'sop-konten[notify]'"


def bad_key(table: object, key: object, reason: object) -> str:
    return f"kunci '{table}.{key}': {reason}."


def not_an_address(sender: object) -> str:
    return f"bukan alamat e-mail: {sender!r}"


def smtp_failed(host: object, port: object, detail: object) -> str:
    return f"Pengiriman SMTP lewat {host}:{port} gagal ({detail})"


def smtp_refused(host: object, port: object, recipients: object) -> str:
    return f"Server SMTP {host}:{port} menolak penerima {recipients}"


def smtp_password_missing(username: object, password_env: object) -> str:
    return f"Pengguna SMTP {username!r} memerlukan kata sandi di variabel lingkungan {password_env!r}"


def gmail_unreachable(kind: object, error: object) -> str:
    return f"Gmail API tidak dapat dihubungi ({kind}: {error}); pesan akan dicoba lagi"


def env_empty(name: object, user: object) -> str:
    return f"variabel lingkungan {name} kosong (dipakai oleh {user})"


def channel_env_empty(channel: object, name: object) -> str:
    return f"{channel}: variabel lingkungan {name} kosong"


def no_route(address: object) -> str:
    return f"tidak ada rute apprise untuk {address}"


def apprise_failed(key: object, failed: object, total: object, problems: object) -> str:
    return f"pengiriman apprise {key} gagal pada {failed} dari {total} saluran: {problems}"


def no_channel(name: object) -> str:
    return f"tidak ada saluran yang menjangkau {name}"


def delegation_hint(client_id: object, account: object, scope: object, address: object) -> str:
    client = f"client ID {client_id}" if client_id else "client ID akun layanan"
    who = f" ({account})" if account else ""
    return (f"diperlukan domain-wide delegation: di Google Admin console (Security > Access and data control > "
            f"API controls > Domain-wide delegation) tambahkan {client}{who} dengan cakupan {scope}, dan pastikan "
            f"{address} adalah pengguna domain Workspace tersebut")


def gmail_refused(address: object, detail: object, hint: object) -> str:
    return f"Gmail menolak mengirim sebagai {address} ({detail}): {hint}."


def gmail_refused_status(address: object, status: object, detail: object, hint: object) -> str:
    return f"Gmail menolak mengirim sebagai {address} ({status} {detail}): {hint}."


def gmail_failed(address: object, status: object, detail: object) -> str:
    return f"Gmail API tidak dapat mengirim pesan sebagai {address} ({status} {detail})"


def gmail_not_delegated(account: object, address: object, hint: object) -> str:
    return (f"Google tidak mengizinkan {account or 'akun layanan'} bertindak sebagai {address} "
            f"(unauthorized_client): {hint}.")


def gmail_unknown_user(address: object, detail: object) -> str:
    return (f"Google tidak mengenal {address} sebagai pengguna Workspace untuk pengirim ({detail}); "
            "isi [notify] sender dengan kotak surat di domain tersebut.")


def gmail_token_failed(detail: object) -> str:
    return f"Permintaan token Google untuk Gmail gagal ({detail})"


def kind_labels(digest: str) -> dict[str, str]:
    """The label of each message kind (the digest lists its messages under them), by template name."""
    return {
        "task": "Tugas baru",
        "revision": "Revisi",
        "review_revised": "Hasil revisi",
        "received": "Tanda terima",
        "accepted": "Diterima",
        "publish_result": "Hasil unggah",
        "reassigned": "Tugas dialihkan",
        "approval_changed": "Persetujuan diminta ulang",
        "reminder": "Pengingat",
        "escalation": "Eskalasi",
        "rejected": "Ditolak",
        "published": "Terbit",
        "publish_failed": "Publikasi gagal",
        "publish_unconfirmed": "Perlu Dicek",
        "publish_manual": "Unggah manual",
        "token_expiry": "Token akan kedaluwarsa",
        "register_locked": "Register masih dibuka",
        digest: "Ringkasan harian",
    }


# problems with a person's channels in the Petugas tab
def roster_row(number: object) -> str:
    return f"Tab Petugas baris {number}"


def telegram_invalid(where: object, value: object) -> str:
    return f"{where}: Telegram '{value}' bukan ID obrolan (angka) atau @nama kanal."


def telegram_not_configured(where: object) -> str:
    return f"{where}: kolom Telegram diisi, tetapi notify.apprise.telegram_bot_env belum diatur."


def whatsapp_invalid(where: object, value: object) -> str:
    return f"{where}: WhatsApp '{value}' bukan nomor telepon."


def whatsapp_not_configured(where: object) -> str:
    return f"{where}: kolom WhatsApp diisi, tetapi notify.apprise.whatsapp_token_env belum diatur."


def roster_urls_off(where: object) -> str:
    return f"{where}: kolom Notifikasi tidak dipakai (notify.apprise.roster_urls = false)."


def scheme_not_allowed(where: object, scheme: object, allowed: Iterable[str]) -> str:
    return f"{where}: Notifikasi '{scheme}://...' tidak diizinkan; skema yang boleh: {', '.join(allowed)}."


def no_secrets_in_roster(where: object) -> str:
    return f"{where}: Notifikasi tidak boleh memakai ${{...}}; rahasia hanya di konfigurasi."


def invalid_apprise_url(scheme: object) -> str:
    return f"{scheme}:// (bukan URL apprise yang sah)"


NO_DETAIL = "tanpa keterangan"
DEFAULT_KIND_LABEL = "Pemberitahuan"


# where a message points the reader (the links under a notification)
def register_row(item_id: object, link: object) -> str:
    return f"Register (baris {item_id}): {link}"


def asset_folder(link: object) -> str:
    return f"Folder aset: {link}"


def platform_caption_line(platform: str, length: int, limit: int | None, problems: list[str],
                          shown: str = "") -> str:
    """A decision mail's line per platform: how long the caption is there, what is wrong with it, and
    (`shown`) what the feed shows before "selengkapnya" when it folds the caption."""
    size = f"{length} dari {limit} karakter" if limit else f"{length} karakter"
    line = f"{platform}: {size}" + (f" - {' '.join(problems)}" if problems else ", sesuai aturan platform")
    return line + (f'; di linimasa terlihat: "{shown}... selengkapnya"' if shown else "")
