"""Instagram's documented error answers, and what sop-konten does with each: retry, a person, or fail.

An error answer is `{"error": {message, type, code, error_subcode, is_transient, error_user_title,
error_user_msg, fbtrace_id}}`. Instagram's own codes come with a subcode (2207xxx); the Graph API's
shared codes (token, rate limits, permissions) may come without one. A row is looked up by subcode
first (Instagram's subcodes are unique), then by code.

Actions:
- RETRY: nothing was published; the engine tries again on a later cycle (its backoff), and every
  try reads `content_publishing_limit` first, so retries never go beyond the quota.
- QUOTA: the 24-hour publishing limit; retried after the window, like RETRY.
- TOKEN: the token is expired or revoked; the admin renews it (retried once renewed).
- PERSON: nothing was published and no retry can help until a person acts on the account.
- FAIL: the post itself must change (the file, the caption); nothing was published.
- NOT_READY: media_publish refused a container that is not (or no longer) available; the adapter
  reads the container to tell "not ready yet" from "already published" (see instagram.py).
- LOST: the answer says nothing definite (5xx, Graph codes 1 and 2): the outcome is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import requests

from automation.adapters.social.base import NoAnswer, Rejected, TokenSource
from automation.adapters.social.facebook import GraphError
from automation.domain.texts import publish as publish_text

# The Instagram Platform's error reference (code, subcode, user message, recommended solution).
ERRORS_PAGE = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes/"
# The Graph API's shared codes (1, 2, 4, 10, 17, 102, 190, 200-299, 341, 368, 613).
GRAPH_ERRORS_PAGE = "https://developers.facebook.com/docs/graph-api/guides/error-handling/"
# Rate limits: 4 (app), 17 (user), 32 (page), 613 (custom), 80002 (Instagram business use case).
RATE_LIMITS_PAGE = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting/"


class Action(Enum):
    RETRY = "retry"
    QUOTA = "quota"
    TOKEN = "token"
    PERSON = "person"
    FAIL = "fail"
    NOT_READY = "not_ready"
    LOST = "lost"


@dataclass(frozen=True)
class Row:
    action: Action
    new_container: bool = False  # the documented solution is "generate a new container"


# Instagram subcodes, each row as the error reference (ERRORS_PAGE) gives it: code / subcode.
BY_SUBCODE: dict[int, Row] = {
    2207003: Row(Action.RETRY),  # -2: media download timed out. "Try again."
    2207020: Row(Action.RETRY, new_container=True),  # -2: the media expired. "Generate a new container ID"
    2207001: Row(Action.RETRY),  # -1: Instagram server error. "Try again."
    2207032: Row(Action.RETRY, new_container=True),  # -1: failed to create a media container. "Try again."
    2207053: Row(Action.RETRY, new_container=True),  # -1: unknown upload error (video). "Generate a new container"
    2207057: Row(Action.FAIL),  # 1: thumbnail offset outside the video's duration
    # 4 / 2207051: "The publishing action is suspected to be spam ... Let us know if you can determine that
    # the publishing action is not spam." Not rate limiting: retrying would repeat the suspected action.
    2207051: Row(Action.PERSON),
    2207042: Row(Action.QUOTA),  # 9: maximum number of posts reached. "try again the following day"
    # 24 / 2207006: "Possible permission error due to missing permission or expired token. Generate a new
    # container and use it to try again."
    2207006: Row(Action.PERSON, new_container=True),
    # 24 / 2207008: "Temporary error publishing a container. Try again 1-2 times in the next 30 seconds to
    # 2 minutes. If unsuccessful, generate a new container ID."
    2207008: Row(Action.RETRY),
    2207050: Row(Action.PERSON),  # 25: the account is inactive, checkpointed or restricted: sign in to the app
    2207023: Row(Action.FAIL),  # 100: the media type is not one of the expected ones
    2207028: Row(Action.FAIL),  # 100: a carousel needs 2-10 children
    2207040: Row(Action.FAIL),  # 100: more than 20 @mentions
    2207052: Row(Action.RETRY),  # 9004: the media could not be fetched from the URL (media host down?)
    # 9007 / 2207027 "Media ID is not available": not ready for publishing - or already published (below).
    2207027: Row(Action.NOT_READY),
    2207004: Row(Action.FAIL),  # 36000: image larger than 8 MiB
    2207005: Row(Action.FAIL),  # 36001: image format not supported (JPEG only)
    2207009: Row(Action.FAIL),  # 36003: aspect ratio outside 4:5 - 1.91:1
    2207010: Row(Action.FAIL),  # 36004: caption too long (2200 characters)
    2207026: Row(Action.FAIL),  # video format not supported (Reels specification)
}

# Codes without (or with an unlisted) subcode: the Graph API's shared codes (GRAPH_ERRORS_PAGE).
BY_CODE: dict[int, Row] = {
    -1: Row(Action.RETRY),  # Instagram's transient server errors (ERRORS_PAGE: "Try again.")
    -2: Row(Action.RETRY),
    1: Row(Action.LOST),  # API unknown: "possibly a temporary issue due to downtime"
    2: Row(Action.LOST),  # API service: "temporary issue due to downtime"
    4: Row(Action.RETRY),  # application request limit (RATE_LIMITS_PAGE); 4 / 2207051 is NOT this (above)
    17: Row(Action.RETRY),  # user request limit
    32: Row(Action.RETRY),
    341: Row(Action.RETRY),  # application limit reached
    613: Row(Action.RETRY),
    80002: Row(Action.RETRY),  # Instagram business use case rate limit
    9: Row(Action.QUOTA),  # Instagram's publishing limit even without its subcode
    102: Row(Action.TOKEN),  # API session
    190: Row(Action.TOKEN),  # access token expired or invalid
    368: Row(Action.PERSON),  # temporarily blocked for policy violations
    10: Row(Action.PERSON),  # permission denied
    9004: Row(Action.RETRY),  # media download failed
    9007: Row(Action.NOT_READY),
}
RATE_LIMITED = {4, 17, 32, 341, 613, 80002}
SPAM = 2207051
ACCOUNT_RESTRICTED = 2207050
NOT_AVAILABLE = 2207027
TOKEN_SUBCODES = {458, 459, 460, 463, 464, 467}  # with code 10 or 190: the user must log in again
RANGE_PERMISSION = range(200, 300)  # 200-299: permission not granted


class InstagramRefusal(Rejected):
    """A documented refusal: nothing was published by this call."""

    def __init__(self, problem: str, retry: bool, action: Action, code: int, subcode: int,
                 new_container: bool = False) -> None:
        super().__init__(problem, retry)
        self.action = action
        self.code = code
        self.subcode = subcode
        self.new_container = new_container


def lookup(code: int, subcode: int, transient: bool) -> Row | None:
    if subcode in BY_SUBCODE:
        return BY_SUBCODE[subcode]
    if code in (10, 190) and subcode in TOKEN_SUBCODES:
        return Row(Action.TOKEN)
    if code in BY_CODE:
        return BY_CODE[code]
    if code in RANGE_PERMISSION:
        return Row(Action.PERSON)
    if transient:  # "is_transient": the Graph API's own word that trying again may work
        return Row(Action.RETRY)
    return None


def instagram_error(tokens: TokenSource, response: requests.Response) -> Exception:
    """An Instagram error answer as InstagramRefusal (nothing published) or NoAnswer (outcome unknown)."""
    error = GraphError.read(response)
    status = response.status_code
    if error is None or status >= 500:
        return NoAnswer(publish_text.meta_http_error(status, error.code if error else 0,
                                                     error.message if error else str(response.reason or ""),
                                                     error.trace if error else ""))
    code, sub, message, trace = error.code, error.sub, error.message, error.trace
    row = lookup(code, sub, error.transient)
    if row is None and status == 401:
        row = Row(Action.TOKEN)
    if row is None and status == 429:
        row = Row(Action.RETRY)
    if row is None:
        return InstagramRefusal(publish_text.meta_rejected("Instagram", code, sub, message, trace), False,
                                Action.FAIL, code, sub)
    if row.action is Action.LOST:
        return NoAnswer(publish_text.meta_http_error(status, code, message, trace))
    problem, retry = _said(row.action, tokens, code, sub, message, trace)
    return InstagramRefusal(problem, retry, row.action, code, sub, row.new_container)


def _said(action: Action, tokens: TokenSource, code: int, sub: int, message: str, trace: str) -> tuple[str, bool]:
    """The sentence for staff, and whether trying again later can work without a person."""
    shown = f"{code}/{sub}" if sub else str(code)
    if action is Action.TOKEN:
        return tokens.expired_problem(publish_text.error_code(shown)), True
    if action is Action.QUOTA:
        return publish_text.INSTAGRAM_QUOTA_REACHED, True
    if action is Action.RETRY and code in RATE_LIMITED:
        return publish_text.meta_rate_limited("Instagram", code, message), True
    if action is Action.RETRY:
        return publish_text.instagram_try_again(shown, message, trace), True
    if action is Action.NOT_READY:
        return publish_text.instagram_not_ready(shown, message), True
    if action is Action.PERSON and sub == SPAM:
        return publish_text.instagram_spam_suspected(message, trace), False
    if action is Action.PERSON and sub == ACCOUNT_RESTRICTED:
        return publish_text.instagram_account_restricted(message, trace), False
    if action is Action.PERSON:
        return publish_text.instagram_needs_person(shown, message, trace), False
    return publish_text.instagram_post_must_change(shown, message, trace), False
