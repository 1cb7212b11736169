"""The `sop-konten` command: init, run, once, check, setup, login, dasbor, status, backup, report, audit."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import sys
import time
from enum import IntEnum
from pathlib import Path

from automation import __version__
from automation.config import CONFIG_NAME, load_config, load_workspace_sop
from automation.domain.texts import cli as cli_text
from automation.domain.texts import config as config_text
from automation.domain.texts import log as log_text
from automation.domain.texts import operations as ops_text

DEFAULT_WORKSPACE = "sop-konten-data"
CONFIG_ENV = "SOP_KONTEN_CONFIG"

log = logging.getLogger("sop_konten")


class ExitCode(IntEnum):
    """The exit status of every command (docs/configuration.md lists them for operators and service managers)."""

    OK = 0
    FAILED = 1  # the work failed (a cycle, a report, a file write) or `check` found problems; fix, then run again
    UNUSABLE = 2  # usage, configuration or workspace problem found before anything was done
    INTERRUPTED = 130  # Ctrl+C


class UserError(Exception):
    """Something the user can fix; printed as one sentence, exit status UNUSABLE."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 (UNUSABLE) on a usage error
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not args.command:
        parser.print_help()
        return ExitCode.UNUSABLE
    previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable_to_debug_log
    try:
        return _handle(args)
    finally:
        sys.unraisablehook = previous_hook


def _problems_to_fix() -> tuple[type[Exception], ...]:
    from automation.bootstrap import user_errors
    from automation.report.monitoring import ReportError

    return (UserError, ReportError, *user_errors())


def _handle(args) -> int:
    try:
        return args.handler(args)
    except _problems_to_fix() as exc:  # evaluated when something was raised (see `user_errors`)
        print(cli_text.error_line(exc), file=sys.stderr)
        return ExitCode.UNUSABLE
    except (OSError, sqlite3.Error) as exc:  # met while working: init, setup, report writing their files
        print(cli_text.error_line(_io_sentence(exc)), file=sys.stderr)
        return ExitCode.FAILED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except Exception as exc:  # a bug: still one sentence for the operator; the traceback only with -v
        log.debug(log_text.UNEXPECTED_ERROR_DETAIL, exc_info=True)
        print(cli_text.error_line(cli_text.unexpected_error(type(exc).__name__, exc)), file=sys.stderr)
        return ExitCode.FAILED


def _unraisable_to_debug_log(unraisable) -> None:
    """Errors Python ignores anyway (a library's __del__ closing a file on a full disk): no traceback unless -v."""
    log.debug(log_text.UNEXPECTED_ERROR_DETAIL,
              exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))


def _io_sentence(error: BaseException) -> str:
    from automation.config import io_reason

    where = getattr(error, "filename", None) or Path.cwd()
    return config_text.file_unusable(where, io_reason(error))


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
        ("status", cmd_status, ops_text.HELP_STATUS),
        ("dasbor", cmd_dasbor, cli_text.HELP_DASBOR),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
        p.set_defaults(handler=handler)
    sub.choices["check"].add_argument("--kirim-uji", dest="send_test", nargs="?", const="", default=None,
                                      metavar=cli_text.ADDRESS_METAVAR, help=cli_text.HELP_SEND_TEST)
    p = sub.add_parser("login", help=cli_text.HELP_LOGIN, description=cli_text.HELP_LOGIN)
    p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
    p.add_argument("--tempel", action="store_true", help=cli_text.HELP_LOGIN_PASTE)
    p.add_argument("--port", type=int, default=0, metavar=cli_text.PORT_METAVAR, help=cli_text.HELP_LOGIN_PORT)
    p.add_argument("--tanpa-browser", dest="no_browser", action="store_true", help=cli_text.HELP_LOGIN_NO_BROWSER)
    p.set_defaults(handler=cmd_login)
    from automation.report.monitoring import parse_day  # light: Pillow loads only when a chart is drawn

    p = sub.add_parser("report", help=cli_text.HELP_REPORT, description=cli_text.HELP_REPORT)
    p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
    p.add_argument("--from", dest="start", type=parse_day, metavar=cli_text.DATE_METAVAR, help=cli_text.HELP_FROM)
    p.add_argument("--to", dest="end", type=parse_day, metavar=cli_text.DATE_METAVAR, help=cli_text.HELP_TO)
    p.add_argument("--out", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.HELP_OUT)
    p.set_defaults(handler=cmd_report)

    from automation.commands.backup import keep_count

    p = sub.add_parser("backup", help=ops_text.HELP_BACKUP, description=ops_text.HELP_BACKUP)
    p.add_argument("target", nargs="?", type=Path, metavar=ops_text.TARGET_METAVAR, help=ops_text.HELP_BACKUP_TARGET)
    p.add_argument("--config", type=Path, metavar=cli_text.FILE_METAVAR, help=cli_text.help_config(CONFIG_NAME))
    p.add_argument("--with-secrets", action="store_true", help=ops_text.HELP_WITH_SECRETS)
    p.add_argument("--keep", type=keep_count, metavar=ops_text.COUNT_METAVAR, default=0, help=ops_text.HELP_KEEP)
    p.set_defaults(handler=cmd_backup)

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
    return ExitCode.OK


def cmd_once(args) -> int:
    app = _app(_config_path(args.config, create=False))
    try:
        summary = _cycle(app)
    finally:
        app.close()
    if isinstance(summary, str):
        print(cli_text.error_line(summary), file=sys.stderr)
        return ExitCode.FAILED
    print(summary.line())
    return ExitCode.FAILED if summary.error else ExitCode.OK


def _cycle(app):
    """One cycle, or the sentence for what stopped it: a file or journal error met on the way (a full disk),
    or a problem an adapter reports as a sentence (Google refusing access). The next cycle retries."""
    from automation.bootstrap import failure_sentence, user_errors

    try:
        return app.engine.run_once()
    except (OSError, sqlite3.Error) as exc:
        log.debug(log_text.UNEXPECTED_ERROR_DETAIL, exc_info=True)
        return failure_sentence(exc, app.config)
    except user_errors() as exc:
        return str(exc)


def cmd_run(args) -> int:
    # Handlers first: a SIGTERM while the config loads or the backends start must stop cleanly too.
    stop = {"requested": False}

    def request_stop(signum, frame):
        stop["requested"] = True
        log.info(log_text.STOP_REQUESTED, signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    started_at = time.time()
    log.info(log_text.DAEMON_STARTING, os.getpid())  # after the handlers: a stop from here on is clean

    import schedule

    from automation.commands.cycle_log import CycleLog

    cycle_log = CycleLog(log)

    def cycle():
        summary = _cycle(app)
        if isinstance(summary, str):  # logged, not raised: the daemon keeps polling and the cycle is retried
            cycle_log.failed(summary)
            return
        cycle_log.cycle(summary)

    config_path = _config_path(args.config, create=True)
    if stop["requested"]:
        return _stopped()
    app = _app(config_path)
    dasbor = None
    try:
        if stop["requested"]:
            return _stopped()
        _sweep_own_temporary_files(app.config, started_at)
        from automation.commands.dasbor import serve_beside

        dasbor = serve_beside(app.config)  # None when off or unable to start (logged); the daemon runs anyway

        _print_where(config_path)
        log.info(log_text.DAEMON_STARTED, app.config.poll_seconds)
        scheduler = schedule.Scheduler()
        scheduler.every(app.config.poll_seconds).seconds.do(cycle)
        if not stop["requested"]:
            cycle()
        while not stop["requested"]:
            scheduler.run_pending()
            time.sleep(0.2)
    finally:
        if dasbor is not None:
            dasbor.stop()
        app.close()
    return _stopped()


def _stopped() -> int:
    log.info(log_text.DAEMON_STOPPED)
    return ExitCode.OK


def _sweep_own_temporary_files(config, started_at: float) -> None:
    """Leftovers of an earlier run that stopped mid-write; only the daemon's own name patterns."""
    from automation.adapters.local import feed, workbook
    from automation.adapters.notify import outbox

    try:
        removed = [*workbook.sweep_temporary_files(config.register_path, started_at),
                   *outbox.sweep_temporary_files(config.outbox_path, started_at),
                   *feed.sweep_staging(config.publish_path, started_at)]
    except OSError as exc:  # tidying up never stops the daemon
        log.warning(log_text.TEMPORARY_FILES_NOT_SWEPT, exc)
        return
    if removed:
        log.info(log_text.TEMPORARY_FILES_SWEPT, len(removed))


def cmd_setup(args) -> int:
    from automation.bootstrap import workspace_problems
    from automation.commands.setup import run_setup

    config_path = _config_path(args.config, create=False)
    config = load_config(config_path)
    problems = workspace_problems(config)
    if problems:  # setup prepares the register and the folders; it cannot where a file stands in the way
        raise UserError(next(iter(problems.values())))
    for line in run_setup(config_path):
        print(line)
    return ExitCode.OK


def cmd_dasbor(args) -> int:
    from automation.commands.dasbor import serve_alone

    serve_alone(load_config(_config_path(args.config, create=False)))
    return ExitCode.OK


def cmd_report(args) -> int:
    from automation.bootstrap import Backends
    from automation.report.monitoring import ProgressPrinter, generate_report

    config = load_config(_config_path(args.config, create=False))
    xlsx, png = generate_report(config, start=args.start, end=args.end, out=args.out, progress=ProgressPrinter(),
                                notice=print)
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
    return ExitCode.OK


def cmd_check(args) -> int:
    from automation.commands.check import run_checks

    config_path = _config_path(args.config, create=False)
    result = run_checks(config_path)
    for warning in result.warnings:
        print(cli_text.check_warning(warning))
    for problem in result.problems:
        print(cli_text.check_problem(problem))
    if not result.problems:
        print(cli_text.CHECK_OK)
    for fact in result.facts:  # after the verdict: who the daemon is on Google and what it reaches
        print(fact)
    sent = True
    if getattr(args, "send_test", None) is not None:
        from automation.commands.check import send_test_message

        sent, line = send_test_message(config_path, args.send_test or None)
        print(line)
    return ExitCode.OK if sent and not result.problems else ExitCode.FAILED


def cmd_login(args) -> int:
    from automation.commands.login import login

    config = load_config(_config_path(args.config, create=False))
    if config.google.auth != "oauth":
        raise UserError(cli_text.LOGIN_NEEDS_OAUTH)
    if args.tempel:
        signed_in = login(config, port=args.port, paste=lambda: input(cli_text.PASTE_PROMPT))
    else:
        import webbrowser

        signed_in = login(config, port=args.port, open_url=None if args.no_browser else webbrowser.open)
    print(cli_text.logged_in(signed_in.account, signed_in.token_file))
    return ExitCode.OK


def cmd_status(args) -> int:
    from automation.commands.status import workspace_status

    status = workspace_status(load_config(_config_path(args.config, create=False)))
    print("\n".join(status.lines))
    return ExitCode.FAILED if status.stale else ExitCode.OK


def cmd_backup(args) -> int:
    from automation.adapters.clock import clock_from_environment
    from automation.commands.backup import BackupError, make_backup

    config = load_config(_config_path(args.config, create=False))
    try:
        backup = make_backup(config, clock_from_environment(config.timezone).now(), args.target,
                             with_secrets=args.with_secrets, keep=args.keep)
    except BackupError as exc:
        raise UserError(str(exc)) from None
    print("\n".join(backup.lines()))
    return ExitCode.OK if backup.sound else ExitCode.FAILED


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

    config = load_config(config_path)
    for warning in config.warnings:
        log.warning(log_text.CONFIG_WARNING, warning)
    return build_app(config)


def _print_where(config_path: Path) -> None:
    from automation.domain.contract import TITLE, Contract

    config = load_config(config_path)
    sop = load_workspace_sop(config.sop)
    first = Contract(sop).status(1)
    print(cli_text.where_workspace(config.base))
    print(cli_text.where_register(config.register_path, TITLE, first, sop.first.outcomes[0].status))
    print(cli_text.where_assets(config.assets_path))
    print(cli_text.where_outbox(config.outbox_path))
    print(cli_text.where_feed(config.publish_path / 'index.html'))


if __name__ == "__main__":
    sys.exit(main())
