"""Two years of an office on the local register, archive on: what a poll costs on the last day.

    python3 bench/two_years.py                      # 500 working days: 460 seeded, the last 40 run live
    python3 bench/two_years.py --live 500           # all 500 run live (hours on a busy 2-core machine)
    python3 bench/two_years.py --days 60 --live 60  # a shorter run
    python3 bench/two_years.py --write-docs         # also put the table into docs/benchmarks.md

Running the daemon through two years takes about 4 s of CPU per simulated day here (70,000
transitions, each with its mail and folder move), so by default the first `--days - --live` days
are seeded: the journal gets the items, states, events (hash-chained, through `Journal`), completed
activations and done effects (mails, folder moves, the archive moves with their rows) that those
days leave, and `arsip-<year>.xlsx` the rows they moved, as the daemon writes them. The register
starts empty on the first live day and fills as the office works; after 30 days it holds what the
archive leaves it, as it would after two years.

Every live working day (Monday to Friday) the office proposes `--per-day` items and moves every open item
one step on (a tenth rejected at Pertimbangan, the rest published by the Admin Medsos typing Terbit
and the link), in one save of `register.xlsx`; then the daemon runs one cycle (its daily archive
pass included). Everything runs in this process through `build_app`, as `sop-konten run` does, with
a clock the simulation moves. On the last day a fresh process (`--measure`) builds the daemon again
and times an idle cycle and an active one (50 edits), CPU (`time.process_time`) and peak RSS
(`VmHWM`), as the local benchmark does; the archive pass has run for that day already.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workers import MB, max_rss  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Two years of use, archive on (issue 14)"
START = date(2025, 1, 6)  # a Monday
WIB = ZoneInfo("Asia/Jakarta")
ACTIVE_EDITS = 50
# the figures of today (no archive, the register as it grows), for the table
TODAY = {1000: (0.60, 1.92), 10000: (6.5, 18.8)}
NEXT = {2: "Diterima", 3: "Selesai", 4: "Selesai", 5: "Sesuai", 6: "Disetujui", 7: "Terbit"}


@dataclass
class SimClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def working_days(count: int) -> list[date]:
    days, day = [], START
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def headers_of(ws) -> list[str]:
    return [str(c.value or "") for c in ws[1]]


def office_works(register: Path, day: date, per_day: int, serial: list[int]) -> int:
    """One save of the register by the office: every open item one step on, the day's new ideas."""
    import openpyxl

    from tests.people import actor, status

    wb = openpyxl.load_workbook(register)
    ws = wb["Register"]
    headers = headers_of(ws)
    column = {h: i + 1 for i, h in enumerate(headers)}
    edits = 0
    for row in range(2, ws.max_row + 1):
        stage = str(ws.cell(row, column["Tahap"]).value or "")
        step = int(stage.split(".")[0]) if stage[:1].isdigit() else 0
        if step not in NEXT:
            continue
        item = str(ws.cell(row, column["ID"]).value or "")
        value = NEXT[step]
        if step == 2 and item.endswith("0"):  # a tenth is rejected, with its reason
            value = "Ditolak"
            ws.cell(row, column["Catatan Petugas"]).value = "Tidak sesuai agenda."
        if step == 7:
            ws.cell(row, column["Tautan Publikasi"]).value = f"https://www.instagram.com/p/{item}/"
        ws.cell(row, column[status(step)]).value = value
        edits += 1
    last = ws.max_row
    while last > 1 and all(c.value in (None, "") for c in ws[last]):
        last -= 1
    for _ in range(per_day):
        serial[0] += 1
        last += 1
        ws.cell(last, column["Judul"]).value = f"Konten {serial[0]} {day.isoformat()}"
        ws.cell(last, column["Jenis"]).value = "Infografis"
        ws.cell(last, column[actor(1)]).value = "rina@kontributor.example"
        ws.cell(last, column[status(1)]).value = "Diajukan"
    wb.save(register)
    return edits + per_day


def edit_captions(register: Path, count: int) -> int:
    """A person edits `count` open items' captions (the active poll of the last day)."""
    import openpyxl

    wb = openpyxl.load_workbook(register)
    ws = wb["Register"]
    column = {h: i + 1 for i, h in enumerate(headers_of(ws))}
    done = 0
    for row in range(2, ws.max_row + 1):
        if done == count:
            break
        if str(ws.cell(row, column["Tahap"]).value or "")[:1].isdigit():
            ws.cell(row, column["Caption"]).value = f"Caption baru {row} {time.time_ns()}"
            done += 1
    wb.save(register)
    return done


def make_office(root: Path, archive_after: int) -> Path:
    from automation.commands.workspace import init_workspace

    config = init_workspace(root)
    text = config.read_text(encoding="utf-8").replace("settle_seconds = 5", "settle_seconds = 0")
    text = text.replace("[register]", f"[register]\narchive_after_days = {archive_after}", 1)
    config.write_text(text, encoding="utf-8")
    return config


def simulate(root: Path, days: int, live: int, per_day: int, archive_after: int) -> dict:
    import logging

    from automation.bootstrap import build_app
    from automation.config import load_config

    logging.disable(logging.WARNING)  # the office's mails and the archive's lines: thousands of them
    config_path = make_office(root, archive_after)
    calendar = working_days(days)
    started = time.perf_counter()
    seeded = calendar[:max(0, days - live)]
    serial = [seed_history(root, seeded, per_day, archive_after) if seeded else 0]
    seed_seconds = round(time.perf_counter() - started)
    app = build_app(load_config(config_path))
    clock = SimClock(datetime.combine(START, datetime.min.time(), WIB))
    app.engine.clock = clock
    daily_cpu = []
    for number, day in enumerate(calendar[len(seeded):], start=len(seeded) + 1):
        office_works(root / "register.xlsx", day, per_day, serial)
        clock.at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=WIB)
        cpu = time.process_time()
        summary = app.engine.run_once()
        daily_cpu.append(time.process_time() - cpu)
        if summary.error or summary.deferred:
            raise SystemExit(f"{day}: {summary.error or summary.deferred}")
        if number % 50 == 0:
            print(f"  day {number}/{days} ({day}): {time.perf_counter() - started:.0f} s", file=sys.stderr)
    app.close()
    return {"days": days, "live": min(live, days), "seed_seconds": seed_seconds,
            "first_day": calendar[0].isoformat(), "last_day": calendar[-1].isoformat(),
            "items": serial[0], "sim_seconds": round(time.perf_counter() - started),
            "daily_cycle_cpu_last_20": round(sum(daily_cpu[-20:]) / min(20, len(daily_cpu)), 3)}


def seed_history(root: Path, days: list[date], per_day: int, archive_after: int) -> int:
    """What `days` of office work leave behind, written directly: every item finished and archived."""
    import openpyxl

    from automation.adapters.local.archive import ARCHIVE_FILE
    from automation.domain import contract as cols
    from automation.domain.archive import ARCHIVED_AT, archive_key, archived_event_key
    from automation.domain.contract import Contract, format_id
    from automation.domain.keys import EffectKey, EffectKind, KeyKind
    from automation.domain.sop import load_sop
    from automation.domain.texts import register as texts
    from automation.domain.workflow import PUBLISHED, REJECTED, Completion, Effect, Event, ItemState
    from automation.service.archiving import ARCHIVE_DAY
    from automation.service.journal import Journal
    from tests.people import actor, status, waktu

    contract = Contract(load_sop())
    headers = list(contract.register_headers)
    people = {1: "rina@kontributor.example", 2: "Sari Tim Konten", 3: "Sari Tim Konten", 4: "Dimas Desainer",
              5: "Budi Ketua Tim", 6: "Ratna Kabid IKP", 7: "Andi Admin Medsos"}
    journal = Journal(root / "journal.sqlite3")
    books: dict[int, tuple] = {}
    serial: dict[int, int] = {}
    count = 0
    for day in days:
        states, events, effects, completions, moved = [], [], [], [], []
        for _ in range(per_day):
            serial[day.year] = serial.get(day.year, 0) + 1
            count += 1
            item = format_id(day.year, serial[day.year])
            rejected = item.endswith("0")
            last = 2 if rejected else 7
            at = {n: datetime(day.year, day.month, day.day, 9, 0, tzinfo=WIB) + timedelta(days=n - 1)
                  for n in range(1, last + 1)}
            row = {h: "" for h in headers}
            row.update({cols.ID: item, cols.TITLE: f"Konten {count} {day.isoformat()}", cols.TYPE: "Infografis",
                        cols.STAGE: texts.STAGE_REJECTED if rejected else texts.STAGE_PUBLISHED,
                        cols.FOLDER: (root / "drive" / item).as_uri()})
            for n in range(1, last + 1):
                row[actor(n)] = people[n]
                row[status(n)] = ("Ditolak" if rejected and n == 2 else NEXT.get(n, "Diajukan"))
                row[waktu(n)] = at[n].strftime(cols.TIME_FORMAT)
            if not rejected:
                row[cols.LINKS] = f"Instagram: https://www.instagram.com/p/{item}/"
            states.append(ItemState(item_id=item, row=row, active=0, outcome=REJECTED if rejected else PUBLISHED,
                                    activations={n: 1 for n in range(1, last + 1)}, contributor=people[1],
                                    version=last))
            for n in range(1, last + 1):
                events.append(Event(str(EffectKey(item, n, 1, KeyKind.TRANSITION)), item, str(n), "Menunggu",
                                    row[status(n)], people[n], ""))
                effects.append(Effect(str(EffectKey(item, n, 1, KeyKind.PLACE)), EffectKind.PLACE, item,
                                      {"title": row[cols.TITLE], "stage": str(n)}))
                effects.append(Effect(str(EffectKey(item, n, 1, KeyKind.TASK, people[n])), EffectKind.NOTIFY, item,
                                      {"template": "task", "to": people[n]}))
                if n > 1:
                    completions.append(Completion(item, n, 1, at[n - 1].isoformat(), at[n].isoformat(),
                                                  row[status(n)], people[n]))
            finished = at[last]
            archived_on = finished + timedelta(days=archive_after + 1)
            values = tuple(row.items())
            effects.append(Effect(archive_key(item), EffectKind.ARCHIVE, item,
                                  {"year": str(day.year), "row": json.dumps(values, ensure_ascii=False)}))
            events.append(Event(archived_event_key(item), item, "", "", "", "",
                                texts.archived_remark(texts.archive_tab(day.year))))
            moved.append((day.year, row, archived_on.strftime(cols.TIME_FORMAT)))
        stamp = datetime(day.year, day.month, day.day, 17, 0, tzinfo=WIB)
        journal.record_intents(events, effects, stamp.strftime(cols.TIME_FORMAT))
        journal.record_completions(completions, lambda a, b: (b - a).total_seconds() / 60)
        journal.commit_states(states, stamp)
        for effect in effects:
            journal.mark_done(effect.key, None, stamp.strftime(cols.TIME_FORMAT))
        for year, row, archived_on in moved:
            if year not in books:
                wb = openpyxl.Workbook()
                ws = wb.worksheets[0]
                ws.title = texts.archive_tab(year)
                ws.append([*headers, ARCHIVED_AT])
                books[year] = (wb, ws)
            books[year][1].append([row[h] for h in headers] + [archived_on])
    for year, (wb, _) in books.items():
        wb.save(root / ARCHIVE_FILE.format(year=year))
    journal.set_meta(ARCHIVE_DAY, days[-1].isoformat())
    journal.close()
    return count


def measure(root: Path, last_day: str) -> dict:
    """In a fresh process: the daemon built again, one idle cycle, then one after 50 edits."""
    from automation.bootstrap import build_app
    from automation.config import load_config

    app = build_app(load_config(root / "sop-konten.toml"))
    day = date.fromisoformat(last_day)
    clock = SimClock(datetime(day.year, day.month, day.day, 10, 30, tzinfo=WIB))
    app.engine.clock = clock
    app.engine.run_once()  # warm: the first cycle of a process reads its calendar, SOP, ...
    clock.at += timedelta(minutes=1)
    cpu = time.process_time()
    idle = app.engine.run_once()
    idle_cpu = time.process_time() - cpu
    edited = edit_captions(root / "register.xlsx", ACTIVE_EDITS)
    clock.at += timedelta(minutes=1)
    cpu = time.process_time()
    active = app.engine.run_once()
    active_cpu = time.process_time() - cpu
    app.close()
    return {"idle_cpu": round(idle_cpu, 3), "idle_written": idle.written, "active_cpu": round(active_cpu, 3),
            "active_edits": edited, "active_undone": active.undone,
            "peak_rss_mb": round(max_rss() / MB)}


def sizes(root: Path) -> dict:
    import openpyxl

    def rows(path: Path, tab: str) -> int:
        ws = openpyxl.load_workbook(path, read_only=True)[tab]
        return sum(1 for values in ws.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in values))

    archives = {p.name: rows(p, "Arsip " + p.stem.split("-")[1]) for p in sorted(root.glob("arsip-*.xlsx"))}
    with sqlite3.connect(root / "journal.sqlite3") as db:
        (items,) = db.execute("SELECT COUNT(*) FROM items").fetchone()
        (moved,) = db.execute("SELECT COUNT(*) FROM ledger WHERE kind='archive' AND status='done'").fetchone()
    return {"register_rows": rows(root / "register.xlsx", "Register"),
            "register_kb": round((root / "register.xlsx").stat().st_size / 1024),
            "archives": archives, "journal_items": items, "archived": moved,
            "journal_mb": round((root / "journal.sqlite3").stat().st_size / MB, 1)}


def table(result: dict) -> str:
    s, m, z = result["sim"], result["measured"], result["sizes"]
    archive = ", ".join(f"`{name}` {count:,} rows" for name, count in z["archives"].items()) or "none"
    lines = [
        f"{s['days']} working days ({s['first_day']} to {s['last_day']}), {result['per_day']} items a working "
        f"day, `archive_after_days = {result['archive_after']}`: {s['items']:,} items. The first "
        f"{s['days'] - s['live']} days seeded ({s['seed_seconds']:,} s), the last {s['live']} run live through "
        f"the daemon; {s['sim_seconds']:,} s in all on this machine.",
        "",
        "| on the last day | measured | today (issue 14, no archive) |",
        "|---|---|---|",
        f"| rows in `Register` | {z['register_rows']:,} ({z['register_kb']:,} KB) | {s['items']:,} |",
        f"| idle cycle, CPU | {m['idle_cpu']:.2f} s | {TODAY[10000][0]} s at 10,000 rows |",
        f"| active cycle ({m['active_edits']} edits), CPU | {m['active_cpu']:.2f} s | {TODAY[10000][1]} s at "
        f"10,000 rows |",
        f"| peak RSS (fresh process: build, 3 cycles) | {m['peak_rss_mb']} MB | 317-375 MB at 10,000 rows |",
        f"| the day's cycle (office's edits + archive pass), CPU, mean of the last 20 days | "
        f"{s['daily_cycle_cpu_last_20']:.2f} s | |",
        f"| archive | {archive} | |",
        f"| journal | {z['journal_items']:,} items ({z['archived']:,} archived), {z['journal_mb']} MB | |",
    ]
    return "\n".join(lines)


def write_docs(text: str, command: str) -> None:
    body = (f"{SECTION}\n\nMeasured with `{command}` (`bench/two_years.py`; how it simulates: its docstring).\n\n"
            f"{text}\n")
    docs = DOCS.read_text(encoding="utf-8")
    if SECTION in docs:
        start = docs.index(SECTION)
        end = docs.find("\n## ", start + len(SECTION))
        docs = docs[:start] + body + (docs[end + 1:] if end != -1 else "")
    else:
        docs = docs.rstrip("\n") + "\n\n" + body
    DOCS.write_text(docs, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--live", type=int, default=40, help="the last LIVE days run through the daemon")
    parser.add_argument("--per-day", type=int, default=20)
    parser.add_argument("--archive-after", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="simulate in this folder and keep it")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "DAY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return 0
    with tempfile.TemporaryDirectory(prefix="two-years-") as scratch:
        root = args.keep or Path(scratch) / "kantor"
        sim = simulate(root, args.days, args.live, args.per_day, args.archive_after)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.run([sys.executable, __file__, "--measure", str(root), sim["last_day"]],
                               capture_output=True, text=True, env=env, check=True)
        measured = json.loads(child.stdout.strip().splitlines()[-1])
        result = {"sim": sim, "measured": measured, "sizes": sizes(root), "per_day": args.per_day,
                  "archive_after": args.archive_after}
    print(json.dumps(result, indent=2))
    text = table(result)
    print(text)
    if args.write_docs:
        command = "python3 bench/two_years.py " + " ".join(a for a in (argv or sys.argv[1:]) if a != "--write-docs")
        write_docs(text, command.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
