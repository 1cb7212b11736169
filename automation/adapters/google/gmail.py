"""Notifications sent through the Gmail API: as the person signed in with OAuth, or as a Google Workspace user
a service account acts for (domain-wide delegation).

A service account can only send as a Workspace user whom a Workspace admin let it act for: the admin
adds the account's client ID with the scope `https://www.googleapis.com/auth/gmail.send` under
Security > Access and data control > API controls > Domain-wide delegation. The e-mail itself is the
same one the outbox and SMTP notifiers produce (`automation.outbox.build_email`).

`messages.send` is not safe to repeat: only a 429 (Google refused it, so nothing was sent) is
retried here; anything else becomes a `NotificationError` and the engine tries again next cycle.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from automation.adapters.google.auth import USER, GoogleIdentity
from automation.adapters.google.client import GMAIL_SEND_SCOPE, RetryPolicy, authorized_http, load_credentials
from automation.adapters.google.errors import (
    first_line,
    is_rate_limited,
    reason_of,
    retry_after_of,
    status_name_of,
    status_of,
)
from automation.adapters.notify.outbox import build_email, parse_sender
from automation.adapters.notify.smtp import NotificationError
from automation.domain.texts import google as google_text
from automation.domain.texts import log as log_text
from automation.domain.texts import notify as notify_text
from automation.ports import Message

log = logging.getLogger(__name__)

class GmailNotifier:
    def __init__(self, key_file_or_credentials: Path | str | Any, sender: str, api_base: str = "",
                 policy: RetryPolicy | None = None, *, identity: GoogleIdentity | None = None,
                 on_request: Callable[[str, str], None] | None = None) -> None:
        self.sender = sender
        self.address = parse_sender(sender).addr_spec  # fail at start-up, not at the first notification
        self.policy = policy or RetryPolicy()
        self.signed_in = False  # a person's own account (OAuth), not a service account acting for someone
        self.mailbox = self.address
        if identity is not None:
            credentials = identity.mail_credentials(self.address)
            self.account = identity.service_account or identity.email
            self.client_id = identity.client_id
            self.mailbox = identity.mailbox(self.address)
            self.signed_in = identity.kind == USER
        elif isinstance(key_file_or_credentials, (str, Path)):
            path = Path(key_file_or_credentials)
            credentials = load_credentials(path, (GMAIL_SEND_SCOPE,), subject=self.address)
            info = _key_info(path)
            self.account = info.get("client_email", "")
            self.client_id = info.get("client_id", "")
        else:
            credentials = key_file_or_credentials.with_subject(self.address)
            self.account = getattr(credentials, "service_account_email", "") or ""
            self.client_id = ""
        self.credentials = credentials
        options = {"api_endpoint": api_base.rstrip("/") + "/"} if api_base else None
        self.service = build("gmail", "v1", http=authorized_http(credentials, on_request), static_discovery=True,
                             cache_discovery=False, client_options=options)

    @classmethod
    def for_identity(cls, identity: GoogleIdentity, sender: str, api_base: str = "",
                     policy: RetryPolicy | None = None,
                     on_request: Callable[[str, str], None] | None = None) -> GmailNotifier:
        """Mail as the configured identity: the signed-in person, or the Workspace user delegated to."""
        return cls(None, sender, api_base, policy, identity=identity, on_request=on_request)

    def check_access(self) -> None:
        """Whether Google gives a token that may send (for `check`, which sends nothing): a NotificationError if not."""
        from google.auth.transport.requests import Request

        if self.signed_in and not set(getattr(self.credentials, "scopes", None) or ()) & {GMAIL_SEND_SCOPE}:
            raise NotificationError(google_text.gmail_scope_missing(self.account))
        try:
            self.credentials.refresh(Request())
        except RefreshError as exc:
            raise self._refresh_error(exc) from None
        except TransportError as exc:
            raise NotificationError(notify_text.gmail_unreachable(type(exc).__name__, exc)) from None

    def __repr__(self) -> str:
        return f"GmailNotifier(sender={self.address!r}, account={self.account!r})"

    def send(self, message: Message) -> None:
        email = build_email(message, self.sender)
        raw = base64.urlsafe_b64encode(email.as_bytes()).decode("ascii")
        for attempt in range(self.policy.attempts):
            request = self.service.users().messages().send(userId="me", body={"raw": raw})
            try:
                answer = request.execute(num_retries=0)
                break
            except HttpError as exc:
                if not is_rate_limited(status_of(exc), _reason(exc)) or attempt == self.policy.attempts - 1:
                    raise self._error(exc) from None
                log.warning(log_text.GMAIL_RETRY, exc.resp.status)
                self.policy.sleep(self.policy.delay(attempt, retry_after_of(exc)))
            except RefreshError as exc:
                raise self._refresh_error(exc) from None
            except (OSError, httplib2.HttpLib2Error, TransportError) as exc:
                raise NotificationError(notify_text.gmail_unreachable(type(exc).__name__, exc)) from None
        log.info(log_text.GMAIL_SENT, email["Message-ID"], self.mailbox,
                 answer.get("id", "?"))

    def _delegation_hint(self) -> str:
        return notify_text.delegation_hint(self.client_id, self.account, GMAIL_SEND_SCOPE, self.mailbox)

    def _error(self, exc: HttpError) -> NotificationError:
        status, reason, text = exc.resp.status, _reason(exc), exc.reason
        if self.signed_in and status == 403:
            return NotificationError(google_text.gmail_scope_missing(self.account))
        if status == 400 and reason.lower() in ("failedprecondition", "failed_precondition"):
            return NotificationError(notify_text.gmail_refused(self.address, text, self._delegation_hint()))
        if status in (401, 403):
            return NotificationError(notify_text.gmail_refused_status(self.address, status, text, self._delegation_hint()))
        return NotificationError(notify_text.gmail_failed(self.address, status, text))

    def _refresh_error(self, exc: RefreshError) -> NotificationError:
        text = str(exc)
        if self.signed_in:
            return NotificationError(google_text.user_token_refused(self.account,
                                                                    first_line(text, notify_text.NO_DETAIL)))
        if "unauthorized_client" in text or "access_denied" in text:
            return NotificationError(notify_text.gmail_not_delegated(self.account, self.mailbox,
                                                                     self._delegation_hint()))
        if "invalid_grant" in text and ("subject" in text.lower() or "user" in text.lower()):
            return NotificationError(notify_text.gmail_unknown_user(self.mailbox,
                                                                    first_line(text, notify_text.NO_DETAIL)))
        return NotificationError(notify_text.gmail_token_failed(first_line(text, notify_text.NO_DETAIL)))


def _key_info(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _reason(exc: HttpError) -> str:
    return reason_of(exc) or status_name_of(exc)
