"""TikTok Content Posting API: upload to the creator's inbox (default) or direct post.

1. (direct only) `POST /v2/post/publish/creator_info/query/`: the configured privacy_level must be offered.
2. Init: `POST /v2/post/publish/inbox/video/init/` (mode "inbox", scope video.upload) or
   `POST /v2/post/publish/video/init/` (mode "direct", scope video.publish, with post_info) ->
   {data: {publish_id, upload_url}, error: {code: "ok"}}. source_info is FILE_UPLOAD
   (video_size, chunk_size, total_chunk_count) or PULL_FROM_URL (video_url from the media host).
3. FILE_UPLOAD: `PUT upload_url` per chunk with Content-Range (206 until the last chunk, then 201).
4. `POST /v2/post/publish/status/fetch/` {publish_id} until SEND_TO_USER_INBOX (inbox: the admin
   finishes the post in the TikTok app -> `Manual`), PUBLISH_COMPLETE (-> `Published`) or FAILED.

Exactly once: the publish_id is the key. An unanswered FILE_UPLOAD init received no bytes, so nothing
can appear: a new init replaces it. An unanswered PULL_FROM_URL init cannot be checked (TikTok may be
pulling the file): Unknown. An interrupted upload is resumed from the bytes TikTok reports.
Some errors come back as HTTP 200 with error.code set: every answer's error.code is read.
"""

from __future__ import annotations

import os
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
MIN_CHUNK = 5 * 1024 * 1024
MAX_CHUNK = 64 * 1024 * 1024


def chunk_plan(size: int, chunk_size: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) by TikTok's rules: small files whole; the last chunk takes the rest."""
    if size <= chunk_size:
        return size, 1
    return chunk_size, size // chunk_size


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
        self.chunk_size = int(self.number("chunk_size", 10 * 1024 * 1024))
        self.client_key = self.text("client_key")
        self.client_secret_env = self.text("client_secret_env")
        self.flags = {name: bool(config.get(name, False)) for name in ("disable_comment", "disable_duet",
                                                                         "disable_stitch")}

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- HTTP
    def _interpret(self, response: requests.Response) -> Exception:
        return self._error(response.status_code, error_json(response), response.reason or "")

    def _error(self, status: int, body: dict[str, Any], reason: str = "") -> Exception:
        error = body["error"] if isinstance(body.get("error"), dict) else {}
        code = str(error.get("code") or "")
        message = str(error.get("message") or reason).strip()
        log_id = f" [log_id {error['log_id']}]" if error.get("log_id") else ""
        if status >= 500 or code == "internal_error":
            return NoAnswer(publish_text.tiktok_http_error(status, code, message, log_id))
        if code == "access_token_invalid" or status == 401:
            return Rejected(self.tokens.expired_problem(code or f"HTTP {status}"), retry=True)
        if code == "scope_not_authorized":
            scope = "video.publish" if self.mode == "direct" else "video.upload"
            return Rejected(publish_text.tiktok_scope_missing(scope),
                            retry=False)
        if code in ("rate_limit_exceeded", "reached_active_user_cap") or status == 429:
            return Rejected(publish_text.tiktok_rate_limited(code or status), retry=True)
        if code.startswith("spam_risk"):
            return Rejected(publish_text.tiktok_spam_limit(code), retry=True)
        if code == "url_ownership_unverified":
            return Rejected(publish_text.TIKTOK_DOMAIN_UNVERIFIED, retry=False)
        if code in ("privacy_level_option_mismatch", "unaudited_client_can_only_post_to_private_accounts"):
            return Rejected(publish_text.tiktok_privacy_rejected(code, message), retry=False)
        return Rejected(publish_text.tiktok_rejected(code or status, message, log_id), retry=False)

    def _json(self, response: requests.Response) -> dict[str, Any]:
        answer = answer_json(response)
        error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
        if error and str(error.get("code") or "ok") != "ok":  # HTTP 200 with an error
            raise self._error(response.status_code, answer)
        return answer

    def _auth(self) -> dict[str, str]:
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

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        return pending_step(s, [("init", "publish_id"), ("upload", "upload_done")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        video = split_media(post)[1][0]
        s = state.get()
        if not s.get("publish_id"):
            self._init(post, state, video)
            s = state.get()
        if self.source == "file" and not s.get("upload_done"):
            try:
                self._create(state, "upload", lambda: self._upload(state, video))
            except Rejected as exc:  # an upload TikTok refused never completes: nothing can appear
                self._forget(state)
                raise Rejected(publish_text.tiktok_upload_rejected(exc.problem), retry=True) from exc
            state.save(upload_done=True, step="upload_done")
        return self._await(post, state)

    def _init(self, post: Post, state: PublishState, video: MediaFile) -> None:
        if self.source == "url":
            source: dict[str, Any] = {"source": "PULL_FROM_URL", "video_url": self._host(state, post, [video])[0]}
        else:
            size = video.path.stat().st_size
            chunk, count = chunk_plan(size, self.chunk_size)
            source = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk, "total_chunk_count": count}
            state.save(video_size=size, chunk_size=chunk, chunk_count=count, chunks_done=0)
        if self.mode == "direct":
            self._check_creator()
            body: dict[str, Any] = {"post_info": {"title": post.caption, "privacy_level": self.privacy_level,
                                                  **self.flags}, "source_info": source}
            path = "/v2/post/publish/video/init/"
        else:
            body, path = {"source_info": source}, "/v2/post/publish/inbox/video/init/"
        answer = self._create(state, "init", lambda: self._json(self.api.create(
            "POST", f"{self.api_base}{path}", json=body, headers=self._auth(), ok=(200,))))
        data = answer.get("data") or {}
        publish_id = str(data.get("publish_id") or "")
        if not publish_id:
            raise NoAnswer(publish_text.INIT_ANSWER_WITHOUT_PUBLISH_ID)
        state.save(publish_id=publish_id, upload_url=str(data.get("upload_url") or ""), step="init_done")

    def _check_creator(self) -> None:
        answer = self._json(self.api.read("POST", f"{self.api_base}/v2/post/publish/creator_info/query/",
                                          headers=self._auth(), json={}))
        options = (answer.get("data") or {}).get("privacy_level_options") or []
        if options and self.privacy_level not in options:
            raise Rejected(publish_text.tiktok_privacy_not_allowed(self.privacy_level, ', '.join(options)), retry=False)

    def _upload(self, state: PublishState, video: MediaFile) -> None:
        s = state.get()
        size, chunk, count = int(s["video_size"]), int(s["chunk_size"]), int(s["chunk_count"])
        url = str(s.get("upload_url") or "")
        with open(video.path, "rb") as handle:
            for index in range(int(s.get("chunks_done") or 0), count):
                first = index * chunk
                last = size - 1 if index == count - 1 else first + chunk - 1
                handle.seek(first)
                data = handle.read(last - first + 1)
                self.api.create("PUT", url, upload=True, data=data, ok=(200, 201, 206), headers={
                    "Content-Type": mime_type(video), "Content-Length": str(len(data)),
                    "Content-Range": f"bytes {first}-{last}/{size}"})
                state.save(chunks_done=index + 1)

    def _status(self, publish_id: str) -> dict[str, Any]:
        answer = self._json(self.api.read("POST", f"{self.api_base}/v2/post/publish/status/fetch/",
                                          headers=self._auth(), json={"publish_id": publish_id}))
        return answer.get("data") or {}

    def _await(self, post: Post, state: PublishState) -> Outcome:
        publish_id = str(state.get()["publish_id"])
        waited = 0.0
        while True:
            data = self._status(publish_id)
            outcome = self._terminal(post, state, publish_id, data)
            if outcome is not None:
                return outcome
            if waited >= self.poll_timeout:
                return Unknown(publish_text.tiktok_processing(publish_id, data.get('status')))
            self.sleep(self.poll_interval)
            waited += max(self.poll_interval, 0.001)

    def _terminal(self, post: Post, state: PublishState, publish_id: str, data: dict[str, Any]) -> Outcome | None:
        status = str(data.get("status") or "")
        if status == "SEND_TO_USER_INBOX" and self.mode != "direct":
            return Manual(note=publish_text.tiktok_inbox(publish_id), caption=post.caption,
                          files=tuple(str(m.path) for m in post.media), remote_id=publish_id)
        if status == "PUBLISH_COMPLETE":
            ids = [str(i) for i in data.get("publicaly_available_post_id") or []]  # sic: TikTok's spelling
            profile = f"https://www.tiktok.com/@{self.username}" if self.username else "https://www.tiktok.com/"
            link = f"{profile}/video/{ids[0]}" if ids and self.username else profile
            return Published(link=link, remote_id=ids[0] if ids else publish_id)
        if status == "FAILED":
            self._forget(state)
            return Failed(publish_text.tiktok_failed(data.get('fail_reason') or publish_text.NO_REASON), retry=False)
        return None

    def _forget(self, state: PublishState) -> None:
        state.save(publish_id=None, upload_url=None, init_at=None, upload_at=None, upload_done=None,
                   chunks_done=0, step="reset")

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        s = state.get()
        if step == "init":
            if self.source == "url":
                return Unknown(publish_text.TIKTOK_PULL_UNANSWERED)
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
            try:
                outcome = self._terminal(post, state, str(s["publish_id"]), self._status(str(s["publish_id"])))
            except (Rejected, NoAnswer, NotSent) as exc:
                return Unknown(publish_text.tiktok_status_unknown(exc))
            return self._settle(state, outcome or Unknown(publish_text.tiktok_still_processing(s['publish_id'])))
        return super().reconcile(post, state)

