"""A local TikTok Content Posting API (inbox upload, direct post, chunked upload, status).

Each behaviour follows a documentation page:
[D] https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
[U] https://developers.tiktok.com/doc/content-posting-api-reference-upload-video
[M] https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
[S] https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
[C] https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info
[E] https://developers.tiktok.com/doc/tiktok-api-v2-error-handling

- POST /v2/post/publish/inbox/video/init/ {source_info} [U] and /v2/post/publish/video/init/ {post_info,
  source_info} [D]: FILE_UPLOAD (video_size, chunk_size, total_chunk_count checked against the chunk rules
  [M]) or PULL_FROM_URL (the fake FETCHES video_url while answering) -> {data: {publish_id, upload_url},
  error: {code: "ok", message: "", log_id}}.
- PUT upload_url with Content-Range [M]: chunks in order; 206 until the last, then 201; 400 malformed,
  403 expired (`expire_upload`), 404 unknown upload, 416 a range that is not the upload's progress.
- POST /v2/post/publish/status/fetch/ {publish_id} [S]: PROCESSING_UPLOAD (FILE_UPLOAD, with
  uploaded_bytes) or PROCESSING_DOWNLOAD (PULL_FROM_URL), then, `processing_reads` status reads after the
  last byte arrived, SEND_TO_USER_INBOX (inbox: one item in `inbox`), PUBLISH_COMPLETE (direct: one post in
  `posts`) or FAILED (fail_reason). No wall clock: the post goes live when processing ends.
- `publicaly_available_post_id` only for PUBLIC_TO_EVERYONE posts "approved by the TikTok moderation
  process" [S]: `visibility` "immediate" (moderation done at once), "late" (hidden until `reveal()`),
  "never" (moderation never ends).
- POST /v2/post/publish/creator_info/query/ [C] (privacy_level_options, max_video_post_duration_sec),
  POST /v2/oauth/token/.
Errors: {"error": {"code", "message", "log_id"}} with the documented HTTP status [E][D][U].
"""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any

from .server import FakeServer, Request, Response, fetch, looks_like

MB = 1024 * 1024
# The chunk rules [M], each bound in its stricter reading of "MB" (the adapter's reading too).
MIN_CHUNK = 5 * MB
MAX_CHUNK = 64 * 1000 * 1000
MAX_FINAL_CHUNK = 128 * 1000 * 1000
MAX_CHUNKS = 1000
PENDING_SHARES = 5  # "at most 5 pending shares within any 24-hour period" [U]


def tiktok_answer(data: Any = None, status: int = 200, code: str = "ok", message: str = "") -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "log_id": secrets.token_hex(16).upper()}}
    if data is not None:
        body["data"] = data
    return Response.json(body, status)


def token_invalid() -> Response:
    return tiktok_answer(status=401, code="access_token_invalid",
                         message="The access token is invalid or not found in the request.")


def invalid_param(message: str) -> Response:
    return tiktok_answer(status=400, code="invalid_param", message=message)  # [D][U] spell it invalid_param


def upload_refusal(status: int, message: str) -> Response:
    return Response(status, message.encode(), {"Content-Type": "text/plain"})


class TikTokFake(FakeServer):
    # The calls of the publish sequence whose answer can be lost (init, then every chunk PUT).
    CREATE_POINTS: dict[str, list[tuple[str, str]]] = {
        "video": [("POST", r"/v2/post/publish/(inbox/)?video/init/$"), ("PUT", r"/upload/$")],
    }

    def __init__(self, tokens: set[str] | None = None, processing_reads: int = 1,
                 privacy_options: tuple[str, ...] = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"),
                 username: str = "pemkotjogja", max_video_post_duration_sec: int = 600,
                 visibility: str = "immediate") -> None:
        super().__init__()
        self.tokens = set(tokens or {"tt-token"})
        self.processing_reads = processing_reads
        self.privacy_options = privacy_options
        self.username = username
        self.max_video_post_duration_sec = max_video_post_duration_sec
        self.visibility = visibility
        self.publishes: dict[str, dict[str, Any]] = {}
        self.inbox: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.fail_next = ""  # a fail_reason for the next publish
        self.banned = False  # spam_risk_user_banned_from_posting [D][U]
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

    def reveal(self) -> None:
        """Moderation finishes for every post waiting for it (not under visibility "never")."""
        with self.lock:
            if self.visibility != "never":
                for record in self.publishes.values():
                    record["revealed"] = True

    def expire_upload(self, publish_id: str) -> None:
        """The upload_url is valid for one hour [D][U]: make it expire now."""
        with self.lock:
            self.publishes[publish_id]["expired"] = True

    def _auth_error(self, request: Request) -> Response | None:
        if request.bearer() not in self.tokens:
            return token_invalid()
        if not request.content_type == "application/json":
            return invalid_param("Content-Type must be application/json")
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
        if self.banned:
            return tiktok_answer(status=403, code="spam_risk_user_banned_from_posting",
                                 message="The user is banned from making new posts.")
        if mode == "direct":
            if post_info.get("privacy_level") not in self.privacy_options:
                return tiktok_answer(status=403, code="privacy_level_option_mismatch",
                                     message="privacy_level is not among the privacy_level_options")
        elif post_info:
            return invalid_param("post_info is not accepted for inbox")
        pending = [p for p in self.publishes.values() if p["mode"] == "inbox" and p["status"] != "FAILED"]
        if mode == "inbox" and len(pending) >= PENDING_SHARES:
            return tiktok_answer(status=403, code="spam_risk_too_many_pending_share",
                                 message="The daily upload cap from API is reached for the current user.")
        publish_id = f"v_{'inbox' if mode == 'inbox' else 'pub'}_file~v2.{next(self.ids)}"
        record: dict[str, Any] = {"id": publish_id, "mode": mode, "status": "PROCESSING_UPLOAD", "data": bytearray(),
                                  "title": post_info.get("title", ""), "privacy": post_info.get("privacy_level"),
                                  "reads_left": None, "fail": "", "revealed": False, "expired": False}
        answer: dict[str, Any] = {"publish_id": publish_id}
        if source.get("source") == "FILE_UPLOAD":
            problem = self._chunk_problem(source)
            if problem:
                return invalid_param(problem)
            record.update(size=int(source["video_size"]), chunk=int(source["chunk_size"]),
                          count=int(source["total_chunk_count"]))
            record["token"] = secrets.token_urlsafe(12)
            answer["upload_url"] = f"{self.url}/upload/?upload_id={publish_id}&upload_token={record['token']}"
        elif source.get("source") == "PULL_FROM_URL":
            if not source.get("video_url"):
                return invalid_param("video_url is required")
            record["status"] = "PROCESSING_DOWNLOAD"  # [S]: only for PULL_FROM_URL
            self._pull(record, source["video_url"])
        else:
            return invalid_param("source must be FILE_UPLOAD or PULL_FROM_URL")
        self.publishes[publish_id] = record
        return tiktok_answer(answer)

    def _chunk_problem(self, source: dict[str, Any]) -> str:
        """The chunk restrictions of [M], word for word."""
        try:
            size, chunk, count = int(source["video_size"]), int(source["chunk_size"]), int(source["total_chunk_count"])
        except (KeyError, TypeError, ValueError):
            return "video_size, chunk_size and total_chunk_count are required for FILE_UPLOAD"
        if size <= 0 or chunk <= 0:
            return "video_size and chunk_size must be positive"
        if size < MIN_CHUNK:
            return "" if chunk == size and count == 1 else "videos under 5 MB must be uploaded as a whole"
        if chunk > size:
            return "chunk_size is larger than video_size"
        if chunk == size:
            return "" if count == 1 and size <= MAX_CHUNK else "videos over 64 MB must be uploaded in multiple chunks"
        if not MIN_CHUNK <= chunk <= MAX_CHUNK:
            return "each chunk must be at least 5 MB and at most 64 MB"
        if count != size // chunk:
            return "total_chunk_count must be video_size divided by chunk_size, rounded down"
        if not 1 <= count <= MAX_CHUNKS:
            return "there must be between 1 and 1000 chunks"
        if size - (count - 1) * chunk > MAX_FINAL_CHUNK:
            return "the final chunk may be at most 128 MB"
        return ""

    def _pull(self, record: dict[str, Any], url: str) -> None:
        status, data, _ = fetch(url)
        if status == 200 and looks_like(data, "video"):
            record["data"] = bytearray(data)
            record["size"] = len(data)
        else:
            record["fail"] = "video_pull_failed"  # [S]
        self._uploaded(record)

    # -- upload [M]
    def _put(self, request: Request) -> Response:
        record = self.publishes.get(request.param("upload_id") or "")
        if record is None or request.param("upload_token") != record.get("token"):
            return upload_refusal(404, "no upload task for this upload_url")
        if record["expired"]:
            return upload_refusal(403, "the upload_url has expired")
        found = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", request.headers.get("content-range", ""))
        if not found or int(found[3]) != record["size"] or request.headers.get("content-type") not in (
                "video/mp4", "video/quicktime", "video/webm"):
            return upload_refusal(400, "malformed request headers")
        first, last = int(found[1]), int(found[2])
        if last - first + 1 != len(request.body) or int(request.headers.get("content-length", -1)) != len(request.body):
            return upload_refusal(400, "Content-Length does not match the body")
        received = len(record["data"])
        if first != received or record["status"] != "PROCESSING_UPLOAD":
            return upload_refusal(416, "Content-Range does not reflect the actual upload progress")  # sequential
        index = first // record["chunk"]
        expected_last = record["size"] - 1 if index == record["count"] - 1 else first + record["chunk"] - 1
        if first % record["chunk"] or index >= record["count"] or last != expected_last:
            return upload_refusal(400, "chunk boundaries do not match the init")
        record["data"] += request.body
        done = len(record["data"])
        headers = {"Content-Type": "text/plain", "Content-Range": f"bytes 0-{done - 1}/{record['size']}"}
        if done == record["size"]:
            self._uploaded(record)
            return Response(201, b"", headers)  # "All parts are uploaded. TikTok will start the posting process."
        return Response(206, b"", headers)

    def _uploaded(self, record: dict[str, Any]) -> None:
        if self.fail_next:
            record["fail"], self.fail_next = self.fail_next, ""
        elif not record["fail"] and not looks_like(bytes(record["data"]), "video"):
            record["fail"] = "file_format_check_failed"
        record["reads_left"] = self.processing_reads
        self._advance(record, read=False)

    def _advance(self, record: dict[str, Any], read: bool = True) -> None:
        """Processing ends after `processing_reads` status reads (counts, not time); then the outcome."""
        if record["reads_left"] is None or record["status"] not in ("PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD"):
            return
        if record["reads_left"] > 0:  # this read still shows processing
            record["reads_left"] -= int(read)
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
            return tiktok_answer(status=400, code="invalid_publish_id", message="The publish_id does not exist.")
        self._advance(record)
        data: dict[str, Any] = {"status": record["status"]}
        if record["status"] == "PROCESSING_DOWNLOAD" or "token" not in record:
            data["downloaded_bytes"] = len(record["data"])
        else:
            data["uploaded_bytes"] = len(record["data"])
        if record["status"] == "FAILED":
            data["fail_reason"] = record["fail"]
        if record["status"] == "PUBLISH_COMPLETE":
            moderated = self.visibility == "immediate" or record["revealed"]
            public = record["privacy"] == "PUBLIC_TO_EVERYONE"
            data["publicaly_available_post_id"] = [int(record["post_id"])] if public and moderated else []
        return tiktok_answer(data)

    def _creator(self, request: Request) -> Response:
        refused = self._auth_error(request)
        if refused:
            return refused
        return tiktok_answer({"creator_avatar_url": "https://p16.tiktokcdn.com/a.jpeg", "creator_username":
                              self.username, "creator_nickname": "Pemkot Yogyakarta",
                              "privacy_level_options": list(self.privacy_options), "comment_disabled": False,
                              "duet_disabled": False, "stitch_disabled": False,
                              "max_video_post_duration_sec": self.max_video_post_duration_sec})

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
