"""Publishing problems: configuration errors for the operator, platform answers for staff notes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_WIB = timezone(timedelta(hours=7), "WIB")


def _wib(at: datetime | None) -> str:
    return at.astimezone(_WIB).strftime("%d/%m/%Y %H.%M WIB") if at else "waktu tidak tercatat"

TOO_MANY_PENDING_STEPS = "terlalu banyak langkah tertunda"
FACEBOOK_UPLOAD_INVALID = '[publish.facebook] upload harus "url" (media host) atau "file".'
TIKTOK_SOURCE_INVALID = ('[publish.tiktok] source harus "file" (FILE_UPLOAD) atau "url" '
                         "(PULL_FROM_URL lewat media host).")
YOUTUBE_CHUNK_SIZE_INVALID = "[publish.youtube] chunk_size harus kelipatan 262144 (256 KiB), atau -1."
X_VIDEO_IN_PROGRESS = "X masih memproses video; belum terbit, dilanjutkan nanti."

# A platform's answer that lacks what it must carry (detail of a "no answer" problem).
UPLOAD_ANSWER_WITHOUT_ID = "jawaban unggahan tanpa id"
PHOTO_ANSWER_WITHOUT_ID = "jawaban foto tanpa id"
MEDIA_PUBLISH_ANSWER_WITHOUT_ID = "jawaban media_publish tanpa id"
CONTAINER_ANSWER_WITHOUT_ID = "jawaban kontainer tanpa id"
REFRESH_ANSWER_WITHOUT_TOKEN = "jawaban refresh_access_token tanpa token"
INIT_ANSWER_WITHOUT_PUBLISH_ID = "jawaban init tanpa publish_id"
TWEET_ANSWER_WITHOUT_ID = "jawaban POST /2/tweets tanpa data.id"
INITIALIZE_ANSWER_WITHOUT_ID = "jawaban initialize tanpa data.id"
USERS_ME_ANSWER_WITHOUT_ID = "jawaban /2/users/me tanpa data.id"
VIDEOS_INSERT_ANSWER_WITHOUT_ID = "jawaban videos.insert tanpa id"


def answer_unreadable(status: object) -> str:
    return f"jawaban {status} tidak terbaca"


def answer_not_object(status: object) -> str:
    return f"jawaban {status} bukan objek JSON"


def unknown_platform(name: object, names: object) -> str:
    return f"Platform '{name}' tidak dikenal (pilihan: {names})."


def key_not_number(table: object, key: object) -> str:
    return f"[publish.{table}] kunci '{key}' harus berupa angka."


def unknown_mode(table: object, mode: object, names: object) -> str:
    return f"[publish.{table}] mode '{mode}' tidak dikenal (pilihan: {names})."


def key_required(table: object, key: object) -> str:
    return f"[publish.{table}] kunci '{key}' wajib diisi."


def token_file_corrupt(platform: object, file: object) -> str:
    return f"Berkas token {platform} {file} rusak (bukan JSON yang sah)."


def token_not_set(platform: object, where: object) -> str:
    return f"Token {platform} belum diatur: isi {where}."


def unreachable(platform: object, error: object) -> str:
    return f"{platform} tidak dapat dihubungi ({error}); belum ada yang terkirim, akan dicoba lagi."


def media_host_missing(platform: object, table: object) -> str:
    return f"{platform} mengambil berkas dari URL publik, tetapi [publish.{table}] media_host belum diatur."


def file_not_found(error: object) -> str:
    return f"Berkas tidak ditemukan: {error}."


def media_host_failed(error: object) -> str:
    return f"Berkas tidak dapat disiapkan di media host: {error}."


def connection_refused(error: object) -> str:
    return f"koneksi ditolak: {error}"


def token_not_refreshed(error: object) -> str:
    return f"token tidak dapat diperbarui: {error}"


def instagram_media_failed(detail: object) -> str:
    return f"Instagram gagal memproses media ({detail}); periksa format dan ukuran berkas."


def instagram_media_in_progress(status: object) -> str:
    return f"Instagram masih memproses media ({status}); belum terbit, dilanjutkan nanti."


def instagram_image_failed(status: object) -> str:
    return f"Instagram gagal memproses salah satu gambar ({status}); periksa berkasnya."


def instagram_quota_reached(usage: object, total: object) -> str:
    return (f"Batas unggah Instagram 24 jam tercapai ({usage} dari {total}); belum ada yang terbit, "
            "unggahan dicoba lagi setelah kuota pulih.")


def tiktok_privacy_required(names: object) -> str:
    return f'[publish.tiktok] mode = "direct" membutuhkan privacy_level salah satu dari {names}.'


def tiktok_privacy_not_allowed(level: object, names: object) -> str:
    return (f"Akun TikTok tidak mengizinkan privacy_level {level} (pilihan: {names}); "
            "ubah [publish.tiktok] privacy_level.")


def tiktok_upload_rejected(problem: object) -> str:
    return f"Unggahan video ke TikTok ditolak ({problem}); diulang dari awal pada percobaan berikutnya."


def x_media_failed(name: object) -> str:
    return f"X gagal memproses berkas {name}; periksa format dan ukurannya."


def youtube_token_corrupt(file: object) -> str:
    return f"Berkas token YouTube {file} rusak."


def youtube_credentials_missing(client_id_env: object, secret_env: object, token_env: object,
                                token_file: object) -> str:
    also = f", atau berkas {token_file}" if token_file else ""
    return f"Kredensial YouTube belum lengkap: isi variabel lingkungan {client_id_env}, {secret_env} dan {token_env}{also}."


# Platform refusals and HTTP answers (detail of a failed or retried upload).

def meta_rejected(platform: object, code: object, sub: object, message: object, trace: object) -> str:
    return f"{platform} menolak unggahan (kode {code}/{sub}: {message}){trace}."


def meta_http_error(status: object, code: object, message: object, trace: object) -> str:
    return f"HTTP {status} kode {code}: {message}{trace}"


INSTAGRAM_QUOTA_REACHED = "Batas unggah Instagram 24 jam tercapai; belum ada yang terbit, unggahan dicoba lagi setelah kuota pulih."


def meta_rate_limited(platform: object, code: object, message: object) -> str:
    return f"{platform} membatasi jumlah permintaan (kode {code}: {message}); belum ada yang terbit, akan dicoba lagi nanti."


def meta_media_unreachable(platform: object, message: object) -> str:
    return f"{platform} tidak dapat mengambil berkas dari media host ({message}): pastikan alamat media_host dapat dibuka dari internet."


def meta_no_permission(platform: object, code: object, message: object) -> str:
    return f"Aplikasi tidak punya izin untuk mengunggah ke {platform} (kode {code}: {message}); periksa izin akun dan token."


def meta_policy_block(platform: object, message: object) -> str:
    return f"{platform} memblokir unggahan karena kebijakan (kode 368: {message})."


def meta_duplicate(platform: object, message: object) -> str:
    return f"{platform} menolak unggahan duplikat (kode 506: {message})."


def tiktok_rejected(value: object, message: object, log_id: object) -> str:
    return f"TikTok menolak unggahan ({value}: {message}){log_id}."


def tiktok_http_error(status: object, code: object, message: object, log_id: object) -> str:
    return f"HTTP {status} {code}: {message}{log_id}"


def tiktok_scope_missing(scope: object) -> str:
    return f"Akun TikTok belum memberi izin {scope}; sambungkan ulang akun dengan izin itu."


def tiktok_rate_limited(value: object) -> str:
    return f"TikTok membatasi jumlah permintaan ({value}); belum ada yang terbit, akan dicoba lagi nanti."


def tiktok_spam_limit(code: object) -> str:
    return f"TikTok menahan unggahan ({code}): terlalu banyak unggahan atau video menunggu di kotak masuk; selesaikan yang tertunda di aplikasi TikTok."


TIKTOK_DOMAIN_UNVERIFIED = 'Domain media host belum diverifikasi di TikTok untuk PULL_FROM_URL; verifikasi domainnya atau gunakan source = "file".'


def tiktok_privacy_rejected(code: object, message: object) -> str:
    return f"TikTok menolak pengaturan privasi ({code}: {message}); aplikasi yang belum diaudit hanya boleh SELF_ONLY."


def x_rejected(status: object, detail: object) -> str:
    return f"X menolak unggahan (HTTP {status}: {detail})."


def x_http_error(status: object, detail: object) -> str:
    return f"HTTP {status}: {detail}"


def x_forbidden(detail: object) -> str:
    return f"X menolak unggahan (HTTP 403: {detail}); periksa izin aplikasi dan akun."


def youtube_http_error(status: object, reason: object, message: object) -> str:
    return f"HTTP {status} {reason}: {message}"


def http_status(name: object, status_code: object) -> str:
    return f"{name} menjawab HTTP {status_code}."


# --- a post a platform cannot take (checked at review time and before publishing) ------------------------

TEXT_REQUIRED = "Teks unggahan wajib diisi."


def not_image_or_video(name: object) -> str:
    return f"Berkas {name} bukan gambar atau video."


def caption_too_long(length: object, limit: object) -> str:
    return f"Keterangan terlalu panjang ({length} dari {limit} karakter)."


def caption_too_long_utf16(length: object, limit: object) -> str:
    return f"Keterangan terlalu panjang ({length} dari {limit}; emoji dihitung 2)."


# --- where a publish stands when it cannot be settled (written to the register) ----------------------------

INSTAGRAM_PUBLISHED_NOT_FOUND = ("Instagram melaporkan kontainer sudah terbit, tetapi unggahannya belum ditemukan di "
                                 "akun; periksa akun dan isi tautannya.")
INSTAGRAM_MEDIA_FAILED = "Instagram gagal memproses media; periksa format dan ukuran berkas."
NO_REASON = "tanpa alasan"
REFRESH_X_MISSING = "tidak ada refresh_token/client_id"
REFRESH_TIKTOK_MISSING = "refresh_token/client_key/client_secret belum lengkap"


def instagram_container_unknown(status: object) -> str:
    return f"Status kontainer Instagram '{status}' tidak dapat dipastikan; periksa akun."


def tiktok_inbox(publish_id: object) -> str:
    return (f"Video sudah dikirim ke kotak masuk TikTok (publish_id {publish_id}). Buka aplikasi TikTok di "
            "akun resmi, ketuk notifikasi kotak masuk, selesaikan unggahan dengan keterangan ini, lalu isi "
            "status Terbit beserta tautannya.")


def tiktok_processing(publish_id: object, status: object) -> str:
    return (f"TikTok masih memproses video (publish_id {publish_id}, status "
            f"{status}); periksa lagi nanti atau lihat di aplikasi TikTok.")


def tiktok_still_processing(publish_id: object) -> str:
    return f"TikTok masih memproses video (publish_id {publish_id})."


def tiktok_failed(reason: object) -> str:
    return f"TikTok gagal memproses video ({reason}); periksa format, durasi dan ukuran video."


def tiktok_status_unknown(error: object) -> str:
    return f"Status unggahan TikTok belum dapat diperiksa: {error}"


def refresh_rejected_http(status: object) -> str:
    return f"pembaruan token ditolak, HTTP {status}"


def refresh_rejected(error: object) -> str:
    return f"pembaruan token ditolak: {error}"


def token_where(file: object, env: object) -> str:
    return f"berkas token {file} atau variabel lingkungan {env}"


def token_env(env: object) -> str:
    return f"variabel lingkungan {env}"


def token_expired(platform: object, detail: object, where: object) -> str:
    extra = f" ({detail})" if detail else ""
    return (f"Token {platform} kedaluwarsa atau dicabut{extra}: sambungkan ulang akun dan perbarui "
            f"{where}. Belum ada yang terunggah; unggahan dilanjutkan setelah token diperbarui.")


def unclear_answer(platform: object, detail: object) -> str:
    return f"{platform} tidak menjawab dengan jelas ({detail}); periksa akun sebelum mengunggah ulang."


def network_trouble(platform: object, detail: object) -> str:
    return f"Gangguan jaringan ke {platform} ({detail}); belum ada yang terbit, akan dicoba lagi."


def nothing_pending(platform: object) -> str:
    return f"Belum ada unggahan ke {platform} yang menunggu kepastian; aman untuk diunggah."


def status_unknown(platform: object, error: object) -> str:
    return f"Status unggahan {platform} belum dapat diperiksa: {error}"


def not_yet_published(platform: object) -> str:
    return f"Belum terbit di {platform}; aman untuk diunggah lagi."


def manual_upload(platform: object) -> str:
    return f"Unggah manual ke {platform}: gunakan berkas dan keterangan ini, lalu isi status Terbit beserta tautannya."


def earlier_unsure(problem: object, platform: object) -> str:
    return f"{problem} Status unggahan sebelumnya ke {platform} belum dapat dipastikan."


def error_code(code: object) -> str:
    return f"kode {code}"


def unexpected_trouble(platform: object, detail: object) -> str:
    return f"Gangguan tak terduga saat mengunggah ke {platform} ({detail}); belum ada yang terbit, akan dicoba lagi."


def token_refresh_unreachable(platform: object, detail: object) -> str:
    return (f"Token {platform} perlu diperbarui tetapi layanan token tidak dapat dihubungi ({detail}); "
            "belum ada yang terkirim, akan dicoba lagi.")


def already_live_link_unknown(platform: object, problem: object) -> str:
    return (f"{platform} menolak unggahan ulang karena unggahan yang sama sudah tayang ({problem}), "
            f"tetapi tautannya belum ditemukan. Buka akun {platform}, salin tautan unggahan itu ke kolom "
            "Tautan Publikasi dan ubah status menjadi Terbit.")


def lost_answer_unconfirmed(platform: object, at: datetime | None, settle_seconds: float) -> str:
    return (f"Unggahan ke {platform} dikirim pada {_wib(at)} tetapi jawabannya hilang, dan unggahan itu belum "
            f"terlihat di akun setelah {settle_seconds:.0f} detik. sop-konten tidak mengirim ulang agar tidak "
            f"tayang dua kali. Buka akun {platform}: bila sudah tayang, salin tautannya ke kolom Tautan Publikasi "
            "dan ubah status menjadi Terbit; bila belum, unggah manual lalu lakukan hal yang sama.")


# --- youtube (issue 11)
def youtube_quota_until(reason: object, until: datetime) -> str:
    return (f"Kuota harian YouTube Data API habis ({reason}); belum ada yang terunggah. Kuota pulih tengah malam "
            f"waktu Pasifik ({_wib(until)}); sampai saat itu sop-konten tidak menghubungi YouTube, lalu mencoba lagi.")


def youtube_upload_limit(until: datetime) -> str:
    return ("Batas unggah harian kanal YouTube tercapai (uploadLimitExceeded); belum ada yang terunggah. "
            f"sop-konten mencoba lagi setelah {_wib(until)}.")


def youtube_rate_limited(reason: object, until: datetime) -> str:
    return f"YouTube meminta jeda ({reason}); belum ada yang terunggah, dicoba lagi setelah {_wib(until)}."


def youtube_account_refused(status: object, reason: object, message: object) -> str:
    return (f"YouTube menolak akun ini ({status} {reason}: {message}); belum ada yang terunggah. Periksa izin "
            "aplikasi, kanal YouTube dan akun yang tersambung, lalu ubah status agar dicoba lagi.")


def youtube_token_revoked(reason: object, env: object) -> str:
    return (f"Token YouTube ditolak ({reason}); belum ada yang terunggah. Sambungkan ulang akun dan perbarui {env}, "
            "lalu ubah status agar dicoba lagi.")


def youtube_video_refused(status: object, reason: object, message: object) -> str:
    return (f"YouTube menolak video ini ({status} {reason}: {message}); belum ada yang terunggah. Perbaiki judul, "
            "deskripsi, kategori atau berkas videonya.")

# --- tiktok (issue 11)

def _megabytes(size: float) -> str:
    return f"{size / 1_000_000:.1f} MB ({size:,.0f} bita)".replace(",", ".")


def _minutes(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60} menit {whole % 60} detik" if whole >= 60 else f"{seconds:.1f} detik"


def tiktok_chunk_size_invalid(value: object, low: float, high: float) -> str:
    return (f"[publish.tiktok] chunk_size = {value} tidak sesuai aturan TikTok: setiap potongan unggahan "
            f"harus antara {_megabytes(low)} dan {_megabytes(high)}; contoh yang aman: 10485760 (10 MiB).")


def tiktok_video_empty(size: object) -> str:
    return f"Berkas video kosong ({size} bita); tidak ada yang dapat diunggah ke TikTok."


def tiktok_too_many_chunks(size: float, chunk: float, limit: object) -> str:
    return (f"Video {_megabytes(size)} terlalu besar untuk TikTok dengan potongan {_megabytes(chunk)}: "
            f"paling banyak {limit} potongan; perkecil videonya.")


def tiktok_video_too_long(name: object, seconds: float, limit: float) -> str:
    return (f"Video {name} berdurasi {_minutes(seconds)}, sedangkan akun TikTok ini hanya boleh mengunggah "
            f"video paling lama {_minutes(limit)} (max_video_post_duration_sec); potong videonya lalu "
            "unggah lagi.")


def tiktok_posting_banned(code: object) -> str:
    return (f"TikTok melarang akun ini membuat unggahan baru ({code}); tidak dicoba lagi otomatis. "
            "Periksa pemberitahuan di aplikasi TikTok akun resmi dan selesaikan dulu dengan TikTok.")


def tiktok_retry_later(code: object, message: object) -> str:
    return f"TikTok belum dapat menerima unggahan ({code}: {message}); belum ada yang terbit, akan dicoba lagi."


def tiktok_needs_person(code: object, message: object, log_id: object) -> str:
    return (f"TikTok menolak unggahan ({code}: {message}){log_id}; perlu ditangani admin akun atau "
            "aplikasi TikTok sebelum dicoba lagi.")


def tiktok_waiting(problem: object, until: datetime | None) -> str:
    return f"{problem} Menunggu batas TikTok sampai {_wib(until)} sebelum mencoba lagi."


def tiktok_chunk_out_of_step(status: object) -> str:
    return f"TikTok menyatakan potongan video tidak sesuai kemajuan unggahan (HTTP {status}); dilanjutkan dari yang sudah diterima."


def tiktok_awaiting_post_id(publish_id: object) -> str:
    return (f"TikTok sudah menerbitkan video (publish_id {publish_id}, PUBLISH_COMPLETE), tetapi tautannya baru "
            "diberikan setelah moderasi TikTok selesai (biasanya beberapa menit, kadang beberapa jam). "
            "sop-konten tidak mengunggah ulang. Buka akun TikTok: salin tautan video itu ke kolom Tautan "
            "Publikasi dan ubah status menjadi Terbit.")


def tiktok_failed_retry(reason: object) -> str:
    return f"TikTok gagal memproses video ({reason}); tidak ada yang terbit, akan dicoba lagi nanti."


def tiktok_failed_person(reason: object) -> str:
    return (f"Unggahan TikTok dihentikan ({reason}): akses aplikasi dicabut atau unggahan dibatalkan; "
            "sambungkan ulang akun TikTok bila perlu, lalu ubah status agar diunggah lagi.")

# --- x (issue 11)
X_DUPLICATE_LIVE = "X menolak teks yang sama persis karena teks itu sudah tayang di akun ini"


def x_rate_limited_until(at: datetime | None) -> str:
    when = f"setelah {_wib(at)}" if at else "nanti"
    return f"X membatasi jumlah permintaan (HTTP 429); belum ada yang terkirim, dicoba lagi {when}."


def x_client_forbidden(detail: object) -> str:
    return (f"X menolak aplikasi sop-konten ({detail}); admin perlu memeriksa akses aplikasi di X Developer "
            "Portal. Belum ada yang terbit.")


def x_invalid_request(status: object, detail: object) -> str:
    return f"X menolak permintaan (HTTP {status}: {detail}); belum ada yang terbit, periksa teks dan berkasnya."


def x_media_failed_detail(name: object, detail: object) -> str:
    return f"X gagal memproses berkas {name} ({detail}); periksa format dan ukurannya."

# --- facebook (issue 11)
def facebook_upload_offsets(start: object, end: object) -> str:
    return f"Facebook meminta potongan video dari bita {start} sampai {end}."


def facebook_video_incomplete(video_id: object) -> str:
    return (f"Unggahan video Facebook {video_id} tidak maju (potongan berkas tidak diterima); "
            "akan dilanjutkan dari bagian yang sudah diterima.")


def facebook_video_not_finished(video_id: object) -> str:
    return f"Facebook belum menerima penyelesaian unggahan video {video_id}; akan diperiksa lagi lewat id video itu."


def facebook_video_processing(video_id: object) -> str:
    return (f"Video Facebook {video_id} sudah terkirim dan masih diproses Facebook (bisa beberapa menit). "
            "Jangan unggah ulang: pemeriksaan berikutnya memastikan tautannya lewat id video itu. Bila perlu "
            "dipastikan sekarang, buka Video di halaman Facebook; setelah tayang, salin tautannya ke kolom "
            "Tautan Publikasi dan ubah status menjadi Terbit.")


def facebook_video_failed(video_id: object, detail: object) -> str:
    return (f"Facebook gagal memproses video {video_id} sehingga tidak tayang ({detail}). Periksa berkas "
            "video (format, durasi, ukuran), lalu kirim ulang.")

# --- instagram (issue 11)

def instagram_try_again(code: object, message: object, trace: object) -> str:
    return (f"Gangguan sementara di Instagram (kode {code}: {message}){trace}; belum ada yang terbit, "
            "unggahan dicoba lagi otomatis.")


def instagram_not_ready(code: object, message: object) -> str:
    return f"Instagram belum siap menerbitkan media (kode {code}: {message}); belum terbit, dilanjutkan nanti."


def instagram_needs_person(code: object, message: object, trace: object) -> str:
    return (f"Instagram menolak unggahan (kode {code}: {message}){trace}; belum ada yang terbit. Periksa izin "
            "aplikasi, token dan akun Instagram, lalu minta unggah ulang.")


def instagram_spam_suspected(message: object, trace: object) -> str:
    return (f"Instagram menduga unggahan ini spam dan membatasi akun (kode 4/2207051: {message}){trace}; belum "
            "ada yang terbit dan sop-konten tidak mengulangnya otomatis. Buka aplikasi Instagram, selesaikan "
            "pemberitahuan di akun (laporkan bila ini keliru), lalu minta unggah ulang.")


def instagram_account_restricted(message: object, trace: object) -> str:
    return (f"Akun Instagram tidak aktif, sedang diverifikasi atau dibatasi (kode 25/2207050: {message}){trace}; "
            "belum ada yang terbit. Masuk ke aplikasi Instagram dan selesaikan langkah yang diminta, lalu minta "
            "unggah ulang.")


def instagram_post_must_change(code: object, message: object, trace: object) -> str:
    return (f"Instagram menolak berkas atau keterangan ini (kode {code}: {message}){trace}; belum ada yang terbit. "
            "Perbaiki berkas atau keterangannya sesuai ketentuan Instagram.")


def instagram_live_not_visible(at: datetime | None) -> str:
    return (f"Instagram menolak menerbitkan ulang kontainer yang diminta pada {_wib(at)}: unggahan itu sudah "
            "tayang, tetapi belum muncul di daftar media akun. sop-konten memeriksanya lagi pada siklus "
            "berikutnya; bila tetap tidak muncul, buka akun Instagram, salin tautan unggahan itu ke kolom "
            "Tautan Publikasi dan ubah status menjadi Terbit.")


def instagram_publish_unconfirmed(at: datetime | None) -> str:
    return (f"Jawaban Instagram atas permintaan terbit pada {_wib(at)} hilang dan kontainernya masih berstatus "
            "siap terbit. Jangan unggah ulang manual: sop-konten meminta terbit lagi untuk kontainer yang sama "
            "(Instagram menolaknya bila sudah tayang) lalu mencari unggahannya di akun.")


def instagram_login_mismatch(login: object, key: object, url: object) -> str:
    return (f'[publish.instagram] login = "{login}" tidak cocok dengan {key} = "{url}": Instagram Login memakai '
            'https://graph.instagram.com, Facebook Login memakai https://graph.facebook.com.')


def instagram_login_invalid(login: object) -> str:
    return f'[publish.instagram] login harus "instagram" (Instagram Login) atau "facebook" (Facebook Login), bukan "{login}".'


INSTAGRAM_FACEBOOK_LOGIN_NO_REFRESH = (
    'Token Instagram lewat Facebook Login (login = "facebook") tidak diperbarui dengan refresh_access_token. '
    "Gunakan token Halaman yang diturunkan dari token pengguna berumur panjang (tidak kedaluwarsa), atau "
    "tukar token pengguna baru lewat Facebook Login, lalu simpan di token_file/variabel lingkungannya.")
