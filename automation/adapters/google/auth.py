"""Who the daemon is on Google, chosen by `[google] auth`.

- "service_account": a key file. With `delegated_user` the service account acts as that Workspace user for
  every API (domain-wide delegation); without it, as itself (Sheets and Drive only: a service account has no
  mailbox, so Gmail then acts for the sender's address, which also needs delegation).
- "oauth": a person's account, signed in once with `sop-konten login` (commands/login.py). The refresh token
  lives in the workspace's token file, mode 0600; it is never logged or printed.

Everything else asks this module for credentials, so the adapters do not know which kind is in use.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from automation.adapters.google.client import (
    GMAIL_SEND_SCOPE,
    GoogleAccessError,
    key_path,
    load_credentials,
)
from automation.domain.texts import google as google_text

SERVICE_ACCOUNT, DELEGATED, USER = "service_account", "delegated", "user"
OAUTH = "oauth"
# OpenID Connect: the ID token then names the account that signed in
USER_INFO_SCOPES = ("openid", "https://www.googleapis.com/auth/userinfo.email")
TOKEN_FILE_MODE = 0o600


@dataclass(frozen=True)
class GoogleIdentity:
    kind: str  # SERVICE_ACCOUNT | DELEGATED | USER
    email: str  # whom Google sees acting: the service account, the delegated user, or the person
    source: Path  # the key file or the token file
    service_account: str = ""  # the service account's own e-mail ("" for a person)
    client_id: str = ""  # the service account's client ID (what a Workspace admin enters for delegation)
    granted_scopes: tuple[str, ...] = ()  # a person's token: what the consent screen granted
    refresh_expires_at: str = ""  # a person's token from an app still in "Testing": when it stops working
    _credentials: Callable[[tuple[str, ...], str], Any] = field(default=lambda scopes, subject: None, repr=False,
                                                                compare=False)

    def credentials(self, scopes: tuple[str, ...]) -> Any:
        """google-auth credentials for these scopes, acting as `email`."""
        return self._credentials(scopes, self.email if self.kind == DELEGATED else "")

    def mail_credentials(self, sender: str) -> Any:
        """Credentials to send Gmail as `sender`: the person themself, or the Workspace user delegated to."""
        if self.kind == USER:
            return self._credentials((GMAIL_SEND_SCOPE,), "")
        return self._credentials((GMAIL_SEND_SCOPE,), self.email if self.kind == DELEGATED else sender)

    def mailbox(self, sender: str) -> str:
        return sender if self.kind == SERVICE_ACCOUNT else self.email

    @property
    def has_drive_storage(self) -> bool:
        """Service accounts have no Drive storage quota: what they create in My Drive belongs to no person."""
        return self.kind != SERVICE_ACCOUNT


def identity_from_config(google: Any) -> GoogleIdentity:
    """The identity a `GoogleConfig` chooses; a GoogleAccessError in one sentence when it cannot be used."""
    if google.auth == OAUTH:
        return user_identity(Path(google.token_file))
    path = key_path(google.key_file)
    info = _json_file(path)
    email = str(info.get("client_email", ""))
    client_id = str(info.get("client_id", ""))

    def credentials(scopes: tuple[str, ...], subject: str) -> Any:
        return load_credentials(path, scopes, subject=subject)

    if google.delegated_user:
        return GoogleIdentity(DELEGATED, google.delegated_user, path, email, client_id, _credentials=credentials)
    return GoogleIdentity(SERVICE_ACCOUNT, email, path, email, client_id, _credentials=credentials)


def user_identity(token_file: Path) -> GoogleIdentity:
    from google.oauth2.credentials import Credentials

    stored = read_token_file(token_file)
    if not all(stored.get(key) for key in ("client_id", "token_uri")):
        raise GoogleAccessError(google_text.token_file_invalid(token_file))
    # Not from_authorized_user_info: it always puts Google's own token_uri in place of the file's.
    shared = Credentials(None, refresh_token=stored["refresh_token"], token_uri=stored["token_uri"],
                         client_id=stored["client_id"], client_secret=stored.get("client_secret") or None,
                         scopes=list(stored.get("scopes") or ()) or None, account=str(stored.get("account", "")))

    def credentials(scopes: tuple[str, ...], subject: str) -> Any:
        return shared  # one access token for every adapter; Google answers for all scopes the person granted

    return GoogleIdentity(USER, str(stored.get("account", "")), token_file,
                          granted_scopes=tuple(stored.get("scopes") or ()),
                          refresh_expires_at=str(stored.get("refresh_token_expires_at", "")),
                          _credentials=credentials)


# --- the token file ------------------------------------------------------------------------------

def read_token_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise GoogleAccessError(google_text.not_signed_in(path))
    info = _json_file(path)
    if not info.get("refresh_token"):
        raise GoogleAccessError(google_text.token_file_invalid(path))
    return info


def token_record(token: dict[str, Any], client: dict[str, Any], scopes: tuple[str, ...],
                 now: float | None = None) -> dict[str, Any]:
    """What the token file holds: google-auth's "authorized_user" format, plus who signed in and when.

    The access token is left out: it lasts an hour, and each start refreshes its own."""
    now = time.time() if now is None else now
    scope = token.get("scope") or ()
    granted = tuple(scope.split() if isinstance(scope, str) else scope) or scopes  # oauthlib makes it a list
    record: dict[str, Any] = {
        "type": "authorized_user",
        "client_id": client["client_id"],
        "client_secret": client.get("client_secret", ""),
        "refresh_token": token["refresh_token"],
        "token_uri": client["token_uri"],
        "scopes": sorted(granted),
        "account": id_token_email(str(token.get("id_token", ""))),
        "signed_in_at": _iso(now),
    }
    if token.get("refresh_token_expires_in"):
        record["refresh_token_expires_at"] = _iso(now + float(token["refresh_token_expires_in"]))
    return record


def write_token_file(path: Path, record: dict[str, Any]) -> None:
    """Written whole and only then put in place, readable by the owner alone from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, TOKEN_FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, TOKEN_FILE_MODE)  # an existing temporary file keeps its mode through os.open
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def readable_by_others(path: Path) -> bool:
    return os.name == "posix" and path.exists() and bool(path.stat().st_mode & 0o077)


def id_token_email(id_token: str) -> str:
    """The e-mail an ID token names. Not verified: it came straight from Google's token endpoint over TLS, where
    OpenID Connect allows reading it as is (developers.google.com/identity/openid-connect/openid-connect
    #obtainuserinfo)."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    return str(claims.get("email", "")) if isinstance(claims, dict) else ""


def _json_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
