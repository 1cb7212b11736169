"""The two measured processes: the sop-konten daemon, and the baseline doing the same work the common way.

Each runs in its own spawned process, so that its CPU time, Python heap and resident memory are its
own (the emulator runs in a third process). The orchestrator sends ("poll", kwargs) and gets a dict
of measurements back.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import time
import traceback
import tracemalloc
from collections.abc import Callable
from typing import Any

MB = 1024 * 1024


def max_rss() -> int:
    """The process's resident-memory high-water mark in bytes.

    `VmHWM` where Linux has it: `ru_maxrss` survives fork and exec, so a spawned worker would report its
    parent's peak (the benchmark's own openpyxl build of the workbook) until it passed it."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def current_rss() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def measure(action: Callable[[], Any], *, traced: bool = False, profile: str | None = None) -> dict[str, Any]:
    """CPU (process_time) and wall (perf_counter) time of `action()`; with `traced`, the peak of the
    Python heap allocated during it (tracemalloc, which slows the call: its times are not used);
    with `profile`, a cProfile dump of the call at that path."""
    gc.collect()
    profiler = None
    if traced:
        tracemalloc.start()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    heap = 0
    if traced:
        heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return {"cpu": cpu, "wall": wall, "heap_peak": heap, "max_rss": max_rss(), "rss": current_rss(),
            "result": result}


# --- the daemon ----------------------------------------------------------------------------------

class _Daemon:
    def __init__(self, config: str, now: str):
        os.environ["SOP_KONTEN_FIXED_TIME"] = now  # the clock is read when the app is built
        from automation.bootstrap import build_app
        from automation.config import load_config

        self.app = build_app(load_config(config))

    def poll(self, traced: bool = False, profile: str | None = None) -> dict[str, Any]:
        def cycle() -> dict[str, Any]:
            summary = self.app.engine.run_once()
            return {"line": summary.line(), "error": summary.error, "deferred": summary.deferred,
                    "transitions": summary.transitions, "effects": dict(summary.effects)}

        return measure(cycle, traced=traced, profile=profile)


# --- the baseline ----------------------------------------------------------------------------------

class _Baseline:
    """What tools people use today do: gspread, read everything, write cell by cell.

    Opening the spreadsheet and its worksheets happens once (a long-running script); each poll then
    reads Register and Petugas with `get_all_records()`, finds each changed row by its position in
    what it read, writes every changed cell with `update_cell` (one request each) and every Log line
    with `append_row` (one request each). It is handed the cells to write (those sop-konten wrote in
    the same poll), so it does no deciding of its own: its CPU is a floor for such a tool.
    """

    def __init__(self, key: str, base_url: str, spreadsheet: str):
        import gspread

        from tests.google_emulator.clients import EmulatorSession, credentials

        creds = credentials(key, scopes=("https://www.googleapis.com/auth/spreadsheets",))
        self.client = gspread.Client(auth=creds, session=EmulatorSession(creds, base_url))
        book = self.client.open_by_key(spreadsheet)
        self.register, self.roster, self.log = (book.worksheet(t) for t in ("Register", "Petugas", "Log"))

    def poll(self, cells: list[tuple[str, str, str]], log_rows: list[list[str]], traced: bool = False,
             profile: str | None = None) -> dict[str, Any]:
        def cycle() -> dict[str, Any]:
            records = self.register.get_all_records()
            self.roster.get_all_records()
            headers = list(records[0].keys()) if records else self.register.row_values(1)
            position = {}
            for index, record in enumerate(records):
                position.setdefault(str(record.get("ID", "")), index + 2)  # the row number, by position
            for item, header, value in cells:
                self.register.update_cell(position[item], headers.index(header) + 1, value)
            for line in log_rows:
                self.log.append_row(line)
            return {"cells": len(cells), "log_rows": len(log_rows)}

        return measure(cycle, traced=traced, profile=profile)


_KINDS = {"daemon": _Daemon, "baseline": _Baseline}


def serve(conn, kind: str, args: tuple) -> None:
    try:
        worker = _KINDS[kind](*args)
    except BaseException:  # noqa: BLE001 - reported to the orchestrator
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ok", {"max_rss": max_rss(), "rss": current_rss(), "pid": os.getpid()}))
    while True:
        try:
            command, kwargs = conn.recv()
        except EOFError:
            return
        if command == "stop":
            conn.send(("ok", None))
            return
        try:
            conn.send(("ok", getattr(worker, command)(**kwargs)))
        except BaseException:  # noqa: BLE001 - reported to the orchestrator
            conn.send(("error", traceback.format_exc()))


class WorkerError(RuntimeError):
    pass


class Worker:
    """A measured process (`kind` "daemon" or "baseline"), spawned with a clean interpreter."""

    def __init__(self, kind: str, *args: Any):
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, kind, args), name=f"bench-{kind}",
                                       daemon=True)
        self.process.start()
        child.close()
        self.started = self._answer()

    def _answer(self) -> Any:
        try:
            status, value = self.conn.recv()
        except EOFError as exc:
            raise WorkerError(f"worker {self.process.name} died (exit code {self.process.exitcode})") from exc
        if status == "error":
            raise WorkerError(value)
        return value

    def poll(self, **kwargs: Any) -> dict[str, Any]:
        self.conn.send(("poll", kwargs))
        return self._answer()

    def stop(self) -> None:
        try:
            self.conn.send(("stop", {}))
            self._answer()
        except (OSError, EOFError, WorkerError):
            pass
        self.conn.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
