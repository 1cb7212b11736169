"""Facebook Page publishing through the Graph API, and the Graph helpers Instagram shares.

Sequences (each create call preceded by its intent in the state):

- text only: `POST /{page-id}/feed` (message) -> {id}
- one image: `POST /{page-id}/photos` (url from the media host, or multipart `source`; caption) -> {id, post_id}
- several images: each `POST /{page-id}/photos` with published=false -> {id} (invisible until attached),
  then `POST /{page-id}/feed` with message and attached_media[i]={"media_fbid": id} -> {id}
- one video: the resumable upload of the Page `/videos` edge
  (https://developers.facebook.com/docs/graph-api/video-uploads#resumable and
  https://developers.facebook.com/docs/graph-api/reference/page/videos/#Creating):
  `upload_phase=start` (file_size) -> {upload_session_id, video_id, start_offset, end_offset}, the video id
  journaled before any byte is sent; `upload_phase=transfer` (upload_session_id, start_offset,
  video_file_chunk) -> the next {start_offset, end_offset}, until they are equal; `upload_phase=finish`
  (upload_session_id, title, description) -> {success}; then `GET /{video-id}?fields=status,published,
  permalink_url` until Facebook has processed it (minutes for long videos).

  Why this protocol and not the app-level Resumable Upload API (`/{app-id}/uploads` -> file handle ->
  `POST /{page-id}/videos` with `fbuploader_video_file_chunk`, the newer publishing guide
  https://developers.facebook.com/docs/video-api/guides/publishing): there the video id comes only in the
  answer of the call that publishes, so a lost answer would leave nothing to read. Here the video exists,
  unpublished, from `start` on; only `finish` publishes it, and one upload session is one video object, so
  every lost answer is settled by reading that id and nothing is ever posted twice.

Reconcile of an unanswered create:
- a photo of an album (published=false): invisible, abandoned and replaced;
- a feed post or a single photo: `GET /{page-id}/feed` for the exact caption after the intent; found ->
  Published; not found -> `_unconfirmed` (a person checks), never sent again (the feed is not definitive);
- video start: nothing can go live without `finish`: a new start;
- video transfer: sent again at the journaled offset; Facebook answers where it stands (1363037 + offsets);
- video finish: by the video id's status: published -> Published; processing -> wait (then Unknown, a later
  publish resolves it); error -> Failed; finish not received -> finish again (same session, same video).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
    AlreadyLive,
    Decision,
    NoAnswer,
    Outcome,
    PublishConfigError,
    Published,
    PublishState,
    Rejected,
    TokenSource,
    Unknown,
    answer_json,
    error_json,
    mime_type,
    parse_time,
    pending_step,
    same_text,
    split_media,
)
from automation.domain.platform_rules import FACEBOOK
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import Failed, MediaFile, Post

GRAPH_BASE = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
CAPTION = FACEBOOK.caption
MAX_PHOTOS = FACEBOOK.image.max_count if FACEBOOK.image else 1
# --- Facebook's error table ----------------------------------------------------------
# What each documented Graph error means for a Page post: (the action, the page that says so).
# Actions: "unclear" (the outcome of a create is unknown: settled by reading the platform; reads retry),
# "throttled" (nothing done; retried on a later cycle, never in a loop), "token" (a person renews the
# token; retried after), "permission" / "policy" (a person), "duplicate" (the same post is already live),
# "invalid" (fails: the request or the media must change), "upload" (a video upload hiccup: the chunk or
# phase is sent again, safe because everything is settled by the video id), "resume" (Facebook says
# which bytes it has: the upload goes on from there).
ERRORS = "https://developers.facebook.com/docs/graph-api/guides/error-handling/"
RATE_LIMITS = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting/"
VIDEO_ERRORS = "https://developers.facebook.com/docs/video-api/reference/error-codes/"
FACEBOOK_CODES: dict[int, tuple[str, str]] = {
    1: ("unclear", ERRORS),  # API Unknown: "possibly a temporary issue due to downtime; wait and retry"
    2: ("unclear", ERRORS),  # API Service: "temporary issue due to downtime; wait and retry"
    4: ("throttled", ERRORS),  # API Too Many Calls (app rate limit)
    17: ("throttled", ERRORS),  # API User Too Many Calls
    32: ("throttled", RATE_LIMITS),  # Page request limit reached (Page-level throttling)
    341: ("throttled", ERRORS),  # Application limit reached
    613: ("throttled", ERRORS),  # Calls within one hour exceeded
    80001: ("throttled", RATE_LIMITS),  # Pages business use case rate limit
    102: ("token", ERRORS),  # API Session: the session is invalid
    190: ("token", ERRORS),  # Access token has expired / invalid
    10: ("permission", ERRORS),  # API Permission Denied
    368: ("policy", ERRORS),  # Temporarily blocked for policies violations
    506: ("duplicate", "https://developers.facebook.com/docs/graph-api/reference/page/feed/#Creating"),
    100: ("invalid", ERRORS),  # Invalid parameter
    324: ("invalid", "https://developers.facebook.com/docs/graph-api/reference/page/photos/#Creating"),
    352: ("invalid", VIDEO_ERRORS),  # the video file format is not supported
    6000: ("upload", VIDEO_ERRORS),  # "There was a problem uploading your video file": retry several times
    6001: ("upload", VIDEO_ERRORS),  # "There was a problem uploading your video": retry
}
FACEBOOK_SUBCODES: dict[int, tuple[str, str]] = {
    458: ("token", ERRORS), 459: ("token", ERRORS), 460: ("token", ERRORS),  # app removed, checkpoint, password
    463: ("token", ERRORS), 464: ("token", ERRORS), 467: ("token", ERRORS),  # expired, unconfirmed, invalid
    1363037: ("resume", VIDEO_ERRORS),  # invalid start offset; error_data gives start_offset and end_offset
    1363030: ("upload", VIDEO_ERRORS),  # video upload timeout: retry
    1363019: ("upload", VIDEO_ERRORS),  # problem uploading the video: retry
    1363033: ("upload", VIDEO_ERRORS),  # the server received a partial chunk: retry
    1363022: ("invalid", VIDEO_ERRORS),  # the video is too small
    1363023: ("invalid", VIDEO_ERRORS),  # the video is too large
    1363042: ("permission", VIDEO_ERRORS),  # no permission to upload video here
}


@dataclass(frozen=True)
class GraphError:
    """A Graph error body: {"error": {message, type, code, error_subcode, is_transient, error_data, fbtrace_id}}."""

    status: int
    code: int
    sub: int
    message: str
    trace: str
    transient: bool
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, response: requests.Response) -> GraphError | None:
        body = error_json(response).get("error")
        if not isinstance(body, dict) or not body:
            return None
        try:
            code, sub = int(body.get("code") or 0), int(body.get("error_subcode") or 0)
        except (TypeError, ValueError):
            code, sub = 0, 0
        data = body.get("error_data") or {}
        if isinstance(data, str):  # Graph sends error_data as a JSON string in places
            try:
                data = json.loads(data)
            except ValueError:
                data = {}
        return cls(response.status_code, code, sub,
                   str(body.get("error_user_msg") or body.get("message") or response.reason or "").strip(),
                   f" [fbtrace {body['fbtrace_id']}]" if body.get("fbtrace_id") else "",
                   body.get("is_transient") is True, data if isinstance(data, dict) else {})

    def action(self) -> str:
        if self.sub in FACEBOOK_SUBCODES:
            return FACEBOOK_SUBCODES[self.sub][0]
        if self.code in FACEBOOK_CODES:
            return FACEBOOK_CODES[self.code][0]
        if 200 <= self.code <= 299:  # API Permission (multiple values depending on the permission)
            return "permission"
        if self.status == 429:
            return "throttled"
        return "unclear" if self.transient else "invalid"  # is_transient: "can be retried"


class UploadOffsets(Rejected):
    """Facebook names the bytes it still needs (1363037): the upload goes on from `start`."""

    def __init__(self, problem: str, start: int, end: int) -> None:
        super().__init__(problem, retry=True)
        self.start = start
        self.end = end


def facebook_error(tokens: TokenSource, response: requests.Response) -> Exception:
    """A Graph error answer for a Facebook Page as the exception the publish sequence acts on."""
    error = GraphError.read(response)
    if error is None or error.status >= 500:
        code = error.code if error else 0
        message = error.message if error else str(response.reason or "")
        return NoAnswer(publish_text.meta_http_error(response.status_code, code, message,
                                                     error.trace if error else ""))
    action, name = error.action(), "Facebook"
    if action == "unclear":
        return NoAnswer(publish_text.meta_http_error(error.status, error.code, error.message, error.trace))
    if action == "throttled":
        return Rejected(publish_text.meta_rate_limited(name, error.code, error.message), retry=True)
    if action == "token" or error.status == 401:
        return Rejected(tokens.expired_problem(publish_text.error_code(error.code)), retry=True)
    if action == "permission":
        return Rejected(publish_text.meta_no_permission(name, error.code, error.message), retry=False)
    if action == "policy":
        return Rejected(publish_text.meta_policy_block(name, error.message), retry=False)
    if action == "duplicate":
        return AlreadyLive(publish_text.meta_duplicate(name, error.message))
    if action == "resume":
        try:
            start, end = int(error.data["start_offset"]), int(error.data["end_offset"])
        except (KeyError, TypeError, ValueError):
            return NoAnswer(publish_text.meta_http_error(error.status, error.code, error.message, error.trace))
        return UploadOffsets(publish_text.facebook_upload_offsets(start, end), start, end)
    if action == "upload":
        return NoAnswer(publish_text.meta_http_error(error.status, error.code, error.message, error.trace))
    return Rejected(publish_text.meta_rejected(name, error.code, error.sub, error.message, error.trace),
                    retry=False)


class GraphAdapter(Adapter):
    """Graph API plumbing: versioned URLs, the Authorization header, debug_token."""

    default_base = GRAPH_BASE

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.graph = f"{self.base('base_url', self.default_base)}/{self.text('api_version', GRAPH_VERSION)}"

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.access_token()}"}

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        url = path if path.startswith("http") else f"{self.graph}/{path.lstrip('/')}"
        return answer_json(self.api.read("GET", url, params=params, headers=self._auth()))

    def _list(self, path: str, pages: int = 5, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        answer = self._get(path, **params)
        for _ in range(pages):
            found.extend(item for item in answer.get("data") or [] if isinstance(item, dict))
            following = (answer.get("paging") or {}).get("next")
            if not following:
                break
            answer = answer_json(self.api.read("GET", following, headers=self._auth()))
        return found

    def _token_expiry(self) -> datetime | None:
        """From the token file, else from `GET /debug_token` when `app_token_env` names an app token."""
        known = self.tokens.expiry()
        if known is not None:
            return known
        app_env = self.text("app_token_env")
        if not app_env:
            return None
        app_token = os.environ.get(app_env, "").strip()
        if not app_token:
            return None
        answer = answer_json(self.api.read("GET", f"{self.graph}/debug_token",
                                           params={"input_token": self.tokens.access_token()},
                                           headers={"Authorization": f"Bearer {app_token}"}))
        data = answer.get("data") or {}
        expires = int(data.get("expires_at") or 0)
        return datetime.fromtimestamp(expires, UTC) if expires > 0 else None


class FacebookPlatform(GraphAdapter):
    name = "Facebook"
    key = "facebook"
    default_token_env = "SOP_KONTEN_FB_TOKEN"
    visible_steps = frozenset({"post", "video_finish"})
    video_keys = ("video_id", "video_session", "video_offset", "video_end", "video_start_at",
                  "video_finish_at", "video_finished")

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.page_id = self.required("page_id")
        # The graph-video host is deprecated for uploads: https://developers.facebook.com/docs/video-api/overview
        video_base = self.base("video_base_url", self.base("base_url", GRAPH_BASE))
        self.video_graph = f"{video_base}/{self.text('api_version', GRAPH_VERSION)}"
        self.upload = self.text("upload", "url" if self.media_host is not None else "file").lower()
        if self.upload not in ("url", "file"):
            raise PublishConfigError(publish_text.FACEBOOK_UPLOAD_INVALID)
        # Status reads while Facebook processes a finished video, before the outcome is left to a later publish.
        self.video_status_reads = max(1, int(self.poll_timeout / max(self.poll_interval, 0.001)))

    def _interpret(self, response: requests.Response) -> Exception:
        return facebook_error(self.tokens, response)

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        steps = [(f"photo_{i}", f"photo_{i}_id") for i in range(MAX_PHOTOS)]
        return pending_step(s, [*steps, ("post", "post_id"), ("video_start", "video_id"),
                                ("video_finish", "video_finished")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        s = state.get()
        if s.get("post_id"):
            return self._published(str(s["post_id"]))
        images, videos, _ = split_media(post)
        if videos:
            return self._video(post, state, videos[0])
        if len(images) == 1:
            answer = self._post(state, lambda: self._send_photo(post, state, images, 0, True))
            post_id = str(answer.get("post_id") or answer.get("id") or "")
        elif images:
            media_ids = []
            for index in range(len(images)):
                known = state.get().get(f"photo_{index}_id")
                if not known:
                    answer = self._create(state, f"photo_{index}",
                                          partial(self._send_photo, post, state, images, index, False))
                    known = str(answer.get("id") or "")
                    if not known:
                        raise NoAnswer(publish_text.PHOTO_ANSWER_WITHOUT_ID)
                    state.save(**{f"photo_{index}_id": known, "step": f"photo_{index}_done"})
                media_ids.append(str(known))
            fields = {f"attached_media[{i}]": json.dumps({"media_fbid": m}) for i, m in enumerate(media_ids)}
            answer = self._post(state, lambda: answer_json(self.api.create(
                "POST", f"{self.graph}/{self.page_id}/feed", headers=self._auth(),
                data={"message": post.caption, **fields})))
            post_id = str(answer.get("id") or "")
        else:
            answer = self._post(state, lambda: answer_json(self.api.create(
                "POST", f"{self.graph}/{self.page_id}/feed", headers=self._auth(), data={"message": post.caption})))
            post_id = str(answer.get("id") or "")
        if not post_id:
            raise NoAnswer(publish_text.UPLOAD_ANSWER_WITHOUT_ID)
        state.save(post_id=post_id, step="post_done")
        return self._published(post_id)

    def _post(self, state: PublishState, send: Any) -> Any:
        """The create that makes the post; the first intent's time bounds the search for a duplicate's twin."""
        if not state.get().get("post_first_at"):
            state.save(post_first_at=self.now_iso())
        return self._create(state, "post", send)

    def _send_photo(self, post: Post, state: PublishState, images: list[MediaFile], index: int,
                    published: bool) -> dict[str, Any]:
        data: dict[str, Any] = {} if published else {"published": "false"}
        if published:
            data["caption"] = post.caption
        url = f"{self.graph}/{self.page_id}/photos"
        if self.upload == "url":
            data["url"] = self._host(state, post, images)[index]
            return answer_json(self.api.create("POST", url, headers=self._auth(), data=data))
        media = images[index]
        with open(media.path, "rb") as handle:
            return answer_json(self.api.create("POST", url, headers=self._auth(), data=data, upload=True,
                                               files={"source": (media.name, handle, mime_type(media))}))

    # -- video: the resumable upload, settled by the video id
    def _video_call(self, data: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        return answer_json(self.api.create("POST", f"{self.video_graph}/{self.page_id}/videos",
                                           headers=self._auth(), data=data, **kwargs))

    def _video(self, post: Post, state: PublishState, video: MediaFile) -> Outcome:
        if not state.get().get("video_id"):
            size = video.path.stat().st_size
            answer = self._create(state, "video_start", lambda: self._video_call(
                {"upload_phase": "start", "file_size": str(size)}))
            video_id, session = str(answer.get("video_id") or ""), str(answer.get("upload_session_id") or "")
            if not (video_id and session):
                raise NoAnswer(publish_text.UPLOAD_ANSWER_WITHOUT_ID)
            state.save(video_id=video_id, video_session=session, video_offset=_offset(answer, "start_offset"),
                       video_end=_offset(answer, "end_offset"), step="video_started")
        for _ in range(3):  # a finish refused for missing bytes sends them, then finishes again
            if state.get().get("video_finished"):
                break
            self._transfer(state, video)
            if self._finish(post, state):
                break
        else:
            raise NoAnswer(publish_text.facebook_video_incomplete(state.get().get("video_id")))
        return self._video_outcome(state, self.video_status_reads)

    def _transfer(self, state: PublishState, video: MediaFile) -> None:
        """Send the bytes Facebook asks for, from the journaled offsets; a resend is answered with offsets."""
        size = video.path.stat().st_size
        stalls = 0
        while True:
            s = state.get()
            start, end = int(s.get("video_offset") or 0), int(s.get("video_end") or 0)
            if start >= end or start >= size:
                return
            with open(video.path, "rb") as handle:
                handle.seek(start)
                chunk = handle.read(end - start)
            try:
                answer = self._video_call(
                    {"upload_phase": "transfer", "upload_session_id": str(s["video_session"]),
                     "start_offset": str(start)},
                    files={"video_file_chunk": (video.name, chunk, "application/octet-stream")}, upload=True)
                following = (_offset(answer, "start_offset"), _offset(answer, "end_offset"))
            except UploadOffsets as exc:
                following = (exc.start, exc.end)
            stalls = stalls + 1 if following == (start, end) else 0
            if stalls > 2:
                raise NoAnswer(publish_text.facebook_video_incomplete(s.get("video_id")))
            state.save(video_offset=following[0], video_end=following[1])

    def _finish(self, post: Post, state: PublishState) -> bool:
        """Publish the uploaded video; False when Facebook still misses bytes (the offsets are saved)."""
        s = state.get()
        earlier = int(s.get("video_finish_attempts") or 0)
        try:
            answer = self._create(state, "video_finish", lambda: self._video_call(
                {"upload_phase": "finish", "upload_session_id": str(s["video_session"]),
                 "title": post.title, "description": post.caption}))
        except UploadOffsets as exc:
            state.save(video_offset=exc.start, video_end=exc.end)
            return False
        except Rejected:
            # After an unanswered finish, a refused repeat may mean the first one went through: the video
            # id's status decides from here (Unknown while unclear), never "nothing is live".
            if earlier and self._video_status(str(s["video_id"]))[0] != "error":
                state.save(video_finish_at=self.now_iso(), video_finished=True, step="video_processing")
                return True
            raise
        if answer.get("success") is False:
            raise NoAnswer(publish_text.facebook_video_not_finished(s.get("video_id")))
        state.save(video_finished=True, step="video_processing")
        return True

    def _unsure(self, s: dict) -> bool:
        """A finished video may go live while its status cannot be read: never "nothing is live"."""
        return super()._unsure(s) or bool(s.get("video_finished") and not s.get("post_id"))

    def _video_status(self, video_id: str) -> tuple[str, dict[str, Any]]:
        """live | processing | unfinished | error, from the video's status
        (https://developers.facebook.com/docs/graph-api/reference/video-status/ : video_status, and the
        uploading / processing / publishing phases with their own status)."""
        answer = self._get(video_id, fields="status,published,permalink_url")
        found = answer.get("status")
        status: dict[str, Any] = found if isinstance(found, dict) else {}

        def phase(name: str) -> str:
            value = status.get(name)
            return str(value.get("status") or "") if isinstance(value, dict) else ""

        phases = (phase("uploading_phase"), phase("processing_phase"), phase("publishing_phase"))
        if str(status.get("video_status") or "") == "error" or "error" in phases:
            return "error", answer
        if answer.get("published") is True or phases[2] == "complete":
            return "live", answer
        if str(status.get("video_status") or "") == "expired":
            return "expired", answer
        if phases[2] in ("", "not_started"):  # publishing not begun: the finish was not received
            return "unfinished", answer
        return "processing", answer

    def _video_outcome(self, state: PublishState, reads: int) -> Outcome:
        video_id = str(state.get()["video_id"])
        for read in range(reads):
            verdict, answer = self._video_status(video_id)
            if verdict == "live":
                state.save(post_id=video_id, step="post_done")
                return self._published(video_id, str(answer.get("permalink_url") or ""))
            if verdict == "error":
                return self._video_failed(state, answer)
            if read + 1 < reads:  # after an answered finish every other status is Facebook still at work
                self.sleep(self.poll_interval)
        return Unknown(publish_text.facebook_video_processing(video_id))

    def _video_failed(self, state: PublishState, answer: dict[str, Any]) -> Failed:
        """Facebook could not process the video: nothing is live; a new upload starts from scratch."""
        video_id = state.get().get("video_id")
        state.save(step="video_error", **{key: None for key in self.video_keys})
        detail = json.dumps(answer.get("status") or {}, ensure_ascii=False)[:300]
        return Failed(publish_text.facebook_video_failed(video_id, detail), retry=False)

    def _published(self, post_id: str, permalink: str = "") -> Published:
        link = permalink
        if not link:
            try:
                link = str(self._get(post_id, fields="permalink_url").get("permalink_url") or "")
            except (Rejected, NoAnswer) as exc:
                self.log.warning(log_text.FACEBOOK_PERMALINK_NOT_READ, post_id, exc)
        if link.startswith("/"):
            link = f"https://www.facebook.com{link}"
        return Published(link=link or f"https://www.facebook.com/{post_id}", remote_id=post_id)

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step.startswith("photo_"):  # an unpublished photo is invisible; another one replaces it
            state.save(**{f"{step}_at": None, "step": f"{step}_abandoned"})
            return CONTINUE
        if step == "video_start":  # a session never finished never publishes: start a new one
            state.save(video_start_at=None, step="video_start_lost")
            return CONTINUE
        if step == "video_finish":
            verdict, answer = self._video_status(str(state.get()["video_id"]))
            if verdict == "live":
                state.save(video_finished=True, post_id=str(state.get()["video_id"]), step="post_found")
                return self._published(str(state.get()["video_id"]), str(answer.get("permalink_url") or ""))
            if verdict == "error":
                return self._video_failed(state, answer)
            if verdict == "processing":
                state.save(video_finished=True, step="video_processing")
            elif verdict == "expired":  # the session lapsed unfinished: nothing went live; upload anew
                state.save(step="video_expired", **{key: None for key in self.video_keys})
            else:  # not received (or the session lapsed): finishing again cannot make a second video
                state.save(video_finish_at=None, step="video_finish_not_received")
            return CONTINUE
        intent = str(state.get().get("post_at"))
        since = self.since(intent)
        found = self._search(lambda: self._feed_match(post, since), intent)
        if found:
            state.save(post_id=str(found["id"]), step="post_found")
            return self._published(str(found["id"]), str(found.get("permalink_url") or ""))
        return self._unconfirmed(state, "post")

    def _feed_match(self, post: Post, since: datetime) -> dict[str, Any] | None:
        """The oldest Page post since `since` whose text is the caption."""
        items = self._list(f"{self.page_id}/feed", fields="id,message,created_time,permalink_url",
                           since=int(since.timestamp()), limit=50)
        matches = [i for i in items if same_text(post.caption, str(i.get("message") or ""))
                   and (parse_time(str(i.get("created_time") or "")) or since) >= since]
        if len(matches) > 1:
            self.log.warning(log_text.FACEBOOK_SEVERAL_POSTS, len(matches), post.key)
        matches.sort(key=lambda i: str(i.get("created_time") or ""))
        return matches[0] if matches else None

    def _find_live(self, post: Post, state: PublishState) -> Published | None:
        """The post a duplicate refusal (506) points at: the Page's post with this caption since the first intent."""
        s = state.get()
        found = self._feed_match(post, self.since(str(s.get("post_first_at") or s.get("post_at") or "")))
        if not found:
            return None
        return self._published(str(found["id"]), str(found.get("permalink_url") or ""))


def _offset(answer: dict[str, Any], name: str) -> int:
    try:
        return int(answer[name])
    except (KeyError, TypeError, ValueError) as exc:
        raise NoAnswer(publish_text.answer_not_object(200)) from exc
