"""A local Instagram professional account behind the Graph API content-publishing endpoints.

POST /v*/{ig-user-id}/media creates a container and FETCHES image_url / video_url over HTTP the way
Instagram does (so the media host must really serve the file); the container is IN_PROGRESS for
`processing_seconds`, then FINISHED (or ERROR when the media is not a JPEG / MP4, or when an error
is injected). POST /media_publish turns a FINISHED container into a live post (status PUBLISHED);
a container is published at most once. Also: GET /{container}?fields=status_code,status,
GET /{ig-user-id}/media, GET /{media-id}, GET /{ig-user-id}/content_publishing_limit,
GET /refresh_access_token.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from .facebook import VERSION, GraphFake, graph_error
from .server import Request, Response, fetch, looks_like


class InstagramFake(GraphFake):
    def __init__(self, ig_user_id: str = "17841400000000000", tokens: set[str] | None = None,
                 processing_seconds: float = 0.05, quota_total: int = 100) -> None:
        super().__init__(tokens or {"ig-token"})
        self.ig_user_id = ig_user_id
        self.processing_seconds = processing_seconds
        self.quota_total = quota_total
        self.quota_usage = 0
        self.containers: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.fail_next_container = False  # the next container ends in ERROR
        self.publish_calls: list[str] = []  # creation_id of every media_publish that created a post
        user = rf"{VERSION}/(?P<user>\d+)"
        self.route("POST", rf"{user}/media", self._create_container)
        self.route("POST", rf"{user}/media_publish", self._publish)
        self.route("GET", rf"{user}/media", self._media_list)
        self.route("GET", rf"{user}/content_publishing_limit", self._limit)
        self.route("GET", rf"(?:{VERSION})?/refresh_access_token", self._refresh)
        self.route("GET", rf"{VERSION}/(?P<id>\d+)", self._object)

    def live_posts(self) -> list[dict[str, Any]]:
        return list(self.media.values())

    def _user_error(self, request: Request) -> Response | None:
        error = self.auth_error(request)
        if error:
            return error
        if request.match and request.match["user"] != self.ig_user_id:
            return graph_error(f"Unsupported post request. Object with ID '{request.match['user']}' does not "
                               "exist", 100, 33, kind="GraphMethodException")
        return None

    # -- containers
    def _create_container(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        media_type = (request.param("media_type") or "IMAGE").upper()
        container: dict[str, Any] = {"id": self.new_id(), "media_type": media_type, "status_code": "IN_PROGRESS",
                                     "status": "", "caption": request.param("caption") or "", "created": time.time(),
                                     "carousel_item": request.param("is_carousel_item") == "true", "ready": None}
        if media_type == "CAROUSEL":
            children = [c for c in (request.param("children") or "").split(",") if c]
            if not 2 <= len(children) <= 10:
                return graph_error("(#100) The parameter children must contain between 2 and 10 items", 100)
            for child in children:
                item = self.containers.get(child)
                if item is None or not item["carousel_item"] or self._status(item) != "FINISHED":
                    return graph_error(f"(#100) Invalid child container {child}", 100, 2207021)
            container["children"] = children
            container["ready"] = True
        elif media_type in ("REELS", "VIDEO"):
            url = request.param("video_url")
            if not url:
                return graph_error("(#100) The parameter video_url is required", 100)
            container["url"] = url
            threading.Thread(target=self._fetch_video, args=(container,), daemon=True).start()  # asynchronous
        elif media_type == "IMAGE":
            url = request.param("image_url")
            if not url:
                return graph_error("(#100) The parameter image_url is required", 100)
            status, data, _ = fetch(url)
            if status != 200:
                return graph_error("Media download has failed. The media URI doesn't meet our requirements.",
                                   9004, 2207052, error_user_title="Media download has failed")
            container["url"] = url
            container["ready"] = looks_like(data, "jpeg")
            if not container["ready"]:
                container["status"] = "Error: Unsupported format (2207026)"
        else:
            return graph_error(f"(#100) media_type {media_type} is not supported", 100)
        if self.fail_next_container:
            self.fail_next_container = False
            container["ready"] = False
            container["status"] = "Error: Media upload has failed with error code 2207001"
        self.containers[container["id"]] = container
        return Response.json({"id": container["id"]})

    def _fetch_video(self, container: dict[str, Any]) -> None:
        status, data, _ = fetch(container["url"])
        with self.lock:
            ok = status == 200 and looks_like(data, "video")
            if container["ready"] is None:
                container["ready"] = ok
            if not ok:
                container["status"] = "Error: Media download has failed (2207052)"

    def _status(self, container: dict[str, Any]) -> str:
        if container["status_code"] in ("PUBLISHED", "EXPIRED"):
            return container["status_code"]
        if container["ready"] is False:
            container["status_code"] = "ERROR"
        elif container["ready"] and time.time() - container["created"] >= self.processing_seconds:
            container["status_code"] = "FINISHED"
        return container["status_code"]

    def expire(self, container_id: str) -> None:
        with self.lock:
            self.containers[container_id]["status_code"] = "EXPIRED"

    # -- publishing
    def _publish(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        creation_id = request.param("creation_id") or ""
        container = self.containers.get(creation_id)
        if container is None or container["carousel_item"]:
            return graph_error(f"(#100) Invalid parameter creation_id {creation_id}", 100)
        if self.quota_usage >= self.quota_total:
            return graph_error("Application request limit reached", 9, 2207042,
                               error_user_title="The maximum number of posts has been reached",
                               error_user_msg="The app user has reached the maximum number of posts per day.")
        status = self._status(container)
        if status == "PUBLISHED":
            return graph_error("The media has already been published", 9007, 2207006)
        if status != "FINISHED":
            return graph_error("Media ID is not available", 9007, 2207027,
                               error_user_msg="The media is not ready for publishing, please wait for a moment")
        media_id = self.new_id()
        self.media[media_id] = {"id": media_id, "caption": container["caption"], "created": time.time(),
                                "container": creation_id, "media_type": container["media_type"],
                                "permalink": f"https://www.instagram.com/p/{secrets.token_urlsafe(8)}/"}
        container["status_code"] = "PUBLISHED"
        self.quota_usage += 1
        self.publish_calls.append(creation_id)
        return Response.json({"id": media_id})

    # -- reads
    def _object(self, request: Request) -> Response:
        error = self.auth_error(request)
        if error:
            return error
        assert request.match is not None
        object_id = request.match["id"]
        fields = [f for f in (request.param("fields") or "id").split(",") if f]
        if object_id in self.containers:
            container = self.containers[object_id]
            code = self._status(container)
            status = container["status"] or {"FINISHED": "Finished: Media has been uploaded and it is ready to be "
                                                         "published.", "PUBLISHED": "Published",
                                             "IN_PROGRESS": "In Progress", "EXPIRED": "Expired"}.get(code, "")
            values = {"id": object_id, "status_code": code, "status": status}
        elif object_id in self.media:
            values = self._media_fields(self.media[object_id])
        else:
            return graph_error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33,
                               kind="GraphMethodException")
        return Response.json({k: v for k, v in values.items() if k in fields or k == "id"})

    @staticmethod
    def _media_fields(item: dict[str, Any]) -> dict[str, Any]:
        return {"id": item["id"], "caption": item["caption"], "permalink": item["permalink"],
                "media_type": "VIDEO" if item["media_type"] == "REELS" else item["media_type"],
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(item["created"]))}

    def _media_list(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        fields = [f for f in (request.param("fields") or "id").split(",") if f]
        items = sorted(self.media.values(), key=lambda m: m["created"], reverse=True)
        limit = int(request.param("limit") or 25)
        data = [{k: v for k, v in self._media_fields(m).items() if k in fields or k == "id"} for m in items[:limit]]
        return Response.json({"data": data, "paging": {"cursors": {"before": "QVFIU", "after": "QVFIU"}}})

    def _limit(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        fields = (request.param("fields") or "quota_usage").split(",")
        row: dict[str, Any] = {"quota_usage": self.quota_usage}
        if "config" in fields:
            row["config"] = {"quota_total": self.quota_total, "quota_duration": 86400}
        return Response.json({"data": [row]})

    def _refresh(self, request: Request) -> Response:
        if request.param("grant_type") != "ig_refresh_token":
            return graph_error("Unsupported grant_type", 100)
        token = request.param("access_token") or ""
        if token in self.expired or token not in self.tokens:
            return graph_error("Error validating access token: Session has expired", 190, 463)
        new = "IGQ" + secrets.token_urlsafe(24)
        self.tokens.add(new)
        return Response.json({"access_token": new, "token_type": "bearer", "expires_in": 5183944})
