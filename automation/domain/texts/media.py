"""Problems with the media host configuration (read by the operator) and with asset files (item notes)."""

from __future__ import annotations

BASE_URL_REQUIRED = "media_host: base_url wajib diisi (alamat publik folder media)."
BUCKET_REQUIRED = 'media_host: bucket wajib diisi untuk kind = "gcs".'
EXPIRES_INVALID = "media_host: expires_minutes harus angka lebih dari 0."
GCS_NOT_INSTALLED = ("Paket google-cloud-storage belum terpasang: jalankan 'pip install google-cloud-storage' "
                     'atau gunakan media_host kind = "folder".')


def unknown_kind(kind: object) -> str:
    return f"media_host: kind '{kind}' tidak dikenal (pilihan: folder, gcs)."


# --- what media preparation tells the staff about a file (register notes and problems) ------------------

IMAGE = "gambar"
VIDEO = "video"
UNKNOWN = "tidak dikenal"
OR = " atau "
FORMAT_LABELS = {
    "TEXT": "teks biasa",
    "PDF": "dokumen PDF",
    "ZIP": "arsip ZIP atau dokumen Office",
    "PSD": "dokumen Photoshop (PSD)",
    "HTML": "halaman web (HTML)",
}
FORMAT_UNKNOWN = "formatnya tidak dikenali"
TOO_MANY_PIXELS = "terlalu banyak piksel"
ACCEPTED_ONLY = "yang diterima hanya"
CROPPED = "dipotong di bagian tengah"
FRAMED = "diberi bingkai"
ENLARGED = "diperbesar"
RESIZED = "diubah ukurannya"
REDUCED = "diperkecil"
KIND_VIDEO = "Video"
KIND_IMAGES = "Infografis"


def unknown_format(fmt: object) -> str:
    return f"berformat {fmt}"


def contents(label: object) -> str:
    return f"isinya {label}"


def contents_aside(label: object) -> str:
    return f" (isinya {label})"


def extension_mismatch(name: object, actual: object, claimed: object) -> str:
    return f"File '{name}' sebenarnya berformat {actual}, bukan {claimed} seperti ekstensinya; tetap diproses."


def is_folder(name: object) -> str:
    return f"'{name}' adalah folder, bukan file gambar atau video."


def not_found(name: object) -> str:
    return f"File '{name}' tidak ditemukan."


def permission_denied(name: object) -> str:
    return f"File '{name}' tidak dapat dibaca: izin akses ditolak."


def unreadable(name: object) -> str:
    return f"File '{name}' tidak dapat dibaca."


def empty(name: object) -> str:
    return f"File '{name}' kosong (0 byte); unggah ulang filenya."


def cannot_inspect(name: object) -> str:
    return f"File '{name}' tidak dapat diperiksa; unggah ulang filenya."


def heic_unsupported(name: object) -> str:
    return (f"Gambar '{name}' berformat HEIC, yang belum dapat diolah sistem ini; "
            "simpan ulang sebagai JPEG atau PNG "
            "(di iPhone: Pengaturan > Kamera > Format > Paling Kompatibel).")


def not_valid_as_claimed(name: object, what: object, claimed: object, reason: object) -> str:
    return f"File '{name}' bukan {what} {claimed} yang sah: {reason}. Ganti dengan file {what} yang benar."


def not_media(name: object, reason: object) -> str:
    return f"File '{name}' bukan gambar atau video{reason}."


def corrupt_image(name: object) -> str:
    return f"Gambar '{name}' rusak atau tidak lengkap (mungkin unggahannya terputus); unggah ulang filenya."


def image_dimensions(width: object, height: object) -> str:
    return f"{width} × {height} piksel, "


def megapixels(value: object) -> str:
    return f"{value} megapiksel"


def image_too_big(name: object, dims: object, megapixels: object, limit: object) -> str:
    return (f"Gambar '{name}' terlalu besar untuk diolah dengan aman ({dims}{megapixels}; "
            f"batasnya {limit} megapiksel). Perkecil gambarnya lalu unggah ulang.")


def animated(name: object, frames: object) -> str:
    return f"Gambar '{name}' beranimasi ({frames} bingkai); hanya bingkai pertama yang dipakai."


def video_cannot_inspect(name: object) -> str:
    return f"Video '{name}' tidak dapat diperiksa; unggah ulang filenya."


def video_probe_missing(name: object) -> str:
    return f"Video '{name}' tidak dapat diperiksa: modul pemeriksa video (PyAV) belum terpasang di server."


def corrupt_video(name: object) -> str:
    return f"Video '{name}' rusak atau tidak lengkap (mungkin unggahannya terputus); unggah ulang filenya."


def no_video_stream(name: object) -> str:
    return f"File '{name}' tidak memiliki gambar video (hanya suara atau data)."


def seconds(value: object) -> str:
    return f"{value} detik"


def minutes(value: object) -> str:
    return f"{value} menit"


def hours(value: object) -> str:
    return f"{value} jam"


def not_a_video(platform: object, name: object) -> str:
    return f"{platform}: file '{name}' bukan video."


def takes_no_video(platform: object, name: object) -> str:
    return f"{platform}: tidak menerima video; '{name}' tidak dapat diunggah."


def video_subject(platform: object, name: object) -> str:
    return f"{platform}: video '{name}'"


def only_accepts(label: object) -> str:
    return f"{label} hanya menerima"


def wrong_container(subject: object, container: object, accepts: object, allowed: object) -> str:
    return f"{subject} berformat {container}; {accepts} {allowed}."


def wrong_video_codec(subject: object, codec: object, accepts: object, allowed: object) -> str:
    return f"{subject} memakai kodek {codec}; {accepts} {allowed}."


def wrong_audio_codec(subject: object, codec: object, accepts: object, allowed: object) -> str:
    return f"{subject} memakai kodek suara {codec}; {accepts} {allowed}."


def too_short(subject: object, duration: object, who: object, limit: object) -> str:
    return f"{subject} berdurasi {duration}; {who}minimal {limit}."


def too_long(subject: object, duration: object, who: object, limit: object) -> str:
    return f"{subject} berdurasi {duration}; {who}maksimal {limit}."


def too_large(subject: object, size: object, who: object, limit: object) -> str:
    return f"{subject} berukuran {size}; {who}maksimal {limit}."


def pixels(width: object, height: object) -> str:
    return f"{width} × {height} piksel"


def short_side_too_small(subject: object, dims: object, who: object, limit: object) -> str:
    return f"{subject} berukuran {dims}; sisi terpendek {who}minimal {limit} piksel."


def long_side_too_large(subject: object, dims: object, who: object, limit: object) -> str:
    return f"{subject} berukuran {dims}; sisi terpanjang {who}maksimal {limit} piksel."


def too_wide(subject: object, width: object, who: object, limit: object) -> str:
    return f"{subject} lebarnya {width} piksel; {who}maksimal {limit} piksel."


def fps_at_most(limit: object) -> str:
    return f"paling banyak {limit} fps"


def fps_at_least(limit: object) -> str:
    return f"paling sedikit {limit} fps"


def wrong_fps(subject: object, fps: object, accepts: object, bounds: object) -> str:
    return f"{subject} {fps} fps; {accepts} {bounds}."


def depth_reduced(label: object, mode: object) -> str:
    return f"{label}: kedalaman warna {mode} diubah menjadi 8 bit."


def lab_converted(label: object) -> str:
    return f"{label}: warna Lab dikonversi ke sRGB."


def cmyk_converted(label: object) -> str:
    return f"{label}: warna CMYK dikonversi ke RGB."


def transparency_filled(label: object, colour: object) -> str:
    return f"{label}: bagian transparan diberi latar {colour}."


def icc_mismatch(label: object) -> str:
    return f"{label}: profil warna (ICC) tidak cocok dengan gambarnya; diabaikan."


def icc_broken(label: object) -> str:
    return f"{label}: profil warna (ICC) rusak; diabaikan."


def icc_converted(label: object, profile: object) -> str:
    return f"{label}: profil warna {profile} dikonversi ke sRGB."


def images_only_video(platform: object, name: object) -> str:
    return f"{platform}: hanya menerima video; gambar '{name}' tidak dapat diunggah."


def image_failed(platform: object, name: object) -> str:
    return f"{platform}: gambar '{name}' tidak dapat diolah; periksa atau ganti filenya."


def not_an_image(platform: object, name: object) -> str:
    return f"{platform}: file '{name}' bukan gambar."


def image_subject(platform: object, name: object) -> str:
    return f"{platform}: gambar '{name}'"


def exif_applied(label: object) -> str:
    return f"{label}: orientasi EXIF diterapkan."


def kept_png(label: object) -> str:
    return f"{label}: disimpan sebagai PNG agar transparansinya tetap."


def format_changed(label: object, source: object, target: object) -> str:
    return f"{label}: format {source} diubah menjadi {target}."


def ratio_matched(label: object, ratio: object, first: object, platform: object, action: object) -> str:
    return (f"{label} rasio {ratio} disamakan dengan gambar pertama "
            f"({first}) karena {platform} memotong semua slide mengikuti "
            f"gambar pertama; {action}.")


def ratio_out_of_bounds(label: object, ratio: object, low: object, high: object, action: object) -> str:
    return f"{label} rasio {ratio} di luar {low}–{high}; {action}."


def resized(label: object, width: object, height: object, verb: object, new_width: object,
            new_height: object) -> str:
    return f"{label} {width} × {height} piksel {verb} menjadi {new_width} × {new_height} piksel."


def still_too_big(label: object, limit: object) -> str:
    return f"{label} tetap lebih besar dari {limit} setelah dikompresi; perkecil atau sederhanakan gambarnya."


def reduced_to_fit(label: object, width: object, height: object, limit: object) -> str:
    return f"{label} diperkecil menjadi {width} × {height} piksel agar tidak lebih dari {limit}."


def quality_lowered(label: object, quality: object, limit: object) -> str:
    return f"{label}: kualitas JPEG diturunkan ke {quality} agar tidak lebih dari {limit}."


def cannot_save(label: object) -> str:
    return f"{label}: hasil konversinya tidak dapat disimpan di server; hubungi admin sistem."


def assets_failed(platform: object) -> str:
    return f"{platform}: file aset tidak dapat diolah; periksa folder asetnya."


def unknown_content_kind(platform: object, kind: object, used: object) -> str:
    return f"{platform}: Jenis '{kind}' tidak dikenal; dipakai {used}."


def ignored_file(platform: object, name: object) -> str:
    return f"{platform}: file '{name}' diabaikan (bukan gambar atau video)."


def kind_takes_no_video(platform: object, kind: object) -> str:
    return f"{platform}: tidak menerima video; Jenis '{kind}' tidak dapat diterbitkan di {platform}."


def images_present(names: object) -> str:
    return f" (ada gambar: {names}; periksa kolom Jenis)"


def no_video_file(platform: object, hint: object) -> str:
    return f"{platform}: tidak ada file video di folder aset{hint}."


def first_video_only(platform: object, name: object, ignored: object) -> str:
    return f"{platform}: hanya video pertama ('{name}') yang dipakai; diabaikan: {ignored}."


def kind_takes_only_video(platform: object, kind: object) -> str:
    return f"{platform}: hanya menerima video; Jenis '{kind}' (gambar) tidak dapat diterbitkan di {platform}."


def videos_present(names: object) -> str:
    return f" (ada video: {names}; periksa kolom Jenis)"


def no_image_file(platform: object, hint: object) -> str:
    return f"{platform}: tidak ada file gambar di folder aset{hint}."


def first_images_only(platform: object, count: object, ignored: object) -> str:
    return f"{platform}: hanya {count} gambar pertama yang dipakai (batas {platform}); diabaikan: {ignored}."


def host_file_missing(path: object) -> str:
    return f"berkas {path} tidak ada"


def unsafe_intake_entry(name: str) -> str:
    """A problem of the cycle: an entry of the intake folder that is a link or a special file, left alone."""
    return (f"'{name}' di folder masuk adalah tautan (symlink), tautan keras, atau file khusus; tidak "
            "dijadikan usulan. Unggah salinan file aslinya.")


def unsafe_file(name: str) -> str:
    """The note on an item whose folder holds a link or a special file (never read nor published)."""
    return (f"File '{name}' di folder aset adalah tautan (symlink), tautan keras, atau file khusus; "
            "file itu tidak dibaca dan tidak diterbitkan. Ganti dengan salinan file aslinya.")


# --- the one check of a post against a platform's rules (domain/post_check.py) ----------------------


def wrong_ratio(subject: object, ratio: object, who: object, low: object, high: object) -> str:
    return f"{subject} berasio {ratio}; {who}menerima rasio {low} sampai {high}."


def short_side_too_large(subject: object, dims: object, who: object, limit: object) -> str:
    return f"{subject} berukuran {dims}; sisi terpendek {who}maksimal {limit} piksel."


def wrong_audio_profile(subject: object, profile: object, accepts: object, allowed: object) -> str:
    return f"{subject} memakai profil suara AAC {profile}; {accepts} AAC {allowed}."


def audio_rate_too_high(subject: object, rate: object, who: object, limit: object) -> str:
    return f"{subject} memakai laju sampel suara {rate} Hz; {who}maksimal {limit} Hz."


def too_many_channels(subject: object, channels: object, who: object, limit: object) -> str:
    return f"{subject} memiliki {channels} kanal suara; {who}maksimal {limit} (mono atau stereo)."


def image_subject_of(platform: object, name: object) -> str:
    return f"{platform}: gambar '{name}'"


def image_wrong_format(subject: object, fmt: object, platform: object, allowed: object) -> str:
    return f"{subject} berformat {fmt}; {platform} hanya menerima {allowed}."


def image_too_large(subject: object, size: object, limit: object) -> str:
    return f"{subject} berukuran {size}; maksimal {limit}."


def still_image_for_video_only(platform: object, name: object) -> str:
    return (f"{platform}: hanya menerima video; gambar diam '{name}' tidak dapat diterbitkan di {platform}. "
            f"Hapus {platform} dari kolom Platform atau sediakan videonya.")


def not_image_or_video(platform: object, name: object) -> str:
    return f"{platform}: file '{name}' bukan gambar atau video."


def needs_media(platform: object) -> str:
    return f"{platform}: tidak menerima unggahan tanpa gambar atau video; tambahkan file ke folder aset."


def needs_video(platform: object) -> str:
    return f"{platform}: butuh tepat satu video."


def video_or_images(platform: object, count: object) -> str:
    return f"{platform}: unggah satu video saja, atau 1–{count} gambar, bukan keduanya."


def too_many_images(platform: object, count: object, limit: object) -> str:
    return f"{platform}: {count} gambar; paling banyak {limit} per unggahan."


def caption_required(platform: object) -> str:
    return f"{platform}: Caption kosong; isi kolom Caption."
