"""YouTube Data API v3: `videos.insert` as a resumable upload through google-api-python-client.

1. The upload session: the request googleapiclient builds for `videos().insert(..., media_body=
   MediaFileUpload(path, chunksize, resumable=True))` is sent as its initiation POST
   (`?uploadType=resumable`, X-Upload-Content-Length/Type, the video's JSON) -> 200 + Location:
   the session URI, saved in the state before a single byte is sent.
2. The bytes: `request.resumable_uri = <saved URI>`, `request.resumable_progress = <bytes the
   server has>`, then `request.next_chunk()` until it returns the video resource (200/201).
   PUTs to one session are idempotent: the video exists once, when the last byte arrives.

Reconcile (the session is the definitive way to know): an unanswered session initiation got no bytes,
so no video can exist: a new session replaces it. An unanswered chunk PUT: `PUT <session URI>` with
`Content-Range: bytes */SIZE` and no body -> 200/201 with the video (done), 308 with Range (resume from
there), 404/410 (the session is gone). A gone session whose last byte was never sent (the intent
`upload_final_at` is saved before the PUT that carries it) cannot have made a video: a new session. Once the
last byte may have been sent, only the channel's uploads playlist (`channels.list(mine)` +
`playlistItems.list`) can tell: found -> Published; not found -> `_unconfirmed` (a person settles it, never a
second upload).

Errors: `ERRORS` maps every documented reason to what it means here; quotas (the project's daily quota,
the channel's daily upload limit, rate limits) put the adapter on hold: no call before the time they give.
"""

from __future__ import annotations

import http.client
import json
import os
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from automation.adapters.social.base import (
    CONTINUE,
    Adapter,
    Decision,
    NoAnswer,
    NotSent,
    Outcome,
    PublishConfigError,
    Published,
    PublishState,
    Rejected,
    mime_type,
    normalize_text,
    parse_time,
    pending_step,
    redact,
    split_media,
)
from automation.domain.platform_rules import YOUTUBE
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import MediaFile, Post

API_ENDPOINT = "https://youtube.googleapis.com/"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPES = ("https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube.readonly")
CHUNK_UNIT = 256 * 1024
TITLE_LIMIT = YOUTUBE.caption.title_max_length or 0
DESCRIPTION_LIMIT = YOUTUBE.caption.max_length or 0

# What a documented error reason means for this publish. Nothing was created by a refused call, so every
# verdict but RETRY clears the intent; RETRY (a 5xx: the outcome is unknown) keeps it and reconciles.
QUOTA = "quota"  # the project's daily quota: no call until it resets, midnight Pacific Time
UPLOAD_LIMIT = "upload_limit"  # the channel's daily upload limit: try again in 24 hours
BACKOFF = "backoff"  # a rate limit: try again after a growing wait
PERSON = "person"  # the token, the account or the channel: a person must act
FAIL = "fail"  # the video or its metadata: the content must change
RETRY = "retry"  # a server error: resumed like a lost answer

ERRORS: dict[str, str] = {
    # https://developers.google.com/youtube/v3/docs/errors ("Core API errors": 403 quotaExceeded);
    # https://developers.google.com/youtube/v3/determine_quota_cost ("Daily quotas reset at midnight Pacific Time")
    "quotaExceeded": QUOTA,
    # https://developers.google.com/youtube/v3/docs/core_errors (403 dailyLimitExceeded, domain usageLimits)
    "dailyLimitExceeded": QUOTA,
    # https://developers.google.com/youtube/v3/docs/videos/insert#errors (uploadLimitExceeded: "The user has
    # exceeded the number of videos they may upload"); https://developers.google.com/youtube/v3/revision_history
    # (a channel's uploads in a 24-hour period are limited: "try again in 24 hours")
    "uploadLimitExceeded": UPLOAD_LIMIT,
    # https://developers.google.com/youtube/v3/docs/core_errors (403/429 rateLimitExceeded, 403 userRateLimitExceeded)
    "rateLimitExceeded": BACKOFF,
    "userRateLimitExceeded": BACKOFF,
    # https://developers.google.com/youtube/v3/docs/core_errors (401 authError, invalidCredentials, required)
    "authError": PERSON,
    "invalidCredentials": PERSON,
    "authorizationRequired": PERSON,
    "required": PERSON,
    # https://developers.google.com/youtube/v3/docs/errors (401 youtubeSignupRequired: a Google Account
    # without a YouTube channel; 403 forbidden, insufficientPermissions, the account and channel refusals)
    "youtubeSignupRequired": PERSON,
    "forbidden": PERSON,
    "insufficientPermissions": PERSON,
    "accountDelegationForbidden": PERSON,
    "authenticatedUserAccountClosed": PERSON,
    "authenticatedUserAccountSuspended": PERSON,
    "authenticatedUserNotChannel": PERSON,
    "channelClosed": PERSON,
    "channelNotFound": PERSON,
    "channelSuspended": PERSON,
    "forbiddenLicenseSetting": PERSON,
    "forbiddenPrivacySetting": PERSON,
    # https://developers.google.com/youtube/v3/docs/videos/insert#errors (400 badRequest: the video's metadata)
    "invalidTitle": FAIL,
    "invalidDescription": FAIL,
    "invalidTags": FAIL,
    "invalidCategoryId": FAIL,
    "invalidFilename": FAIL,
    "invalidVideoMetadata": FAIL,
    "invalidPublishAt": FAIL,
    "invalidRecordingDetails": FAIL,
    "invalidVideoGameRating": FAIL,
    "defaultLanguageNotSet": FAIL,
    "mediaBodyRequired": FAIL,
    # https://developers.google.com/youtube/v3/docs/core_errors (500 backendError, internalError;
    # 503 backendError); https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
    # (a 500/502/503/504 during an upload: resume it)
    "backendError": RETRY,
    "internalError": RETRY,
}

PACIFIC = ZoneInfo("America/Los_Angeles")
UPLOAD_LIMIT_WAIT = timedelta(hours=24)  # the revision history's "try again in 24 hours"


def verdict(status: int, reason: str) -> str:
    """What a refusal means: the documented reason first, else its HTTP status class."""
    if reason in ERRORS:
        return ERRORS[reason]
    if status >= 500:
        return RETRY
    if status == 429:
        return BACKOFF
    if status in (401, 403):
        return PERSON
    return FAIL


def next_quota_reset(now: datetime) -> datetime:
    """Midnight Pacific Time after `now` (UTC): when the project's daily quota is renewed."""
    tomorrow = now.astimezone(PACIFIC).date() + timedelta(days=1)
    return datetime.combine(tomorrow, day_time(0), tzinfo=PACIFIC).astimezone(UTC)


class _Hold(Rejected):
    """A refusal that says when to ask again (a quota, the upload limit, a rate limit): nothing was created."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason, retry=True)
        self.kind = kind
        self.reason = reason


class YouTubePlatform(Adapter):
    name = "YouTube"
    key = "youtube"
    default_token_env = "SOP_KONTEN_YT_REFRESH_TOKEN"
    visible_steps = frozenset({"upload"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.endpoint = self.text("base_url", API_ENDPOINT).rstrip("/") + "/"
        self.token_uri = self.text("token_uri", TOKEN_URI)
        self.client_id_env = self.text("client_id_env", "SOP_KONTEN_YT_CLIENT_ID")
        self.client_secret_env = self.text("client_secret_env", "SOP_KONTEN_YT_CLIENT_SECRET")
        self.privacy_status = self.text("privacy_status", "public")
        self.category_id = self.text("category_id", "25")  # News & Politics
        self.language = self.text("language", "id")
        self.made_for_kids = bool(config.get("made_for_kids", False))
        self.notify_subscribers = bool(config.get("notify_subscribers", True))
        self.chunk_size = int(self.number("chunk_size", 32 * CHUNK_UNIT))  # 8 MiB; a multiple of 256 KiB
        if self.chunk_size != -1 and (self.chunk_size <= 0 or self.chunk_size % CHUNK_UNIT):
            raise PublishConfigError(publish_text.YOUTUBE_CHUNK_SIZE_INVALID)
        self.rate_limit_wait = self.number("rate_limit_wait", 60.0)  # doubled at every rate limit in a row
        self.rate_limit_max_wait = self.number("rate_limit_max_wait", 3600.0)
        self.held: tuple[datetime, str] | None = None  # a quota or limit of the project/channel: every post waits
        self._service: Any = None
        self._http: Any = None

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- credentials and HTTP
    def _credentials(self) -> Any:
        from google.oauth2.credentials import Credentials

        data: dict[str, Any] = {}
        if self.tokens.file is not None and self.tokens.file.is_file():
            try:
                data = json.loads(self.tokens.file.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise Rejected(publish_text.youtube_token_corrupt(self.tokens.file), retry=False) from exc
        client_id = str(data.get("client_id") or os.environ.get(self.client_id_env, "")).strip()
        secret = str(data.get("client_secret") or os.environ.get(self.client_secret_env, "")).strip()
        refresh = str(data.get("refresh_token") or os.environ.get(self.tokens.env, "")).strip()
        if not (client_id and secret and refresh):
            raise Rejected(publish_text.youtube_credentials_missing(
                self.client_id_env, self.client_secret_env, self.tokens.env, self.tokens.file), retry=True)
        return Credentials(token=None, refresh_token=refresh, client_id=client_id, client_secret=secret,
                           token_uri=str(data.get("token_uri") or self.token_uri), scopes=list(SCOPES))

    def _connect(self) -> tuple[Any, Any]:
        if self._service is None:
            import google_auth_httplib2
            from googleapiclient.discovery import build
            from googleapiclient.http import build_http

            transport = build_http()  # the library's own: 308 "Resume Incomplete" is not a redirect
            transport.timeout = self.timeout
            self._http = google_auth_httplib2.AuthorizedHttp(self._credentials(), http=transport)
            self._service = build("youtube", "v3", http=self._http, static_discovery=True,
                                  client_options={"api_endpoint": self.endpoint})
        return self._service, self._http

    def _call(self, action: Any) -> Any:
        """Run a googleapiclient/httplib2 action; transport trouble and error answers as our exceptions."""
        from google.auth.exceptions import RefreshError, TransportError
        from googleapiclient.errors import HttpError, ResumableUploadError

        try:
            return action()
        except RefreshError as exc:
            raise self._refresh_refused(exc) from exc
        except (HttpError, ResumableUploadError) as exc:
            raise self._google_error(exc.resp.status, exc.content) from exc
        except ConnectionRefusedError as exc:
            raise NotSent(publish_text.connection_refused(exc)) from exc
        except TransportError as exc:  # the token refresh inside the request: nothing was sent with it
            raise NotSent(publish_text.token_not_refreshed(exc)) from exc
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # httplib2's own errors
            import httplib2

            if isinstance(exc, httplib2.HttpLib2Error):
                raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
            raise

    def _refresh_refused(self, exc: Exception) -> Rejected:
        """invalid_grant (revoked, expired "testing" token): a person reconnects; a retryable one waits."""
        detail = redact(str(exc.args[0] if exc.args else exc))
        if getattr(exc, "retryable", False):
            return Rejected(publish_text.token_refresh_unreachable(self.name, detail[:200]), retry=True)
        return Rejected(publish_text.youtube_token_revoked(detail[:120], self.tokens.env), retry=False)

    def _fresh_token(self) -> None:
        """Refresh the access token before any call, so a refresh that fails is never a sent create.

        google-auth refreshes inside a request when the token has (nearly) expired; doing it here first
        turns a token service out of reach into a retry later, with no intent saved and no attempt used.
        """
        import google_auth_httplib2
        import httplib2
        from google.auth.exceptions import RefreshError, TransportError

        _, authorized = self._call(self._connect)
        credentials = authorized.credentials
        if credentials.valid:
            return
        try:
            credentials.refresh(google_auth_httplib2.Request(authorized.http))
        except RefreshError as exc:
            raise self._refresh_refused(exc) from exc
        except (TransportError, OSError, http.client.HTTPException, httplib2.HttpLib2Error) as exc:
            raise Rejected(publish_text.token_refresh_unreachable(
                self.name, redact(f"{type(exc).__name__}: {exc}")[:200]), retry=True) from exc

    def _google_error(self, status: int, content: bytes | str) -> Exception:
        """A documented error body ({"error": {"code", "message", "errors": [{"domain", "reason"}], "status"}})
        as the exception its `ERRORS` verdict calls for."""
        try:
            body = json.loads(content or b"{}")
        except ValueError:
            body = {}
        error = body["error"] if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
        reasons = [str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)]
        reason = reasons[0] if reasons else str(error.get("status") or "")
        message = str(error.get("message") or "").strip()
        found = verdict(status, reason)
        if status in (404, 410) and reason not in ERRORS:  # a gone session: the session status query decides
            return NoAnswer(publish_text.youtube_http_error(status, reason, message))
        if found == RETRY:
            return NoAnswer(publish_text.youtube_http_error(status, reason, message))
        if found in (QUOTA, UPLOAD_LIMIT, BACKOFF):
            return _Hold(found, reason or str(status))
        if found == PERSON and status == 401 and reason != "youtubeSignupRequired":
            return Rejected(publish_text.youtube_token_revoked(reason, self.tokens.env), retry=False)
        if found == PERSON:
            return Rejected(publish_text.youtube_account_refused(status, reason, message), retry=False)
        return Rejected(publish_text.youtube_video_refused(status, reason, message), retry=False)

    # -- quotas and limits
    def _rejected(self, state: PublishState, exc: Rejected) -> Outcome:
        if isinstance(exc, _Hold):
            exc = self._hold(state, exc)
        return super()._rejected(state, exc)

    def _hold(self, state: PublishState, refusal: _Hold) -> Rejected:
        """Remember until when YouTube said no (in the adapter for every post, in the state across restarts)."""
        now = self.now()
        if refusal.kind == QUOTA:
            until = next_quota_reset(now)
            problem = publish_text.youtube_quota_until(refusal.reason, until)
        elif refusal.kind == UPLOAD_LIMIT:
            until = now + UPLOAD_LIMIT_WAIT
            problem = publish_text.youtube_upload_limit(until)
        else:
            in_a_row = int(state.get().get("rate_limited") or 0) + 1
            wait = min(self.rate_limit_wait * 2 ** (in_a_row - 1), self.rate_limit_max_wait)
            until = now + timedelta(seconds=wait)
            problem = publish_text.youtube_rate_limited(refusal.reason, until)
            state.save(rate_limited=in_a_row)
        if self.held is None or self.held[0] < until:
            self.held = (until, problem)
        state.save(hold_until=until.isoformat(), hold_problem=problem)
        self.log.warning(log_text.YOUTUBE_ON_HOLD, until.isoformat(), problem)
        return Rejected(problem, retry=True)

    def _respect_hold(self, state: PublishState) -> None:
        """No call that costs quota or starts an upload before a quota, the upload limit or a rate limit allows.

        The PUTs to a session already started are part of its videos.insert (charged once, when it started).
        """
        s = state.get()
        holds = [self.held] if self.held else []
        saved = parse_time(str(s.get("hold_until") or ""))
        if saved is not None:
            holds.append((saved, str(s.get("hold_problem") or "")))
        now = self.now()
        for until, problem in holds:
            if now < until:
                raise Rejected(problem, retry=True)

    def _same_scheme(self, uri: str) -> str:
        """googleapiclient keeps https for media URLs even when api_endpoint says http (a local fake)."""
        endpoint = urlsplit(self.endpoint)
        parts = urlsplit(uri)
        if parts.netloc == endpoint.netloc and parts.scheme != endpoint.scheme:
            return urlunsplit(parts._replace(scheme=endpoint.scheme))
        return uri

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        return pending_step(s, [("session", "session_uri"), ("upload", "video_id")])

    def _link(self, video_id: str) -> str:
        return f"https://www.youtube.com/watch?v={video_id}"

    def _request(self, post: Post, video: MediaFile) -> tuple[Any, Any]:
        service, _ = self._call(self._connect)
        body = {"snippet": {"title": post.title.strip(), "description": post.caption, "categoryId": self.category_id,
                            "defaultLanguage": self.language, "defaultAudioLanguage": self.language},
                "status": {"privacyStatus": self.privacy_status, "selfDeclaredMadeForKids": self.made_for_kids}}
        media = _ChunkUpload(str(video.path), mimetype=mime_type(video), chunksize=self.chunk_size, resumable=True)
        request = service.videos().insert(part="snippet,status", body=body, media_body=media,
                                          notifySubscribers=self.notify_subscribers)
        request.uri = self._same_scheme(request.uri)
        return request, media

    def _run(self, post: Post, state: PublishState) -> Outcome:
        if not state.get().get("session_uri"):
            self._respect_hold(state)  # nothing started yet: not even the token is asked for
        self._fresh_token()
        reconciled = self._pending(state.get()) is not None
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        if state.get().get("session_uri") and not state.get().get("video_id") and not reconciled:
            # A session from an earlier attempt: ask it how many bytes it has (or whether it is done).
            decision = self._session_status(post, state)
            if decision is not CONTINUE:
                return decision  # type: ignore[return-value]
        s = state.get()
        if s.get("video_id"):
            return Published(self._link(str(s["video_id"])), str(s["video_id"]))
        video = split_media(post)[1][0]
        size = Path(video.path).stat().st_size
        request, media = self._request(post, video)
        try:
            uri = str(s.get("session_uri") or "")
            if not uri:
                self._respect_hold(state)
                uri = self._create(state, "session", lambda: self._start(request, size, mime_type(video)))
                state.save(session_uri=uri, session_size=size, upload_progress=0, step="session_done")
            request.resumable_uri = uri
            request.resumable_progress = int(state.get().get("upload_progress") or 0)
            resource = self._create(state, "upload", lambda: self._send(request, media, size, state))
        finally:
            media.stream().close()
        video_id = str(resource.get("id") or "")
        if not video_id:
            raise NoAnswer(publish_text.VIDEOS_INSERT_ANSWER_WITHOUT_ID)
        state.save(video_id=video_id, step="upload_done", rate_limited=0)
        return Published(self._link(video_id), video_id)

    def _start(self, request: Any, size: int, mimetype: str) -> str:
        """The initiation POST of the resumable upload (what next_chunk() does first), answering the session URI."""
        _, authorized = self._connect()
        headers = dict(request.headers)
        headers.update({"X-Upload-Content-Type": mimetype, "X-Upload-Content-Length": str(size),
                        "content-length": str(len(request.body or ""))})
        response, content = self._call(lambda: authorized.request(request.uri, method=request.method,
                                                                  body=request.body, headers=headers))
        if response.status == 200 and "location" in response:
            return self._same_scheme(str(response["location"]))
        raise self._google_error(response.status, content)

    def _send(self, request: Any, media: Any, size: int, state: PublishState) -> dict[str, Any]:
        while True:
            self._fresh_token()  # a long upload outlives its token: a failed refresh stops before the next PUT
            progress, chunk = int(request.resumable_progress or 0), int(media.chunksize())
            if (chunk == -1 or progress + chunk >= size) and not state.get().get("upload_final_at"):
                # Only the PUT that carries the last byte can make the video: its intent comes first.
                state.save(upload_final_at=self.now_iso())
            status, resource = self._call(request.next_chunk)
            if resource is not None:
                return resource
            state.save(upload_progress=int(status.resumable_progress) if status else 0)

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step == "session":  # the session URI never came back: no byte was sent with it
            state.save(session_at=None, step="session_abandoned")
            return CONTINUE
        return self._session_status(post, state)

    def _session_status(self, post: Post, state: PublishState) -> Decision:
        """`PUT <session> Content-Range: bytes */SIZE`: done (200/201), resume (308) or gone (404/410).

        https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol (step 4: check the
        status of an interrupted upload; a 404 means the session has expired).
        """
        s = state.get()
        uri, size = str(s["session_uri"]), int(s.get("session_size") or 0)
        _, authorized = self._call(self._connect)
        response, content = self._call(lambda: authorized.request(
            uri, method="PUT", body=b"", headers={"Content-Range": f"bytes */{size}", "Content-Length": "0"}))
        if response.status in (200, 201):
            try:
                video_id = str(json.loads(content or b"{}").get("id") or "")
            except (ValueError, AttributeError):
                video_id = ""
            if not video_id:
                raise NoAnswer(publish_text.VIDEOS_INSERT_ANSWER_WITHOUT_ID)
            state.save(video_id=video_id, step="upload_found")
            return Published(self._link(video_id), video_id)
        if response.status == 308:  # the session lacks bytes: no video yet, the upload goes on from there
            received = str(response.get("range") or "")
            progress = int(received.rsplit("-", 1)[1]) + 1 if "-" in received else 0
            state.save(upload_at=None, upload_final_at=None, upload_progress=progress, step="upload_resume")
            return CONTINUE
        if response.status in (404, 410):
            final_at = str(s.get("upload_final_at") or "")
            if not final_at:  # the last byte was never sent: no video can exist, a new session is safe
                state.save(session_uri=None, session_at=None, upload_at=None, upload_progress=0,
                           step="session_expired")
                return CONTINUE
            since = self.since(final_at)
            found = self._search(lambda: self._find_upload(post, state, since), final_at)
            if found:
                state.save(video_id=found, step="upload_found")
                return Published(self._link(found), found)
            return self._unconfirmed(state, "upload")  # the channel does not show it (yet): never a second video
        raise self._google_error(response.status, content)

    def _find_upload(self, post: Post, state: PublishState, since: datetime) -> str:
        """The video with the post's title uploaded after `since`, from the uploads playlist (1 quota unit per
        list call; search.list would cost 100: https://developers.google.com/youtube/v3/determine_quota_cost)."""
        self._respect_hold(state)
        service, _ = self._call(self._connect)
        channels = self._call(service.channels().list(part="contentDetails", mine=True).execute)
        items = channels.get("items") or []
        if not items:
            return ""
        uploads = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        listing = self._call(service.playlistItems().list(part="snippet", playlistId=uploads, maxResults=50).execute)
        for item in listing.get("items") or []:
            snippet = item.get("snippet") or {}
            published = parse_time(str(snippet.get("publishedAt") or "")) or since
            if normalize_text(snippet.get("title", "")) == normalize_text(post.title) and published >= since:
                return str((snippet.get("resourceId") or {}).get("videoId") or "")
        return ""

    def _token_expiry(self) -> datetime | None:
        """None: Google refresh tokens of a published OAuth app do not expire (a "testing" app's last 7 days)."""
        return None



def _ChunkUpload(path: str, mimetype: str, chunksize: int, resumable: bool) -> Any:  # noqa: N802
    """A MediaFileUpload whose chunks are sent as bytes, not as a slice of the open file.

    httplib2 re-sends a request once when the connection drops before the answer; a stream slice
    is then already consumed, and the re-sent PUT would announce bytes it never sends (the upload
    hangs until the timeout). Bytes can be sent twice: PUTs to one upload session are idempotent.
    Memory: one chunk (chunk_size = -1 reads the whole file).
    """
    from googleapiclient.http import MediaFileUpload

    class ChunkUpload(MediaFileUpload):
        def has_stream(self) -> bool:
            return False

    return ChunkUpload(path, mimetype=mimetype, chunksize=chunksize, resumable=resumable)
