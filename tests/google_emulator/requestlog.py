"""A log of every HTTP request the emulator answered, with counters for tests."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoggedRequest:
    seq: int
    method: str
    path: str  # decoded path without the query
    query: dict[str, list[str]]
    kind: str
    identity: str | None
    request_bytes: int
    status: int = 0
    response_bytes: int = 0
    supports_all_drives: bool | None = None  # Drive calls only
    in_batch: bool = False  # a part inside a Drive batch request
    fault: str | None = None  # "429", "500", "delay 2.0s", ... when injected
    duration: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"#{self.seq} {self.method} {self.path} -> {self.status} ({self.kind})"


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._seq = 0

    def add(self, entry: LoggedRequest) -> LoggedRequest:
        with self._lock:
            self._seq += 1
            entry.seq = self._seq
            self.entries.append(entry)
        return entry

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def http(self, include_token: bool = True) -> list[LoggedRequest]:
        """Entries that were real HTTP round trips (batch parts excluded)."""
        return [e for e in self.entries if not e.in_batch and (include_token or e.kind != "oauth.token")]

    def counts(self, include_batch_parts: bool = False) -> Counter:
        return Counter(e.kind for e in self.entries if include_batch_parts or not e.in_batch)

    def count(self, kind: str | None = None, method: str | None = None, path: str | None = None,
              include_batch_parts: bool = False, status: int | None = None) -> int:
        total = 0
        for e in self.entries:
            if e.in_batch and not include_batch_parts:
                continue
            if kind is not None and not (e.kind == kind or e.kind.startswith(kind + ".")):
                continue
            if method is not None and e.method != method.upper():
                continue
            if path is not None and path not in e.path:
                continue
            if status is not None and e.status != status:
                continue
            total += 1
        return total

    def drive_calls_without_supports_all_drives(self) -> list[LoggedRequest]:
        return [e for e in self.entries if e.kind.startswith("drive.") and e.kind != "drive.batch"
                and not e.supports_all_drives]
