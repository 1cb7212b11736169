"""Counts for docs/reliability.md: a person's save at every boundary of a cycle, every rearrangement,
with and without a lock file (the cases of tests/e2e/test_concurrent_saves.py, all run and counted).

    python bench/save_fuzz.py [--out save-fuzz.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e import test_concurrent_saves as fuzz  # noqa: E402


class _Folders:
    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("save-fuzz.json"))
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    template = fuzz.template.__wrapped__(_Folders())  # the test's fixture, built once
    work = Path(tempfile.mkdtemp(prefix="save-fuzz"))
    names = fuzz.boundaries(template, work)
    results = []
    for point, name in enumerate(names, start=1):
        for kind in fuzz.REARRANGE:
            for lock in (False, True):
                problems = fuzz.save_at(template, work, point, kind, lock)
                results.append({"point": point, "boundary": name, "kind": kind, "lock": lock, "problems": problems})
                print(f"point {point:2d} {name:24s} {kind:6s} lock={lock!s:5s} {'LOST' if problems else 'kept'}")
    lost = [r for r in results if r["problems"]]
    def count(words: str) -> int:
        return sum(any(words in p for p in r["problems"]) for r in results)

    summary = {"boundaries": len(names), "injections": len(results), "lost_or_misplaced": len(lost),
               "misplaced": count("is also on"), "save_failed": count("the person's save failed"),
               "lost_at": dict(Counter(r["boundary"] for r in lost))}
    args.out.write_text(json.dumps({"summary": summary, "results": results}, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
