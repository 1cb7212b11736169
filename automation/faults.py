"""Side-effect boundaries, named, so the tests can crash or interleave a person's save at each one.

Production code calls `reached(name)` on the line before every operation that changes the world
(a file replaced or moved, a SQLite write, a message, a publication, a register write). Without the
environment variables below and without an installed hook it does nothing.

- SOP_KONTEN_CRASH_AT=<N>: the N-th boundary reached in this process ends it with os._exit(97),
  as a power cut would: no finally blocks, no flush.
- SOP_KONTEN_CRASH_TRACE=<file>: each boundary name reached is appended to the file, one a line.

Nothing here imports from automation, so adapters and the service can both call it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

CRASH_AT_ENV = "SOP_KONTEN_CRASH_AT"
TRACE_ENV = "SOP_KONTEN_CRASH_TRACE"
CRASH_EXIT_CODE = 97

_hooks: list[Callable[[int, str], None]] = []
_count = 0


def reached(name: str) -> None:
    """A side-effect boundary named `name` is about to be crossed."""
    global _count
    crash_at = os.environ.get(CRASH_AT_ENV, "")
    trace = os.environ.get(TRACE_ENV, "")
    if not (crash_at or trace or _hooks):
        return
    _count += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
    for hook in list(_hooks):
        hook(_count, name)
    if crash_at and _count == int(crash_at):
        os._exit(CRASH_EXIT_CODE)


def reset() -> None:
    """Count from 1 again (a test that runs several cycles in one process)."""
    global _count
    _count = 0


@contextlib.contextmanager
def hooked(hook: Callable[[int, str], None]) -> Iterator[None]:
    """Call hook(count, name) at every boundary while the block runs (counting from 1)."""
    reset()
    _hooks.append(hook)
    try:
        yield
    finally:
        _hooks.remove(hook)
