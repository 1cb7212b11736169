"""How long each Dasbor page takes to render over a journal of 10,000 items (docs/benchmarks.md, "Dasbor").

    python3 bench/dasbor.py                # 10,000 items, 15 renders per page
    python3 bench/dasbor.py --items 1000 --runs 5

The journal is written through the Journal's own API by tests/dasbor_items.py (an office's mix: about
one item in eight open, in every open state, the rest published or rejected over the past year, with
their events, completed activations and publications; the published feed on disk). Each page is
rendered as the server renders it (automation/web/pages.py), in this process, without HTTP. Reported:
the median and the slowest of the repeated requests (served from what was built since the journal last
changed), and the median of three first requests after a cycle of the daemon committed (through a second
connection, as the running daemon does): the page built again, with the changed items read again.
Target: every median under 100 ms. Wall-clock figures: they vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    from automation.adapters.clock import FixedClock
    from automation.service.journal import Journal
    from automation.web import pages
    from automation.web.workspace import Workspace
    from tests.dasbor_items import CALENDAR, NOW, OFFICE_MIX, SOP, fill

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        journal = Journal(root / "journal.sqlite")
        started = time.perf_counter()
        built = fill(journal, args.items, feed=root / "terbit", kinds=OFFICE_MIX)
        print(f"{args.items} items written in {time.perf_counter() - started:.1f} s")
        ws = Workspace(journal=journal, sop=SOP, calendar=CALENDAR, clock=FixedClock(NOW), poll_seconds=60,
                       publish_path=root / "terbit", assets_path=None, register_name="register.xlsx")
        published = next(b.item_id for b in built if b.kind == "published")
        page_calls: dict[str, Callable[[], object]] = {
            "Papan": lambda: pages.papan(ws, ""),
            "Papan (tugas saya)": lambda: pages.papan(ws, "", "Dodi"),
            "Kalender": lambda: pages.kalender(ws, "", NOW.year, NOW.month),
            "Item": lambda: pages.item(ws, "", published),
            "Publikasi": lambda: pages.publikasi(ws, ""),
            "Kinerja": lambda: pages.kinerja(ws, "", NOW.year, NOW.month),
            "Kinerja (grafik)": lambda: pages.kinerja_chart(ws, NOW.year, NOW.month),
        }
        daemon = Journal(root / "journal.sqlite")  # the running daemon's own connection
        changed = daemon.states()[published]
        cycles = iter(range(1, 1_000_000))

        def cycle() -> None:
            """What a cycle of the daemon does to the journal: commits what changed, at its own time."""
            daemon.commit_states([changed], NOW + timedelta(minutes=next(cycles)))

        cycle()
        pages.papan(ws, "")  # the items all written at NOW are read once, as after the Dasbor's start
        rows = []
        for name, call in page_calls.items():
            call()  # templates compiled, states parsed
            times = []
            for _ in range(args.runs):
                begun = time.perf_counter()
                call()
                times.append((time.perf_counter() - begun) * 1000)
            firsts = []
            for _ in range(3):
                cycle()
                begun = time.perf_counter()
                call()
                firsts.append((time.perf_counter() - begun) * 1000)
            rows.append((name, statistics.median(times), max(times), statistics.median(firsts)))
        daemon.close()
        journal.close()

    print(f"\n| Page ({args.items:,} items) | repeated: median ms | repeated: slowest ms | after a cycle: median ms |")
    print("|---|---:|---:|---:|")
    for name, median, slowest, after_cycle in rows:
        print(f"| {name} | {median:.1f} | {slowest:.1f} | {after_cycle:.1f} |")
    over = [name for name, median, _, after_cycle in rows if max(median, after_cycle) > TARGET_MS]
    print(f"\nTarget: under {TARGET_MS:.0f} ms, also right after a cycle. "
          + (f"Over: {', '.join(over)}." if over else "All within."))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
