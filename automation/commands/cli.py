"""The `sop-konten` command: init, run, once, check, setup, report, audit."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from automation import __version__
from automation.config import CONFIG_NAME, ConfigError, load_config
from automation.domain.texts import cli as cli_text
from automation.domain.texts import log as log_text

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
        print(cli_text.error_line(exc), file=sys.stderr)
        return 2
    except _known_errors() as exc:
        print(cli_text.error_line(exc), file=sys.stderr)
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


def _argparse_in_indonesian(message: str) -> str:
    return cli_text.ARGPARSE.get(message, message)


def _parser() -> argparse.ArgumentParser:
    # argparse looks its own words ("usage: ", "options", errors) up through its module-level gettext
    # alias at call time; pointing it at the catalogue makes the help and the errors Indonesian.
    argparse._ = _argparse_in_indonesian  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(prog=cli_text.PROG, description=cli_text.DESCRIPTION)
    parser.add_argument("--version", action="version", version=cli_text.version(__version__),
                        help=cli_text.HELP_VERSION)
    parser.add_argument("-v", "--verbose", action="store_true", help=cli_text.HELP_VERBOSE)
    sub = parser.add_subparsers(dest="command", title=cli_text.COMMANDS, metavar=cli_text.COMMAND_METAVAR)

    p = sub.add_parser("init", help=cli_text.HELP_INIT, description=cli_text.HELP_INIT)
    p.add_argument("dir", nargs="?", default=DEFAULT_WORKSPACE, metavar=cli_text.FOLDER_METAVAR,
                   help=cli_text.HELP_DIR)
    p.set_defaults(handler=cmd_init)

    for name, handler, text in (
        ("run", cmd_run, cli_text.HELP_RUN),
        ("once", cmd_once, cli_text.HELP_ONCE),
        ("check", cmd_check, cli_text.HELP_CHECK),
        ("setup", cmd_setup, cli_text.HELP_SETUP),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
        p.set_defaults(handler=handler)
    from automation.report.monitoring import parse_day  # light: Pillow loads only when a chart is drawn

    p = sub.add_parser("report", help=cli_text.HELP_REPORT, description=cli_text.HELP_REPORT)
    p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
    p.add_argument("--from", dest="start", type=parse_day, metavar=cli_text.DATE_METAVAR, help=cli_text.HELP_FROM)
    p.add_argument("--to", dest="end", type=parse_day, metavar=cli_text.DATE_METAVAR, help=cli_text.HELP_TO)
    p.add_argument("--out", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.HELP_OUT)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("audit", help=cli_text.HELP_AUDIT, description=cli_text.HELP_AUDIT)
    audit = p.add_subparsers(dest="audit_command", title=cli_text.COMMANDS, metavar=cli_text.COMMAND_METAVAR,
                             required=True)
    p = audit.add_parser("verify", help=cli_text.HELP_AUDIT_VERIFY, description=cli_text.HELP_AUDIT_VERIFY)
    p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
    p.set_defaults(handler=cmd_audit_verify)
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
        log.info(log_text.STOP_REQUESTED, signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    def cycle():
        summary = app.engine.run_once()
        (log.error if summary.error else log.info)(log_text.CYCLE, summary.line())

    _print_where(config_path)
    log.info(log_text.DAEMON_STARTED, app.config.poll_seconds)
    scheduler = schedule.Scheduler()
    scheduler.every(app.config.poll_seconds).seconds.do(cycle)
    try:
        cycle()
        while not stop["requested"]:
            scheduler.run_pending()
            time.sleep(0.2)
    finally:
        app.close()
    log.info(log_text.DAEMON_STOPPED)
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
    print(cli_text.report_written(xlsx))
    print(cli_text.chart_written(png))
    backends = Backends(config)
    if backends.uses_sheets:
        from automation.adapters.google.report_sheet import REPORT_TAB, publish_report

        try:
            rows = publish_report(backends.sheets_register.spreadsheet, xlsx)
        finally:
            backends.close()
        print(cli_text.report_tab_written(REPORT_TAB, rows))
    return 0


def cmd_check(args) -> int:
    from automation.commands.check import run_checks

    problems = run_checks(_config_path(args.config, create=False))
    if not problems:
        print(cli_text.CHECK_OK)
        return 0
    for problem in problems:
        print(cli_text.check_problem(problem))
    return 1


def cmd_audit_verify(args) -> int:
    from automation.service.journal import Journal

    config = load_config(_config_path(args.config, create=False))
    if not config.journal.is_file():
        raise UserError(cli_text.journal_not_found(config.journal))
    journal = Journal(config.journal)
    try:
        check = journal.verify_chain()
    finally:
        journal.close()
    if check.broken is None:
        print(cli_text.audit_intact(check.count))
        return 0
    b = check.broken
    print(cli_text.audit_broken(b.no, b.item_id, b.at, b.reason, b.intact_until))
    return 1


# --- helpers -----------------------------------------------------------------

def _config_path(given: Path | None, create: bool) -> Path:
    if given:
        if not given.exists():
            raise UserError(cli_text.config_not_found(given))
        return given
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return _config_path(Path(env), create)
    for candidate in (Path(CONFIG_NAME), Path(DEFAULT_WORKSPACE) / CONFIG_NAME):
        if candidate.exists():
            return candidate
    if not create:
        raise UserError(cli_text.no_config_here(CONFIG_NAME))
    from automation.commands.workspace import init_workspace

    log.info(log_text.CREATING_WORKSPACE, DEFAULT_WORKSPACE)
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
    print(cli_text.where_workspace(config.base))
    print(cli_text.where_register(config.register_path, TITLE, first, sop.first.outcomes[0].status))
    print(cli_text.where_assets(config.assets_path))
    print(cli_text.where_outbox(config.outbox_path))
    print(cli_text.where_feed(config.publish_path / 'index.html'))


if __name__ == "__main__":
    sys.exit(main())
