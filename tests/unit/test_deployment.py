"""The deployment files in deploy/: the systemd unit verifies, the container image definition keeps its rules.

No container engine is needed (nor hadolint): the Containerfile is parsed here and its rules checked one by one.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "sop-konten.service"
BACKUP_UNIT = ROOT / "deploy" / "sop-konten-backup.service"
UNITS = sorted([*(ROOT / "deploy").glob("*.service"), *(ROOT / "deploy").glob("*.timer")])
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
OPERATIONS = ROOT / "docs" / "operations.md"
INSTALLED_COMMAND = "/opt/sop-konten/bin/sop-konten"  # where docs/operations.md installs the program
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY", re.IGNORECASE)


# -- the systemd unit ---------------------------------------------------------------------------------

def unit(path: Path = UNIT) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def verify(tmp_path: Path, changed: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`systemd-analyze verify` on every unit of deploy/ (the timer needs its service beside it), with the
    program where the units expect it: a stand-in executable.

    verify refuses a unit whose ExecStart is not executable on this machine; the stand-in is the only change
    (besides `changed`: unit name -> its text, for the test that the verification can fail)."""
    stand_in = tmp_path / "opt" / "sop-konten" / "bin" / "sop-konten"
    stand_in.parent.mkdir(parents=True)
    stand_in.write_text("#!/bin/sh\n", encoding="utf-8")
    stand_in.chmod(0o755)
    copies = []
    for path in UNITS:
        text = (changed or {}).get(path.name, path.read_text(encoding="utf-8"))
        copy = tmp_path / path.name
        copy.write_text(text.replace(INSTALLED_COMMAND, str(stand_in)), encoding="utf-8")
        copies.append(str(copy))
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *copies], capture_output=True, text=True,
                          timeout=60)


needs_systemd_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                           reason="systemd-analyze is not installed on this machine")


@needs_systemd_analyze
def test_the_systemd_units_verify_without_a_warning(tmp_path):
    assert [p.name for p in UNITS] == ["sop-konten-backup.service", "sop-konten-backup.timer", "sop-konten.service"]
    result = verify(tmp_path)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@needs_systemd_analyze
def test_the_verification_sees_a_misspelled_key(tmp_path):
    text = UNIT.read_text(encoding="utf-8").replace("\nRestart=always", "\nRestartt=always")
    assert "Unknown key" in verify(tmp_path, {UNIT.name: text}).stderr


def test_the_unit_runs_the_daemon_as_its_own_user_on_its_workspace_and_always_restarts():
    service = unit()["Service"]
    assert shlex.split(service["ExecStart"]) == [INSTALLED_COMMAND, "run"]
    assert service["User"] not in ("", "root", "0")
    workspace = Path("/var/lib") / service["StateDirectory"]
    assert service["WorkingDirectory"] == str(workspace)
    environment = dict(shlex.split(line)[0].split("=", 1) for line in _all(UNIT, "Environment"))
    assert Path(environment["SOP_KONTEN_CONFIG"]).parent == workspace
    assert service["Restart"] == "always" and unit()["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert not any(SECRET_NAME.search(name) for name in environment)  # secrets come from the EnvironmentFile


def test_the_backup_unit_backs_up_the_daemons_workspace_into_its_own_folder_and_keeps_some():
    daemon, backup = unit()["Service"], unit(BACKUP_UNIT)["Service"]
    assert (backup["User"], backup["WorkingDirectory"]) == (daemon["User"], daemon["WorkingDirectory"])
    assert _all(BACKUP_UNIT, "Environment") == [line for line in _all(UNIT, "Environment")
                                                if line.startswith("SOP_KONTEN_CONFIG=")]
    command = shlex.split(backup["ExecStart"])
    assert command[:2] == [INSTALLED_COMMAND, "backup"]
    assert Path(command[2]).name in backup["StateDirectory"].split()  # created and owned by systemd
    assert command[3] == "--keep" and int(command[4]) >= 7


def test_the_documented_install_matches_the_unit():
    docs = OPERATIONS.read_text(encoding="utf-8")
    assert INSTALLED_COMMAND in docs and "deploy/sop-konten.service" in docs
    assert unit()["Service"]["EnvironmentFile"].lstrip("-") in docs


def _all(path: Path, key: str) -> list[str]:
    """Every value of a key that may repeat (configparser keeps only the last)."""
    return [line.split("=", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"{key}=")]


# -- the container image definition ---------------------------------------------------------------------

KNOWN_INSTRUCTIONS = {"FROM", "ARG", "ENV", "RUN", "COPY", "ADD", "WORKDIR", "USER", "VOLUME", "EXPOSE",
                      "HEALTHCHECK", "ENTRYPOINT", "CMD", "LABEL", "STOPSIGNAL", "SHELL", "ONBUILD"}


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, continuation lines joined."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        logical.append(current.strip())
        current = ""
    assert not current, "the Containerfile ends inside a continued line"
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "") for parts in (s.split(None, 1) for s in logical)]


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (name, _) in enumerate(steps) if name == "FROM")
    return steps[last_from:]


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)  # the exec form: a JSON array, so no shell stands between
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def env_of(steps: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, arguments in steps:
        if name == "ENV":
            for pair in shlex.split(arguments):
                key, _, value = pair.partition("=")
                found[key] = value
    return found


STEPS = instructions(CONTAINERFILE.read_text(encoding="utf-8"))


def test_every_instruction_is_known():
    unknown = [name for name, _ in STEPS if name not in KNOWN_INSTRUCTIONS]
    assert not unknown


def test_the_base_image_is_pinned_to_a_patch_release():
    args = {}
    for name, arguments in STEPS:
        if name == "ARG" and "=" in arguments:
            key, value = arguments.split("=", 1)
            args[key] = value
    images = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], arguments.split()[0])
              for name, arguments in STEPS if name == "FROM"]
    assert images
    for image in images:
        if image in {arguments.split()[-1] for name, arguments in STEPS if name == "FROM" and " AS " in arguments}:
            continue  # a stage of this file
        tag = image.rsplit("@", 1)[0].rsplit(":", 1)[-1]
        assert "@sha256:" in image or re.match(r"\d+\.\d+\.\d+-", tag), f"{image}: not pinned"


def test_the_image_runs_as_an_unprivileged_user():
    users = [arguments for name, arguments in final_stage(STEPS) if name == "USER"]
    assert users, "no USER in the final stage: the daemon would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_the_workspace_is_a_volume_and_the_configuration_is_on_it():
    stage = final_stage(STEPS)
    volumes = [v for name, arguments in stage if name == "VOLUME" for v in exec_form(arguments)]
    config = Path(env_of(stage)["SOP_KONTEN_CONFIG"])
    assert str(config.parent) in volumes
    assert [arguments for name, arguments in stage if name == "WORKDIR"][-1] == str(config.parent)


def test_the_health_check_is_the_status_command():
    checks = [arguments for name, arguments in final_stage(STEPS) if name == "HEALTHCHECK"]
    assert len(checks) == 1
    options, _, command = checks[0].partition(" CMD ")
    assert exec_form(command) == ["sop-konten", "status"]
    assert "--start-period=" in options  # the first cycle may take a while: no failure counted before it


def test_the_image_starts_the_daemon():
    stage = final_stage(STEPS)
    entrypoint = [exec_form(a) for n, a in stage if n == "ENTRYPOINT"][-1]
    command = [exec_form(a) for n, a in stage if n == "CMD"][-1]
    assert entrypoint + command == ["sop-konten", "run"]


def test_no_secret_is_built_into_the_image():
    for name, arguments in STEPS:
        if name in ("ENV", "ARG"):
            keys = [pair.partition("=")[0] for pair in shlex.split(arguments)]
            assert not any(SECRET_NAME.search(key) for key in keys), arguments
        if name in ("COPY", "ADD") and "--from=" not in arguments:  # --from: a file of an earlier stage
            sources = [part for part in shlex.split(arguments)[:-1] if not part.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"{source}: not in the repository"
                assert not re.search(r"\.(json|env|pem|key)$|token|secret", source, re.IGNORECASE), source
    assert not any(name == "ADD" for name, _ in STEPS)  # COPY only: ADD would fetch URLs and unpack archives


def test_the_build_context_holds_only_what_the_image_copies():
    ignore = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert ignore[0] == "*"  # everything out (tests, .git, a workspace with secrets), then what is needed back in
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = {part.rstrip("/") for name, arguments in STEPS if name == "COPY" and "--from" not in arguments
              for part in shlex.split(arguments)[:-1]}
    assert copied == allowed


def test_the_image_copies_what_installing_the_package_needs():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    copied = {part.rstrip("/") for name, arguments in STEPS if name == "COPY" and "--from" not in arguments
              for part in shlex.split(arguments)[:-1]}
    packages = {pattern.rstrip("*") for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert {"pyproject.toml", project["project"]["readme"], *packages} <= copied
    installs = [arguments for name, arguments in STEPS if name == "RUN" and "pip install" in arguments]
    extras = set(re.findall(r'"\.\[([\w,]+)\]"', installs[0])[0].split(","))
    assert extras <= set(project["project"]["optional-dependencies"]) and "test" not in extras


def test_the_parser_sees_what_these_rules_check():
    """The checks above would pass on nothing: the parser must find a user, a volume and a health check."""
    steps = instructions('FROM x:1.2.3-slim\nUSER 0\nHEALTHCHECK --interval=1m \\\n  CMD ["true"]\n')
    assert steps == [("FROM", "x:1.2.3-slim"), ("USER", "0"), ("HEALTHCHECK", '--interval=1m    CMD ["true"]')]
