"""The emulator in a child process, driven through a pipe.

A benchmark (or any test that measures the client's own CPU and memory) runs the emulator here, so
that the measuring process contains only the client. Nothing in the emulator changes:

    child = EmulatorProcess().start()          # spawns, starts GoogleEmulator() on 127.0.0.1
    child.base_url                             # http://127.0.0.1:PORT/
    child.call("tests.google_emulator.child:ping")  # any function(emulator, *args) run in the child
    child.request_summary()                    # counts and bytes of the requests since clear_log()
    child.clear_log()
    child.stop()

`call` runs `module:function(emulator, *args, **kwargs)` in the child and returns its (picklable)
result; an exception there is raised here as `ChildError` carrying the child's traceback.
"""

from __future__ import annotations

import importlib
import multiprocessing
import traceback
from collections import Counter
from typing import Any


class ChildError(RuntimeError):
    """A call failed in the emulator's process; the message holds its traceback."""


def ping(emulator: Any) -> str:
    return emulator.base_url


def request_summary(emulator: Any, include_token: bool = False) -> dict[str, Any]:
    """Requests since the last clear: HTTP round trips by kind, body bytes each way, statuses."""
    counts: Counter = Counter()
    parts: Counter = Counter()
    statuses: Counter = Counter()
    sent = received = 0
    for entry in emulator.requests:
        if entry.in_batch:
            parts[entry.kind] += 1
            continue
        if entry.kind == "oauth.token" and not include_token:
            continue
        counts[entry.kind] += 1
        statuses[entry.status] += 1
        sent += entry.request_bytes
        received += entry.response_bytes
    tokens = sum(1 for e in emulator.requests if e.kind == "oauth.token")
    return {"counts": dict(counts), "batch_parts": dict(parts),
            "statuses": dict(statuses), "sent": sent, "received": received, "tokens": tokens,
            "errors": list(emulator.errors)}


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def serve(conn, seed: int = 20240501) -> None:
    """The child's loop: start the emulator, answer commands until "stop"."""
    from .server import GoogleEmulator

    emulator = GoogleEmulator(seed).start()
    conn.send(("ok", emulator.base_url))
    try:
        while True:
            try:
                command, args, kwargs = conn.recv()
            except EOFError:
                return
            if command == "stop":
                conn.send(("ok", None))
                return
            try:
                if command == "clear_log":
                    emulator.clear_log()
                    emulator.errors.clear()
                    result = None
                elif command == "request_summary":
                    result = request_summary(emulator, *args, **kwargs)
                elif command == "call":
                    result = _resolve(args[0])(emulator, *args[1:], **kwargs)
                else:
                    raise ValueError(f"unknown command {command!r}")
                conn.send(("ok", result))
            except BaseException:  # noqa: BLE001 - sent back to the parent, which raises it
                conn.send(("error", traceback.format_exc()))
    finally:
        emulator.stop()


class EmulatorProcess:
    """A `GoogleEmulator` in a child process (spawned: a clean interpreter, no inherited state)."""

    def __init__(self, seed: int = 20240501, start_method: str = "spawn"):
        self.seed = seed
        self._context = multiprocessing.get_context(start_method)
        self._conn = None
        self._process = None
        self.base_url = ""

    def start(self) -> EmulatorProcess:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=serve, args=(child, self.seed), name="google-emulator",
                                              daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        self.base_url = self._answer()
        return self

    def _answer(self) -> Any:
        status, value = self._conn.recv()
        if status == "error":
            raise ChildError(value)
        return value

    def _send(self, command: str, *args: Any, **kwargs: Any) -> Any:
        if self._conn is None:
            raise RuntimeError("emulator process not started")
        self._conn.send((command, args, kwargs))
        return self._answer()

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """Run `module:function(emulator, *args, **kwargs)` in the child; return its result."""
        return self._send("call", function, *args, **kwargs)

    def clear_log(self) -> None:
        self._send("clear_log")

    def request_summary(self, include_token: bool = False) -> dict[str, Any]:
        return self._send("request_summary", include_token=include_token)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._conn is not None:
            try:
                self._send("stop")
            except (OSError, EOFError, ChildError):
                pass
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
            self._process = None

    def __enter__(self) -> EmulatorProcess:
        return self.start() if self._conn is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
