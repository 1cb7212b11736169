"""Step 7 through the real platform adapters, driven by the daemon: exactly one post per platform."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from tests.people import make_workspace, status
from tests.platform_fakes import FAST, TOKENS, InstagramFake, MediaSite, XFake


@pytest.fixture
def tokens():
    old = {k: os.environ.get(k) for k in TOKENS}
    os.environ.update(TOKENS)
    yield TOKENS
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def platforms(tmp_path, tokens):
    with InstagramFake() as ig, XFake() as x, MediaSite(tmp_path) as site:
        yield ig, x, site


def fast(**extra) -> str:
    return "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in {**FAST, **extra}.items())


@pytest.fixture
def ws(tmp_path, platforms):
    ig, x, site = platforms
    ws = make_workspace(tmp_path / "kantor")
    config = ws.config.read_text(encoding="utf-8") + (
        f'\n[publish.media_host]\nkind = "folder"\nfolder = "{site.folder}"\nbase_url = "{site.server.url}/"\n'
        f'\n[publish.instagram]\nbase_url = "{ig.url}"\napi_version = "v21.0"\nig_user_id = "{ig.ig_user_id}"\n'
        f'token_env = "SOP_KONTEN_IG_TOKEN"\nusername = "pemkotjogja"\n' + fast() +
        f'\n[publish.x]\nbase_url = "{x.url}"\ntoken_env = "SOP_KONTEN_X_TOKEN"\nusername = "{x.username}"\n'
        + fast())
    ws.config.write_text(config, encoding="utf-8")
    return ws


def approved_item(ws, caption="Festival Gudeg 2026 di Alun-alun Utara. #JogjaIstimewa", platform="Instagram, X",
                  approve=True):
    ws.propose("Festival Gudeg", Jenis="Infografis", Platform=platform, Caption=caption)
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1200, 1500), (200, 120, 40)).save(folder / "poster.png")
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai")] + ([(6, "Disetujui")] if approve else [])
    for minute, (step, value) in enumerate(moves, start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    return item


def test_an_approved_item_is_posted_once_on_each_platform(ws, platforms):
    ig, x, _ = platforms
    item = approved_item(ws)
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and row["Tahap"] == "Terbit"
    assert [line.split(":")[0] for line in row["Tautan Publikasi"].splitlines()] == ["Instagram", "X"]
    assert len(ig.live_posts()) == 1 and len(x.live_posts()) == 1
    assert x.live_posts()[0]["text"].startswith("Festival Gudeg 2026")
    for minute in range(10, 13):
        ws.once(at=f"2026-11-30T09:{minute}")
    assert len(ig.live_posts()) == 1 and len(x.live_posts()) == 1


def test_a_partial_failure_retries_only_the_failed_platform(ws, platforms):
    ig, x, _ = platforms
    x.fail("POST", r"^/2/tweets$", "error_before", times=50, status=429)  # rate limited: nothing posted
    item = approved_item(ws)
    row = ws.row(item)
    assert row[status(7)] == "Menunggu"
    lines = row["Tautan Publikasi"].splitlines()
    assert lines[0].startswith("Instagram: ") and lines[1].startswith("X: gagal, dicoba lagi otomatis")
    assert "X: gagal" in row["Catatan Sistem"]
    assert "andi@ikp.example" in str(ws.mails()[-1]["To"]) and "X" in ws.mails()[-1]["Subject"]
    x.faults.clear()
    ws.once(at="2026-11-30T09:20")
    row = ws.row(item)
    assert row[status(7)] == "Terbit"
    assert len(ig.live_posts()) == 1 and len(x.live_posts()) == 1


def test_an_outcome_that_cannot_be_established_asks_the_admin_and_never_posts_twice(ws, platforms):
    ig, x, _ = platforms
    x.fail("POST", r"^/2/tweets$", "drop_after", times=1)  # the post goes live, the answer is lost
    x.fail("GET", r"^/2/users/.*/tweets", "error_before", times=100, status=503)  # and the timeline is down
    x.fail("GET", r"^/2/users/me", "error_before", times=100, status=503)
    item = approved_item(ws)
    row = ws.row(item)
    assert row[status(7)] == "Perlu Dicek"
    assert "PERLU DICEK" in row["Tautan Publikasi"]
    assert len(x.live_posts()) == 1
    def unconfirmed():
        return [m["Subject"] for m in ws.mails() if "dicek" in m["Subject"].lower()]

    assert len(unconfirmed()) == 1 and "X" in unconfirmed()[0]
    ws.once(at="2026-11-30T09:30")
    ws.once(at="2026-11-30T09:31")
    assert len(x.live_posts()) == 1 and len(ig.live_posts()) == 1
    assert len(unconfirmed()) == 1  # told once
    ws.edit(item, {status(7): "Terbit", "Tautan Publikasi": "Instagram: dicek\nX: https://x.com/pemkotjogja"})
    ws.once(at="2026-11-30T09:40")
    assert ws.row(item)["Tahap"] == "Terbit"


def test_caption_problems_are_caught_at_koreksi_before_approval(ws, platforms):
    long_caption = "Jogja " * 60  # 360 characters: too long for X
    item = approved_item(ws, caption=long_caption, approve=False)
    row = ws.row(item)
    assert row[status(6)] == "Menunggu"
    assert "X:" in row["Catatan Sistem"] and "280" in row["Catatan Sistem"]


@pytest.mark.slow
@pytest.mark.parametrize("crash_before", [1, 2, 3])
def test_a_crash_while_publishing_never_posts_twice(ws, platforms, crash_before):
    ig, x, _ = platforms
    item = approved_item(ws, approve=False)
    ws.edit(item, {status(6): "Disetujui"})
    result = ws.sop_konten("once", at="2026-11-30T09:10", check=False,
                           env={**TOKENS, "SOP_KONTEN_CRASH_BEFORE_EFFECT": str(crash_before)})
    assert result.returncode == 70
    ws.sop_konten("once", at="2026-11-30T09:11", env=TOKENS)
    ws.sop_konten("once", at="2026-11-30T09:12", env=TOKENS)
    assert ws.row(item)[status(7)] == "Terbit"
    assert len(ig.live_posts()) == 1 and len(x.live_posts()) == 1


def test_the_admin_is_warned_once_before_a_token_expires(ws, platforms, tmp_path):
    import json

    token_file = tmp_path / "x-token.json"
    token_file.write_text(json.dumps({"access_token": "x-token", "expires_at": "2026-12-03T00:00:00+00:00"}))
    text = ws.config.read_text(encoding="utf-8").replace(
        'token_env = "SOP_KONTEN_X_TOKEN"', f'token_env = "SOP_KONTEN_X_TOKEN"\ntoken_file = "{token_file}"')
    ws.config.write_text(text, encoding="utf-8")
    ws.once(at="2026-11-30T08:00")
    warnings = [m for m in ws.mails() if "token" in m["Subject"].lower()]
    assert len(warnings) == 1 and "andi@ikp.example" in str(warnings[0]["To"]) and "X" in warnings[0]["Subject"]
    ws.once(at="2026-11-30T09:00")
    ws.once(at="2026-12-01T09:00")
    assert len([m for m in ws.mails() if "token" in m["Subject"].lower()]) == 1


def test_bad_media_is_caught_at_koreksi_and_blocks_nothing_silently(ws, platforms):
    ig, x, _ = platforms
    ws.propose("Berkas rusak", Jenis="Infografis", Platform="Instagram", Caption="Uji")
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    (folder / "poster.jpg").write_text("ini bukan gambar", encoding="utf-8")
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai")], start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    row = ws.row(item)
    assert row[status(5)] == "Menunggu" and "poster.jpg" in row["Catatan Sistem"]
    ws.edit(item, {status(5): "Sesuai"})
    ws.once(at="2026-11-30T09:05")
    ws.edit(item, {status(6): "Disetujui"})
    ws.once(at="2026-11-30T09:06")
    row = ws.row(item)
    assert row[status(7)] == "Menunggu" and "Instagram: gagal" in row["Tautan Publikasi"]
    assert ig.live_posts() == []


# --- local mode: the same checks and preparation, the feed as a faithful preview (issue 11) ---------------


@pytest.fixture
def local_ws(tmp_path):
    return make_workspace(tmp_path / "kantor-lokal")  # no [publish.<platform>]: every platform is local


def local_item(ws, caption, platform, approve=True):
    from tests import media_samples

    ws.propose("Festival Gudeg", Jenis="Infografis", Platform=platform, Caption=caption)
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    media_samples.save(media_samples.picture((3000, 1000), "RGBA"), folder / "1-spanduk.png")
    media_samples.cmyk_jpeg(folder, "2-cetak.jpg", size=(1200, 1500))
    media_samples.save(media_samples.picture((800, 800), "I;16"), folder / "3-enam-belas-bit.png")
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai")] + ([(6, "Disetujui")] if approve else [])
    for minute, (step, value) in enumerate(moves, start=1):
        ws.edit(item, {status(step): value})
        ws.once(at=f"2026-11-30T09:{minute:02d}")
    return item


@pytest.mark.slow
def test_local_mode_publishes_what_each_platform_would_receive(local_ws):
    item = local_item(local_ws, "Festival Gudeg 2026 di Alun-alun Utara. #JogjaIstimewa", "Instagram, X")
    row = local_ws.row(item)
    assert row[status(7)] == "Terbit", row["Catatan Sistem"]
    instagram = local_ws.root / "published" / "instagram" / item
    sent = sorted(p.name for p in instagram.iterdir() if p.suffix == ".jpg")
    assert sent == ["1-spanduk-instagram.jpg", "2-cetak-instagram.jpg", "3-enam-belas-bit-instagram.jpg"]
    for name in sent:
        with Image.open(instagram / name) as image:
            assert image.format == "JPEG" and image.mode == "RGB" and 320 <= image.width <= 1440
            assert 0.8 <= image.width / image.height <= 1.91
    assert not list(instagram.glob("*.png"))  # never the designer's originals
    page = (local_ws.root / "published" / "index.html").read_text(encoding="utf-8")
    assert 'data-platform="Instagram"' in page and 'data-platform="X"' in page and 'data-frame="16:9"' in page


@pytest.mark.slow
def test_local_mode_reports_at_koreksi_what_the_platforms_would_refuse(local_ws):
    caption = "Jogja " * 58 + "Istimewa"  # 356 characters: too long for X
    item = local_item(local_ws, caption, "Instagram, X, TikTok", approve=False)
    notes = local_ws.row(item)["Catatan Sistem"]
    assert "X: 356 karakter berbobot" in notes and "280" in notes
    assert "TikTok: hanya menerima video" in notes
    local_ws.edit(item, {status(6): "Disetujui"})
    local_ws.once(at="2026-11-30T09:10")
    row = local_ws.row(item)
    assert "X: gagal" in row["Tautan Publikasi"] and "TikTok: gagal" in row["Tautan Publikasi"]
    assert not (local_ws.root / "published" / "x" / item).exists()
    assert not (local_ws.root / "published" / "tiktok" / item).exists()
    assert (local_ws.root / "published" / "instagram" / item / "post.json").is_file()
