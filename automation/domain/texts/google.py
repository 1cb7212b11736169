"""Problems with Google access and Drive, read by the operator."""

from __future__ import annotations

KEY_NOT_SET = ("Kunci akun layanan Google belum diatur: isi [google] key_file di sop-konten.toml atau "
               "variabel lingkungan GOOGLE_APPLICATION_CREDENTIALS.")


def key_file_missing(path: object) -> str:
    return f"Berkas kunci akun layanan {path} tidak ditemukan."


def not_a_key(path: object) -> str:
    return f"Berkas {path} bukan kunci akun layanan Google yang sah."


def key_rejected(account: object, reason: object) -> str:
    return f"Google menolak kunci akun layanan {account} ({reason}); periksa berkas kunci atau buat kunci baru."


def token_refresh_failed(error: object) -> str:
    return f"Token Google tidak dapat diperbarui: {error}"


def not_a_folder(root: object) -> str:
    return f"{root} bukan folder Drive; isi [assets] root_folder dengan ID folder."


def folder_read_only(account: object, root: object) -> str:
    return (f"Akun layanan {account} hanya boleh melihat folder Drive {root}; bagikan folder itu sebagai "
            "Editor (Content manager untuk shared drive).")


def shared_drive_required(root: object, drive: object) -> str:
    where = f"di shared drive {drive}" if drive else "di My Drive, bukan di shared drive"
    return f'Folder Drive {root} ada {where}; isi [assets] shared_drive = "{drive}" di sop-konten.toml.'


def item_without_folder(item_id: object) -> str:
    return f"Item {item_id} tidak memiliki folder Drive yang tercatat."


def download_corrupt(file_id: object, got: object, expected: object) -> str:
    return f"Unduhan berkas Drive {file_id} rusak (md5 {got}, seharusnya {expected})."


def download_failed(file_id: object, kind: object, error: object) -> str:
    return f"Unduhan berkas Drive {file_id} gagal: {kind}: {error}"


def drive_request_failed(kind: object, error: object) -> str:
    return f"Permintaan ke Drive gagal: {kind}: {error}"


def drive_batch_failed(kind: object, error: object) -> str:
    return f"Permintaan gabungan ke Drive gagal: {kind}: {error}"


NO_BATCH_ANSWER = "Tidak ada jawaban dalam permintaan gabungan."


def stage_folder_gone(folder: object) -> str:
    return (f"Folder tahap Drive {folder} sudah tidak ada (dihapus seseorang?); folder induk dibaca ulang dan "
            "folder tahap yang hilang dibuat lagi pada percobaan berikutnya.")


def shared_drive_no_access(folder: object, shared_drive: object, account: object) -> str:
    return (f"Folder Drive {folder} di shared drive {shared_drive} belum dapat diakses akun layanan {account}; "
            "tambahkan akun itu sebagai anggota shared drive dengan peran Content manager.")


def folder_not_found(folder: object, account: object) -> str:
    return (f"Folder Drive {folder} tidak ditemukan atau belum dibagikan ke akun layanan {account}; periksa "
            "ID-nya dan bagikan sebagai Editor (Content manager untuk shared drive).")


def folder_not_shared(folder: object, account: object) -> str:
    return (f"Folder Drive {folder} belum dibagikan ke akun layanan {account}; bagikan sebagai Editor "
            "(Content manager untuk shared drive).")


def drive_answered(status: object, reason: object, folder: object, detail: object) -> str:
    return f"Drive menjawab {status} ({reason or 'tanpa alasan'}) untuk {folder}: {detail}"


def file_not_shared(what: object, key: object, account: object) -> str:
    return f"{what} {key} belum dibagikan ke akun layanan {account}; bagikan sebagai Editor lalu jalankan lagi."


def file_not_found(what: object, key: object) -> str:
    return f"{what} {key} tidak ditemukan; periksa ID atau URL di sop-konten.toml."


def file_answered(status: object, what: object, key: object, detail: object) -> str:
    return f"Google menjawab {status} untuk {what} {key}: {detail}"

SERVICE_ACCOUNT = "akun layanan sop-konten"
UNNAMED_ACCOUNT = "(tanpa nama)"
