"""Drive batch endpoint (``POST /batch/drive/v3``, multipart/mixed of application/http parts)."""

from __future__ import annotations

import email.parser
import email.policy
import secrets
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus

from .errors import drive_error
from .httpmsg import Req, Resp

MAX_PARTS = 100


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


def handle(outer: Req, dispatch: Callable[[Req], Resp]) -> Resp:
    content_type = outer.headers.get("content-type", "")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + outer.body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not message.is_multipart():
        err = drive_error(400, "Batch request must be multipart/mixed.", "invalid")
        return Resp.json(err.body, 400)
    parts = list(message.iter_parts())
    if len(parts) > MAX_PARTS:
        err = drive_error(400, f"Too many requests in batch: {len(parts)} (limit {MAX_PARTS}).", "batchSizeTooLarge")
        return Resp.json(err.body, 400)
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
        if not parsed.path.startswith("/drive/v3/"):
            err = drive_error(400, "Only Drive v3 calls (no uploads) may be batched here.", "invalid")
            resp = Resp.json(err.body, 400)
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
