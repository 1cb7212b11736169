"""A local Facebook Page (Graph API) and the Graph API error shape shared with the Instagram fake.

Routes (under /v<version>/): POST /{page}/photos, POST /{page}/feed, POST /{page}/videos (also what
graph-video.facebook.com serves), GET /{page}/feed, GET /{page}/videos, GET /{object-id}, GET /debug_token.
Media given by URL (url, file_url) is fetched over HTTP like Facebook does; multipart `source` works too.
Every published post is in `posts` (the page's feed); `live_posts()` lists them.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from typing import Any

from .server import FakeServer, Request, Response, fetch, looks_like

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


class FacebookFake(GraphFake):
    def __init__(self, page_id: str = "104012345678901", tokens: set[str] | None = None,
                 visibility_delay: float = 0.0) -> None:
        super().__init__(tokens or {"fb-page-token"})
        self.page_id = page_id
        self.visibility_delay = visibility_delay  # a new post shows in the feed only after this
        self.posts: dict[str, dict[str, Any]] = {}
        self.photos: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
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

    # -- helpers
    def live_posts(self) -> list[dict[str, Any]]:
        return list(self.posts.values())

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

    def _new_post(self, message: str, kind: str, **extra: Any) -> dict[str, Any]:
        post_id = f"{self.page_id}_{self.new_id()}"
        post = {"id": post_id, "message": message, "created_time": time.time(), "kind": kind,
                "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post_id.split('_')[1]}", **extra}
        self.posts[post_id] = post
        return post

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
        if not published:
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
        post = self._new_post(message, "status" if not attached else "album", photos=attached)
        for fbid in attached:
            self.photos[fbid]["post_id"] = post["id"]
        return Response.json({"id": post["id"]})

    def _videos_post(self, request: Request) -> Response:
        error = self._page_error(request)
        if error:
            return error
        media = self._media(request, "file_url", "video")
        if isinstance(media, Response):
            return media
        data, url = media
        if not looks_like(data, "video"):
            return graph_error("There was a problem uploading your video file. Please try again with another "
                               "file.", 352)
        video_id = self.new_id()
        description = request.param("description") or ""
        post = self._new_post(description, "video", video_id=video_id)
        self.videos[video_id] = {"id": video_id, "description": description, "title": request.param("title") or "",
                                 "created_time": post["created_time"], "post_id": post["id"],
                                 "permalink_url": f"/{self.page_id}/videos/{video_id}/"}
        return Response.json({"id": video_id})

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
            elif name in item and item[name] not in (None, ""):
                out[name] = item[name]
        return out

    def _listing(self, request: Request, items: list[dict[str, Any]], fields: list[str]) -> Response:
        since = request.param("since")
        now = time.time()
        visible = [i for i in items if now - i["created_time"] >= self.visibility_delay]
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
            from urllib.parse import urlencode

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
        return self._listing(request, list(self.videos.values()), self._fields(request, "description"))

    def _object(self, request: Request) -> Response:
        error = self.auth_error(request)
        if error:
            return error
        assert request.match is not None
        object_id = request.match["id"]
        item = self.posts.get(object_id) or self.videos.get(object_id) or self.photos.get(object_id)
        if item is None:
            return graph_error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33,
                               kind="GraphMethodException")
        return Response.json(self._render(item, self._fields(request, "id")))

    def _debug_token(self, request: Request) -> Response:
        if not request.bearer():
            return graph_error("An access token is required", 104)
        token = request.param("input_token") or ""
        return Response.json({"data": {"app_id": "1234", "type": "PAGE", "is_valid": token in self.tokens,
                                       "expires_at": self.token_expires_at, "scopes": ["pages_manage_posts"]}})
