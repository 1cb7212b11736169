"""What the `sop-konten` command prints: help, summaries and errors (Indonesian)."""

from __future__ import annotations

PROG = "sop-konten"
DESCRIPTION = ("Menjalankan SOP konten pada register bersama: memeriksa isian, mencatat waktu, menugaskan "
               "dan memberi tahu petugas, memindahkan bahan, dan menerbitkan konten.")
COMMANDS = "perintah"
COMMAND_METAVAR = "PERINTAH"
FILE_METAVAR = "BERKAS"
FOLDER_METAVAR = "FOLDER"
DATE_METAVAR = "TTTT-BB-HH"
HELP_VERBOSE = "tampilkan log rinci (debug)"
HELP_VERSION = "tampilkan versi program lalu keluar"
HELP_INIT = "buat ruang kerja lokal (register, folder, konfigurasi)"
HELP_RUN = "jalankan daemon: satu siklus setiap poll_seconds sampai dihentikan"
HELP_ONCE = "jalankan satu siklus dan tampilkan hasilnya"
HELP_CHECK = "periksa konfigurasi, berkas SOP, judul kolom register dan daftar petugas"
HELP_SETUP = "siapkan register dan folder: tab, judul kolom, pilihan isian, proteksi"
HELP_DASBOR = "sajikan Dasbor (hanya baca) dari ruang kerja ini, tanpa menjalankan daemon"
HELP_AUDIT = "periksa jejak audit di jurnal"
HELP_AUDIT_VERIFY = ("periksa rantai hash peristiwa di jurnal: sebutkan peristiwa pertama yang diubah atau "
                     "dihapus")
HELP_REPORT = "tulis laporan pemantauan SOP (XLSX + grafik PNG) untuk satu periode"
HELP_DIR = "folder ruang kerja (bawaan: %(default)s)"
HELP_FROM = "tanggal awal periode (bawaan: tanggal 1 bulan ini)"
HELP_TO = "tanggal akhir periode (bawaan: hari ini)"
HELP_OUT = "berkas .xlsx yang ditulis (berkas .png diletakkan di sebelahnya)"
CHECK_OK = "OK: konfigurasi, SOP, judul kolom register dan daftar petugas sesuai."

# argparse's own words (usage line, section titles, -h, errors), by their English msgid.
ARGPARSE = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "optional arguments": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "expected one argument": "membutuhkan satu nilai",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "opsi ambigu: %(option)s cocok dengan %(matches)s",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "ignored explicit argument %r": "argumen eksplisit %r diabaikan",
    "unexpected option string: %s": "opsi tidak terduga: %s",
    "expected at least one argument": "membutuhkan paling sedikit satu nilai",
    "expected at most one argument": "membutuhkan paling banyak satu nilai",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)",
}


def help_config(config_name: object) -> str:
    return f"lokasi berkas {config_name}"


def version(number: str) -> str:
    return f"{PROG} {number}"


def error_line(error: object) -> str:
    return f"{PROG}: {error}"


def report_written(xlsx: object) -> str:
    return f"Laporan: {xlsx}"


def chart_written(png: object) -> str:
    return f"Grafik : {png}"


def report_tab_written(tab: object, rows: object) -> str:
    return f"Tab {tab}: {rows} baris ditulis ke spreadsheet."


def check_problem(problem: object) -> str:
    return f"MASALAH: {problem}"


def check_warning(warning: object) -> str:
    return f"PERINGATAN: {warning}"


def unexpected_error(kind: object, error: object) -> str:
    return f"kesalahan tak terduga ({kind}: {error}); jalankan lagi dengan -v untuk rinciannya dan laporkan."


def config_not_found(path: object) -> str:
    return f"berkas konfigurasi {path} tidak ditemukan."


def no_config_here(config_name: object) -> str:
    return f"tidak ada {config_name} di folder ini; jalankan 'sop-konten init' atau beri --config."


def where_workspace(base: object) -> str:
    return f"Ruang kerja : {base}"


def where_register(register_path: object, title: object, first: object, status: object) -> str:
    return (f"Register    : {register_path}  (buka dengan LibreOffice/Excel; isi {title} lalu "
            f"'{first}' = {status})")


def where_assets(assets_path: object) -> str:
    return f"Folder aset : {assets_path}  (letakkan bahan di '00 Masuk' untuk membuat item baru)"


def where_outbox(outbox_path: object) -> str:
    return f"Pesan keluar: {outbox_path}"


def where_feed(index: object) -> str:
    return f"Publikasi   : {index}"


def journal_not_found(path: object) -> str:
    return f"jurnal {path} tidak ditemukan."


def audit_intact(count: object) -> str:
    return f"Jejak audit utuh: rantai hash {count} peristiwa sesuai."


_AUDIT_REASONS = {
    "edited": "isinya diubah setelah dicatat",
    "unlinked": "peristiwa sebelumnya hilang atau diganti",
    "missing": "peristiwa ini (yang terakhir dicatat) hilang",
}


def audit_broken(no: object, item_id: object, at: object, reason: str, intact_until: object) -> str:
    where = ", ".join(str(part) for part in (item_id, at) if part)
    intact = f" Peristiwa sampai no. {intact_until} utuh." if intact_until else ""
    return (f"Jejak audit RUSAK pada peristiwa no. {no}" + (f" ({where})" if where else "")
            + f": {_AUDIT_REASONS.get(reason, reason)}.{intact}")


# --- login and the test message --------------------------------------------------------------------
HELP_LOGIN = "masuk ke Google dengan akun pengguna (untuk [google] auth = \"oauth\"); token disimpan di workspace"
HELP_LOGIN_PASTE = ("tanpa browser di mesin ini: buka alamatnya di komputer lain, lalu tempel alamat tempat "
                    "browser berakhir")
HELP_LOGIN_PORT = "port tetap untuk alamat balik (untuk terowongan SSH: ssh -L PORT:127.0.0.1:PORT server)"
HELP_LOGIN_NO_BROWSER = "jangan membuka browser; cukup tampilkan alamatnya"
HELP_SEND_TEST = "kirim satu e-mail uji lewat jalur e-mail yang dikonfigurasi (ke ALAMAT atau ke operator)"
ADDRESS_METAVAR = "ALAMAT"
PORT_METAVAR = "PORT"
LOGIN_NEEDS_OAUTH = ("`sop-konten login` hanya untuk [google] auth = \"oauth\"; konfigurasi ini memakai akun "
                     "layanan (berkas kunci), yang tidak perlu masuk.")
PASTE_PROMPT = "Alamat dari browser: "


def login_open(address: object) -> str:
    return f"Buka alamat ini di browser, masuk dengan akun Google kantor, lalu setujui izinnya:\n\n  {address}\n"


def login_paste(address: object) -> str:
    return (f"Buka alamat ini di browser (boleh di komputer lain), masuk dan setujui izinnya:\n\n  {address}\n\n"
            "Browser lalu berakhir di halaman yang tidak dapat dimuat (127.0.0.1); salin seluruh alamat halaman "
            "itu dan tempel di sini.")


def logged_in(account: object, token_file: object) -> str:
    return f"Masuk sebagai {account}; token disimpan di {token_file} (hanya pemilik berkas yang dapat membacanya)."


def test_mail_sent(address: object, path: object) -> str:
    return f"E-mail uji terkirim ke {address} lewat {path}."


def test_mail_failed(address: object, path: object, reason: object) -> str:
    return f"E-mail uji ke {address} lewat {path} gagal: {reason}"


TEST_MAIL_SUBJECT = "Uji kirim sop-konten"


def test_mail_body(path: object, config: object) -> str:
    return (f"Ini e-mail uji dari `sop-konten check --kirim-uji`, dikirim lewat {path} sesuai {config}.\n"
            "Bila e-mail ini sampai, pemberitahuan sop-konten juga akan sampai. Tidak perlu dibalas.\n")


MAIL_PATHS = {"gmail": "Gmail", "smtp": "server SMTP", "outbox": "folder outbox"}
