"""A local TikTok Content Posting API (inbox upload, direct post, chunked upload, status).

- POST /v2/post/publish/inbox/video/init/ {source_info} and /v2/post/publish/video/init/ {post_info,
  source_info}: FILE_UPLOAD (video_size, chunk_size, total_chunk_count checked with TikTok's chunk
  rules; `min_chunk` can be lowered for tests) or PULL_FROM_URL (the fake FETCHES video_url) ->
  {data: {publish_id, upload_url}, error: {code: "ok", message: "", log_id}}.
- PUT upload_url with Content-Range: chunks in order; 206 until the last, then 201.
- POST /v2/post/publish/status/fetch/ {publish_id}: PROCESSING_UPLOAD (uploaded_bytes),
  PROCESSING_DOWNLOAD, then SEND_TO_USER_INBOX (inbox: one item in `inbox`) or PUBLISH_COMPLETE
  (direct: one post in `posts`, with publicaly_available_post_id), or FAILED (fail_reason).
- POST /v2/post/publish/creator_info/query/, POST /v2/oauth/token/.
Errors: {"error": {"code", "message", "log_id"}}, e.g. access_token_invalid (401).
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from typing import Any

from .server import FakeServer, Request, Response, fetch, looks_like

MB = 1024 * 1024


def tiktok_answer(data: Any = None, status: int = 200, code: str = "ok", message: str = "") -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "log_id": secrets.token_hex(16).upper()}}
    if data is not None:
        body["data"] = data
    return Response.json(body, status)


def token_invalid() -> Response:
    return tiktok_answer(status=401, code="access_token_invalid",
                         message="The access token is invalid or not found in the request.")


class TikTokFake(FakeServer):
    def __init__(self, tokens: set[str] | None = None, min_chunk: int = 5 * MB, max_chunk: int = 64 * MB,
                 processing_seconds: float = 0.05,
                 privacy_options: tuple[str, ...] = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"),
                 username: str = "pemkotjogja") -> None:
        super().__init__()
        self.tokens = set(tokens or {"tt-token"})
        self.min_chunk = min_chunk
        self.max_chunk = max_chunk
        self.processing_seconds = processing_seconds
        self.privacy_options = privacy_options
        self.username = username
        self.publishes: dict[str, dict[str, Any]] = {}
        self.inbox: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.fail_next = ""  # a fail_reason for the next publish
        self.clients: dict[str, str] = {"tt-client-key": "tt-client-secret"}
        self.refresh_tokens: set[str] = set()
        self.ids = itertools.count(7300000000000000001)
        self.route("POST", r"/v2/post/publish/inbox/video/init/", self._init_inbox)
        self.route("POST", r"/v2/post/publish/video/init/", self._init_direct)
        self.route("PUT", r"/upload/", self._put)
        self.route("POST", r"/v2/post/publish/status/fetch/", self._status)
        self.route("POST", r"/v2/post/publish/creator_info/query/", self._creator)
        self.route("POST", r"/v2/oauth/token/", self._token)

    def live_posts(self) -> list[dict[str, Any]]:
        """Inbox items and direct posts: each is one result of a publish."""
        return self.inbox + self.posts

    def _auth_error(self, request: Request) -> Response | None:
        if request.bearer() not in self.tokens:
            return token_invalid()
        if not request.content_type == "application/json":
            return tiktok_answer(status=400, code="invalid_params", message="Content-Type must be application/json")
        return None

    # -- init
    def _init_inbox(self, request: Request) -> Response:
        return self._init(request, "inbox")

    def _init_direct(self, request: Request) -> Response:
        return self._init(request, "direct")

    def _init(self, request: Request, mode: str) -> Response:
        refused = self._auth_error(request)
        if refused:
            return refused
        body = request.json() or {}
        source = body.get("source_info") or {}
        post_info = body.get("post_info") or {}
        if mode == "direct":
            if post_info.get("privacy_level") not in self.privacy_options:
                return tiktok_answer(status=400, code="privacy_level_option_mismatch",
                                     message="privacy_level is not among the creator's options")
        elif post_info:
            return tiktok_answer(status=400, code="invalid_params", message="post_info is not accepted for inbox")
        pending = [p for p in self.publishes.values() if p["mode"] == "inbox" and p["status"] != "SEND_TO_USER_INBOX"]
        if mode == "inbox" and len(pending) >= 5:
            return tiktok_answer(status=403, code="spam_risk_too_many_pending_share",
                                 message="Too many pending shares")
        publish_id = f"v_{'inbox' if mode == 'inbox' else 'pub'}_file~v2.{next(self.ids)}"
        record: dict[str, Any] = {"id": publish_id, "mode": mode, "status": "PROCESSING_UPLOAD", "data": bytearray(),
                                  "title": post_info.get("title", ""), "privacy": post_info.get("privacy_level"),
                                  "done_at": None, "fail": ""}
        answer: dict[str, Any] = {"publish_id": publish_id}
        if source.get("source") == "FILE_UPLOAD":
            problem = self._chunk_problem(source)
            if problem:
                return tiktok_answer(status=400, code="invalid_params", message=problem)
            record.update(size=int(source["video_size"]), chunk=int(source["chunk_size"]),
                          count=int(source["total_chunk_count"]))
            record["token"] = secrets.token_urlsafe(12)
            answer["upload_url"] = f"{self.url}/upload/?upload_id={publish_id}&upload_token={record['token']}"
        elif source.get("source") == "PULL_FROM_URL":
            if not source.get("video_url"):
                return tiktok_answer(status=400, code="invalid_params", message="video_url is required")
            record["status"] = "PROCESSING_DOWNLOAD"
            threading.Thread(target=self._pull, args=(record, source["video_url"]), daemon=True).start()
        else:
            return tiktok_answer(status=400, code="invalid_params", message="source must be FILE_UPLOAD or PULL_FROM_URL")
        self.publishes[publish_id] = record
        return tiktok_answer(answer)

    def _chunk_problem(self, source: dict[str, Any]) -> str:
        try:
            size, chunk, count = int(source["video_size"]), int(source["chunk_size"]), int(source["total_chunk_count"])
        except (KeyError, TypeError, ValueError):
            return "video_size, chunk_size and total_chunk_count are required for FILE_UPLOAD"
        if size < self.min_chunk:
            return "" if chunk == size and count == 1 else "a video under 5 MB is uploaded whole"
        if not self.min_chunk <= chunk <= self.max_chunk:
            return f"chunk_size must be between {self.min_chunk} and {self.max_chunk}"
        if count != size // chunk or not 1 <= count <= 1000:
            return "total_chunk_count must be video_size / chunk_size rounded down"
        return ""

    def _pull(self, record: dict[str, Any], url: str) -> None:
        status, data, _ = fetch(url)
        with self.lock:
            if status == 200 and looks_like(data, "video"):
                record["data"] = bytearray(data)
                record["size"] = len(data)
                self._uploaded(record)
            else:
                record["status"], record["fail"] = "FAILED", "video_pull_failed"

    # -- upload
    def _put(self, request: Request) -> Response:
        record = self.publishes.get(request.param("upload_id") or "")
        if record is None or request.param("upload_token") != record.get("token"):
            return tiktok_answer(status=404, code="invalid_params", message="upload_url not found or expired")
        import re

        found = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", request.headers.get("content-range", ""))
        if not found or int(found[3]) != record["size"]:
            return tiktok_answer(status=400, code="invalid_params", message="bad Content-Range")
        first, last = int(found[1]), int(found[2])
        if last - first + 1 != len(request.body):
            return tiktok_answer(status=400, code="invalid_params", message="Content-Range does not match the body")
        index = first // record["chunk"]
        expected_first = index * record["chunk"]
        expected_last = record["size"] - 1 if index == record["count"] - 1 else expected_first + record["chunk"] - 1
        if (first, last) != (expected_first, expected_last) or index >= record["count"]:
            return tiktok_answer(status=400, code="invalid_params", message="chunk boundaries do not match init")
        received = len(record["data"])
        if first > received:
            return tiktok_answer(status=400, code="invalid_params", message="chunks must be uploaded in order")
        record["data"] = record["data"][:first] + bytearray(request.body)  # a resent chunk replaces itself
        if len(record["data"]) == record["size"]:
            if record["status"] == "PROCESSING_UPLOAD":
                self._uploaded(record)
            return Response(201, b"", {"Content-Type": "text/plain"})
        return Response(206, b"", {"Content-Type": "text/plain"})

    def _uploaded(self, record: dict[str, Any]) -> None:
        record["status"] = "PROCESSING_DOWNLOAD"
        record["done_at"] = time.time() + self.processing_seconds
        if self.fail_next:
            record["fail"], self.fail_next = self.fail_next, ""
        elif not looks_like(bytes(record["data"]), "video"):
            record["fail"] = "file_format_check_failed"

    def _advance(self, record: dict[str, Any]) -> None:
        if record["status"] != "PROCESSING_DOWNLOAD" or record["done_at"] is None or time.time() < record["done_at"]:
            return
        if record["fail"]:
            record["status"] = "FAILED"
        elif record["mode"] == "inbox":
            record["status"] = "SEND_TO_USER_INBOX"
            self.inbox.append({"publish_id": record["id"], "size": record["size"]})
        else:
            record["status"] = "PUBLISH_COMPLETE"
            record["post_id"] = str(next(self.ids))
            self.posts.append({"publish_id": record["id"], "id": record["post_id"], "title": record["title"],
                               "privacy": record["privacy"]})

    # -- reads
    def _status(self, request: Request) -> Response:
        refused = self._auth_error(request)
        if refused:
            return refused
        record = self.publishes.get((request.json() or {}).get("publish_id", ""))
        if record is None:
            return tiktok_answer(status=400, code="invalid_publish_id", message="publish_id does not exist")
        self._advance(record)
        data: dict[str, Any] = {"status": record["status"], "uploaded_bytes": len(record["data"])}
        if record["status"] == "FAILED":
            data["fail_reason"] = record["fail"]
        if record["status"] == "PUBLISH_COMPLETE":
            data["publicaly_available_post_id"] = [int(record["post_id"])] if record["privacy"] != "SELF_ONLY" else []
        return tiktok_answer(data)

    def _creator(self, request: Request) -> Response:
        refused = self._auth_error(request)
        if refused:
            return refused
        return tiktok_answer({"creator_avatar_url": "https://p16.tiktokcdn.com/a.jpeg", "creator_username":
                              self.username, "creator_nickname": "Pemkot Yogyakarta",
                              "privacy_level_options": list(self.privacy_options), "comment_disabled": False,
                              "duet_disabled": False, "stitch_disabled": False, "max_video_post_duration_sec": 600})

    def _token(self, request: Request) -> Response:
        key, secret = request.param("client_key") or "", request.param("client_secret") or ""
        if self.clients.get(key) != secret:
            return Response.json({"error": "invalid_client", "error_description": "Client key or secret is invalid",
                                  "log_id": secrets.token_hex(8)}, 401)
        if request.param("grant_type") != "refresh_token" or request.param("refresh_token") not in self.refresh_tokens:
            return Response.json({"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.",
                                  "log_id": secrets.token_hex(8)}, 400)
        access, refresh = "act." + secrets.token_urlsafe(16), "rft." + secrets.token_urlsafe(16)
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        return Response.json({"access_token": access, "expires_in": 86400, "open_id": "_000abc",
                              "refresh_expires_in": 31536000, "refresh_token": refresh,
                              "scope": "user.info.basic,video.upload,video.publish", "token_type": "Bearer"})
