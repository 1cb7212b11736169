"""The composition root: builds the engine and its adapters from a configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from automation.adapters.clock import clock_from_environment
from automation.adapters.local.feed import LocalFeedPublisher
from automation.adapters.local.folders import FolderAssetStore
from automation.adapters.local.workbook import WorkbookRegister
from automation.adapters.notify.outbox import OutboxNotifier
from automation.adapters.notify.smtp import SmtpNotifier
from automation.config import Config
from automation.domain.sop import Sop, load_sop
from automation.domain.working_time import WorkingCalendar
from automation.ports import Notifier
from automation.service.engine import Engine
from automation.service.journal import Journal

CRASH_ENV = "SOP_KONTEN_CRASH_BEFORE_EFFECT"  # fault injection for tests: die hard before effect N


@dataclass
class App:
    config: Config
    sop: Sop
    engine: Engine
    closables: list = field(default_factory=list)

    def close(self) -> None:
        for resource in self.closables:
            resource.close()
        self.engine.journal.close()


def build_app(config: Config) -> App:
    sop = load_sop(config.sop)
    clock = clock_from_environment(config.timezone)
    config.journal.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(config.journal)
    google = GoogleServices(config) if "google" in _backends(config) else None
    engine = Engine(
        sop=sop,
        register=google.register(journal) if google is not None and config.register_backend == "sheets" else
        WorkbookRegister(config.register_path),
        assets=google.drive(journal, sop, clock) if google is not None and config.assets_backend == "drive" else
        FolderAssetStore(config.assets_path, sop.intake_stage, settle_seconds=config.settle_seconds),
        notifier=_email_notifier(config, google),
        publisher=LocalFeedPublisher(config.publish_path, clock=clock),
        journal=journal,
        clock=clock,
        before_effect=_crash_hook(),
    )
    calendar = WorkingCalendar.from_dict({"timezone": config.timezone, **config.raw.get("calendar", {})})
    engine.due, engine.working_minutes = calendar.add_working_minutes, calendar.working_minutes_between
    engine.publishing = _publishing(config, engine)
    engine.token_warning_days = float(config.raw.get("publish", {}).get("token_warning_days", 14))
    app = App(config=config, sop=sop, engine=engine)
    _notification_channels(app, clock)
    return app


def _publishing(config: Config, engine: Engine):
    """Platforms with a `[publish.<platform>]` table go through their APIs; the others to the local feed."""
    from automation.config import ConfigError
    from automation.publisher import PublishConfigError, build_platforms
    from automation.service.publishing import PublishingService

    try:
        platforms = build_platforms(config.raw.get("publish", {}), base_dir=config.base)
    except PublishConfigError as exc:
        raise ConfigError(f"{config.path}: {exc}") from exc
    return PublishingService(engine.journal, engine.assets, engine.publisher, config.base / "media-siap", platforms)


def _notification_channels(app: App, clock) -> None:
    """E-mail alone by default; apprise channels and a daily digest when configured."""
    from automation.config import ConfigError

    config, engine = app.config, app.engine
    notify = config.raw.get("notify", {})
    channels = notify.get("channels", ["email"])
    digest = notify.get("digest", {}) or {}
    if channels == ["email"] and not digest.get("enabled"):
        return
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
        notifier = engine.notifier
        if "apprise" in channels:
            settings = AppriseSettings.from_table(notify.get("apprise", {}))
            routes = RosterRoutes(settings)
            ledger = DeliveryLedger(config.base / notify.get("ledger", "notify-ledger.sqlite3"))
            app.closables.append(ledger)
            apprise = AppriseNotifier(routes, ledger=ledger, html_email=settings.html_email)
            channel_map: dict[str, Notifier] = {"apprise": apprise}
            if "email" in channels:
                channel_map = {"email": notifier, **channel_map}
            notifier = FanoutNotifier(channel_map, ledger=ledger, accepts={"email": has_email})
            engine.on_roster = routes.update
        if digest.get("enabled"):
            from automation.service.digest import DigestNotifier, parse_send_at

            notifier = DigestNotifier(notifier, config.base / digest.get("store", "digest.sqlite3"),
                                      parse_send_at(str(digest.get("send_at", "07:30"))), clock,
                                      unit=str(app.sop.identity.get("unit", "")))
            app.closables.append(notifier)
        engine.notifier = notifier
    except NotifyConfigError as exc:
        raise ConfigError(f"{config.path}: {exc}") from exc


def _backends(config: Config) -> set[str]:
    uses_google = (config.register_backend == "sheets" or config.assets_backend == "drive"
                   or config.notify_backend == "gmail")
    return {"google"} if uses_google else set()


def _email_notifier(config: Config, google: GoogleServices | None):
    if config.notify_backend == "smtp":
        s = config.smtp
        return SmtpNotifier(s.host, s.port, config.sender, username=s.username, password_env=s.password_env,
                            starttls=s.starttls, ssl=s.ssl)
    if config.notify_backend == "gmail" and google is not None:
        return google.gmail()
    return OutboxNotifier(config.outbox_path, config.sender)


class GoogleServices:
    """The Google adapters, sharing one key file and one base URL."""

    def __init__(self, config: Config):
        from automation.adapters.google.client import key_path, service_account_email

        self.config = config
        self.key = key_path(config.google.key_file)
        self.account = service_account_email(self.key)

    def session(self, scopes: tuple[str, ...]):
        from automation.adapters.google.client import GoogleSession, RetryPolicy, load_credentials

        g = self.config.google
        policy = RetryPolicy(attempts=g.retry_attempts, base_seconds=g.retry_base_seconds,
                             timeout_seconds=g.timeout_seconds)
        return GoogleSession(load_credentials(self.key, scopes), api_base=g.api_base, policy=policy)

    def register(self, journal: Journal):
        import gspread

        from automation.adapters.google.client import SHEETS_SCOPE
        from automation.sheets import SheetsRegister

        session = self.session((SHEETS_SCOPE,))
        client = gspread.Client(auth=session.credentials, session=session)
        if not self.config.google.spreadsheet:
            from automation.config import ConfigError

            raise ConfigError(f"{self.config.path}: kunci 'register.spreadsheet': isi ID atau URL spreadsheet.")
        return SheetsRegister(client, self.config.google.spreadsheet, journal, account=self.account)

    def drive(self, journal: Journal, sop: Sop, clock):
        from automation.drive import build_drive_store

        return build_drive_store(self.config, self.key, self.account, journal, sop, clock)

    def gmail(self):
        from automation.adapters.google.gmail import GmailNotifier

        return GmailNotifier(self.key, self.config.sender, api_base=self.config.google.api_base)


def _crash_hook():
    target = os.environ.get(CRASH_ENV, "").strip()
    if not target:
        return lambda count, effect: None

    def crash(count, effect):
        if count == int(target):
            os._exit(70)  # a hard crash: no cleanup, no flush, like a power cut

    return crash
