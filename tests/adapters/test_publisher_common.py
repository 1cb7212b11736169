"""The publisher's shared parts: building adapters, manual mode, states, tokens, logs, the media host."""

from __future__ import annotations

import builtins
import json
import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from automation.adapters.media.host import (
    FolderMediaHost,
    MediaHostError,
    SignedUrlMediaHost,
    build_media_host,
)
from automation.adapters.social.base import (
    RedactSecrets,
    Rejected,
    TokenSource,
    parse_time,
    redact,
    same_text,
)
from automation.ports import Post
from automation.publisher import (
    PLATFORM_NAMES,
    JsonFileState,
    Manual,
    MemoryState,
    PublishConfigError,
    build_platform,
    build_platforms,
)
from tests.platform_fakes import MediaSite, jpeg, media

MINIMAL = {"instagram": {"ig_user_id": "1"}, "facebook": {"page_id": "2"}, "x": {}, "youtube": {},
           "tiktok": {}}


def test_every_platform_is_built_from_its_table_and_has_the_protocol():
    for key, table in MINIMAL.items():
        platform = build_platform(PLATFORM_NAMES[key], table)
        assert platform.name == PLATFORM_NAMES[key]
        assert callable(platform.publish) and callable(platform.reconcile) and callable(platform.token_expiry)


def test_configuration_errors_name_the_key():
    with pytest.raises(PublishConfigError, match="Mastodon"):
        build_platform("Mastodon", {})
    with pytest.raises(PublishConfigError, match="ig_user_id"):
        build_platform("Instagram", {})
    with pytest.raises(PublishConfigError, match="mode"):
        build_platform("X", {"mode": "otomatis"})
    with pytest.raises(PublishConfigError, match="timeout"):
        build_platform("X", {"timeout": "lama"})
    assert build_platform("twitter", {}).name == "X"


def test_manual_mode_needs_no_account_and_makes_no_call(tmp_path):
    image = media(tmp_path, "poster.jpg", jpeg())
    post = Post(key="k", item_id="K-2026-0001", platform="X", title="Judul", caption="Teks", kind="Infografis",
                media=(image,))
    for name in PLATFORM_NAMES.values():
        outcome = build_platform(name, {"mode": "manual", "base_url": "http://127.0.0.1:9"}).publish(post,
                                                                                                    MemoryState())
        assert isinstance(outcome, Manual) and outcome.files == (str(image.path),) and outcome.caption == "Teks"
        assert name in outcome.note


def test_build_platforms_reads_the_publish_table_and_shares_the_media_host(tmp_path):
    table = {"backend": "local", "media_host": {"kind": "folder", "folder": "publik", "base_url": "https://m.example"},
             "instagram": {"ig_user_id": "1"}, "x": {"enabled": False}, "tiktok": {"mode": "manual"}}
    found = build_platforms(table, base_dir=tmp_path)
    assert sorted(found) == ["Instagram", "TikTok"]
    host = found["Instagram"].media_host
    assert isinstance(host, FolderMediaHost) and host.folder == tmp_path / "publik"


def test_memory_state_is_json_and_copies(tmp_path):
    state = MemoryState()
    state.save(a=1, ids=["x"])
    state.get()["ids"].append("y")
    assert state.get() == {"a": 1, "ids": ["x"]}
    with pytest.raises(TypeError):
        state.save(when=object())
    on_disk = JsonFileState(tmp_path / "s" / "state.json")
    on_disk.save(step="publish", publish_at="2026-11-27T10:00:00+07:00")
    on_disk.save(media_id="9")
    assert JsonFileState(tmp_path / "s" / "state.json").get() == {"step": "publish", "media_id": "9",
                                                                   "publish_at": "2026-11-27T10:00:00+07:00"}


def test_tokens_come_from_the_file_first_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("T_ENV", "from-env")
    source = TokenSource("X", {"token_env": "T_ENV", "token_file": "tok.json"}, "UNUSED", base_dir=tmp_path)
    assert source.access_token() == "from-env"
    (tmp_path / "tok.json").write_text(json.dumps({"access_token": "from-file", "expires_at": "2027-01-01T00:00:00Z"}))
    assert source.access_token() == "from-file" and source.expiry().year == 2027
    (tmp_path / "tok.json").write_text("plain-token\n")
    assert source.access_token() == "plain-token"
    monkeypatch.delenv("T_ENV")
    (tmp_path / "tok.json").unlink()
    with pytest.raises(Rejected) as missing:
        source.access_token()
    assert missing.value.retry and "T_ENV" in missing.value.problem and "tok.json" in missing.value.problem


def test_secrets_are_redacted_from_logs(caplog):
    assert redact("GET /x?grant_type=a&access_token=SECRET123&b=1") == "GET /x?grant_type=a&access_token=***&b=1"
    assert redact("Authorization: Bearer abc.DEF-123") == "Authorization: Bearer ***"
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("url %s", "https://graph.instagram.com/refresh_access_token?access_token=TOPSECRET")
    assert "TOPSECRET" not in caplog.text and "access_token=***" in caplog.text


def test_times_and_texts_as_the_platforms_spell_them():
    assert parse_time("2026-11-27T03:00:00+0000") == parse_time("2026-11-27T10:00:00+07:00")
    assert parse_time("2026-11-27T03:00:00.000Z") == parse_time("2026-11-27T03:00:00+00:00")
    assert parse_time("") is None and parse_time("kemarin") is None
    assert same_text("Halo\r\nJogja  ", "Halo\nJogja")
    assert same_text("Info https://jogjakota.go.id/a", "Info https://t.co/AbC123")
    assert not same_text("Halo Jogja", "Halo Sleman")


# --- the media host ----------------------------------------------------------------


def test_the_folder_host_serves_an_unguessable_copy(tmp_path):
    original = media(tmp_path / "asli", "Poster Final.JPG", jpeg(5000))
    with MediaSite(tmp_path) as site:
        assert site.host is not None
        first, second = site.host.url_for(original.path), site.host.url_for(original.path)
        assert first != second and first.startswith(site.server.url + "/") and first.endswith(".jpg")
        assert len(first.rsplit("/", 1)[1]) >= 32 + 4
        assert requests.get(first, timeout=5).content == original.path.read_bytes()
        assert not any(p.name.startswith(".") for p in site.folder.iterdir())  # no temporary left behind
        assert site.host.remove(first) and requests.get(first, timeout=5).status_code == 404
        old = site.folder / second.rsplit("/", 1)[1]
        os.utime(old, (time.time() - 3 * 86400, time.time() - 3 * 86400))
        assert site.host.cleanup(timedelta(days=2)) == 1


def test_the_folder_host_needs_a_public_address(tmp_path):
    with pytest.raises(MediaHostError, match="base_url"):
        build_media_host({"kind": "folder", "folder": str(tmp_path)})
    with pytest.raises(MediaHostError, match="kind"):
        build_media_host({"kind": "ftp"})


def test_the_signed_url_host_says_what_to_install(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_gcs(name, *args, **kwargs):
        if name.startswith("google.cloud"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gcs)
    monkeypatch.delitem(sys.modules, "google.cloud.storage", raising=False)
    host = build_media_host({"kind": "gcs", "bucket": "media-pemkot"})
    assert isinstance(host, SignedUrlMediaHost)
    with pytest.raises(MediaHostError, match="google-cloud-storage"):
        host.url_for(media(tmp_path, "a.jpg", jpeg()).path)


def test_the_signed_url_host_uploads_and_signs_v4(tmp_path):
    calls: dict[str, object] = {}

    class Blob:
        def __init__(self, name: str) -> None:
            calls["name"] = name

        def upload_from_filename(self, filename: str, content_type: str | None = None) -> None:
            calls["upload"] = (filename, content_type)

        def generate_signed_url(self, **kwargs: object) -> str:
            calls["sign"] = kwargs
            return "https://storage.googleapis.com/media-pemkot/x?X-Goog-Signature=abc"

    client = SimpleNamespace(bucket=lambda name: SimpleNamespace(blob=Blob))
    host = SignedUrlMediaHost("media-pemkot", prefix="sop", expires=timedelta(hours=2), client=client)
    url = host.url_for(media(tmp_path, "a.jpg", jpeg()).path)
    assert url.startswith("https://storage.googleapis.com/")
    assert str(calls["name"]).startswith("sop/") and calls["upload"][1] == "image/jpeg"  # type: ignore[index]
    assert calls["sign"] == {"version": "v4", "expiration": timedelta(hours=2), "method": "GET"}


def test_paths_are_relative_to_the_base_dir(tmp_path):
    platform = build_platform("X", {"token_file": "rahasia/x.json"}, base_dir=tmp_path)
    assert platform.tokens.file == Path(tmp_path) / "rahasia" / "x.json"


def test_token_expiry_never_raises(tmp_path, monkeypatch):
    (tmp_path / "ig.json").write_text("{rusak")
    assert build_platform("Instagram", {"ig_user_id": "1", "token_file": str(tmp_path / "ig.json")}).token_expiry() \
        is None
    monkeypatch.setenv("APP_TOKEN", "1|x")
    monkeypatch.setenv("SOP_KONTEN_FB_TOKEN", "page")
    unreachable = build_platform("Facebook", {"page_id": "2", "base_url": "http://127.0.0.1:9", "app_token_env":
                                              "APP_TOKEN", "retry_wait": 0.01})
    assert unreachable.token_expiry() is None
