"""Google error helpers (automation.adapters.google.errors) on the three shapes answers come in."""

from __future__ import annotations

import json

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError
from gspread.exceptions import APIError

from automation.adapters.google.errors import (
    access_problem,
    drive_folder_problem,
    is_rate_limited,
    is_retryable,
    reason_of,
    retry_after_of,
    status_name_of,
    status_of,
)


def body(status: int, reason: str = "", name: str = "", details: bool = False) -> bytes:
    error: dict = {"code": status, "message": "m", "status": name}
    if reason and details:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    elif reason:
        error["errors"] = [{"reason": reason, "domain": "usageLimits", "message": "m"}]
    return json.dumps({"error": error}).encode()


def http_error(status: int, content: bytes, **headers: str) -> HttpError:
    return HttpError(httplib2.Response({"status": status, **headers}), content)


def response(status: int, content: bytes, **headers: str) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = content
    answer.headers.update(headers)
    return answer


def test_the_three_shapes_give_status_and_reason():
    content = body(403, "rateLimitExceeded", "PERMISSION_DENIED")
    for answer in (http_error(403, content), APIError(response(403, content)), response(403, content)):
        assert status_of(answer) == 403
        assert reason_of(answer) == "rateLimitExceeded"
        assert status_name_of(answer) == "PERMISSION_DENIED"


def test_reason_from_details_and_bodies_that_are_not_json():
    assert reason_of(http_error(403, body(403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", details=True))) == (
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    assert reason_of(http_error(502, b"<html>Bad Gateway</html>")) == ""
    assert status_name_of(response(500, b"")) == ""
    assert status_of(ValueError("no answer")) == 0


def test_retry_after_from_a_header():
    assert retry_after_of(http_error(429, b"", **{"retry-after": "7"})) == "7"
    assert retry_after_of(response(429, b"", **{"Retry-After": "3"})) == "3"
    assert retry_after_of(response(429, b"")) is None


@pytest.mark.parametrize(
    ("status", "reason", "safe", "expected"),
    [
        (429, "", False, True),  # refused: nothing happened, so even an append is sent again
        (403, "userRateLimitExceeded", False, True),
        (403, "insufficientFilePermissions", True, False),
        (503, "", True, True),
        (503, "", False, False),  # it may have happened: not repeated blindly
        (501, "", True, False),
        (404, "", True, False),
    ],
)
def test_retry_classification(status, reason, safe, expected):
    assert is_retryable(status, reason, safe=safe) is expected
    assert is_rate_limited(status, reason) is (status == 429 or reason.endswith("RateLimitExceeded"))


def test_access_sentences():
    assert access_problem(403, "Spreadsheet", "abc", "sa@x.iam") == (
        "Spreadsheet abc belum dibagikan ke akun layanan sa@x.iam; bagikan sebagai Editor lalu jalankan lagi.")
    assert access_problem(404, "Spreadsheet", "abc", "") == (
        "Spreadsheet abc tidak ditemukan; periksa ID atau URL di sop-konten.toml.")
    assert access_problem(500, "Spreadsheet", "abc", "", "boom") == "Google menjawab 500 untuk Spreadsheet abc: boom"
    assert drive_folder_problem(403, "rateLimitExceeded", "f1", "sa", "") is None
    assert drive_folder_problem(500, "", "f1", "sa", "") is None
    assert "hanya boleh melihat" in drive_folder_problem(403, "insufficientFilePermissions", "f1", "sa", "")
    assert "shared drive d1" in drive_folder_problem(404, "", "f1", "sa", "d1")
