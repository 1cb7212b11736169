"""`sop-konten check`: every problem that would stop the daemon, each named."""

from __future__ import annotations

from pathlib import Path

from automation.adapters.local.workbook import WorkbookRegister
from automation.bootstrap import Backends
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
from automation.ports import AccessChecking, RegisterError


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
    backends = Backends(config, sop)
    try:
        problems = _register_problems(backends) + _asset_problems(backends)
    finally:
        backends.close()
    return list(dict.fromkeys(problems))


def _register_problems(backends: Backends) -> list[str]:
    from automation.adapters.google.client import GoogleAccessError

    try:
        register = backends.register
        snapshot = register.read()
    except (RegisterError, GoogleAccessError) as exc:
        return [str(exc)]
    roster, problems = register_problems(snapshot, backends.sop)
    if isinstance(register, WorkbookRegister):
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
    elif not problems:
        problems = _spreadsheet_problems(backends, register, roster)
    return problems


def _spreadsheet_problems(backends: Backends, register, roster) -> list[str]:
    from automation.adapters.google import setup as setup_google

    problems: list[str] = []
    plan = setup_google.plan_setup(register.spreadsheet, Contract(backends.sop), roster, backends.google.account,
                                   backends.config.timezone, create_tabs=False)
    if plan.protection_drift:
        problems.append(check_text.protection_drift(plan.protection_drift))
    elif plan:
        problems.append(check_text.setup_incomplete(plan.changes))
    return problems


def _asset_problems(backends: Backends) -> list[str]:
    """Whether the asset store may be written, where it can tell without changing anything (Drive)."""
    from automation.adapters.google.client import GoogleAccessError

    try:
        assets = backends.assets
        if isinstance(assets, AccessChecking):
            assets.check_access()
    except GoogleAccessError as exc:
        return [str(exc)]
    return []
