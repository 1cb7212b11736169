"""Gmail v1 ``users.messages.send``: as a person signed in with OAuth, or as the Workspace user a service
account acts for through domain-wide delegation; a service account on its own has no mailbox (400
failedPrecondition). A person's token needs a send scope, or Google answers 403 insufficient scopes
(https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/send#authorization-scopes)."""

from __future__ import annotations

import base64
import email
import email.policy
import secrets
from typing import TYPE_CHECKING, Any

from .errors import gmail_error, gmail_failed_precondition, gmail_invalid_argument
from .httpmsg import Req, Resp

SEND_SCOPES = {"https://www.googleapis.com/auth/gmail.send", "https://www.googleapis.com/auth/gmail.compose",
               "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/"}

if TYPE_CHECKING:
    from .state import State


def _decode_raw(raw: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except Exception as exc:
        raise gmail_invalid_argument("Invalid value for ByteString: " + raw[:20]) from exc


def _body_text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def send(state: State, req: Req) -> Resp:
    identity = req.identity
    if identity is None or (identity.service_account is not None and identity.subject is None):
        raise gmail_failed_precondition()
    mailbox = identity.subject or identity.email
    if identity.service_account is None and not set(identity.scopes) & SEND_SCOPES:
        raise gmail_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                          "PERMISSION_DENIED")
    user_id = req.params["userId"]
    if user_id != "me" and user_id.lower() != mailbox.lower():
        raise gmail_error(403, "Delegation denied for " + mailbox, "forbidden", "PERMISSION_DENIED")
    body = req.json()
    if not body.get("raw"):
        raise gmail_invalid_argument("'raw' RFC822 payload message string or uploading message via /upload/* URL required")
    raw = _decode_raw(body["raw"])
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not message.get("To") and not message.get("Cc") and not message.get("Bcc"):
        raise gmail_invalid_argument("Invalid To header")
    message_id = secrets.token_hex(8)
    thread_id = body.get("threadId") or message_id
    record: dict[str, Any] = {
        "id": message_id, "threadId": thread_id, "sender": mailbox,
        "service_account": identity.service_account,
        "from": str(message.get("From") or mailbox), "to": str(message.get("To") or ""),
        "cc": str(message.get("Cc") or ""), "subject": str(message.get("Subject") or ""),
        "message_id": str(message.get("Message-ID") or ""), "body": _body_text(message),
        "raw": raw, "message": message,
    }
    state.sent_mail.append(record)
    return Resp.json({"id": message_id, "threadId": thread_id, "labelIds": ["SENT"]})
