"""A register left open: one reminder to close it, per opening, once writes have waited too long.

While a person keeps the local workbook open in Excel or LibreOffice, messages still go out but
nothing reaches the sheet. When a write has waited on the same opening (the same lock file) for
`minutes`, the person the lock file names (found in the roster by name or e-mail), else the
operator, gets ONE message asking them to close it; its key names the opening, so a crash or
the next cycle never sends it twice. Time is the engine's clock, so tests need no sleeping.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from automation.domain.contract import TIME_FORMAT, Roster
from automation.domain.keys import REGISTER_ITEM, EffectKey, EffectKind
from automation.domain.results import NotifyResult
from automation.domain.texts import check as check_text
from automation.domain.texts import log as log_text
from automation.domain.workflow import Effect
from automation.faults import reached
from automation.ports import Notifier, RegisterLock
from automation.service.journal import DONE, Journal
from automation.service.messages import RenderedMessage, default_renderer

log = logging.getLogger(__name__)

KIND = "register_locked"  # the mail template; sent at once even with the digest on (see digest.URGENT_KINDS)
META = "register.lock"  # the opening being watched and when a write first waited on it


@dataclass
class LockWatch:
    journal: Journal
    notifier: Notifier
    workbook: str  # the register's file name, as people know it
    minutes: float = 15
    operator_email: str = ""
    unit: str = ""  # the signature line

    def waiting(self, lock: RegisterLock, now: datetime, roster: Roster) -> str:
        """A write waits on `lock`: the status sentence once the reminder is due, "" before."""
        watched = json.loads(self.journal.get_meta(META) or "{}")
        if watched.get("episode") != lock.episode:
            watched = {"episode": lock.episode, "since": now.isoformat()}
            self.journal.set_meta(META, json.dumps(watched))
        open_minutes = (now - datetime.fromisoformat(watched["since"])).total_seconds() / 60
        if open_minutes < self.minutes:
            return ""
        person = roster.find(lock.holder) if lock.holder else None
        to, to_name = (person.email, person.name) if person and person.email else (self.operator_email, "")
        if not to:
            log.warning(log_text.REGISTER_LOCK_NOBODY, self.workbook)
        else:
            self._remind(lock, to, to_name, int(open_minutes), now)
        return check_text.register_open_too_long(lock.file, lock.holder, int(open_minutes))

    def closed(self) -> None:
        """A write went through: the next opening is a new episode."""
        if self.journal.get_meta(META):
            self.journal.set_meta(META, "")

    def _remind(self, lock: RegisterLock, to: str, to_name: str, minutes: int, now: datetime) -> None:
        key = str(EffectKey.lock_reminder(lock.file, lock.episode, to))
        if self.journal.effect_status(key) == DONE:
            return
        at = now.strftime(TIME_FORMAT)
        params = {"template": KIND, "to": to, "to_name": to_name, "file": self.workbook, "holder": lock.holder,
                  "minutes": str(minutes), "lock": lock.file}
        self.journal.record_intents([], [Effect(key, EffectKind.NOTIFY, REGISTER_ITEM, params)], at)
        try:
            reached("notify.send")
            self.notifier.send(self._message(key, params))
        except Exception as exc:  # tried again on the next cycle that still waits
            self.journal.mark_failed(key, str(exc))
            log.error(log_text.REGISTER_LOCK_REMINDER_FAILED, exc)
            return
        self.journal.mark_done(key, NotifyResult(), at)
        log.info(log_text.REGISTER_LOCK_REMINDED, self.workbook, lock.holder or lock.file, minutes, to)

    def _message(self, key: str, params: dict[str, str]) -> RenderedMessage:
        values = {**params, "kind": KIND, "name": params["to_name"], "unit": self.unit, "where": []}
        # rendered with the message templates like every message (an office's own copies included)
        subject, body, html = default_renderer()._render_kind(KIND, values)
        return RenderedMessage(key=key, to=params["to"], to_name=params["to_name"], subject=subject, body=body,
                               kind=KIND, html=html)
