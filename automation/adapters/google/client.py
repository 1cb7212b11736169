"""Google credentials, the HTTP session, and our own retry policy.

- Credentials come from a service-account key file (the config's path or
  GOOGLE_APPLICATION_CREDENTIALS), never from the repository.
- `api_base` redirects every Google host to one base URL (a local emulator in
  tests, a proxy in odd deployments); empty means the real Google endpoints.
- 429, 5xx and timeouts are retried with exponential backoff and full jitter,
  bounded; a request that is not safe to repeat is retried only on a rate
  limit (Google refused it, so nothing happened). Which answers those are is
  decided in `errors`.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from automation.adapters.google.errors import is_retryable, reason_of, retry_after_of
from automation.domain.texts import google as google_text
from automation.domain.texts import log as log_text

log = logging.getLogger("sop_konten.google")

USER_AGENT = "sop-konten (gzip)"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"  # shared drives and folders the account did not create
GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send"
GOOGLE_HOSTS = ("https://sheets.googleapis.com/", "https://www.googleapis.com/", "https://gmail.googleapis.com/",
                "https://oauth2.googleapis.com/")


class GoogleAccessError(Exception):
    """A problem a person must fix (sharing, a wrong ID, a missing key); one Indonesian sentence."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_seconds: float = 1.0
    max_seconds: float = 32.0
    timeout_seconds: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.max_seconds)
        return random.uniform(0, min(self.max_seconds, self.base_seconds * 2 ** attempt))


def key_path(configured: str | Path | None) -> Path:
    path = Path(configured) if configured else None
    if path is None:
        env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip()
        path = Path(env) if env else None
    if path is None:
        raise GoogleAccessError(
            google_text.KEY_NOT_SET)
    if not path.exists():
        raise GoogleAccessError(google_text.key_file_missing(path))
    return path


def load_credentials(path: Path, scopes: tuple[str, ...], subject: str = "") -> service_account.Credentials:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        credentials = service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except (ValueError, KeyError) as exc:
        raise GoogleAccessError(google_text.not_a_key(path)) from exc
    return credentials.with_subject(subject) if subject else credentials


def service_account_email(path: Path) -> str:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("client_email", "")
    except ValueError:
        return ""


def redirect(url: str, api_base: str) -> str:
    if not api_base:
        return url
    for prefix in GOOGLE_HOSTS:
        if url.startswith(prefix):
            return api_base + url[len(prefix):]
    return url


class GoogleSession(AuthorizedSession):
    """An authorized session that can point at another base URL and retries as we decide."""

    def __init__(self, credentials, api_base: str = "", policy: RetryPolicy | None = None,
                 on_request: Callable[[str, str], None] | None = None):
        super().__init__(credentials)
        # Google compresses an answer only for a client that asks with both headers (its "Performance tips",
        # "Compression using gzip"): the register's read is 18 MB at 10,000 rows, about a tenth gzipped
        self.headers["Accept-Encoding"] = "gzip"
        self.headers["User-Agent"] = USER_AGENT
        self.api_base = api_base.rstrip("/") + "/" if api_base else ""
        self.policy = policy or RetryPolicy()
        self.on_request = on_request

    # google-auth's AuthorizedSession.request, mirrored here, departs from requests' Session.request
    def request(self, method, url, data=None, headers=None, max_allowed_time=None, timeout=None, **kwargs):  # type: ignore[override]
        url = redirect(url, self.api_base)
        safe = safe_to_repeat(method, url)
        timeout = timeout or self.policy.timeout_seconds
        for attempt in range(self.policy.attempts):
            if self.on_request:
                self.on_request(method, url)
            try:
                response = super().request(method, url, data=data, headers=headers, timeout=timeout, **kwargs)
            except RefreshError as exc:  # a revoked sign-in, a deleted key: a sentence, and the next cycle tries again
                raise GoogleAccessError(self._refresh_refused(exc)) from None
            except TransportError as exc:  # the token endpoint unreachable: as for any unreachable Google
                raise GoogleAccessError(google_text.token_refresh_failed(_first_line(exc))) from None
            except (requests.Timeout, requests.ConnectionError) as exc:
                if not safe or attempt == self.policy.attempts - 1:
                    raise
                log.warning(log_text.GOOGLE_RETRY_ERROR, method, _short(url), type(exc).__name__)
                self.policy.sleep(self.policy.delay(attempt))
                continue
            status = response.status_code
            reason = reason_of(response) if status == 403 else ""  # a 403 may be a rate limit
            if not is_retryable(status, reason, safe=safe) or attempt == self.policy.attempts - 1:
                return response
            log.warning(log_text.GOOGLE_RETRY_STATUS, method, _short(url), status)
            self.policy.sleep(self.policy.delay(attempt, retry_after_of(response)))
        return response


    def _refresh_refused(self, error: RefreshError) -> str:
        from google.oauth2 import credentials as user_credentials

        if isinstance(self.credentials, user_credentials.Credentials):
            return google_text.user_token_refused(self.credentials.account or "OAuth", _first_line(error))
        return google_text.key_rejected(getattr(self.credentials, "service_account_email", ""), _first_line(error))


def _first_line(error: BaseException) -> str:
    text = str(error.args[0] if error.args else error)
    return text.splitlines()[0] if text else type(error).__name__


API_PATHS = (("/v4/spreadsheets", "sheets"), ("drive/v3", "drive"), ("gmail/v1", "gmail"), ("/token", "oauth"))
HTTP_TIMEOUT_SECONDS = 60  # googleapiclient's own default for the httplib2 connections it builds


def api_of(url: str) -> str:
    """Which Google API a request goes to (also through `api_base`): sheets, drive, gmail, oauth, other."""
    path = _short(url)
    return next((api for part, api in API_PATHS if part in path), "other")


class RequestCounter:
    """HTTP requests sent, by API, since start: every attempt counts (a retry is a request to the quota)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(self, method: str, url: str) -> None:
        self.counts[api_of(url)] += 1

    def by_api(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


def authorized_http(credentials, on_request: Callable[[str, str], None] | None = None):
    """An authorized httplib2 connection for googleapiclient (Drive, Gmail) that reports each request."""
    import google_auth_httplib2
    import httplib2

    class CountingHttp(httplib2.Http):
        def request(self, uri, method="GET", *args, **kwargs):  # type: ignore[override]
            if on_request is not None:
                on_request(method, uri)
            return super().request(uri, method, *args, **kwargs)

    http = CountingHttp(timeout=HTTP_TIMEOUT_SECONDS)
    http.redirect_codes = http.redirect_codes - {308}  # as googleapiclient's build_http: 308 is Drive's resumable "go on"
    return google_auth_httplib2.AuthorizedHttp(credentials, http=http)


SAFE_POSTS = ("values:batchUpdate", "values:batchGet", "values:batchClear", "/token")


def safe_to_repeat(method: str, url: str) -> bool:
    """Whether sending the request twice has the same effect as once (an append has not)."""
    if method.upper() in ("GET", "PUT", "DELETE", "PATCH", "HEAD"):
        return True
    return _short(url).endswith(SAFE_POSTS)


def _short(url: str) -> str:
    return url.split("?", 1)[0]
