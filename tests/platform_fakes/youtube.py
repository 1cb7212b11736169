"""A local YouTube Data API v3 (videos.insert resumable upload, videos/channels/playlistItems.list) and
the Google OAuth token endpoint, for google-api-python-client pointed here with client_options.

- POST /token (grant_type=refresh_token): {access_token, expires_in, token_type, scope};
  an unknown or revoked refresh token: 400 {"error": "invalid_grant"}.
- POST /upload/youtube/v3/videos?uploadType=resumable&part=...: checks the bearer token, the
  X-Upload-Content-Length/Type headers and the video JSON; 200 + Location: the session URI.
- PUT <session URI>: `Content-Range: bytes a-b/total` appends (a must be the bytes received so far;
  chunks other than the last a multiple of 256 KiB) -> 308 + Range, or 200 with the video resource
  when complete; `Content-Range: bytes */total` asks the status (308 + Range / 200 + video).
  A forgotten (expired) session answers 404.
- GET /youtube/v3/videos, /channels?mine=true, /playlistItems: the uploaded videos.

Behaviours, each following a page (delays are counts of reads or explicit switches, never clock time):
- Error bodies: {"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}
  (https://developers.google.com/youtube/v3/docs/core_errors, sample JSON response).
- `quota_exhausted = True`: every Data API call (session initiation, lists) answers 403 quotaExceeded,
  domain youtube.quota (https://developers.google.com/youtube/v3/docs/errors, "Core API errors"); the
  session PUTs belong to an insert already charged. `requests_during_quota` counts the calls that hit it.
- `daily_upload_limit = n`: the (n+1)-th session initiation answers 400 uploadLimitExceeded, domain
  youtube.video (https://developers.google.com/youtube/v3/docs/videos/insert#errors); `new_day()` resets it.
- `processing_reads = n`: videos.list shows status.uploadStatus "uploaded" for the first n reads of a video,
  then "processed" (https://developers.google.com/youtube/v3/docs/videos#status.uploadStatus).
- `visibility`: "immediate" | "late" | "never": whether a new video shows in the uploads playlist
  (playlistItems.list), the read a gone session is reconciled with; "late" = until `reveal()`. The
  playlist's lag is observed behaviour, not documented: the fake makes it explicit.
- `session_expiry = "on_complete"`: a session is forgotten (404) as soon as its video exists, as after the
  week a session lives (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol,
  step 4: "404 Not Found ... the upload session has expired").
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any

from .server import FakeServer, Request, Response, looks_like, rfc3339

CHUNK_UNIT = 256 * 1024


def google_error(status: int, reason: str, message: str, domain: str = "youtube.video",
                 state: str = "") -> Response:
    statuses = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                500: "INTERNAL", 503: "UNAVAILABLE"}
    return Response.json({"error": {"code": status, "message": message,
                                    "errors": [{"message": message, "domain": domain, "reason": reason}],
                                    "status": state or statuses.get(status, "UNKNOWN")}}, status)


class YouTubeFake(FakeServer):
    # Every call of the publish sequence whose answer can be lost: the session initiation, then the PUTs.
    CREATE_POINTS: dict[str, list[tuple[str, str]]] = {
        "video": [("POST", r"/upload/youtube/v3/videos$"), ("PUT", r"/upload/youtube/v3/videos$")],
    }

    def __init__(self, client_id: str = "yt-client.apps.googleusercontent.com", client_secret: str = "yt-secret",
                 refresh_token: str = "yt-refresh") -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_tokens = {refresh_token}
        self.access_tokens: set[str] = set()
        self.channel_id = "UC" + secrets.token_urlsafe(16)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.visibility = "immediate"
        self.quota_exhausted = False
        self.requests_during_quota = 0
        self.daily_upload_limit: int | None = None
        self.uploads_today = 0
        self.processing_reads = 0
        self.session_expiry = "never"
        self.token_lifetime = 3599  # expires_in of a new access token (an hour, as Google's token endpoint)
        self.route("POST", r"/token", self._token)
        self.route("POST", r"/upload/youtube/v3/videos", self._start)
        self.route("PUT", r"/upload/youtube/v3/videos", self._put)
        self.route("GET", r"/youtube/v3/videos", self._videos)
        self.route("GET", r"/youtube/v3/channels", self._channels)
        self.route("GET", r"/youtube/v3/playlistItems", self._playlist_items)

    def live_posts(self) -> list[dict[str, Any]]:
        return list(self.videos.values())

    def reveal(self) -> None:
        """Every video hidden by visibility "late" shows in the uploads playlist ("never" stays hidden)."""
        with self.lock:
            if self.visibility != "never":
                for video in self.videos.values():
                    video["hidden"] = False

    def new_day(self) -> None:
        """The channel's upload count starts again (the quota switch is the test's own)."""
        with self.lock:
            self.uploads_today = 0

    def _quota_error(self) -> Response | None:
        if not self.quota_exhausted:
            return None
        self.requests_during_quota += 1
        return google_error(403, "quotaExceeded", "The request cannot be completed because you have exceeded your "
                            "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.", domain="youtube.quota")

    def forget_sessions(self) -> None:
        """Every session expires (their URIs answer 404)."""
        with self.lock:
            for session in self.sessions.values():
                session["gone"] = True

    # -- OAuth
    def _token(self, request: Request) -> Response:
        if request.param("grant_type") != "refresh_token":
            return Response.json({"error": "unsupported_grant_type"}, 400)
        if (request.param("client_id"), request.param("client_secret")) != (self.client_id, self.client_secret):
            return Response.json({"error": "invalid_client", "error_description": "Unauthorized"}, 401)
        if request.param("refresh_token") not in self.refresh_tokens:
            return Response.json({"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
                                 400)
        token = "ya29." + secrets.token_urlsafe(24)
        self.access_tokens.add(token)
        return Response.json({"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer",
                              "scope": "https://www.googleapis.com/auth/youtube.upload "
                                       "https://www.googleapis.com/auth/youtube.readonly"})

    def _auth_error(self, request: Request) -> Response | None:
        if request.bearer() not in self.access_tokens:
            return google_error(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 "
                                "access token, login cookie or other valid authentication credential.",
                                domain="global")
        return None

    # -- the resumable upload
    def _start(self, request: Request) -> Response:
        refused = self._auth_error(request) or self._quota_error()
        if refused:
            return refused
        if self.daily_upload_limit is not None and self.uploads_today >= self.daily_upload_limit:
            return google_error(400, "uploadLimitExceeded", "The user has exceeded the number of videos they may "
                                "upload.")
        if request.param("uploadType") != "resumable":
            return google_error(400, "badRequest", "uploadType must be resumable here", domain="global")
        parts = set((request.param("part") or "").split(","))
        try:
            body = request.json() or {}
        except ValueError:
            return google_error(400, "parseError", "Parse Error", domain="global")
        title = ((body.get("snippet") or {}).get("title") or "").strip()
        length = request.headers.get("x-upload-content-length", "")
        ctype = request.headers.get("x-upload-content-type", "")
        if "snippet" not in parts or not title:
            return google_error(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.")
        if not length.isdigit() or not ctype.startswith("video/"):
            return google_error(400, "badContent", "X-Upload-Content-Length/Type missing or not a video",
                                domain="global")
        upload_id = secrets.token_urlsafe(18)
        self.sessions[upload_id] = {"total": int(length), "data": bytearray(), "body": body, "gone": False,
                                    "video": None, "parts": sorted(parts)}
        location = f"{self.url}/upload/youtube/v3/videos?uploadType=resumable&part={','.join(sorted(parts))}" \
                   f"&upload_id={upload_id}"
        return Response(200, b"", {"Location": location, "X-GUploader-UploadID": upload_id})

    def _put(self, request: Request) -> Response:
        session = self.sessions.get(request.param("upload_id") or "")
        if session is None or session["gone"]:
            return google_error(404, "notFound", "Upload session not found or expired", domain="global")
        content_range = request.headers.get("content-range", "")
        received = len(session["data"])
        status_query = re.fullmatch(r"bytes \*/(\d+|\*)", content_range)
        if status_query:
            return self._progress(session)
        found = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", content_range)
        if not found:
            return google_error(400, "badRequest", f"Invalid Content-Range {content_range!r}", domain="global")
        first, last = int(found[1]), int(found[2])
        total = session["total"]
        if last - first + 1 != len(request.body) or last >= total:
            return google_error(400, "badRequest", "Content-Range does not match the body", domain="global")
        if first > received:
            return google_error(400, "badRequest", f"Chunk starts at {first} but {received} bytes were received",
                                domain="global")
        if first < received:  # a resent chunk: keep what we have, take the new tail
            session["data"] = session["data"][:first]
        if last + 1 < total and len(request.body) % CHUNK_UNIT:
            return google_error(400, "badRequest", "Chunks must be multiples of 256 KiB", domain="global")
        session["data"] += request.body
        return self._progress(session)

    def _progress(self, session: dict[str, Any]) -> Response:
        received = len(session["data"])
        if received < session["total"]:
            headers = {"Range": f"bytes=0-{received - 1}"} if received else {}
            return Response(308, b"", {"Content-Length": "0", **headers})
        if session["video"] is None:
            session["video"] = self._create_video(session)
            if self.session_expiry == "on_complete":
                session["gone"] = True  # this answer still goes out; the next status query finds nothing
        return Response.json(self._resource(session["video"]), 200)

    def _create_video(self, session: dict[str, Any]) -> str:
        video_id = secrets.token_urlsafe(8)[:11]
        self.uploads_today += 1
        snippet = dict(session["body"].get("snippet") or {})
        status = dict(session["body"].get("status") or {})
        self.videos[video_id] = {"id": video_id, "created": time.time(), "snippet": snippet,
                                 "status": {"uploadStatus": "uploaded",
                                            "privacyStatus": status.get("privacyStatus", "public"),
                                            "selfDeclaredMadeForKids": status.get("selfDeclaredMadeForKids", False)},
                                 "hidden": self.visibility != "immediate", "reads": 0,
                                 "size": len(session["data"]), "looks_like_video": looks_like(bytes(session["data"]),
                                                                                              "video")}
        return video_id

    def _resource(self, video_id: str) -> dict[str, Any]:
        video = self.videos[video_id]
        snippet = {**video["snippet"], "publishedAt": rfc3339(video["created"]), "channelId": self.channel_id,
                   "channelTitle": "Pemerintah Kota Yogyakarta"}
        return {"kind": "youtube#video", "etag": secrets.token_hex(8), "id": video_id, "snippet": snippet,
                "status": video["status"]}

    # -- reads
    def _videos(self, request: Request) -> Response:
        refused = self._auth_error(request) or self._quota_error()
        if refused:
            return refused
        ids = [i for i in (request.param("id") or "").split(",") if i]
        for i in ids:
            if i in self.videos:
                video = self.videos[i]
                video["reads"] += 1
                if video["reads"] > self.processing_reads and video["status"]["uploadStatus"] == "uploaded":
                    video["status"]["uploadStatus"] = "processed"
        items = [self._resource(i) for i in ids if i in self.videos]
        return Response.json({"kind": "youtube#videoListResponse", "etag": secrets.token_hex(8), "items": items,
                              "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    def _channels(self, request: Request) -> Response:
        refused = self._auth_error(request) or self._quota_error()
        if refused:
            return refused
        if request.param("mine") != "true":
            return google_error(400, "missingRequiredParameter", "No filter selected.", domain="youtube.parameter")
        return Response.json({"kind": "youtube#channelListResponse", "items": [
            {"kind": "youtube#channel", "id": self.channel_id,
             "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + self.channel_id[2:]}}}]})

    def _playlist_items(self, request: Request) -> Response:
        refused = self._auth_error(request) or self._quota_error()
        if refused:
            return refused
        if request.param("playlistId") != "UU" + self.channel_id[2:]:
            return google_error(404, "playlistNotFound", "The playlist identified with the request's playlistId "
                                "parameter cannot be found.")
        limit = int(request.param("maxResults") or 5)
        shown = [v for v in self.videos.values() if not v["hidden"]]
        videos = sorted(shown, key=lambda v: v["created"], reverse=True)[:limit]
        items = [{"kind": "youtube#playlistItem", "id": secrets.token_urlsafe(12),
                  "snippet": {"publishedAt": rfc3339(v["created"]), "title": v["snippet"].get("title", ""),
                              "description": v["snippet"].get("description", ""), "channelId": self.channel_id,
                              "playlistId": request.param("playlistId"),
                              "resourceId": {"kind": "youtube#video", "videoId": v["id"]}}} for v in videos]
        return Response.json({"kind": "youtube#playlistItemListResponse", "items": items,
                              "pageInfo": {"totalResults": len(shown), "resultsPerPage": limit}})


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()
