"""The composition root: builds the engine and its adapters from a configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass

from automation.clock import clock_from_environment
from automation.config import Config
from automation.engine import Engine
from automation.folders import FolderAssetStore
from automation.journal import Journal
from automation.local_feed import LocalFeedPublisher
from automation.outbox import OutboxNotifier
from automation.smtp_mail import SmtpNotifier
from automation.sop import Sop, load_sop
from automation.workbook import WorkbookRegister
from automation.working_time import WorkingCalendar

CRASH_ENV = "SOP_KONTEN_CRASH_BEFORE_EFFECT"  # fault injection for tests: die hard before effect N


@dataclass
class App:
    config: Config
    sop: Sop
    engine: Engine

    def close(self) -> None:
        self.engine.journal.close()


def build_app(config: Config) -> App:
    sop = load_sop(config.sop)
    clock = clock_from_environment(config.timezone)
    register = WorkbookRegister(config.register_path)
    assets = FolderAssetStore(config.assets_path, sop.intake_stage, settle_seconds=config.settle_seconds)
    if config.notify_backend == "smtp":
        s = config.smtp
        notifier = SmtpNotifier(s.host, s.port, config.sender, username=s.username, password_env=s.password_env,
                                starttls=s.starttls, ssl=s.ssl)
    else:
        notifier = OutboxNotifier(config.outbox_path, config.sender)
    publisher = LocalFeedPublisher(config.publish_path, clock=clock)
    calendar = WorkingCalendar.from_dict({"timezone": config.timezone, **config.raw.get("calendar", {})})
    config.journal.parent.mkdir(parents=True, exist_ok=True)
    engine = Engine(sop=sop, register=register, assets=assets, notifier=notifier, publisher=publisher,
                    journal=Journal(config.journal), clock=clock, due=calendar.add_working_minutes,
                    working_minutes=calendar.working_minutes_between,
                    before_effect=_crash_hook())
    return App(config=config, sop=sop, engine=engine)


def _crash_hook():
    target = os.environ.get(CRASH_ENV, "").strip()
    if not target:
        return lambda count, effect: None

    def crash(count, effect):
        if count == int(target):
            os._exit(70)  # a hard crash: no cleanup, no flush, like a power cut

    return crash
