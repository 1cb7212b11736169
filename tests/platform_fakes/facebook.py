"""A local Facebook Page (Graph API) and the Graph API error shape shared with the Instagram fake.

Routes (under /v<version>/): POST /{page}/photos, POST /{page}/feed, POST /{page}/videos (the resumable
upload phases start / transfer / finish, and the one-request upload), GET /{page}/feed, GET /{page}/videos,
GET /{object-id} (a video's `status`), GET /debug_token.
Media given by URL (url, file_url) is fetched over HTTP like Facebook does; multipart `source` works too.
Every post is in `posts` (the page's feed); `live_posts()` lists the ones the public sees (a video only
once Facebook has processed it).

Faults on the video phases: the three phases share one path, so the fake matches faults against
`/videos?upload_phase=<phase>` for them (see `CREATE_POINTS`).
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from .server import FakeServer, Fault, Request, Response, fetch, looks_like

VERSION = r"/v\d+\.\d+"


def graph_error(message: str, code: int, subcode: int | None = None, status: int = 400,
                kind: str = "OAuthException", **extra: Any) -> Response:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code,
                             "fbtrace_id": "A" + secrets.token_hex(10)}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return Response.json({"error": error}, status, **{"WWW-Authenticate": 'OAuth "Facebook Platform" '
                                                      '"invalid_token"'} if code == 190 else {})


def expired_token() -> Response:
    return graph_error("Error validating access token: Session has expired on Thursday, 26-Nov-26 10:00:00 PST. "
                       "The current time is Friday, 27-Nov-26 02:00:00 PST.", 190, 463)


def rate_limited() -> Response:
    return graph_error("(#4) Application request limit reached", 4, is_transient=True)


class GraphFake(FakeServer):
    """Token checks and ids common to the Graph API fakes."""

    def __init__(self, tokens: set[str]) -> None:
        super().__init__()
        self.tokens = set(tokens)
        self.expired: set[str] = set()
        self.ids = itertools.count(17841400000000001)

    def token(self, request: Request) -> str:
        return request.bearer() or request.param("access_token") or ""

    def auth_error(self, request: Request) -> Response | None:
        token = self.token(request)
        if not token:
            return graph_error("An active access token must be used to query information about the current user.",
                               2500)
        if token in self.expired:
            return expired_token()
        if token not in self.tokens:
            return graph_error("Invalid OAuth access token - Cannot parse access token", 190)
        return None

    def new_id(self) -> str:
        return str(next(self.ids))


# The pages each behaviour follows.
VIDEO_UPLOADS = "https://developers.facebook.com/docs/graph-api/video-uploads"  # resumable: start/transfer/finish
VIDEO_ERRORS = "https://developers.facebook.com/docs/video-api/reference/error-codes/"
VIDEO_STATUS = "https://developers.facebook.com/docs/graph-api/reference/video-status/"
ERROR_HANDLING = "https://developers.facebook.com/docs/graph-api/guides/error-handling/"


def duplicate_post() -> Response:
    """(#506) Duplicate status message: the same text was posted on the Page a moment ago."""
    return graph_error("(#506) Duplicate status message", 506)


def policy_block() -> Response:
    """368: temporarily blocked for policies violations (ERROR_HANDLING)."""
    return graph_error("It looks like you were misusing this feature by going too fast. You've been temporarily "
                       "blocked from using it.", 368, 1390008)


def permission_denied() -> Response:
    """200: the token lacks pages_manage_posts (ERROR_HANDLING: codes 200-299 are permissions)."""
    return graph_error("(#200) The permission(s) pages_manage_posts are not available. It could because either "
                       "they are deprecated or need to be approved by App Review.", 200)


def page_throttled() -> Response:
    """32: Page request limit reached (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/)."""
    return graph_error("(#32) Page request limit reached", 32, is_transient=True)


def invalid_parameter(message: str = "(#100) Invalid parameter") -> Response:
    return graph_error(message, 100, kind="GraphMethodException")


def service_unavailable() -> Response:
    """2: temporary issue due to downtime (ERROR_HANDLING), as a 5xx answer."""
    return graph_error("An unexpected error has occurred. Please retry your request later.", 2, status=503,
                       is_transient=True)


def video_upload_problem() -> Response:
    """6000 at the start phase: "retry several times" (VIDEO_ERRORS)."""
    return graph_error("There was a problem uploading your video file. Please try again with another file.", 6000,
                       kind="GraphException", is_transient=True)


def video_offsets(start: int, end: int) -> Response:
    """1363037: the server got an unexpected start offset; error_data names the bytes it needs (VIDEO_ERRORS)."""
    return graph_error("There was a problem uploading your video. Please try uploading it again.", 6001, 1363037,
                       is_transient=True, error_data={"start_offset": str(start), "end_offset": str(end)})


class FacebookFake(GraphFake):
    """A Facebook Page.

    `visibility` ("immediate" | "late" | "never") decides whether a new live post shows in the Page's
    listings (/feed, /videos): Facebook's feed is eventually consistent, and a video shows only after its
    processing. "late" posts show after `reveal()` (or after `reads_until_visible` listing reads when
    set); "never" posts never show. Reads of one object by its id are consistent and never hidden.
    A finished video is processed over `processing_reads` reads of its status (minutes in real life,
    VIDEO_STATUS), or at once with `finish_processing()`; `processing_fails` makes processing end in error.
    """

    CREATE_POINTS: dict[str, list[tuple[str, str]]] = {
        "text": [("POST", r"/feed$")],
        "image": [("POST", r"/photos$")],
        "images": [("POST", r"/photos$"), ("POST", r"/feed$")],
        "video": [("POST", r"/videos\?upload_phase=start$"), ("POST", r"/videos\?upload_phase=transfer$"),
                  ("POST", r"/videos\?upload_phase=finish$")],
    }
    MIN_VIDEO = 1024  # 1363022: "The minimum size for a video is 1 KB" (VIDEO_ERRORS)
    MAX_VIDEO = 10 * 1024**3  # "Resumable uploading supports videos that are up to 10GB" (VIDEO_UPLOADS)

    def __init__(self, page_id: str = "104012345678901", tokens: set[str] | None = None,
                 visibility: str = "immediate", processing_reads: int = 2, chunk_size: int = 8 * 1024,
                 reads_until_visible: int | None = None, processing_fails: bool = False) -> None:
        super().__init__(tokens or {"fb-page-token"})
        self.page_id = page_id
        self.visibility = visibility
        self.reads_until_visible = reads_until_visible
        self.processing_reads = processing_reads
        self.processing_fails = processing_fails
        self.chunk_size = chunk_size  # Facebook picks each chunk's end_offset (VIDEO_UPLOADS)
        self.listing_reads = 0
        self.posts: dict[str, dict[str, Any]] = {}
        self.photos: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, str] = {}  # upload_session_id -> video id: one session is one video object
        self.token_expires_at = 0  # debug_token: 0 = never
        page = rf"{VERSION}/(?P<page>\d+)"
        self.route("POST", rf"{page}/photos", self._photos)
        self.route("POST", rf"{page}/feed", self._feed_post)
        self.route("POST", rf"{page}/videos", self._videos_post)
        self.route("GET", rf"{page}/feed", self._feed)
        self.route("GET", rf"{page}/published_posts", self._feed)
        self.route("GET", rf"{page}/videos", self._videos_list)
        self.route("GET", rf"{VERSION}/debug_token", self._debug_token)
        self.route("GET", rf"{VERSION}/(?P<id>[\d_]+)", self._object)

    # -- the uniform fake API
    def live_posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [p for p in self.posts.values() if p["state"] == "live"]

    def reveal(self) -> None:
        with self.lock:
            for post in self.posts.values():
                if post["hidden"] == "late":
                    post["hidden"] = None

    def finish_processing(self) -> None:
        with self.lock:
            for video in self.videos.values():
                if video["state"] == "processing":
                    self._processed(video)

    def _fault_for(self, request: Request) -> Fault | None:
        if request.method == "POST" and request.path.endswith("/videos") and request.param("upload_phase"):
            request = replace(request, path=f"{request.path}?upload_phase={request.param('upload_phase')}")
        return super()._fault_for(request)

    # -- helpers
    def _page_error(self, request: Request) -> Response | None:
        error = self.auth_error(request)
        if error:
            return error
        if request.match and request.match["page"] != self.page_id:
            return graph_error(f"Unsupported post request. Object with ID '{request.match['page']}' does not "
                               "exist", 100, 33, kind="GraphMethodException")
        return None

    def _media(self, request: Request, url_field: str, kind: str) -> tuple[bytes, str] | Response:
        url = request.param(url_field)
        if url:
            status, data, _ = fetch(url)
            if status != 200 or not data:
                return graph_error("Missing or invalid image file" if kind != "video" else
                                   "There was a problem uploading your video file. Please try again.",
                                   324 if kind != "video" else 6000)
            return data, url
        if "source" in request.parts():
            return request.parts()["source"][0], ""
        return graph_error(f"(#100) Requires one of the params: {url_field}, source", 100)

    def _new_post(self, message: str, kind: str, state: str = "live", **extra: Any) -> dict[str, Any]:
        post_id = f"{self.page_id}_{self.new_id()}"
        hidden = None if self.visibility == "immediate" else self.visibility
        post = {"id": post_id, "message": message, "created_time": time.time(), "kind": kind, "state": state,
                "hidden": hidden, "visible_after": None,
                "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post_id.split('_')[1]}", **extra}
        if hidden == "late" and self.reads_until_visible is not None:
            post["visible_after"] = self.listing_reads + self.reads_until_visible
        self.posts[post_id] = post
        return post

    def _shown(self, post: dict[str, Any]) -> bool:
        if post["hidden"] == "late" and post["visible_after"] is not None and \
                self.listing_reads >= post["visible_after"]:
            post["hidden"] = None
        return post["state"] == "live" and post["hidden"] is None

    # -- creates
    def _photos(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        media = self._media(request, "url", "image")
        if isinstance(media, Response):
            return media
        data, url = media
        if not (looks_like(data, "jpeg") or looks_like(data, "png")):
            return graph_error("(#324) Missing or invalid image file", 324)
        photo_id = self.new_id()
        published = (request.param("published", "true") or "true").lower() != "false"
        photo = {"id": photo_id, "published": published, "url": url, "size": len(data), "post_id": None}
        self.photos[photo_id] = photo
        if not published:  # an unpublished photo is invisible until a feed post attaches it
            return Response.json({"id": photo_id})
        caption = request.param("caption") or request.param("message") or ""
        post = self._new_post(caption, "photo", photos=[photo_id])
        photo["post_id"] = post["id"]
        return Response.json({"id": photo_id, "post_id": post["id"]})

    def _feed_post(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        message = request.param("message") or ""
        attached = []
        index = 0
        while (value := request.param(f"attached_media[{index}]")) is not None:
            try:
                fbid = str(json.loads(value)["media_fbid"])
            except (ValueError, KeyError, TypeError):
                return graph_error("(#100) param attached_media must be an array of objects with media_fbid", 100)
            photo = self.photos.get(fbid)
            if photo is None or photo["published"] or photo["post_id"]:
                return graph_error(f"(#100) Invalid media_fbid {fbid}", 100)
            attached.append(fbid)
            index += 1
        if not message and not attached and not request.param("link"):
            return graph_error("(#100) Missing message or attachment", 100)
        if not attached and any(p["kind"] == "status" and p["message"] == message for p in self.posts.values()):
            return duplicate_post()  # Facebook refuses the same status text again
        post = self._new_post(message, "status" if not attached else "album", photos=attached)
        for fbid in attached:
            self.photos[fbid]["post_id"] = post["id"]
        return Response.json({"id": post["id"]})

    def _videos_post(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        phase = request.param("upload_phase")
        if phase is None:
            return self._video_in_one_request(request)
        if request.param("file_url"):  # Page videos reference: file_url "Cannot be used with upload_phase"
            return invalid_parameter("(#100) file_url cannot be used with upload_phase")
        handler = {"start": self._start, "transfer": self._transfer, "finish": self._finish}.get(phase)
        if handler is None:
            return invalid_parameter(f"(#100) Invalid upload_phase {phase}")
        return handler(request)

    def _start(self, request: Request) -> Response:
        """VIDEO_UPLOADS "Starting the Upload Session": file_size -> session, video id and the first chunk."""
        try:
            size = int(request.param("file_size") or "")
        except ValueError:
            return invalid_parameter("(#100) The parameter file_size is required")
        if size < self.MIN_VIDEO:
            return graph_error("The video you tried to upload is too small. The minimum size for a video is 1 KB.",
                               6000, 1363022, kind="CodedException")
        if size > self.MAX_VIDEO:
            return graph_error("The video you tried to upload is too large.", 6000, 1363023, kind="CodedException")
        video_id, session = self.new_id(), self.new_id()
        self.videos[video_id] = {"id": video_id, "session": session, "size": size, "data": bytearray(),
                                 "state": "uploading", "reads_left": self.processing_reads, "post_id": None,
                                 "description": "", "title": "", "created_time": time.time(),
                                 "permalink_url": f"/{self.page_id}/videos/{video_id}/"}
        self.sessions[session] = video_id
        return Response.json({"upload_session_id": session, "video_id": video_id, "start_offset": "0",
                              "end_offset": str(min(size, self.chunk_size))})

    def _session(self, request: Request) -> dict[str, Any] | Response:
        video_id = self.sessions.get(request.param("upload_session_id") or "")
        if video_id is None:
            return invalid_parameter("(#100) Invalid upload_session_id")
        return self.videos[video_id]

    def _next_chunk(self, video: dict[str, Any]) -> tuple[int, int]:
        received = len(video["data"])
        return received, min(video["size"], received + self.chunk_size)

    def _transfer(self, request: Request) -> Response:
        """VIDEO_UPLOADS "Uploading Chunks": the chunk at start_offset; the answer names the next one.
        A chunk at any other offset (a resend after a lost answer) -> 1363037 with the offsets (VIDEO_ERRORS)."""
        video = self._session(request)
        if isinstance(video, Response):
            return video
        chunk = request.parts().get("video_file_chunk")
        if chunk is None:
            return invalid_parameter("(#100) The parameter video_file_chunk is required")
        start, end = self._next_chunk(video)
        if video["state"] != "uploading" or request.param("start_offset") != str(start):
            return video_offsets(start, end)
        if len(chunk[0]) != end - start:  # 1363033: a partial chunk reached the server
            return graph_error("There was a problem uploading your video. Please try uploading it again.", 6001,
                               1363033, is_transient=True)
        video["data"].extend(chunk[0])
        start, end = self._next_chunk(video)
        return Response.json({"start_offset": str(start), "end_offset": str(end)})

    def _finish(self, request: Request) -> Response:
        """VIDEO_UPLOADS "Closing the Session": publishes the video once Facebook has processed it.
        Not documented, assumed: a session still missing bytes is answered like a wrong offset (1363037);
        a session already finished answers success again (one session is one video object)."""
        video = self._session(request)
        if isinstance(video, Response):
            return video
        if video["state"] != "uploading":
            return Response.json({"success": True})
        start, end = self._next_chunk(video)
        if start < video["size"]:
            return video_offsets(start, end)
        if not looks_like(bytes(video["data"][:16]), "video"):
            return graph_error("There was a problem uploading your video file. Please try again with another "
                               "file.", 352)
        self._publish_video(video, request.param("description") or "", request.param("title") or "")
        return Response.json({"success": True})

    def _video_in_one_request(self, request: Request) -> Response:
        """The non-resumable upload (file_url or multipart source, VIDEO_UPLOADS): processed like the others."""
        media = self._media(request, "file_url", "video")
        if isinstance(media, Response):
            return media
        data, _ = media
        if not looks_like(data, "video"):
            return graph_error("There was a problem uploading your video file. Please try again with another "
                               "file.", 352)
        video_id = self.new_id()
        video = {"id": video_id, "session": "", "size": len(data), "data": bytearray(data), "state": "uploading",
                 "reads_left": self.processing_reads, "post_id": None, "created_time": time.time(),
                 "permalink_url": f"/{self.page_id}/videos/{video_id}/"}
        self.videos[video_id] = video
        self._publish_video(video, request.param("description") or "", request.param("title") or "")
        return Response.json({"id": video_id})

    def _publish_video(self, video: dict[str, Any], description: str, title: str) -> None:
        video.update(description=description, title=title, state="processing")
        post = self._new_post(description, "video", state="processing", video_id=video["id"])
        video["post_id"] = post["id"]
        if video["reads_left"] <= 0:
            self._processed(video)

    def _processed(self, video: dict[str, Any]) -> None:
        video["state"] = "error" if self.processing_fails else "ready"
        post = self.posts[video["post_id"]]
        post["state"] = "failed" if self.processing_fails else "live"
        post["created_time"] = time.time()

    # -- reads
    @staticmethod
    def _fields(request: Request, default: str) -> list[str]:
        return [f.strip() for f in (request.param("fields") or default).split(",") if f.strip()]

    @staticmethod
    def _stamp(ts: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(ts))

    def _render(self, item: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": item["id"]}
        for name in fields:
            if name == "created_time":
                out[name] = self._stamp(item["created_time"])
            elif name in item and item[name] not in (None, "") and name not in ("data", "state", "hidden"):
                out[name] = item[name]
        return out

    def _listing(self, request: Request, items: list[dict[str, Any]], fields: list[str]) -> Response:
        self.listing_reads += 1
        since = request.param("since")
        visible = [i for i in items if self._shown(self.posts[i.get("post_id") or i["id"]])]
        if since:
            visible = [i for i in visible if i["created_time"] >= float(since)]
        visible.sort(key=lambda i: i["created_time"], reverse=True)
        limit = int(request.param("limit") or 25)
        offset = int(request.param("after") or 0)
        page = visible[offset:offset + limit]
        answer: dict[str, Any] = {"data": [self._render(i, fields) for i in page]}
        if offset + limit < len(visible):
            query = {k: v[0] for k, v in request.query.items() if k != "after"}
            query["after"] = str(offset + limit)
            answer["paging"] = {"cursors": {"after": str(offset + limit)},
                                "next": f"{self.url}{request.path}?{urlencode(query)}"}
        return Response.json(answer)

    def _feed(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        return self._listing(request, list(self.posts.values()), self._fields(request, "message,created_time"))

    def _videos_list(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        listed = [v for v in self.videos.values() if v["post_id"]]
        return self._listing(request, listed, self._fields(request, "description"))

    def _video_status(self, video: dict[str, Any]) -> dict[str, Any]:
        """VIDEO_STATUS: video_status and the uploading / processing / publishing phases. Each read of a
        processing video counts towards `processing_reads`."""
        if video["state"] == "processing":
            video["reads_left"] -= 1
            if video["reads_left"] <= 0:
                self._processed(video)
        state, received = video["state"], len(video["data"])
        uploading = {"status": "complete" if received >= video["size"] else "in_progress",
                     "bytes_transferred": received}
        if state == "uploading":
            return {"video_status": "upload_complete" if received >= video["size"] else "uploading",
                    "uploading_phase": uploading, "processing_phase": {"status": "not_started"},
                    "publishing_phase": {"status": "not_started"}}
        if state == "processing":
            return {"video_status": "processing", "uploading_phase": uploading,
                    "processing_phase": {"status": "in_progress"}, "publishing_phase": {"status": "in_progress"}}
        if state == "error":
            return {"video_status": "error", "uploading_phase": uploading,
                    "processing_phase": {"status": "error", "errors": [
                        {"code": 1363008, "message": "The video could not be processed."}]},
                    "publishing_phase": {"status": "not_started"}}
        return {"video_status": "ready", "uploading_phase": uploading, "processing_phase": {"status": "complete"},
                "publishing_phase": {"status": "complete", "publish_status": "published",
                                     "publish_time": self._stamp(video["created_time"])}}

    def _object(self, request: Request) -> Response:
        error = self.auth_error(request)
        if error:
            return error
        assert request.match is not None
        object_id = request.match["id"]
        fields = self._fields(request, "id")
        video = self.videos.get(object_id)
        if video is not None:
            out = self._render(video, [f for f in fields if f not in ("status", "published")])
            if "status" in fields:
                out["status"] = self._video_status(video)
            if "published" in fields:
                out["published"] = video["state"] == "ready"
            return Response.json(out)
        item = self.posts.get(object_id) or self.photos.get(object_id)
        if item is None:
            return graph_error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33,
                               kind="GraphMethodException")
        return Response.json(self._render(item, fields))

    def _debug_token(self, request: Request) -> Response:
        if not request.bearer():
            return graph_error("An access token is required", 104)
        token = request.param("input_token") or ""
        return Response.json({"data": {"app_id": "1234", "type": "PAGE", "is_valid": token in self.tokens,
                                       "expires_at": self.token_expires_at, "scopes": ["pages_manage_posts"]}})
