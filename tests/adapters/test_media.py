"""Media checks and conversions on REAL files made in tmp_path (see tests/media_samples.py).

Every converted image is read back with Pillow and checked against its platform's rules.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from automation.adapters.media import identify
from automation.adapters.media import prepare as media
from automation.adapters.media.prepare import (
    MediaInfo,
    inspect,
    prepare,
    prepare_image,
    probe_video,
    video_problems,
)
from automation.domain.platform_rules import RULES, rules_for
from tests import media_samples as samples

IMAGE_PLATFORMS = ["Instagram", "Facebook", "X"]  # TikTok: videos only (see platform_rules)
SIZES = [(10, 10), (300, 300), (5000, 1000), (1000, 5000), (4000, 3000)]


def assert_meets_rules(path: Path, platform: str, *, ratio: float | None = None) -> Image.Image:
    """Read the prepared file back and check it against every image rule of the platform."""
    rules = rules_for(platform).image
    assert path.is_file()
    size = path.stat().st_size
    assert size <= rules.max_bytes, f"{path.name}: {size} bytes > {rules.max_bytes}"
    with Image.open(path) as image:
        image.load()
        if image.format == "PNG":
            assert rules.keep_png_for_alpha, f"{platform} must get {rules.output_format}, not PNG"
            assert image.mode == "RGBA"
            assert image.getchannel("A").getextrema()[0] < 255, "PNG kept without any transparency"
        else:
            assert image.format == rules.output_format == "JPEG"
            assert image.mode == "RGB"
        assert "icc_profile" not in image.info, "the ICC profile must be stripped after conversion"
        assert image.getexif().get(0x0112) in (None, 1), "no EXIF orientation may remain"
        width, height = image.size
        if rules.min_ratio is not None:
            assert width / height >= rules.min_ratio - 1e-9, (width, height)
        if rules.max_ratio is not None:
            assert width / height <= rules.max_ratio + 1e-9, (width, height)
        if rules.min_width is not None:
            assert width >= rules.min_width
        if rules.max_width is not None:
            assert width <= rules.max_width
        if rules.max_long_side is not None:
            assert max(width, height) <= rules.max_long_side
        if rules.max_short_side is not None:
            assert min(width, height) <= rules.max_short_side
        if ratio is not None:
            assert abs(width / height - ratio) < 0.01
        assert image.format in rules.accepted_formats
        return image.copy()


# --- sizes, ratios, fit ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sized(tmp_path_factory) -> dict[tuple[int, int], Path]:
    folder = tmp_path_factory.mktemp("sized")
    made = {}
    for size in SIZES:
        fmt = "JPEG" if size == (4000, 3000) else "PNG"
        made[size] = samples.image_file(folder, f"gambar-{size[0]}x{size[1]}.{fmt.lower()}", size, fmt=fmt)
    return made


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("platform", IMAGE_PLATFORMS)
def test_every_size_meets_every_platform(sized, tmp_path, platform, size):
    result = prepare_image(sized[size], platform, tmp_path)
    assert result.ok, result.problems
    assert result.path.name == f"gambar-{size[0]}x{size[1]}-{rules_for(platform).slug}.jpg"
    image = assert_meets_rules(result.path, platform)
    assert (result.width, result.height) == image.size
    assert result.bytes == result.path.stat().st_size


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_instagram_crop_also_meets_the_rules(sized, tmp_path, size):
    result = prepare_image(sized[size], "Instagram", tmp_path, fit="crop")
    assert result.ok, result.problems
    assert_meets_rules(result.path, "Instagram")


def test_instagram_sizes_in_detail(sized, tmp_path):
    small = prepare_image(sized[(10, 10)], "Instagram", tmp_path)
    assert (small.width, small.height) == (320, 320)  # scaled up to the minimum width
    wide = prepare_image(sized[(5000, 1000)], "Instagram", tmp_path)
    assert (wide.width, wide.height) == (1440, 754)  # padded to 1.91:1, scaled down to 1440
    tall = prepare_image(sized[(1000, 5000)], "Instagram", tmp_path)
    assert (tall.width, tall.height) == (1440, 1800)  # padded to 4:5
    photo = prepare_image(sized[(4000, 3000)], "Instagram", tmp_path)
    assert (photo.width, photo.height) == (1440, 1080)
    assert any("rasio 5:1 di luar 4:5–1,91:1; diberi bingkai" in note for note in wide.notes)


def test_padding_uses_the_background_and_keeps_the_whole_picture(tmp_path):
    source = Image.new("RGB", (3000, 1000), (0, 200, 0))
    path = samples.save(source, tmp_path / "hijau.png")
    result = prepare_image(path, "Instagram", tmp_path / "out", background="#102030")
    image = assert_meets_rules(result.path, "Instagram")
    width, height = image.size
    assert _near(image.getpixel((width // 2, 2)), (16, 32, 48))  # band above
    assert _near(image.getpixel((width // 2, height - 3)), (16, 32, 48))  # band below
    assert _near(image.getpixel((width // 2, height // 2)), (0, 200, 0))
    assert _near(image.getpixel((3, height // 2)), (0, 200, 0))  # nothing cut at the sides


def test_crop_keeps_the_middle(tmp_path):
    source = Image.new("RGB", (1000, 3000), (255, 0, 0))
    source.paste((0, 0, 255), (0, 1000, 1000, 2000))  # blue middle third
    path = samples.save(source, tmp_path / "tiga.png")
    result = prepare_image(path, "Instagram", tmp_path / "out", fit="crop")
    image = assert_meets_rules(result.path, "Instagram")
    assert image.size == (1000, 1250)
    assert _near(image.getpixel((500, 625)), (0, 0, 255))
    assert _near(image.getpixel((500, 5)), (255, 0, 0))  # the crop reaches into the red thirds


def test_other_platforms_keep_the_aspect_ratio(sized, tmp_path):
    for platform in ("Facebook", "X"):
        result = prepare_image(sized[(5000, 1000)], platform, tmp_path)
        assert abs(result.width / result.height - 5) < 0.02, platform


def test_wrong_fit_is_a_programming_error(sized, tmp_path):
    with pytest.raises(ValueError):
        prepare_image(sized[(300, 300)], "Instagram", tmp_path, fit="stretch")


# --- modes and formats ----------------------------------------------------------------------------


MODES = ["RGB", "RGBA", "LA", "L", "1", "I;16", "P", "CMYK"]


@pytest.fixture(scope="module")
def moded(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("modes")
    made = {}
    for mode in MODES:
        if mode == "CMYK":
            made[mode] = samples.cmyk_jpeg(folder)
        else:
            made[mode] = samples.image_file(folder, f"mode-{mode.replace(';', '')}.png", (640, 400), mode)
    made["P+transparency"] = samples.palette_with_transparency(folder)
    made["P+transparency GIF"] = samples.palette_with_transparency(folder, "palet.gif")
    return made


@pytest.mark.parametrize("platform", IMAGE_PLATFORMS)
@pytest.mark.parametrize("mode", [*MODES, "P+transparency", "P+transparency GIF"])
def test_every_mode_meets_every_platform(moded, tmp_path, platform, mode):
    info = inspect(moded[mode])
    assert info.ok and info.kind == "image"
    result = prepare_image(moded[mode], platform, tmp_path)
    assert result.ok, result.problems
    assert_meets_rules(result.path, platform)


def test_modes_are_reported_by_inspect(moded):
    assert inspect(moded["I;16"]).mode == "I;16"
    assert inspect(moded["CMYK"]).mode == "CMYK"
    assert inspect(moded["RGBA"]).has_alpha
    assert inspect(moded["P+transparency"]).has_alpha
    assert not inspect(moded["RGB"]).has_alpha


def test_transparency_is_flattened_on_white_for_jpeg_and_kept_for_x(moded, tmp_path):
    flattened = assert_meets_rules(
        prepare_image(moded["P+transparency"], "Instagram", tmp_path).path, "Instagram"
    )
    assert _near(flattened.getpixel((3, flattened.height // 2)), (255, 255, 255))  # the transparent third
    kept = prepare_image(moded["RGBA"], "X", tmp_path)
    assert kept.path.suffix == ".png" and kept.format == "PNG"
    image = assert_meets_rules(kept.path, "X")
    assert image.getpixel((10, 0))[3] == 0  # the top row is transparent
    opaque = prepare_image(moded["RGB"], "X", tmp_path)
    assert opaque.path.suffix == ".jpg"


def test_sixteen_bit_keeps_its_tones(moded, tmp_path):
    result = prepare_image(moded["I;16"], "Facebook", tmp_path)
    image = assert_meets_rules(result.path, "Facebook")
    low, high = image.convert("L").getextrema()
    assert low < 60 and high > 190, (low, high)  # not clipped to white, not crushed to black


def test_cmyk_becomes_the_right_colours(moded, tmp_path):
    image = assert_meets_rules(prepare_image(moded["CMYK"], "Instagram", tmp_path).path, "Instagram")
    assert _near(image.getpixel((20, 20)), (255, 0, 0), 12)
    assert _near(image.getpixel((image.width - 20, 20)), (255, 255, 255), 12)


FORMATS = [("png", "PNG"), ("jpg", "JPEG"), ("webp", "WEBP"), ("gif", "GIF"), ("tif", "TIFF"), ("bmp", "BMP")]


@pytest.mark.parametrize(("extension", "fmt"), FORMATS)
def test_formats_are_detected_and_converted(tmp_path, extension, fmt):
    path = samples.image_file(tmp_path, f"contoh.{extension}", (800, 600), fmt=fmt)
    info = inspect(path)
    assert (info.kind, info.format, info.width, info.height) == ("image", fmt, 800, 600)
    assert info.problems == () and info.notes == ()
    for platform in IMAGE_PLATFORMS:
        assert_meets_rules(prepare_image(path, platform, tmp_path / "out").path, platform)


def test_animated_gif_uses_the_first_frame(tmp_path):
    frames = [Image.new("RGB", (400, 400), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    path = tmp_path / "animasi.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    info = inspect(path)
    assert info.frames == 3 and any("bingkai pertama" in note for note in info.notes)
    image = assert_meets_rules(prepare_image(path, "Instagram", tmp_path / "out").path, "Instagram")
    assert _near(image.getpixel((200, 200)), (255, 0, 0), 12)


def test_heic_when_pillow_heif_is_installed(tmp_path):
    pytest.importorskip("pillow_heif", exc_type=ImportError)
    path = samples.heic(tmp_path)
    info = inspect(path)
    assert (info.kind, info.format, info.width, info.height) == ("image", "HEIC", 640, 480)
    assert_meets_rules(prepare_image(path, "Instagram", tmp_path / "out").path, "Instagram")


def test_heic_without_pillow_heif_is_reported_in_indonesian(tmp_path, monkeypatch):
    monkeypatch.setitem(identify._HEIF_STATE, "module", None)
    path = tmp_path / "foto-iphone.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200))
    info = inspect(path)
    assert info.kind == "image" and info.format == "HEIC"
    assert info.problems == (
        "Gambar 'foto-iphone.heic' berformat HEIC, yang belum dapat diolah sistem ini; simpan ulang sebagai "
        "JPEG atau PNG (di iPhone: Pengaturan > Kamera > Format > Paling Kompatibel).",
    )
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.path is None and result.problems[0].startswith(
        "Instagram: gambar 'foto-iphone.heic' berformat HEIC"
    )


# --- orientation and colour -----------------------------------------------------------------------


def test_exif_orientation_is_applied(tmp_path):
    path = samples.exif_rotated(tmp_path)  # stored 400x200, red left; displayed 200x400, red on top
    assert inspect(path).width == 400
    result = prepare_image(path, "Facebook", tmp_path / "out")
    image = assert_meets_rules(result.path, "Facebook")
    assert image.size == (200, 400)
    assert _near(image.getpixel((100, 20)), (255, 0, 0), 12)
    assert _near(image.getpixel((100, 380)), (0, 0, 255), 12)
    assert any("orientasi EXIF" in note for note in result.notes)
    instagram = assert_meets_rules(prepare_image(path, "Instagram", tmp_path / "out").path, "Instagram")
    assert instagram.size == (320, 400)  # portrait 1:2, padded to 4:5, scaled up to 320 wide


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_embedded_icc_profile_is_applied_then_stripped(tmp_path, fmt):
    path = samples.icc_tagged(tmp_path, f"icc.{fmt.lower()}", fmt=fmt)
    assert inspect(path).icc_profile
    for platform in ("Instagram", "X"):
        image = assert_meets_rules(prepare_image(path, platform, tmp_path / "out").path, platform)
        # Red pixels under a profile whose red primary is sRGB's green must come out green.
        assert _near(image.getpixel((image.width // 2, image.height // 2)), (0, 255, 0), 12)


def test_lab_image_is_converted_to_srgb(tmp_path):
    path = samples.lab_tiff(tmp_path)
    assert inspect(path).mode == "LAB"
    image = assert_meets_rules(prepare_image(path, "Instagram", tmp_path / "out").path, "Instagram")
    assert _near(image.getpixel((160, 160)), (119, 119, 119), 6)  # L*=50 is sRGB grey 119


def test_broken_icc_profile_is_ignored_with_a_note(tmp_path):
    path = samples.save(
        Image.new("RGB", (400, 400), (10, 20, 30)),
        tmp_path / "rusak-icc.png",
        icc_profile=b"bukan profil warna",
    )
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.ok
    assert any("profil warna (ICC) rusak" in note for note in result.notes)


# --- broken files ---------------------------------------------------------------------------------


def test_decompression_bomb_header(tmp_path):
    path = samples.bomb_png(tmp_path)
    info = inspect(path)
    assert info.kind == "image" and info.format == "PNG"
    assert len(info.problems) == 1 and "terlalu besar untuk diolah dengan aman" in info.problems[0]
    assert "10.000 megapiksel" in info.problems[0]
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.path is None and "terlalu besar" in result.problems[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("pixels", [(40, 40), (100, 100)], ids=["warning", "error"])
def test_decompression_bomb_limit_is_pillows(tmp_path, monkeypatch, pixels):
    path = samples.image_file(tmp_path, "besar.png", pixels)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 40x40 is over it (a warning), 100x100 twice over
    info = inspect(path)
    assert len(info.problems) == 1 and "terlalu besar" in info.problems[0]
    assert "batasnya 0,0 megapiksel" in info.problems[0]
    assert prepare_image(path, "X", tmp_path / "out").path is None
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # unset: our own default applies, and this is fine
    assert inspect(path).ok


def test_truncated_jpeg_and_png(tmp_path):
    jpeg = samples.truncated(samples.image_file(tmp_path, "utuh.jpg", (800, 800), quality=95))
    png = samples.truncated(samples.image_file(tmp_path, "utuh.png", (800, 800)))
    for path in (jpeg, png):
        info = inspect(path)
        assert info.kind == "image"
        assert info.problems == (
            f"Gambar '{path.name}' rusak atau tidak lengkap (mungkin unggahannya terputus); "
            "unggah ulang filenya.",
        )
        result = prepare_image(path, "Instagram", tmp_path / "out")
        assert result.path is None and result.problems[0].startswith(f"Instagram: gambar '{path.name}' rusak")


def test_every_truncation_of_a_png_is_reported_never_raised(tmp_path):
    whole = samples.image_file(tmp_path, "utuh.png", (200, 200)).read_bytes()
    for keep in range(1, len(whole), max(1, len(whole) // 40)):
        path = tmp_path / f"potong-{keep}.png"
        path.write_bytes(whole[:keep])
        info = inspect(path)
        assert not info.ok, keep
        assert prepare_image(path, "Instagram", tmp_path / "out").path is None


def test_text_file_named_jpg_is_an_error(tmp_path):
    path = samples.text_file(tmp_path)
    info = inspect(path)
    assert info.kind == "unknown"
    assert info.problems == (
        "File 'bukan-gambar.jpg' bukan gambar JPEG yang sah: isinya teks biasa. "
        "Ganti dengan file gambar yang benar.",
    )


def test_png_named_jpg_is_only_a_note(tmp_path):
    path = samples.image_file(tmp_path, "poster.jpg", (800, 600), fmt="PNG")
    info = inspect(path)
    assert info.ok and info.format == "PNG"
    assert info.notes == (
        "File 'poster.jpg' sebenarnya berformat PNG, bukan JPEG seperti ekstensinya; tetap diproses.",
    )
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.ok and result.path.name == "poster-instagram.jpg"
    assert_meets_rules(result.path, "Instagram")


def test_missing_empty_folder_and_random_files(tmp_path):
    assert inspect(tmp_path / "tidak-ada.png").problems == ("File 'tidak-ada.png' tidak ditemukan.",)
    empty = tmp_path / "kosong.jpg"
    empty.write_bytes(b"")
    assert inspect(empty).problems == ("File 'kosong.jpg' kosong (0 byte); unggah ulang filenya.",)
    folder = tmp_path / "map.png"
    folder.mkdir()
    assert "adalah folder" in inspect(folder).problems[0]
    junk = tmp_path / "acak.png"
    junk.write_bytes(bytes(range(256)) * 8)
    assert inspect(junk).problems == (
        "File 'acak.png' bukan gambar PNG yang sah: formatnya tidak dikenali. "
        "Ganti dengan file gambar yang benar.",
    )
    pdf = tmp_path / "surat.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(100))
    assert inspect(pdf).problems == ("File 'surat.pdf' bukan gambar atau video (isinya dokumen PDF).",)


# --- byte limits and idempotence ------------------------------------------------------------------


@pytest.mark.slow
def test_x_noise_photo_is_brought_under_5_mb(tmp_path):
    path = samples.save(samples.noise((4000, 3000)), tmp_path / "derau.bmp")
    result = prepare_image(path, "X", tmp_path / "out")
    assert result.ok, result.problems
    assert_meets_rules(result.path, "X")
    assert result.bytes <= 5_000_000


def test_jpeg_quality_steps_down_to_the_limit(tmp_path, monkeypatch):
    small_limit = dataclasses.replace(RULES["Instagram"].image, max_bytes=400_000)
    monkeypatch.setitem(RULES, "Instagram", dataclasses.replace(RULES["Instagram"], image=small_limit))
    path = samples.save(samples.noise((1200, 1200)), tmp_path / "derau.png")
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.ok, result.problems
    assert result.bytes <= 400_000
    assert_meets_rules(result.path, "Instagram")
    assert any("kualitas JPEG diturunkan" in note or "agar tidak lebih dari" in note for note in result.notes)


def test_a_limit_that_cannot_be_met_is_a_problem(tmp_path, monkeypatch):
    impossible = dataclasses.replace(RULES["Instagram"].image, max_bytes=3_000)
    monkeypatch.setitem(RULES, "Instagram", dataclasses.replace(RULES["Instagram"], image=impossible))
    path = samples.save(samples.noise((800, 800)), tmp_path / "derau.png")
    result = prepare_image(path, "Instagram", tmp_path / "out")
    assert result.path is None
    assert result.problems == (
        "Instagram: gambar 'derau.png' tetap lebih besar dari 3 KB setelah dikompresi; "
        "perkecil atau sederhanakan gambarnya.",
    )


def test_prepare_image_is_idempotent_and_deterministic(sized, moded, tmp_path):
    for source in (sized[(10, 10)], moded["RGBA"], moded["CMYK"], moded["I;16"]):
        for platform in IMAGE_PLATFORMS:
            first = prepare_image(source, platform, tmp_path / "a")
            stamp = first.path.stat().st_mtime_ns
            data = first.path.read_bytes()
            os.utime(first.path, ns=(stamp - 10_000_000_000, stamp - 10_000_000_000))
            again = prepare_image(source, platform, tmp_path / "a")
            assert again.path == first.path and again.path.read_bytes() == data
            assert again.path.stat().st_mtime_ns == stamp - 10_000_000_000, (
                "an unchanged output is not rewritten"
            )
            elsewhere = prepare_image(source, platform, tmp_path / "b")
            assert elsewhere.path.read_bytes() == data
    assert not [name for name in os.listdir(tmp_path / "a") if name.endswith(".tmp")]


def test_youtube_takes_no_images(sized, tmp_path):
    result = prepare_image(sized[(300, 300)], "YouTube", tmp_path)
    assert result.path is None
    assert result.problems == (
        "YouTube: hanya menerima video; gambar 'gambar-300x300.png' tidak dapat diunggah.",
    )


# --- videos ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("av", exc_type=ImportError)
    folder = tmp_path_factory.mktemp("videos")
    return {
        "2s": samples.video(folder / "klip-2s.mp4", 2.0),
        "4s": samples.video(folder / "klip-4s.mp4", 4.0),
        "vp9": samples.video(folder / "klip-vp9.webm", 3.2, codec="libvpx-vp9", audio="libopus"),
        "mpeg4": samples.video(folder / "klip-mpeg4.mp4", 3.2, codec="mpeg4"),
        "mov": samples.video(folder / "klip.mov", 3.2, size=(360, 640), container="mov"),
        "silent": samples.video(folder / "tanpa-suara.mp4", 3.2, size=(360, 640), audio=None),
        "moov-last": samples.video(folder / "moov-di-akhir.mp4", 3.2, size=(360, 640), faststart=False),
    }


def test_probe_h264_aac_mp4(videos):
    info = probe_video(videos["2s"])
    assert (info.kind, info.format, info.container) == ("video", "MP4", "MP4")
    assert (info.video_codec, info.audio_codec, info.codecs) == ("h264", "aac", ("h264", "aac"))
    assert (info.width, info.height) == (320, 568)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.fps == pytest.approx(24)
    assert info.size == videos["2s"].stat().st_size
    assert info.ok
    assert inspect(videos["4s"]).duration == pytest.approx(4.0, abs=0.1)  # inspect goes through probe_video


def test_too_short_for_instagram_reels(videos):
    assert video_problems(probe_video(videos["2s"]), "Instagram") == [
        "Instagram: video 'klip-2s.mp4' berdurasi 2,0 detik; Reels minimal 3 detik."
    ]
    assert video_problems(probe_video(videos["4s"]), "Instagram") == []
    assert video_problems(probe_video(videos["2s"]), "X") == []
    assert video_problems(probe_video(videos["2s"]), "YouTube") == []


def test_tiktok_wants_360_pixels_on_the_short_side(videos):
    assert video_problems(probe_video(videos["4s"]), "TikTok") == [
        "TikTok: video 'klip-4s.mp4' berukuran 320 × 568 piksel; sisi terpendek minimal 360 piksel."
    ]
    assert video_problems(probe_video(videos["mov"]), "TikTok") == []


def test_vp9_webm_has_the_wrong_container_and_codecs_for_instagram_and_x(videos):
    info = probe_video(videos["vp9"])
    assert (info.container, info.video_codec, info.audio_codec) == ("WEBM", "vp9", "opus")
    assert video_problems(info, "Instagram") == [
        "Instagram: video 'klip-vp9.webm' berformat WEBM; Reels hanya menerima MOV atau MP4.",
        "Instagram: video 'klip-vp9.webm' memakai kodek VP9; Reels hanya menerima H.264 atau HEVC (H.265).",
        "Instagram: video 'klip-vp9.webm' memakai kodek suara Opus; Reels hanya menerima AAC.",
    ]
    assert (
        video_problems(info, "X")[1]
        == "X: video 'klip-vp9.webm' memakai kodek VP9; yang diterima hanya H.264."
    )
    assert video_problems(info, "YouTube") == []
    assert video_problems(info, "TikTok") == [
        "TikTok: video 'klip-vp9.webm' berukuran 320 × 568 piksel; sisi terpendek minimal 360 piksel."
    ]


def test_mpeg4_part2_is_the_wrong_codec(videos):
    info = probe_video(videos["mpeg4"])
    assert info.video_codec == "mpeg4"
    assert video_problems(info, "X") == [
        "X: video 'klip-mpeg4.mp4' memakai kodek MPEG-4 Part 2; yang diterima hanya H.264."
    ]
    assert video_problems(info, "Facebook") == []


def test_mov_and_silent_videos(videos):
    mov = probe_video(videos["mov"])
    assert mov.container == "MOV" and mov.ok
    assert video_problems(mov, "Instagram") == []
    silent = probe_video(videos["silent"])
    assert silent.audio_codec is None and silent.ok
    assert video_problems(silent, "Instagram") == []  # no audio track is allowed


def test_a_phone_video_stored_turned_is_measured_as_shown(videos, tmp_path):
    landscape = samples.video(tmp_path / "hp.mp4", 1.0, size=(640, 360), audio=None)
    assert (probe_video(landscape).width, probe_video(landscape).height) == (640, 360)
    shown = probe_video(samples.turned(landscape))
    assert (shown.width, shown.height) == (360, 640) and shown.ok


def test_too_long_and_too_big_are_reported_from_the_probe(videos):
    info = probe_video(videos["4s"])
    long = dataclasses.replace(info, duration=16 * 60 + 5)
    assert video_problems(long, "Instagram") == [
        "Instagram: video 'klip-4s.mp4' berdurasi 16 menit 5 detik; Reels maksimal 15 menit."
    ]
    assert video_problems(dataclasses.replace(info, duration=601), "TikTok")[0] == (
        "TikTok: video 'klip-4s.mp4' berdurasi 10 menit 1 detik; maksimal 10 menit."
    )
    big = dataclasses.replace(info, size=412_500_000)
    assert video_problems(big, "Instagram") == [
        "Instagram: video 'klip-4s.mp4' berukuran 412,5 MB; Reels maksimal 300 MB."
    ]
    slow = dataclasses.replace(info, fps=15.0)
    assert video_problems(slow, "Instagram") == [
        "Instagram: video 'klip-4s.mp4' 15,0 fps; Reels hanya menerima 23–60 fps."
    ]


def test_truncated_videos_are_corrupt(videos, tmp_path):
    whole = videos["4s"].read_bytes()  # moov at the front (faststart): the header survives a cut
    for keep in (0.5, 0.9):
        path = tmp_path / f"terputus-{int(keep * 100)}.mp4"
        path.write_bytes(whole[: int(len(whole) * keep)])
        info = probe_video(path)
        assert info.kind == "video"
        assert info.problems == (
            f"Video '{path.name}' rusak atau tidak lengkap (mungkin unggahannya terputus); "
            "unggah ulang filenya.",
        )
        assert video_problems(info, "Instagram") == [
            f"Instagram: video '{path.name}' rusak atau tidak lengkap (mungkin unggahannya terputus); "
            "unggah ulang filenya."
        ]
    webm = videos["vp9"].read_bytes()
    cut = tmp_path / "terputus.webm"
    cut.write_bytes(webm[: len(webm) // 2])
    assert not probe_video(cut).ok
    assert probe_video(videos["moov-last"]).ok  # the index at the end is fine when the file is whole
    moov_last = videos["moov-last"].read_bytes()
    lost_index = tmp_path / "tanpa-indeks.mp4"
    lost_index.write_bytes(moov_last[: len(moov_last) * 9 // 10])
    info = probe_video(lost_index)
    assert info.kind == "video" and not info.ok


def test_text_named_mp4_and_image_given_to_probe_video(videos, tmp_path, sized):
    fake = tmp_path / "video.mp4"
    fake.write_text("bukan video", encoding="utf-8")
    info = probe_video(fake)
    assert info.kind == "unknown"
    assert info.problems == (
        "File 'video.mp4' bukan video MP4 yang sah: isinya teks biasa. Ganti dengan file video yang benar.",
    )
    assert probe_video(sized[(300, 300)]).kind == "image"
    assert video_problems(inspect(sized[(300, 300)]), "Instagram") == [
        "Instagram: file 'gambar-300x300.png' bukan video."
    ]


def test_probe_video_without_pyav(monkeypatch, videos):
    monkeypatch.setattr(identify, "_av", lambda: None)
    info = probe_video(videos["4s"])
    assert info.kind == "video" and info.container == "MP4"
    assert info.problems == (
        "Video 'klip-4s.mp4' tidak dapat diperiksa: modul pemeriksa video (PyAV) belum terpasang di server.",
    )


# --- one item on one platform ---------------------------------------------------------------------


@pytest.fixture()
def item(tmp_path, sized, moded) -> Path:
    folder = tmp_path / "K-2026-0001"
    folder.mkdir()
    shutil.copy(sized[(5000, 1000)], folder / "slide1.png")
    shutil.copy(sized[(1000, 5000)], folder / "slide2.png")
    shutil.copy(moded["CMYK"], folder / "slide10.jpg")
    shutil.copy(moded["RGBA"], folder / "slide3.png")
    (folder / "caption.txt").write_text("Caption ada di register.", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


def test_infografis_for_instagram_makes_a_carousel_with_one_ratio(item, tmp_path):
    result = prepare(list(item.iterdir()), "Instagram", "Infografis", tmp_path / "out")
    assert result.ok, result.problems
    assert result.kind == "image"
    assert [path.name for path in result.files] == [
        "slide1-instagram.jpg",
        "slide2-instagram.jpg",
        "slide3-instagram.jpg",
        "slide10-instagram.jpg",
    ]
    first = result.media[0]
    for path in result.files:
        assert_meets_rules(path, "Instagram", ratio=first.width / first.height)
    assert "Instagram: file 'caption.txt' diabaikan (bukan gambar atau video)." in result.notes
    assert not any(".DS_Store" in note for note in result.notes)
    # padding is automatic, so it is a note, never a problem
    assert any("rasio 5:1 di luar 4:5–1,91:1; diberi bingkai" in note for note in result.notes)


def test_x_takes_four_images_and_says_which_were_left_out(item, tmp_path, sized):
    shutil.copy(sized[(300, 300)], item / "slide4.png")
    result = prepare(list(item.iterdir()), "X", "Infografis", tmp_path / "out")
    assert result.ok and len(result.files) == 4
    assert "X: hanya 4 gambar pertama yang dipakai (batas X); diabaikan: 'slide10.jpg'." in result.notes
    for path in result.files:
        assert_meets_rules(path, "X")
    assert result.files[2].suffix == ".png"  # slide3 has transparency: X keeps it as PNG


def test_a_broken_slide_is_a_problem(item, tmp_path):
    samples.text_file(item, "slide5.jpg")
    result = prepare(list(item.iterdir()), "Facebook", "Infografis", tmp_path / "out")
    assert len(result.files) == 4
    assert result.problems == (
        "Facebook: file 'slide5.jpg' bukan gambar JPEG yang sah: isinya teks biasa. "
        "Ganti dengan file gambar yang benar.",
    )
    assert not result.ok


def test_same_stem_gets_distinct_outputs(tmp_path, sized):
    folder = tmp_path / "aset"
    folder.mkdir()
    shutil.copy(sized[(300, 300)], folder / "poster.png")
    shutil.copy(sized[(4000, 3000)], folder / "poster.jpg")
    result = prepare(list(folder.iterdir()), "X", "Infografis", tmp_path / "out")
    assert [path.name for path in result.files] == ["poster-x.jpg", "poster-2-x.jpg"]


def test_tiktok_takes_no_still_images(tmp_path, sized):
    result = prepare([sized[(300, 300)]], "TikTok", "Infografis", tmp_path / "out")
    assert result.problems == (
        "TikTok: hanya menerima video; Jenis 'Infografis' (gambar) tidak dapat diterbitkan di TikTok.",
    )
    assert not prepare_image(sized[(300, 300)], "TikTok", tmp_path).ok


def test_no_media_and_wrong_kind(tmp_path, item):
    empty = prepare([], "Instagram", "Infografis", tmp_path / "out")
    assert empty.problems == ("Instagram: tidak ada file gambar di folder aset.",) and not empty.ok
    no_video = prepare(list(item.iterdir()), "TikTok", "Video", tmp_path / "out")
    assert no_video.problems == (
        "TikTok: tidak ada file video di folder aset (ada gambar: 'slide1.png', 'slide2.png', 'slide3.png', "
        "'slide10.jpg'; periksa kolom Jenis).",
    )
    youtube = prepare(list(item.iterdir()), "YouTube", "Infografis", tmp_path / "out")
    assert youtube.problems == (
        "YouTube: hanya menerima video; Jenis 'Infografis' (gambar) tidak dapat diterbitkan di YouTube.",
    )
    assert prepare([item / "slide1.png"], "Kaskus", "Video", tmp_path).problems == (
        "Platform 'Kaskus' tidak dikenal; periksa kolom Platform.",
    )


def test_video_item_takes_the_first_video_as_it_is(tmp_path, videos, sized):
    folder = tmp_path / "video"
    folder.mkdir()
    shutil.copy(videos["2s"], folder / "b-cadangan.mp4")
    shutil.copy(videos["4s"], folder / "a-utama.mp4")
    shutil.copy(sized[(300, 300)], folder / "thumbnail.png")
    files = list(folder.iterdir())
    instagram = prepare(files, "Instagram", "Video", tmp_path / "out")
    assert instagram.files == (folder / "a-utama.mp4",) and instagram.ok
    assert "Instagram: hanya video pertama ('a-utama.mp4') yang dipakai; diabaikan: 'b-cadangan.mp4'." in (
        instagram.notes
    )
    tiktok = prepare(files, "TikTok", "Video", tmp_path / "out")
    assert tiktok.problems == (
        "TikTok: video 'a-utama.mp4' berukuran 320 × 568 piksel; sisi terpendek minimal 360 piksel.",
    )
    (folder / "a-utama.mp4").unlink()
    short = prepare(list(folder.iterdir()), "Instagram", "Video", tmp_path / "out")
    assert short.problems == (
        "Instagram: video 'b-cadangan.mp4' berdurasi 2,0 detik; Reels minimal 3 detik.",
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # videos are not copied


def test_a_corrupt_video_is_a_problem_and_unknown_kind_is_inferred(tmp_path, videos):
    folder = tmp_path / "rusak"
    folder.mkdir()
    data = videos["4s"].read_bytes()
    (folder / "klip.mp4").write_bytes(data[: len(data) // 3])
    result = prepare(list(folder.iterdir()), "YouTube", "Reels", tmp_path / "out")
    assert result.problems == (
        "YouTube: video 'klip.mp4' rusak atau tidak lengkap (mungkin unggahannya terputus); "
        "unggah ulang filenya.",
    )
    shutil.copy(videos["mov"], folder / "lain.mov")
    guessed = prepare(list(folder.iterdir()), "Facebook", "Dokumentasi", tmp_path / "out")
    assert guessed.kind == "video" and guessed.files == (folder / "lain.mov",)
    assert "Facebook: Jenis 'Dokumentasi' tidak dikenal; dipakai video." in guessed.notes


def test_media_info_helpers():
    info = MediaInfo(Path("/x/klip.mp4"), kind="video", video_codec="h264", audio_codec=None)
    assert info.name == "klip.mp4" and info.codecs == ("h264",) and info.ok


def _near(actual, expected, tolerance: int = 8) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual[:3], expected, strict=True))


def test_a_link_or_a_fifo_is_never_read_by_preparation(tmp_path):
    real = tmp_path / "luar" / "poster.png"
    real.parent.mkdir()
    Image.new("RGB", (1080, 1350), (10, 20, 30)).save(real)
    folder = tmp_path / "aset"
    folder.mkdir()
    (folder / "tautan.png").symlink_to(real)
    os.mkfifo(folder / "pipa.png")
    for name in ("tautan.png", "pipa.png"):
        info = inspect(folder / name)
        assert not info.ok and any(f"'{name}'" in p and "tautan" in p for p in info.problems)
    prepared = media.prepare([folder / "tautan.png", folder / "pipa.png"], "Instagram", "Infografis",
                             tmp_path / "out")
    assert prepared.files == () and prepared.problems


def test_the_media_host_never_hands_out_a_links_target(tmp_path):
    from automation.adapters.media.host import FolderMediaHost

    secret = tmp_path / "rahasia.png"
    secret.write_bytes(b"rahasia")
    (tmp_path / "tautan.png").symlink_to(secret)
    host = FolderMediaHost(tmp_path / "publik", "https://media.example")
    with pytest.raises(FileNotFoundError):
        host.url_for(tmp_path / "tautan.png")
    assert not any((tmp_path / "publik").glob("*")) if (tmp_path / "publik").exists() else True
    assert host.url_for(secret).startswith("https://media.example/")  # a plain file is served


def test_the_audio_profile_rate_and_channels_are_read_for_the_checks(videos):
    info = probe_video(videos["4s"])
    assert (info.audio_codec, info.audio_profile, info.audio_sample_rate, info.audio_channels) == (
        "aac", "LC", 48_000, 2)
    facts = media.facts(info)
    assert (facts.kind, facts.format, facts.audio_profile, facts.width, facts.height) == (
        "video", "MP4", "LC", 320, 568)
    assert video_problems(info, "X") == []  # 320 x 568, AAC-LC stereo, 4 s: within X's rules
    silent = probe_video(videos["mpeg4"])
    assert silent.audio_profile in (None, "LC")


def test_check_post_reads_the_files_and_applies_the_one_check(videos, sized, tmp_path):
    from automation.ports import MediaFile, Post

    post = Post(key="k", item_id="K-1", platform="X", title="", caption="Teks", kind="Video",
                media=(MediaFile("klip-4s.mp4", videos["4s"]), MediaFile("poster.png", sized[(300, 300)])))
    assert media.check_post(post) == ["X: unggah satu video saja, atau 1–4 gambar, bukan keduanya."]
    reel = dataclasses.replace(post, platform="Instagram", media=(MediaFile("klip-4s.mp4", videos["4s"]),))
    assert media.check_post(reel) == []
