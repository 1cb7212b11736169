"""Notifications sent through the Gmail API: as the person signed in with OAuth, or as a Google Workspace user
a service account acts for (domain-wide delegation).

A service account can only send as a Workspace user whom a Workspace admin let it act for: the admin
adds the account's client ID with the scope `https://www.googleapis.com/auth/gmail.send` under
Security > Access and data control > API controls > Domain-wide delegation. The e-mail itself is the
same one the outbox and SMTP notifiers produce (`automation.outbox.build_email`).

`messages.send` is not safe to repeat: only a 429 (Google refused it, so nothing was sent) is
retried here; anything else becomes a `NotificationError` and the engine tries again next cycle.

`send_all` sends a cycle's messages through Gmail's batch endpoint, up to `BATCH_SIZE` sends a request
(https://developers.google.com/gmail/api/guides/batch). Each part is answered on its own, so each message
succeeds or fails on its own, with the same rules as `send`: a part refused with 429 is sent again in the
next batch; a batch Google answered as a whole with 429 is sent again whole; any other failure (the
batch's answer lost included) is that message's `NotificationError`.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.http import BatchHttpRequest

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

# Gmail takes up to 100 calls in one batch, but "sending batches larger than 50 requests is not recommended"
# (larger ones are likely to be rate limited): https://developers.google.com/gmail/api/guides/batch
BATCH_SIZE = 50
# A batch is one HTTP request with one timeout; mails to reviewers carry pictures (up to a few MB each), so
# a batch also stops growing at this many bytes of messages (a bigger message goes in a batch of its own).
BATCH_BYTES = 8 * 1024 * 1024
DEFAULT_BATCH_URI = "https://gmail.googleapis.com/batch/gmail/v1"  # the guide's /batch/api_name/api_version


def batch_uri_for(api_base: str = "") -> str:
    """googleapiclient's batch does not follow `api_endpoint`: the batch URL is set separately."""
    return api_base.rstrip("/") + "/batch/gmail/v1" if api_base else DEFAULT_BATCH_URI


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
        self.batch_uri = batch_uri_for(api_base)
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
            request = self._send_request(raw)
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

    def send_all(self, messages: Sequence[Message]) -> list[Exception | None]:
        """Each message sent (None) or the `NotificationError` it ended with, in order; one message alone
        goes as `send` does, more in batch requests of up to `BATCH_SIZE`."""
        if len(messages) == 1:
            try:
                self.send(messages[0])
                return [None]
            except NotificationError as exc:
                return [exc]
        emails = [build_email(message, self.sender) for message in messages]
        raws = [base64.urlsafe_b64encode(email.as_bytes()).decode("ascii") for email in emails]
        outcomes: list[Exception | None] = [None] * len(messages)
        pending = list(range(len(messages)))
        for attempt in range(self.policy.attempts):
            refused: list[int] = []  # answered 429: nothing sent, so sent again
            retry_after: str | None = None  # the longest a refusal asked for
            for chunk in _batches(pending, [len(raw) for raw in raws]):
                answers = self._send_batch([raws[i] for i in chunk])
                for index, (answer, error) in zip(chunk, answers, strict=True):
                    if isinstance(error, HttpError) and is_rate_limited(status_of(error), _reason(error)) \
                            and attempt < self.policy.attempts - 1:
                        refused.append(index)
                        asked = retry_after_of(error)
                        if asked and asked.isdigit() and (retry_after is None or int(asked) > int(retry_after)):
                            retry_after = asked
                        continue
                    outcomes[index] = self._failure(error) if error is not None else None
                    if error is None:
                        log.info(log_text.GMAIL_SENT, emails[index]["Message-ID"], self.mailbox,
                                 (answer or {}).get("id", "?"))
            if not refused:
                break
            log.warning(log_text.GMAIL_BATCH_RETRY, len(refused))
            self.policy.sleep(self.policy.delay(attempt, retry_after))
            pending = refused
        return outcomes

    def _send_request(self, raw: str) -> Any:
        return self.service.users().messages().send(userId="me", body={"raw": raw})

    def _send_batch(self, raws: list[str]) -> list[tuple[Any, Exception | None]]:
        """One batch request: each send's answer or error, in order. A batch answered as a whole with an
        error, or not answered, gives every send that error."""
        answers: dict[str, tuple[Any, Exception | None]] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            answers[request_id] = (response, exception)

        batch = BatchHttpRequest(callback=collect, batch_uri=self.batch_uri)
        for index, raw in enumerate(raws):
            batch.add(self._send_request(raw), request_id=str(index))
        whole: Exception | None = None
        try:
            batch.execute()
        except BatchError as exc:  # an answer that is not a batch: whether anything was sent is unknown
            whole = NotificationError(notify_text.gmail_unreachable(type(exc).__name__, exc))
        except HttpError as exc:  # the batch itself refused (a 429 here: nothing was sent)
            whole = exc
        except RefreshError as exc:
            whole = self._refresh_error(exc)
        except (OSError, httplib2.HttpLib2Error, TransportError) as exc:
            whole = NotificationError(notify_text.gmail_unreachable(type(exc).__name__, exc))
        except KeyError as exc:  # googleapiclient found no answer for a part: the answer is incomplete
            whole = NotificationError(notify_text.gmail_unreachable(type(exc).__name__, google_text.NO_BATCH_ANSWER))
        if whole is not None:
            return [(None, whole)] * len(raws)
        missing = NotificationError(notify_text.gmail_unreachable("batch", google_text.NO_BATCH_ANSWER))
        return [answers.get(str(index), (None, missing)) for index in range(len(raws))]

    def _failure(self, error: Exception) -> Exception:
        return self._error(error) if isinstance(error, HttpError) else error

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


def _batches(indexes: list[int], sizes: list[int]) -> list[list[int]]:
    """The messages `indexes` in order, cut into batches of at most BATCH_SIZE and about BATCH_BYTES."""
    batches: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index in indexes:
        if current and (len(current) == BATCH_SIZE or total + sizes[index] > BATCH_BYTES):
            batches.append(current)
            current, total = [], 0
        current.append(index)
        total += sizes[index]
    if current:
        batches.append(current)
    return batches


def _key_info(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _reason(exc: HttpError) -> str:
    return reason_of(exc) or status_name_of(exc)
