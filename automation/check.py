"""`sop-konten check`: every problem that would stop the daemon, each named."""

from __future__ import annotations

from pathlib import Path

from automation.config import ConfigError, load_config
from automation.contract import LOG_HEADERS, LOG_TAB, Contract, HeaderError, locate_columns, parse_roster
from automation.ports import RegisterError
from automation.sop import SopError, load_sop
from automation.workbook import WorkbookRegister


def run_checks(config_path: Path) -> list[str]:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [str(exc)]
    try:
        sop = load_sop(config.sop)
    except SopError as exc:
        return [str(exc)]
    problems: list[str] = []
    register = WorkbookRegister(config.register_path)
    try:
        snapshot = register.read()
    except RegisterError as exc:
        return [str(exc)]
    try:
        Contract(sop).column_map(snapshot.register)
    except HeaderError as exc:
        problems.append(str(exc))
    try:
        _, roster_problems = parse_roster(snapshot.roster, sop)
        problems.extend(roster_problems)
    except HeaderError as exc:
        problems.append(str(exc))
    try:
        log_headers = register.log_headers()
        locate_columns(log_headers, LOG_HEADERS, LOG_TAB)
    except HeaderError as exc:
        problems.append(str(exc))
    except RegisterError as exc:
        problems.append(str(exc))
    lock = register.is_locked()
    if lock:
        problems.append(f"Register sedang dibuka di aplikasi lain ({lock}); sistem menunggu sampai ditutup.")
    return problems
