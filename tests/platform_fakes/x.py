"""A local X API v2 (posts, media upload v2, a user timeline), checked against X's OpenAPI description.

Routes: POST /2/media/upload/initialize, POST /2/media/upload/{id}/append (multipart media,
segment_index), POST /2/media/upload/{id}/finalize, GET /2/media/upload?media_id=&command=STATUS,
POST /2/tweets (201 {data: {id, text}}), GET /2/users/{id}/tweets, GET /2/users/me, POST /2/oauth2/token.

Every request body, query and JSON answer of the documented operations is validated against the
OpenAPI 3 description (version 2.167, `x-api-v2-openapi.json`): a violation is recorded in
`spec_violations` (and a bad request answers 400 invalid-request). The description itself is not in
the repository (X's terms, not an open licence), so the part the fake needs is embedded below
(`SPEC_SUBSET`, produced by `extract(spec)`). After a change to `extract` or a new description:
`python -m tests.platform_fakes.x PATH/x-api-v2-openapi.json` names what differs (exit 1), if anything.

Like X, the timeline shows text HTML-escaped (&amp;), links shortened to t.co and a t.co link for
attached media appended; a duplicate text is refused with 403 and no id.

The uniform fake API of issue 11: `visibility` ("immediate" | "late" | "never": whether a new post shows
in the timeline, the read the adapter reconciles with; X's timeline lags behind a create), `reveal()`,
`live_posts()` and `CREATE_POINTS` (every call of a publish sequence whose answer can be lost).
Media processing moves pending -> in_progress -> succeeded (or failed, `processing_fails`) over
`processing_checks` STATUS reads; `tweet_limit` gives POST /2/tweets a rate limit with X's headers.
"""

from __future__ import annotations

import calendar
import html
import itertools
import json
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from .server import FakeServer, Request, Response, rfc3339

OPERATIONS = [("POST", "/2/media/upload/initialize"), ("POST", "/2/media/upload/{id}/append"),
              ("POST", "/2/media/upload/{id}/finalize"), ("GET", "/2/media/upload"), ("POST", "/2/tweets"),
              ("GET", "/2/users/{id}/tweets"), ("GET", "/2/users/me")]
KEEP = ["InitializeMediaUploadRequest", "InitializeMediaUploadResponse", "InitializeMediaUploadResponseData",
        "AppendMediaUploadRequest", "AppendMediaUploadResponse", "AppendMediaUploadResponseData",
        "FinalizeMediaUploadResponse", "FinalizeMediaUploadResponseData",
        "FinalizeMediaUploadResponseDataProcessingInfo", "GetMediaUploadStatusResponse",
        "GetMediaUploadStatusResponseData", "GetMediaUploadStatusResponseDataProcessingInfo", "CreatePostsRequest",
        "CreatePostsMedia", "CreatePostsResponse", "CreatePostsResponseData", "GetUsersPostsResponse", "Post",
        "GetUsersMeResponse", "User", "Problem", "InvalidRequestProblem", "InternalErrorProblem",
        "ResourceNotFoundProblem", "NotAuthorizedForResourceProblem", "NotAuthorizedForFieldProblem",
        "FieldUnauthorizedProblem", "FieldHydrationFailureProblem", "ResourceUnavailableProblem",
        "DisallowedResourceProblem", "Error", "MediaId", "UserId"]
USED_QUERY = {"media_id", "command", "max_results", "pagination_token", "start_time", "end_time", "exclude"}


def differences_from(spec_path: Path) -> list[str]:
    """How the embedded ``SPEC_SUBSET`` differs from what ``extract`` takes from the full description."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    found = []
    if spec["info"]["version"] != "2.167":
        found.append(f"version {spec['info']['version']}, the embedded part is from 2.167")
    extracted = extract(spec)
    for key in sorted(set(extracted) | set(SPEC_SUBSET)):
        if extracted.get(key) != SPEC_SUBSET.get(key):
            found.append(f"{key}: differs")
    return found


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return node if node["$ref"].rsplit("/", 1)[1] in KEEP else {}
        return {k: _strip(v) for k, v in node.items() if k not in ("description", "example", "externalDocs",
                                                                     "summary", "title")}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """What the fake checks, taken from the full description: operations (request, answers, query) + schemas."""
    components = spec["components"]
    operations: dict[str, Any] = {}
    for method, path in OPERATIONS:
        op = spec["paths"][path][method.lower()]
        body = (op.get("requestBody") or {}).get("content") or {}
        request = {ctype: c["schema"]["$ref"].rsplit("/", 1)[1] for ctype, c in body.items()}
        answers = {status: {ctype: c["schema"]["$ref"].rsplit("/", 1)[1] for ctype, c in (r.get("content") or {}).items()}
                   for status, r in op["responses"].items()}
        query = {}
        for parameter in op.get("parameters") or []:
            if "$ref" in parameter:
                parameter = components["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                used = parameter["name"] in USED_QUERY  # the others: only their names (their enums are long)
                query[parameter["name"]] = {"required": bool(parameter.get("required")),
                                            "schema": _strip(parameter["schema"]) if used else {}}
        scopes = next((s["OAuth2UserToken"] for s in op.get("security") or [] if "OAuth2UserToken" in s), [])
        operations[f"{method} {path}"] = {"request": request, "responses": answers, "query": query,
                                          "scopes": sorted(scopes)}
    return {"version": spec["info"]["version"], "operations": operations,
            "schemas": {name: _strip(components["schemas"][name]) for name in KEEP}}


def validate(schema: dict[str, Any], value: Any, schemas: dict[str, Any], where: str = "$") -> list[str]:
    """A small JSON-schema (OpenAPI 3.0 subset) validator: $ref, oneOf+discriminator, anyOf, allOf, type,
    required, properties, additionalProperties, enum, pattern, minimum/maximum, min/maxItems, items."""
    if not schema:
        return []
    if "$ref" in schema:
        return validate(schemas[schema["$ref"].rsplit("/", 1)[1]], value, schemas, where)
    errors: list[str] = []
    if "oneOf" in schema:
        mapping = (schema.get("discriminator") or {}).get("mapping") or {}
        name = (schema.get("discriminator") or {}).get("propertyName")
        if isinstance(value, dict) and name and value.get(name) in mapping:
            errors += validate({"$ref": mapping[value[name]]}, value, schemas, where)
        else:
            matching = [s for s in schema["oneOf"] if not validate(s, value, schemas, where)]
            if len(matching) != 1:
                errors.append(f"{where}: matches {len(matching)} of oneOf")
    if "anyOf" in schema and not any(not validate(s, value, schemas, where) for s in schema["anyOf"]):
        errors.append(f"{where}: matches none of anyOf")
    for sub in schema.get("allOf") or []:
        errors += validate(sub, value, schemas, where)
    kind = schema.get("type")
    checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
              "boolean": lambda v: isinstance(v, bool),
              "string": lambda v: isinstance(v, str) or (schema.get("format") == "binary" and isinstance(v, bytes))}
    if kind and not checks[kind](value):
        return errors + [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: shorter than {schema['minLength']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1 << 30):
            errors.append(f"{where}: {len(value)} items outside [{schema.get('minItems')}, {schema.get('maxItems')}]")
        for index, item in enumerate(value):
            errors += validate(schema.get("items") or {}, item, schemas, f"{where}[{index}]")
    if isinstance(value, dict):
        for name in schema.get("required") or []:
            if name not in value:
                errors.append(f"{where}: missing required '{name}'")
        properties = schema.get("properties") or {}
        for name, item in value.items():
            if name in properties:
                errors += validate(properties[name], item, schemas, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected property '{name}'")
    return errors


def _check_query(spec_query: dict[str, Any], request: Request, schemas: dict[str, Any]) -> list[str]:
    errors = []
    for name, values in request.query.items():
        if name not in spec_query:
            errors.append(f"query: unknown parameter '{name}'")
            continue
        schema = spec_query[name]["schema"]
        raw = values[0]
        value: Any = raw
        if schema.get("type") == "integer":
            value = int(raw) if raw.lstrip("-").isdigit() else raw
        elif schema.get("type") == "array":
            value = raw.split(",")
        errors += validate(schema, value, schemas, f"query.{name}")
        if schema.get("format") == "date-time" and not re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", raw):
            errors.append(f"query.{name}: {raw!r} is not RFC 3339")
    errors += [f"query: missing required '{n}'" for n, p in spec_query.items() if p["required"] and n not in request.query]
    return errors


def problem(status: int, title: str, detail: str, kind: str = "about:blank", **extra: Any) -> Response:
    return Response.json({"title": title, "detail": detail, "type": kind, "status": status, **extra}, status,
                         content_type="application/problem+json")


class XFake(FakeServer):
    _UPLOAD = r"/2/media/upload/initialize$", r"/2/media/upload/\d+/append$", r"/2/media/upload/\d+/finalize$"
    CREATE_POINTS: dict[str, list[tuple[str, str]]] = {
        "text": [("POST", r"/2/tweets$")],
        "image": [*(("POST", path) for path in _UPLOAD), ("POST", r"/2/tweets$")],
        "images": [*(("POST", path) for path in _UPLOAD), ("POST", r"/2/tweets$")],
        "video": [*(("POST", path) for path in _UPLOAD), ("POST", r"/2/tweets$")],
    }

    def __init__(self, tokens: set[str] | None = None, user_id: str = "1593481270000000000",
                 username: str = "pemkotjogja", visibility: str = "immediate", processing_checks: int = 1,
                 processing_fails: bool = False, tweet_limit: int | None = None) -> None:
        super().__init__()
        self.tokens = set(tokens or {"x-token"})
        self.user_id = user_id
        self.username = username
        self.visibility = visibility
        self.processing_checks = processing_checks  # STATUS polls a video stays in_progress
        self.processing_fails = processing_fails  # processing ends "failed" (an unsupported video)
        # POST /2/tweets per 15-minute window, answered with X's x-rate-limit-* headers (docs.x.com
        # /x-api/fundamentals/rate-limits); None: no headers, no limit.
        self.tweet_limit = tweet_limit
        self.tweet_window: list[float] = []
        self.spec = SPEC_SUBSET
        self.spec_violations: list[str] = []
        self.uploads: dict[str, dict[str, Any]] = {}
        self.tweets: list[dict[str, Any]] = []
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client_id
        self.ids = itertools.count(1860000000000000001)
        self.route("POST", r"/2/media/upload/initialize", self._initialize)
        self.route("POST", r"/2/media/upload/(?P<id>\d+)/append", self._append)
        self.route("POST", r"/2/media/upload/(?P<id>\d+)/finalize", self._finalize)
        self.route("GET", r"/2/media/upload", self._status)
        self.route("POST", r"/2/tweets", self._create)
        self.route("GET", r"/2/users/me", self._me)
        self.route("GET", r"/2/users/(?P<id>\d+)/tweets", self._timeline)
        self.route("POST", r"/2/oauth2/token", self._token)

    def live_posts(self) -> list[dict[str, Any]]:
        return list(self.tweets)

    def reveal(self) -> None:
        """Every live post shows in the timeline from now on (unless X never shows it: "never")."""
        with self.lock:
            if self.visibility != "never":
                for tweet in self.tweets:
                    tweet["hidden"] = False

    # -- the OpenAPI checks
    def _operation(self, request: Request) -> str:
        path = re.sub(r"^/2/media/upload/\d+/", "/2/media/upload/{id}/", request.path)
        path = re.sub(r"^/2/users/\d+/tweets$", "/2/users/{id}/tweets", path)
        return f"{request.method} {path}"

    def _check_request(self, request: Request) -> list[str]:
        op = self.spec["operations"][self._operation(request)]
        errors = _check_query(op["query"], request, self.spec["schemas"])
        if op["request"]:
            ctype = request.content_type
            if ctype not in op["request"]:
                errors.append(f"body: content type {ctype!r} not in {sorted(op['request'])}")
            else:
                schema = {"$ref": f"#/components/schemas/{op['request'][ctype]}"}
                if ctype == "application/json":
                    try:
                        body: Any = request.json()
                    except ValueError:
                        body = None
                else:  # multipart: text fields as the schema's types, files as bytes
                    body = {}
                    for name, (data, filename, _) in request.parts().items():
                        text = data.decode("utf-8", "replace")
                        body[name] = data if filename else int(text) if text.isdigit() else text
                errors += validate(schema, body, self.spec["schemas"], "body")
        if errors:
            self.spec_violations += [f"{self._operation(request)} request {e}" for e in errors]
        return errors

    def _answer(self, request: Request, value: Any, status: int) -> Response:
        op = self.spec["operations"][self._operation(request)]
        documented = op["responses"].get(str(status), {}).get("application/json")
        if documented is None:
            self.spec_violations.append(f"{self._operation(request)}: status {status} not documented")
        else:
            errors = validate({"$ref": f"#/components/schemas/{documented}"}, value, self.spec["schemas"], "answer")
            self.spec_violations += [f"{self._operation(request)} {e}" for e in errors]
        return Response.json(value, status)

    def _guard(self, request: Request, scope: str) -> Response | None:
        token = request.bearer()
        if token not in self.tokens:
            return problem(401, "Unauthorized", "Unauthorized")
        errors = self._check_request(request)
        if scope not in self.spec["operations"][self._operation(request)]["scopes"]:
            self.spec_violations.append(f"{self._operation(request)}: scope {scope} not documented")
        if errors:
            return problem(400, "Invalid Request", "One or more parameters to your request was invalid.",
                           "https://api.x.com/2/problems/invalid-request",
                           errors=[{"message": e} for e in errors[:5]])
        return None

    # -- media upload v2
    def _initialize(self, request: Request) -> Response:
        refused = self._guard(request, "media.write")
        if refused:
            return refused
        body = request.json()
        upload_id = str(next(self.ids))
        self.uploads[upload_id] = {"media_type": body.get("media_type"), "total": int(body.get("total_bytes") or 0),
                                   "category": body.get("media_category"), "segments": {}, "finalized": False,
                                   "checks": 0}
        return self._answer(request, {"data": {"id": upload_id, "media_key": f"3_{upload_id}",
                                               "expires_after_secs": 86400}}, 200)

    def _upload(self, request: Request) -> dict[str, Any] | Response:
        assert request.match is not None
        upload = self.uploads.get(request.match["id"])
        if upload is None:
            return problem(400, "Invalid Request", f"Media id {request.match['id']} not found",
                           "https://api.x.com/2/problems/invalid-request")
        return upload

    def _append(self, request: Request) -> Response:
        refused = self._guard(request, "media.write")
        if refused:
            return refused
        upload = self._upload(request)
        if isinstance(upload, Response):
            return upload
        if upload["finalized"]:
            return problem(400, "Invalid Request", "Upload already finalized",
                           "https://api.x.com/2/problems/invalid-request")
        parts = request.parts()
        upload["segments"][int(parts["segment_index"][0])] = parts["media"][0]
        return self._answer(request, {"data": {"expires_at": int(time.time()) + 86400}}, 200)

    def _finalize(self, request: Request) -> Response:
        refused = self._guard(request, "media.write")
        if refused:
            return refused
        upload = self._upload(request)
        if isinstance(upload, Response):
            return upload
        assert request.match is not None
        data = b"".join(upload["segments"][i] for i in sorted(upload["segments"]))
        if len(data) != upload["total"] or sorted(upload["segments"]) != list(range(len(upload["segments"]))):
            return problem(400, "Invalid Request", f"File size {len(data)} does not match total_bytes "
                           f"{upload['total']}", "https://api.x.com/2/problems/invalid-request")
        upload["finalized"] = True
        answer: dict[str, Any] = {"id": request.match["id"], "media_key": f"3_{request.match['id']}",
                                  "size": len(data), "expires_after_secs": 86400}
        if upload["category"] in ("tweet_video", "tweet_gif", "amplify_video"):
            upload["state"] = "pending"
            answer["processing_info"] = {"state": "pending", "check_after_secs": 1}
        else:
            upload["state"] = "succeeded"
        return self._answer(request, {"data": answer}, 200)

    def _status(self, request: Request) -> Response:
        refused = self._guard(request, "media.write")
        if refused:
            return refused
        media_id = request.param("media_id") or ""
        upload = self.uploads.get(media_id)
        if upload is None or not upload["finalized"]:
            return problem(400, "Invalid Request", "Unknown media", "https://api.x.com/2/problems/invalid-request")
        upload["checks"] += 1
        # GET media/upload (STATUS) reference: "pending" -> "in_progress" -> ["failed" | "succeeded"]. X's v1.1
        # page shows a failed state with error {code, name, message}; the v2 description (2.167) has no such
        # property (additionalProperties: false), so the fake leaves it out.
        if upload["state"] in ("pending", "in_progress"):
            done = "failed" if self.processing_fails else "succeeded"
            upload["state"] = done if upload["checks"] > self.processing_checks else "in_progress"
        info = {"state": upload["state"], "progress_percent": 100 if upload["state"] == "succeeded" else 50}
        if upload["state"] in ("pending", "in_progress"):
            info["check_after_secs"] = 1
        return self._answer(request, {"data": {"id": media_id, "media_key": f"7_{media_id}",
                                               "processing_info": info}}, 200)

    # -- posts
    def _create(self, request: Request) -> Response:
        refused = self._guard(request, "tweet.write")
        if refused:
            return refused
        body = request.json()
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        for media_id in media_ids:
            upload = self.uploads.get(media_id)
            if upload is None or upload.get("state") != "succeeded":
                return problem(400, "Invalid Request", f"Your media IDs are invalid: {media_id}",
                               "https://api.x.com/2/problems/invalid-request")
        limited = self._rate_limit()
        if limited is not None and limited.status == 429:
            return limited
        if any(t["source_text"] == text for t in self.tweets):  # hidden ones too: they are live
            # The answer X gives (github.com/akrherz/iembot/issues/163; not in the OpenAPI description).
            return Response.json({"detail": "You are not allowed to create a Tweet with duplicate content.",
                                  "type": "about:blank", "title": "Forbidden", "status": 403}, 403)
        tweet_id = str(next(self.ids))
        self.tweets.append({"id": tweet_id, "source_text": text, "created": time.time(), "media_ids": media_ids,
                            "text": self._render(text, media_ids), "hidden": self.visibility != "immediate"})
        answer = self._answer(request, {"data": {"id": tweet_id, "text": self._render(text, media_ids)}}, 201)
        answer.headers.update(limited.headers if limited is not None else {})
        return answer

    def _rate_limit(self) -> Response | None:
        """X's rate-limit headers for POST /2/tweets (a 429 once the window is used up); None without a limit."""
        if self.tweet_limit is None:
            return None
        now = time.time()
        self.tweet_window = [t for t in self.tweet_window if now - t < 900]
        reset = str(int((self.tweet_window[0] if self.tweet_window else now) + 900))
        if len(self.tweet_window) >= self.tweet_limit:
            return Response.json({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                                  "status": 429}, 429, **{"x-rate-limit-limit": str(self.tweet_limit),
                                                          "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset})
        self.tweet_window.append(now)
        return Response(200, b"", {"x-rate-limit-limit": str(self.tweet_limit), "x-rate-limit-reset": reset,
                                   "x-rate-limit-remaining": str(self.tweet_limit - len(self.tweet_window))})

    @staticmethod
    def _render(text: str, media_ids: list[str]) -> str:
        shown = re.sub(r"https?://\S+", lambda m: f"https://t.co/{secrets.token_urlsafe(7)[:10]}", text)
        shown = html.escape(shown, quote=False)
        if media_ids:
            shown += f" https://t.co/{secrets.token_urlsafe(7)[:10]}"
        return shown

    def _me(self, request: Request) -> Response:
        refused = self._guard(request, "users.read")
        if refused:
            return refused
        return self._answer(request, {"data": {"id": self.user_id, "name": "Pemkot Yogyakarta",
                                               "username": self.username}}, 200)

    def _timeline(self, request: Request) -> Response:
        refused = self._guard(request, "tweet.read")
        if refused:
            return refused
        assert request.match is not None
        if request.match["id"] != self.user_id:
            return self._answer(request, {"meta": {"result_count": 0}}, 200)
        items = [t for t in self.tweets if not t["hidden"]]
        start = request.param("start_time")
        if start:
            begin = calendar.timegm(time.strptime(start[:19], "%Y-%m-%dT%H:%M:%S"))
            items = [t for t in items if t["created"] >= begin]
        items.sort(key=lambda t: int(t["id"]), reverse=True)
        limit = int(request.param("max_results") or 10)
        offset = int(request.param("pagination_token") or "0", 16) if request.param("pagination_token") else 0
        page = items[offset:offset + limit]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + limit < len(items):
            meta["next_token"] = format(offset + limit, "x").rjust(4, "0")
        answer: dict[str, Any] = {"meta": meta}
        if page:
            answer["data"] = [{"id": t["id"], "text": t["text"], "edit_history_post_ids": [t["id"]],
                               "created_at": rfc3339(t["created"])} for t in page]
        return self._answer(request, answer, 200)

    def _token(self, request: Request) -> Response:
        if request.param("grant_type") != "refresh_token":
            return Response.json({"error": "invalid_request", "error_description": "grant_type"}, 400)
        refresh = request.param("refresh_token") or ""
        if self.refresh_tokens.get(refresh) != request.param("client_id"):
            return Response.json({"error": "invalid_request",
                                  "error_description": "Value passed for the token was invalid."}, 400)
        del self.refresh_tokens[refresh]  # X rotates refresh tokens
        access, new_refresh = "x-" + secrets.token_urlsafe(16), "xr-" + secrets.token_urlsafe(16)
        self.tokens.add(access)
        self.refresh_tokens[new_refresh] = str(request.param("client_id"))
        return Response.json({"token_type": "bearer", "expires_in": 7200, "access_token": access,
                              "scope": "tweet.write users.read tweet.read media.write offline.access",
                              "refresh_token": new_refresh})


# Generated by extract() from x-api-v2-openapi.json (version 2.167); the test checks it is current.
_SUBSET_JSON = (
    '{"operations":{"GET /2/media/upload":{"query":{"command":{"required":false,"schema":{"enum":["STATUS'
    '"],"type":"string"}},"media_id":{"required":true,"schema":{"$ref":"#/components/schemas/MediaId"}}},'
    '"request":{},"responses":{"200":{"application/json":"GetMediaUploadStatusResponse"},"default":{"appl'
    'ication/json":"Error","application/problem+json":"Problem"}},"scopes":["media.write"]},"GET /2/users'
    '/me":{"query":{"expansions":{"required":false,"schema":{}},"post.fields":{"required":false,"schema":'
    '{}},"user.fields":{"required":false,"schema":{}}},"request":{},"responses":{"200":{"application/json'
    '":"GetUsersMeResponse"},"default":{"application/json":"Error","application/problem+json":"Problem"}}'
    ',"scopes":["tweet.read","users.read"]},"GET /2/users/{id}/tweets":{"query":{"end_time":{"required":f'
    'alse,"schema":{"format":"date-time","type":"string"}},"exclude":{"required":false,"schema":{"items":'
    '{"enum":["replies","retweets"],"type":"string"},"minItems":1,"type":"array","uniqueItems":true}},"ex'
    'pansions":{"required":false,"schema":{}},"max_results":{"required":false,"schema":{"format":"int32",'
    '"maximum":100,"minimum":5,"type":"integer"}},"media.fields":{"required":false,"schema":{}},"paginati'
    'on_token":{"required":false,"schema":{"minLength":1,"type":"string"}},"place.fields":{"required":fal'
    'se,"schema":{}},"poll.fields":{"required":false,"schema":{}},"post.fields":{"required":false,"schema'
    '":{}},"since_id":{"required":false,"schema":{}},"start_time":{"required":false,"schema":{"format":"d'
    'ate-time","type":"string"}},"until_id":{"required":false,"schema":{}},"user.fields":{"required":fals'
    'e,"schema":{}}},"request":{},"responses":{"200":{"application/json":"GetUsersPostsResponse"},"defaul'
    't":{"application/json":"Error","application/problem+json":"Problem"}},"scopes":["tweet.read","users.'
    'read"]},"POST /2/media/upload/initialize":{"query":{},"request":{"application/json":"InitializeMedia'
    'UploadRequest"},"responses":{"200":{"application/json":"InitializeMediaUploadResponse"},"default":{"'
    'application/json":"Error","application/problem+json":"Problem"}},"scopes":["media.write"]},"POST /2/'
    'media/upload/{id}/append":{"query":{},"request":{"application/json":"AppendMediaUploadRequest","mult'
    'ipart/form-data":"AppendMediaUploadRequest"},"responses":{"200":{"application/json":"AppendMediaUplo'
    'adResponse"},"default":{"application/json":"Error","application/problem+json":"Problem"}},"scopes":['
    '"media.write"]},"POST /2/media/upload/{id}/finalize":{"query":{},"request":{},"responses":{"200":{"a'
    'pplication/json":"FinalizeMediaUploadResponse"},"default":{"application/json":"Error","application/p'
    'roblem+json":"Problem"}},"scopes":["media.write"]},"POST /2/tweets":{"query":{},"request":{"applicat'
    'ion/json":"CreatePostsRequest"},"responses":{"201":{"application/json":"CreatePostsResponse"},"defau'
    'lt":{"application/json":"Error","application/problem+json":"Problem"}},"scopes":["tweet.read","tweet'
    '.write","users.read"]}},"schemas":{"AppendMediaUploadRequest":{"additionalProperties":false,"propert'
    'ies":{"media":{"anyOf":[{"format":"binary","type":"string"},{"format":"byte","type":"string"}]},"seg'
    'ment_index":{"maximum":999,"minimum":0,"type":"integer"}},"required":["media","segment_index"],"type'
    '":"object"},"AppendMediaUploadResponse":{"properties":{"data":{"$ref":"#/components/schemas/AppendMe'
    'diaUploadResponseData"},"errors":{"items":{"$ref":"#/components/schemas/Problem"},"type":"array"}},"'
    'type":"object"},"AppendMediaUploadResponseData":{"properties":{"expires_at":{"type":"integer"}},"typ'
    'e":"object"},"CreatePostsMedia":{"additionalProperties":false,"properties":{"call_to_actions":{},"em'
    'beddable":{"type":"boolean"},"media_ids":{"items":{"pattern":"^[0-9]{1,19}$","type":"string"},"maxIt'
    'ems":4,"minItems":1,"type":"array"},"preview_media_id":{"pattern":"^[0-9]{1,19}$","type":"string"},"'
    'tagged_user_ids":{"items":{"pattern":"^[0-9]{1,19}$","type":"string"},"maxItems":10,"type":"array"}}'
    ',"required":["media_ids"],"type":"object"},"CreatePostsRequest":{"additionalProperties":false,"prope'
    'rties":{"card_uri":{"type":"string"},"community_id":{"pattern":"^[0-9]{1,19}$","type":"string"},"dir'
    'ect_message_deep_link":{"type":"string"},"edit_options":{},"for_super_followers_only":{"type":"boole'
    'an"},"geo":{},"made_with_ai":{"type":"boolean"},"media":{"$ref":"#/components/schemas/CreatePostsMed'
    'ia","description":"Media attachments."},"nullcast":{"type":"boolean"},"paid_partnership":{"type":"bo'
    'olean"},"poll":{},"quote_tweet_id":{"pattern":"^[0-9]{1,19}$","type":"string"},"reply":{},"reply_set'
    'tings":{"enum":["following","mentionedUsers","subscribers","verified"],"type":"string"},"share_with_'
    'followers":{"type":"boolean"},"text":{"default":"","type":"string"}},"type":"object"},"CreatePostsRe'
    'sponse":{"properties":{"data":{"$ref":"#/components/schemas/CreatePostsResponseData"},"errors":{"ite'
    'ms":{"$ref":"#/components/schemas/Problem"},"type":"array"}},"type":"object"},"CreatePostsResponseDa'
    'ta":{"properties":{"edit_history_post_ids":{"items":{"type":"string"},"type":"array"},"id":{"pattern'
    '":"^[0-9]{1,19}$","type":"string"},"text":{"type":"string"}},"required":["id","text"],"type":"object'
    '"},"DisallowedResourceProblem":{"properties":{"detail":{"type":"string"},"resource_id":{"type":"stri'
    'ng"},"resource_type":{"type":"string"},"section":{"type":"string"},"status":{"type":"integer"},"type'
    '":{"enum":["https://api.x.com/2/problems/disallowed-resource"],"type":"string"}},"required":["type",'
    '"title","detail"],"type":"object"},"Error":{"properties":{"code":{"format":"int32","type":"integer"}'
    ',"message":{"type":"string"}},"required":["code","message"],"type":"object"},"FieldHydrationFailureP'
    'roblem":{"properties":{"detail":{"type":"string"},"field":{"type":"string"},"resource_type":{"type":'
    '"string"},"section":{"type":"string"},"status":{"type":"integer"},"type":{"enum":["https://api.x.com'
    '/2/problems/field-hydration-failure"],"type":"string"}},"required":["type","title","detail","field"]'
    ',"type":"object"},"FieldUnauthorizedProblem":{"properties":{"detail":{"type":"string"},"field":{"typ'
    'e":"string"},"resource_type":{"type":"string"},"section":{"type":"string"},"status":{"type":"integer'
    '"},"type":{"enum":["https://api.x.com/2/problems/field-unauthorized"],"type":"string"}},"required":['
    '"type","title","detail","field"],"type":"object"},"FinalizeMediaUploadResponse":{"properties":{"data'
    '":{"$ref":"#/components/schemas/FinalizeMediaUploadResponseData"},"errors":{"items":{"$ref":"#/compo'
    'nents/schemas/Problem"},"type":"array"}},"type":"object"},"FinalizeMediaUploadResponseData":{"proper'
    'ties":{"expires_after_secs":{"type":"integer"},"id":{"type":"string"},"image":{},"media_key":{"type"'
    ':"string"},"processing_info":{"$ref":"#/components/schemas/FinalizeMediaUploadResponseDataProcessing'
    'Info"},"size":{"type":"integer"},"video":{}},"required":["id"],"type":"object"},"FinalizeMediaUpload'
    'ResponseDataProcessingInfo":{"additionalProperties":false,"properties":{"check_after_secs":{"type":"'
    'integer"},"progress_percent":{"type":"integer"},"state":{"type":"string"}},"type":"object"},"GetMedi'
    'aUploadStatusResponse":{"properties":{"data":{"$ref":"#/components/schemas/GetMediaUploadStatusRespo'
    'nseData"},"errors":{"items":{"$ref":"#/components/schemas/Problem"},"type":"array"}},"type":"object"'
    '},"GetMediaUploadStatusResponseData":{"properties":{"expires_after_secs":{"type":"integer"},"id":{"t'
    'ype":"string"},"image":{},"media_key":{"type":"string"},"processing_info":{"$ref":"#/components/sche'
    'mas/GetMediaUploadStatusResponseDataProcessingInfo"},"size":{"type":"integer"},"video":{}},"required'
    '":["id"],"type":"object"},"GetMediaUploadStatusResponseDataProcessingInfo":{"additionalProperties":f'
    'alse,"properties":{"check_after_secs":{"type":"integer"},"progress_percent":{"type":"integer"},"stat'
    'e":{"type":"string"}},"type":"object"},"GetUsersMeResponse":{"properties":{"data":{"$ref":"#/compone'
    'nts/schemas/User"},"errors":{"items":{"$ref":"#/components/schemas/Problem"},"type":"array"},"includ'
    'es":{}},"type":"object"},"GetUsersPostsResponse":{"properties":{"data":{"items":{"$ref":"#/component'
    's/schemas/Post"},"type":"array"},"errors":{"items":{"$ref":"#/components/schemas/Problem"},"type":"a'
    'rray"},"includes":{},"meta":{"properties":{"newest_id":{"type":"string"},"next_token":{"type":"strin'
    'g"},"oldest_id":{"type":"string"},"previous_token":{"type":"string"},"result_count":{"format":"int32'
    '","type":"integer"}},"type":"object"}},"type":"object"},"InitializeMediaUploadRequest":{"additionalP'
    'roperties":false,"properties":{"additional_owners":{"items":{"pattern":"^[0-9]{1,19}$","type":"strin'
    'g"},"type":"array"},"media_category":{"enum":["amplify_video","tweet_gif","tweet_image","tweet_video'
    '","dm_gif","dm_image","dm_video","subtitles"],"type":"string"},"media_type":{"enum":["video/mp4","vi'
    'deo/webm","video/mp2t","video/quicktime","text/srt","text/vtt","image/jpeg","image/gif","image/bmp",'
    '"image/png","image/webp","image/pjpeg","image/tiff","model/gltf-binary","model/vnd.usdz+zip"],"type"'
    ':"string"},"shared":{"type":"boolean"},"total_bytes":{"maximum":17179869184,"minimum":0,"type":"inte'
    'ger"}},"type":"object"},"InitializeMediaUploadResponse":{"properties":{"data":{"$ref":"#/components/'
    'schemas/InitializeMediaUploadResponseData"},"errors":{"items":{"$ref":"#/components/schemas/Problem"'
    '},"type":"array"}},"type":"object"},"InitializeMediaUploadResponseData":{"properties":{"expires_afte'
    'r_secs":{"type":"integer"},"id":{"type":"string"},"media_key":{"type":"string"}},"required":["id"],"'
    'type":"object"},"InternalErrorProblem":{"properties":{"detail":{"type":"string"},"status":{"type":"i'
    'nteger"},"type":{"enum":["https://api.x.com/2/problems/internal-error"],"type":"string"}},"required"'
    ':["type","title","detail"],"type":"object"},"InvalidRequestProblem":{"properties":{"detail":{"type":'
    '"string"},"parameter":{"type":"string"},"status":{"type":"integer"},"type":{"enum":["https://api.x.c'
    'om/2/problems/invalid-request"],"type":"string"},"value":{"type":"string"}},"required":["type","titl'
    'e","detail"],"type":"object"},"MediaId":{"pattern":"^[0-9]{1,19}$","type":"string"},"NotAuthorizedFo'
    'rFieldProblem":{"properties":{"detail":{"type":"string"},"field":{"type":"string"},"parameter":{"typ'
    'e":"string"},"resource_id":{"type":"string"},"resource_type":{"type":"string"},"section":{"type":"st'
    'ring"},"status":{"type":"integer"},"type":{"enum":["https://api.x.com/2/problems/not-authorized-for-'
    'field"],"type":"string"},"value":{"type":"string"}},"required":["type","title","detail","field"],"ty'
    'pe":"object"},"NotAuthorizedForResourceProblem":{"properties":{"detail":{"type":"string"},"parameter'
    '":{"type":"string"},"resource_id":{"type":"string"},"resource_type":{"type":"string"},"section":{"ty'
    'pe":"string"},"status":{"type":"integer"},"type":{"enum":["https://api.x.com/2/problems/not-authoriz'
    'ed-for-resource"],"type":"string"},"value":{"type":"string"}},"required":["type","title","detail","r'
    'esource_type"],"type":"object"},"Post":{"properties":{"article":{"type":"object"},"article_title":{"'
    'type":"object"},"attachments":{},"author_id":{"type":"string"},"card_uri":{"type":"string"},"communi'
    'ty_id":{"type":"string"},"context_annotations":{},"conversation_id":{"type":"string"},"created_at":{'
    '"format":"date-time","type":"string"},"display_text_range":{},"edit_controls":{},"edit_history_post_'
    'ids":{"items":{"type":"string"},"type":"array"},"entities":{},"geo":{},"id":{"type":"string"},"in_re'
    'ply_to_user_id":{"type":"string"},"lang":{"type":"string"},"matched_media_notes":{},"media_metadata"'
    ':{},"non_public_metrics":{"type":"object"},"note_post":{},"note_request_suggestions":{},"organic_met'
    'rics":{"type":"object"},"paid_partnership":{"type":"boolean"},"possibly_sensitive":{"type":"boolean"'
    '},"promoted_metrics":{"type":"object"},"public_metrics":{},"referenced_posts":{},"reply_settings":{"'
    'type":"string"},"scopes":{},"source":{"type":"string"},"suggested_source_links":{},"suggested_source'
    '_links_with_counts":{},"text":{"type":"string"},"username":{"type":"string"},"withheld":{}},"type":"'
    'object"},"Problem":{"discriminator":{"mapping":{"https://api.x.com/2/problems/disallowed-resource":"'
    '#/components/schemas/DisallowedResourceProblem","https://api.x.com/2/problems/field-hydration-failur'
    'e":"#/components/schemas/FieldHydrationFailureProblem","https://api.x.com/2/problems/field-unauthori'
    'zed":"#/components/schemas/FieldUnauthorizedProblem","https://api.x.com/2/problems/internal-error":"'
    '#/components/schemas/InternalErrorProblem","https://api.x.com/2/problems/invalid-request":"#/compone'
    'nts/schemas/InvalidRequestProblem","https://api.x.com/2/problems/not-authorized-for-field":"#/compon'
    'ents/schemas/NotAuthorizedForFieldProblem","https://api.x.com/2/problems/not-authorized-for-resource'
    '":"#/components/schemas/NotAuthorizedForResourceProblem","https://api.x.com/2/problems/resource-not-'
    'found":"#/components/schemas/ResourceNotFoundProblem","https://api.x.com/2/problems/resource-unavail'
    'able":"#/components/schemas/ResourceUnavailableProblem"},"propertyName":"type"},"oneOf":[{"$ref":"#/'
    'components/schemas/ResourceNotFoundProblem"},{"$ref":"#/components/schemas/InvalidRequestProblem"},{'
    '"$ref":"#/components/schemas/NotAuthorizedForResourceProblem"},{"$ref":"#/components/schemas/NotAuth'
    'orizedForFieldProblem"},{"$ref":"#/components/schemas/FieldUnauthorizedProblem"},{"$ref":"#/componen'
    'ts/schemas/FieldHydrationFailureProblem"},{"$ref":"#/components/schemas/ResourceUnavailableProblem"}'
    ',{"$ref":"#/components/schemas/DisallowedResourceProblem"},{"$ref":"#/components/schemas/InternalErr'
    'orProblem"}]},"ResourceNotFoundProblem":{"properties":{"detail":{"type":"string"},"parameter":{"type'
    '":"string"},"resource_id":{"type":"string"},"resource_type":{"type":"string"},"status":{"type":"inte'
    'ger"},"type":{"enum":["https://api.x.com/2/problems/resource-not-found"],"type":"string"},"value":{"'
    'type":"string"}},"required":["type","title","detail","resource_type"],"type":"object"},"ResourceUnav'
    'ailableProblem":{"properties":{"detail":{"type":"string"},"resource_id":{"type":"string"},"resource_'
    'type":{"type":"string"},"status":{"type":"integer"},"type":{"enum":["https://api.x.com/2/problems/re'
    'source-unavailable"],"type":"string"}},"required":["type","title","detail","resource_type"],"type":"'
    'object"},"User":{"properties":{"affiliation":{},"confirmed_email":{"type":"string"},"connection_stat'
    'us":{},"created_at":{"format":"date-time","type":"string"},"entities":{},"id":{"type":"string"},"is_'
    'identity_verified":{"type":"boolean"},"location":{"type":"string"},"most_recent_post_id":{"type":"st'
    'ring"},"name":{"type":"string"},"parody":{"type":"boolean"},"pinned_post_id":{"type":"string"},"prof'
    'ile_banner_url":{"type":"string"},"profile_image_url":{"type":"string"},"protected":{"type":"boolean'
    '"},"public_metrics":{},"receives_your_dm":{"type":"boolean"},"subscribes_to_you":{"type":"boolean"},'
    '"subscription":{},"subscription_type":{"type":"string"},"url":{"type":"string"},"username":{"type":"'
    'string"},"verified":{"type":"boolean"},"verified_followers_count":{"type":"integer"},"verified_type"'
    ':{"type":"string"},"withheld":{}},"type":"object"},"UserId":{"pattern":"^[0-9]{1,19}$","type":"strin'
    'g"}},"version":"2.167"}'
)
SPEC_SUBSET: dict[str, Any] = json.loads(_SUBSET_JSON)


if __name__ == "__main__":
    differences = differences_from(Path(sys.argv[1]))
    print("\n".join(differences) or "SPEC_SUBSET equals extract(spec)")
    raise SystemExit(1 if differences else 0)
