"""The composition root: chooses and builds the backends of a configuration, and the engine from them."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from automation.adapters.clock import clock_from_environment
from automation.adapters.local.feed import LocalFeedPublisher
from automation.adapters.local.folders import FolderAssetStore
from automation.adapters.local.workbook import WorkbookRegister
from automation.adapters.notify.outbox import OutboxNotifier
from automation.adapters.notify.smtp import SmtpNotifier
from automation.config import Config, ConfigError, io_reason, load_workspace_sop
from automation.domain.contract import Contract
from automation.domain.sop import Sop
from automation.domain.texts import config as config_text
from automation.domain.working_time import WorkingCalendar
from automation.ports import AssetStore, Clock, Notifier, Platform, Register, Table
from automation.service.engine import Engine
from automation.service.journal import Journal
from automation.service.publishing import PublishingService
from automation.service.register_lock import LockWatch

if TYPE_CHECKING:  # gspread loads only when the register is on Google
    from automation.sheets import SheetsRegister

PREPARED_MEDIA = "media-siap"  # in the workspace: media prepared per item and platform (service/publishing.py)
CRASH_ENV = "SOP_KONTEN_CRASH_BEFORE_EFFECT"  # fault injection for tests: die hard before effect N
CRASH_AFTER_WRITE_ENV = "SOP_KONTEN_CRASH_AFTER_WRITE"  # ... or after the register write, before the commit


class Backends:
    """The backends a configuration chooses, each built once, on first use.

    The one place that chooses them: `run`, `once`, `check`, `setup` and `report` all take theirs from here.
    """

    def __init__(self, config: Config, sop: Sop | None = None):
        self.config = config
        if sop is not None:
            self.sop = sop
        self.closables: list = []

    @cached_property
    def sop(self) -> Sop:
        return load_workspace_sop(self.config.sop)

    def close(self) -> None:
        for resource in reversed(self.closables):
            resource.close()
        self.closables.clear()

    @property
    def uses_sheets(self) -> bool:
        return self.config.register_backend == "sheets"

    @property
    def uses_drive(self) -> bool:
        return self.config.assets_backend == "drive"

    @cached_property
    def clock(self) -> Clock:
        return clock_from_environment(self.config.timezone)

    @cached_property
    def journal(self) -> Journal:
        path = self.config.journal
        try:
            if path.is_dir():  # SQLite would only say "unable to open database file"
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            journal = Journal(path)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(config_text.journal_unusable(path, io_reason(exc))) from None
        self.closables.append(journal)
        return journal

    @cached_property
    def google(self) -> GoogleServices:
        return GoogleServices(self.config)

    def request_counts(self) -> dict[str, int]:
        """Google API requests sent since start, by API; {} when nothing is on Google."""
        if "google" not in self.__dict__:  # never built: the local backends send no Google request
            return {}
        return self.google.requests.by_api()

    @cached_property
    def register(self) -> Register:
        if self.uses_sheets:
            return self.sheets_register
        from automation.adapters.local.archive import ArchivingWorkbookRegister  # openpyxl only when used

        return ArchivingWorkbookRegister(self.config.register_path, contract=Contract(self.sop))

    @cached_property
    def sheets_register(self) -> SheetsRegister:
        """The Google register itself, for the commands that also format or report into the spreadsheet."""
        return self.google.register(self.journal)

    @cached_property
    def assets(self) -> AssetStore:
        if self.uses_drive:
            return self.google.drive(self.journal, self.sop, self.clock)
        return FolderAssetStore(self.config.assets_path, self.sop.intake_stage,
                                settle_seconds=self.config.settle_seconds)

    @cached_property
    def email(self) -> Notifier:
        config = self.config
        if config.notify_backend == "smtp":
            s = config.smtp
            return SmtpNotifier(s.host, s.port, config.sender, username=s.username, password_env=s.password_env,
                                starttls=s.starttls, ssl=s.ssl)
        if config.notify_backend == "gmail":
            return self.google.gmail()
        return OutboxNotifier(config.outbox_path, config.sender)

    @cached_property
    def channels(self) -> Channels:
        return _notification_channels(self)

    @cached_property
    def local_feed(self) -> LocalFeedPublisher:
        return LocalFeedPublisher(self.config.publish_path, clock=self.clock)

    @cached_property
    def platforms(self) -> dict[str, Platform]:
        """Platforms with a `[publish.<platform>]` table go through their APIs; the others to the local feed."""
        from automation.domain.platform_rules import PLATFORM_NAMES

        publish = self.config.raw.get("publish", {})
        if isinstance(publish, dict) and not any(key in PLATFORM_NAMES or key == "media_host" for key in publish):
            return {}  # nothing to build: the adapters' libraries stay unloaded
        from automation.publisher import PublishConfigError, build_platforms

        try:
            return build_platforms(publish, base_dir=self.config.base)
        except PublishConfigError as exc:
            raise ConfigError(f"{self.config.path}: {exc}") from exc

    @cached_property
    def calendar(self) -> WorkingCalendar:
        # load_config has validated the table, so this cannot raise CalendarConfigError
        return WorkingCalendar.from_dict({"timezone": self.config.timezone, **self.config.raw.get("calendar", {})})


@dataclass
class Channels:
    """Where messages go, and how channels that route by roster columns learn the roster."""

    notifier: Notifier
    on_roster: Callable[[Table], list[str]] = lambda table: []


@dataclass
class App:
    config: Config
    sop: Sop
    engine: Engine
    backends: Backends

    def close(self) -> None:
        self.backends.close()


def build_app(config: Config) -> App:
    problems = workspace_problems(config)
    if problems:
        raise ConfigError(next(iter(problems.values())))
    backends = Backends(config)
    register, assets, journal = backends.register, backends.assets, backends.journal
    channels = backends.channels
    engine = Engine(
        sop=backends.sop,
        register=register,
        assets=assets,
        notifier=channels.notifier,
        publisher=backends.local_feed,
        journal=journal,
        clock=backends.clock,
        due=backends.calendar.add_working_minutes,
        working_minutes=backends.calendar.working_minutes_between,
        publishing=PublishingService(journal, assets, backends.local_feed, config.base / PREPARED_MEDIA,
                                     backends.platforms),
        token_warning_days=config.token_warning_days,
        before_effect=_crash_hook(),
        after_write=_crash_after_write_hook(),
        on_roster=channels.on_roster,
        request_counts=backends.request_counts,
        lock_watch=LockWatch(journal, channels.notifier, config.register_path.name, config.lock_reminder_minutes,
                             config.operator_email, str(backends.sop.identity.get("unit", "")).strip())
        if isinstance(register, WorkbookRegister) else None,
        archive_after_days=config.archive_after_days,
    )
    return App(config=config, sop=backends.sop, engine=engine, backends=backends)


def delivery_ledger_path(config: Config) -> Path:
    """The apprise channels' record of deliveries (SQLite): which channel already has which message."""
    return config.base / config.raw.get("notify", {}).get("ledger", "notify-ledger.sqlite3")


def digest_store_path(config: Config) -> Path:
    """The daily digest's queue of messages (SQLite)."""
    return config.base / (config.raw.get("notify", {}).get("digest", {}) or {}).get("store", "digest.sqlite3")


def _notification_channels(backends: Backends) -> Channels:
    """E-mail alone by default; apprise channels and a daily digest when configured."""
    config = backends.config
    notify = config.raw.get("notify", {})
    channels = notify.get("channels", ["email"])
    digest = notify.get("digest", {}) or {}
    if channels == ["email"] and not digest.get("enabled"):
        return Channels(backends.email)
    from automation.adapters.notify.apprise_channels import (
        AppriseNotifier,
        AppriseSettings,
        DeliveryLedger,
        FanoutNotifier,
        NotifyConfigError,
        RosterRoutes,
        has_email,
    )

    try:
        notifier = backends.email
        found = Channels(notifier)
        if "apprise" in channels:
            settings = AppriseSettings.from_table(notify.get("apprise", {}))
            routes = RosterRoutes(settings)
            ledger = DeliveryLedger(delivery_ledger_path(config))
            backends.closables.append(ledger)
            apprise = AppriseNotifier(routes, ledger=ledger, html_email=settings.html_email)
            channel_map: dict[str, Notifier] = {"apprise": apprise}
            if "email" in channels:
                channel_map = {"email": notifier, **channel_map}
            notifier = FanoutNotifier(channel_map, ledger=ledger, accepts={"email": has_email})
            found = Channels(notifier, routes.update)
        if digest.get("enabled"):
            from automation.service.digest import digest_notifier, parse_send_at

            notifier = digest_notifier(notifier, digest_store_path(config),
                                      parse_send_at(str(digest.get("send_at", "07:30"))), backends.clock,
                                      unit=str(backends.sop.identity.get("unit", "")))
            backends.closables.append(notifier)
            found = Channels(notifier, found.on_roster)
        return found
    except (NotifyConfigError, ValueError) as exc:  # ValueError: digest.send_at is not a time of day
        raise ConfigError(f"{config.path}: {exc}") from None


class GoogleServices:
    """The Google adapters, sharing one identity (automation.adapters.google.auth) and one base URL."""

    def __init__(self, config: Config):
        from automation.adapters.google.auth import identity_from_config
        from automation.adapters.google.client import RequestCounter

        self.config = config
        self.identity = identity_from_config(config.google)
        self.account = self.identity.email  # whom Google sees acting: protections name it as an editor
        self.requests = RequestCounter()  # every adapter's requests, by API (sheets, drive, gmail)

    def session(self, scopes: tuple[str, ...]):
        from automation.adapters.google.client import GoogleSession, RetryPolicy

        g = self.config.google
        policy = RetryPolicy(attempts=g.retry_attempts, base_seconds=g.retry_base_seconds,
                             timeout_seconds=g.timeout_seconds)
        return GoogleSession(self.identity.credentials(scopes), api_base=g.api_base, policy=policy,
                             on_request=self.requests)

    def register(self, journal: Journal):
        import gspread

        from automation.adapters.google.client import SHEETS_SCOPE
        from automation.sheets import SheetsRegister

        session = self.session((SHEETS_SCOPE,))
        client = gspread.Client(auth=session.credentials, session=session)
        if not self.config.google.spreadsheet:
            raise ConfigError(config_text.spreadsheet_missing(self.config.path))
        return SheetsRegister(client, self.config.google.spreadsheet, journal, account=self.account)

    def drive(self, journal: Journal, sop: Sop, clock):
        from automation.adapters.google.client import DRIVE_SCOPE
        from automation.drive import build_drive_store

        return build_drive_store(self.config, self.identity.credentials((DRIVE_SCOPE,)), self.account, journal, sop,
                                 clock, on_request=self.requests)

    def gmail(self):
        from automation.adapters.google.gmail import GmailNotifier

        return GmailNotifier.for_identity(self.identity, self.config.sender, api_base=self.config.google.api_base,
                                          on_request=self.requests)


def _crash_hook():
    target = os.environ.get(CRASH_ENV, "").strip()
    if not target:
        return lambda count, effect: None

    def crash(count, effect):
        if count == int(target):
            os._exit(70)  # a hard crash: no cleanup, no flush, like a power cut

    return crash


def _crash_after_write_hook():
    if not os.environ.get(CRASH_AFTER_WRITE_ENV, "").strip():
        return lambda: None

    def crash():
        os._exit(70)  # the register holds the write, the journal does not know yet

    return crash


# --- problems as sentences -----------------------------------------------------------------------

def workspace_problems(config: Config) -> dict[str, str]:
    """The local files and folders a configuration names that the daemon could not use, by key; changes nothing.

    `check` lists them all; `run` and `once` stop at start-up on the first, before doing anything.
    """
    problems = {"journal": _journal_problem(config.journal)}
    if config.register_backend == "workbook":
        problems["register.path"] = _file_problem(config.register_path, "register.path")
    if config.assets_backend == "folders":
        problems["assets.path"] = _folder_problem(config.assets_path, "assets.path")
    if config.notify_backend == "outbox":
        problems["notify.path"] = _folder_problem(config.outbox_path, "notify.path")
    problems["publish.path"] = _folder_problem(config.publish_path, "publish.path")
    return {key: problem for key, problem in problems.items() if problem}


def _writable(path: Path) -> bool:
    effective = os.access in os.supports_effective_ids  # a daemon started with a changed effective user
    return os.access(path, os.W_OK | os.X_OK if path.is_dir() else os.W_OK, effective_ids=effective)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _folder_problem(path: Path, key: str) -> str:
    """A folder the daemon creates and writes into: if missing, it is created in the nearest existing one."""
    existing = _nearest_existing(path)
    if not existing.is_dir():
        return config_text.not_a_folder(existing, key)
    if not _writable(existing):
        return config_text.folder_not_writable(existing, key)
    return ""


def _file_problem(path: Path, key: str) -> str:
    """A file the daemon replaces atomically: the file itself and its folder must be writable."""
    if path.is_dir():
        return config_text.is_a_folder(path, key)
    if path.exists() and not _writable(path):
        return config_text.file_unusable(path, config_text.IO_REASONS["EACCES"])
    return _folder_problem(path.parent, key)


def _journal_problem(path: Path) -> str:
    if path.is_dir():
        return config_text.journal_unusable(path, config_text.IO_REASONS["EISDIR"])
    if not path.exists():
        return _folder_problem(path.parent, "journal")
    if not _writable(path):
        return config_text.journal_unusable(path, config_text.IO_REASONS["EACCES"])
    try:
        # read-only: `check` changes nothing; reading the schema is enough to tell a journal from other bytes
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            db.execute("PRAGMA schema_version").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return config_text.journal_unusable(path, io_reason(exc))
    return _folder_problem(path.parent, "journal")  # SQLite writes its -wal and -shm files beside it


def user_errors() -> tuple[type[Exception], ...]:
    """The errors whose message is already one sentence for the operator: a problem to fix, not a crash.

    Evaluate it where the error is caught (`except user_errors()`): the Google and platform errors are
    in it once their modules are loaded, and an error of a module never loaded cannot have been raised,
    so a local workspace does not load Google's and the platforms' libraries just to name their errors.
    """
    import sys

    from automation.domain.contract import HeaderError
    from automation.domain.sop import SopError
    from automation.domain.working_time import CalendarConfigError
    from automation.ports import RegisterError

    errors: list[type[Exception]] = [ConfigError, SopError, RegisterError, HeaderError, CalendarConfigError]
    for module, name in (("automation.adapters.google.client", "GoogleAccessError"),
                         ("automation.adapters.social.base", "PublishConfigError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def failure_sentence(error: BaseException, config: Config) -> str:
    """One sentence for a file or SQLite error met while working, naming the file when the error does."""
    if isinstance(error, sqlite3.Error):
        return config_text.journal_failed(config.journal, io_reason(error))
    where = getattr(error, "filename", None) or config.base  # a write that hits a full disk names no file
    return config_text.file_unusable(where, io_reason(error))
