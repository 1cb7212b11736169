"""A local Instagram professional account behind the Graph API content-publishing endpoints.

Follows the content publishing guide (https://developers.facebook.com/docs/instagram-platform/content-publishing/)
and the error reference (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes/):

- POST /v*/{ig-user-id}/media creates a container and FETCHES image_url / video_url over HTTP ("we cURL your
  media", so the media host must really serve the file). A fetch that fails answers 9004 / 2207052.
- The container's `status_code` is IN_PROGRESS for `processing_reads` status reads, then FINISHED (delays are
  counts of reads, never wall-clock time); ERROR when the media is not a JPEG / MP4 or `fail_next_container`
  is set; EXPIRED when the test calls `expire(container)` (the guide: "not published within 24 hours").
- POST /media_publish turns a FINISHED container into a live post and the container into PUBLISHED. A
  container is published at most once: a second media_publish of it is refused with 9007 / 2207027 "Media ID
  is not available" - the answer Instagram gives for a container that cannot be published (the error
  reference lists 2207027; the body below is the one seen in activepieces/activepieces#10389). Instagram
  documents no separate "already published" error.
- `visibility` ("immediate" | "late" | "never"): whether a live post shows in the reads a reconcile uses -
  `GET /{ig-user-id}/media` - and whether its container's status already reads PUBLISHED. "late" hides it
  until `reveal()`; "never" for ever. While hidden the container still reads FINISHED: the post is live but
  not yet visible (Instagram's reads are eventually consistent).
- GET /{container}?fields=status_code,status, GET /{ig-user-id}/media, GET /{media-id},
  GET /{ig-user-id}/content_publishing_limit (quota_usage, config.quota_total; 9 / 2207042 once used up),
  GET /refresh_access_token (grant_type=ig_refresh_token).

Error bodies carry code, error_subcode, is_transient, error_user_title, error_user_msg and fbtrace_id, as the
error reference's sample response does.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from .facebook import VERSION, GraphFake
from .server import Request, Response, fetch, looks_like

VISIBILITIES = ("immediate", "late", "never")


def ig_error(message: str, code: int, subcode: int | None = None, status: int = 400, *, title: str = "",
             user_message: str = "", transient: bool = False, kind: str = "OAuthException") -> Response:
    """An error answer shaped like the error reference's sample response."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "is_transient": transient}
    if subcode is not None:
        error["error_subcode"] = subcode
    if title:
        error["error_user_title"] = title
    if user_message:
        error["error_user_msg"] = user_message
    error["fbtrace_id"] = "A" + secrets.token_hex(10)
    return Response.json({"error": error}, status)


# Documented error bodies a test can inject with `fake.fail(..., "error_before", response=ERRORS[...])`
# (ERRORS_PAGE rows: code, subcode, user message).
ERRORS: dict[str, Response] = {
    "spam": ig_error("Action is blocked", 4, 2207051, title="Action blocked",
                     user_message="We restrict certain activity to protect our community. Tell us if you think we "
                                  "made a mistake."),
    "rate_limit": ig_error("(#4) Application request limit reached", 4, transient=True),
    "server_error": ig_error("An unexpected error has occurred. Please retry your request later.", -1, 2207001,
                             transient=True, user_message="Instagram server error. Try again."),
    "download_timeout": ig_error("Timeout", -2, 2207003, transient=True,
                                 user_message="It takes too long to download the media."),
    "media_expired": ig_error("The media has expired", -2, 2207020,
                              user_message="The media you are trying to access has expired. Please try to upload "
                                           "again."),
    "publish_limit": ig_error("Application request limit reached", 9, 2207042,
                              title="The maximum number of posts has been reached",
                              user_message="You reached maximum number of posts that is allowed to be published "
                                           "by Content Publishing API."),
    "permission": ig_error("Media not found", 24, 2207006, title="Media not found",
                           user_message="The media with the id could not be found."),
    "temporary_publish": ig_error("Media builder not found", 24, 2207008,
                                  user_message="Temporary error publishing a container."),
    "restricted": ig_error("The user is not allowed to publish", 25, 2207050, title="Restricted account",
                           user_message="The Instagram account is inactive, checkpointed or restricted."),
    "video_format": ig_error("The video format is not supported", 352, 2207026, title="Unsupported video format",
                             user_message="The video format is not supported. Please check spec for supported "
                                          "video format."),
    "image_too_large": ig_error("The image size is too large.", 36000, 2207004, title="Image size too large",
                                user_message="The image is too large to download. It should be less than 8 MiB."),
    "image_format": ig_error("The image format is not supported.", 36001, 2207005, title="Unsupported format",
                             user_message="The image format is not supported. Supported formats are: JPEG"),
    "aspect_ratio": ig_error("The aspect ratio is not supported.", 36003, 2207009,
                             title="Aspect ratio not supported",
                             user_message="The submitted image with aspect ratio cannot be published."),
    "expired_token": ig_error("Error validating access token: Session has expired", 190, 463),
    "unknown": ig_error("An unknown error occurred", 1, transient=True),
}


class InstagramFake(GraphFake):
    # Every call of the publish sequence whose answer can be lost, per media kind (fail(..., "drop_after")).
    CREATE_POINTS: dict[str, list[tuple[str, str]]] = {
        "image": [("POST", r"/media$"), ("POST", r"/media_publish$")],
        "images": [("POST", r"/media$"), ("POST", r"/media_publish$")],  # the first child, then the carousel
        "video": [("POST", r"/media$"), ("POST", r"/media_publish$")],
    }

    def __init__(self, ig_user_id: str = "17841400000000000", tokens: set[str] | None = None,
                 processing_reads: int = 1, quota_total: int = 100, visibility: str = "immediate",
                 container_lag: bool = False) -> None:
        super().__init__(tokens or {"ig-token"})
        if visibility not in VISIBILITIES:
            raise ValueError(visibility)
        self.ig_user_id = ig_user_id
        self.processing_reads = processing_reads  # status reads that still say IN_PROGRESS
        self.quota_total = quota_total
        self.quota_usage = 0
        self.visibility = visibility
        # A published container's status still reads FINISHED even where the media list shows the post.
        self.container_lag = container_lag
        self.containers: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.fail_next_container = False  # the next container ends in ERROR
        self.publish_calls: list[str] = []  # creation_id of every media_publish that created a post
        self.refused_publishes: list[str] = []  # creation_id of every second media_publish (refused)
        user = rf"{VERSION}/(?P<user>\d+)"
        self.route("POST", rf"{user}/media", self._create_container)
        self.route("POST", rf"{user}/media_publish", self._publish)
        self.route("GET", rf"{user}/media", self._media_list)
        self.route("GET", rf"{user}/content_publishing_limit", self._limit)
        self.route("GET", rf"(?:{VERSION})?/refresh_access_token", self._refresh)
        self.route("GET", rf"{VERSION}/(?P<id>\d+)", self._object)

    # -- the uniform fake API
    def live_posts(self) -> list[dict[str, Any]]:
        return list(self.media.values())

    def reveal(self) -> None:
        """Every post hidden by visibility "late" becomes visible ("never" stays hidden)."""
        with self.lock:
            for item in self.media.values():
                if item["hidden"] == "late":
                    item["hidden"] = ""

    def expire(self, container_id: str) -> None:
        """The container was not published within 24 hours (a published one never expires)."""
        with self.lock:
            container = self.containers[container_id]
            if container["state"] != "PUBLISHED":
                container["state"] = "EXPIRED"

    # -- helpers
    def _user_error(self, request: Request) -> Response | None:
        error = self.auth_error(request)
        if error:
            return error
        if request.match and request.match["user"] != self.ig_user_id:
            return ig_error(f"Unsupported post request. Object with ID '{request.match['user']}' does not exist",
                            100, 33, kind="GraphMethodException")
        return None

    def _hidden(self, container: dict[str, Any]) -> bool:
        media = self.media.get(container.get("media_id") or "")
        return media is not None and bool(media["hidden"])

    def _read_status(self, container: dict[str, Any]) -> str:
        """The status_code a status read answers: processing ends after `processing_reads` reads; a published
        container whose post is still hidden reads FINISHED."""
        if container["state"] == "IN_PROGRESS":
            container["reads"] += 1
            if container["reads"] > self.processing_reads:
                container["state"] = "FINISHED" if container["ok"] else "ERROR"
        if container["state"] == "PUBLISHED" and (self._hidden(container) or self.container_lag):
            return "FINISHED"
        return str(container["state"])

    # -- containers
    def _create_container(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        media_type = (request.param("media_type") or "IMAGE").upper()
        container: dict[str, Any] = {"id": self.new_id(), "media_type": media_type, "state": "IN_PROGRESS",
                                     "status": "", "caption": request.param("caption") or "", "reads": 0,
                                     "carousel_item": request.param("is_carousel_item") == "true", "ok": True}
        if media_type == "CAROUSEL":
            children = [c for c in (request.param("children") or "").split(",") if c]
            if not 2 <= len(children) <= 10:
                return ig_error("(#100) The parameter children must contain between 2 and 10 items", 100, 2207028)
            for child in children:
                item = self.containers.get(child)
                if item is None or not item["carousel_item"] or item["state"] != "FINISHED":
                    return ig_error(f"(#100) Invalid child container {child}", 100, 2207021)
            container["children"] = children
        elif media_type in ("REELS", "VIDEO", "IMAGE"):
            kind = "image" if media_type == "IMAGE" else "video"
            url = request.param(f"{kind}_url")
            if not url:
                return ig_error(f"(#100) The parameter {kind}_url is required", 100)
            status, data, _ = fetch(url)
            if status != 200:
                return ig_error("Only photo or video can be accepted as media type.", 9004, 2207052,
                                title="Media download has failed. The media URI doesn't meet our requirements.",
                                user_message=f"The media could not be fetched from this URI: {url}.")
            container["url"] = url
            container["ok"] = looks_like(data, "jpeg" if kind == "image" else "video")
            if not container["ok"]:
                container["status"] = "Error: Unsupported format (2207026)" if kind == "video" else \
                    "Error: The image format is not supported (2207005)"
        else:
            return ig_error(f"(#100) media_type {media_type} is not supported", 100, 2207023)
        if self.fail_next_container:
            self.fail_next_container = False
            container["ok"] = False
            container["status"] = "Error: Media upload has failed with error code 2207001"
        self.containers[container["id"]] = container
        return Response.json({"id": container["id"]})

    # -- publishing
    def _publish(self, request: Request) -> Response:
        error = self._user_error(request)
        if error:
            return error
        creation_id = request.param("creation_id") or ""
        container = self.containers.get(creation_id)
        if container is None or container["carousel_item"]:
            return ig_error(f"(#100) Invalid parameter creation_id {creation_id}", 100)
        if self.quota_usage >= self.quota_total:
            return ERRORS["publish_limit"]
        if container["state"] != "FINISHED":  # in progress, expired, failed - or already published
            if container["state"] == "PUBLISHED":
                self.refused_publishes.append(creation_id)
            return ig_error("Media ID is not available", 9007, 2207027, title="Cannot publish",
                            user_message="The media is not ready to be published. Please wait a moment.")
        media_id = self.new_id()
        hidden = "" if self.visibility == "immediate" else self.visibility
        self.media[media_id] = {"id": media_id, "caption": container["caption"], "created": time.time(),
                                "container": creation_id, "media_type": container["media_type"], "hidden": hidden,
                                "permalink": f"https://www.instagram.com/p/{secrets.token_urlsafe(8)}/"}
        container["state"] = "PUBLISHED"
        container["media_id"] = media_id
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
            code = self._read_status(container)
            status = container["status"] or {"FINISHED": "Finished: Media has been uploaded and it is ready to be "
                                                         "published.", "PUBLISHED": "Published",
                                             "IN_PROGRESS": "In Progress", "EXPIRED": "Expired"}.get(code, "")
            values = {"id": object_id, "status_code": code, "status": status}
        elif object_id in self.media:  # a media id is known only from media_publish's answer
            values = self._media_fields(self.media[object_id])
        else:
            return ig_error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33,
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
        items = sorted((m for m in self.media.values() if not m["hidden"]), key=lambda m: m["created"],
                       reverse=True)
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
            return ig_error("Unsupported grant_type", 100)
        token = request.param("access_token") or ""
        if token in self.expired or token not in self.tokens:
            return ERRORS["expired_token"]
        new = "IGQ" + secrets.token_urlsafe(24)
        self.tokens.add(new)
        return Response.json({"access_token": new, "token_type": "bearer", "expires_in": 5183944})
