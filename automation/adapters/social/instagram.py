"""Instagram (professional account) publishing through the Graph API content-publishing flow.

1. `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config` - stop at the 24 h cap.
2. Containers (invisible until published): one image -> `POST /{ig-user-id}/media` (image_url, caption);
   several images -> one child per image (image_url, is_carousel_item=true), then a CAROUSEL container
   (children, caption); a video -> media_type=REELS (video_url, caption).
3. `GET /{container-id}?fields=status_code,status` until FINISHED (IN_PROGRESS | FINISHED | ERROR | EXPIRED | PUBLISHED).
4. `POST /{ig-user-id}/media_publish` (creation_id) -> media id; `GET /{media-id}?fields=permalink`.

Exactly once: the container is the idempotency key. Reconcile of an unanswered media_publish reads the
container: PUBLISHED = live (the media id is found in `GET /{ig-user-id}/media` by caption and time);
FINISHED (still, after re-checks) = not published, media_publish is sent once more; EXPIRED = a new
container; ERROR = failed. An unanswered container creation is replaced by a new container (an orphan
container cannot go live without our media_publish, and expires after 24 h).
"""

from __future__ import annotations

from typing import Any

from automation.adapters.social.base import (
    CONTINUE,
    Decision,
    Failed,
    NoAnswer,
    NotSent,
    Outcome,
    Published,
    PublishState,
    Rejected,
    RenewedToken,
    Unknown,
    answer_json,
    parse_time,
    pending_step,
    same_text,
    split_media,
)
from automation.adapters.social.facebook import GraphAdapter
from automation.domain.platform_rules import INSTAGRAM
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import Post

REFRESH_BASE = "https://graph.instagram.com"
CAPTION = INSTAGRAM.caption
MAX_CHILDREN = INSTAGRAM.image.max_count if INSTAGRAM.image else 1


class InstagramPlatform(GraphAdapter):
    name = "Instagram"
    key = "instagram"
    default_token_env = "SOP_KONTEN_IG_TOKEN"
    visible_steps = frozenset({"publish"})

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.user_id = self.required("ig_user_id")
        self.username = self.text("username")
        self.refresh_base = self.base("refresh_base_url", REFRESH_BASE)
        total = config.get("quota_total")
        self.quota_total = int(total) if isinstance(total, int | float) and not isinstance(total, bool) else None
        self.share_to_feed = bool(config.get("share_to_feed", True))

    def check(self, post: Post) -> list[str]:
        from automation.adapters.media.prepare import check_post

        return check_post(post)  # the rules: domain/post_check.py

    # -- the sequence
    def _pending(self, s: dict) -> str | None:
        steps = [(f"child_{i}", f"child_{i}_id") for i in range(MAX_CHILDREN)]
        return pending_step(s, [*steps, ("container", "container_id"), ("publish", "media_id")])

    def _run(self, post: Post, state: PublishState) -> Outcome:
        resumed = self._resume(post, state)
        if resumed is not None:
            return resumed
        s = state.get()
        if s.get("media_id"):
            return self._published(str(s["media_id"]))
        images, videos, _ = split_media(post)
        files = videos or images
        urls = self._host(state, post, files)
        if not s.get("container_id"):
            self._check_quota()
            container = self._make_containers(post, state, urls, video=bool(videos))
        else:
            container = str(s["container_id"])
        status = self._wait(container)
        if status == "PUBLISHED":  # published by an earlier call whose intent we lost: never again
            return self._find_published(post, state, str(s.get("publish_at") or s.get("container_at") or ""))
        if status == "EXPIRED":
            self._reset(state, "expired")
            return self._run(post, state)
        if status == "ERROR":
            detail = self._status(container).get("status", "")
            self._reset(state, "error")
            raise Rejected(publish_text.instagram_media_failed(detail),
                           retry=False)
        if status != "FINISHED":
            raise Rejected(publish_text.instagram_media_in_progress(status),
                           retry=True)
        self._check_quota()
        answer = self._create(state, "publish", lambda: answer_json(self.api.create(
            "POST", f"{self.graph}/{self.user_id}/media_publish", headers=self._auth(),
            data={"creation_id": container})))
        media_id = str(answer.get("id") or "")
        if not media_id:
            raise NoAnswer(publish_text.MEDIA_PUBLISH_ANSWER_WITHOUT_ID)
        state.save(media_id=media_id, step="publish_done")
        return self._published(media_id)

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
        state.save(**cleared, publish_at=None, publish_attempts=0, step=f"containers_reset ({why})")

    def _check_quota(self) -> None:
        try:
            answer = self._get(f"{self.user_id}/content_publishing_limit", fields="quota_usage,config")
        except (NoAnswer, NotSent) as exc:  # media_publish enforces the cap itself
            self.log.warning(log_text.INSTAGRAM_LIMIT_NOT_READ, exc)
            return
        rows = answer.get("data") or [{}]
        row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
        usage = int(row.get("quota_usage") or 0)
        total = self.quota_total or int((row.get("config") or {}).get("quota_total") or 0)
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

    def _find_published(self, post: Post, state: PublishState, intent: str) -> Outcome:
        since = self.since(intent)

        def find() -> dict[str, Any] | None:
            items = self._list(f"{self.user_id}/media", pages=2, fields="id,caption,permalink,timestamp", limit=25)
            matches = [i for i in items if same_text(post.caption, str(i.get("caption") or ""))
                       and (parse_time(str(i.get("timestamp") or "")) or since) >= since]
            matches.sort(key=lambda i: str(i.get("timestamp") or ""))
            return matches[0] if matches else None

        found = None
        for _ in range(max(1, self.reconcile_attempts)):
            found = find()
            if found:
                break
            self.sleep(self.reconcile_wait)
        if not found:
            return Unknown(publish_text.INSTAGRAM_PUBLISHED_NOT_FOUND)
        state.save(media_id=str(found["id"]), step="publish_found")
        return self._published(str(found["id"]), str(found.get("permalink") or ""))

    # -- reconcile
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision:
        if step.startswith("child_") or step == "container":
            # An unanswered container creation: whatever it made cannot go live without our media_publish.
            state.save(**{f"{step}_at": None, "step": f"{step}_abandoned"})
            return CONTINUE
        s = state.get()
        container = str(s.get("container_id") or "")
        intent = str(s.get("publish_at") or "")
        status = ""
        for attempt in range(max(1, self.reconcile_attempts)):
            status = str(self._status(container).get("status_code") or "")
            if status not in ("FINISHED", "IN_PROGRESS") or attempt == self.reconcile_attempts - 1:
                break
            self.sleep(self.reconcile_wait)  # a media_publish still in flight turns it PUBLISHED
        if status == "PUBLISHED":
            return self._find_published(post, state, intent)
        if status == "FINISHED":
            if self._may_recreate(state, "publish"):
                state.save(publish_at=None, step="publish_not_done")  # the container says: not published
                return CONTINUE
            return Unknown(publish_text.INSTAGRAM_NOT_PUBLISHED)
        if status == "EXPIRED":
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
        environment variable); otherwise the caller must tell the admin to store it.
        """
        response = self.api.read("GET", f"{self.refresh_base}/refresh_access_token",
                                 params={"grant_type": "ig_refresh_token",
                                         "access_token": self.tokens.access_token()})
        answer = answer_json(response)
        token = str(answer.get("access_token") or "")
        if not token:
            raise NoAnswer(publish_text.REFRESH_ANSWER_WITHOUT_TOKEN)
        return self.tokens.store(token, answer.get("expires_in"), now=self.now())

