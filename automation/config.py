"""The daemon's configuration: `sop-konten.toml` in the workspace.

Paths are relative to the configuration file. Secrets are never here: the
file names the environment variable that holds them.
"""

from __future__ import annotations

import difflib
import math
import sqlite3
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from automation.domain.addresses import AddressError, parse_address
from automation.domain.archive import DEFAULT_AFTER_DAYS
from automation.domain.platform_rules import PLATFORM_NAMES
from automation.domain.sop import Sop, SopError, load_sop
from automation.domain.texts import config as config_text
from automation.domain.texts import notify as notify_text
from automation.domain.working_time import CalendarConfigError, WorkingCalendar

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
class DasborConfig:
    """The Dasbor's server (docs/dasbor.md): where it listens and how people sign in."""

    enabled: bool = True  # `run` serves it beside the daemon
    host: str = "127.0.0.1"  # anything but loopback needs sign-in configured (base_url or password_env)
    port: int = 8470
    base_url: str = ""  # how people reach it, e.g. https://dasbor.example.go.id; set: one-time links by e-mail
    session_hours: float = 12
    link_minutes: float = 15
    password_env: str = ""  # the environment variable holding a password the operator gives out


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
    token_warning_days: float = 14  # tell the admin this long before a platform token expires
    lock_reminder_minutes: float = 15  # a workbook open this long with writes waiting: remind the person
    operator_email: str = ""  # the server operator; reminders that name nobody in the roster go here
    archive_after_days: int = DEFAULT_AFTER_DAYS  # finished rows older than this move to `Arsip <year>`; 0: never
    google: GoogleConfig = field(default_factory=lambda: GoogleConfig())
    dasbor: DasborConfig = field(default_factory=DasborConfig)
    raw: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # unknown keys: ignored, but said once at start-up and by `check`


GOOGLE_AUTH_CHOICES = ("service_account", "oauth")


@dataclass(frozen=True)
class GoogleConfig:
    auth: str = "service_account"  # or "oauth": a person's account, signed in once with `sop-konten login`
    key_file: Path | None = None  # service account key; empty: GOOGLE_APPLICATION_CREDENTIALS
    delegated_user: str = ""  # service account acting as this Workspace user (domain-wide delegation)
    client_secrets: Path = Path("oauth-client.json")  # OAuth: the desktop-app client the Cloud Console gives
    token_file: Path = Path("google-token.json")  # OAuth: the refresh token `login` stores (mode 0600)
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
    except UnicodeDecodeError as exc:
        raise ConfigError(config_text.config_not_utf8(path, exc.start + 1)) from None
    except OSError as exc:
        raise ConfigError(config_text.config_unreadable(path, io_reason(exc))) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(config_text.config_not_toml(path, exc)) from exc
    return parse_config(raw, path)


def io_reason(error: BaseException) -> str:
    """Why a file or SQLite operation failed, in Indonesian (the one translation of OSError and sqlite3.Error)."""
    if isinstance(error, sqlite3.Error):
        name = "_".join(str(getattr(error, "sqlite_errorname", "")).split("_")[:2])  # SQLITE_IOERR_WRITE -> IOERR
        return config_text.io_reason(name, error)
    if isinstance(error, OSError) and error.errno is not None:
        return config_text.os_reason(error.errno, error.strerror or error)
    return str(error)


def load_workspace_sop(path: Path | None) -> Sop:
    """The SOP a configuration names; an unreadable file is a SopError naming it, like a malformed one."""
    try:
        return load_sop(path)
    except UnicodeDecodeError as exc:
        raise SopError(config_text.config_not_utf8(path, exc.start + 1)) from None
    except OSError as exc:
        raise SopError(config_text.file_unusable(path, io_reason(exc))) from None


NOTIFY_CHANNELS = ("email", "apprise")

# Every key the daemon reads, per table; anything else is a warning (a typo would otherwise be silently ignored).
# `calendar` and the platform tables under `publish` are checked key by key where they are parsed.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"sop", "timezone", "poll_seconds", "journal", "register", "assets", "google", "notify",
                   "calendar", "publish", "dasbor"}),
    "register": frozenset({"backend", "path", "spreadsheet", "lock_reminder_minutes", "operator_email",
                           "archive_after_days"}),
    "assets": frozenset({"backend", "path", "settle_seconds", "root_folder", "shared_drive", "intake_seconds",
                         "cache_dir"}),
    "google": frozenset({"auth", "key_file", "delegated_user", "client_secrets", "token_file", "api_base",
                         "retry_attempts", "retry_base_seconds", "timeout_seconds"}),
    "notify": frozenset({"backend", "path", "sender", "smtp", "channels", "apprise", "digest", "ledger"}),
    "notify.smtp": frozenset({"host", "port", "username", "password_env", "starttls", "ssl"}),
    "publish": frozenset({"backend", "path", "token_warning_days", "media_host", *PLATFORM_NAMES}),
    "dasbor": frozenset({"enabled", "host", "port", "base_url", "session_hours", "link_minutes", "password_env"}),
}


def unknown_keys(raw: dict[str, Any], path: Path) -> tuple[str, ...]:
    warnings = []
    for table_name, known in KNOWN_KEYS.items():
        table: Any = raw
        for part in filter(None, table_name.split(".")):
            table = table.get(part, {}) if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            continue
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                dotted = f"{table_name}.{key}" if table_name else key
                warnings.append(config_text.unknown_key(path, dotted, close[0] if close else ""))
    return tuple(warnings)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    r = _Reader(raw, path)
    base = path.parent.resolve()
    register, assets, notify, publish = (r.table(k) for k in ("register", "assets", "notify", "publish"))
    smtp = notify.get("smtp", {})
    if not isinstance(smtp, dict):
        r.fail("notify.smtp", config_text.EXPECTED_TABLE)
    timezone = r.text(raw, "timezone", "Asia/Jakarta")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("timezone", config_text.unknown_timezone(timezone))
    sop_text = r.text(raw, "sop", "")
    google = r.table("google")
    key_file = r.text(google, "google.key_file", "")
    delegated_user = r.text(google, "google.delegated_user", "")
    if delegated_user:
        try:
            delegated_user = parse_address(delegated_user).addr_spec
        except AddressError:
            r.fail("google.delegated_user", config_text.not_an_address(delegated_user))
    sender = r.text(notify, "notify.sender", "sop-konten <sop-konten@localhost>")
    try:
        parse_address(sender)
    except AddressError:
        r.fail("notify.sender", config_text.not_an_address(sender))
    smtp_config = SmtpConfig(
        host=r.text(smtp, "notify.smtp.host", "localhost"),
        port=r.whole(smtp, "notify.smtp.port", 25, minimum=1, maximum=65535),
        username=r.text(smtp, "notify.smtp.username", ""),
        password_env=r.text(smtp, "notify.smtp.password_env", ""),
        starttls=r.flag(smtp, "notify.smtp.starttls"),
        ssl=r.flag(smtp, "notify.smtp.ssl"),
    )
    if smtp_config.starttls and smtp_config.ssl:
        r.fail("notify.smtp.ssl", notify_text.STARTTLS_AND_SSL)
    channels = notify.get("channels", ["email"])
    if not isinstance(channels, list) or not channels or not set(channels) <= set(NOTIFY_CHANNELS):
        r.fail("notify.channels", config_text.list_of(", ".join(NOTIFY_CHANNELS)))
    for name in ("apprise", "digest"):
        r.table(f"notify.{name}", notify)
    r.text(notify, "notify.ledger", "notify-ledger.sqlite3")
    calendar = r.table("calendar")
    try:
        WorkingCalendar.from_dict({"timezone": timezone, **calendar})  # the holiday country, categories too
    except CalendarConfigError as exc:
        r.fail(exc.key, exc.message)
    return Config(
        path=path,
        base=base,
        sop=(base / sop_text) if sop_text else None,
        timezone=timezone,
        poll_seconds=r.number(raw, "poll_seconds", 30, minimum=1),
        journal=base / r.relative_path(raw, "journal", "journal.sqlite3"),
        register_backend=r.choice(register, "register.backend", ("workbook", "sheets"), "workbook"),
        register_path=base / r.relative_path(register, "register.path", "register.xlsx"),
        assets_backend=r.choice(assets, "assets.backend", ("folders", "drive"), "folders"),
        assets_path=base / r.relative_path(assets, "assets.path", "drive"),
        settle_seconds=r.number(assets, "assets.settle_seconds", 5, minimum=0),
        notify_backend=r.choice(notify, "notify.backend", ("outbox", "smtp", "gmail"), "outbox"),
        outbox_path=base / r.relative_path(notify, "notify.path", "outbox"),
        sender=sender,
        smtp=smtp_config,
        publish_backend=r.choice(publish, "publish.backend", ("local",), "local"),
        publish_path=base / r.relative_path(publish, "publish.path", "published"),
        token_warning_days=r.number(publish, "publish.token_warning_days", 14, minimum=0),
        lock_reminder_minutes=r.number(register, "register.lock_reminder_minutes", 15, minimum=1),
        operator_email=r.text(register, "register.operator_email", "") or parse_address(sender).addr_spec,
        archive_after_days=r.whole(register, "register.archive_after_days", DEFAULT_AFTER_DAYS, minimum=0),
        google=GoogleConfig(
            auth=r.choice(google, "google.auth", GOOGLE_AUTH_CHOICES, "service_account"),
            key_file=(base / key_file) if key_file else None,
            delegated_user=delegated_user,
            client_secrets=base / r.relative_path(google, "google.client_secrets", "oauth-client.json"),
            token_file=base / r.relative_path(google, "google.token_file", "google-token.json"),
            api_base=r.text(google, "google.api_base", ""),
            spreadsheet=r.text(register, "register.spreadsheet", ""),
            root_folder=r.text(assets, "assets.root_folder", ""),
            shared_drive=r.text(assets, "assets.shared_drive", ""),
            intake_seconds=r.number(assets, "assets.intake_seconds", 300, minimum=0),
            cache_dir=base / r.relative_path(assets, "assets.cache_dir", "drive-cache"),
            retry_attempts=r.whole(google, "google.retry_attempts", 6, minimum=1),
            retry_base_seconds=r.number(google, "google.retry_base_seconds", 1.0, minimum=0),
            timeout_seconds=r.number(google, "google.timeout_seconds", 60.0, minimum=1),
        ),
        dasbor=_dasbor(r),
        raw=raw,
        warnings=unknown_keys(raw, path),
    )


def _dasbor(r: _Reader) -> DasborConfig:
    table = r.table("dasbor")
    base_url = r.text(table, "dasbor.base_url", "").rstrip("/")
    if base_url and not base_url.startswith(("http://", "https://")):
        r.fail("dasbor.base_url", config_text.EXPECTED_WEB_ADDRESS)
    return DasborConfig(
        enabled=r.flag(table, "dasbor.enabled", default=True),
        host=r.text(table, "dasbor.host", "127.0.0.1") or "127.0.0.1",
        port=r.whole(table, "dasbor.port", 8470, minimum=1, maximum=65535),
        base_url=base_url,
        session_hours=r.number(table, "dasbor.session_hours", 12, minimum=0.1),
        link_minutes=r.number(table, "dasbor.link_minutes", 15, minimum=1),
        password_env=r.text(table, "dasbor.password_env", ""),
    )


class _Reader:
    def __init__(self, raw: dict[str, Any], path: Path):
        self.raw, self.path = raw, path

    def fail(self, key: str, reason: str) -> NoReturn:
        raise ConfigError(config_text.bad_key(self.path, key, reason))

    def table(self, key: str, parent: dict[str, Any] | None = None) -> dict[str, Any]:
        value = (self.raw if parent is None else parent).get(key.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            self.fail(key, config_text.EXPECTED_TABLE)
        return value

    def text(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, str):
            self.fail(key, config_text.EXPECTED_TEXT)
        return value.strip()

    def relative_path(self, table: dict[str, Any], key: str, default: str) -> str:
        """A path relative to the configuration file; empty would name the workspace folder itself."""
        value = self.text(table, key, default)
        if not value or "\x00" in value:
            self.fail(key, config_text.EXPECTED_PATH)
        return value

    def number(self, table: dict[str, Any], key: str, default: float, minimum: float) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                or value < minimum):
            self.fail(key, config_text.number_at_least(minimum))
        return value

    def whole(self, table: dict[str, Any], key: str, default: int, minimum: int, maximum: int | None = None) -> int:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, config_text.EXPECTED_WHOLE_NUMBER)
        if value < minimum:
            self.fail(key, config_text.number_at_least(minimum))
        if maximum is not None and value > maximum:
            self.fail(key, config_text.number_at_most(maximum))
        return value

    def flag(self, table: dict[str, Any], key: str, default: bool = False) -> bool:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, bool):
            self.fail(key, config_text.EXPECTED_FLAG)
        return value

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.text(table, key, default)
        if value not in allowed:
            self.fail(key, config_text.one_of(", ".join(allowed)))
        return value
