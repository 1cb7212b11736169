"""Google API requests, CPU and memory per poll as the register grows, sop-konten against the common way.

    python3 bench/poll_cost.py                 # 100, 1,000 and 10,000 rows (a few minutes)
    python3 bench/poll_cost.py --quick         # 100 and 1,000 rows only
    python3 bench/poll_cost.py --write-docs    # also put the table into docs/benchmarks.md

Everything runs on 127.0.0.1: the Google emulator (tests/google_emulator) in one child process, the
daemon in another, the baseline (gspread, cell by cell) in a third. See docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from bench.runner import main as run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
