"""Problems with Google access and Drive, read by the operator."""

from __future__ import annotations

KEY_NOT_SET = ("Kunci akun layanan Google belum diatur: isi [google] key_file di sop-konten.toml atau "
               "variabel lingkungan GOOGLE_APPLICATION_CREDENTIALS, atau pakai akun pengguna dengan "
               "[google] auth = \"oauth\" dan `sop-konten login`.")


def key_file_missing(path: object) -> str:
    return f"Berkas kunci akun layanan {path} tidak ditemukan."


def not_a_key(path: object) -> str:
    return f"Berkas {path} bukan kunci akun layanan Google yang sah."


def key_rejected(account: object, reason: object) -> str:
    """Said by adapters that do not know the identity's kind: names both remedies."""
    return (f"Google menolak kredensial akun {account} ({reason}); untuk akun layanan periksa berkas kunci atau "
            "buat kunci baru, untuk akun pengguna (OAuth) jalankan `sop-konten login` lagi.")


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


# --- identity: who the daemon is on Google (`[google] auth`) --------------------------------------

def not_signed_in(token_file: object) -> str:
    return (f"Belum ada akun Google yang masuk: berkas token {token_file} tidak ada; jalankan "
            "`sop-konten login` di mesin yang menjalankan daemon.")


def token_file_invalid(token_file: object) -> str:
    return f"Berkas token {token_file} bukan token OAuth sop-konten yang sah; jalankan `sop-konten login` lagi."


def token_file_open(token_file: object) -> str:
    return (f"Berkas token {token_file} dapat dibaca pengguna lain di mesin ini; jalankan "
            f"`chmod 600 {token_file}`.")


def user_token_refused(account: object, detail: object) -> str:
    return (f"Google menolak token akun {account} ({detail}): izinnya dicabut atau kedaluwarsa; jalankan "
            "`sop-konten login` lagi.")


def refresh_token_expires(account: object, when: object) -> str:
    return (f"Token akun {account} berhenti berlaku pada {when} karena aplikasi OAuth masih berstatus Testing; "
            "di Cloud Console (Google Auth Platform > Audience) pilih Publish app atau jenis pengguna Internal, "
            "lalu jalankan `sop-konten login` lagi.")


def client_secrets_missing(path: object) -> str:
    return (f"Berkas klien OAuth {path} tidak ditemukan; unduh JSON klien jenis Desktop app dari Cloud Console "
            "(Google Auth Platform > Clients) dan simpan dengan nama itu, atau isi [google] client_secrets.")


def client_secrets_invalid(path: object) -> str:
    return (f"Berkas {path} bukan klien OAuth jenis Desktop app; buat klien jenis Desktop app di Cloud Console "
            "(Google Auth Platform > Clients) dan unduh JSON-nya.")


def login_refused(error: object) -> str:
    return f"Masuk dibatalkan: Google menjawab {error} (izin tidak diberikan di layar persetujuan)."


LOGIN_STATE_MISMATCH = ("Alamat yang diterima bukan jawaban atas permintaan masuk ini; jalankan "
                        "`sop-konten login` lagi dan pakai alamat yang baru.")
LOGIN_NO_CODE = "Alamat yang diterima tidak memuat kode dari Google; salin seluruh alamat dari bilah alamat browser."
LOGIN_NO_REFRESH_TOKEN = ("Google tidak memberi token penyegar (refresh token); cabut akses sop-konten di "
                          "myaccount.google.com/permissions lalu jalankan `sop-konten login` lagi.")
LOGIN_PAGE = ("<!doctype html><meta charset=utf-8><title>sop-konten</title>"
              "<p>Masuk ke Google selesai. Jendela ini boleh ditutup dan kembali ke terminal.</p>")


def login_timed_out(seconds: object) -> str:
    return f"Tidak ada jawaban dari browser dalam {seconds} detik; jalankan `sop-konten login` lagi."


def login_exchange_failed(reason: object) -> str:
    return f"Google tidak menukar kode masuk dengan token ({reason}); jalankan `sop-konten login` lagi."


def identity_service_account(account: object, key: object) -> str:
    return f"Identitas Google: akun layanan {account} (kunci {key}), tanpa delegasi."


def identity_delegated(account: object, user: object, key: object) -> str:
    return (f"Identitas Google: akun layanan {account} (kunci {key}) bertindak sebagai {user} lewat "
            "delegasi seluruh domain.")


def identity_user(account: object, token_file: object) -> str:
    return f"Identitas Google: akun pengguna {account or UNNAMED_ACCOUNT}, masuk dengan OAuth (token {token_file})."


def reach_spreadsheet(title: object, account: object) -> str:
    return f"Spreadsheet register \u201c{title}\u201d dapat dibaca dan ditulis oleh {account}."


def reach_folder(name: object, where: object, account: object) -> str:
    return f"Folder Drive \u201c{name}\u201d ({where}) dapat diisi oleh {account}."


SHARED_DRIVE = "di shared drive"
MY_DRIVE = "di My Drive"


def reach_gmail(account: object, mailbox: object) -> str:
    return f"{account} boleh mengirim e-mail lewat Gmail sebagai {mailbox}."


def my_drive_with_service_account(account: object) -> str:
    return (f"Folder Drive ada di My Drive, sedangkan identitasnya akun layanan {account}: akun layanan tidak punya "
            "kuota penyimpanan Drive, dan folder item yang dibuatnya akan menjadi milik akun layanan, bukan kantor. "
            "Pindahkan folder ke shared drive dan isi [assets] shared_drive, atau pakai [google] auth = \"oauth\" "
            "atau delegated_user.")


def gmail_scope_missing(account: object) -> str:
    return (f"Akun {account} belum memberi izin mengirim Gmail (cakupan gmail.send tidak dicentang saat masuk); "
            "jalankan `sop-konten login` lagi dan centang semua izin.")


def scopes_missing(account: object, scopes: object) -> str:
    return (f"Akun {account} belum memberi izin {scopes}; jalankan `sop-konten login` lagi dan centang semua "
            "izin.")


def sender_differs(sender: object, mailbox: object) -> str:
    return (f"[notify] sender {sender} bukan alamat akun yang mengirim ({mailbox}); Gmail akan menulis {mailbox} "
            "sebagai pengirim kecuali alamat itu sudah menjadi alias (Send mail as) akun tersebut.")
