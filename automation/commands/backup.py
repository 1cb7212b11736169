"""`sop-konten backup`: a consistent copy of what a workspace cannot rebuild, made while the daemon runs.

The SQLite files (the journal; the delivery ledger and the digest queue when configured) are copied with
SQLite's online backup API from a read-only connection: one snapshot of a single transaction, whatever the
daemon writes meanwhile. The other files (the configuration, the SOP file, a local register workbook) are
replaced only by rename, so reading each once gives one whole version. Secrets (the service-account key,
OAuth and platform token files) stay out unless asked for. The backup is assembled under a hidden name and
renamed into place, so a backup that is there is complete; `cadangan.json` lists every file, where it came
from and its SHA-256, and what the check of the journal's copy found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from automation import __version__
from automation.config import Config
from automation.domain.texts import cli as cli_text
from automation.domain.texts import operations as ops_text
from automation.service.journal import ChainCheck, Journal

BACKUP_PREFIX = "sop-konten-cadangan-"  # a backup folder's name: this, then the time (YYYYMMDD-HHMMSS)
DEFAULT_FOLDER = "cadangan"  # under the workspace when no target is given
MANIFEST = "cadangan.json"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
OUTSIDE = "_luar"  # files configured outside the workspace folder keep only their name, under this folder
SECRETS = "_rahasia"  # secret files, when asked for, under this folder
FILE_MODE, FOLDER_MODE = 0o600, 0o700  # the journal names people and holds their addresses


class BackupError(Exception):
    """A backup that cannot be made as asked; the message is one sentence for the operator."""


@dataclass(frozen=True)
class Backup:
    where: Path
    files: tuple[str, ...]  # names inside the backup
    integrity: str  # PRAGMA integrity_check of the journal's copy: "ok" when whole
    chain: ChainCheck
    secrets_left_out: int = 0
    removed: tuple[Path, ...] = field(default=())  # older backups pruned by `keep`
    kept: int = 0

    @property
    def sound(self) -> bool:
        return self.integrity == "ok" and self.chain.broken is None

    def lines(self) -> list[str]:
        """What `backup` prints: the files, what the check of the journal's copy found, what was left out."""
        lines = [ops_text.backup_made(self.where, len(self.files)), *map(ops_text.backup_file, self.files)]
        if self.integrity != "ok":
            lines.append(ops_text.backup_journal_damaged(self.integrity))
        elif self.chain.broken is None:
            lines.append(ops_text.backup_journal_ok(self.chain.count))
        else:
            b = self.chain.broken
            lines.append(cli_text.audit_broken(b.no, b.item_id, b.at, b.reason, b.intact_until))
        if self.secrets_left_out:
            lines.append(ops_text.backup_secrets_left_out(self.secrets_left_out))
        if self.removed:
            lines.append(ops_text.backups_removed(len(self.removed), self.kept))
        return lines


def keep_count(text: str) -> int:
    """The value of --keep: a whole number of backups, at least one."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(ops_text.KEEP_AT_LEAST_ONE)
    return int(text)


def make_backup(config: Config, now: datetime, target: Path | None = None, with_secrets: bool = False,
                keep: int = 0) -> Backup:
    if not config.journal.is_file():
        raise BackupError(cli_text.journal_not_found(config.journal))
    target = Path(target) if target is not None else config.base / DEFAULT_FOLDER
    archive = target.name.endswith(ARCHIVE_SUFFIXES)
    if archive:
        if target.exists():
            raise BackupError(ops_text.backup_exists(target))
        folder = target.parent
        name = target.name.removesuffix(next(s for s in ARCHIVE_SUFFIXES if target.name.endswith(s)))
    else:
        if target.exists() and not target.is_dir():
            raise BackupError(ops_text.backup_target_is_file(target))
        folder = target
        name = _free_name(target, BACKUP_PREFIX + now.strftime("%Y%m%d-%H%M%S"))
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=folder))
    try:
        built = _assemble(config, staging / name, now, with_secrets)
        if archive:
            where = _archive(staging / name, target)
        else:
            where = target / name
            os.replace(staging / name, where)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    removed = _prune(target, keep) if keep and not archive else ()
    return Backup(where, built.files, built.integrity, built.chain, built.secrets_left_out, removed, keep)


@dataclass(frozen=True)
class _Built:
    files: tuple[str, ...]
    integrity: str
    chain: ChainCheck
    secrets_left_out: int


def _assemble(config: Config, root: Path, now: datetime, with_secrets: bool) -> _Built:
    root.mkdir(mode=FOLDER_MODE)
    entries: list[dict[str, str]] = []

    def add(source: Path, name: str, copy) -> None:
        destination = root / name
        destination.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        copy(source, destination)
        os.chmod(destination, FILE_MODE)
        entries.append({"name": name, "from": str(source.resolve()), "sha256": _sha256(destination)})

    for database in _databases(config):
        add(database, _name_in_backup(config, database), _copy_database)
    for path in _plain_files(config):
        add(path, _name_in_backup(config, path), shutil.copyfile)
    secrets = _secret_files(config)
    if with_secrets:
        for path in secrets:
            add(path, f"{SECRETS}/{path.name}", shutil.copyfile)

    journal_copy = root / _name_in_backup(config, config.journal)
    integrity, chain = _check_journal(journal_copy)
    manifest = {
        "program": "sop-konten", "version": __version__, "made_at": now.isoformat(),
        "workspace": str(config.base), "config": str(config.path.resolve()),
        "journal": {"name": journal_copy.relative_to(root).as_posix(), "integrity_check": integrity,
                    "events": chain.count, "chain_intact": chain.broken is None},
        "secrets_included": with_secrets, "files": entries,
    }
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.chmod(root / MANIFEST, FILE_MODE)
    return _Built(tuple(entry["name"] for entry in entries), integrity, chain,
                  0 if with_secrets else len(secrets))


def _databases(config: Config) -> list[Path]:
    """The journal, and the other SQLite files that keep `nothing twice` true when they exist."""
    from automation.bootstrap import delivery_ledger_path, digest_store_path  # here: `--help` stays quick

    optional = [delivery_ledger_path(config), digest_store_path(config)]
    return [config.journal, *(path for path in optional if path.is_file())]


def _plain_files(config: Config) -> list[Path]:
    files = [config.path]
    if config.sop is not None:
        files.append(config.sop)
    if config.register_backend == "workbook" and config.register_path.is_file():
        files.append(config.register_path)  # on Google the register lives in the spreadsheet's own history
    return files


def _secret_files(config: Config) -> list[Path]:
    """The files holding secrets the configuration names, those that exist."""
    from automation.adapters.social.base import PLATFORM_NAMES, TokenSource

    found: list[Path | None] = [config.google.key_file]
    # the OAuth client and refresh token of a signed-in user, when this configuration has them
    found += [getattr(config.google, name, None) for name in ("client_secrets", "token_file")]
    publish = config.raw.get("publish", {})
    for platform in PLATFORM_NAMES:
        table = publish.get(platform)
        if isinstance(table, dict):
            found.append(TokenSource(platform, table, "", config.base).file)
    unique = {path.resolve(): path for path in found if isinstance(path, Path) and path.is_file()}
    return sorted(unique.values())


def _name_in_backup(config: Config, path: Path) -> str:
    """Where a file is in the workspace, so that restoring is copying back; outside it, its name only."""
    try:
        return path.resolve().relative_to(config.base).as_posix()
    except ValueError:
        return f"{OUTSIDE}/{path.name}"


def _copy_database(source: Path, destination: Path) -> None:
    # read-only: a backup never creates, migrates or locks the daemon's files for writing
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(destination)
        try:
            reader.backup(copy)  # all pages in one step: one snapshot, even while the daemon commits
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        reader.close()


def _check_journal(path: Path) -> tuple[str, ChainCheck]:
    journal = Journal.read_only(path)
    try:
        rows = journal.db.execute("PRAGMA integrity_check").fetchall()
        integrity = "; ".join(str(row[0]) for row in rows)
        return integrity, journal.verify_chain()
    finally:
        journal.close()


def _archive(folder: Path, target: Path) -> Path:
    partial = target.with_name(f".{target.name}.tmp")
    try:
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        os.chmod(partial, FILE_MODE)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _free_name(folder: Path, name: str) -> str:
    """Two backups in the same second get distinct names."""
    candidate, number = name, 1
    while (folder / candidate).exists():
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _prune(folder: Path, keep: int) -> tuple[Path, ...]:
    """Keep the newest `keep` backup folders (their names sort by time); only this command's own folders."""
    backups = sorted((p for p in folder.iterdir() if p.is_dir() and p.name.startswith(BACKUP_PREFIX)
                      and (p / MANIFEST).is_file()), key=lambda p: p.name)
    old = backups[:-keep]
    for path in old:
        shutil.rmtree(path)
    return tuple(old)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
