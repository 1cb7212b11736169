"""`sop-konten check`: every problem that would stop the daemon, each named."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.local.workbook import WorkbookRegister
from automation.bootstrap import Backends, user_errors, workspace_problems
from automation.config import ConfigError, io_reason, load_config
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
from automation.domain.texts import google as google_text
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
    facts: list[str] = field(default_factory=list)  # who the daemon is on Google and what it reaches


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
        if _uses_google(config):
            _identity(backends, result)
        if "register.path" not in files:
            result.problems.extend(_register_problems(backends, result.facts))
            result.warnings.extend(_workbook_layout(backends))
        result.problems.extend(_asset_problems(backends, result.facts) + _backend_problems(backends))
        if config.notify_backend == "gmail":
            _mail_reach(backends, result)
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


def _register_problems(backends: Backends, facts: list[str]) -> list[str]:
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
    else:
        spreadsheet = getattr(register, "spreadsheet", None)
        facts.append(google_text.reach_spreadsheet(getattr(spreadsheet, "title", backends.config.google.spreadsheet),
                                                   backends.google.account))
        if not problems:
            problems = _spreadsheet_problems(backends, register, roster)
    return problems


def _workbook_layout(backends: Backends) -> list[str]:
    """A local register without the dropdowns and formats `setup` gives: worth saying, not stopping for."""
    if backends.uses_sheets:
        return []
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


def _asset_problems(backends: Backends, facts: list[str]) -> list[str]:
    """Whether the asset store may be written, where it can tell without changing anything (Drive)."""
    from automation.adapters.google.client import GoogleAccessError

    try:
        assets = backends.assets
        if isinstance(assets, AccessChecking):
            name = assets.check_access()
            if backends.uses_drive:
                return _drive_reach(backends, name, facts)
    except GoogleAccessError as exc:
        return [str(exc)]
    return []


# --- identity: who the daemon is on Google, what it reaches, what is missing -------------------------

def _uses_google(config) -> bool:
    return (config.register_backend == "sheets" or config.assets_backend == "drive"
            or config.notify_backend == "gmail")


def _identity(backends: Backends, result: CheckResult) -> None:
    from automation.adapters.google import auth
    from automation.adapters.google.client import GoogleAccessError

    try:
        identity = backends.google.identity
    except GoogleAccessError as exc:
        result.problems.append(str(exc))
        return
    if identity.kind == auth.USER:
        result.facts.append(google_text.identity_user(identity.email, identity.source))
        if auth.readable_by_others(identity.source):
            result.problems.append(google_text.token_file_open(identity.source))
        if identity.refresh_expires_at:
            result.warnings.append(google_text.refresh_token_expires(identity.email, identity.refresh_expires_at))
    elif identity.kind == auth.DELEGATED:
        result.facts.append(google_text.identity_delegated(identity.service_account, identity.email, identity.source))
    else:
        result.facts.append(google_text.identity_service_account(identity.email, identity.source))


def _drive_reach(backends: Backends, name: str, facts: list[str]) -> list[str]:
    """A shared drive is the safe home for the folders; My Drive only with an identity that has storage."""
    identity = backends.google.identity
    in_shared_drive = bool(backends.config.google.shared_drive)
    if not in_shared_drive and not identity.has_drive_storage:
        return [google_text.my_drive_with_service_account(identity.email)]
    where = google_text.SHARED_DRIVE if in_shared_drive else google_text.MY_DRIVE
    facts.append(google_text.reach_folder(name, where, identity.email))
    return []


def _mail_reach(backends: Backends, result: CheckResult) -> None:
    from automation.adapters.google.auth import SERVICE_ACCOUNT
    from automation.adapters.google.client import GoogleAccessError
    from automation.adapters.google.gmail import GmailNotifier
    from automation.adapters.notify.smtp import NotificationError

    try:
        gmail = backends.email
        if not isinstance(gmail, GmailNotifier):
            return
        gmail.check_access()
    except (NotificationError, GoogleAccessError) as exc:
        result.problems.append(str(exc))
        return
    identity = backends.google.identity
    result.facts.append(google_text.reach_gmail(identity.email, gmail.mailbox))
    if identity.kind != SERVICE_ACCOUNT and gmail.mailbox.lower() != gmail.address.lower():
        result.warnings.append(google_text.sender_differs(gmail.address, gmail.mailbox))


# --- `check --kirim-uji`: one test message through the configured mail path ------------------------

def send_test_message(config_path: Path, address: str | None, now: float | None = None) -> tuple[bool, str]:
    """(sent, the sentence saying so); the message goes through the e-mail path alone, not the other channels."""
    import time

    from automation.adapters.google.client import GoogleAccessError
    from automation.adapters.notify.smtp import NotificationError
    from automation.domain.texts import cli as cli_text
    from automation.ports import Message

    config = load_config(config_path)
    to = address or config.operator_email
    path = cli_text.MAIL_PATHS.get(config.notify_backend, config.notify_backend)
    stamp = int(time.time() if now is None else now)
    message = Message(key=f"uji-kirim:{stamp}", to=to, to_name="", subject=cli_text.TEST_MAIL_SUBJECT,
                      body=cli_text.test_mail_body(path, config.path))
    backends = Backends(config)
    try:
        backends.email.send(message)
    except (NotificationError, GoogleAccessError, ConfigError) as exc:
        return False, cli_text.test_mail_failed(to, path, exc)
    except OSError as exc:  # the outbox folder
        return False, cli_text.test_mail_failed(to, path, io_reason(exc))
    finally:
        backends.close()
    return True, cli_text.test_mail_sent(to, path)
