"""The daemon's configuration: `sop-konten.toml` in the workspace.

Paths are relative to the configuration file. Secrets are never here: the
file names the environment variable that holds them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from automation.domain.texts import config as config_text

CONFIG_NAME = "sop-konten.toml"

DEFAULT_CONFIG = config_text.DEFAULT_CONFIG


class ConfigError(Exception):
    """The configuration is unusable; the message names the file, the key and the reason."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    username: str = ""
    password_env: str = ""
    starttls: bool = False
    ssl: bool = False


@dataclass(frozen=True)
class Config:
    path: Path
    base: Path
    sop: Path | None
    timezone: str
    poll_seconds: float
    journal: Path
    register_backend: str
    register_path: Path
    assets_backend: str
    assets_path: Path
    settle_seconds: float
    notify_backend: str
    outbox_path: Path
    sender: str
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    publish_backend: str = "local"
    publish_path: Path = Path("published")
    google: GoogleConfig = field(default_factory=lambda: GoogleConfig())
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GoogleConfig:
    key_file: Path | None = None  # empty: GOOGLE_APPLICATION_CREDENTIALS
    api_base: str = ""  # empty: the real Google endpoints
    spreadsheet: str = ""  # ID or URL of the register spreadsheet
    root_folder: str = ""  # Drive folder holding the stage folders
    shared_drive: str = ""  # shared drive ID when the root folder is in one
    intake_seconds: float = 300
    cache_dir: Path = Path("drive-cache")
    retry_attempts: int = 6  # 429, 5xx, timeouts: tries in all, with exponential backoff and jitter
    retry_base_seconds: float = 1.0
    timeout_seconds: float = 60.0


def load_config(path: Path) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(config_text.config_not_found(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(config_text.config_not_toml(path, exc)) from exc
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    r = _Reader(raw, path)
    base = path.parent.resolve()
    register, assets, notify, publish = (r.table(k) for k in ("register", "assets", "notify", "publish"))
    smtp = notify.get("smtp", {})
    if not isinstance(smtp, dict):
        r.fail("notify.smtp", config_text.MUST_BE_TABLE)
    timezone = r.text(raw, "timezone", "Asia/Jakarta")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("timezone", config_text.unknown_time_zone(timezone))
    sop_text = r.text(raw, "sop", "")
    google = r.table("google")
    key_file = r.text(google, "google.key_file", "")
    return Config(
        path=path,
        base=base,
        sop=(base / sop_text) if sop_text else None,
        timezone=timezone,
        poll_seconds=r.number(raw, "poll_seconds", 30, minimum=1),
        journal=base / r.text(raw, "journal", "journal.sqlite3"),
        register_backend=r.choice(register, "register.backend", ("workbook", "sheets"), "workbook"),
        register_path=base / r.text(register, "register.path", "register.xlsx"),
        assets_backend=r.choice(assets, "assets.backend", ("folders", "drive"), "folders"),
        assets_path=base / r.text(assets, "assets.path", "drive"),
        settle_seconds=r.number(assets, "assets.settle_seconds", 5, minimum=0),
        notify_backend=r.choice(notify, "notify.backend", ("outbox", "smtp", "gmail"), "outbox"),
        outbox_path=base / r.text(notify, "notify.path", "outbox"),
        sender=r.text(notify, "notify.sender", "sop-konten <sop-konten@localhost>"),
        smtp=SmtpConfig(
            host=r.text(smtp, "notify.smtp.host", "localhost"),
            port=int(r.number(smtp, "notify.smtp.port", 25, minimum=1)),
            username=r.text(smtp, "notify.smtp.username", ""),
            password_env=r.text(smtp, "notify.smtp.password_env", ""),
            starttls=r.flag(smtp, "notify.smtp.starttls"),
            ssl=r.flag(smtp, "notify.smtp.ssl"),
        ),
        publish_backend=r.choice(publish, "publish.backend", ("local",), "local"),
        publish_path=base / r.text(publish, "publish.path", "published"),
        google=GoogleConfig(
            key_file=(base / key_file) if key_file else None,
            api_base=r.text(google, "google.api_base", ""),
            spreadsheet=r.text(register, "register.spreadsheet", ""),
            root_folder=r.text(assets, "assets.root_folder", ""),
            shared_drive=r.text(assets, "assets.shared_drive", ""),
            intake_seconds=r.number(assets, "assets.intake_seconds", 300, minimum=0),
            cache_dir=base / r.text(assets, "assets.cache_dir", "drive-cache"),
            retry_attempts=int(r.number(google, "google.retry_attempts", 6, minimum=1)),
            retry_base_seconds=r.number(google, "google.retry_base_seconds", 1.0, minimum=0),
            timeout_seconds=r.number(google, "google.timeout_seconds", 60.0, minimum=1),
        ),
        raw=raw,
    )


class _Reader:
    def __init__(self, raw: dict[str, Any], path: Path):
        self.raw, self.path = raw, path

    def fail(self, key: str, reason: str):
        raise ConfigError(config_text.bad_key(self.path, key, reason))

    def table(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, config_text.MUST_BE_TABLE)
        return value

    def text(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, str):
            self.fail(key, config_text.MUST_BE_TEXT)
        return value.strip()

    def number(self, table: dict[str, Any], key: str, default: float, minimum: float) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.fail(key, config_text.must_be_at_least(minimum))
        return value

    def flag(self, table: dict[str, Any], key: str) -> bool:
        value = table.get(key.rsplit(".", 1)[-1], False)
        if not isinstance(value, bool):
            self.fail(key, config_text.MUST_BE_BOOLEAN)
        return value

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.text(table, key, default)
        if value not in allowed:
            self.fail(key, config_text.must_be_one_of(allowed))
        return value
