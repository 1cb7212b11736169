"""Instagram (professional account) publishing through the Graph API content-publishing flow.

1. `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config` - stop at the 24 h cap.
2. Containers (invisible until published): one image -> `POST /{ig-user-id}/media` (image_url, caption);
   several images -> one child per image (image_url, is_carousel_item=true), then a CAROUSEL container
   (children, caption); a video -> media_type=REELS (video_url, caption).
3. `GET /{container-id}?fields=status_code,status` until FINISHED (IN_PROGRESS | FINISHED | ERROR | EXPIRED | PUBLISHED).
4. `POST /{ig-user-id}/media_publish` (creation_id) -> media id; `GET /{media-id}?fields=permalink`.

Exactly once: the container is the idempotency key. The content publishing guide says that when
media_publish does not return the media id, the container's status_code tells whether it was
published (https://developers.facebook.com/docs/instagram-platform/content-publishing/). Reconcile of
an unanswered media_publish reads the container: PUBLISHED = live (the media is found in
`GET /{ig-user-id}/media` by caption and time); FINISHED = media_publish is sent again with the same
creation_id, which is safe because a container is published at most once: Instagram refuses the second
call (9007 / 2207027 "Media ID is not available"), and that refusal after an earlier send proves the
first one went through (`AlreadyLive`: the media is looked up, else `Unknown` - never "not live");
EXPIRED = a new container; ERROR = failed. An unanswered container creation is replaced by a new
container (an orphan container cannot go live without our media_publish, and expires after 24 h).

Two logins (`login` in the config), two hosts:
- "instagram": Instagram API with Instagram Login, https://graph.instagram.com, an Instagram user token
  refreshed with `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`
  (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token);
- "facebook": Instagram API with Facebook Login, https://graph.facebook.com, a Page-linked token; no
  ig_refresh_token refresh (a long-lived Facebook user token is exchanged through Facebook Login,
  https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import requests

from automation.adapters.social.base import (
    CONTINUE,
    AlreadyLive,
    Decision,
    Failed,
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
    cfg_text,
    parse_time,
    pending_step,
    redact,
    same_text,
    split_media,
)
from automation.adapters.social.facebook import GraphAdapter
from automation.adapters.social.instagram_errors import Action, InstagramRefusal, instagram_error
from automation.domain.platform_rules import INSTAGRAM
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import Post

LOGINS = {"instagram": "https://graph.instagram.com", "facebook": "https://graph.facebook.com"}
LOGIN_OF_HOST = {urlparse(url).hostname: login for login, url in LOGINS.items()}
NOT_AVAILABLE = "9007/2207027"  # media_publish's refusal of a container that is not (or no longer) publishable
CAPTION = INSTAGRAM.caption
MAX_CHILDREN = INSTAGRAM.image.max_count if INSTAGRAM.image else 1


def login_of(config: dict[str, Any]) -> str:
    """The login, "instagram" or "facebook": the explicit `login`, else the one the base URL implies, else "facebook"
    (the base URL default of earlier versions). A pair that contradicts itself is refused."""
    login = cfg_text(config, "login").lower()
    if login and login not in LOGINS:
        raise PublishConfigError(publish_text.instagram_login_invalid(login))
    for key in ("base_url", "refresh_base_url"):
        url = cfg_text(config, key)
        implied = LOGIN_OF_HOST.get(urlparse(url).hostname or "")
        if implied and key == "refresh_base_url" and implied != "instagram":
            raise PublishConfigError(publish_text.instagram_login_mismatch(login or "instagram", key, url))
        if implied and login and implied != login:
            raise PublishConfigError(publish_text.instagram_login_mismatch(login, key, url))
        login = login or implied or ""
    return login or "facebook"


class InstagramPlatform(GraphAdapter):
    name = "Instagram"
    key = "instagram"
    default_token_env = "SOP_KONTEN_IG_TOKEN"
    visible_steps = frozenset({"publish"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self.login = login_of(config)
        self.default_base = LOGINS[self.login]
        super().__init__(config, **kwargs)
        self.user_id = self.required("ig_user_id")
        self.username = self.text("username")
        # Instagram Login: refresh_access_token lives unversioned on the same host as the API.
        self.refresh_base = self.base("refresh_base_url", self.base("base_url", self.default_base))
        total = config.get("quota_total")
        self.quota_total = int(total) if isinstance(total, int | float) and not isinstance(total, bool) else None
        self.share_to_feed = bool(config.get("share_to_feed", True))

    def _interpret(self, response: requests.Response) -> Exception:
        return instagram_error(self.tokens, response)

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        steps = [(f"child_{i}", f"child_{i}_id") for i in range(MAX_CHILDREN)]
        return pending_step(s, [*steps, ("container", "container_id"), ("publish", "media_id")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        for _ in range(3):  # an expired container is replaced, a bounded number of times
            resumed = self._resume(post, state)
            if resumed is not None:
                return resumed
            s = state.get()
            if s.get("media_id"):
                return self._published(str(s["media_id"]))
            images, videos, _ = split_media(post)
            urls = self._host(state, post, videos or images)
            if not s.get("container_id"):
                self._check_quota()
                container = self._make_containers(post, state, urls, video=bool(videos))
            else:
                container = str(s["container_id"])
            status = self._wait(container)
            if status == "PUBLISHED":  # published by an earlier call whose answer we lost: never again
                return self._live(post, state, publish_text.INSTAGRAM_PUBLISHED_NOT_FOUND)
            if status == "EXPIRED":
                self._reset(state, "expired")
                continue
            if status == "ERROR":
                detail = self._status(container).get("status", "")
                self._reset(state, "error")
                raise Rejected(publish_text.instagram_media_failed(detail), retry=False)
            if status != "FINISHED":
                raise Rejected(publish_text.instagram_media_in_progress(status), retry=True)
            self._check_quota()
            return self._media_publish(state, container)
        raise Rejected(publish_text.instagram_media_in_progress("EXPIRED"), retry=True)

    def _media_publish(self, state: PublishState, container: str) -> Outcome:
        """media_publish for a FINISHED container; a refusal after an earlier send can prove it is live."""
        sent_before = bool(state.get().get("publish_first_at"))
        if not sent_before:
            state.save(publish_first_at=self.now_iso())

        def send() -> dict[str, Any]:
            try:
                return answer_json(self.api.create(
                    "POST", f"{self.graph}/{self.user_id}/media_publish", headers=self._auth(),
                    data={"creation_id": container}))
            except InstagramRefusal as exc:
                if exc.action is Action.NOT_READY:
                    raise self._not_available(container, sent_before, exc) from exc
                raise

        try:
            answer = self._create(state, "publish", send)
        except AlreadyLive:
            state.save(publish_live=True)
            raise
        except Rejected as exc:
            if not sent_before:  # refused, and no earlier send of this container: nothing of it is live
                state.save(publish_first_at=None)
            if isinstance(exc, InstagramRefusal) and exc.new_container and not sent_before:
                self._reset(state, f"refused {exc.code}/{exc.subcode}")
            raise
        media_id = str(answer.get("id") or "")
        if not media_id:
            raise NoAnswer(publish_text.MEDIA_PUBLISH_ANSWER_WITHOUT_ID)
        state.save(media_id=media_id, step="publish_done")
        return self._published(media_id)

    def _not_available(self, container: str, sent_before: bool, refusal: InstagramRefusal) -> Exception:
        """9007/2207027 means "not ready" or "already published"; the container and our record tell which.

        The container was FINISHED just before this call and a container never goes back to processing:
        after an earlier media_publish of the same container, the refusal means that one went through (the
        status read can lag behind it). Without an earlier send it is "not ready yet": retried later.
        """
        try:
            status = str(self._status(container).get("status_code") or "")
        except (Rejected, NoAnswer, NotSent) as exc:
            self.log.warning(log_text.INSTAGRAM_CONTAINER_NOT_READ, self.name, container, exc)
            status = ""
        if status == "PUBLISHED" or (sent_before and status in ("FINISHED", "")):
            return AlreadyLive(publish_text.error_code(NOT_AVAILABLE))
        return refusal

    def _make_containers(self, post: Post, state: PublishState, urls: list[str], video: bool) -> str:
        if video:
            fields = {"media_type": "REELS", "video_url": urls[0], "caption": post.caption,
                      "share_to_feed": "true" if self.share_to_feed else "false"}
        elif len(urls) == 1:
            fields = {"image_url": urls[0], "caption": post.caption}
        else:
            children = []
            for index, url in enumerate(urls):
                known = state.get().get(f"child_{index}_id")
                if not known:
                    known = self._container(state, f"child_{index}", {"image_url": url, "is_carousel_item": "true"})
                children.append(str(known))
            for child in children:
                status = self._wait(child)
                if status != "FINISHED":
                    self._reset(state, f"child {status}")
                    raise Rejected(publish_text.instagram_image_failed(status),
                                   retry=status == "EXPIRED")
            fields = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.caption}
        return self._container(state, "container", fields)

    def _container(self, state: PublishState, step: str, fields: dict[str, str]) -> str:
        answer = self._create(state, step, lambda: answer_json(self.api.create(
            "POST", f"{self.graph}/{self.user_id}/media", headers=self._auth(), data=fields)))
        container = str(answer.get("id") or "")
        if not container:
            raise NoAnswer(publish_text.CONTAINER_ANSWER_WITHOUT_ID)
        state.save(**{f"{step}_id": container, "step": f"{step}_done"})
        return container

    def _status(self, container: str) -> dict[str, Any]:
        return self._get(container, fields="status_code,status")

    def _wait(self, container: str) -> str:
        """Poll the container until it is no longer IN_PROGRESS, or poll_timeout passes."""
        waited = 0.0
        while True:
            code = str(self._status(container).get("status_code") or "")
            if code != "IN_PROGRESS" or waited >= self.poll_timeout:
                return code
            self.sleep(self.poll_interval)
            waited += max(self.poll_interval, 0.001)

    def _reset(self, state: PublishState, why: str) -> None:
        """Forget the containers (expired or failed: nothing of them is live) so new ones are made."""
        s = state.get()
        cleared = {k: None for k in s if k.startswith(("child_", "container_")) and not k.endswith("_attempts")}
        state.save(**cleared, publish_at=None, publish_attempts=0, publish_first_at=None, publish_live=None,
                   step=f"containers_reset ({why})")

    def _check_quota(self) -> None:
        """Stop before a create when the 24 h publishing limit is used up (the smaller of the configured
        `quota_total` and the API's own); every retry passes here, so retries never go beyond it."""
        try:
            answer = self._get(f"{self.user_id}/content_publishing_limit", fields="quota_usage,config")
        except (NoAnswer, NotSent) as exc:  # media_publish enforces the cap itself (9 / 2207042)
            self.log.warning(log_text.INSTAGRAM_LIMIT_NOT_READ, exc)
            answer = {}
        rows = answer.get("data") or [{}]
        row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
        usage = int(row.get("quota_usage") or 0)
        limits = [int((row.get("config") or {}).get("quota_total") or 0), self.quota_total or 0]
        total = min((n for n in limits if n > 0), default=0)
        if total and usage >= total:
            raise Rejected(publish_text.instagram_quota_reached(usage, total), retry=True)

    def _published(self, media_id: str, permalink: str = "") -> Published:
        link = permalink
        if not link:
            try:
                link = str(self._get(media_id, fields="permalink").get("permalink") or "")
            except (Rejected, NoAnswer, NotSent) as exc:
                self.log.warning(log_text.INSTAGRAM_PERMALINK_NOT_READ, media_id, exc)
        fallback = f"https://www.instagram.com/{self.username}/" if self.username else "https://www.instagram.com/"
        return Published(link=link or fallback, remote_id=media_id)

    def _find_live(self, post: Post, state: PublishState) -> Published | None:
        """The media of this post in `GET /{ig-user-id}/media`: same caption, published after the first
        media_publish of the container (less the clock skew); None when the list does not show it (yet)."""
        s = state.get()
        since = self.since(str(s.get("publish_first_at") or s.get("publish_at") or s.get("container_at") or ""))

        def find() -> dict[str, Any] | None:
            items = self._list(f"{self.user_id}/media", pages=2, fields="id,caption,permalink,timestamp", limit=25)
            matches = [i for i in items if same_text(post.caption, str(i.get("caption") or ""))
                       and (parse_time(str(i.get("timestamp") or "")) or since) >= since]
            matches.sort(key=lambda i: str(i.get("timestamp") or ""))
            return matches[0] if matches else None

        found = None
        for attempt in range(max(1, self.reconcile_attempts)):
            found = find()
            if found or attempt == self.reconcile_attempts - 1:
                break
            self.sleep(self.reconcile_wait)
        if not found:
            return None
        state.save(media_id=str(found["id"]), step="publish_found")
        return self._published(str(found["id"]), str(found.get("permalink") or ""))

    def _live(self, post: Post, state: PublishState, not_found: str) -> Outcome:
        """A post known to be live: Published with its link, or Unknown while the list does not show it."""
        try:
            found = self._find_live(post, state)
        except (Rejected, NoAnswer, NotSent) as exc:
            self.log.warning(log_text.LIVE_POST_NOT_READ, self.name, post.key, exc)
            found = None
        return found if found is not None else Unknown(not_found)

    def _unsure(self, s: dict) -> bool:
        """Also unsure after any media_publish of the current container whose media id we never got: the
        container's FINISHED may lag behind a publish that went through."""
        return super()._unsure(s) or (bool(s.get("publish_first_at")) and not s.get("media_id"))

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step.startswith("child_") or step == "container":
            # An unanswered container creation: whatever it made cannot go live without our media_publish.
            state.save(**{f"{step}_at": None, "step": f"{step}_abandoned"})
            return CONTINUE
        return self._decide_publish(post, state, resend=True)

    def reconcile(self, post: Post, state: PublishState) -> Outcome:
        """Read-only: a FINISHED container after a lost media_publish is `Unknown` here, never "not live"
        (only `publish()` may send media_publish again, and it does so safely)."""
        s = state.get()
        if self._final(s, post) is None and self._pending(s) == "publish":
            try:
                decision = self._decide_publish(post, state, resend=False)
            except Exception as exc:  # read-only: whatever went wrong, the outcome stays unknown
                return Unknown(publish_text.status_unknown(self.name, redact(str(exc))[:300]))
            if decision is CONTINUE:
                return Failed(publish_text.not_yet_published(self.name), retry=True)
            return self._settle(state, decision)  # type: ignore[arg-type]
        return super().reconcile(post, state)

    def _decide_publish(self, post: Post, state: PublishState, resend: bool) -> Decision:
        """What an unanswered media_publish did, from the container's status."""
        s = state.get()
        container = str(s.get("container_id") or "")
        first = parse_time(str(s.get("publish_first_at") or s.get("publish_at") or ""))
        proven = bool(s.get("publish_live"))  # Instagram already refused a second media_publish
        status = ""
        for attempt in range(max(1, self.reconcile_attempts)):
            status = str(self._status(container).get("status_code") or "")
            if proven or status not in ("FINISHED", "IN_PROGRESS") or attempt == self.reconcile_attempts - 1:
                break
            self.sleep(self.reconcile_wait)  # a media_publish still in flight turns it PUBLISHED
        if status == "PUBLISHED":
            return self._live(post, state, publish_text.INSTAGRAM_PUBLISHED_NOT_FOUND)
        if proven and status in ("FINISHED", "IN_PROGRESS"):  # live, the status read lags behind
            return self._live(post, state, publish_text.instagram_live_not_visible(first))
        if status in ("FINISHED", "IN_PROGRESS"):
            if not resend:
                return Unknown(publish_text.instagram_publish_unconfirmed(first))
            # Not published as far as the container shows. Sending media_publish again with the same
            # creation_id is safe: Instagram publishes a container at most once and refuses the second call.
            state.save(publish_at=None, step="publish_again")
            return CONTINUE
        if status == "EXPIRED":  # a container that expired was never published
            self._reset(state, "expired")
            return CONTINUE
        if status == "ERROR":
            self._reset(state, "error")
            return Failed(publish_text.INSTAGRAM_MEDIA_FAILED, retry=False)
        return Unknown(publish_text.instagram_container_unknown(status))

    # -- tokens
    def refresh_token(self) -> RenewedToken:
        """Refresh a long-lived Instagram-login token (>= 24 h old, not expired) for another 60 days.

        `GET {refresh_base_url}/refresh_access_token?grant_type=ig_refresh_token&access_token=...`.
        With `token_file` configured the new token is written there (read before the
        environment variable); otherwise the caller must tell the admin to store it. Facebook Login
        tokens have no such refresh: a clear refusal, never a call. A network failure raises
        NoAnswer/NotSent (never a raw requests exception).
        """
        if self.login != "instagram":
            raise Rejected(publish_text.INSTAGRAM_FACEBOOK_LOGIN_NO_REFRESH, retry=False)
        response = self.api.read("GET", f"{self.refresh_base}/refresh_access_token",
                                 params={"grant_type": "ig_refresh_token",
                                         "access_token": self.tokens.access_token()})
        answer = answer_json(response)
        token = str(answer.get("access_token") or "")
        if not token:
            raise NoAnswer(publish_text.REFRESH_ANSWER_WITHOUT_TOKEN)
        return self.tokens.store(token, answer.get("expires_in"), now=self.now())
