"""An office on the Google emulator: a shared register spreadsheet, a roster, a daemon workspace."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from automation.config import DEFAULT_CONFIG
from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.people import actor, status

OWNER = "humas@kominfo.example"
ROSTER = [
    ("Rina Kontributor", "rina@kontributor.example", "Kontributor"),
    ("Dimas Desainer", "dimas@kominfo.example", "Desainer/Editor"),
    ("Sari Tim Konten", "sari@kominfo.example", "Tim Konten"),
    ("Budi Ketua Tim", "budi@kominfo.example", "Ketua Tim Kerja Humas & Publikasi"),
    ("Ratna Kabid IKP", "kabid@kominfo.example", "Kabid IKP"),
    ("Andi Admin Medsos", "andi@kominfo.example", "Admin Medsos"),
]
ACTORS = {2: "sari@kominfo.example", 3: "sari@kominfo.example", 4: "dimas@kominfo.example",
          5: "budi@kominfo.example", 6: "kabid@kominfo.example", 7: "andi@kominfo.example"}


@dataclass
class GoogleOffice:
    emulator: object
    root: Path
    spreadsheet: str

    @property
    def config(self) -> Path:
        return self.root / "sop-konten.toml"

    def main(self, command: str, at: str = "2026-11-30T09:00") -> str:
        from automation.commands.cli import main

        out = io.StringIO()
        os.environ["SOP_KONTEN_FIXED_TIME"] = at
        try:
            with contextlib.redirect_stdout(out):
                self.last_code = main([command, "--config", str(self.config)])
        finally:
            os.environ.pop("SOP_KONTEN_FIXED_TIME", None)
        return out.getvalue().strip()

    def once(self, at: str = "2026-11-30T09:00") -> str:
        return self.main("once", at=at)

    def app(self, at: str = "2026-11-30T09:00"):
        """The daemon as `sop-konten run` builds it, its clock fixed at `at`, for tests that drive its cycles."""
        from automation.bootstrap import build_app
        from automation.config import load_config

        os.environ["SOP_KONTEN_FIXED_TIME"] = at
        try:
            return build_app(load_config(self.config))
        finally:
            os.environ.pop("SOP_KONTEN_FIXED_TIME", None)

    def person(self, email: str):
        return self.emulator.as_person(email)

    def rows(self) -> list[dict[str, str]]:
        values = self.emulator.values(self.spreadsheet, "Register")
        headers = [str(h) for h in values[0]]
        return [{h: str(v) for h, v in zip(headers, row + [""] * (len(headers) - len(row)), strict=False)}
                for row in values[1:] if any(str(v) for v in row)]

    def row(self, item_id: str) -> dict[str, str]:
        (found,) = [r for r in self.rows() if r["ID"] == item_id]
        return found

    def row_number(self, item_id: str) -> int:
        ids = [str(r[0]) if r else "" for r in self.emulator.values(self.spreadsheet, "Register")]
        return ids.index(item_id) + 1

    def log(self) -> list[list[str]]:
        return [[str(v) for v in r] for r in self.emulator.values(self.spreadsheet, "Log")[1:]]

    def propose(self, title: str, contributor: str = "rina@kontributor.example", **fields: str) -> int:
        return self.person(contributor).append_row(self.spreadsheet, "Register", {
            "Judul": title, actor(1): contributor, status(1): "Diajukan", **fields})

    def decide(self, item_id: str, step: int, value: str, who: str | None = None,
               reason: str = "Perlu diperbaiki.") -> None:
        person = self.person(who or ACTORS[step])
        if value in ("Revisi", "Ditolak"):  # these decisions wait for a reason in Catatan Petugas
            person.set_cell(self.spreadsheet, (self.row_number(item_id), "Catatan Petugas"), reason, sheet="Register")
        person.set_cell(self.spreadsheet, (self.row_number(item_id), status(step)), value, sheet="Register")


SENDER = "sop-konten@kominfo.example"


class MemoryState:
    """The journal's key-value meta table, in memory: what the Google adapters keep between polls."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get_meta(self, key: str) -> str | None:
        return self.values.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self.values[key] = value


def make_office(emulator, key_path: Path, root: Path, *, extra: str = "", drive: bool = False,
                gmail: bool = False) -> GoogleOffice:
    spreadsheet = emulator.create_spreadsheet("Register Konten IKP", OWNER, sheets=["Register"],
                                              shared_with={DAEMON_EMAIL: "writer"},
                                              locale="id_ID", time_zone="Asia/Jakarta")  # as an office's owner has it
    root.mkdir(parents=True, exist_ok=True)
    config = DEFAULT_CONFIG.replace('backend = "workbook"', 'backend = "sheets"')
    if drive:
        folder = emulator.create_folder("Konten IKP", OWNER, shared_with={DAEMON_EMAIL: "writer"})
        config = config.replace('backend = "folders"', 'backend = "drive"')
        config = config.replace('# root_folder = ""', f'root_folder = "{folder}"')
        config = config.replace("# intake_seconds = 300", "intake_seconds = 0")
    if gmail:
        config = config.replace('backend = "outbox"', 'backend = "gmail"')
        config = config.replace('sender = "sop-konten <sop-konten@localhost>"', f'sender = "sop-konten <{SENDER}>"')
    config = config.replace('# spreadsheet = ""', f'spreadsheet = "{spreadsheet}"')
    config = config.replace('key_file = ""', f'key_file = "{key_path}"')
    config = config.replace('api_base = ""', f'api_base = "{emulator.base_url}"')
    config = config.replace("settle_seconds = 5", "settle_seconds = 0") + extra
    (root / "sop-konten.toml").write_text(config, encoding="utf-8")
    office = GoogleOffice(emulator, root, spreadsheet)
    office.root_folder = folder if drive else ""
    office.main("setup")
    owner = emulator.as_person(OWNER)
    for name, email, role in ROSTER:
        emulator.share(spreadsheet, email, "writer")
        owner.append_row(spreadsheet, "Petugas", {"Nama": name, "Email": email, "Peran": role, "Aktif": "Ya"})
    office.main("setup")  # protections for the roster just entered
    return office
