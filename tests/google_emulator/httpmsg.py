"""Plain request/response objects passed between the HTTP layer and the API handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .auth import Identity
from .errors import google_error

TRUE = ("true", "True", "1")


@dataclass
class Req:
    method: str
    path: str  # raw (still percent-encoded) path
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    identity: Identity | None = None
    params: dict[str, str] = field(default_factory=dict)
    kind: str = "unknown"
    in_batch: bool = False

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def qs(self) -> dict[str, str]:
        return {k: v[0] for k, v in self.query.items() if v}

    def flag(self, name: str) -> bool:
        return self.q(name, "") in TRUE

    @property
    def actor(self) -> str:
        return self.identity.email if self.identity else ""

    def json(self) -> dict[str, Any]:
        if not self.body or not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise google_error(400, f"Invalid JSON payload received. {exc}", "INVALID_ARGUMENT") from exc
        if not isinstance(data, dict):
            raise google_error(400, "Invalid JSON payload received. Expected an object.", "INVALID_ARGUMENT")
        return data


@dataclass
class Resp:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Resp:
        body = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=UTF-8", **(headers or {})})

    @classmethod
    def empty(cls, status: int = 204) -> Resp:
        return cls(status, b"", {"Content-Type": "text/html"})

    def parsed(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None
