"""The Status page: the daemon's health as service/health.py reads it from the journal, for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from automation.domain.keys import EffectKey, EffectKind
from automation.service.health import Health, read_health
from automation.web.templates import render
from automation.web.workspace import Workspace

QUOTA_WINDOW = timedelta(hours=24)  # the platforms count their publishing caps over a day


@dataclass(frozen=True)
class TokenLine:
    platform: str
    expires: datetime
    days_left: float

    @property
    def expired(self) -> bool:
        return self.days_left <= 0


@dataclass(frozen=True)
class QuotaLine:
    platform: str
    used: int  # publications in the last QUOTA_WINDOW
    cap: int | None  # None: the platform's cap is not known here


def quota_caps(publish_table: Mapping[str, object]) -> dict[str, int]:
    """platform -> its daily publishing cap, where the configuration gives one (`quota_total`)."""
    from automation.adapters.social.base import PLATFORM_NAMES

    caps = {}
    for slug, name in PLATFORM_NAMES.items():
        table = publish_table.get(slug)
        total = table.get("quota_total") if isinstance(table, Mapping) else None
        if isinstance(total, int) and not isinstance(total, bool) and total > 0:
            caps[name] = total
    return caps


def quota_use(ws: Workspace, caps: Mapping[str, int], now: datetime) -> list[QuotaLine]:
    used: Counter[str] = Counter()
    for key in ws.journal.effects_done_since(EffectKind.PUBLISH, (now - QUOTA_WINDOW).isoformat()):
        try:
            used[str(EffectKey.parse(key).target or "")] += 1
        except ValueError:
            continue
    platforms = sorted(set(used) | set(caps))
    return [QuotaLine(platform, used[platform], caps.get(platform)) for platform in platforms if platform]


def token_lines(health: Health) -> list[TokenLine]:
    lines = []
    for platform, text in sorted(health.tokens.items()):
        try:
            expires = datetime.fromisoformat(text)
        except ValueError:
            continue
        lines.append(TokenLine(platform, expires, (expires - health.now).total_seconds() / 86400))
    return lines


def status_page(ws: Workspace, person: str, caps: Mapping[str, int]) -> str:
    now = ws.clock.now()
    health = read_health(ws.journal, now, ws.poll_seconds)
    return render("status.html", active="/status", person=person, health=health, tokens=token_lines(health),
                  quota=quota_use(ws, caps, now), register_name=ws.register_name)
