"""Real sample media for the tests, made on the spot: images with Pillow, videos with PyAV.

Every function writes one file and returns its path. Nothing is downloaded. Run as a script to
write a set of samples into a folder for looking at by hand:

    python -m tests.media_samples /tmp/samples
"""

from __future__ import annotations

import math
import os
import random
import struct
import sys
import zlib
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

# --- images --------------------------------------------------------------------------------------------


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A picture with structure (gradients, a frame, a diagonal), in any Pillow mode."""
    width, height = size
    horizontal = Image.linear_gradient("L").resize((width, height))
    vertical = Image.linear_gradient("L").rotate(90).resize((width, height))
    rgb = Image.merge("RGB", (horizontal, vertical, Image.new("L", (width, height), 128)))
    draw = ImageDraw.Draw(rgb)
    if width > 4 and height > 4:
        draw.rectangle((0, 0, width - 1, height - 1), outline=(255, 0, 0), width=max(1, min(size) // 50))
        draw.line((0, 0, width - 1, height - 1), fill=(0, 0, 255), width=max(1, min(size) // 100))
    if mode == "RGB":
        return rgb
    if mode == "RGBA":
        image = rgb.convert("RGBA")
        image.putalpha(Image.linear_gradient("L").resize((width, height)))  # transparent at the top
        return image
    if mode == "LA":
        image = rgb.convert("L").convert("LA")
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
        return image
    if mode == "P":
        return rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    if mode == "I;16":
        return rgb.convert("L").convert("I").point(lambda value: value * 257).convert("I;16")
    return rgb.convert(mode)  # L, 1, CMYK, YCbCr, ...


def noise(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Incompressible RGB noise: the worst case for a byte limit. Deterministic for a seed."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def save(image: Image.Image, path: Path, fmt: str | None = None, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt, **options)
    return path


def image_file(
    directory: Path, name: str, size: tuple[int, int], mode: str = "RGB", fmt: str | None = None, **options
) -> Path:
    return save(picture(size, mode), Path(directory) / name, fmt, **options)


def palette_with_transparency(directory: Path, name: str = "palet.png", size=(300, 200)) -> Path:
    """A "P" image whose palette index 0 is transparent (the left third)."""
    image = picture(size, "P")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 3, size[1]), fill=0)
    image.info["transparency"] = 0
    return save(image, Path(directory) / name, transparency=0)


def cmyk_jpeg(directory: Path, name: str = "cmyk.jpg", size=(600, 400)) -> Path:
    image = Image.new("CMYK", size, (0, 0, 0, 0))  # white
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1]), fill=(0, 255, 255, 0))  # red
    return save(image, Path(directory) / name, "JPEG", quality=95)


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile that is sRGB with the red and green primaries swapped: a pixel (255, 0, 0)
    tagged with it is pure green in sRGB. Unmistakable proof that a converter applied the profile."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {}
    for index in range(count):
        signature, offset, size = struct.unpack(">4sII", data[132 + 12 * index : 144 + 12 * index])
        entries[signature] = (index, offset, size)
    red_index, red_offset, red_size = entries[b"rXYZ"]
    green_index, green_offset, green_size = entries[b"gXYZ"]
    struct.pack_into(">4sII", data, 132 + 12 * red_index, b"rXYZ", green_offset, green_size)
    struct.pack_into(">4sII", data, 132 + 12 * green_index, b"gXYZ", red_offset, red_size)
    data[84:100] = bytes(16)  # the profile ID (MD5) no longer matches: zero means "not computed"
    return bytes(data)


def icc_tagged(directory: Path, name: str = "icc.png", size=(400, 400), fmt: str = "PNG") -> Path:
    """Pure red pixels tagged with swapped_primaries_profile(): correct conversion gives green."""
    image = Image.new("RGB", size, (255, 0, 0))
    return save(image, Path(directory) / name, fmt, icc_profile=swapped_primaries_profile())


def lab_tiff(directory: Path, name: str = "lab.tif", size=(200, 200)) -> Path:
    """A Lab image (a mid grey: L=50%, a=b=0)."""
    image = Image.new("LAB", size, (128, 128, 128))
    return save(image, Path(directory) / name, "TIFF")


def exif_rotated(directory: Path, name: str = "miring.jpg", size=(400, 200), orientation: int = 6) -> Path:
    """Stored landscape, red on the left and blue on the right, with EXIF Orientation=6 (the camera
    was turned: displayed, the picture is portrait with red at the top)."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1]), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return save(image, Path(directory) / name, "JPEG", exif=exif.tobytes(), quality=95)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(directory: Path, name: str = "bom.png", width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny PNG whose header claims width x height pixels (10 gigapixels by default)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def truncated(source: Path, name: str | None = None, keep: float = 0.5) -> Path:
    """A copy of `source` cut after `keep` of its bytes, as an interrupted upload leaves it."""
    data = Path(source).read_bytes()
    path = Path(source).with_name(name or f"terpotong-{Path(source).name}")
    path.write_bytes(data[: max(1, int(len(data) * keep))])
    return path


def text_file(directory: Path, name: str = "bukan-gambar.jpg") -> Path:
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Ini catatan rapat, bukan gambar.\nJadwal: Senin 09.00 WIB\n", encoding="utf-8")
    return path


def heic(directory: Path, name: str = "foto.heic", size=(640, 480)) -> Path:
    """Needs the optional pillow-heif package (the caller skips the test without it)."""
    import pillow_heif  # type: ignore[import-not-found]

    pillow_heif.register_heif_opener()
    return save(picture(size), Path(directory) / name, "HEIF")


# --- videos --------------------------------------------------------------------------------------------


def video(
    path: Path,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 568),
    fps: int = 24,
    codec: str = "libx264",
    audio: str | None = "aac",
    container: str | None = None,
    faststart: bool = True,
) -> Path:
    """A real video: moving colour bars, with a sine tone when `audio` names an encoder.

    codec: libx264 (H.264), libx265 (HEVC), mpeg4 (MPEG-4 Part 2), libvpx-vp9 (VP9), libvpx (VP8).
    audio: aac, libopus, mp3, or None. container: an FFmpeg muxer name (mp4, mov, webm, matroska,
    avi), by default from the extension. faststart puts an MP4/MOV index (moov) before the data."""
    import av  # type: ignore[import-not-found]

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    frames = max(1, round(seconds * fps))
    options = {"movflags": "+faststart"} if faststart and path.suffix.lower() in (".mp4", ".mov") else {}
    with av.open(str(path), mode="w", format=container, options=options) as output:
        stream = output.add_stream(codec, rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        elif codec == "libx265":
            stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
        elif codec.startswith("libvpx"):
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        audio_stream = None
        if audio:
            audio_stream = output.add_stream(audio, rate=48000)
            audio_stream.layout = "stereo"
        base = picture((width, height))
        looks = [av.VideoFrame.from_image(base.rotate(angle)) for angle in range(0, 360, 30)]
        for index in range(frames):
            frame = looks[index % len(looks)]
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
        if audio_stream is not None:
            _write_tone(av, output, audio_stream, seconds)
    return path


def turned(path: Path, name: str | None = None) -> Path:
    """A copy of an MP4/MOV whose first track says "show me turned 90°" (the tkhd matrix a phone
    writes when it records upright with the sensor on its side)."""
    data = bytearray(Path(path).read_bytes())
    box = data.find(b"tkhd") - 4
    version = data[box + 8]
    matrix = box + (48 if version == 0 else 60)
    struct.pack_into(">9i", data, matrix, 0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30)
    target = Path(path).with_name(name or f"diputar-{Path(path).name}")
    target.write_bytes(bytes(data))
    return target


def _write_tone(av, output, stream, seconds: float) -> None:
    """A 480 Hz sine (exactly 100 samples a period at 48 kHz), stereo s16."""
    rate = 48000
    period = b"".join(
        struct.pack("<hh", value, value)
        for value in (int(3000 * math.sin(2 * math.pi * index / 100)) for index in range(100))
    )
    frame_size = stream.codec_context.frame_size or 1024
    total = int(seconds * rate)
    pcm = period * (total // 100 + frame_size // 100 + 2)
    pts = 0
    while pts < total:
        count = min(frame_size, total - pts)
        frame = av.AudioFrame(format="s16", layout="stereo", samples=count)
        chunk = pcm[pts * 4 : (pts + count) * 4]
        frame.planes[0].update(chunk + bytes(frame.planes[0].buffer_size - len(chunk)))
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            output.mux(packet)
        pts += count
    for packet in stream.encode():
        output.mux(packet)


# --- by hand -------------------------------------------------------------------------------------------


def write_all(directory: Path) -> list[Path]:
    directory = Path(directory)
    made = [
        image_file(directory, "kecil-10x10.png", (10, 10)),
        image_file(directory, "persegi-300.jpg", (300, 300)),
        image_file(directory, "lebar-5000x1000.png", (5000, 1000)),
        image_file(directory, "tinggi-1000x5000.png", (1000, 5000)),
        image_file(directory, "foto-4000x3000.jpg", (4000, 3000), quality=90),
        image_file(directory, "transparan.png", (800, 600), "RGBA"),
        image_file(directory, "abu-la.png", (500, 500), "LA"),
        image_file(directory, "16bit.png", (640, 480), "I;16"),
        image_file(directory, "hitam-putih.png", (640, 480), "1"),
        palette_with_transparency(directory),
        cmyk_jpeg(directory),
        icc_tagged(directory),
        exif_rotated(directory),
        bomb_png(directory),
        truncated(image_file(directory, "utuh.jpg", (800, 800), quality=95), "terpotong.jpg"),
        text_file(directory),
    ]
    try:
        made.append(video(directory / "klip-2s.mp4", 2.0))
        made.append(video(directory / "klip-4s.mp4", 4.0))
        made.append(video(directory / "klip-vp9.webm", 2.0, codec="libvpx-vp9", audio="libopus"))
        made.append(video(directory / "klip-mpeg4.mp4", 2.0, codec="mpeg4"))
    except ImportError:
        print("PyAV is not installed: no videos", file=sys.stderr)
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "media-samples")
    for made_path in write_all(target):
        print(os.fspath(made_path))
