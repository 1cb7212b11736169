"""What every social platform adapter shares: errors, the HTTP client, the token source, `Adapter`.

`Adapter` runs every platform's publish sequence under the exactly-once protocol
described in `automation.publisher`; the adapters in this package subclass it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from automation.domain.platform_rules import PLATFORM_NAMES
from automation.domain.texts import log as log_text
from automation.domain.texts import publish as publish_text
from automation.ports import (
    Failed,
    Manual,
    MediaFile,
    Post,
    Published,
    PublishOutcome,
    PublishState,
    RenewedToken,
    Unknown,
)

Outcome = PublishOutcome

# --- platform names ------------------------------------------------------------

# PLATFORM_NAMES lives with the platform rules: the configuration reads it without loading the adapters.


class PublishConfigError(ValueError):
    """A `[publish.<platform>]` table is unusable; one Indonesian sentence naming the key."""


def platform_key(name: str) -> str:
    """'Instagram' -> 'instagram', 'Twitter' -> 'x'."""
    key = name.strip().lower().replace(" ", "")
    key = {"twitter": "x", "ig": "instagram", "fb": "facebook", "yt": "youtube"}.get(key, key)
    if key not in PLATFORM_NAMES:
        raise PublishConfigError(publish_text.unknown_platform(name, ', '.join(PLATFORM_NAMES.values())))
    return key


# --- errors inside the adapters ------------------------------------------------


class Rejected(Exception):
    """The platform answered clearly that it did not do it (or we never asked): nothing was created."""

    def __init__(self, problem: str, retry: bool) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry = retry


class NoAnswer(Exception):
    """The request may have reached the platform but its outcome is unknown (timeout, dropped, 5xx)."""


class NotSent(Exception):
    """The request never reached the platform (connection refused, connect timeout)."""


class AlreadyLive(Exception):
    """The platform refused a create because the same post is already live (a duplicate, a container
    already published): proof that an earlier attempt went through. Never a failure."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class _Continue:
    """Reconcile's verdict: the platform shows the unanswered step created nothing visible; go on."""

    def __repr__(self) -> str:
        return "CONTINUE"


CONTINUE = _Continue()
Decision = Outcome | _Continue


# --- secrets never reach the logs ---------------------------------------------

_SECRET_PARAM = re.compile(r"(access_token|refresh_token|client_secret|input_token|code)=[^&\s\"']+", re.I)
_BEARER = re.compile(r"(Bearer|OAuth)\s+[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    return _BEARER.sub(r"\1 ***", _SECRET_PARAM.sub(r"\1=***", text))


class RedactSecrets(logging.Filter):
    """Removes access tokens from log records (urllib3 logs whole URLs at DEBUG level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is not ours to fix
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def logger(name: str) -> logging.Logger:
    found = logging.getLogger(name)
    if not any(isinstance(f, RedactSecrets) for f in found.filters):
        found.addFilter(RedactSecrets())
    return found


for _name in ("urllib3.connectionpool", "googleapiclient.discovery", "googleapiclient.http"):
    logger(_name)
log = logger("sop_konten.publish")


# --- tokens -------------------------------------------------------------------


def _atomic_write(path: Path, text: str, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class TokenSource:
    """An access token: from `token_file` (JSON or plain text) first, then the variable named by `token_env`.

    The JSON token file holds {"access_token", "expires_at" (ISO), "refresh_token",
    "refresh_expires_at"}; the adapters rewrite it (atomically, mode 0600) when
    they refresh a token. Tokens are read at call time, never logged.
    """

    def __init__(self, platform: str, config: Mapping[str, Any], default_env: str, base_dir: Path | None = None):
        self.platform = platform
        self.env = str(config.get("token_env") or default_env)
        configured = str(config.get("token_file") or "").strip()
        self.file = _resolve(configured, base_dir) if configured else None

    def where(self) -> str:
        return publish_text.token_where(self.file, self.env) if self.file else \
            publish_text.token_env(self.env)

    def data(self) -> dict[str, Any]:
        if self.file is None or not self.file.is_file():
            return {}
        text = self.file.read_text(encoding="utf-8").strip()
        if not text:
            return {}
        if text.startswith("{"):
            try:
                found = json.loads(text)
            except ValueError as exc:
                raise Rejected(publish_text.token_file_corrupt(self.platform, self.file),
                               retry=False) from exc
            return found if isinstance(found, dict) else {}
        return {"access_token": text}

    def access_token(self) -> str:
        token = str(self.data().get("access_token") or os.environ.get(self.env, "")).strip()
        if not token:
            raise Rejected(publish_text.token_not_set(self.platform, self.where()), retry=True)
        return token

    def expiry(self) -> datetime | None:
        return parse_time(str(self.data().get("expires_at") or ""))

    def expired_problem(self, detail: str = "") -> str:
        return publish_text.token_expired(self.platform, detail, self.where())

    def store(self, access_token: str, expires_in: float | None = None, now: datetime | None = None,
              **extra: Any) -> RenewedToken:
        now = now or datetime.now(UTC)
        expires_at = now + timedelta(seconds=float(expires_in)) if expires_in else None
        if self.file is None:
            return RenewedToken(access_token, expires_at, stored=False, where=publish_text.token_env(self.env))
        record = self.data()
        record["access_token"] = access_token
        record["expires_at"] = expires_at.isoformat() if expires_at else None
        for key, value in extra.items():
            if value is not None:
                record[key] = value
        _atomic_write(self.file, json.dumps(record, indent=1))
        return RenewedToken(access_token, expires_at, stored=True, where=str(self.file))


def _resolve(path: str, base_dir: Path | None) -> Path:
    found = Path(path).expanduser()
    return found if found.is_absolute() or base_dir is None else Path(base_dir) / found


# --- HTTP -----------------------------------------------------------------------

Interpret = Callable[[requests.Response], Exception]


def _never_sent(exc: BaseException) -> bool:
    """True when the connection was never established, so the request cannot have reached the server."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError | ConnectTimeoutError | ConnectionRefusedError):
            return True
        if isinstance(item, BaseException):
            stack.extend([getattr(item, "reason", None), item.__cause__, item.__context__, *item.args])
    return False


class Api:
    """requests with the exactly-once rules: reads are retried, creates never are."""

    def __init__(self, platform: str, interpret: Interpret, *, session: requests.Session | None = None,
                 timeout: float = 30.0, upload_timeout: float = 300.0, read_retries: int = 2,
                 retry_wait: float = 2.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.platform = platform
        self.interpret = interpret
        self.session = session or requests.Session()
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.read_retries = read_retries
        self.retry_wait = retry_wait
        self.sleep = sleep

    def _send(self, method: str, url: str, timeout: float, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=timeout, **kwargs)
        except requests.RequestException as exc:
            reason = redact(f"{type(exc).__name__}: {exc}")[:300]
            if _never_sent(exc):
                raise NotSent(reason) from exc
            raise NoAnswer(reason) from exc

    def read(self, method: str, url: str, ok: tuple[int, ...] = (200,), **kwargs: Any) -> requests.Response:
        """A call that changes nothing: retried on network trouble and 5xx."""
        attempt = 0
        while True:
            try:
                response = self._send(method, url, self.timeout, **kwargs)
            except (NoAnswer, NotSent):
                if attempt >= self.read_retries:
                    raise
                attempt += 1
                self.sleep(self.retry_wait * attempt)
                continue
            if response.status_code in ok:
                return response
            error = self.interpret(response)
            if isinstance(error, NoAnswer) and attempt < self.read_retries:
                attempt += 1
                self.sleep(self.retry_wait * attempt)
                continue
            raise error

    def create(self, method: str, url: str, ok: tuple[int, ...] = (200, 201), upload: bool = False,
               **kwargs: Any) -> requests.Response:
        """A call that may create something: sent once; NoAnswer when its outcome is unknown."""
        response = self._send(method, url, self.upload_timeout if upload else self.timeout, **kwargs)
        if response.status_code in ok:
            return response
        raise self.interpret(response)


def answer_json(response: requests.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer; an unreadable one counts as no answer."""
    try:
        found = response.json()
    except ValueError as exc:
        raise NoAnswer(publish_text.answer_unreadable(response.status_code)) from exc
    if not isinstance(found, dict):
        raise NoAnswer(publish_text.answer_not_object(response.status_code))
    return found


def error_json(response: requests.Response) -> dict[str, Any]:
    try:
        found = response.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


# --- text and time helpers -------------------------------------------------------


def now_utc() -> datetime:
    return datetime.now(UTC)


def parse_time(value: str) -> datetime | None:
    """ISO 8601 in the platforms' spellings ('2026-11-27T10:00:00+0000', '...Z'); None if empty or bad."""
    text = (value or "").strip()
    if not text:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def normalize_text(text: str) -> str:
    """For comparing a caption with what the platform shows: NFC, unified newlines, trimmed lines."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


_URL = re.compile(r"https?://\S+")


def same_text(ours: str, theirs: str) -> bool:
    """The platform's copy of our caption: equal after normalisation, links compared as links only.

    X and Facebook rewrite links (t.co, l.facebook.com); every link counts as one placeholder.
    """
    a, b = normalize_text(ours), normalize_text(theirs)
    return a == b or _URL.sub("<url>", a) == _URL.sub("<url>", b)


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm"}
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
        ".webp": "image/webp", ".mp4": "video/mp4", ".mov": "video/quicktime", ".m4v": "video/mp4",
        ".webm": "video/webm"}


def mime_type(media: MediaFile) -> str:
    return MIME.get(Path(media.name).suffix.lower() or media.path.suffix.lower(), "application/octet-stream")


def split_media(post: Post) -> tuple[list[MediaFile], list[MediaFile], list[MediaFile]]:
    """(images, videos, others) by file suffix; the caption and post.json-like files are ignored."""
    images, videos, others = [], [], []
    for media in post.media:
        suffix = (Path(media.name).suffix or media.path.suffix).lower()
        if suffix in IMAGE_SUFFIXES:
            images.append(media)
        elif suffix in VIDEO_SUFFIXES:
            videos.append(media)
        elif suffix not in {".txt", ".json", ".md"}:
            others.append(media)
    return images, videos, others


# --- the shared adapter -----------------------------------------------------------


def cfg_text(config: Mapping[str, Any], key: str, default: str = "") -> str:
    value = config.get(key, default)
    return str(value if value is not None else default).strip()


def cfg_number(config: Mapping[str, Any], key: str, default: float, table: str) -> float:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PublishConfigError(publish_text.key_not_number(table, key))
    return float(value)


class Adapter(ABC):
    """What every platform adapter shares: configuration, HTTP, the publish/reconcile skeleton.

    A subclass sets `name`, `key`, `default_token_env` and implements `_interpret`
    (an error answer -> Rejected | NoAnswer), `_pending` (the create step asked
    but unanswered, or None), `_reconcile_step` (a `Decision` for that step) and
    `_run` (the publish sequence, resuming from the state).
    """

    name = "?"
    key = "?"
    default_token_env = ""
    modes: tuple[str, ...] = ("auto", "manual")
    visible_steps: frozenset[str] = frozenset()  # create steps whose unanswered call may have made a post

    def __init__(self, config: dict[str, Any], *, media_host: Any = None, session: requests.Session | None = None,
                 base_dir: Path | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.media_host = media_host
        self.base_dir = base_dir
        self.sleep = sleep
        self.log = logger(f"sop_konten.publish.{self.key}")
        self.mode = cfg_text(config, "mode", self.modes[0]).lower()
        if self.mode not in self.modes:
            raise PublishConfigError(publish_text.unknown_mode(self.key, self.mode, ', '.join(self.modes)))
        self.tokens = TokenSource(self.name, config, self.default_token_env, base_dir)
        self.timeout = self.number("timeout", 30.0)
        self.poll_interval = self.number("poll_interval", 5.0)
        self.poll_timeout = self.number("poll_timeout", 300.0)
        self.reconcile_wait = self.number("reconcile_wait", 10.0)
        self.reconcile_attempts = int(self.number("reconcile_attempts", 3))
        self.settle_seconds = self.number("settle_seconds", 60.0)
        self.clock_skew = self.number("clock_skew", 300.0)
        self.max_create_attempts = int(self.number("max_create_attempts", 2))
        self.media_url_ttl = self.number("media_url_ttl", 3600.0)  # signed URLs expire; folder copies get cleaned
        self.api = Api(self.name, self._interpret, session=session, timeout=self.timeout,
                       upload_timeout=self.number("upload_timeout", 600.0),
                       read_retries=int(self.number("read_retries", 2)),
                       retry_wait=self.number("retry_wait", 2.0), sleep=sleep)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mode={self.mode!r})"

    # -- configuration
    def number(self, key: str, default: float) -> float:
        return cfg_number(self.config, key, default, self.key)

    def text(self, key: str, default: str = "") -> str:
        return cfg_text(self.config, key, default)

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value and self.mode != "manual":
            raise PublishConfigError(publish_text.key_required(self.key, key))
        return value

    def base(self, key: str, default: str) -> str:
        return self.text(key, default).rstrip("/")

    # -- time
    def now(self) -> datetime:
        return now_utc()

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="milliseconds")

    def since(self, intent_at: str) -> datetime:
        """The start of the window in which a post created by an intent can be found."""
        at = parse_time(intent_at) or self.now()
        return at - timedelta(seconds=self.clock_skew)

    # -- the public protocol
    def publish(self, post: Post, state: PublishState) -> Outcome:
        final = self._final(state.get(), post)
        if final is not None:
            return final
        if self.mode == "manual":
            return self._manual(post)
        problems = self.check(post)
        if problems:
            return Failed(" ".join(problems), retry=False)  # the problems name the platform
        last = ""
        for _ in range(4):
            try:
                outcome = self._run(post, state)
            except AlreadyLive as exc:
                return self._settle(state, self._already_live(post, state, exc))
            except Rejected as exc:
                return self._settle(state, self._rejected(state, exc))
            except (NoAnswer, NotSent) as exc:
                last = str(exc)
                self.log.warning(log_text.PUBLISH_NO_ANSWER, self.name, post.key, last)
                continue
            except Exception as exc:  # nothing escapes publish(): a surprise is settled like a lost answer
                self.log.exception(log_text.PUBLISH_UNEXPECTED, self.name, post.key)
                problem = redact(f"{type(exc).__name__}: {exc}")[:300]
                if self._unsure(state.get()):
                    return self._settle(state, Unknown(publish_text.unclear_answer(self.name, problem)))
                return self._settle(state, Failed(publish_text.unexpected_trouble(self.name, problem), retry=True))
            return self._settle(state, outcome)
        if self._unsure(state.get()):
            return self._settle(state, Unknown(publish_text.unclear_answer(self.name, last)))
        return self._settle(state, Failed(publish_text.network_trouble(self.name, last), retry=True))

    def reconcile(self, post: Post, state: PublishState) -> Outcome:
        """Establish the outcome of an interrupted publish, read-only."""
        final = self._final(state.get(), post)
        if final is not None:
            return final
        step = self._pending(state.get())
        if step is None:
            return Failed(publish_text.nothing_pending(self.name), retry=True)
        try:
            decision = self._reconcile_step(post, state, step)
        except AlreadyLive as exc:
            return self._settle(state, self._already_live(post, state, exc))
        except Exception as exc:  # read-only: whatever went wrong, the outcome stays unknown
            return Unknown(publish_text.status_unknown(self.name, redact(str(exc))[:300]))
        if isinstance(decision, _Continue):
            return Failed(publish_text.not_yet_published(self.name), retry=True)
        return self._settle(state, decision)

    def token_expiry(self) -> datetime | None:
        """When the token stops working, where the platform told us; None when unknown (never raises)."""
        try:
            return self._token_expiry()
        except (Rejected, NoAnswer, NotSent) as exc:
            self.log.warning(log_text.TOKEN_EXPIRY_UNKNOWN, self.name, exc)
            return None

    def _token_expiry(self) -> datetime | None:
        return self.tokens.expiry()

    def _refresh_when_near_expiry(self, client: str, margin: timedelta,
                                  refresh: Callable[[], RenewedToken]) -> None:
        """Refresh a token that can be refreshed (a refresh token and a client) and expires within `margin`."""
        data = self.tokens.data()
        if not (data.get("refresh_token") and client):
            return
        expires = parse_time(str(data.get("expires_at") or ""))
        if expires is not None and expires - self.now() > margin:
            return
        try:
            refresh()
        except (requests.RequestException, NoAnswer, NotSent) as exc:
            # Before any create was sent: a retry later, never a used attempt nor a raw exception.
            raise NotSent(publish_text.token_refresh_unreachable(
                self.name, redact(f"{type(exc).__name__}: {exc}")[:200])) from exc

    def check(self, post: Post) -> list[str]:
        """Problems (Indonesian) that make the post unpublishable here; call it at review time too."""
        return []

    # -- helpers for the subclasses
    def _final(self, s: dict, post: Post) -> Outcome | None:
        if s.get("outcome") == "published":
            return Published(link=str(s.get("link", "")), remote_id=str(s.get("remote_id", "")))
        if s.get("outcome") == "manual":
            return Manual(note=str(s.get("note", "")), caption=post.caption,
                          files=tuple(str(m.path) for m in post.media), remote_id=str(s.get("remote_id", "")))
        return None

    def _manual(self, post: Post) -> Manual:
        return Manual(note=publish_text.manual_upload(self.name),
                      caption=post.caption, files=tuple(str(m.path) for m in post.media))

    def _settle(self, state: PublishState, outcome: Outcome) -> Outcome:
        if isinstance(outcome, Published):
            state.save(outcome="published", link=outcome.link, remote_id=outcome.remote_id, step="done")
        elif isinstance(outcome, Manual) and outcome.remote_id:
            state.save(outcome="manual", note=outcome.note, remote_id=outcome.remote_id, step="done")
        elif isinstance(outcome, Unknown):
            state.save(last_problem=outcome.reason)
        elif isinstance(outcome, Failed):
            state.save(last_problem=outcome.problem)
        return outcome

    def _unsure(self, s: dict) -> bool:
        """True when an unanswered create call may have made a visible post."""
        step = self._pending(s)
        return step is not None and self._visible(step)

    def _visible(self, step: str) -> bool:
        return step in self.visible_steps

    def _already_live(self, post: Post, state: PublishState, exc: AlreadyLive) -> Outcome:
        """A refusal proving the post is live: `Published` with the link found by reading the platform.

        Adapters whose platform can be searched override `_find_live`; where it finds
        nothing (yet), a person confirms the link: `Unknown`, never "nothing is live".
        """
        try:
            found = self._find_live(post, state)
        except (Rejected, NoAnswer, NotSent) as error:
            self.log.warning(log_text.LIVE_POST_NOT_READ, self.name, post.key, error)
            found = None
        if found is not None:
            return found
        return Unknown(publish_text.already_live_link_unknown(self.name, exc.problem))

    def _find_live(self, post: Post, state: PublishState) -> Published | None:
        """The live post of this publish, read from the platform; None when it cannot be found."""
        return None

    def _unconfirmed(self, state: PublishState, step: str) -> Unknown:
        """The one rule for a create whose answer was lost where the platform gives no definitive way
        to know (no upload session, container or id whose status can be read): never sent again; a
        person settles it (`Perlu Dicek`) with what is known."""
        s = state.get()
        state.save(step=f"{step}_unconfirmed")
        at = parse_time(str(s.get(f"{step}_at") or ""))
        return Unknown(publish_text.lost_answer_unconfirmed(self.name, at, self.settle_seconds))

    def _rejected(self, state: PublishState, exc: Rejected) -> Outcome:
        if self._unsure(state.get()):  # an earlier create is still unanswered: the post may be live
            return Unknown(publish_text.earlier_unsure(exc.problem, self.name))
        return Failed(exc.problem, exc.retry)

    def _create(self, state: PublishState, step: str, send: Callable[[], Any]) -> Any:
        """Save the intent, send a create call once; a definitive refusal clears the intent."""
        before = int(state.get().get(f"{step}_attempts", 0))
        state.save(step=step, **{f"{step}_at": self.now_iso(), f"{step}_attempts": before + 1})
        try:
            return send()
        except NotSent as exc:
            state.save(step=f"{step}_not_sent", **{f"{step}_at": None, f"{step}_attempts": before})
            raise Rejected(publish_text.unreachable(self.name, exc),
                           retry=True) from exc
        except Rejected:
            state.save(step=f"{step}_rejected", **{f"{step}_at": None, f"{step}_attempts": before})
            raise
        except AlreadyLive:
            state.save(step=f"{step}_already_live")  # the intent stays: this attempt's twin is live
            raise

    def _resume(self, post: Post, state: PublishState) -> Outcome | None:
        """Reconcile every unanswered create step; an Outcome ends the publish, None lets it go on."""
        for _ in range(12):
            step = self._pending(state.get())
            if step is None:
                return None
            decision = self._reconcile_step(post, state, step)
            if decision is not CONTINUE:
                return decision  # type: ignore[return-value]
            if self._pending(state.get()) == step:
                raise RuntimeError(f"reconcile of {step} said CONTINUE but left the step pending")
        raise NoAnswer(publish_text.TOO_MANY_PENDING_STEPS)

    def _may_recreate(self, state: PublishState, step: str) -> bool:
        return int(state.get().get(f"{step}_attempts", 0)) < self.max_create_attempts

    def _search(self, find: Callable[[], Any], intent_at: str) -> Any:
        """Look for a created post until found, or until `settle_seconds` after the intent have passed.

        Returns what `find` returned (truthy), or None once the platform's own
        list shows, after the settle time, that the post does not exist.
        """
        at = parse_time(intent_at) or self.now()
        age = max(0.0, (self.now() - at).total_seconds())
        settled_at = time.monotonic() + max(0.0, self.settle_seconds - age)
        tries = 0
        while True:
            found = find()
            tries += 1
            if found:
                return found
            remaining = settled_at - time.monotonic()
            if remaining <= 0 and tries >= max(1, self.reconcile_attempts):
                return None
            wait = self.reconcile_wait if remaining <= 0 else min(self.reconcile_wait, remaining)
            self.sleep(max(wait, 0.01))
            if tries > 10_000:  # a sleep that does not sleep
                return None

    def _host(self, state: PublishState, post: Post, media: list[MediaFile]) -> list[str]:
        """Public URLs of the files (via the media host), kept in the state so a retry reuses them."""
        s = state.get()
        saved, hosted_at = s.get("media_urls"), parse_time(str(s.get("media_urls_at") or ""))
        fresh = hosted_at is not None and (self.now() - hosted_at).total_seconds() < self.media_url_ttl
        if isinstance(saved, list) and len(saved) == len(media) and fresh:
            return [str(u) for u in saved]  # a retry reuses them while they are surely still valid
        if self.media_host is None:
            raise Rejected(publish_text.media_host_missing(self.name, self.key), retry=False)
        from automation.adapters.media.host import MediaHostError

        try:
            urls = [self.media_host.url_for(m.path) for m in media]
        except FileNotFoundError as exc:
            raise Rejected(publish_text.file_not_found(exc), retry=False) from exc
        except MediaHostError as exc:
            raise Rejected(str(exc), retry=False) from exc
        except OSError as exc:
            raise Rejected(publish_text.media_host_failed(exc), retry=True) from exc
        state.save(media_urls=urls, media_urls_at=self.now_iso())
        return urls

    # -- what each platform's adapter provides
    def _interpret(self, response: requests.Response) -> Exception:
        """A refusal as an exception; adapters that speak HTTP themselves read their platform's error body."""
        return Rejected(publish_text.http_status(self.name, response.status_code), retry=False)

    @abstractmethod
    def _pending(self, s: dict) -> str | None: ...

    @abstractmethod
    def _reconcile_step(self, post: Post, state: PublishState, step: str) -> Decision: ...

    @abstractmethod
    def _run(self, post: Post, state: PublishState) -> Outcome: ...


def pending_step(s: dict, steps: list[tuple[str, str]]) -> str | None:
    """The first (step, answer key) whose intent is saved but whose answer is not."""
    for step, answer in steps:
        if s.get(f"{step}_at") and not s.get(answer):
            return step
    return None

