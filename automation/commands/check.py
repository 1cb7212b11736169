"""`sop-konten check`: every problem that would stop the daemon, each named."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.local.workbook import WorkbookRegister
from automation.bootstrap import Backends, user_errors, workspace_problems
from automation.config import ConfigError, load_config
from automation.domain.contract import (
    LOG_HEADERS,
    LOG_TAB,
    Contract,
    HeaderError,
    locate_columns,
    parse_roster,
)
from automation.domain.sop import SopError
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


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)  # each stops `run` or a cycle until fixed
    warnings: list[str] = field(default_factory=list)  # each is ignored by `run`, but likely a mistake


def run_checks(config_path: Path) -> CheckResult:
    """Every problem `run` would meet, found without changing anything: the same sentences `run` would say."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return CheckResult([str(exc)])
    result = CheckResult(warnings=list(config.warnings))
    backends = Backends(config)
    try:
        _ = backends.sop
    except SopError as exc:
        result.problems.append(str(exc))
        return result
    files = workspace_problems(config)
    result.problems.extend(files.values())
    try:
        if "register.path" not in files:
            result.problems.extend(_register_problems(backends))
            result.warnings.extend(_workbook_layout(backends))
        result.problems.extend(_asset_problems(backends) + _backend_problems(backends))
    finally:
        backends.close()
    result.problems = list(dict.fromkeys(result.problems))
    return result


def _backend_problems(backends: Backends) -> list[str]:
    """What building the notifier and the publishing adapters would refuse at the start of `run`."""
    try:
        _ = backends.channels, backends.platforms  # built as `run` builds them, each once
    except user_errors() as exc:
        return [str(exc)]
    return []


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
        lock = register.lock()
        if lock is not None:
            problems.append(check_text.register_locked_by(lock.file, lock.holder) if lock.holder
                            else check_text.register_locked(lock.file))
    elif not problems:
        problems = _spreadsheet_problems(backends, register, roster)
    return problems


def _workbook_layout(backends: Backends) -> list[str]:
    """A local register without the dropdowns and formats `setup` gives: worth saying, not stopping for."""
    register = backends.register
    if not isinstance(register, WorkbookRegister):
        return []
    try:
        drift = register.layout_drift()
    except RegisterError:
        return []  # said among the problems already
    return [check_text.workbook_setup_incomplete(drift)] if drift else []


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
