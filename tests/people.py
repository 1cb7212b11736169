"""Acting as the people who use the register: edit the workbook, run the command, read the results."""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from automation.adapters.local.workbook import cell_text
from automation.domain.contract import Contract
from automation.domain.sop import load_sop

CONTRACT = Contract(load_sop())


def status(n: int) -> str:
    return CONTRACT.status(n)


def actor(n: int) -> str:
    return CONTRACT.actor(n)


def waktu(n: int) -> str:
    return CONTRACT.time(n)


@dataclass
class Workspace:
    root: Path

    @property
    def register(self) -> Path:
        return self.root / "register.xlsx"

    @property
    def config(self) -> Path:
        return self.root / "sop-konten.toml"

    # -- the command line ---------------------------------------------------
    def sop_konten(self, *args: str, at: str = "2026-11-30T09:00", check: bool = True,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        full_env = {**os.environ, "SOP_KONTEN_FIXED_TIME": at, **(env or {})}
        result = subprocess.run(
            [sys.executable, "-m", "automation.commands.cli", *args, "--config", str(self.config)],
            capture_output=True, text=True, env=full_env, timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"sop-konten {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def once(self, at: str = "2026-11-30T09:00", process: bool = False, **kwargs) -> str:
        """One cycle through the command's entry point: in this process, or as a real process."""
        if process:
            return self.sop_konten("once", at=at, **kwargs).stdout.strip()
        return self.main("once", at=at)

    def main(self, command: str, at: str = "2026-11-30T09:00") -> str:
        from automation.commands.cli import main

        out = io.StringIO()
        previous = os.environ.get("SOP_KONTEN_FIXED_TIME")
        os.environ["SOP_KONTEN_FIXED_TIME"] = at
        try:
            with contextlib.redirect_stdout(out):
                code = main([command, "--config", str(self.config)])
        finally:
            if previous is None:
                os.environ.pop("SOP_KONTEN_FIXED_TIME", None)
            else:
                os.environ["SOP_KONTEN_FIXED_TIME"] = previous
        self.last_code = code
        return out.getvalue().strip()

    # -- the workbook, as a person edits it -----------------------------------
    def rows(self, tab: str = "Register") -> list[dict[str, str]]:
        wb = openpyxl.load_workbook(self.register)
        ws = wb[tab]
        headers = [str(c.value or "") for c in ws[1]]
        out = []
        for cells in ws.iter_rows(min_row=2):
            values = [cell_text(c.value, c.number_format) for c in cells]  # as the daemon reads them
            if any(values):
                out.append(dict(zip(headers, values, strict=False)))
        return out

    def row(self, item_id: str) -> dict[str, str]:
        matches = [r for r in self.rows() if r["ID"] == item_id]
        assert len(matches) == 1, f"{item_id}: {len(matches)} rows"
        return matches[0]

    def log(self) -> list[dict[str, str]]:
        return self.rows("Log")

    def edit(self, item_id: str | None, values: dict[str, object], tab: str = "Register") -> None:
        """Set cells of the row with this ID (or a new row when item_id is None)."""
        wb = openpyxl.load_workbook(self.register)
        ws = wb[tab]
        headers = [str(c.value or "") for c in ws[1]]
        if item_id is None:
            row = ws.max_row + 1
            while row > 2 and all(c.value in (None, "") for c in ws[row - 1]):
                row -= 1
        else:
            ids = [c.value for c in ws[openpyxl.utils.get_column_letter(headers.index("ID") + 1)]]
            row = ids.index(item_id) + 1
        for header, value in values.items():
            ws.cell(row=row, column=headers.index(header) + 1).value = value
        wb.save(self.register)

    def propose(self, title: str, contributor: str = "rina@kontributor.example", **fields: str) -> None:
        self.edit(None, {"Judul": title, actor(1): contributor, status(1): "Diajukan", **fields})

    # -- what the daemon produced ---------------------------------------------
    def mails(self) -> list[email.message.EmailMessage]:
        out = []
        for path in sorted((self.root / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
            out.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
        return out

    def staff_mails(self) -> list[email.message.EmailMessage]:
        """The office's mails: those to the contributor (receipt, news) left out."""
        return [m for m in self.mails() if "kontributor.example" not in str(m["To"])]

    def advance(self, item_id: str, *moves: tuple[int, str], start_hour: int = 9) -> None:
        """Apply (step, status) moves, one cycle each, a minute apart from `start_hour`:01."""
        for minute, (number, value) in enumerate(moves, start=1):
            self.edit(item_id, {status(number): value})
            self.once(at=f"2026-11-30T{start_hour:02d}:{minute:02d}")

    def folder_stage(self, item_id: str) -> str:
        found = [p.parent.name for p in (self.root / "drive").glob(f"*/{item_id}*") if p.is_dir()]
        assert len(found) == 1, f"{item_id} folders: {found}"
        return found[0]


def make_workspace(root: Path, settle_seconds: int = 0) -> Workspace:
    from automation.commands.workspace import init_workspace

    config = init_workspace(root)
    text = config.read_text(encoding="utf-8").replace("settle_seconds = 5", f"settle_seconds = {settle_seconds}")
    config.write_text(text, encoding="utf-8")
    return Workspace(root)
