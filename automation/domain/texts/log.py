"""Log lines at INFO and above, read by the server operator (Indonesian; %-style, formatted lazily)."""

from __future__ import annotations

# daemon (commands/cli.py)
DAEMON_STARTING = "daemon dimulai (pid %s); memuat konfigurasi"
DAEMON_STARTED = "daemon berjalan; satu siklus setiap %s detik; hentikan dengan Ctrl+C"
DAEMON_STOPPED = "daemon berhenti"
CREATING_WORKSPACE = "konfigurasi tidak ditemukan: membuat ruang kerja lokal ./%s"
STOP_REQUESTED = "permintaan berhenti (sinyal %s); menyelesaikan siklus yang sedang berjalan"
CYCLE = "siklus: %s"
HEARTBEAT = "daemon masih berjalan: %d siklus tanpa perubahan sejak baris terakhir; siklus terakhir: %s"
CYCLE_FAILED = "siklus gagal: %s Siklus dicoba lagi pada giliran berikutnya."
CONFIG_WARNING = "peringatan: %s"
UNEXPECTED_ERROR_DETAIL = "rincian kesalahan tak terduga"

# engine and digest (service/)
DIGEST = "ringkasan harian: %s"
DIGEST_NOT_SENT = "ringkasan harian tidak terkirim: %s"
DIGEST_QUEUED = "notifikasi %s dimasukkan ke ringkasan harian"
DIGEST_SENT = "ringkasan harian %s terkirim (%d pesan)"
DIGEST_NOT_SENT_RETRY = "ringkasan harian %s tidak terkirim, dicoba lagi pada pengiriman berikutnya: %s"
REGISTER_UNUSABLE = "register tidak dapat digunakan, tidak ada yang ditulis: %s"
ASSETS_UNUSABLE = "penyimpanan aset tidak dapat digunakan, tidak ada yang dikerjakan: %s"
PENDING_WRITE_SETTLED = "penulisan register dari siklus yang terputus diselesaikan: %d dari %d item tercatat"
REGISTER_NOT_WRITTEN_RETRY = "register tidak tertulis, dicoba lagi pada siklus berikutnya: %s"
ROW_LEFT_ALONE = "%s/%s tidak diubah: sudah diubah seseorang setelah dibaca"
EFFECT_FAILED = "tindakan %s gagal: %s"
REGISTER_LOCK_REMINDED = "register %s dibuka %s selama %s menit; pengingat untuk menutupnya dikirim ke %s"
REGISTER_LOCK_REMINDER_FAILED = "pengingat untuk menutup register tidak terkirim, dicoba lagi pada siklus berikutnya: %s"
REGISTER_LOCK_NOBODY = "register %s dibuka terlalu lama, tetapi tidak ada alamat untuk pengingat (isi register.operator_email)"
TOKEN_REFRESHED = "token %s diperbarui, berlaku sampai %s"
TOKEN_NOT_REFRESHED = "token %s tidak dapat diperbarui: %s"
NO_ADDRESS = "tidak ada alamat untuk %s (%s); pesan tidak dikirim"
MEDIA_NOT_READABLE = "media %s tidak dapat dibaca untuk pemeriksaan: %s"
CONTENT_NOT_READABLE = "isi folder %s tidak dapat dibaca untuk mencocokkan persetujuan: %s"
PUBLISH_WITHHELD = "%s tidak diunggah: konten berubah setelah disetujui (%s)"

# register (sheets.py, adapters/local/workbook.py)
REGISTER_NOT_WRITTEN = "register tidak tertulis: %s"
ROW_NOT_FOUND = "baris register untuk %s tidak ditemukan; perubahannya dilewati"
COLUMN_NOT_FOUND = "kolom register %r tidak ditemukan; perubahan dilewati"
NEW_ROW_COLUMN_NOT_FOUND = "kolom register %r tidak ditemukan; nilai untuk baris baru dilewati"
LOG_ROW_WITHOUT_NUMBER = "baris log tanpa nomor kejadian dilewati: %r"

# Google (adapters/google/)
GOOGLE_RETRY_STATUS = "%s %s dijawab %s; dicoba lagi"
GOOGLE_RETRY_ERROR = "%s %s: %s; dicoba lagi"
GMAIL_RETRY = "Gmail menjawab %s; dicoba lagi"
GMAIL_BATCH_RETRY = "Gmail menolak %d pesan karena batas laju; dicoba lagi"
GMAIL_SENT = "notifikasi %s terkirim lewat Gmail sebagai %s (id %s)"

# notifications (adapters/notify/)
APPRISE_NO_ROUTE = "tidak ada rute apprise untuk %s; %s tidak dikirim lewat apprise"
APPRISE_SENT = "notifikasi %s terkirim lewat %s"
OUTBOX_WRITTEN = "notifikasi ditulis ke %s"
SMTP_SENT = "notifikasi %s terkirim lewat %s:%s"

# local folders and feed (adapters/local/)
FEED_PUBLISHED = "%s diterbitkan ke publikasi lokal %s"
FEED_REMOVING_INCOMPLETE = "menghapus folder publikasi yang tidak lengkap %s"
FEED_SKIPPING_UNREADABLE = "%s tidak terbaca dan dilewati: %s"
FOLDERS_SEVERAL = "item %s punya beberapa folder; %s dipindahkan, sisanya dibiarkan"
INTAKE_VANISHED = "entri masuk %r hilang sebelum menjadi item %s"
INTAKE_UNSAFE_ENTRY = ("%s di folder masuk adalah tautan (symlink), tautan keras, atau file khusus; "
                       "tidak dibaca dan tidak dijadikan item")
REGISTER_SAVE_SUPERSEDED = "salinan register %s dibiarkan karena %s sudah disimpan lagi oleh orang lain"
TEMPORARY_FILES_SWEPT = "%d file sementara milik daemon dari jalan sebelumnya dihapus"
TEMPORARY_FILES_NOT_SWEPT = "file sementara milik daemon tidak dapat dibersihkan: %s"

# Drive (drive.py)
DRIVE_STAGES_READY = "folder tahap Drive siap di %s (%d folder)"
DRIVE_ITEM_MOVED = "item %s dipindahkan ke tahap Drive %r"
DRIVE_NO_LINK = "tidak ada tautan Drive untuk %s: %s"
DRIVE_SEVERAL_FOLDERS = "item %s punya %d folder di Drive; satu dipakai, sisanya dibiarkan"
DRIVE_INTAKE_GONE = "entri masuk %r sudah tidak ada; item %s ditempatkan tanpanya"
DRIVE_INTAKE_FILE_CLAIMED = "berkas masuk %r dijadikan item %s"
DRIVE_INTAKE_FOLDER_CLAIMED = "folder masuk %r dijadikan item %s"
DRIVE_TRASH_FAILED = "folder masuk yang sudah kosong %s tidak dapat dibuang ke sampah: %s"
DRIVE_GOOGLE_DOCS_SKIPPED = "item %s: %r adalah berkas Google Docs (tanpa isi biner); tidak diunduh"
DRIVE_DOWNLOADED = "%s (%s bita) diunduh ke %s"
DRIVE_FOLDER_CREATED = "folder Drive %r dibuat di %s"
DRIVE_FOLDER_CREATED_AFTER_ALL = "folder Drive %r ternyata sudah terbuat"
DRIVE_EXISTING_FOLDER_KEPT = ("item %s sudah punya folder di Drive (%s, dibuat manual atau oleh pemasangan lama): "
                              "folder itu dipakai, folder baru %s yang masih kosong dibuang ke sampah")

# media (adapters/media/)
MEDIA_CANNOT_READ = "%s tidak dapat dibaca: %s"
MEDIA_INSPECT_FAILED = "pemeriksaan %s gagal"
MEDIA_BROKEN_IMAGE = "gambar rusak %s: %s"
MEDIA_PROBE_FAILED = "pemeriksaan video %s gagal"
MEDIA_UNREADABLE_VIDEO = "video tidak terbaca %s: %s"
MEDIA_BROKEN_VIDEO = "video rusak %s: %s"
MEDIA_ICC_IGNORED = "profil warna ICC diabaikan: %s"
MEDIA_PREPARE_IMAGE_FAILED = "penyiapan gambar %s gagal (%s)"
MEDIA_EXIF_IGNORED = "orientasi EXIF diabaikan untuk %s: %s"
MEDIA_CANNOT_WRITE = "%s tidak dapat ditulis: %s"
MEDIA_PREPARE_FAILED = "penyiapan media gagal (%s)"

# publishing (publisher.py, adapters/social/)
PUBLISH_NO_ANSWER = "%s %s: tidak ada jawaban (%s); dicocokkan dengan platform"
PUBLISH_UNEXPECTED = "%s %s: gangguan tak terduga saat mengunggah"
LIVE_POST_NOT_READ = "%s %s: unggahan yang sudah tayang belum dapat dibaca: %s"
TOKEN_EXPIRY_UNKNOWN = "masa berlaku token %s tidak diketahui: %s"
FACEBOOK_PERMALINK_NOT_READ = "tautan Facebook untuk %s tidak terbaca: %s"
FACEBOOK_SEVERAL_POSTS = "Facebook: %d kiriman cocok dengan %s; yang paling lama dipakai"
INSTAGRAM_LIMIT_NOT_READ = "batas unggah Instagram tidak terbaca: %s"
INSTAGRAM_PERMALINK_NOT_READ = "tautan Instagram untuk %s tidak terbaca: %s"


# the cycle's summary line (logged after each cycle, printed by `sop-konten once`)
def cycle_failed(error: object) -> str:
    return f"Gagal: {error}"


def cycle_counts(new_items: object, transitions: object, undone: object, messages: object, placed: object,
                 published: object) -> list[str]:
    return [
        f"{new_items} item baru",
        f"{transitions} perpindahan langkah",
        f"{undone} perubahan dibatalkan",
        f"{messages} pesan",
        f"{placed} folder dipindah",
        f"{published} publikasi",
    ]


def cycle_deferred(reason: object) -> str:
    return f"register belum ditulis: {reason}"


def cycle_failed_effects(count: object) -> str:
    return f"{count} tindakan gagal, dicoba lagi nanti"


def cycle_problems(count: object, problems: list[str]) -> str:
    return f"{count} masalah: " + " | ".join(problems)


def cycle_line(parts: list[str], tail: list[str]) -> str:
    return ", ".join(parts) + (" (" + "; ".join(tail) + ")" if tail else ".")


# problems the cycle reports in its summary
RECIPIENT = "Penerima"


def no_email(name: object) -> str:
    return f"{name} tidak punya Email di tab Petugas."


# --- youtube (issue 11)
YOUTUBE_ON_HOLD = "YouTube tidak dihubungi sampai %s: %s"

# --- x (issue 11)
X_RATE_LIMIT_HELD = "X: %s tidak dikirim; batas permintaan X berlaku sampai %s"
X_SEGMENT_AGAIN = "X: potongan %d berkas %s tanpa jawaban; dikirim ulang ke unggahan yang sama (%s)"
X_UPLOAD_AGAIN = "X: unggahan berkas %s tidak dapat dilanjutkan (%s); diunggah dari awal"

# --- instagram (issue 11)
INSTAGRAM_CONTAINER_NOT_READ = "%s: status kontainer Instagram %s tidak terbaca: %s"

# the yearly archive (service/archiving.py)
ARCHIVED = "arsip: %d baris selesai dipindahkan dari Register ke arsip tahunan"
ARCHIVE_WAITS = "arsip: pemindahan ditunda, dicoba lagi pada siklus berikutnya: %s"
ARCHIVE_FAILED = "arsip: pemindahan gagal, dicoba lagi pada siklus berikutnya: %s"
ARCHIVE_EDITED = "arsip: %s"
ARCHIVE_NOT_READABLE = "arsip: arsip tahunan tidak terbaca, diperiksa lagi besok: %s"
