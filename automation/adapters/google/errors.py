"""Google API errors in one place: what an error says, whether to try again, and what a person reads.

Works on the three shapes Google's answers reach us in: googleapiclient's `HttpError` (Drive,
Gmail), gspread's `APIError` (Sheets) and a plain `requests.Response` (our own session). Google's
error body is `{"error": {"code", "message", "status", "errors": [{"reason"}], "details": [...]}}`.
"""

from __future__ import annotations

import json
from typing import Any

from automation.domain.texts import google as google_text

# Google's advice: retry 429 and these 5xx with exponential backoff; a 403 with one of these reasons is
# a rate limit too (Drive answers so), so nothing happened and trying again is safe.
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def status_of(answer: Any) -> int:
    """The HTTP status of an HttpError, an APIError or a Response; 0 when there is none."""
    for value in (getattr(getattr(answer, "resp", None), "status", None),
                  getattr(getattr(answer, "response", None), "status_code", None),
                  getattr(answer, "status_code", None)):
        try:
            if value is not None:
                return int(value)
        except (TypeError, ValueError):
            continue
    return 0


def error_body(answer: Any) -> dict[str, Any]:
    """The `error` object of Google's JSON answer, or {} when the body is not that."""
    content = getattr(answer, "content", None)
    if content is None:
        content = getattr(getattr(answer, "response", None), "content", None)
    if not isinstance(content, bytes | str):
        return {}
    try:
        error = json.loads(content).get("error")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return {}
    return error if isinstance(error, dict) else {}


def reason_of(answer: Any) -> str:
    """The first machine reason ("rateLimitExceeded", "insufficientFilePermissions", ...), or ""."""
    error = error_body(answer)
    errors = error.get("errors") or []
    if errors and isinstance(errors[0], dict) and errors[0].get("reason"):
        return str(errors[0]["reason"])
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("reason"):
            return str(detail["reason"])
    return ""


def status_name_of(answer: Any) -> str:
    """The canonical status name ("FAILED_PRECONDITION", "PERMISSION_DENIED", ...), or ""."""
    return str(error_body(answer).get("status") or "")


def retry_after_of(answer: Any) -> str | None:
    """The Retry-After header of an HttpError or a Response, if any (RetryPolicy.delay reads it)."""
    resp = getattr(answer, "resp", None)
    if resp is not None and hasattr(resp, "get"):
        return resp.get("retry-after")
    headers = getattr(answer, "headers", None)
    return headers.get("Retry-After") if headers is not None else None


def is_rate_limited(status: int, reason: str = "") -> bool:
    """Google refused the request for now: nothing happened."""
    return status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS)


def is_retryable(status: int, reason: str = "", *, safe: bool = True) -> bool:
    """Whether to send again: a rate limit always; a server error only when sending twice is harmless."""
    return is_rate_limited(status, reason) or (safe and status in RETRYABLE_STATUSES)


def first_line(text: str, empty: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else empty


# --- what a person reads (Indonesian) ----------------------------------------------------------------


def access_problem(status: int, what: str, key: str, account: str, detail: object = "") -> str:
    """A spreadsheet (or other file) the service account cannot reach, as one sentence."""
    if status == 403:
        return google_text.file_not_shared(what, key, account or "sop-konten")
    if status == 404:
        return google_text.file_not_found(what, key)
    return google_text.file_answered(status, what, key, detail)


def drive_folder_problem(status: int, reason: str, about: str, account: str, shared_drive_id: str) -> str | None:
    """A Drive folder the service account cannot reach (403/404 other than a rate limit), as one
    sentence; None for any other answer."""
    if status not in (403, 404) or reason in RATE_LIMIT_REASONS:
        return None
    account = account or google_text.SERVICE_ACCOUNT
    if shared_drive_id:
        return google_text.shared_drive_no_access(about, shared_drive_id, account)
    if status == 403 and reason == "insufficientFilePermissions":
        return google_text.folder_read_only(account, about)
    if status == 404:
        return google_text.folder_not_found(about, account)
    return google_text.folder_not_shared(about, account)
