"""`sop-konten login`: sign a person's Google account in once, for `[google] auth = "oauth"`.

Google's flow for desktop apps and command-line tools (developers.google.com/identity/protocols/oauth2/native-app):
the browser opens Google's consent screen, Google sends it back to a loopback address this command listens on,
and the code it carries is exchanged (with PKCE) for a refresh token. The device flow ("TV and limited-input
devices") is not offered: Google allows it only for a short list of scopes that has neither Sheets, full Drive
nor Gmail send (developers.google.com/identity/protocols/oauth2/limited-input-device#allowedscopes).

On a server without a browser there are two ways, both the same flow:
- `--port N` and an SSH tunnel (`ssh -L N:127.0.0.1:N server`): the laptop's browser reaches the listener;
- `--tempel`: nothing listens; the browser ends on a page that does not load, and the person pastes its
  address (it holds the one-use code) back here.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from automation.adapters.google.auth import (
    USER_INFO_SCOPES,
    token_record,
    write_token_file,
)
from automation.adapters.google.client import DRIVE_SCOPE, GMAIL_SEND_SCOPE, SHEETS_SCOPE, GoogleAccessError
from automation.config import Config
from automation.domain.texts import cli as cli_text
from automation.domain.texts import google as google_text

LOOPBACK = "127.0.0.1"
WAIT_SECONDS = 300  # the person has this long to answer the consent screen
SECRET_LOGGERS = ("requests_oauthlib", "oauthlib")  # at DEBUG they log the token answer itself


@dataclass(frozen=True)
class SignedIn:
    account: str
    token_file: Path
    scopes: tuple[str, ...]


def wanted_scopes(config: Config) -> tuple[str, ...]:
    """Only what this configuration uses: Gmail send is asked for only when mail goes through Gmail."""
    scopes = [*USER_INFO_SCOPES, SHEETS_SCOPE, DRIVE_SCOPE]
    if config.notify_backend == "gmail":
        scopes.append(GMAIL_SEND_SCOPE)
    return tuple(scopes)


def login(config: Config, *, say: Callable[[str], None] = print, open_url: Callable[[str], Any] | None = None,
          paste: Callable[[], str] | None = None, port: int = 0, wait_seconds: float = WAIT_SECONDS) -> SignedIn:
    """Sign in and store the refresh token; `open_url` opens a browser (None: only print the address),
    `paste` reads the address the browser ended on (for `--tempel`)."""
    from google_auth_oauthlib.flow import Flow

    client = _desktop_client(config.google.client_secrets)
    scopes = wanted_scopes(config)
    # Google may grant fewer scopes than asked (the person can untick some); `check` names what is missing.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = Flow.from_client_config({"installed": client}, scopes=list(scopes))
    state = secrets.token_urlsafe(24)
    if paste is not None:
        flow.redirect_uri = f"http://{LOOPBACK}:{port or 1}/"
        address = _authorization_url(flow, state)
        say(cli_text.login_paste(address))
        answer = _answer_from(paste())
    else:
        with _Listener(port) as listener:
            flow.redirect_uri = f"http://{LOOPBACK}:{listener.port}/"
            address = _authorization_url(flow, state)
            say(cli_text.login_open(address))
            if open_url is not None:
                open_url(address)
            answer = listener.wait(wait_seconds)
    code = _code_from(answer, state)
    try:
        with _quiet(SECRET_LOGGERS):
            token = flow.fetch_token(code=code)
    except Exception as exc:  # oauthlib's and requests' errors: one sentence, never the token itself
        raise GoogleAccessError(google_text.login_exchange_failed(getattr(exc, "description", "") or
                                                                  type(exc).__name__)) from None
    if not token.get("refresh_token"):
        raise GoogleAccessError(google_text.LOGIN_NO_REFRESH_TOKEN)
    record = token_record(dict(token), client, scopes)
    write_token_file(config.google.token_file, record)
    return SignedIn(record["account"], config.google.token_file, tuple(record["scopes"]))


def missing_scopes(config: Config, granted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in wanted_scopes(config) if s not in granted and s not in USER_INFO_SCOPES)


@contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    """Even with `-v`, these libraries say nothing below INFO while the token is fetched."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _authorization_url(flow: Any, state: str) -> str:
    # offline: a refresh token; consent: Google gives one again even to a person who consented before
    address, _ = flow.authorization_url(access_type="offline", prompt="consent", state=state)
    return str(address)


def _desktop_client(path: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoogleAccessError(google_text.client_secrets_missing(path)) from None
    except (OSError, ValueError):
        raise GoogleAccessError(google_text.client_secrets_invalid(path)) from None
    client = data.get("installed") if isinstance(data, dict) else None
    if not isinstance(client, dict) or not {"client_id", "token_uri", "auth_uri"} <= set(client):
        raise GoogleAccessError(google_text.client_secrets_invalid(path))
    return client


def _answer_from(address: str) -> dict[str, str]:
    query = urllib.parse.urlsplit(address.strip()).query
    return {key: values[0] for key, values in urllib.parse.parse_qs(query).items()}


def _code_from(answer: dict[str, str], state: str) -> str:
    if answer.get("error"):
        raise GoogleAccessError(google_text.login_refused(answer["error"]))
    if not secrets.compare_digest(answer.get("state", ""), state):  # not the answer to our request
        raise GoogleAccessError(google_text.LOGIN_STATE_MISMATCH)
    if not answer.get("code"):
        raise GoogleAccessError(google_text.LOGIN_NO_CODE)
    return answer["code"]


class _Listener:
    """The loopback address Google sends the browser back to: waits for the one request that carries the answer."""

    def __init__(self, port: int):
        answers: list[dict[str, str]] = []
        arrived = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                answer = _answer_from(self.path)
                if not ({"code", "error"} & set(answer)):  # a favicon or a stray request
                    self.send_response(404)
                    self.end_headers()
                    return
                body = google_text.LOGIN_PAGE.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                answers.append(answer)
                arrived.set()

            def log_message(self, format: str, *args: Any) -> None:  # the address holds the code: never logged
                return

        self._server = HTTPServer((LOOPBACK, port), Handler)
        self._answers, self._arrived = answers, arrived
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="login-listener", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> _Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, seconds: float) -> dict[str, str]:
        if not self._arrived.wait(seconds):
            raise GoogleAccessError(google_text.login_timed_out(int(seconds)))
        return self._answers[0]
