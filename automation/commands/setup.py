"""`sop-konten setup`: make the configured register and folders ready; safe to run again."""

from __future__ import annotations

from pathlib import Path

from automation.adapters.local.workbook import WorkbookRegister
from automation.bootstrap import Backends
from automation.config import load_config
from automation.domain.contract import Contract, parse_roster
from automation.domain.texts import check as check_text


def run_setup(config_path: Path) -> list[str]:
    config = load_config(config_path)
    backends = Backends(config)
    sop = backends.sop
    lines: list[str] = []
    try:
        if backends.uses_sheets:
            lines += _setup_sheets(backends)
        if backends.uses_drive:
            backends.assets.ensure_stages(sop.stages)
            lines.append(check_text.drive_stages_ready(len(sop.stages)))
    finally:
        backends.close()
    if not backends.uses_sheets:
        from automation.commands.workspace import init_workspace

        existed = config.register_path.exists()
        init_workspace(config.base, sop)
        lines.append(check_text.local_register_ready(config.register_path))
        if existed:  # a new workbook is laid out when created; an existing one is brought up to date in place
            changes = WorkbookRegister(config.register_path, contract=Contract(sop)).set_up()
            lines += [check_text.changed(c) for c in changes] or [check_text.WORKBOOK_UP_TO_DATE]
    return lines


def _setup_sheets(backends: Backends) -> list[str]:
    from automation.adapters.google import setup as setup_google

    register = backends.sheets_register
    spreadsheet = register.spreadsheet_unchecked()
    plan = setup_google.plan_setup(spreadsheet, Contract(backends.sop), _roster(register, backends.sop),
                                   backends.google.account, backends.config.timezone)
    if not plan:
        return [check_text.SPREADSHEET_UP_TO_DATE]
    setup_google.apply(spreadsheet, plan)
    return [check_text.changed(change) for change in plan.changes]


def _roster(register, sop):
    from gspread.exceptions import APIError

    from automation.adapters.google.ranges import quoted
    from automation.domain.contract import ROSTER_HEADERS, ROSTER_TAB
    from automation.ports import Table

    try:
        answer = register.spreadsheet_unchecked().values_batch_get([quoted(ROSTER_TAB)])
    except APIError:
        return parse_roster(Table(ROSTER_HEADERS, ()), sop)[0]  # no roster tab yet: setup adds it
    values = answer["valueRanges"][0].get("values", [])
    if not values:
        return parse_roster(Table(ROSTER_HEADERS, ()), sop)[0]
    headers = tuple(str(h).strip() for h in values[0])
    if not all(h in headers for h in ROSTER_HEADERS):
        return parse_roster(Table(ROSTER_HEADERS, ()), sop)[0]
    width = len(headers)
    rows = tuple(tuple((list(map(str, r)) + [""] * width)[:width]) for r in values[1:])
    return parse_roster(Table(headers, rows), sop)[0]
