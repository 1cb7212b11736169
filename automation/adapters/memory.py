"""Giving freed memory back to the system after a big parse or write.

glibc's allocator keeps the pages a parse freed (the register's text, calamine's copy of a sheet) for
later use, so a daemon's resident size would stay at its largest cycle's, and the next cycle's peak would
start from there. `malloc_trim` returns them. Elsewhere (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import lru_cache


def release_free_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None
