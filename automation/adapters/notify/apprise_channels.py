"""Notifications through apprise: Telegram, WhatsApp, Slack, ntfy, e-mail, ... per person.

`Message` names its recipient only by e-mail and name, so where a message goes
is a separate question, answered by a *routes* function `Message -> [URL]`.
`RosterRoutes` answers it from the roster tab (optional columns `Telegram`,
`WhatsApp`, `Notifikasi`) and the `[notify.apprise]` configuration (per-person
and per-role URLs, the bot tokens named by environment variables).

Secrets never live in the register: the roster holds only chat IDs, phone
numbers and, in `Notifikasi`, URLs of an allowed scheme; `${VARIABLE}` in a
configured URL is replaced from the environment (never in a roster URL, so a
person editing the sheet cannot make the daemon send a secret anywhere).
Error messages and logs show apprise's privacy form of a URL only.

apprise is an optional dependency (`pip install sop-konten[notify]`); it is
imported when a message is actually sent, so routes can be built and tested
without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from automation.adapters.notify.smtp import NotificationError
from automation.domain.sop import normalise
from automation.domain.texts import config as config_text
from automation.domain.texts import log as log_text
from automation.domain.texts import notify as notify_text
from automation.ports import Message, Notifier, Table

log = logging.getLogger(__name__)

# Optional roster columns (tab Petugas), found by header text, case-insensitive.
TELEGRAM_COLUMN, WHATSAPP_COLUMN, URLS_COLUMN = "Telegram", "WhatsApp", "Notifikasi"
ROSTER_CHANNEL_COLUMNS = (TELEGRAM_COLUMN, WHATSAPP_COLUMN, URLS_COLUMN)
NAME_COLUMN, EMAIL_COLUMN, ROLE_COLUMN, ACTIVE_COLUMN = "Nama", "Email", "Peran", "Aktif"

# Schemes a roster `Notifikasi` cell may use. Generic HTTP ones (json://, form://, xml://)
# and local ones are left out: a person editing the sheet must not make the daemon call
# arbitrary hosts. The configuration may widen or narrow this (`roster_schemes`).
DEFAULT_ROSTER_SCHEMES = (
    "tgram", "whatsapp", "slack", "discord", "msteams", "gchat", "ntfy", "ntfys", "mailto", "mailtos",
    "signal", "signals", "matrix", "matrixs", "pover", "pbul",
)
EMAIL_SCHEMES = ("mailto", "mailtos")

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TELEGRAM_CHAT = re.compile(r"^(-?\d{5,}|@[A-Za-z][A-Za-z0-9_]{4,})$")
_SPLIT = re.compile(r"[\s,;]+")

Routes = Callable[[Message], Sequence[str]]


class NotifyConfigError(ValueError):
    """`[notify.apprise]` is unusable; the message names the key and the reason (Indonesian)."""


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].strip().lower() if "://" in url else ""


def redact(url: str) -> str:
    """What may be shown of a URL: apprise's privacy form, or only its scheme."""
    try:
        import apprise

        plugin = apprise.Apprise.instantiate(url)
    except ImportError:
        plugin = None
    if plugin is not None:
        return plugin.url(privacy=True)
    return f"{_scheme(url) or '?'}://..."


def expand_env(url: str, environ: Mapping[str, str], where: str) -> str:
    """Replace `${NAME}` by the (URL-quoted) value of environment variable NAME."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        found = environ.get(name, "")
        if not found:
            raise NotificationError(notify_text.env_empty(name, where))
        return quote(found, safe="")

    return _ENV.sub(value, url)


def add_query(url: str, **params: str) -> str:
    """`url` with `key=value` query parameters appended (values URL-quoted)."""
    extra = "&".join(f"{k}={quote(v, safe='@')}" for k, v in params.items())
    return url + ("&" if "?" in url else "?") + extra


def telegram_chat(text: str) -> str | None:
    """A Telegram chat: a numeric ID (groups are negative) or a public @channel name."""
    text = text.strip()
    return text if _TELEGRAM_CHAT.match(text) else None


def whatsapp_number(text: str) -> str | None:
    """An Indonesian or international number as digits with country code: 0812-3456-789 -> 628123456789."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if digits.isdigit() and 8 <= len(digits) <= 15 else None


# --- settings ---------------------------------------------------------------

@dataclass(frozen=True)
class AppriseSettings:
    """The `[notify.apprise]` table of sop-konten.toml."""

    email_url: str = ""  # an apprise mail URL (server, login, from); the recipient's Email is added as to=
    telegram_bot_env: str = ""  # environment variable holding the Telegram bot token
    whatsapp_token_env: str = ""  # environment variable holding the WhatsApp Cloud API token
    whatsapp_from: str = ""  # the WhatsApp Business phone number ID messages are sent from
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name or e-mail -> URLs
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role (Peran) -> URLs
    roster_urls: bool = True  # honour the Notifikasi column
    roster_schemes: tuple[str, ...] = DEFAULT_ROSTER_SCHEMES
    html_email: bool = False  # send the HTML alternative (instead of plain text) over mailto(s)://

    @classmethod
    def from_table(cls, raw: Mapping[str, Any], where: str = "notify.apprise") -> AppriseSettings:
        def fail(key: str, reason: str):
            raise NotifyConfigError(notify_text.bad_key(where, key, reason))

        def text(key: str) -> str:
            value = raw.get(key, "")
            if not isinstance(value, str):
                fail(key, config_text.EXPECTED_TEXT)
            return value.strip()

        def url_map(key: str) -> dict[str, tuple[str, ...]]:
            table = raw.get(key, {})
            if not isinstance(table, Mapping):
                fail(key, config_text.EXPECTED_TABLE)
            out = {}
            for name, urls in table.items():
                if isinstance(urls, str):
                    urls = [urls]
                if not isinstance(urls, list) or not all(isinstance(u, str) and "://" in u for u in urls):
                    fail(f"{key}.{name}", config_text.MUST_BE_URL_LIST)
                out[normalise(name)] = tuple(u.strip() for u in urls)
            return out

        known = {"email_url", "telegram_bot_env", "whatsapp_token_env", "whatsapp_from", "people", "roles",
                 "roster_urls", "roster_schemes", "html_email"}
        for key in raw:
            if key not in known:
                fail(key, config_text.unknown_key_among(sorted(known)))
        flags = {}
        for key in ("roster_urls", "html_email"):
            value = raw.get(key, cls.__dataclass_fields__[key].default)
            if not isinstance(value, bool):
                fail(key, config_text.EXPECTED_FLAG)
            flags[key] = value
        schemes = raw.get("roster_schemes", list(DEFAULT_ROSTER_SCHEMES))
        if not isinstance(schemes, list) or not all(isinstance(s, str) for s in schemes):
            fail("roster_schemes", config_text.MUST_BE_SCHEME_LIST)
        email_url = text("email_url")
        if email_url and _scheme(email_url) not in EMAIL_SCHEMES:
            fail("email_url", config_text.MUST_BE_MAILTO)
        whatsapp_token_env, whatsapp_from = text("whatsapp_token_env"), text("whatsapp_from")
        if bool(whatsapp_token_env) != bool(whatsapp_from):
            fail("whatsapp_from" if whatsapp_token_env else "whatsapp_token_env",
                 config_text.WHATSAPP_TOGETHER)
        return cls(
            email_url=email_url,
            telegram_bot_env=text("telegram_bot_env"),
            whatsapp_token_env=whatsapp_token_env,
            whatsapp_from=whatsapp_from,
            people=url_map("people"),
            roles=url_map("roles"),
            roster_schemes=tuple(s.strip().lower() for s in schemes),
            **flags,
        )


# --- routes from the roster -------------------------------------------------

@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str
    active: bool
    telegram: tuple[str, ...] = ()  # chat IDs
    whatsapp: tuple[str, ...] = ()  # numbers, 62...
    urls: tuple[str, ...] = ()  # apprise URLs from the Notifikasi column


class RosterRoutes:
    """Where each message goes, from the roster and the configuration.

    Call `update(table)` with the roster tab each time it is read (the engine
    reads it every cycle); it returns the problems found (Indonesian, one
    sentence each, for the cycle summary). Calling the object with a message
    gives its apprise URLs, secrets filled in from the environment.
    """

    def __init__(self, settings: AppriseSettings, table: Table | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.environ = os.environ if environ is None else environ
        self._by_key: dict[str, Contact] = {}
        self.problems: list[str] = []
        if table is not None:
            self.update(table)

    def update(self, table: Table) -> list[str]:
        columns: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            columns.setdefault(normalise(header), index)

        def cell(row: tuple[str, ...], header: str) -> str:
            index = columns.get(normalise(header))
            return row[index].strip() if index is not None and index < len(row) else ""

        by_key: dict[str, Contact] = {}
        problems: list[str] = []
        for number, row in enumerate(table.rows, start=2):
            name, email = cell(row, NAME_COLUMN), cell(row, EMAIL_COLUMN)
            if not name and not email:
                continue
            where = notify_text.roster_row(number)
            telegram, whatsapp, urls = [], [], []
            for value in _cells(cell(row, TELEGRAM_COLUMN)):
                chat = telegram_chat(value)
                if chat is None:
                    problems.append(notify_text.telegram_invalid(where, value))
                elif not self.settings.telegram_bot_env:
                    problems.append(notify_text.telegram_not_configured(where))
                else:
                    telegram.append(chat)
            for value in _cells(cell(row, WHATSAPP_COLUMN)):
                phone = whatsapp_number(value)
                if phone is None:
                    problems.append(notify_text.whatsapp_invalid(where, value))
                elif not self.settings.whatsapp_token_env:
                    problems.append(notify_text.whatsapp_not_configured(where))
                else:
                    whatsapp.append(phone)
            for value in _cells(cell(row, URLS_COLUMN)):
                if not self.settings.roster_urls:
                    problems.append(notify_text.roster_urls_off(where))
                    break
                if _scheme(value) not in self.settings.roster_schemes:
                    problems.append(notify_text.scheme_not_allowed(where, _scheme(value) or value[:12],
                                                                   self.settings.roster_schemes))
                elif "${" in value:
                    problems.append(notify_text.no_secrets_in_roster(where))
                else:
                    urls.append(value)
            active = normalise(cell(row, ACTIVE_COLUMN)) != "tidak"
            contact = Contact(name, email, cell(row, ROLE_COLUMN), active, tuple(telegram), tuple(whatsapp),
                              tuple(urls))
            for key in (normalise(name), normalise(email)):
                if key:
                    by_key.setdefault(key, contact)
        self._by_key = by_key
        self.problems = list(dict.fromkeys(problems))
        return self.problems

    def contact(self, message: Message) -> Contact | None:
        for key in (normalise(message.to), normalise(message.to_name)):
            if key and key in self._by_key:
                return self._by_key[key]
        return None

    def __call__(self, message: Message) -> list[str]:
        s = self.settings
        contact = self.contact(message)
        urls: list[str] = []
        email = message.to.strip() or (contact.email if contact else "")
        if s.email_url and email:
            urls.append(add_query(expand_env(s.email_url, self.environ, "notify.apprise.email_url"), to=email))
        if contact is not None:
            if contact.telegram:
                token = self._secret(s.telegram_bot_env, "notify.apprise.telegram_bot_env")
                urls += [f"tgram://{token}/{chat}" for chat in contact.telegram]
            if contact.whatsapp:
                token = self._secret(s.whatsapp_token_env, "notify.apprise.whatsapp_token_env")
                urls += [f"whatsapp://{token}@{quote(s.whatsapp_from, safe='')}/{phone}"
                         for phone in contact.whatsapp]
            urls += contact.urls  # never expanded: they come from the sheet
        for key in (normalise(message.to), normalise(message.to_name), normalise(contact.name) if contact else ""):
            for url in s.people.get(key, ()) if key else ():
                urls.append(expand_env(url, self.environ, f"notify.apprise.people.{key}"))
        if contact is not None and contact.role:
            for url in s.roles.get(normalise(contact.role), ()):
                urls.append(expand_env(url, self.environ, f"notify.apprise.roles.{contact.role}"))
        return list(dict.fromkeys(urls))

    def _secret(self, variable: str, key: str) -> str:
        value = self.environ.get(variable, "") if variable else ""
        if not value:
            raise NotificationError(notify_text.channel_env_empty(key, variable or '(none)'))
        return quote(value, safe="")


def _cells(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part]


def routes_from_roster(table: Table, settings: AppriseSettings,
                       environ: Mapping[str, str] | None = None) -> RosterRoutes:
    """Routes for the roster as read now; keep the object and `update()` it with each new read."""
    return RosterRoutes(settings, table, environ)


def check_urls(urls: Iterable[str]) -> list[str]:
    """The URLs apprise cannot parse, in their redacted form (for `sop-konten check`)."""
    import apprise

    bad = []
    for url in urls:
        if not apprise.Apprise().add(url):
            bad.append(f"{_scheme(url) or '?'}://...")
    return bad


# --- delivery ledger ---------------------------------------------------------

class DeliveryLedger:
    """Which (message key, channel) pairs were delivered, so a retry skips them (SQLite)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS deliveries (key TEXT NOT NULL, channel TEXT NOT NULL, "
                        "at TEXT NOT NULL, PRIMARY KEY (key, channel))")

    def delivered(self, key: str, channel: str) -> bool:
        row = self.db.execute("SELECT 1 FROM deliveries WHERE key = ? AND channel = ?", (key, channel)).fetchone()
        return row is not None

    def record(self, key: str, channel: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO deliveries (key, channel, at) VALUES (?, ?, ?)",
                        (key, channel, datetime.now(UTC).isoformat(timespec="seconds")))

    def close(self) -> None:
        self.db.close()


def channel_id(url: str) -> str:
    """A stable name for a URL that does not reveal it (the URL holds tokens)."""
    return "apprise:" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]


# --- the notifiers -----------------------------------------------------------

class AppriseNotifier:
    """Sends each message to the apprise URLs `routes(message)` gives, one URL at a time.

    A URL that fails makes `send` raise `NotificationError` (the engine keeps
    the effect and retries); with a `ledger`, the retry skips URLs that were
    already delivered, so nobody gets the message twice on a channel that
    worked. A message with no route is skipped (logged), unless `required`.
    """

    def __init__(self, routes: Routes, *, ledger: DeliveryLedger | None = None, required: bool = False,
                 html_email: bool = False, asset: Any = None) -> None:
        self.routes = routes
        self.ledger = ledger
        self.required = required
        self.html_email = html_email
        self._asset = asset

    def __repr__(self) -> str:
        return f"AppriseNotifier(required={self.required})"

    def accepts(self, message: Message) -> bool:
        try:
            return bool(self.routes(message))
        except NotificationError:
            return True  # a route exists but cannot be completed: let send() report it

    def send(self, message: Message) -> None:
        urls = list(dict.fromkeys(self.routes(message)))
        if not urls:
            if self.required:
                raise NotificationError(notify_text.no_route(message.to_name or message.to or message.key))
            log.info(log_text.APPRISE_NO_ROUTE, message.to_name or message.to, message.key)
            return
        apprise = _apprise()
        failed = []
        for url in urls:
            channel = channel_id(url)
            if self.ledger is not None and self.ledger.delivered(message.key, channel):
                continue
            sender = apprise.Apprise(asset=self._asset_or_default())
            if not sender.add(url):
                failed.append(notify_text.invalid_apprise_url(_scheme(url) or '?'))
                continue
            label = sender[0].url(privacy=True)
            html: str | bool = self.html_email and _scheme(url) in EMAIL_SCHEMES and getattr(message, "html", "")
            ok = sender.notify(
                body=html or message.body,
                title=message.subject,
                body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
            )
            if not ok:
                failed.append(label)
                continue
            if self.ledger is not None:
                self.ledger.record(message.key, channel)
            log.info(log_text.APPRISE_SENT, message.key, label)
        if failed:
            raise NotificationError(notify_text.apprise_failed(message.key, len(failed), len(urls), ', '.join(failed)))

    def _asset_or_default(self):
        if self._asset is None:
            self._asset = _apprise().AppriseAsset(app_id="sop-konten", app_desc="sop-konten")
        return self._asset


def _apprise():
    try:
        import apprise
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise NotificationError(notify_text.APPRISE_NOT_INSTALLED) from exc
    return apprise


def has_email(message: Message) -> bool:
    return "@" in message.to


class FanoutNotifier:
    """Sends each message on every channel that accepts it (e.g. {"email": ..., "apprise": ...}).

    `accepts[name](message)` (or the channel's own `accepts` method) says
    whether a channel reaches the recipient; a channel without either takes
    every message. A channel that fails makes `send` raise after the others
    were tried; with a `ledger`, the retry skips the channels that worked.
    No channel reaching the recipient is an error too.
    """

    def __init__(self, channels: Mapping[str, Notifier], *, ledger: DeliveryLedger | None = None,
                 accepts: Mapping[str, Callable[[Message], bool]] | None = None) -> None:
        if not channels:
            raise ValueError("at least one channel")
        self.channels = dict(channels)
        self.ledger = ledger
        self._accepts = dict(accepts or {})

    def __repr__(self) -> str:
        return f"FanoutNotifier({', '.join(self.channels)})"

    def _accepting(self, message: Message) -> list[str]:
        names = []
        for name, notifier in self.channels.items():
            accept = self._accepts.get(name) or getattr(notifier, "accepts", None)
            if accept is None or accept(message):
                names.append(name)
        return names

    def accepts(self, message: Message) -> bool:
        return bool(self._accepting(message))

    def send(self, message: Message) -> None:
        names = self._accepting(message)
        if not names:
            raise NotificationError(notify_text.no_channel(message.to_name or message.to or message.key))
        errors = []
        for name in names:
            channel = f"channel:{name}"
            if self.ledger is not None and self.ledger.delivered(message.key, channel):
                continue
            try:
                self.channels[name].send(message)
            except Exception as exc:  # one channel failing must not stop the others
                errors.append(f"{name}: {exc}")
                continue
            if self.ledger is not None:
                self.ledger.record(message.key, channel)
        if errors:
            raise NotificationError("; ".join(errors))
