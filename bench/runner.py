"""The benchmark itself: builds the offices, drives the polls, measures, prints and writes the table."""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.workers import MB, Worker
from tests.google_emulator.child import EmulatorProcess

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
NOW = "2026-03-10T10:00"  # a Tuesday in working hours (WIB): the daemon's fixed clock
SIZES, QUICK_SIZES, CHANGES = (100, 1000, 10000), (100, 1000), (0, 10, 100)
QUOTA_PER_MINUTE = 60  # Sheets API: requests per minute per user
# The targets of issue 14 (Google backend, 10,000 rows), and the figures measured before it.
CPU_TARGET, BASELINE_SHARE, MEMORY_TARGET = 0.2, 1 / 7, 150 * MB  # idle poll CPU; its share of the baseline's; RSS
ACTIVE_SHEETS_REQUESTS, DRIVE_BATCH = 3, 100  # an active poll: read, re-resolve, write; Drive calls per batch
BEFORE = ("0.57-0.98 s of CPU per idle poll, 189-247 MB RSS, 4 Sheets requests per active poll "
          "(1 spreadsheets.batchUpdate + 2 values.batchGet + 1 values.batchUpdate)")
EMULATOR = "bench.emulator_side"
SHORT = {
    "sheets.values.batchGet": "values.batchGet", "sheets.values.batchUpdate": "values.batchUpdate",
    "sheets.spreadsheets.batchUpdate": "spreadsheets.batchUpdate",
    "sheets.spreadsheets.get": "spreadsheets.get",
    "sheets.values.get": "values.get", "sheets.values.update": "values.update",
    "sheets.values.append": "values.append",
}


@dataclass
class Sample:
    edited: int
    daemon: dict[str, Any]
    daemon_requests: dict[str, Any]
    baseline: dict[str, Any]
    baseline_requests: dict[str, Any]
    cells: int
    log_rows: int


@dataclass
class Level:
    rows: int
    changed: int
    timed: list[Sample] = field(default_factory=list)
    traced: Sample | None = None
    max_rss: int = 0  # the daemon process's high-water mark after this level's timed polls
    baseline_max_rss: int = 0
    profile: str = ""


@dataclass
class FirstPoll:
    rows: int
    setup_seconds: float
    started_rss: int  # the daemon process right after start-up (imports, configuration)
    measured: dict[str, Any]
    requests: dict[str, Any]


def total(summary: dict[str, Any]) -> int:
    return sum(summary["counts"].values())


def kinds(summary: dict[str, Any]) -> str:
    return " + ".join(f"{n} {SHORT.get(k, k)}" for k, n in sorted(summary["counts"].items())) or "0"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


class Progress:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.0f} s] {text}", file=sys.stderr, flush=True)


say = Progress()


def check(summary: dict[str, Any], who: str) -> None:
    bad = {s: n for s, n in summary["statuses"].items() if not 200 <= int(s) < 300}
    if bad or summary["errors"]:
        raise RuntimeError(f"{who}: requests failed {bad} {summary['errors'][:1]}")


# --- one register size ---------------------------------------------------------------------------------

def run_size(emulator: EmulatorProcess, size: int, workdir: Path, args: argparse.Namespace,
             changes: tuple[int, ...]) -> tuple[FirstPoll, list[Level]]:
    started = time.perf_counter()
    say(f"{size} rows: building the office and the register")
    info = emulator.call(f"{EMULATOR}:build_office", str(workdir / f"kantor-{size}"), size, NOW,
                         item_folders=not args.no_item_folders, drive_gmail=args.drive_gmail)

    say(f"{size} rows: first poll (the daemon adopts {size} rows it has never seen)")
    emulator.clear_log()
    first = Worker("daemon", info["config"], NOW)
    measured = first.poll()
    first_requests = emulator.request_summary()
    check(first_requests, "first poll")
    first.stop()
    if measured["result"]["error"]:
        raise RuntimeError(f"first poll failed: {measured['result']['error']}")
    first_poll = FirstPoll(size, info["seconds"], first.started["rss"], measured, first_requests)

    emulator.call(f"{EMULATOR}:make_twin")
    daemon = Worker("daemon", info["config"], NOW)  # a fresh process: its memory is the steady state's
    for _ in range(4):  # token, spreadsheet metadata, and whatever the first poll left to do
        emulator.clear_log()
        daemon.poll()
        if total(emulator.request_summary()) == 1:
            break
    baseline = Worker("baseline", info["key"], emulator.base_url, emulator.call(f"{EMULATOR}:twin_id"))
    baseline.poll(cells=[], log_rows=[])  # its token

    def round_(changed: int, **options: Any) -> Sample:
        edits = emulator.call(f"{EMULATOR}:people_edit", changed) if changed else {"edited": 0}
        emulator.call(f"{EMULATOR}:snapshot")
        emulator.clear_log()
        daemon_measured = daemon.poll(**options.get("daemon", {}))
        daemon_requests = emulator.request_summary()
        check(daemon_requests, "sop-konten")
        result = daemon_measured["result"]
        if result["error"] or result["deferred"]:
            raise RuntimeError(f"poll not completed: {result}")
        work = emulator.call(f"{EMULATOR}:diff")
        emulator.clear_log()
        baseline_measured = baseline.poll(cells=work["cells"], log_rows=work["log_rows"],
                                          **options.get("baseline", {}))
        baseline_requests = emulator.request_summary()
        check(baseline_requests, "baseline")
        return Sample(edits["edited"], daemon_measured, daemon_requests, baseline_measured, baseline_requests,
                      len(work["cells"]), len(work["log_rows"]))

    levels = []
    for changed in changes:
        level = Level(size, changed)
        for repeat in range(args.repeats):
            s = round_(changed)
            level.timed.append(s)
            say(f"{size} rows, {changed} changed, poll {repeat + 1}: sop-konten {total(s.daemon_requests)} "
                f"requests, CPU {s.daemon['cpu'] * 1000:,.0f} ms, wall {s.daemon['wall'] * 1000:,.0f} ms; "
                f"baseline {total(s.baseline_requests)} requests, CPU {s.baseline['cpu'] * 1000:,.0f} ms, "
                f"wall {s.baseline['wall'] * 1000:,.0f} ms")
            if s.daemon["wall"] + s.baseline["wall"] > args.slow_seconds:
                break  # one more repeat would cost as much again
        level.max_rss = level.timed[-1].daemon["max_rss"]
        level.baseline_max_rss = level.timed[-1].baseline["max_rss"]
        levels.append(level)
    # Traced and profiled polls come last: tracemalloc raises the process's high-water mark.
    for level in [] if args.no_heap else levels:
        say(f"{size} rows, {level.changed} changed: one more poll under tracemalloc (Python heap peak)")
        level.traced = round_(level.changed, daemon={"traced": True}, baseline={"traced": True})
    for level in levels if args.profile else []:
        out = Path(args.profile)
        out.mkdir(parents=True, exist_ok=True)
        level.profile = str(out / f"daemon-{size}-rows-{level.changed}-changed.prof")
        say(f"{size} rows, {level.changed} changed: one more poll under cProfile -> {level.profile}")
        round_(level.changed, daemon={"profile": level.profile})
    daemon.stop()
    baseline.stop()
    say(f"{size} rows: done in {time.perf_counter() - started:.0f} s")
    return first_poll, levels


# --- reporting -------------------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    import gspread
    import requests

    memory = first("/proc/meminfo", "MemTotal")
    return {
        "cores": str(os.cpu_count()), "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "ram": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory else "?",
        "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
        "libs": f"gspread {gspread.__version__}, requests {requests.__version__}",
    }


def source() -> str:
    """Which code was measured: the commit, and whether automation/ had uncommitted changes."""
    import subprocess

    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h (%s)"],
                                capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "automation"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        marker = ROOT / ".bench-source"
        if marker.exists():
            return marker.read_text(encoding="utf-8").strip()
        return f"automation/ from {ROOT} (not a git checkout)"
    return f"commit {commit}" + (", with uncommitted changes in automation/" if dirty else "")


def kb(value: float) -> str:
    return f"{value / 1024:,.0f}" if value >= 1024 or value == 0 else f"{value / 1024:.1f}"


def figures_of(level: Level) -> dict[str, Any]:
    t = level.timed
    d_req = [total(s.daemon_requests) for s in t]
    effects = t[-1].daemon["result"]["effects"]
    return {
        "rows": level.rows, "changed": level.changed, "polls": len(t),
        "edited": median([s.edited for s in t]),
        "d_req": median(d_req), "d_req_max": max(d_req), "d_kinds": kinds(t[-1].daemon_requests),
        "b_req": median([total(s.baseline_requests) for s in t]), "b_kinds": kinds(t[-1].baseline_requests),
        "cells": median([s.cells for s in t]), "log_rows": median([s.log_rows for s in t]),
        "transitions": t[-1].daemon["result"]["transitions"], "messages": effects.get("notify", 0),
        "moves": effects.get("place", 0), "published": effects.get("publish", 0),
        "d_in": median([s.daemon_requests["received"] for s in t]),
        "d_out": median([s.daemon_requests["sent"] for s in t]),
        "b_in": median([s.baseline_requests["received"] for s in t]),
        "b_out": median([s.baseline_requests["sent"] for s in t]),
        "d_cpu": median([s.daemon["cpu"] for s in t]), "b_cpu": median([s.baseline["cpu"] for s in t]),
        "d_cpus": [round(s.daemon["cpu"], 3) for s in t],
        "d_wall": median([s.daemon["wall"] for s in t]), "b_wall": median([s.baseline["wall"] for s in t]),
        "d_heap": level.traced.daemon["heap_peak"] if level.traced else None,
        "b_heap": level.traced.baseline["heap_peak"] if level.traced else None,
        "d_rss": level.max_rss, "b_rss": level.baseline_max_rss, "profile": level.profile,
        "budget": [(total(s.daemon_requests), allowed(s.daemon["result"]["effects"]),
                    s.daemon["result"]["effects"].get("place", 0), s.daemon["result"]["effects"].get("notify", 0))
                   for s in t],
    }


def allowed(effects: dict[str, int]) -> int:
    """Issue 14's budget of an active poll: 3 + ceil(folder operations / 100) + messages."""
    return ACTIVE_SHEETS_REQUESTS + math.ceil(effects.get("place", 0) / DRIVE_BATCH) + effects.get("notify", 0)


LEGEND = ("*ratio*: baseline / sop-konten. *KB in / out*: response / request bodies as the emulator "
          "logged them (no headers, no gzip). *CPU*: `time.process_time()` of the measuring process around "
          "the cycle; *wall* includes waiting for the emulator. *peak heap*: tracemalloc peak of what one "
          "poll allocates; *peak RSS*: the process's high-water mark (`VmHWM`) after its timed polls up to that line. "
          "*100 (→n)*: only n items were open, all n changed.")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "–"


def table(figures: list[dict[str, Any]]) -> str:
    lines = ["| rows | changed | requests sop-konten | requests baseline | ratio "
             "| KB in / out sop-konten | KB in / out baseline | CPU ms sop-konten | CPU ms baseline "
             "| CPU ratio "
             "| wall ms sop-konten / baseline | peak heap MB sop-konten / baseline "
             "| peak RSS MB sop-konten / baseline |",
             "|" + "---:|" * 13]
    for f in figures:
        changed = f"{f['changed']}" if f["edited"] == f["changed"] else f"{f['changed']} (→{f['edited']:.0f})"
        heap = f"{f['d_heap'] / MB:.0f} / {f['b_heap'] / MB:.0f}" if f["d_heap"] is not None else "–"
        lines.append(
            f"| {f['rows']:,} | {changed} | {f['d_req']:.0f} | {f['b_req']:.0f} "
            f"| {ratio(f['b_req'], f['d_req'])} | {kb(f['d_in'])} / {kb(f['d_out'])} "
            f"| {kb(f['b_in'])} / {kb(f['b_out'])} | {f['d_cpu'] * 1000:,.0f} | {f['b_cpu'] * 1000:,.0f} "
            f"| {ratio(f['b_cpu'], f['d_cpu'])} | {f['d_wall'] * 1000:,.0f} / {f['b_wall'] * 1000:,.0f} "
            f"| {heap} | {f['d_rss'] / MB:.0f} / {f['b_rss'] / MB:.0f} |")
    return "\n".join(lines)


def detail_table(figures: list[dict[str, Any]]) -> str:
    lines = ["| rows | changed | polls | sop-konten requests | baseline requests | cells written "
             "| Log lines | transitions / messages / folder moves / published |",
             "|---:|---:|---:|---|---|---:|---:|---|"]
    for f in figures:
        lines.append(f"| {f['rows']:,} | {f['changed']} | {f['polls']} | {f['d_kinds']} | {f['b_kinds']} "
                     f"| {f['cells']:.0f} | {f['log_rows']:.0f} "
                     f"| {f['transitions']} / {f['messages']} / {f['moves']} / {f['published']} |")
    return "\n".join(lines)


def first_table(firsts: list[FirstPoll]) -> str:
    lines = ["| rows | building the office (s) | requests | KB in / out | CPU ms | wall ms "
             "| RSS MB after start-up | peak RSS MB |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for f in firsts:
        m, r = f.measured, f.requests
        lines.append(f"| {f.rows:,} | {f.setup_seconds:.0f} | {kinds(r)} "
                     f"| {kb(r['received'])} / {kb(r['sent'])} "
                     f"| {m['cpu'] * 1000:,.0f} | {m['wall'] * 1000:,.0f} | {f.started_rss / MB:.0f} "
                     f"| {m['max_rss'] / MB:.0f} |")
    return "\n".join(lines)


def by_api(summary_kinds: str) -> dict[str, int]:
    """'1 values.batchGet + 2 drive.batch' -> {'sheets': 1, 'drive': 2}."""
    found: dict[str, int] = {}
    for part in summary_kinds.split(" + "):
        count, _, kind = part.partition(" ")
        if kind:
            api = kind.split(".", 1)[0] if kind.startswith(("drive.", "gmail.")) else "sheets"
            found[api] = found.get(api, 0) + int(count)
    return found


def verdicts(figures: list[dict[str, Any]], firsts: list[FirstPoll]) -> list[str]:
    out = []
    idle = [f for f in figures if f["changed"] == 0]
    if idle:
        worst = max(f["d_req_max"] for f in idle)
        out.append(f"- **Idle poll: 1 request.** {'Met' if worst == 1 else 'Missed'}: "
                   + ", ".join(f"{f['rows']:,} rows → {f['d_req_max']} ({f['d_kinds']})" for f in idle) + ".")
    active = [f for f in figures if f["changed"] > 0]
    if active:
        sheets = [by_api(f["d_kinds"]).get("sheets", 0) for f in active]
        out.append(f"- **Active poll: {ACTIVE_SHEETS_REQUESTS} Sheets requests** (one read, one re-resolve, one "
                   f"write). {'Met' if max(sheets) <= ACTIVE_SHEETS_REQUESTS else 'Missed'}: "
                   + ", ".join(f"{f['rows']:,} rows / {f['changed']} changed → {n}"
                               for f, n in zip(active, sheets, strict=True))
                   + f" ({active[-1]['d_kinds']}). Before: 4.")
        lines = []
        met = True
        for f in active:  # each poll against its own budget
            polls = ", ".join(f"{sent} of {budget} ({moves} folder operations, {messages} messages)"
                              for sent, budget, moves, messages in f["budget"])
            met = met and all(sent <= budget for sent, budget, _, _ in f["budget"])
            lines.append(f"{f['rows']:,} rows / {f['changed']} changed → {polls}")
        out.append("- **Active poll in all: at most 3 + ceil(folder operations / 100) + messages.** "
                   f"{'Met' if met else 'Missed'}: " + "; ".join(lines) + ".")
    big = [f for f in figures if f["rows"] == 10000]
    if big:
        for f in [f for f in big if f["changed"] == 0]:
            limit = min(CPU_TARGET, f["b_cpu"] * BASELINE_SHARE)
            verdict = "Met" if f["d_cpu"] <= limit else f"Missed by {f['d_cpu'] / limit:.1f}×"
            out.append(f"- **Idle 10,000-row poll: at most {CPU_TARGET:.1f} s of CPU and at most 1/7 of the "
                       f"baseline's in the same run.** {verdict}: {f['d_cpu']:.3f} s (polls: "
                       f"{', '.join(f'{c:.3f}' for c in f['d_cpus'])}); the baseline's {f['b_cpu']:.3f} s, 1/7 of "
                       f"it {f['b_cpu'] * BASELINE_SHARE:.3f} s.")
        out.append("- Active 10,000-row polls (no target of their own): "
                   + ", ".join(f"{f['changed']} changed → {f['d_cpu']:.2f} s" for f in big if f["changed"]) + ".")
        heaps = [f["d_heap"] for f in big if f["d_heap"] is not None]
        heap, rss = max(heaps, default=0), max(f["d_rss"] for f in big)
        started = next((f.started_rss for f in firsts if f.rows == 10000), 0)
        verdict = "Met" if rss <= MEMORY_TARGET else f"Missed by {rss / MEMORY_TARGET:.2f}×"
        out.append(f"- **10,000 rows: peak RSS at most {MEMORY_TARGET / MB:.0f} MB.** {verdict}: the daemon "
                   f"process's high-water mark is {rss / MB:.0f} MB (VmHWM), of which {started / MB:.0f} MB "
                   "are the interpreter and libraries right after start-up"
                   + (f"; the Python heap a poll allocates peaks at {heap / MB:.0f} MB (tracemalloc)." if heaps
                      else "."))
    else:
        out.append("- **10,000 rows:** not run in this run.")
    out.append(f"- Before issue 14 (same machine, 10,000 rows): {BEFORE}.")
    hundred = [f for f in figures if f["changed"] == 100]
    if hundred:
        f = max(hundred, key=lambda f: f["b_req"])
        out.append(f"- Quota: at {QUOTA_PER_MINUTE} requests per minute per user, the baseline's poll with "
                   f"{f['edited']:.0f} changed rows ({f['b_req']:.0f} requests) uses "
                   f"{f['b_req'] / QUOTA_PER_MINUTE:.0f} minutes of quota; sop-konten's uses "
                   f"{f['d_req']:.0f} requests.")
    return out


def report(firsts: list[FirstPoll], levels: list[Level], command: str, seconds: float,
           args: argparse.Namespace) -> str:
    info = machine()
    figures = [figures_of(level) for level in levels]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    folders = ("items have no folder in the local asset store (`--no-item-folders`)" if args.no_item_folders
               else "assets on Drive (items get their folders as they move; the intake is listed every 5 "
                    "minutes) and messages through Gmail (`--drive-gmail`)" if args.drive_gmail
               else "every item has its folder in the local asset store, as after years of use")
    return "\n".join([
        f"Run of {stamp}, {seconds / 60:.1f} minutes in all, from the repository root:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Code: {source()}.",
        "",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['ram']} RAM, Python {info['python']} on "
        f"{info['os']}; {info['libs']}. Register: realistic rows; {folders}. The daemon's clock is fixed at "
        f"{NOW.replace('T', ' ')} WIB. Figures are medians of the timed polls (*polls* below); heap peaks "
        "come from one more poll under tracemalloc.",
        "",
        "#### Per poll",
        "",
        table(figures),
        "",
        LEGEND,
        "",
        "#### What each side did",
        "",
        detail_table(figures),
        "",
        "#### First poll (the daemon adopts a register it has never seen; not in the figures above)",
        "",
        first_table(firsts),
        "",
        "#### Against the targets",
        "",
        *verdicts(figures, firsts),
    ])


def write_docs(body: str, section: str) -> Path:
    begin = f"<!-- bench:{section}:begin (written by bench/poll_cost.py --write-docs) -->"
    end = f"<!-- bench:{section}:end -->"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if begin not in text or end not in text:
        text = text.rstrip() + f"\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{begin}\n{body}\n{end}{tail}", encoding="utf-8")
    return DOCS


def profile_text(levels: list[Level], top: int = 20) -> str:
    out = io.StringIO()
    for level in levels:
        if not level.profile:
            continue
        out.write(f"\n## cProfile of one poll: {level.rows:,} rows, {level.changed} changed "
                  f"({level.profile})\n")
        stats = pstats.Stats(level.profile, stream=out)
        stats.sort_stats("cumulative").print_stats("automation", top)
        stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- main ------------------------------------------------------------------------------------------------

def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 bench/poll_cost.py",
                                     description="Google API requests, CPU and memory per poll, against the "
                                                 "common cell-by-cell way (docs/benchmarks.md).")
    parser.add_argument("--quick", action="store_true", help="registers of 100 and 1,000 rows only")
    parser.add_argument("--sizes", type=int, nargs="+", help="register sizes (default: 100 1000 10000)")
    parser.add_argument("--changes", type=int, nargs="+", default=list(CHANGES),
                        help="rows people change per poll (default: 0 10 100)")
    parser.add_argument("--repeats", type=int, default=3, help="timed polls per case; the median is reported")
    parser.add_argument("--slow-seconds", type=float, default=25.0,
                        help="stop repeating a case after a round (sop-konten + baseline) longer than this")
    parser.add_argument("--no-heap", action="store_true", help="skip the extra polls under tracemalloc")
    parser.add_argument("--no-item-folders", action="store_true",
                        help="give the items no folder in the local asset store "
                             "(isolates the register's cost)")
    parser.add_argument("--drive-gmail", action="store_true",
                        help="assets on Drive and messages through Gmail (all on the emulator)")
    parser.add_argument("--profile", metavar="DIR",
                        help="one more poll per case under cProfile, dumped in DIR")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    command = " ".join(["python3 bench/poll_cost.py", *(sys.argv[1:] if argv is None else argv)])
    workdir = Path(tempfile.mkdtemp(prefix="sop-konten-bench-"))
    started = time.perf_counter()
    firsts, levels = [], []
    emulator = EmulatorProcess().start()
    try:
        for size in sizes:
            first, size_levels = run_size(emulator, size, workdir, args, tuple(args.changes))
            firsts.append(first)
            levels.extend(size_levels)
            emulator.call(f"{EMULATOR}:forget")
    finally:
        emulator.stop()
        if args.keep:
            say(f"workspace kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    body = report(firsts, levels, command, time.perf_counter() - started, args)
    print(body)
    if args.profile:
        print(profile_text(levels))
    if args.json:
        Path(args.json).write_text(json.dumps([figures_of(level) for level in levels], indent=2),
                                   encoding="utf-8")
    if args.write_docs:
        section = "no-item-folders" if args.no_item_folders else "drive-gmail" if args.drive_gmail else "main"
        say(f"written into {write_docs(body, section)}")
    return 0
