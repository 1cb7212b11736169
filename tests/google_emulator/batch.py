"""Batch endpoints (multipart/mixed of application/http parts): Drive (``POST /batch/drive/v3``) and Gmail
(``POST /batch/gmail/v1``). Gmail's is as https://developers.google.com/gmail/api/guides/batch describes it:
at most 100 calls, all to the Gmail API; each part is answered on its own (a failed part does not stop the
others), the answer's parts in the order of the calls, each with ``Content-ID: <response-ID>``."""

from __future__ import annotations

import email.parser
import email.policy
import secrets
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus

from .errors import drive_error, gmail_error
from .httpmsg import Req, Resp

MAX_PARTS = 100  # both APIs: "You're limited to 100 calls in a single batch request"
# the path prefix the inner calls must have, per batch route kind ("All the inner requests must go to the same
# Google API"; Drive's batch takes no uploads)
INNER_PATHS = {"drive.batch": "/drive/v3/", "gmail.batch": "/gmail/v1/"}


def _parse_inner(payload: bytes) -> tuple[str, str, dict[str, str], bytes]:
    text = payload.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    method, target, *_ = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return method.upper(), target, headers, body


def _refused(kind: str, message: str, reason: str) -> Resp:
    err = (gmail_error(400, message, reason, "INVALID_ARGUMENT") if kind == "gmail.batch"
           else drive_error(400, message, reason))
    return Resp.json(err.body, 400)


def handle(outer: Req, dispatch: Callable[[Req], Resp]) -> Resp:
    inner_path = INNER_PATHS[outer.kind]
    content_type = outer.headers.get("content-type", "")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + outer.body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not message.is_multipart():
        return _refused(outer.kind, "Batch request must be multipart/mixed.", "invalid")
    parts = list(message.iter_parts())
    if len(parts) > MAX_PARTS:
        return _refused(outer.kind, f"Too many requests in batch: {len(parts)} (limit {MAX_PARTS}).",
                        "batchSizeTooLarge")
    boundary = "batch_" + secrets.token_hex(8)
    chunks: list[bytes] = []
    for part in parts:
        payload = part.get_payload(decode=True) or b""
        method, target, headers, body = _parse_inner(payload)
        parsed = urllib.parse.urlsplit(target)
        if "authorization" not in headers and "authorization" in outer.headers:
            headers["authorization"] = outer.headers["authorization"]
        headers.setdefault("host", outer.headers.get("host", ""))
        inner = Req(method, parsed.path, urllib.parse.parse_qs(parsed.query, keep_blank_values=True), headers,
                    body.rstrip(b"\n") if body.strip() else b"", in_batch=True)
        if not parsed.path.startswith(inner_path):
            resp = _refused(outer.kind, f"Only {inner_path} calls (no uploads) may be batched here.", "invalid")
        else:
            resp = dispatch(inner)
        content_id = part.get("Content-ID", "")
        if content_id.startswith("<") and content_id.endswith(">"):
            content_id = content_id[1:-1]
        reason = HTTPStatus(resp.status).phrase if resp.status in HTTPStatus._value2member_map_ else ""
        inner_head = [f"HTTP/1.1 {resp.status} {reason}"]
        inner_head += [f"{k}: {v}" for k, v in resp.headers.items()]
        inner_bytes = ("\r\n".join(inner_head) + "\r\n\r\n").encode() + resp.body
        chunk = (f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-{content_id}>\r\n\r\n"
                 ).encode() + inner_bytes + b"\r\n"
        chunks.append(chunk)
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return Resp(200, body, {"Content-Type": f"multipart/mixed; boundary={boundary}"})
