"""`sop-konten status`: whether the daemon is alive and what waits, read from the journal; changes nothing.

The journal is opened read-only, so `status` runs safely beside the daemon (a container's health check, a
monitoring probe, an operator's shell). Staleness is the health module's rule (`Health.stale`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from automation.adapters.clock import clock_from_environment
from automation.config import Config
from automation.domain.contract import TIME_FORMAT
from automation.domain.texts import operations as ops_text
from automation.service.health import Health, read_health
from automation.service.journal import FAILED, PENDING, Journal

FAILED_SHOWN = 10  # failed effects listed one per line; the rest are counted
WAITING_SHOWN = 10  # item IDs named for the waiting register write


@dataclass(frozen=True)
class Status:
    lines: tuple[str, ...]
    stale: bool  # the daemon has not finished a cycle lately (or never): `status` exits 1


def workspace_status(config: Config, now: datetime | None = None) -> Status:
    now = now or clock_from_environment(config.timezone).now()
    if not config.journal.is_file():  # no journal: the daemon never ran here; opening it would create one
        return Status((ops_text.NEVER_RUN,), stale=True)
    journal = Journal.read_only(config.journal)
    try:
        health = read_health(journal, now, config.poll_seconds)
    finally:
        journal.close()
    google_expiry = _google_sign_in_expiry(config)
    if google_expiry:  # an OAuth app still in Testing: Google ends the sign-in after 7 days
        health = replace(health, tokens={**health.tokens, ops_text.GOOGLE_SIGN_IN: google_expiry})
    return Status(tuple(status_lines(health, ZoneInfo(config.timezone), config.token_warning_days)),
                  stale=health.stale)


def _google_sign_in_expiry(config: Config) -> str:
    """When the signed-in Google account's refresh token ends (ISO), if Google said so at `login`; else ""."""
    if config.google.auth != "oauth":
        return ""
    from automation.adapters.google.auth import read_token_file
    from automation.adapters.google.client import GoogleAccessError

    try:
        return str(read_token_file(config.google.token_file).get("refresh_token_expires_at", ""))
    except (GoogleAccessError, OSError, ValueError):  # not signed in: `check` says so; status reports the daemon
        return ""


def status_lines(health: Health, zone: ZoneInfo, token_warning_days: float) -> list[str]:
    def when(at: datetime) -> str:
        local = at.astimezone(zone)
        return f"{local.strftime(TIME_FORMAT)} {local.tzname()}"

    def age(at: datetime) -> str:
        return ops_text.duration((health.now - at).total_seconds())

    lines = []
    limit = ops_text.duration(health.stale_after.total_seconds())
    if health.last is None or health.last_at is None:
        lines.append(ops_text.NEVER_RUN)
    else:
        said = ops_text.daemon_stale if health.stale else ops_text.daemon_running
        lines.append(said(when(health.last_at), age(health.last_at), limit))
        lines.append(ops_text.last_cycle(health.last.line, health.last.seconds))
        lines.append(ops_text.totals(health.totals.cycles, health.totals.failed_cycles))

    if health.waiting_writes:
        shown = ", ".join(health.waiting_writes[:WAITING_SHOWN])
        more = len(health.waiting_writes) - WAITING_SHOWN
        lines.append(ops_text.waiting_writes(len(health.waiting_writes), shown + (", …" if more > 0 else "")))
        if health.lock_since:
            lines.append(ops_text.register_held_open(when(datetime.fromisoformat(health.lock_since))))
    else:
        lines.append(ops_text.NO_WAITING_WRITES)

    counts = {status: sum(n for (_, s), n in health.effect_counts.items() if s == status) for status in (PENDING, FAILED)}
    lines.append(ops_text.effects(counts[PENDING], counts[FAILED]))
    for effect in health.failed[:FAILED_SHOWN]:
        lines.append(ops_text.failed_effect(effect.kind, effect.item_id, effect.attempts, effect.error))
    if counts[FAILED] > FAILED_SHOWN:
        lines.append(ops_text.more_failed(counts[FAILED] - FAILED_SHOWN))

    if not health.tokens:
        lines.append(ops_text.NO_TOKENS)
    for platform, iso in sorted(health.tokens.items()):
        expires = datetime.fromisoformat(iso)
        left = expires - health.now
        if left <= timedelta(0):
            lines.append(ops_text.token_expired(platform, when(expires)))
        elif left <= timedelta(days=token_warning_days):
            lines.append(ops_text.token_expiring(platform, when(expires), ops_text.duration(left.total_seconds())))
        else:
            lines.append(ops_text.token_valid(platform, when(expires), ops_text.duration(left.total_seconds())))
    return lines
