"""Error bodies exactly as Google sends them, and the exception that carries them.

Sheets (and other "One Platform" APIs) answer ``{"error": {code, message, status[, details]}}``.
Drive v3 answers the older shape ``{"error": {code, message, errors: [{message, domain, reason,
...}]}}`` (https://developers.google.com/drive/api/guides/handle-errors); Gmail v1 both the ``errors`` list
and the ``status`` (https://developers.google.com/gmail/api/guides/handle-errors). They come from the
recorded cassettes or from those published error references.
"""

from __future__ import annotations

from typing import Any

# A write into a protected range by someone not among its editors: HTTP 400 INVALID_ARGUMENT with this
# message (not 403), as clients quote it (e.g. https://github.com/theoephraim/node-google-spreadsheet/pull/20);
# who may edit: https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/sheets#ProtectedRange.
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. "
    "Please contact the spreadsheet owner to remove protection if you need to edit."
)


class ApiError(Exception):
    """An HTTP error answer. Raised by handlers and by the person helpers alike."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        self.status = status
        self.body = body
        self.headers = headers or {}
        super().__init__(f"{status}: {self.message}")

    @property
    def message(self) -> str:
        return str(self.body.get("error", {}).get("message", ""))


def google_error(code: int, message: str, status: str, details: list | None = None) -> ApiError:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return ApiError(code, {"error": error})


def drive_error(code: int, message: str, reason: str, *, domain: str = "global",
                location: str | None = None, location_type: str = "parameter") -> ApiError:
    item: dict[str, Any] = {"message": message, "domain": domain, "reason": reason}
    if location is not None:
        item["location"] = location
        item["locationType"] = location_type
    return ApiError(code, {"error": {"code": code, "message": message, "errors": [item]}})


# --- Sheets -------------------------------------------------------------------------------------

def not_found() -> ApiError:
    return google_error(404, "Requested entity was not found.", "NOT_FOUND")


def permission_denied() -> ApiError:
    return google_error(403, "The caller does not have permission", "PERMISSION_DENIED")


def invalid_argument(message: str) -> ApiError:
    return google_error(400, message, "INVALID_ARGUMENT")


def invalid_request(index: int, kind: str, message: str) -> ApiError:
    return invalid_argument(f"Invalid requests[{index}].{kind}: {message}")


def not_a_spreadsheet() -> ApiError:
    return google_error(400, "This operation is not supported for this document", "FAILED_PRECONDITION")


def protected_cell() -> ApiError:
    return invalid_argument(PROTECTED_MESSAGE)


def bad_list_value(field: str, value: Any) -> ApiError:
    import json

    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    message = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {shown}"
    return google_error(400, message, "INVALID_ARGUMENT", [{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": message}],
    }])


def unable_to_parse_range(text: str) -> ApiError:
    return invalid_argument(f"Unable to parse range: {text}")


# --- Authentication -----------------------------------------------------------------------------

def unauthenticated(service: str, missing: bool) -> ApiError:
    if missing:
        message = ("Request is missing required authentication credential. Expected OAuth 2 access "
                   "token, login cookie or other valid authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/devconsole-project.")
        reason = "CREDENTIALS_MISSING"
    else:
        message = ("Request had invalid authentication credentials. Expected OAuth 2 access token, "
                   "login cookie or other valid authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/devconsole-project.")
        reason = "ACCESS_TOKEN_EXPIRED"
    err = google_error(401, message, "UNAUTHENTICATED", [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": service},
    }])
    if service in ("drive.googleapis.com", "gmail.googleapis.com"):  # both keep their legacy errors[] list
        err.body["error"]["errors"] = [{
            "message": "Login Required." if missing else "Invalid Credentials", "domain": "global",
            "reason": "required" if missing else "authError", "location": "Authorization",
            "locationType": "header"}]
    err.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
    return err


# --- Faults -------------------------------------------------------------------------------------

def rate_limited(service: str, write: bool, project_number: str = "424242424242") -> ApiError:
    """The 429 Google sends when a per-minute quota is used up (shape of recent real answers)."""
    if service == "drive.googleapis.com":
        return drive_error(429, "Rate Limit Exceeded", "rateLimitExceeded", domain="usageLimits")
    kind = "Write" if write else "Read"
    limit = f"{kind}RequestsPerMinutePerUser"
    message = (f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
               f"minute per user' of service '{service}' for consumer 'project_number:{project_number}'.")
    return google_error(429, message, "RESOURCE_EXHAUSTED", [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_location": "global",
                "quota_metric": f"{service.split('.')[0]}.googleapis.com/{kind.lower()}_requests",
                "quota_limit": limit,
                "quota_limit_value": "60",
                "quota_unit": "1/min/{project}/{user}",
                "service": service,
                "consumer": f"projects/{project_number}",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Request a higher quota limit.",
                       "url": "https://cloud.google.com/docs/quotas/help/request_increase"}],
        },
    ])


def internal_error() -> ApiError:
    return google_error(500, "Internal error encountered.", "INTERNAL")


def unavailable() -> ApiError:
    return google_error(503, "The service is currently unavailable.", "UNAVAILABLE")


def fault_error(status: int, service: str, write: bool) -> ApiError:
    """An injected failure in the shape of the API that failed: Drive (and Gmail) keep the legacy
    ``errors[]`` list, Sheets answers the One Platform ``status`` form."""
    if service == "drive.googleapis.com" and status != 429:
        return drive_fault(status)
    if service == "gmail.googleapis.com":
        return gmail_fault(status)
    if status == 429:
        return rate_limited(service, write)
    if status == 500:
        return internal_error()
    if status == 503:
        return unavailable()
    if status == 403:
        return permission_denied()
    if status == 404:
        return not_found()
    return google_error(status, "Injected fault.", "UNKNOWN")


# --- Drive --------------------------------------------------------------------------------------

def drive_file_not_found(file_id: str) -> ApiError:
    return drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")


def drive_insufficient_permissions() -> ApiError:
    return drive_error(403, "The user does not have sufficient permissions for this file.",
                       "insufficientFilePermissions")


def drive_invalid(location: str, message: str = "Invalid Value") -> ApiError:
    return drive_error(400, message, "invalid", location=location)


def drive_required(location: str) -> ApiError:
    return drive_error(400, f"Required parameter: {location}", "required", location=location)


# The bodies of https://developers.google.com/drive/api/guides/handle-errors ("Resolve a 5xx error":
# backendError, "Backend Error"; 403 insufficientFilePermissions; 404 notFound).
_DRIVE_FAULTS = {
    403: ("The user does not have sufficient permissions for this file.", "insufficientFilePermissions"),
    404: ("File not found: .", "notFound"),
}


def drive_fault(status: int) -> ApiError:
    if status >= 500:
        return drive_error(status, "Backend Error", "backendError")
    message, reason = _DRIVE_FAULTS.get(status, ("Injected fault.", "badRequest"))
    return drive_error(status, message, reason)


# --- Gmail --------------------------------------------------------------------------------------
# Gmail answers the legacy errors[] list together with the One Platform status (the recorded 400 below);
# the reasons and messages of the others are those of https://developers.google.com/gmail/api/guides/handle-errors.

_GMAIL_FAULTS = {
    400: ("Bad Request", "badRequest", "INVALID_ARGUMENT"),
    403: ("The domain administrators have disabled Gmail apps.", "domainPolicy", "PERMISSION_DENIED"),
    404: ("Requested entity was not found.", "notFound", "NOT_FOUND"),
    429: ("Too many concurrent requests for user", "rateLimitExceeded", "RESOURCE_EXHAUSTED"),
    500: ("Backend Error", "backendError", "INTERNAL"),
    503: ("Backend Error", "backendError", "UNAVAILABLE"),
}


def gmail_error(status: int, message: str, reason: str, grpc_status: str, domain: str = "global") -> ApiError:
    err = google_error(status, message, grpc_status)
    err.body["error"]["errors"] = [{"message": message, "domain": domain, "reason": reason}]
    return err


def gmail_fault(status: int) -> ApiError:
    message, reason, grpc_status = _GMAIL_FAULTS.get(status, ("Injected fault.", "badRequest", "UNKNOWN"))
    return gmail_error(status, message, reason, grpc_status, "usageLimits" if status == 429 else "global")


def gmail_failed_precondition() -> ApiError:
    return gmail_error(400, "Precondition check failed.", "failedPrecondition", "FAILED_PRECONDITION")


def gmail_invalid_argument(message: str) -> ApiError:
    return gmail_error(400, message, "invalidArgument", "INVALID_ARGUMENT")
