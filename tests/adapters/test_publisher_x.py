"""X: posts and media upload v2, checked against X's OpenAPI description (version 2.167)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from automation.domain.captions import caption_problems
from automation.ports import Post
from automation.publisher import Failed, MemoryState, Published, Unknown, build_platform
from tests.platform_fakes import FAST, TOKENS, XFake, jpeg, media, mp4
from tests.platform_fakes.x import SPEC_SUBSET, validate


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def xf() -> Iterator[XFake]:
    with XFake() as fake:
        yield fake
        assert fake.errors == []


def adapter(xf: XFake, **extra):
    return build_platform("X", {"base_url": xf.url, "username": xf.username, "chunk_size": 4096, **FAST, **extra})


def post(tmp_path: Path, *names: str, caption: str = "Sekaten 2026 dibuka malam ini di Alun-alun Utara") -> Post:
    files = tuple(media(tmp_path / "m", name, mp4(9000) if name.endswith(".mp4") else jpeg(5000)) for name in names)
    return Post(key="K-2026-0015/6/1/publish/X", item_id="K-2026-0015", platform="X", title="Sekaten",
                caption=caption, kind="Infografis", media=files)


# --- the OpenAPI description ------------------------------------------------------


def test_the_documented_shapes_the_adapter_relies_on():
    schemas = SPEC_SUBSET["schemas"]
    operations = SPEC_SUBSET["operations"]
    assert operations["POST /2/tweets"]["responses"]["201"]["application/json"] == "CreatePostsResponse"
    assert schemas["CreatePostsResponseData"]["required"] == ["id", "text"]
    assert schemas["InitializeMediaUploadResponseData"]["required"] == ["id"]
    assert set(schemas["AppendMediaUploadRequest"]["required"]) == {"media", "segment_index"}
    assert "multipart/form-data" in operations["POST /2/media/upload/{id}/append"]["request"]
    assert "start_time" in operations["GET /2/users/{id}/tweets"]["query"]
    assert set(operations["POST /2/tweets"]["scopes"]) >= {"tweet.write"}


def test_every_request_and_answer_of_a_publish_matches_the_description(xf, tmp_path):
    for index, names in enumerate([(), ("a.jpg", "b.jpg"), ("klip.mp4",)]):
        outcome = adapter(xf).publish(post(tmp_path, *names, caption=f"Kabar ke-{index} & tautan https://jogjakota.go.id"),
                                      MemoryState())
        assert isinstance(outcome, Published), outcome
    xf.fail("POST", r"/2/tweets$", "drop_after")  # and the reconcile reads (GET /2/users/{id}/tweets, /users/me)
    assert isinstance(adapter(xf).publish(post(tmp_path, caption="Dicari lewat linimasa"), MemoryState()), Published)
    assert xf.spec_violations == []
    checked = {f"{e.method} {e.path.split('/2/')[1].split('/')[0]}" for e in xf.log}
    assert {"POST tweets", "POST media", "GET media", "GET users"} <= checked
    assert len(xf.live_posts()) == 4


def test_the_fake_refuses_what_the_description_forbids(xf):
    answer = requests.post(f"{xf.url}/2/tweets", json={"text": "hai", "bogus": True},
                           headers={"Authorization": "Bearer x-token"}, timeout=5)
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "https://api.x.com/2/problems/invalid-request"
    assert validate({"$ref": "#/components/schemas/Problem"}, {k: v for k, v in body.items() if k != "errors"},
                    SPEC_SUBSET["schemas"]) == []
    assert any("bogus" in v for v in xf.spec_violations)
    xf.spec_violations.clear()
    assert validate({"$ref": "#/components/schemas/CreatePostsRequest"}, {"media": {"media_ids": []}},
                    SPEC_SUBSET["schemas"])  # minItems 1


def test_error_answers_are_problem_json(xf, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_X_TOKEN", "expired")
    answer = requests.post(f"{xf.url}/2/tweets", json={"text": "hai"}, headers={"Authorization": "Bearer expired"},
                           timeout=5)
    assert answer.status_code == 401 and answer.headers["Content-Type"].startswith("application/problem+json")
    assert {"title", "detail", "type", "status"} <= set(answer.json())


# --- the adapter ---------------------------------------------------------------


def test_an_expired_token(xf, tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_KONTEN_X_TOKEN", "expired")
    outcome = adapter(xf).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and outcome.retry and "SOP_KONTEN_X_TOKEN" in outcome.problem
    assert xf.live_posts() == []


def test_a_duplicate_of_this_post_is_published_with_the_live_link(xf, tmp_path):
    """X refusing the text as a duplicate proves the post is live (here: its state was lost after posting)."""
    first = adapter(xf).publish(post(tmp_path), MemoryState())
    assert isinstance(first, Published)
    requests_before = len(xf.requests_to("POST", r"/2/tweets$"))
    outcome = adapter(xf).publish(post(tmp_path), MemoryState())
    assert outcome == first
    assert len(xf.requests_to("POST", r"/2/tweets$")) == requests_before + 1  # refused with 403, never again
    assert len(xf.live_posts()) == 1


def test_a_duplicate_posted_long_before_goes_to_a_person_not_to_failed(xf, tmp_path):
    """The same text posted an hour ago (another item): live, but not this attempt's post; a person decides."""
    assert isinstance(adapter(xf).publish(post(tmp_path), MemoryState()), Published)
    xf.tweets[0]["created"] -= 3600
    state = MemoryState()
    outcome = adapter(xf).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "Tautan Publikasi" in outcome.reason
    assert isinstance(adapter(xf).publish(post(tmp_path), state), Unknown)  # never sent again
    assert len(xf.requests_to("POST", r"/2/tweets$")) == 2 and len(xf.live_posts()) == 1


def test_a_duplicate_still_hidden_in_the_timeline_is_found_once_it_shows(xf, tmp_path):
    assert isinstance(adapter(xf).publish(post(tmp_path), MemoryState()), Published)
    xf.visibility = "late"
    xf.tweets[0]["hidden"] = True
    state = MemoryState()
    assert isinstance(adapter(xf).publish(post(tmp_path), state), Unknown)
    xf.reveal()
    outcome = adapter(xf).publish(post(tmp_path), state)
    assert isinstance(outcome, Published) and outcome.remote_id == xf.tweets[0]["id"]
    assert len(xf.live_posts()) == 1


def rate_limited(xf: XFake, reset: datetime) -> None:
    xf.fail("POST", r"/2/tweets$", "error_before", status=429,
            body={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429})
    assert xf.faults[-1].response is not None
    xf.faults[-1].response.headers.update({"x-rate-limit-reset": str(int(reset.timestamp())),
                                           "x-rate-limit-remaining": "0"})


def test_a_rate_limit_holds_every_send_until_x_resets_it(xf, tmp_path):
    rate_limited(xf, datetime.now(UTC) + timedelta(minutes=15))
    platform, state = adapter(xf), MemoryState()
    outcome = platform.publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "429" in outcome.problem
    again = platform.publish(post(tmp_path, "a.jpg", caption="Item lain"), MemoryState())
    assert isinstance(again, Failed) and again.retry and "429" in again.problem
    assert len(xf.requests_to("POST", r"/2/tweets$")) == 1 and xf.requests_to("POST", r"/media/") == []
    assert state.get().get("tweet_attempts") == 0
    assert isinstance(adapter(xf).publish(post(tmp_path), state), Published)  # a new run (or after the reset)
    assert len(xf.live_posts()) == 1


def test_a_rate_limit_whose_reset_has_passed_is_sent_again(xf, tmp_path):
    rate_limited(xf, datetime.now(UTC) - timedelta(seconds=5))
    platform, state = adapter(xf), MemoryState()
    assert isinstance(platform.publish(post(tmp_path), state), Failed)
    assert isinstance(platform.publish(post(tmp_path), state), Published)


def test_never_more_posts_than_the_limit_x_announces(tmp_path):
    with XFake(tweet_limit=1) as xf:
        platform = adapter(xf)
        assert isinstance(platform.publish(post(tmp_path, caption="Satu"), MemoryState()), Published)
        outcome = platform.publish(post(tmp_path, caption="Dua"), MemoryState())  # remaining 0: not even tried
        assert isinstance(outcome, Failed) and outcome.retry and "429" in outcome.problem
        assert len(xf.requests_to("POST", r"/2/tweets$")) == 1
        assert xf.spec_violations == [] and xf.errors == []


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji of 7 code points


@pytest.mark.parametrize("caption", ["Keluarga " + FAMILY * 136, "Lihat jogjakota.go.id " + "x" * 251],
                         ids=["emoji family", "bare domain"])
def test_the_adapter_counts_as_the_caption_check_does(xf, tmp_path, caption):
    """The emoji family weighs 2 and a bare domain 23 in both places: exactly 281, over by one."""
    assert caption_problems("X", caption) == ["X: 281 karakter berbobot (tautan dihitung 23); batasnya 280."]
    outcome = adapter(xf).publish(post(tmp_path, caption=caption), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "281 karakter berbobot" in outcome.problem
    assert xf.live_posts() == []


def test_a_text_too_long_is_caught_before_any_call(xf, tmp_path):
    outcome = adapter(xf).publish(post(tmp_path, caption="x" * 281), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "281 karakter berbobot" in outcome.problem
    assert xf.log == []
    assert isinstance(adapter(xf, max_length=25000).publish(post(tmp_path, caption="x" * 281), MemoryState()),
                      Published)


def test_an_expired_token_is_refreshed_from_the_token_file(xf, tmp_path):
    token_file = tmp_path / "x-token.json"
    token_file.write_text(json.dumps({"access_token": "old", "refresh_token": "xr-1",
                                      "expires_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}))
    xf.refresh_tokens["xr-1"] = "client-123"
    platform = adapter(xf, token_file=str(token_file), client_id="client-123")
    assert isinstance(platform.publish(post(tmp_path), MemoryState()), Published)
    saved = json.loads(token_file.read_text())
    assert saved["access_token"] in xf.tokens and saved["refresh_token"] != "xr-1"  # rotated
    assert platform.token_expiry() > datetime.now(UTC) + timedelta(hours=1)


def test_a_platform_that_cannot_be_reached_is_safe_to_retry(tmp_path):
    platform = build_platform("X", {"base_url": "http://127.0.0.1:9", **FAST})  # nothing listens there
    state = MemoryState()
    outcome = platform.publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "tidak dapat dihubungi" in outcome.problem
    assert state.get()["tweet_at"] is None and state.get()["tweet_attempts"] == 0


# --- a lost answer at every create point, the post visible at once, late or never --------------------

KINDS = {"text": (), "image": ("a.jpg",), "images": ("a.jpg", "b.jpg"), "video": ("klip.mp4",)}


def lost_answer_cases() -> list:
    cases = []
    for kind, points in XFake.CREATE_POINTS.items():
        for method, pattern in points:
            for visibility in ("immediate", "late", "never"):
                name = pattern.strip("$").rsplit("/", 1)[-1]
                cases.append(pytest.param(kind, method, pattern, visibility, id=f"{kind}-{name}-{visibility}"))
    return cases


@pytest.mark.parametrize(("kind", "method", "pattern", "visibility"), lost_answer_cases())
def test_a_lost_answer_at_every_create_point(tmp_path, kind, method, pattern, visibility):
    files = KINDS[kind]
    with XFake(visibility=visibility) as xf:
        xf.fail(method, pattern, "drop_after")
        the_post, state = post(tmp_path, *files), MemoryState()
        outcome = adapter(xf).publish(the_post, state)
        assert xf.faults[0].seen == 1, "the answer was never lost"
        live = xf.live_posts()
        assert len(live) == 1  # the fake did the work; nothing is ever sent twice
        assert not isinstance(outcome, Failed), outcome
        if isinstance(outcome, Published):
            assert outcome.remote_id == live[0]["id"]
        tweet_lost = pattern == r"/2/tweets$"
        if tweet_lost and visibility != "immediate":
            assert isinstance(outcome, Unknown) and "tidak mengirim ulang" in outcome.reason
        else:
            assert isinstance(outcome, Published), outcome
        uploads = len(xf.requests_to("POST", r"/initialize$"))
        if "initialize" in pattern:
            assert uploads == len(files) + 1  # the orphan is invisible and expires
        elif files:
            assert uploads == len(files)  # APPEND sent again to the same id; FINALIZE read back by STATUS
        if "append" in pattern:
            first = xf.requests_to("POST", r"/append$")[0].path
            assert len([e for e in xf.requests_to("POST", r"/append$") if e.path == first]) >= 2
        xf.reveal()
        later = adapter(xf).publish(the_post, state)
        if tweet_lost and visibility == "never":
            assert isinstance(later, Unknown)
        else:
            assert isinstance(later, Published) and later.remote_id == live[0]["id"]
        assert len(xf.live_posts()) == 1 and len(xf.requests_to("POST", r"/2/tweets$")) == 1
        assert xf.spec_violations == [] and xf.errors == []


def test_a_5xx_after_nothing_was_posted_is_never_sent_again(xf, tmp_path):
    """503 on POST /2/tweets may or may not have posted (X: "wait and retry"); the timeline decides or a person."""
    xf.fail("POST", r"/2/tweets$", "error_before", status=503,
            body={"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank",
                  "status": 503})
    state = MemoryState()
    outcome = adapter(xf).publish(post(tmp_path), state)
    assert isinstance(outcome, Unknown) and "PERLU" not in outcome.reason
    assert isinstance(adapter(xf).publish(post(tmp_path), state), Unknown)
    assert isinstance(adapter(xf).reconcile(post(tmp_path), state), Unknown)
    assert len(xf.requests_to("POST", r"/2/tweets$")) == 1 and xf.live_posts() == []


# --- the error table, against the bodies X documents ------------------------------------------------


def test_an_app_without_access_goes_to_a_person(xf, tmp_path):
    # The 403 client-forbidden problem (docs.x.com response codes, error types .../client-forbidden).
    xf.fail("POST", r"/2/tweets$", "error_before", status=403, body={
        "client_id": "30183030", "detail": "When authenticating requests to the Twitter API v2 endpoints, you must "
        "use keys and tokens from a Twitter developer App that is attached to a Project.",
        "registration_url": "https://developer.twitter.com/en/portal/opt-in", "title": "Client Forbidden",
        "required_enrollment": "Appropriate Level of API Access", "reason": "client-not-enrolled",
        "type": "https://api.twitter.com/2/problems/client-forbidden"})
    state = MemoryState()
    outcome = adapter(xf).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and not outcome.retry and "Developer Portal" in outcome.problem
    assert state.get()["tweet_at"] is None and xf.live_posts() == []


def test_an_invalid_request_fails_without_retry(xf, tmp_path):
    xf.fail("POST", r"/2/tweets$", "error_before", status=400, body={
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.x.com/2/problems/invalid-request"})
    outcome = adapter(xf).publish(post(tmp_path), MemoryState())
    assert isinstance(outcome, Failed) and not outcome.retry and "HTTP 400" in outcome.problem


@pytest.mark.parametrize(("status", "kind", "detail", "action"), [
    (503, "about:blank", "Service Unavailable", "retry"), (500, "", "", "retry"), (401, "", "Unauthorized", "token"),
    (429, "https://api.x.com/2/problems/usage-capped", "Usage cap exceeded", "wait"),
    (403, "about:blank", "You are not allowed to create a Tweet with duplicate content.", "live"),
    (403, "https://api.twitter.com/2/problems/client-forbidden", "", "person"),
    (403, "about:blank", "You are not permitted to perform this action.", "person"),
    (400, "https://api.x.com/2/problems/invalid-request", "", "fail"), (418, "", "", "fail")])
def test_the_error_table(status, kind, detail, action):
    from automation.adapters.social.x import error_action

    assert error_action(status, kind, detail) == action


def test_a_video_that_x_cannot_process_fails_without_posting(tmp_path):
    with XFake(processing_fails=True, processing_checks=2) as xf:
        outcome = adapter(xf).publish(post(tmp_path, "klip.mp4"), MemoryState())
        assert isinstance(outcome, Failed) and not outcome.retry and "klip.mp4" in outcome.problem
        assert xf.live_posts() == [] and xf.spec_violations == []


def test_a_video_still_processing_is_resumed_by_its_status_not_uploaded_again(tmp_path):
    with XFake(processing_checks=1) as xf:
        platform, state, video = adapter(xf, poll_timeout=0), MemoryState(), post(tmp_path, "klip.mp4")
        outcomes = [platform.publish(video, state) for _ in range(3)]
        assert all(isinstance(o, Failed) and o.retry for o in outcomes[:-1]), outcomes
        assert isinstance(outcomes[-1], Published)
        assert len(xf.requests_to("POST", r"/initialize$")) == 1 and len(xf.live_posts()) == 1


def test_a_media_id_x_has_forgotten_is_uploaded_again(xf, tmp_path):
    rate_limited(xf, datetime.now(UTC) - timedelta(seconds=5))  # the post waits; the upload is done
    state = MemoryState()
    assert isinstance(adapter(xf).publish(post(tmp_path, "a.jpg"), state), Failed)
    assert state.get()["media_0_id"]
    state.save(media_0_expires_at=(datetime.now(UTC) + timedelta(minutes=5)).isoformat())  # a day later
    assert isinstance(adapter(xf).publish(post(tmp_path, "a.jpg"), state), Published)
    assert len(xf.requests_to("POST", r"/initialize$")) == 2 and len(xf.live_posts()) == 1


# --- token refresh ------------------------------------------------------------------------------------


def test_a_token_refresh_that_cannot_reach_x_is_a_retry_later(xf, tmp_path):
    token_file = tmp_path / "x-token.json"
    token_file.write_text(json.dumps({"access_token": "old", "refresh_token": "xr-1",
                                      "expires_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}))
    xf.refresh_tokens["xr-1"] = "client-123"
    xf.fail("POST", r"/2/oauth2/token$", "drop_before", times=100)  # the connection drops
    platform, state = adapter(xf, token_file=str(token_file), client_id="client-123"), MemoryState()
    outcome = platform.publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "token" in outcome.problem.lower()
    assert state.get().get("tweet_attempts", 0) == 0 and xf.requests_to("POST", r"/2/tweets$") == []
    assert isinstance(platform.reconcile(post(tmp_path), state), Failed)
    xf.faults.clear()
    assert isinstance(platform.publish(post(tmp_path), state), Published)
    assert state.get()["tweet_attempts"] == 1 and len(xf.live_posts()) == 1


def test_a_token_endpoint_in_trouble_is_a_retry_later(xf, tmp_path):
    token_file = tmp_path / "x-token.json"
    token_file.write_text(json.dumps({"access_token": "old", "refresh_token": "xr-1",
                                      "expires_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}))
    xf.fail("POST", r"/2/oauth2/token$", "error_before", status=503, times=100)
    state = MemoryState()
    outcome = adapter(xf, token_file=str(token_file), client_id="client-123").publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry
    assert state.get().get("tweet_attempts", 0) == 0 and xf.live_posts() == []
