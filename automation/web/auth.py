"""Signing in to the Dasbor: a one-time link e-mailed to an active person of `Petugas`, or the operator's password.

- Who may enter: the active people of `Petugas` with an address, as the daemon last read them
  (service/roster_record.py); someone made inactive is out at their next request, session or not.
- A session is a signed cookie (itsdangerous, HMAC) carrying the address and its expiry; nothing to forge
  without the secret, which is kept in the Dasbor's own SQLite file beside the journal (`dasbor.sqlite3`), as
  are the one-time links (only their SHA-256; each works once, until it expires).
- The Dasbor writes nothing else: the journal is opened read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from automation.config import ConfigError, DasborConfig
from automation.domain.texts import dasbor as dasbor_text
from automation.ports import Message, Notifier
from automation.service.journal import Journal
from automation.service.roster_record import Member, active_members

SESSION_COOKIE = "dasbor_sesi"
SIGN_IN_ATTEMPTS = 10  # per address and per client within SIGN_IN_WINDOW: password guesses, link mails
SIGN_IN_WINDOW = timedelta(minutes=15)
STORE_NAME = "dasbor.sqlite3"  # beside the journal: the Dasbor's own sign-in state
_SESSION_SALT = "sop-konten.dasbor.session"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value TEXT NOT NULL
);
"""


class DasborRefused(ConfigError):
    """The Dasbor must not or cannot start as configured; the message says why, in Indonesian."""


@dataclass(frozen=True)
class AuthSettings:
    base_url: str = ""  # set: people ask for a one-time link sent by e-mail, pointing here
    password: str = ""  # set: people sign in with their address and this password
    session_hours: float = 12
    link_minutes: float = 15

    @property
    def required(self) -> bool:
        return bool(self.base_url or self.password)

    @property
    def secure_cookie(self) -> bool:
        return self.base_url.startswith("https://")


def auth_settings(config: DasborConfig, environ: Mapping[str, str] = os.environ) -> AuthSettings:
    password = environ.get(config.password_env, "") if config.password_env else ""
    return AuthSettings(base_url=config.base_url, password=password, session_hours=config.session_hours,
                        link_minutes=config.link_minutes)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_binding(host: str, settings: AuthSettings) -> None:
    """Bound beyond this machine, every page must need a sign-in."""
    if not is_loopback(host) and not settings.required:
        raise DasborRefused(dasbor_text.refused_without_sign_in(host))


class Throttle:
    """At most `limit` attempts per key within `window` (kept in memory: a restart forgives)."""

    MAX_KEYS = 10_000  # beyond this many keys the oldest are forgotten: memory stays bounded

    def __init__(self, limit: int = SIGN_IN_ATTEMPTS, window: timedelta = SIGN_IN_WINDOW):
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, keys: tuple[str, ...], now: datetime) -> bool:
        """Count one attempt under every key; False when any of them has had `limit` already."""
        with self._lock:
            allowed = True
            for key in keys:
                seen = self._seen.setdefault(key, deque())
                while seen and now - seen[0] >= self.window:
                    seen.popleft()
                if len(seen) >= self.limit:
                    allowed = False
                seen.append(now)
            while len(self._seen) > self.MAX_KEYS:
                del self._seen[next(iter(self._seen))]
            return allowed


class SignInStore:
    """The Dasbor's own small SQLite file: the session secret and the one-time links."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # one connection, used by the server's threads one at a time
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
        self.db.executescript(_SCHEMA)
        try:
            os.chmod(path, 0o600)  # it holds the secret that signs sessions
        except OSError:
            pass

    def close(self) -> None:
        self.db.close()

    def secret(self) -> str:
        with self._lock:
            self.db.execute("INSERT OR IGNORE INTO secret(id, value) VALUES (1, ?)", (secrets.token_urlsafe(32),))
            (value,) = self.db.execute("SELECT value FROM secret WHERE id=1").fetchone()
            return str(value)

    def issue(self, email: str, now: datetime, expires: datetime) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.db.execute("DELETE FROM links WHERE expires_at < ?", (now.isoformat(),))  # keep it small
            self.db.execute("INSERT INTO links(token_hash, email, expires_at) VALUES (?,?,?)",
                            (_hash(token), email, expires.isoformat()))
        return token

    def redeem(self, token: str, now: datetime) -> str | None:
        """The address the link was for, once: a second use, an unknown or an expired link gives None."""
        with self._lock:
            row = self.db.execute("SELECT email, expires_at FROM links WHERE token_hash=? AND used_at IS NULL",
                                  (_hash(token),)).fetchone()
            if row is None or datetime.fromisoformat(row[1]) < now:
                return None
            used = self.db.execute("UPDATE links SET used_at=? WHERE token_hash=? AND used_at IS NULL",
                                   (now.isoformat(), _hash(token)))
            return str(row[0]) if used.rowcount == 1 else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Gate:
    """Who is asking: the session's person, if still active; how to let someone in."""

    def __init__(self, settings: AuthSettings, journal: Journal, store: SignInStore | None,
                 notifier: Notifier | None, now: Callable[[], datetime]):
        self.settings = settings
        self.journal = journal
        self.store = store
        self.notifier = notifier
        self.now = now
        self._sessions = URLSafeSerializer(store.secret(), salt=_SESSION_SALT) if store else None

    @property
    def required(self) -> bool:
        return self.settings.required

    @property
    def by_link(self) -> bool:
        return bool(self.settings.base_url) and self.notifier is not None and self.store is not None

    @property
    def by_password(self) -> bool:
        return bool(self.settings.password)

    def member(self, email: str) -> Member | None:
        return active_members(self.journal).get(email.strip().casefold())

    def person(self, cookie: str | None) -> Member | None:
        """The signed-in person of a session cookie: signed by us, not expired, still active in `Petugas`."""
        if not cookie or self._sessions is None:
            return None
        try:
            data = self._sessions.loads(cookie)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("email"), str):
            return None
        try:
            expires = datetime.fromisoformat(str(data.get("until", "")))
        except ValueError:
            return None
        if expires <= self.now():
            return None
        return self.member(data["email"])

    def session_cookie(self, member: Member) -> str:
        assert self._sessions is not None
        until = self.now() + timedelta(hours=self.settings.session_hours)
        return str(self._sessions.dumps({"email": member.email, "until": until.isoformat()}))

    def send_link(self, email: str) -> None:
        """E-mail a one-time link to `email` if it is an active person's; nobody else learns whether it was."""
        member = self.member(email)
        if member is None or not self.by_link:
            return
        assert self.store is not None and self.notifier is not None
        now = self.now()
        token = self.store.issue(member.email, now, now + timedelta(minutes=self.settings.link_minutes))
        link = f"{self.settings.base_url}/masuk/{token}"
        self.notifier.send(Message(
            key=f"dasbor-masuk:{_hash(token)[:32]}", to=member.email, to_name=member.name,
            subject=dasbor_text.SIGN_IN_MAIL_SUBJECT,
            body=dasbor_text.sign_in_mail_body(member.name, link, self.settings.link_minutes)))

    def redeem(self, token: str) -> Member | None:
        if self.store is None:
            return None
        email = self.store.redeem(token, self.now())
        return self.member(email) if email else None

    def check_password(self, email: str, password: str) -> Member | None:
        if not self.by_password:
            return None
        matches = hmac.compare_digest(password.encode("utf-8"), self.settings.password.encode("utf-8"))
        return self.member(email) if matches else None
