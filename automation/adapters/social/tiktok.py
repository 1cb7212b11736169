"""TikTok Content Posting API: upload to the creator's inbox (default) or direct post.

1. (direct only) `POST /v2/post/publish/creator_info/query/`: the configured privacy_level must be
   offered and the video must not be longer than `max_video_post_duration_sec`.
2. Init: `POST /v2/post/publish/inbox/video/init/` (mode "inbox", scope video.upload) or
   `POST /v2/post/publish/video/init/` (mode "direct", scope video.publish, with post_info) ->
   {data: {publish_id, upload_url}, error: {code: "ok"}}. source_info is FILE_UPLOAD
   (video_size, chunk_size, total_chunk_count) or PULL_FROM_URL (video_url from the media host).
3. FILE_UPLOAD: `PUT upload_url` per chunk with Content-Range (206 until the last chunk, then 201).
4. `POST /v2/post/publish/status/fetch/` {publish_id} until SEND_TO_USER_INBOX (inbox: the admin
   finishes the post in the TikTok app -> `Manual`), PUBLISH_COMPLETE (-> `Published`) or FAILED.

Exactly once: the publish_id is the key. An unanswered FILE_UPLOAD init received no bytes, so nothing
can appear (TikTok starts posting only once every part is uploaded: media transfer guide, response 201,
https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide): a new init replaces it.
An unanswered PULL_FROM_URL init cannot be checked (TikTok may be pulling the file and there is no
publish_id to read): `_unconfirmed`, never sent again. An interrupted upload is resumed from the bytes
TikTok reports (status/fetch `uploaded_bytes`). Some errors come back as HTTP 200 with error.code set:
every answer's error.code is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
    Decision,
    Failed,
    Manual,
    NoAnswer,
    NotSent,
    Outcome,
    PublishConfigError,
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
    split_media,
)
from automation.domain.platform_rules import TIKTOK
from automation.domain.texts import publish as publish_text
from automation.ports import MediaFile, Post

TIKTOK_BASE = "https://open.tiktokapis.com"
CAPTION = TIKTOK.caption
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
# Only posts "published for public viewership" get a post id, after moderation (Get Post Status,
# publicaly_available_post_id: https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status).
PUBLIC_PRIVACY = "PUBLIC_TO_EVERYONE"

# --- chunk rules --------------------------------------------------------------------------------------
# https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide ("Chunk restrictions"):
# each chunk 5 MB..64 MB, the final one up to 128 MB; a video under 5 MB goes whole; total_chunk_count
# = video_size // chunk_size, 1..1000. The guide does not say whether MB is 10^6 or 2^20 (its example
# uses 10,000,000-byte chunks): each bound takes the stricter reading, so both readings accept it.
MIN_CHUNK = 5 * 1024 * 1024  # "at least 5 MB": 5,242,880 >= 5,000,000
MAX_CHUNK = 64 * 1000 * 1000  # "no greater than 64 MB": 64,000,000 <= 67,108,864
MAX_FINAL_CHUNK = 128 * 1000 * 1000
MAX_CHUNKS = 1000
DEFAULT_CHUNK = 10 * 1024 * 1024


def chunk_size_problem(chunk_size: int) -> str:
    """An Indonesian sentence when `[publish.tiktok] chunk_size` breaks TikTok's chunk rules, else ''."""
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        return publish_text.tiktok_chunk_size_invalid(chunk_size, MIN_CHUNK, MAX_CHUNK)
    return ""


def chunk_plan(size: int, chunk_size: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) for a video of `size` bytes, by TikTok's chunk rules.

    Under 5 MB, or not larger than one chunk: whole, in one request. Otherwise
    `size // chunk_size` chunks, the last one taking the trailing bytes (less than two
    chunks, so at most 128 MB). ValueError when the rules cannot be met.
    """
    if chunk_size_problem(chunk_size):
        raise ValueError(chunk_size_problem(chunk_size))
    if size <= 0:
        raise ValueError(publish_text.tiktok_video_empty(size))
    if size < MIN_CHUNK or size <= chunk_size:
        return size, 1
    count = size // chunk_size
    final = size - (count - 1) * chunk_size
    if count > MAX_CHUNKS or final > MAX_FINAL_CHUNK:
        raise ValueError(publish_text.tiktok_too_many_chunks(size, chunk_size, MAX_CHUNKS))
    return chunk_size, count


# --- the error table ----------------------------------------------------------------------------------
RETRY, PERSON, FAIL = "retry", "person", "fail"
MINUTE, HOUR = 60.0, 3600.0


@dataclass(frozen=True)
class ErrorRule:
    """What a documented TikTok error means for the publish: `action` RETRY (nothing is live; tried
    again by itself, not before `wait` seconds), PERSON (an admin fixes the account, app or config) or
    FAIL (the video or the request must change)."""

    action: str
    wait: float = 0.0


# error.code of the Content Posting endpoints. Sources:
# [E] https://developers.tiktok.com/doc/tiktok-api-v2-error-handling (all v2 codes)
# [D] https://developers.tiktok.com/doc/content-posting-api-reference-direct-post (video/init error codes)
# [U] https://developers.tiktok.com/doc/content-posting-api-reference-upload-video (inbox/video/init)
# [S] https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status (status/fetch)
# Limits are per access token and per minute (init 6/min [D][U], creator_info 20/min, status 30/min [S]):
# a rate limit waits a minute. The daily caps do not say when they reset: waiting hours keeps the
# refused attempts to a few a day.
ERRORS: dict[str, ErrorRule] = {
    "access_token_invalid": ErrorRule(RETRY),  # 401 [E][D]: refreshed or renewed, then retried
    "scope_not_authorized": ErrorRule(PERSON),  # 401 [E][D]: the user must grant video.upload/publish
    "scope_permission_missed": ErrorRule(PERSON),  # 401 [E]
    "rate_limit_exceeded": ErrorRule(RETRY, MINUTE),  # 429 [E][D][S]
    "invalid_param": ErrorRule(FAIL),  # 400 [D][U]
    "invalid_params": ErrorRule(FAIL),  # 400 [E] (the v2 spelling)
    "invalid_file_upload": ErrorRule(FAIL),  # 400 [E]: the file does not meet the API's specifications
    "spam_risk_too_many_posts": ErrorRule(RETRY, 6 * HOUR),  # 403 [D]: the user's daily post cap
    "spam_risk_too_many_pending_share": ErrorRule(RETRY, HOUR),  # 403 [U]: <= 5 pending inbox shares / 24 h
    "spam_risk_user_banned_from_posting": ErrorRule(PERSON),  # 403 [D][U]: a posting ban, never retried
    "reached_active_user_cap": ErrorRule(RETRY, 6 * HOUR),  # 403 [D]: the client's daily user quota
    "unaudited_client_can_only_post_to_private_accounts": ErrorRule(PERSON),  # 403 [D]
    "url_ownership_unverified": ErrorRule(PERSON),  # 403 [D][U]: PULL_FROM_URL domain not verified
    "privacy_level_option_mismatch": ErrorRule(PERSON),  # 403 [D]: privacy_level not offered
    "invalid_publish_id": ErrorRule(PERSON),  # 400 [S]
    "token_not_authorized_for_specified_publish_id": ErrorRule(PERSON),  # 400 [S]
}

# status/fetch fail_reason values [S] ("Fail reasons"). FAILED means "the entire process has failed":
# nothing is live, the publish_id is forgotten.
FAIL_REASONS: dict[str, ErrorRule] = {
    "file_format_check_failed": ErrorRule(FAIL),
    "duration_check_failed": ErrorRule(FAIL),
    "frame_rate_check_failed": ErrorRule(FAIL),
    "picture_size_check_failed": ErrorRule(FAIL),
    "internal": ErrorRule(RETRY, 10 * MINUTE),  # "This is a retryable error."
    "video_pull_failed": ErrorRule(RETRY, 10 * MINUTE),  # "If ... the URL is valid, a retry is recommended."
    "publish_cancelled": ErrorRule(PERSON),  # a cancelled download
    "auth_removed": ErrorRule(PERSON),  # the user removed the app's access while it was posting
    **{code: rule for code, rule in ERRORS.items() if code.startswith("spam_risk")},
}


class Held(Rejected):
    """A refusal that says when to try again (a rate limit, a daily cap): nothing was created."""

    def __init__(self, problem: str, wait: float) -> None:
        super().__init__(problem, retry=True)
        self.wait = wait


class TikTokPlatform(Adapter):
    name = "TikTok"
    key = "tiktok"
    default_token_env = "SOP_KONTEN_TIKTOK_TOKEN"
    modes = ("inbox", "direct", "manual")
    visible_steps = frozenset({"upload"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.api_base = self.base("base_url", TIKTOK_BASE)
        self.source = self.text("source", "file").lower()
        if self.source not in ("file", "url"):
            raise PublishConfigError(publish_text.TIKTOK_SOURCE_INVALID)
        self.privacy_level = self.text("privacy_level", "SELF_ONLY" if self.mode != "direct" else "")
        if self.mode == "direct" and self.privacy_level not in PRIVACY_LEVELS:
            raise PublishConfigError(publish_text.tiktok_privacy_required(', '.join(PRIVACY_LEVELS)))
        self.username = self.text("username").lstrip("@")
        self.chunk_size = int(self.number("chunk_size", DEFAULT_CHUNK))
        problem = chunk_size_problem(self.chunk_size)
        if problem:
            raise PublishConfigError(problem)
        self.client_key = self.text("client_key")
        self.client_secret_env = self.text("client_secret_env")
        self.flags = {name: bool(config.get(name, False)) for name in ("disable_comment", "disable_duet",
                                                                         "disable_stitch")}
        self._account_hold: tuple[datetime, str] | None = None  # rate limits are per access token

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- HTTP
    def _interpret(self, response: requests.Response) -> Exception:
        return self._error(response.status_code, error_json(response), response.reason or "")

    def _error(self, status: int, body: dict[str, Any], reason: str = "") -> Exception:
        """A TikTok error answer ({"error": {"code", "message", "log_id"}}) as Rejected/Held/NoAnswer."""
        error = body["error"] if isinstance(body.get("error"), dict) else {}
        code = str(error.get("code") or "")
        message = str(error.get("message") or reason).strip()
        log_id = f" [log_id {error['log_id']}]" if error.get("log_id") else ""
        if status >= 500 or code == "internal_error":  # 5xx [D]: "Try again later"; the outcome is unknown
            return NoAnswer(publish_text.tiktok_http_error(status, code, message, log_id))
        if not code:
            code = {401: "access_token_invalid", 429: "rate_limit_exceeded"}.get(status, "")
        return self._refusal(code or str(status), ERRORS.get(code, ErrorRule(FAIL)), message, log_id)

    def _refusal(self, code: str, rule: ErrorRule, message: str, log_id: str = "") -> Rejected:
        if code == "access_token_invalid":
            return Rejected(self.tokens.expired_problem(code), retry=True)
        if code in ("scope_not_authorized", "scope_permission_missed"):
            return Rejected(publish_text.tiktok_scope_missing(self._scope()), retry=False)
        if code == "url_ownership_unverified":
            return Rejected(publish_text.TIKTOK_DOMAIN_UNVERIFIED, retry=False)
        if code in ("privacy_level_option_mismatch", "unaudited_client_can_only_post_to_private_accounts"):
            return Rejected(publish_text.tiktok_privacy_rejected(code, message), retry=False)
        if code == "spam_risk_user_banned_from_posting":
            return Rejected(publish_text.tiktok_posting_banned(code), retry=False)
        if rule.action == RETRY:
            if code == "rate_limit_exceeded":
                problem = publish_text.tiktok_rate_limited(code)
            elif code.startswith("spam_risk"):
                problem = publish_text.tiktok_spam_limit(code)
            else:
                problem = publish_text.tiktok_retry_later(code, message)
            return Held(problem, rule.wait) if rule.wait else Rejected(problem, retry=True)
        if rule.action == PERSON:
            return Rejected(publish_text.tiktok_needs_person(code, message, log_id), retry=False)
        return Rejected(publish_text.tiktok_rejected(code, message, log_id), retry=False)

    def _scope(self) -> str:
        return "video.publish" if self.mode == "direct" else "video.upload"

    def _json(self, response: requests.Response) -> dict[str, Any]:
        answer = answer_json(response)
        error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
        if error and str(error.get("code") or "ok") != "ok":  # HTTP 200 with an error
            raise self._error(response.status_code, answer)
        return answer

    def _auth(self) -> dict[str, str]:
        """The request headers; a token refresh that cannot reach TikTok raises NotSent (see base)."""
        self._refresh_if_due()
        return {"Authorization": f"Bearer {self.tokens.access_token()}",
                "Content-Type": "application/json; charset=UTF-8"}

    def _refresh_if_due(self) -> None:
        self._refresh_when_near_expiry(self.client_key, timedelta(minutes=5), self.refresh_token)

    def refresh_token(self) -> RenewedToken:
        """`POST /v2/oauth/token/` with grant_type=refresh_token; the new pair goes to the token file."""
        refresh = str(self.tokens.data().get("refresh_token") or "")
        secret = os.environ.get(self.client_secret_env, "") if self.client_secret_env else ""
        if not (refresh and self.client_key and secret):
            raise Rejected(self.tokens.expired_problem(publish_text.REFRESH_TIKTOK_MISSING),
                           retry=True)
        response = self.api.session.post(f"{self.api_base}/v2/oauth/token/", timeout=self.timeout, data={
            "client_key": self.client_key, "client_secret": secret, "grant_type": "refresh_token",
            "refresh_token": refresh})
        answer = error_json(response)
        if response.status_code >= 500:  # TikTok's side: nothing was sent yet, try again later
            raise NotSent(publish_text.refresh_rejected_http(response.status_code))
        if response.status_code != 200 or not answer.get("access_token"):
            raise Rejected(self.tokens.expired_problem(publish_text.refresh_rejected(answer.get('error', ''))),
                           retry=True)
        refresh_at = self.now() + timedelta(seconds=float(answer.get("refresh_expires_in") or 0))
        return self.tokens.store(str(answer["access_token"]), answer.get("expires_in"), now=self.now(),
                                 refresh_token=answer.get("refresh_token"),
                                 refresh_expires_at=refresh_at.isoformat() if answer.get("refresh_expires_in")
                                 else None)

    def _token_expiry(self) -> datetime | None:
        """The refresh token's expiry when known (access tokens live 24 h and are refreshed), else the token's."""
        data = self.tokens.data()
        return parse_time(str(data.get("refresh_expires_at") or "")) or self.tokens.expiry()

    def _visible(self, step: str) -> bool:
        return step == "upload" or (step == "init" and self.source == "url")  # a FILE_UPLOAD init got no bytes

    # -- waiting out a rate limit or a daily cap
    def _hold(self, state: PublishState, exc: Held, account: bool = True) -> None:
        until = self.now() + timedelta(seconds=exc.wait)
        if account:
            self._account_hold = (until, exc.problem)
        state.save(hold_until=until.isoformat(), hold_problem=exc.problem)

    def _held(self, state: PublishState) -> None:
        """Refuse to call TikTok while a limit it announced is still running: retries never exceed the quota."""
        s = state.get()
        holds = [(parse_time(str(s.get("hold_until") or "")), str(s.get("hold_problem") or ""))]
        if self._account_hold is not None:
            holds.append(self._account_hold)
        for until, problem in holds:
            if until is not None and until > self.now():
                raise Rejected(publish_text.tiktok_waiting(problem, until), retry=True)

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        return pending_step(s, [("init", "publish_id"), ("upload", "upload_done")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        try:
            return self._sequence(post, state)
        except Held as exc:
            self._hold(state, exc)
            raise

    def _sequence(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        video = split_media(post)[1][0]
        s = state.get()
        if not s.get("publish_id"):
            self._held(state)
            self._init(post, state, video)
            s = state.get()
        if self.source == "file" and not s.get("upload_done"):
            self._create(state, "upload", lambda: self._upload(state, video))
            state.save(upload_done=True, step="upload_done")
        return self._await(post, state)

    def _init(self, post: Post, state: PublishState, video: MediaFile) -> None:
        if self.source == "url":
            source: dict[str, Any] = {"source": "PULL_FROM_URL", "video_url": self._host(state, post, [video])[0]}
        else:
            size = video.path.stat().st_size
            try:
                chunk, count = chunk_plan(size, self.chunk_size)
            except ValueError as exc:
                raise Rejected(str(exc), retry=False) from exc
            source = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk, "total_chunk_count": count}
            state.save(video_size=size, chunk_size=chunk, chunk_count=count, chunks_done=0)
        if self.mode == "direct":
            self._check_creator(video)
            body: dict[str, Any] = {"post_info": {"title": post.caption, "privacy_level": self.privacy_level,
                                                  **self.flags}, "source_info": source}
            path = "/v2/post/publish/video/init/"
        else:
            body, path = {"source_info": source}, "/v2/post/publish/inbox/video/init/"
        headers = self._auth()  # before the intent: a refresh that fails is never a sent create
        answer = self._create(state, "init", lambda: self._json(self.api.create(
            "POST", f"{self.api_base}{path}", json=body, headers=headers, ok=(200,))))
        data = answer.get("data") or {}
        publish_id = str(data.get("publish_id") or "")
        if not publish_id:
            raise NoAnswer(publish_text.INIT_ANSWER_WITHOUT_PUBLISH_ID)
        state.save(publish_id=publish_id, upload_url=str(data.get("upload_url") or ""), step="init_done",
                   hold_until=None, hold_problem=None)

    def _check_creator(self, video: MediaFile) -> None:
        """What the creator may post now (Query Creator Info,
        https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info): the privacy
        level must be offered, the video no longer than `max_video_post_duration_sec`."""
        answer = self._json(self.api.read("POST", f"{self.api_base}/v2/post/publish/creator_info/query/",
                                          headers=self._auth(), json={}))
        data = answer.get("data") or {}
        options = data.get("privacy_level_options") or []
        if options and self.privacy_level not in options:
            raise Rejected(publish_text.tiktok_privacy_not_allowed(self.privacy_level, ', '.join(options)), retry=False)
        limit = data.get("max_video_post_duration_sec")
        if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0:
            seconds = video_duration(video)
            if seconds is not None and seconds > float(limit):
                raise Rejected(publish_text.tiktok_video_too_long(video.name, seconds, float(limit)), retry=False)

    def _upload(self, state: PublishState, video: MediaFile) -> None:
        """The chunks, in order, from the first one TikTok does not have (media transfer guide)."""
        s = state.get()
        size, chunk, count = int(s["video_size"]), int(s["chunk_size"]), int(s["chunk_count"])
        url = str(s.get("upload_url") or "")
        with open(video.path, "rb") as handle:
            for index in range(int(s.get("chunks_done") or 0), count):
                first = index * chunk
                last = size - 1 if index == count - 1 else first + chunk - 1
                handle.seek(first)
                data = handle.read(last - first + 1)
                response = self.api.create("PUT", url, upload=True, data=data, ok=(200, 201, 206, 400, 403, 404, 416),
                                           headers={"Content-Type": mime_type(video), "Content-Length": str(len(data)),
                                                    "Content-Range": f"bytes {first}-{last}/{size}"})
                self._chunk_answer(state, response.status_code)
                state.save(chunks_done=index + 1)

    def _chunk_answer(self, state: PublishState, status: int) -> None:
        """The upload URL's refusals (media transfer guide, "Response"): 416 = our progress is not TikTok's
        (read it again and resume); 403 expired / 404 unknown upload = that publish can never complete,
        so nothing can appear: a new init; 400 = a malformed chunk."""
        if status == 416:
            raise NoAnswer(publish_text.tiktok_chunk_out_of_step(status))
        if status in (400, 403, 404):
            self._forget(state)
            raise Rejected(publish_text.tiktok_upload_rejected(publish_text.http_status(self.name, status)),
                           retry=status != 400)

    def _status(self, publish_id: str) -> dict[str, Any]:
        answer = self._json(self.api.read("POST", f"{self.api_base}/v2/post/publish/status/fetch/",
                                          headers=self._auth(), json={"publish_id": publish_id}))
        return answer.get("data") or {}

    def _await(self, post: Post, state: PublishState) -> Outcome:
        """Read the status until it settles. The create is done: whatever goes wrong now, the post may go
        live, so an unreadable status is Unknown, never Failed."""
        publish_id = str(state.get()["publish_id"])
        waited = moderated = 0.0
        step = max(self.poll_interval, 0.001)
        while True:
            try:
                data = self._status(publish_id)
            except (Rejected, NoAnswer, NotSent) as exc:
                return Unknown(publish_text.tiktok_status_unknown(exc))
            outcome = self._terminal(post, state, publish_id, data)
            if outcome is not None:
                return outcome
            if data.get("status") == "PUBLISH_COMPLETE":
                # live, waiting for moderation to give the id: as long as any post may take to show
                if moderated >= min(self.poll_timeout, self.settle_seconds):
                    return Unknown(publish_text.tiktok_awaiting_post_id(publish_id))
                moderated += step
            elif waited >= self.poll_timeout:
                return Unknown(publish_text.tiktok_processing(publish_id, data.get('status')))
            self.sleep(self.poll_interval)
            waited += step

    def _terminal(self, post: Post, state: PublishState, publish_id: str, data: dict[str, Any]) -> Outcome | None:
        status = str(data.get("status") or "")
        if status == "SEND_TO_USER_INBOX" and self.mode != "direct":
            return Manual(note=publish_text.tiktok_inbox(publish_id), caption=post.caption,
                          files=tuple(str(m.path) for m in post.media), remote_id=publish_id)
        if status == "PUBLISH_COMPLETE":
            ids = [str(i) for i in data.get("publicaly_available_post_id") or []]  # sic: TikTok's spelling
            profile = f"https://www.tiktok.com/@{self.username}" if self.username else "https://www.tiktok.com/"
            if ids:
                link = f"{profile}/video/{ids[0]}" if self.username else profile
                return Published(link=link, remote_id=ids[0])
            if self.mode == "direct" and self.privacy_level == PUBLIC_PRIVACY:
                return None  # live, the id comes after moderation: keep reading (then Unknown, read again later)
            return Published(link=profile, remote_id=publish_id)  # not public: TikTok never gives an id
        if status == "FAILED":
            self._forget(state)
            reason = str(data.get("fail_reason") or "")
            rule = FAIL_REASONS.get(reason, ErrorRule(FAIL))
            if reason in ERRORS:  # a refusal reported late (spam_risk_*): read as the error table says
                refusal = self._refusal(reason, rule, "")
                if isinstance(refusal, Held):
                    self._hold(state, refusal, account=True)
                return Failed(refusal.problem, refusal.retry)
            problem = publish_text.tiktok_failed(reason or publish_text.NO_REASON)
            if rule.action == RETRY:
                retry = publish_text.tiktok_failed_retry(reason)
                self._hold(state, Held(retry, rule.wait), account=False)
                return Failed(retry, retry=True)
            if rule.action == PERSON:
                return Failed(publish_text.tiktok_failed_person(reason), retry=False)
            return Failed(problem, retry=False)
        return None

    def _forget(self, state: PublishState) -> None:
        state.save(publish_id=None, upload_url=None, init_at=None, upload_at=None, upload_done=None,
                   chunks_done=0, step="reset")

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        s = state.get()
        if step == "init":
            if self.source == "url":
                return self._unconfirmed(state, "init")  # TikTok may be pulling it; no publish_id to read
            state.save(init_at=None, step="init_abandoned")  # a session that got no bytes creates nothing
            return CONTINUE
        data = self._status(str(s["publish_id"]))
        status = str(data.get("status") or "")
        if status == "FAILED":
            return self._terminal(post, state, str(s["publish_id"]), data) or CONTINUE
        uploaded = int(data.get("uploaded_bytes") or 0)
        size = int(s.get("video_size") or 0)
        if status == "PROCESSING_UPLOAD" and uploaded < size:
            chunk = int(s.get("chunk_size") or 1)
            state.save(upload_at=None, chunks_done=uploaded // chunk, step="upload_resume")
            return CONTINUE
        state.save(upload_done=True, step="upload_done")  # every byte arrived
        return CONTINUE

    def reconcile(self, post: Post, state: PublishState) -> Outcome:
        s = state.get()
        if self._final(s, post) is None and s.get("publish_id") and self._pending(s) is None and \
                (s.get("upload_done") or self.source == "url"):
            publish_id = str(s["publish_id"])
            try:
                data = self._status(publish_id)
            except (Rejected, NoAnswer, NotSent) as exc:
                return Unknown(publish_text.tiktok_status_unknown(exc))
            outcome = self._terminal(post, state, publish_id, data)
            if outcome is None:
                outcome = Unknown(publish_text.tiktok_awaiting_post_id(publish_id)
                                  if data.get("status") == "PUBLISH_COMPLETE"
                                  else publish_text.tiktok_still_processing(publish_id))
            return self._settle(state, outcome)
        return super().reconcile(post, state)


def video_duration(video: MediaFile) -> float | None:
    """The video's length in seconds, read with the project's media inspection; None when unreadable
    (TikTok then checks it itself: fail_reason duration_check_failed)."""
    from automation.adapters.media.prepare import probe_video

    info = probe_video(video.path)
    return info.duration if info.kind == "video" and info.duration else None
