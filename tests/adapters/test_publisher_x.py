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
from automation.publisher import Failed, MemoryState, Published, build_platform
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


def test_a_duplicate_text_is_refused_without_posting(xf, tmp_path):
    assert isinstance(adapter(xf).publish(post(tmp_path), MemoryState()), Published)
    outcome = adapter(xf).publish(post(tmp_path), MemoryState())  # another item, the same text
    assert isinstance(outcome, Failed) and not outcome.retry and "sama persis" in outcome.problem
    assert len(xf.live_posts()) == 1


def test_a_rate_limit(xf, tmp_path):
    reset = int((datetime.now(UTC) + timedelta(minutes=15)).timestamp())
    xf.fail("POST", r"/2/tweets$", "error_before", status=429,
            body={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429})
    xf.faults[-1].response.headers["x-rate-limit-reset"] = str(reset)
    state = MemoryState()
    outcome = adapter(xf).publish(post(tmp_path), state)
    assert isinstance(outcome, Failed) and outcome.retry and "429" in outcome.problem
    assert isinstance(adapter(xf).publish(post(tmp_path), state), Published)
    assert len(xf.live_posts()) == 1


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
