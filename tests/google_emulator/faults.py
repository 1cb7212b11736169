"""Fault injection (429/5xx/delays) and "after this request" hooks, matched per request.

A rule matches on any of: ``kind`` (e.g. ``"sheets.values.batchUpdate"``), ``method`` and
``path`` (a regular expression searched in the decoded ``path?query``). Rules fire ``times``
times, in the order they were added.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Matcher:
    kind: str | None = None
    method: str | None = None
    path: str | None = None

    def matches(self, method: str, target: str, kind: str) -> bool:
        if self.kind is not None and not (kind == self.kind or kind.startswith(self.kind + ".")):
            return False
        if self.method is not None and method.upper() != self.method.upper():
            return False
        return not (self.path is not None and not re.search(self.path, target))


@dataclass
class Fault:
    matcher: Matcher
    status: int | None  # None: delay only, then answer normally
    delay: float = 0.0
    times: int = 1
    fired: int = 0
    body: dict[str, Any] | None = None


@dataclass
class Hook:
    matcher: Matcher
    action: Callable[[], Any]
    times: int = 1
    fired: int = 0


class FaultPlan:
    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.hooks: list[Hook] = []
        self._lock = threading.Lock()

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def add_hook(self, hook: Hook) -> Hook:
        with self._lock:
            self.hooks.append(hook)
        return hook

    def take_fault(self, method: str, target: str, kind: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.fired < fault.times and fault.matcher.matches(method, target, kind):
                    fault.fired += 1
                    return fault
        return None

    def take_hooks(self, method: str, target: str, kind: str) -> list[Hook]:
        with self._lock:
            due = [h for h in self.hooks if h.fired < h.times and h.matcher.matches(method, target, kind)]
            for hook in due:
                hook.fired += 1
        return due

    def pending(self) -> list[Fault | Hook]:
        with self._lock:
            return [f for f in self.faults if f.fired < f.times] + [h for h in self.hooks if h.fired < h.times]

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.hooks.clear()
