"""The `sop-konten` command: init, run, once, check."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from automation.config import CONFIG_NAME, ConfigError, load_config

DEFAULT_WORKSPACE = "sop-konten-data"
CONFIG_ENV = "SOP_KONTEN_CONFIG"

log = logging.getLogger("sop_konten")


class UserError(Exception):
    """Something the user can fix; printed as one sentence, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (UserError, ConfigError) as exc:
        print(f"sop-konten: {exc}", file=sys.stderr)
        return 2
    except _known_errors() as exc:
        print(f"sop-konten: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _known_errors() -> tuple[type[Exception], ...]:
    from automation.adapters.google.client import GoogleAccessError
    from automation.domain.contract import HeaderError
    from automation.domain.sop import SopError
    from automation.domain.working_time import CalendarConfigError
    from automation.ports import RegisterError
    from automation.report.monitoring import ReportError

    return (SopError, RegisterError, HeaderError, CalendarConfigError, GoogleAccessError, ReportError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sop-konten", description=(
        "Runs a content SOP on a shared register: validates edits, stamps times, assigns and notifies, "
        "moves assets and publishes."))
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("init", help="create a local workspace (workbook, folders, config)")
    p.add_argument("dir", nargs="?", default=DEFAULT_WORKSPACE)
    p.set_defaults(handler=cmd_init)

    for name, handler, text in (
        ("run", cmd_run, "run the daemon: one cycle every poll_seconds until stopped"),
        ("once", cmd_once, "run one cycle and print what it did"),
        ("check", cmd_check, "check the config, the SOP file, the register headers and the roster"),
        ("setup", cmd_setup, "prepare the register and folders: tabs, headers, dropdowns, protections"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", type=Path, help=f"path to {CONFIG_NAME}")
        p.set_defaults(handler=handler)
    from automation.report.monitoring import parse_day  # light: Pillow loads only when a chart is drawn

    p = sub.add_parser("report", help="write the SOP monitoring report (XLSX + PNG chart) for a period")
    p.add_argument("--config", type=Path, help=f"path to {CONFIG_NAME}")
    p.add_argument("--from", dest="start", type=parse_day, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=parse_day, metavar="YYYY-MM-DD")
    p.add_argument("--out", type=Path, help="the .xlsx to write (the .png goes beside it)")
    p.set_defaults(handler=cmd_report)
    return parser


# --- commands ---------------------------------------------------------------

def cmd_init(args) -> int:
    from automation.commands.workspace import init_workspace

    config_path = init_workspace(Path(args.dir))
    _print_where(config_path)
    return 0


def cmd_once(args) -> int:
    app = _app(_config_path(args.config, create=False))
    try:
        summary = app.engine.run_once()
    finally:
        app.close()
    print(summary.line())
    return 1 if summary.error else 0


def cmd_run(args) -> int:
    import schedule

    config_path = _config_path(args.config, create=True)
    app = _app(config_path)
    stop = {"requested": False}

    def request_stop(signum, frame):
        stop["requested"] = True
        log.info("stop requested (signal %s); finishing the current cycle", signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    def cycle():
        summary = app.engine.run_once()
        (log.error if summary.error else log.info)("cycle: %s", summary.line())

    _print_where(config_path)
    log.info("daemon started; a cycle every %s s; stop with Ctrl+C", app.config.poll_seconds)
    scheduler = schedule.Scheduler()
    scheduler.every(app.config.poll_seconds).seconds.do(cycle)
    try:
        cycle()
        while not stop["requested"]:
            scheduler.run_pending()
            time.sleep(0.2)
    finally:
        app.close()
    log.info("daemon stopped")
    return 0


def cmd_setup(args) -> int:
    from automation.commands.setup import run_setup

    for line in run_setup(_config_path(args.config, create=False)):
        print(line)
    return 0


def cmd_report(args) -> int:
    from automation.bootstrap import Backends
    from automation.report.monitoring import generate_report, print_progress

    config = load_config(_config_path(args.config, create=False))
    xlsx, png = generate_report(config, start=args.start, end=args.end, out=args.out, progress=print_progress)
    print(f"Laporan: {xlsx}")
    print(f"Grafik : {png}")
    backends = Backends(config)
    if backends.uses_sheets:
        from automation.adapters.google.report_sheet import REPORT_TAB, publish_report

        try:
            rows = publish_report(backends.register.spreadsheet, xlsx)
        finally:
            backends.close()
        print(f"Tab {REPORT_TAB}: {rows} baris ditulis ke spreadsheet.")
    return 0


def cmd_check(args) -> int:
    from automation.commands.check import run_checks

    problems = run_checks(_config_path(args.config, create=False))
    if not problems:
        print("OK: konfigurasi, SOP, judul kolom register dan daftar petugas sesuai.")
        return 0
    for problem in problems:
        print(f"MASALAH: {problem}")
    return 1


# --- helpers -----------------------------------------------------------------

def _config_path(given: Path | None, create: bool) -> Path:
    if given:
        if not given.exists():
            raise UserError(f"berkas konfigurasi {given} tidak ditemukan.")
        return given
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return _config_path(Path(env), create)
    for candidate in (Path(CONFIG_NAME), Path(DEFAULT_WORKSPACE) / CONFIG_NAME):
        if candidate.exists():
            return candidate
    if not create:
        raise UserError(f"tidak ada {CONFIG_NAME} di folder ini; jalankan 'sop-konten init' atau beri --config.")
    from automation.commands.workspace import init_workspace

    log.info("no configuration found: creating the local workspace ./%s", DEFAULT_WORKSPACE)
    return init_workspace(Path(DEFAULT_WORKSPACE))


def _app(config_path: Path):
    from automation.bootstrap import build_app

    return build_app(load_config(config_path))


def _print_where(config_path: Path) -> None:
    from automation.domain.contract import TITLE, Contract
    from automation.domain.sop import load_sop

    config = load_config(config_path)
    sop = load_sop(config.sop)
    first = Contract(sop).status(1)
    print(f"Workspace   : {config.base}")
    print(f"Register    : {config.register_path}  (buka dengan LibreOffice/Excel; isi {TITLE} lalu "
          f"'{first}' = {sop.first.outcomes[0].status})")
    print(f"Folder aset : {config.assets_path}  (letakkan bahan di '00 Masuk' untuk membuat item baru)")
    print(f"Pesan keluar: {config.outbox_path}")
    print(f"Publikasi   : {config.publish_path / 'index.html'}")


if __name__ == "__main__":
    sys.exit(main())
