"""`sop-konten check`: every problem that would stop the daemon, each named."""

from __future__ import annotations

from pathlib import Path

from automation.adapters.local.workbook import WorkbookRegister
from automation.config import ConfigError, load_config
from automation.domain.contract import (
    LOG_HEADERS,
    LOG_TAB,
    Contract,
    HeaderError,
    locate_columns,
    parse_roster,
)
from automation.domain.sop import SopError, load_sop
from automation.domain.texts import check as check_text
from automation.ports import RegisterError


def register_problems(snapshot, sop):
    """The register's headers and the roster, whatever the backend: (roster or None, problems)."""
    problems: list[str] = []
    try:
        Contract(sop).column_map(snapshot.register)
    except HeaderError as exc:
        problems.append(str(exc))
    try:
        roster, roster_problems = parse_roster(snapshot.roster, sop)
    except HeaderError as exc:
        return None, problems + [str(exc)]
    return roster, problems + roster_problems


def run_checks(config_path: Path) -> list[str]:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [str(exc)]
    try:
        sop = load_sop(config.sop)
    except SopError as exc:
        return [str(exc)]
    if config.register_backend == "sheets":
        return _check_google(config, sop)
    register = WorkbookRegister(config.register_path)
    try:
        snapshot = register.read()
    except RegisterError as exc:
        return [str(exc)]
    _, problems = register_problems(snapshot, sop)
    try:
        log_headers = register.log_headers()
        locate_columns(log_headers, LOG_HEADERS, LOG_TAB)
    except HeaderError as exc:
        problems.append(str(exc))
    except RegisterError as exc:
        problems.append(str(exc))
    lock = register.is_locked()
    if lock:
        problems.append(check_text.register_locked(lock))
    return problems


def _check_google(config, sop) -> list[str]:
    from automation.adapters.google import setup as setup_google
    from automation.adapters.google.client import GoogleAccessError
    from automation.bootstrap import GoogleServices
    from automation.service.journal import Journal

    try:
        google = GoogleServices(config)
    except GoogleAccessError as exc:
        return [str(exc)]
    journal = Journal(config.journal)
    problems: list[str] = []
    try:
        register = google.register(journal)
        try:
            snapshot = register.read()
        except RegisterError as exc:
            return [str(exc)]
        roster, problems = register_problems(snapshot, sop)
        if problems:
            return problems
        plan = setup_google.plan_setup(register.spreadsheet, Contract(sop), roster, google.account,
                                       config.timezone, create_tabs=False)
        if plan.protection_drift:
            problems.append(check_text.protection_drift(plan.protection_drift))
        elif plan:
            problems.append(check_text.setup_incomplete(plan.changes))
        if config.assets_backend == "drive":
            try:
                from automation.adapters.clock import clock_from_environment

                google.drive(journal, sop, clock_from_environment(config.timezone)).check_access()
            except GoogleAccessError as exc:
                problems.append(str(exc))
    finally:
        journal.close()
    return problems
