"""The crash matrix: kill a cycle at every side-effect boundary of a multi-cycle scenario and compare.

    python bench/crash_matrix.py                 # every point (slow: minutes)
    python bench/crash_matrix.py --sample 25     # 25 points spread over the cycles
    python bench/crash_matrix.py --out results.json

Method (docs/reliability.md): the scenario below runs once undisturbed on the local default with a
fixed clock, tracing every boundary `automation.faults.reached` names, cycle by cycle. Then, for each
point k of cycle c: the workspace as it was just before cycle c is restored, cycle c runs in a forked
child with SOP_KONTEN_CRASH_AT=k (os._exit(97) at that boundary), two recovery cycles run at the same
time, and the rest of the scenario follows (the same edits, by item ID, as a person would make them).
The end state is compared with the undisturbed run's.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from automation import faults  # noqa: E402
from tests.people import Workspace, make_workspace, status  # noqa: E402


def _real_png() -> bytes:
    """A real poster: local mode prepares and checks the media as the platform would (issue 11)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _real_png()
UPLOAD_MTIME = 1_700_000_000  # fixed, so the two uploads of cycle 1 are listed in a fixed order
CRASHED, RECOVERY_CYCLES = faults.CRASH_EXIT_CODE, 2
INODE = re.compile(r"#\d+\b")


# --- the scenario -----------------------------------------------------------

def _drop_folder(ws: Workspace) -> None:
    folder = ws.root / "drive" / "00 Masuk" / "Lomba Foto Kota"
    folder.mkdir(parents=True)
    (folder / "poster.png").write_bytes(PNG)
    (folder / "kontributor.txt").write_text("andi@warga.example\n", encoding="utf-8")
    for path in (folder / "poster.png", folder / "kontributor.txt", folder):
        os.utime(path, (UPLOAD_MTIME, UPLOAD_MTIME))


def _drop_file(ws: Workspace) -> None:
    path = ws.root / "drive" / "00 Masuk" / "Pengumuman Libur.png"
    path.write_bytes(PNG)
    os.utime(path, (UPLOAD_MTIME + 1, UPLOAD_MTIME + 1))


def _material(item: str) -> Callable[[Workspace], None]:
    def put(ws: Workspace) -> None:
        folders = [p for p in (ws.root / "drive").glob(f"*/{item} *") if p.is_dir()]
        if folders:  # a defect may have lost the folder; the comparison will show it
            (folders[0] / "desain.png").write_bytes(PNG)
    return put


def _set(item: str, values: dict[str, object]) -> Callable[[Workspace], None]:
    def edit(ws: Workspace) -> None:
        try:
            ws.edit(item, values)
        except ValueError:  # the ID is not in the register: a defect the comparison shows
            pass
    return edit


A, B, C = "K-2026-0001", "K-2026-0002", "K-2026-0003"
PUBLISHABLE = {"Jenis": "Infografis", "Sumber": "Pemkot Yogyakarta", "Platform": "Instagram, X",
               "Caption": "Lomba foto Kota Yogyakarta dibuka. #JogjaIstimewa"}

# (fixed time, what people do just before the cycle)
SCENARIO: list[tuple[str, list[Callable[[Workspace], None]]]] = [
    ("2026-11-30T09:00", [  # a typed row and two uploads in the same cycle
        lambda ws: ws.propose("Jadwal Vaksinasi Kota", Jenis="Infografis", Sumber="Pemkot Yogyakarta",
                              Platform="Instagram, X", Caption="Vaksinasi gratis di Balai Kota. #JogjaSehat"),
        _drop_folder, _drop_file]),
    ("2026-11-30T09:05", [_set(A, {status(2): "Diterima"}), _set(B, {status(2): "Diterima", **PUBLISHABLE}),
                          _set(C, {status(2): "Ditolak", "Catatan Petugas": "Sudah diliput."})]),
    ("2026-11-30T10:00", [_set(A, {status(3): "Selesai"}), _set(B, {status(3): "Selesai"}), _material(A)]),
    ("2026-11-30T11:00", [_set(A, {status(4): "Selesai"}), _set(B, {status(4): "Selesai"})]),
    ("2026-11-30T11:30", [_set(A, {status(5): "Revisi", "Catatan Petugas": "Tanggal salah."}),
                          _set(B, {status(5): "Sesuai"})]),
    ("2026-11-30T13:00", [_set(A, {status(4): "Selesai"}), _set(B, {status(6): "Disetujui"})]),
    ("2026-11-30T13:30", [_set(A, {status(5): "Sesuai"})]),
    ("2026-11-30T14:00", [_set(A, {status(6): "Disetujui"})]),
    ("2026-11-30T14:30", []),
]


# --- running cycles ---------------------------------------------------------

def run_cycle(ws: Workspace, at: str) -> None:
    """One cycle in this process (output and log lines go nowhere)."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - closed below
    saved = sys.stderr
    sys.stderr = devnull
    try:
        ws.main("once", at=at)
    finally:
        sys.stderr = saved
        devnull.close()


def in_child(work: Callable[[], None]) -> int:
    """Run `work` in a forked child; its exit code (97: it crashed at the chosen point)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except BaseException:  # a traceback in a cycle is a finding, not a harness crash
            import traceback
            traceback.print_exc()
            code = 3
        os._exit(code)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status)


def _with_env(name: str, value: str, work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        os.environ[name] = value
        faults.reset()
        try:
            work()
        finally:
            os.environ.pop(name, None)
    return run


@dataclass
class Baseline:
    snapshots: list[Path]  # the workspace just before each cycle (after the people's edits)
    points: list[list[str]]  # boundary names per cycle, in order
    final: dict


def undisturbed(root: Path, store: Path) -> Baseline:
    ws = make_workspace(root)
    snapshots, points = [], []
    for number, (at, actions) in enumerate(SCENARIO):
        for action in actions:
            action(ws)
        snapshot = store / f"before-{number}"
        shutil.copytree(root, snapshot, symlinks=True)
        snapshots.append(snapshot)
        trace = store / f"trace-{number}.txt"
        code = in_child(_with_env(faults.TRACE_ENV, str(trace), lambda at=at: run_cycle(ws, at)))
        if code != 0:
            raise SystemExit(f"the undisturbed cycle {number} failed ({code})")
        points.append(trace.read_text(encoding="utf-8").splitlines() if trace.exists() else [])
    return Baseline(snapshots, points, observe(root))


def disturbed(root: Path, baseline: Baseline, cycle: int, point: int) -> tuple[dict, int]:
    """The scenario with cycle `cycle` killed at its `point`-th boundary; (end state, crash exit code)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(baseline.snapshots[cycle], root, symlinks=True)
    ws = Workspace(root)
    at = SCENARIO[cycle][0]
    code = in_child(_with_env(faults.CRASH_AT_ENV, str(point), lambda: run_cycle(ws, at)))

    def rest() -> None:
        for _ in range(RECOVERY_CYCLES):
            run_cycle(ws, at)
        for later_at, actions in SCENARIO[cycle + 1:]:
            for action in actions:
                action(ws)
            run_cycle(ws, later_at)

    rest_code = in_child(rest)
    state = observe(root)
    if rest_code != 0:
        state["harness"] = f"recovery or later cycles ended with {rest_code}"
    return state, code


# --- observing and comparing ---------------------------------------------------

def observe(root: Path) -> dict:
    prefix, uri = str(root.resolve()), root.resolve().as_uri()

    def clean(value: object) -> str:
        return "" if value is None else str(value).replace(uri, "<root>").replace(prefix, "<root>")

    wb = openpyxl.load_workbook(root / "register.xlsx")
    tabs, comments = {}, {}
    for ws in wb.worksheets:
        rows = [[clean(c.value) for c in row] for row in ws.iter_rows()]
        while rows and not any(rows[-1]):
            rows.pop()
        tabs[ws.title] = [r for r in rows]
        comments[ws.title] = sorted((c.coordinate, clean(c.comment.text)) for row in ws.iter_rows()
                                    for c in row if c.comment)
    messages = {}
    for path in (root / "outbox").glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = mail.get_content() if not mail.is_multipart() else ""
        messages[str(mail["Message-ID"])] = [str(mail["From"]), str(mail["To"]), str(mail["Subject"]), clean(body)]
    posts = {}
    for path in sorted((root / "published").glob("*/*/post.json")):
        if any(part.startswith(".") for part in path.relative_to(root / "published").parts):
            continue  # a staging folder: not a post (the feed skips it too); counted among the leftovers
        files = sorted(p.name for p in path.parent.iterdir())
        posts[path.parent.relative_to(root / "published").as_posix()] = [clean(path.read_text("utf-8")), files]
    stages = {}
    for folder in sorted((root / "drive").glob("*/*")):
        if folder.is_dir() and folder.name.startswith("K-"):
            stages.setdefault(folder.name.split(" ")[0], []).append(
                [folder.parent.name, folder.name, sorted(p.name for p in folder.iterdir())])
    leftovers = sorted(p.relative_to(root).as_posix() for p in root.rglob(".*.tmp"))
    leftovers += sorted(p.relative_to(root).as_posix() for p in root.glob(".*.aside"))
    intake_left = sorted(p.name for p in (root / "drive" / "00 Masuk").iterdir())
    db = sqlite3.connect(root / "journal.sqlite3")
    try:
        items = {k: json.loads(clean(v)) for k, v in db.execute("SELECT item_id, state FROM items")}
        # an upload's key holds its inode, which a restored snapshot does not keep
        ledger = {INODE.sub("#<inode>", k): s for k, s in db.execute("SELECT key, status FROM ledger")}
        events = [[clean(v) for v in r] for r in db.execute(
            "SELECT no, at, item_id, step, before, after, actor, remark FROM events ORDER BY no")]
    finally:
        db.close()
    return {"tabs": tabs, "comments": comments, "messages": messages, "posts": posts, "stages": stages,
            "leftovers": leftovers, "unswept": _unswept(root, leftovers), "intake": intake_left,
            "items": items, "ledger": ledger, "events": events}


def _unswept(root: Path, leftovers: list[str]) -> list[str]:
    """The leftovers the daemon's start-up sweep (what `run` does before its first cycle) would not remove.

    The scenario's cycles are `once` runs, which never sweep (a `once` next to a running daemon must not
    delete that daemon's half-written file), so a file of an interrupted write stays until the next `run`
    starts. Run that very sweep here, last (it deletes), and keep what it leaves: that is a defect."""
    from automation.adapters.local import feed, workbook
    from automation.adapters.notify import outbox

    later = time.time() + 1
    workbook.sweep_temporary_files(root / "register.xlsx", later)
    outbox.sweep_temporary_files(root / "outbox", later)
    feed.sweep_staging(root / "published", later)
    return [name for name in leftovers if (root / name).exists()]


COSMETIC = {
    "log numbering": "the Log's No column (and the journal's event numbers) differ, every line otherwise identical",
    "row order": "the same Register rows, by ID and content, in another order",
    "cell comments": "cell comments differ while every cell value is identical",
    "journal version counter": "an item's internal decision counter in the journal differs, its state otherwise "
                               "identical, its events and effects identical",
    "temporary files": "a hidden .tmp/.aside file or feed staging folder of an interrupted write is left, of the "
                       "daemon's own name pattern, and the start-up sweep of `run` removes it",
}


def compare(expected: dict, actual: dict) -> tuple[str, list[str]]:
    """('identical' | 'cosmetic' | 'defect', the differences found)."""
    defects, cosmetic = [], []
    if "harness" in actual:
        defects.append(actual["harness"])
    for tab, rows in expected["tabs"].items():
        got = actual["tabs"].get(tab)
        if got == rows:
            continue
        if got is None:
            defects.append(f"tab {tab} missing")
        elif tab == "Log" and [r[1:] for r in got] == [r[1:] for r in rows]:
            cosmetic.append("log numbering")
        elif tab == "Register" and got[:1] == rows[:1] and sorted(got[1:]) == sorted(rows[1:]):
            cosmetic.append("row order")
        else:
            defects.append(f"{tab}: {_first_difference(rows, got)}")
    if expected["comments"] != actual["comments"]:
        cosmetic.append("cell comments")
    if [e[1:] for e in expected["events"]] != [e[1:] for e in actual["events"]]:
        defects.append(f"journal events: {_first_difference(expected['events'], actual['events'])}")
    elif expected["events"] != actual["events"]:
        cosmetic.append("log numbering")
    if expected["items"] != actual["items"]:
        # The counter counts accepted decisions, not states: a retried cycle whose publication is already
        # in the ledger takes it in one decision where the undisturbed cycle took two. It only grows within
        # a run, so the undo and reassignment keys built from it stay unique; were one ever shared, the
        # later event would be dropped, and the events (the Log) compared above would show it.
        if _without_versions(expected["items"]) == _without_versions(actual["items"]):
            cosmetic.append("journal version counter")
        else:
            defects.append(f"items: {_dict_difference(expected['items'], actual['items'])}")
    for name in ("messages", "posts", "stages", "ledger", "intake"):
        if expected[name] != actual[name]:
            defects.append(f"{name}: {_dict_difference(expected[name], actual[name])}")
    if actual["unswept"] != expected["unswept"]:
        defects.append(f"files the start-up sweep leaves: {actual['unswept']}")
    elif actual["leftovers"] != expected["leftovers"]:
        cosmetic.append("temporary files")
    if defects:
        return "defect", defects + sorted(set(cosmetic))
    return ("cosmetic", sorted(set(cosmetic))) if cosmetic else ("identical", [])


def _without_versions(items: dict) -> dict:
    return {k: {f: v for f, v in state.items() if f != "version"} for k, state in items.items()}


def _first_difference(expected: list, actual: list) -> str:
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            return f"line {index + 1}: expected {want!r}, got {got!r}"[:400]
    return f"{len(expected)} lines expected, {len(actual)} found"


def _dict_difference(expected, actual) -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        changed = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        parts = [f"{label} {keys[:3]}" for label, keys in (("missing", missing), ("extra", extra),
                                                            ("changed", changed)) if keys]
        return "; ".join(parts)[:400]
    return f"expected {expected!r}, got {actual!r}"[:400]


# --- the matrix ---------------------------------------------------------------

def all_points(baseline: Baseline) -> list[tuple[int, int]]:
    return [(cycle, k) for cycle, names in enumerate(baseline.points) for k in range(1, len(names) + 1)]


def spread(points: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """`size` points evenly spread over the whole list (deterministic)."""
    if size >= len(points):
        return points
    step = len(points) / size
    return [points[int(i * step + step / 2)] for i in range(size)]


def run_matrix(work: Path, sample: int | None = None, points: list[tuple[int, int]] | None = None,
               progress: Callable[[str], None] = lambda line: None) -> dict:
    root = work / "kantor"
    baseline = undisturbed(root, work / "store")
    chosen = points if points is not None else all_points(baseline)
    if sample:
        chosen = spread(chosen, sample)
    results = []
    for cycle, k in chosen:
        state, code = disturbed(root, baseline, cycle, k)
        verdict, differences = compare(baseline.final, state)
        if code != CRASHED:
            verdict, differences = "defect", [f"the cycle did not crash at point {k} (exit {code})"]
        name = baseline.points[cycle][k - 1]
        results.append({"cycle": cycle + 1, "point": k, "boundary": name, "verdict": verdict,
                        "differences": differences})
        progress(f"cycle {cycle + 1} point {k:3d} {name:24s} {verdict}" +
                 (f": {differences[0]}" if differences and verdict == "defect" else ""))
    counts = Counter(r["verdict"] for r in results)
    return {
        "points_per_cycle": [len(p) for p in baseline.points],
        "trace": baseline.points,
        "boundaries": dict(Counter(n for p in baseline.points for n in p)),
        "tried": len(results),
        "identical": counts["identical"], "cosmetic": counts["cosmetic"], "defect": counts["defect"],
        "cosmetic_kinds": dict(Counter(d for r in results if r["verdict"] == "cosmetic" for d in r["differences"])),
        "cosmetic_rules": COSMETIC,
        "results": results,
    }


def summary_table(report: dict) -> str:
    lines = ["| cycle | points | identical | cosmetic | defect |", "|---|---|---|---|---|"]
    for cycle in range(1, len(report["points_per_cycle"]) + 1):
        rows = [r for r in report["results"] if r["cycle"] == cycle]
        count = Counter(r["verdict"] for r in rows)
        lines.append(f"| {cycle} | {len(rows)} of {report['points_per_cycle'][cycle - 1]} | {count['identical']} "
                     f"| {count['cosmetic']} | {count['defect']} |")
    lines.append(f"| all | {report['tried']} | {report['identical']} | {report['cosmetic']} | {report['defect']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, help="try this many points, spread over the cycles")
    parser.add_argument("--out", type=Path, default=Path("crash-matrix.json"))
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crash-matrix-") as work:
        report = run_matrix(Path(work), args.sample, progress=(lambda line: None) if args.quiet else print)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(summary_table(report))
    print(f"points per cycle: {report['points_per_cycle']}")
    print(f"cosmetic differences: {report['cosmetic_kinds']}")
    defects = Counter(r["differences"][0].split(":")[0] for r in report["results"] if r["verdict"] == "defect")
    print(f"defects by first difference: {dict(defects)}")
    print(f"written: {args.out}")
    return 1 if report["defect"] else 0


if __name__ == "__main__":
    sys.exit(main())
