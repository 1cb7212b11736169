"""X (API v2) publishing: media upload v2, then one post.

1. Per media file: `POST /2/media/upload/initialize` {media_type, total_bytes, media_category} -> data.id;
   `POST /2/media/upload/{id}/append` (multipart: media, segment_index) per chunk;
   `POST /2/media/upload/{id}/finalize` -> data (processing_info for video/GIF: poll
   `GET /2/media/upload?media_id=&command=STATUS` until succeeded). Uploaded media are invisible
   until attached; an interrupted upload is replaced by a new one (the orphan expires).
2. `POST /2/tweets` {text, media: {media_ids}} -> 201 {data: {id, text}}.

Reconcile of an unanswered post: `GET /2/users/{id}/tweets?start_time=<intent - skew>&exclude=replies,retweets`
and match the exact text (X escapes &<>, shortens links to t.co and appends the media link).
Request and answer shapes follow the X API v2 OpenAPI description 2.167.
"""

from __future__ import annotations

import html
import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
    Decision,
    NoAnswer,
    Outcome,
    Published,
    PublishState,
    Rejected,
    RenewedToken,
    Unknown,
    answer_json,
    error_json,
    mime_type,
    pending_step,
    same_text,
    split_media,
)
from automation.domain import platform_rules
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import MediaFile, Post

X_BASE = "https://api.x.com"
RULES = platform_rules.X
_TRAILING_LINKS = re.compile(r"(?:\s*https?://\S+)+\s*$")


def _comparable(text: str) -> str:
    """X's copy of our text: unescaped, without the trailing (media) links."""
    return _TRAILING_LINKS.sub("", html.unescape(text))


class XPlatform(Adapter):
    name = "X"
    key = "x"
    default_token_env = "SOP_KONTEN_X_TOKEN"
    visible_steps = frozenset({"tweet"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.api_base = self.base("base_url", X_BASE)
        self.user_id = self.text("user_id")
        self.username = self.text("username")
        self.client_id = self.text("client_id")
        self.client_secret_env = self.text("client_secret_env")
        self.chunk_size = int(self.number("chunk_size", 4 * 1024 * 1024))
        self.max_length = int(self.number("max_length", RULES.caption.max_length or 0))

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post, caption_limit=self.max_length)  # the rules: domain/post_check.py

    # -- HTTP
    def _interpret(self, response: requests.Response) -> Exception:
        body = error_json(response)
        errors = body.get("errors") if isinstance(body.get("errors"), list) else []
        first = errors[0] if errors and isinstance(errors[0], dict) else {}
        detail = str(body.get("detail") or first.get("detail") or first.get("message") or body.get("title")
                     or response.reason or "").strip()
        status = response.status_code
        if status >= 500:
            return NoAnswer(publish_text.x_http_error(status, detail))
        if status == 401:
            return Rejected(self.tokens.expired_problem(f"HTTP 401: {detail}"), retry=True)
        if status == 429:
            reset = response.headers.get("x-rate-limit-reset", "")
            when = ""
            if reset.isdigit():
                when = " setelah " + datetime.fromtimestamp(int(reset), UTC).astimezone().strftime("%H.%M")
            return Rejected(publish_text.x_rate_limited(when),
                            retry=True)
        if status == 403 and "duplicate" in detail.lower():
            return Rejected(publish_text.X_DUPLICATE, retry=False)
        if status == 403:
            return Rejected(publish_text.x_forbidden(detail), retry=False)
        return Rejected(publish_text.x_rejected(status, detail), retry=False)

    def _auth(self) -> dict[str, str]:
        self._refresh_if_due()
        return {"Authorization": f"Bearer {self.tokens.access_token()}"}

    def _refresh_if_due(self) -> None:
        self._refresh_when_near_expiry(self.client_id, timedelta(minutes=2), self.refresh_token)

    def refresh_token(self) -> RenewedToken:
        """OAuth 2.0 refresh (`POST /2/oauth2/token`); X rotates the refresh token, both are stored."""
        refresh = str(self.tokens.data().get("refresh_token") or "")
        if not refresh or not self.client_id:
            raise Rejected(self.tokens.expired_problem(publish_text.REFRESH_X_MISSING), retry=True)
        secret = os.environ.get(self.client_secret_env, "") if self.client_secret_env else ""
        response = self.api.session.post(
            f"{self.api_base}/2/oauth2/token", timeout=self.timeout,
            data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": self.client_id},
            auth=(self.client_id, secret) if secret else None)
        if response.status_code != 200:
            raise Rejected(self.tokens.expired_problem(publish_text.refresh_rejected_http(response.status_code)),
                           retry=True)
        answer = answer_json(response)
        return self.tokens.store(str(answer["access_token"]), answer.get("expires_in"), now=self.now(),
                                 refresh_token=answer.get("refresh_token"))

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        steps = [(f"media_{i}", f"media_{i}_id") for i in range(RULES.image.max_count if RULES.image else 0)]
        return pending_step(s, [*steps, ("tweet", "tweet_id")])

    def _link(self, tweet_id: str) -> str:
        return f"https://x.com/{self.username}/status/{tweet_id}" if self.username else \
            f"https://x.com/i/web/status/{tweet_id}"

    def _run(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        s = state.get()
        if s.get("tweet_id"):
            return Published(self._link(str(s["tweet_id"])), str(s["tweet_id"]))
        images, videos, _ = split_media(post)
        media_ids = []
        for index, media in enumerate(videos or images):
            known = state.get().get(f"media_{index}_id") or self._upload(state, index, media, bool(videos))
            media_ids.append(str(known))
        body: dict[str, Any] = {"text": post.caption}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        answer = self._create(state, "tweet", lambda: answer_json(self.api.create(
            "POST", f"{self.api_base}/2/tweets", json=body, headers=self._auth(), ok=(201, 200))))
        tweet_id = str((answer.get("data") or {}).get("id") or "")
        if not tweet_id:
            raise NoAnswer(publish_text.TWEET_ANSWER_WITHOUT_ID)
        state.save(tweet_id=tweet_id, step="tweet_done")
        return Published(self._link(tweet_id), tweet_id)

    def _upload(self, state: PublishState, index: int, media: MediaFile, video: bool) -> str:
        size = media.path.stat().st_size
        kind = mime_type(media)
        category = "tweet_video" if video else "tweet_gif" if kind == "image/gif" else "tweet_image"
        step = f"media_{index}"
        upload_id = self._create(state, step, lambda: self._send_media(state, step, media, kind, size, category))
        state.save(**{f"{step}_id": upload_id, "step": f"{step}_done"})
        return upload_id

    def _send_media(self, state: PublishState, step: str, media: MediaFile, kind: str, size: int,
                    category: str) -> str:
        """initialize, append every chunk, finalize, wait for processing: the media id."""
        answer = answer_json(self.api.create(
            "POST", f"{self.api_base}/2/media/upload/initialize", headers=self._auth(),
            json={"media_type": kind, "total_bytes": size, "media_category": category}))
        upload_id = str((answer.get("data") or {}).get("id") or "")
        if not upload_id:
            raise NoAnswer(publish_text.INITIALIZE_ANSWER_WITHOUT_ID)
        state.save(**{f"{step}_upload": upload_id, "step": f"{step}_initialized"})
        with open(media.path, "rb") as handle:
            segment = 0
            while chunk := handle.read(self.chunk_size):
                self.api.create("POST", f"{self.api_base}/2/media/upload/{upload_id}/append", upload=True,
                                headers=self._auth(), data={"segment_index": str(segment)},
                                files={"media": (media.name, chunk, "application/octet-stream")})
                segment += 1
        done = answer_json(self.api.create("POST", f"{self.api_base}/2/media/upload/{upload_id}/finalize",
                                           headers=self._auth()))
        info = (done.get("data") or {}).get("processing_info") or {}
        waited = 0.0
        while info.get("state") in ("pending", "in_progress"):
            if waited >= self.poll_timeout:
                raise Rejected(publish_text.X_VIDEO_IN_PROGRESS, retry=True)
            pause = min(float(info.get("check_after_secs") or self.poll_interval), self.poll_interval)
            self.sleep(pause)
            waited += max(pause, 0.001)
            status = answer_json(self.api.read("GET", f"{self.api_base}/2/media/upload", headers=self._auth(),
                                               params={"media_id": upload_id, "command": "STATUS"}))
            info = (status.get("data") or {}).get("processing_info") or {}
        if info.get("state") == "failed":
            raise Rejected(publish_text.x_media_failed(media.name), retry=False)
        return upload_id

    # -- reconcile
    def _me(self) -> str:
        if not self.user_id:
            answer = answer_json(self.api.read("GET", f"{self.api_base}/2/users/me", headers=self._auth()))
            self.user_id = str((answer.get("data") or {}).get("id") or "")
            if not self.user_id:
                raise NoAnswer(publish_text.USERS_ME_ANSWER_WITHOUT_ID)
        return self.user_id

    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step.startswith("media_"):  # an upload not attached to a post is invisible and expires
            state.save(**{f"{step}_at": None, "step": f"{step}_abandoned"})
            return CONTINUE
        intent = str(state.get().get("tweet_at"))
        since = self.since(intent)
        start = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        user = self._me()

        def find() -> dict[str, Any] | None:
            params: dict[str, Any] = {"start_time": start, "max_results": 100, "exclude": "replies,retweets"}
            matches = []
            for _ in range(5):
                answer = answer_json(self.api.read("GET", f"{self.api_base}/2/users/{user}/tweets",
                                                   headers=self._auth(), params=params))
                for item in answer.get("data") or []:
                    if isinstance(item, dict) and same_text(_comparable(post.caption),
                                                            _comparable(str(item.get("text") or ""))):
                        matches.append(item)
                token = (answer.get("meta") or {}).get("next_token")
                if not token:
                    break
                params["pagination_token"] = token
            matches.sort(key=lambda i: int(str(i.get("id") or "0")) if str(i.get("id") or "").isdigit() else 0)
            return matches[0] if matches else None

        found = self._search(find, intent)
        if found:
            tweet_id = str(found["id"])
            state.save(tweet_id=tweet_id, step="tweet_found")
            return Published(self._link(tweet_id), tweet_id)
        if self._may_recreate(state, "tweet"):
            self.log.warning(log_text.X_POST_AGAIN, post.key,
                             self.settle_seconds)
            state.save(tweet_at=None, step="tweet_not_found")
            return CONTINUE
        return Unknown(publish_text.X_NOT_FOUND)
