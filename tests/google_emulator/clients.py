"""Point the REAL Google client libraries at the emulator (test-side helpers).

- google-auth: the key JSON's ``token_uri`` already points at the emulator.
- gspread 6: its URLs are module constants, so ``EmulatorSession`` (an ``AuthorizedSession``)
  rewrites ``https://sheets.googleapis.com`` / ``https://www.googleapis.com`` in ``request()``;
  pass it as ``gspread.Client(auth=creds, session=...)``.
- google-api-python-client: ``client_options={"api_endpoint": ...}`` (Sheets/Gmail: the host
  root; Drive: root + ``drive/v3/``). Media-upload URLs keep their ``https`` scheme and the batch
  URL ignores the endpoint, so the httplib2 transport here also rewrites those to the emulator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import google_auth_httplib2
import gspread
import httplib2
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

if TYPE_CHECKING:
    from .server import GoogleEmulator

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)
GMAIL_SCOPES = ("https://www.googleapis.com/auth/gmail.send",)
GOOGLE_PREFIXES = ("https://sheets.googleapis.com/", "https://www.googleapis.com/",
                   "https://gmail.googleapis.com/", "https://oauth2.googleapis.com/")


def redirect(url: str, base_url: str) -> str:
    """Map a Google API URL (or an https URL to the emulator itself) onto ``base_url``."""
    for prefix in GOOGLE_PREFIXES:
        if url.startswith(prefix):
            return base_url + url[len(prefix):]
    https_self = "https://" + base_url.split("://", 1)[1]
    if url.startswith(https_self):
        return base_url + url[len(https_self):]
    return url


def load_key(key: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(key, dict):
        return key
    return json.loads(Path(key).read_text())


def credentials(key: str | Path | dict[str, Any], *, subject: str | None = None,
                scopes: tuple[str, ...] = SCOPES) -> service_account.Credentials:
    creds = service_account.Credentials.from_service_account_info(load_key(key), scopes=list(scopes))
    return creds.with_subject(subject) if subject else creds


class EmulatorSession(AuthorizedSession):
    """An AuthorizedSession that sends every Google API URL to the emulator."""

    def __init__(self, creds, base_url: str, **kwargs: Any):
        super().__init__(creds, **kwargs)
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests' signature
        return super().request(method, redirect(url, self.base_url), *args, **kwargs)


def gspread_client(emulator: GoogleEmulator, key: str | Path | dict[str, Any], *,
                   subject: str | None = None) -> gspread.Client:
    creds = credentials(key, subject=subject)
    return gspread.Client(auth=creds, session=EmulatorSession(creds, emulator.base_url))


class RedirectHttp(httplib2.Http):
    """httplib2 transport that fixes the URLs googleapiclient builds without the endpoint."""

    def __init__(self, base_url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.base_url = base_url
        # as googleapiclient.http.build_http does: 308 means "resume incomplete", not a redirect
        self.redirect_codes = self.redirect_codes - {308}

    def request(self, uri, method="GET", body=None, headers=None, *args, **kwargs):
        return super().request(redirect(uri, self.base_url), method, body, headers, *args, **kwargs)


def authorized_http(emulator: GoogleEmulator, creds, timeout: float | None = 30) -> google_auth_httplib2.AuthorizedHttp:
    return google_auth_httplib2.AuthorizedHttp(creds, http=RedirectHttp(emulator.base_url, timeout=timeout))


def drive_service(emulator: GoogleEmulator, creds, **kwargs: Any):
    return build("drive", "v3", http=authorized_http(emulator, creds),
                 client_options={"api_endpoint": emulator.drive_base_url}, static_discovery=True,
                 cache_discovery=False, **kwargs)


def sheets_service(emulator: GoogleEmulator, creds, **kwargs: Any):
    return build("sheets", "v4", http=authorized_http(emulator, creds),
                 client_options={"api_endpoint": emulator.base_url}, static_discovery=True,
                 cache_discovery=False, **kwargs)


def gmail_service(emulator: GoogleEmulator, creds, **kwargs: Any):
    return build("gmail", "v1", http=authorized_http(emulator, creds),
                 client_options={"api_endpoint": emulator.base_url}, static_discovery=True,
                 cache_discovery=False, **kwargs)


def drive_batch(emulator: GoogleEmulator, callback=None) -> BatchHttpRequest:
    return BatchHttpRequest(callback=callback, batch_uri=emulator.batch_url)
