"""Facebook Page publishing through the Graph API, and the Graph helpers Instagram shares.

Sequences (each create call preceded by its intent in the state):

- text only: `POST /{page-id}/feed` (message) -> {id}
- one image: `POST /{page-id}/photos` (url from the media host, or multipart `source`; caption) -> {id, post_id}
- several images: each `POST /{page-id}/photos` with published=false -> {id} (invisible until attached),
  then `POST /{page-id}/feed` with message and attached_media[i]={"media_fbid": id} -> {id}
- one video: `POST graph-video.facebook.com/{page-id}/videos` (file_url or multipart `source`;
  description, title) -> {id}

Reconcile of an unanswered post: `GET /{page-id}/feed?fields=id,message,created_time,permalink_url&since=`
(and `/{page-id}/videos` for a video), matching the exact caption created after the intent.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
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
from automation.ports import MediaFile, Post

GRAPH_BASE = "https://graph.facebook.com"
GRAPH_VIDEO_BASE = "https://graph-video.facebook.com"
GRAPH_VERSION = "v21.0"
THROTTLED = {4, 9, 17, 32, 341, 613, 80001, 80002, 80004}
CAPTION = FACEBOOK.caption
MAX_PHOTOS = FACEBOOK.image.max_count if FACEBOOK.image else 1


def graph_error(platform: str, tokens: TokenSource, response: requests.Response) -> Exception:
    """A Graph API error answer ({"error": {message, type, code, error_subcode, fbtrace_id}}) as Rejected/NoAnswer."""
    body = error_json(response).get("error") or {}
    if not isinstance(body, dict):
        body = {}
    try:
        code = int(body.get("code") or 0)
        sub = int(body.get("error_subcode") or 0)
    except (TypeError, ValueError):
        code, sub = 0, 0
    message = str(body.get("error_user_msg") or body.get("message") or response.reason or "").strip()
    trace = f" [fbtrace {body['fbtrace_id']}]" if body.get("fbtrace_id") else ""
    status = response.status_code
    if status >= 500 or code in (1, 2) or not body:
        return NoAnswer(publish_text.meta_http_error(status, code, message, trace))
    if code in (190, 102) or status == 401 or (code == 10 and sub in (458, 459, 460, 463, 464, 467)):
        return Rejected(tokens.expired_problem(publish_text.error_code(code)), retry=True)
    if sub == 2207042 or (platform == "Instagram" and code == 9):
        return Rejected(publish_text.INSTAGRAM_QUOTA_REACHED, retry=True)
    if code in THROTTLED or status == 429:
        return Rejected(publish_text.meta_rate_limited(platform, code, message), retry=True)
    if code == 9004 or sub == 2207052:
        return Rejected(publish_text.meta_media_unreachable(platform, message), retry=True)
    if code == 10 or 200 <= code <= 299:
        return Rejected(publish_text.meta_no_permission(platform, code, message), retry=False)
    if code == 368:
        return Rejected(publish_text.meta_policy_block(platform, message), retry=False)
    if code == 506:
        return Rejected(publish_text.meta_duplicate(platform, message), retry=False)
    if body.get("is_transient") is True:
        return NoAnswer(publish_text.meta_http_error(status, code, message, trace))
    return Rejected(publish_text.meta_rejected(platform, code, sub, message, trace), retry=False)


class GraphAdapter(Adapter):
    """Graph API plumbing: versioned URLs, the Authorization header, debug_token."""

    default_base = GRAPH_BASE

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.graph = f"{self.base('base_url', self.default_base)}/{self.text('api_version', GRAPH_VERSION)}"

    def _interpret(self, response: requests.Response) -> Exception:
        return graph_error(self.name, self.tokens, response)

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
    visible_steps = frozenset({"post"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.page_id = self.required("page_id")
        video_base = self.base("video_base_url", GRAPH_VIDEO_BASE)
        self.video_graph = f"{video_base}/{self.text('api_version', GRAPH_VERSION)}"
        self.upload = self.text("upload", "url" if self.media_host is not None else "file").lower()
        if self.upload not in ("url", "file"):
            raise PublishConfigError(publish_text.FACEBOOK_UPLOAD_INVALID)

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        steps = [(f"photo_{i}", f"photo_{i}_id") for i in range(MAX_PHOTOS)]
        return pending_step(s, [*steps, ("post", "post_id")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        s = state.get()
        if s.get("post_id"):
            return self._published(str(s["post_id"]))
        images, videos, _ = split_media(post)
        if videos:
            answer = self._create(state, "post", lambda: self._send_video(post, state, videos[0]))
            post_id = str(answer.get("id") or "")
        elif len(images) == 1:
            answer = self._create(state, "post", lambda: self._send_photo(post, state, images, 0, True))
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
            answer = self._create(state, "post", lambda: answer_json(self.api.create(
                "POST", f"{self.graph}/{self.page_id}/feed", headers=self._auth(),
                data={"message": post.caption, **fields})))
            post_id = str(answer.get("id") or "")
        else:
            answer = self._create(state, "post", lambda: answer_json(self.api.create(
                "POST", f"{self.graph}/{self.page_id}/feed", headers=self._auth(), data={"message": post.caption})))
            post_id = str(answer.get("id") or "")
        if not post_id:
            raise NoAnswer(publish_text.UPLOAD_ANSWER_WITHOUT_ID)
        state.save(post_id=post_id, step="post_done")
        return self._published(post_id)

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

    def _send_video(self, post: Post, state: PublishState, video: MediaFile) -> dict[str, Any]:
        data = {"description": post.caption, "title": post.title}
        url = f"{self.video_graph}/{self.page_id}/videos"
        if self.upload == "url":
            data["file_url"] = self._host(state, post, [video])[0]
            return answer_json(self.api.create("POST", url, headers=self._auth(), data=data))
        with ExitStack() as stack:
            handle = stack.enter_context(open(video.path, "rb"))
            return answer_json(self.api.create("POST", url, headers=self._auth(), data=data, upload=True,
                                               files={"source": (video.name, handle, mime_type(video))}))

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
        s = state.get()
        if step.startswith("photo_"):  # an unpublished photo is invisible; another one replaces it
            state.save(**{f"{step}_at": None, "step": f"{step}_abandoned"})
            return CONTINUE
        intent = str(s.get("post_at"))
        since = self.since(intent)
        _, videos, _ = split_media(post)

        def find() -> dict[str, Any] | None:
            items = self._list(f"{self.page_id}/feed", fields="id,message,created_time,permalink_url",
                               since=int(since.timestamp()), limit=50)
            if videos:
                items += [{**v, "message": v.get("description", "")} for v in self._list(
                    f"{self.page_id}/videos", fields="id,description,created_time,permalink_url",
                    since=int(since.timestamp()), limit=25)]
            matches = [i for i in items if same_text(post.caption, str(i.get("message") or ""))
                       and (parse_time(str(i.get("created_time") or "")) or since) >= since]
            if len(matches) > 1:
                self.log.warning(log_text.FACEBOOK_SEVERAL_POSTS, len(matches), post.key)
            matches.sort(key=lambda i: str(i.get("created_time") or ""))
            return matches[0] if matches else None

        found = self._search(find, intent)
        if found:
            state.save(post_id=str(found["id"]), step="post_found")
            return self._published(str(found["id"]), str(found.get("permalink_url") or ""))
        if self._may_recreate(state, "post"):
            self.log.warning(log_text.FACEBOOK_POST_AGAIN, post.key,
                             self.settle_seconds)
            state.save(post_at=None, step="post_not_found")
            return CONTINUE
        return Unknown(publish_text.FACEBOOK_NOT_FOUND)
