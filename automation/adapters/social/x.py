"""X (API v2) publishing: media upload v2, then one post.

1. Per media file: `POST /2/media/upload/initialize` {media_type, total_bytes, media_category} -> data.id;
   `POST /2/media/upload/{id}/append` (multipart: media, segment_index) per chunk;
   `POST /2/media/upload/{id}/finalize` -> data (processing_info for video/GIF: poll
   `GET /2/media/upload?media_id=&command=STATUS` until succeeded). Uploaded media are invisible
   until attached to a post, so a lost answer there never risks a second live post:
   INITIALIZE lost -> a new upload (the orphan expires); APPEND lost -> the same segment_index sent
   again to the same media id ("failed chunks can be retried individually", X's chunked upload guide);
   FINALIZE lost -> STATUS of that media id (definitive) instead of starting again.
2. `POST /2/tweets` {text, media: {media_ids}} -> 201 {data: {id, text}}.

A post whose answer was lost is looked up, never sent again: `GET /2/users/{id}/tweets?start_time=<intent -
skew>&exclude=replies,retweets`, matching the exact text (X escapes &<>, shortens links to t.co and appends
the media link). Found -> Published; not found -> `Unknown` for a person (`Adapter._unconfirmed`): the
timeline is not definitive (it lags). X refusing the text as a duplicate proves the post is live: the
timeline gives its link. Request and answer shapes follow the X API v2 OpenAPI description 2.167.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
    AlreadyLive,
    Decision,
    NoAnswer,
    NotSent,
    Outcome,
    Published,
    PublishState,
    Rejected,
    RenewedToken,
    Unknown,
    answer_json,
    error_json,
    mime_type,
    parse_time,
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
# X forgets a media id `expires_after_secs` after its upload; one this close to it is uploaded again.
MEDIA_EXPIRY_MARGIN = timedelta(minutes=10)


# --- X's documented errors -> what sop-konten does -------------------------------------------------------

RETRY = "retry"  # X's trouble: a read is retried, a create's outcome is unknown (looked up, never resent)
TOKEN = "token"  # the token: refreshed or renewed by the admin, then retried
WAIT = "wait"  # a rate limit or usage cap: nothing is sent before X's reset time, then retried
LIVE = "live"  # the refusal proves the post is live: Published with the link read from the timeline
PERSON = "person"  # the account or the app needs a person; nothing was posted
FAIL = "fail"  # the request itself is wrong (text, media); nothing was posted


@dataclass(frozen=True)
class ErrorRow:
    status: int
    marker: str  # found (lower case) in the problem's `type` or `detail`; "" matches any
    action: str


ERRORS: tuple[ErrorRow, ...] = (
    # https://docs.x.com/x-api/fundamentals/response-codes-and-errors ("Server error codes"):
    # 500, 502, 503 ("X is overloaded"), 504: "wait and retry". X may have done the work.
    ErrorRow(500, "", RETRY), ErrorRow(502, "", RETRY), ErrorRow(503, "", RETRY), ErrorRow(504, "", RETRY),
    # same page: 401 "Invalid or missing authentication credentials".
    ErrorRow(401, "", TOKEN),
    # same page: 429 "Rate limit or usage cap exceeded" (types .../rate-limit-exceeded, .../usage-capped);
    # https://docs.x.com/x-api/fundamentals/rate-limits: x-rate-limit-reset tells when to try again.
    ErrorRow(429, "", WAIT),
    # 403 {"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank",
    # "title": "Forbidden", "status": 403}: X's answer to a text the account has already posted (not in the
    # OpenAPI description; the body as X sends it: github.com/akrherz/iembot/issues/163,
    # github.com/sferik/x-ruby/issues/24, github.com/plhery/node-twitter-api-v2/issues/469).
    ErrorRow(403, "duplicate content", LIVE),
    # response-codes page, error types: .../client-forbidden "App not enrolled or lacks required access".
    ErrorRow(403, "client-forbidden", PERSON),
    # 403 "Valid auth but no permission for this resource or action" (the account: suspended, locked...).
    ErrorRow(403, "", PERSON),
    # 400 "Invalid JSON, malformed query, missing required parameters" (also media ids X does not accept);
    # 404 the resource does not exist.
    ErrorRow(400, "", FAIL), ErrorRow(404, "", FAIL),
)


def error_action(status: int, kind: str, detail: str) -> str:
    """The row of `ERRORS` for an answer: RETRY for an undocumented 5xx, FAIL for any other status."""
    text = f"{kind} {detail}".lower()
    for row in ERRORS:
        if row.status == status and row.marker in text:
            return row.action
    return RETRY if status >= 500 else FAIL


# https://docs.x.com/x-api/fundamentals/rate-limits: every answer carries x-rate-limit-limit / -remaining /
# -reset (Unix time) per endpoint; POST /2/tweets also the 24-hour caps x-user-limit-24hour-* and
# x-app-limit-24hour-*.
LIMIT_HEADERS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


def limit_reset(headers: Mapping[str, str], status: int) -> datetime | None:
    """When X accepts this endpoint again: the latest reset of an exhausted limit (or of a 429), else None."""
    resets = [int(headers.get(f"{p}-reset", "")) for p in LIMIT_HEADERS
              if headers.get(f"{p}-reset", "").isdigit() and headers.get(f"{p}-remaining") == "0"]
    if status == 429 and not resets and headers.get("x-rate-limit-reset", "").isdigit():
        resets.append(int(headers["x-rate-limit-reset"]))
    return datetime.fromtimestamp(max(resets), UTC) if resets else None


def _limited_family(method: str, path: str) -> str | None:
    """The creates whose rate limits are respected before sending; reads are few and just retried later."""
    if method == "POST" and path.endswith("/2/tweets"):
        return "tweets"
    if method == "POST" and "/2/media/upload" in path:
        return "media"
    return None


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
        self.held_until: dict[str, datetime] = {}  # family of creates -> X's reset time (this daemon's run)
        self.api.session.hooks["response"].append(self._note_limits)

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
        kind = str(body.get("type") or first.get("type") or "")
        status = response.status_code
        action = error_action(status, kind, detail)
        if action == RETRY:
            return NoAnswer(publish_text.x_http_error(status, detail))
        if action == TOKEN:
            return Rejected(self.tokens.expired_problem(f"HTTP 401: {detail}"), retry=True)
        if action == WAIT:
            return Rejected(publish_text.x_rate_limited_until(limit_reset(response.headers, status)), retry=True)
        if action == LIVE:
            return AlreadyLive(publish_text.X_DUPLICATE_LIVE)
        if action == PERSON:
            return Rejected(publish_text.x_client_forbidden(detail) if "client-forbidden" in kind
                            else publish_text.x_forbidden(detail), retry=False)
        if status == 400:
            return Rejected(publish_text.x_invalid_request(status, detail), retry=False)
        return Rejected(publish_text.x_rejected(status, detail), retry=False)

    def _note_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Every answer of a create: an exhausted limit holds that family of creates until X's reset."""
        method = response.request.method or ""
        if not response.url.startswith(self.api_base):
            return
        family = _limited_family(method, urlsplit(response.url).path)
        reset = limit_reset(response.headers, response.status_code) if family else None
        if family and reset and (family not in self.held_until or reset > self.held_until[family]):
            self.held_until[family] = reset

    def _respect_limits(self, post: Post, *families: str) -> None:
        """Nothing is sent while X said the limit is used up: never more requests than the limit."""
        for family in families:
            until = self.held_until.get(family)
            if until is not None and until > self.now():
                self.log.info(log_text.X_RATE_LIMIT_HELD, post.key, until.isoformat())
                raise Rejected(publish_text.x_rate_limited_until(until), retry=True)

    def _auth(self) -> dict[str, str]:
        self._refresh_if_due()
        return {"Authorization": f"Bearer {self.tokens.access_token()}"}

    def _refresh_if_due(self) -> None:
        """A refresh that cannot reach X raises NotSent (base): a retry later, never a used attempt."""
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
        if response.status_code >= 500:  # X's trouble, not the token's: a retry later
            raise NoAnswer(publish_text.x_http_error(response.status_code, response.reason))
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
        self._refresh_if_due()  # a refresh that cannot reach X fails here, before any intent is saved
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        s = state.get()
        if s.get("tweet_id"):
            return Published(self._link(str(s["tweet_id"])), str(s["tweet_id"]))
        files = _files(post)
        self._respect_limits(post, "tweets", *(["media"] if files else []))
        media_ids = [self._media_id(state, index, media, video) for index, (media, video) in enumerate(files)]
        body: dict[str, Any] = {"text": post.caption}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        headers = self._auth()  # before the intent: a token refresh that fails never counts as a send
        answer = self._create(state, "tweet", lambda: answer_json(self.api.create(
            "POST", f"{self.api_base}/2/tweets", json=body, headers=headers, ok=(201, 200))))
        tweet_id = str((answer.get("data") or {}).get("id") or "")
        if not tweet_id:
            raise NoAnswer(publish_text.TWEET_ANSWER_WITHOUT_ID)
        state.save(tweet_id=tweet_id, step="tweet_done")
        return Published(self._link(tweet_id), tweet_id)

    def _media_id(self, state: PublishState, index: int, media: MediaFile, video: bool) -> str:
        """The media id to attach: the one uploaded earlier while X still knows it, else a new upload."""
        step = f"media_{index}"
        s = state.get()
        known = str(s.get(f"{step}_id") or "")
        expires = parse_time(str(s.get(f"{step}_expires_at") or ""))
        if known and (expires is None or expires - self.now() > MEDIA_EXPIRY_MARGIN):
            return known
        if known:
            self._forget_upload(state, step)
        return self._upload(state, step, media, video)

    def _upload(self, state: PublishState, step: str, media: MediaFile, video: bool) -> str:
        s = state.get()
        upload_id = str(s.get(f"{step}_upload") or "")
        done = None
        if upload_id and s.get(f"{step}_finalize_at"):  # finalized earlier, still processing: read, not redo
            done = self._processed(state, step, upload_id, media.name)
        if done is None:
            done = self._create(state, step, lambda: self._send_media(state, step, media, video))
        upload_id, expires_at = done
        state.save(**{f"{step}_id": upload_id, f"{step}_expires_at": expires_at, "step": f"{step}_done"})
        return upload_id

    def _send_media(self, state: PublishState, step: str, media: MediaFile,
                    video: bool) -> tuple[str, str | None]:
        """initialize, append every chunk, finalize, wait for processing: (media id, expiry)."""
        size = media.path.stat().st_size
        kind = mime_type(media)
        category = "tweet_video" if video else "tweet_gif" if kind == "image/gif" else "tweet_image"
        answer = answer_json(self.api.create(
            "POST", f"{self.api_base}/2/media/upload/initialize", headers=self._auth(),
            json={"media_type": kind, "total_bytes": size, "media_category": category}))
        upload_id = str((answer.get("data") or {}).get("id") or "")
        if not upload_id:
            raise NoAnswer(publish_text.INITIALIZE_ANSWER_WITHOUT_ID)
        state.save(**{f"{step}_upload": upload_id, f"{step}_finalize_at": None, "step": f"{step}_initialized"})
        with open(media.path, "rb") as handle:
            segment = 0
            while chunk := handle.read(self.chunk_size):
                self._append(upload_id, media.name, segment, chunk)
                segment += 1
        # Saved before sending: from here on, X's STATUS of this media id says whether FINALIZE happened.
        state.save(**{f"{step}_finalize_at": self.now_iso(), "step": f"{step}_finalizing"})
        done = answer_json(self.api.create("POST", f"{self.api_base}/2/media/upload/{upload_id}/finalize",
                                           headers=self._auth()))
        return self._wait_processing(upload_id, media.name, done.get("data") or {})

    def _append(self, upload_id: str, name: str, segment: int, chunk: bytes) -> None:
        """One chunk; an unanswered one is sent again with the same segment_index to the same media id
        (X's chunked upload guide: "failed chunks can be retried individually")."""
        attempt = 0
        while True:
            try:
                self.api.create("POST", f"{self.api_base}/2/media/upload/{upload_id}/append", upload=True,
                                headers=self._auth(), data={"segment_index": str(segment)},
                                files={"media": (name, chunk, "application/octet-stream")})
                return
            except (NoAnswer, NotSent) as exc:
                if attempt >= self.api.read_retries:
                    raise
                attempt += 1
                self.log.warning(log_text.X_SEGMENT_AGAIN, segment, name, exc)
                self.sleep(self.api.retry_wait * attempt)

    def _wait_processing(self, upload_id: str, name: str, data: dict[str, Any]) -> tuple[str, str | None]:
        """Poll STATUS while X processes the media (pending -> in_progress -> failed | succeeded).

        GET media/upload (STATUS): the media id cannot be attached "before the state field is set to
        succeeded"; a failed state carries error {code, name, message} (v1.1 reference page).
        """
        info = data.get("processing_info") or {}
        waited = 0.0
        while info.get("state") in ("pending", "in_progress"):
            if waited >= self.poll_timeout:
                raise Rejected(publish_text.X_VIDEO_IN_PROGRESS, retry=True)
            pause = min(float(info.get("check_after_secs") or self.poll_interval), self.poll_interval)
            self.sleep(pause)
            waited += max(pause, 0.001)
            data = self._status(upload_id) or {}
            info = data.get("processing_info") or {}
        if info.get("state") == "failed":
            error = info.get("error")
            detail = str(error.get("message") or error.get("name") or "") if isinstance(error, dict) else ""
            raise Rejected(publish_text.x_media_failed_detail(name, detail) if detail
                           else publish_text.x_media_failed(name), retry=False)
        seconds = data.get("expires_after_secs")
        expires = (self.now() + timedelta(seconds=seconds)).isoformat() if isinstance(seconds, int) else None
        return upload_id, expires

    def _status(self, upload_id: str) -> dict[str, Any] | None:
        """The media's data from STATUS; None when X does not know the id as a finalized upload."""
        response = self.api.read("GET", f"{self.api_base}/2/media/upload", ok=(200, 400, 404),
                                 headers=self._auth(), params={"media_id": upload_id, "command": "STATUS"})
        if response.status_code != 200:
            return None
        data = answer_json(response).get("data")
        return data if isinstance(data, dict) else {}

    def _processed(self, state: PublishState, step: str, upload_id: str,
                   name: str) -> tuple[str, str | None] | None:
        """An upload whose FINALIZE was sent: X's STATUS of it, waited for; None (forgotten) if X does not
        know it as finalized, so a new upload starts (uploads are invisible: nothing can be posted twice)."""
        data = self._status(upload_id)
        if data is None:
            self.log.warning(log_text.X_UPLOAD_AGAIN, name, upload_id)
            self._forget_upload(state, step)
            return None
        return self._wait_processing(upload_id, name, data)

    def _forget_upload(self, state: PublishState, step: str) -> None:
        state.save(**{f"{step}_at": None, f"{step}_upload": None, f"{step}_finalize_at": None, f"{step}_id": None,
                      f"{step}_expires_at": None, "step": f"{step}_abandoned"})

    # -- reconcile
    def _me(self) -> str:
        if not self.user_id:
            answer = answer_json(self.api.read("GET", f"{self.api_base}/2/users/me", headers=self._auth()))
            self.user_id = str((answer.get("data") or {}).get("id") or "")
            if not self.user_id:
                raise NoAnswer(publish_text.USERS_ME_ANSWER_WITHOUT_ID)
        return self.user_id

    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step.startswith("media_"):
            return self._reconcile_upload(post, state, step)
        s = state.get()
        intent = str(s.get("tweet_at") or "")
        found = self._search(self._finder(post, intent), intent)
        if found:
            return self._found(state, found)
        if s.get("step") == "tweet_already_live":  # X said it is live; the timeline does not show it yet
            return Unknown(publish_text.already_live_link_unknown(self.name, publish_text.X_DUPLICATE_LIVE))
        return self._unconfirmed(state, "tweet")  # the timeline lags: never sent again, a person settles it

    def _reconcile_upload(self, post: Post, state: PublishState, step: str) -> Decision:
        s = state.get()
        upload_id = str(s.get(f"{step}_upload") or "")
        files = _files(post)
        index = int(step.split("_")[1])
        if upload_id and s.get(f"{step}_finalize_at") and index < len(files):
            done = self._processed(state, step, upload_id, files[index][0].name)
            if done is not None:
                state.save(**{f"{step}_id": done[0], f"{step}_expires_at": done[1], "step": f"{step}_done"})
            return CONTINUE
        # INITIALIZE or APPEND unanswered: the upload is invisible until attached and expires; start again.
        self._forget_upload(state, step)
        return CONTINUE

    def _find_live(self, post: Post, state: PublishState) -> Published | None:
        """X refused the text as a duplicate: the live post, from the timeline around this attempt."""
        intent = str(state.get().get("tweet_at") or "")
        found = self._search(self._finder(post, intent), intent)
        return self._found(state, found) if found else None

    def _found(self, state: PublishState, found: dict[str, Any]) -> Published:
        tweet_id = str(found["id"])
        state.save(tweet_id=tweet_id, step="tweet_found")
        return Published(self._link(tweet_id), tweet_id)

    def _finder(self, post: Post, intent: str) -> Callable[[], dict[str, Any] | None]:
        """One look at the timeline since the intent (minus the clock skew) for the oldest post with our text."""
        start = self.since(intent).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        def find() -> dict[str, Any] | None:
            user = self._me()
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

        return find


def _files(post: Post) -> list[tuple[MediaFile, bool]]:
    """The files X receives, in order, each with whether it is the video."""
    images, videos, _ = split_media(post)
    return [(media, True) for media in videos] if videos else [(media, False) for media in images]
