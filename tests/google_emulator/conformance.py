"""Replay recorded Google traffic (gspread's vcrpy cassettes) against the emulator.

Run ``python -m tests.google_emulator.conformance [-v] [FOLDER]`` for the figures. The cassettes are
``cassettes/gspread.tar.xz`` beside this file (see its README); FOLDER replays a folder of *.json instead.

Scope rule (per interaction):
  IN scope:  Sheets ``spreadsheets.get`` (any fields/ranges), ``spreadsheets.batchUpdate``,
             ``values`` get/update/append/clear/batchGet/batchUpdate/batchClear;
             Drive v3 ``files`` create (metadata), get (metadata), list, copy, delete, and
             ``comments`` list.
  OUT of scope: Drive ``files/{id}/export`` (file conversion), Drive v2 uploads, and a
             batchUpdate containing ``autoResizeDimensions`` (pixel widths come from font metrics).
  A cassette is EXCLUDED whole when an out-of-scope interaction changes state that later
  in-scope interactions read (upload, autoResize), or when it depends on files that existed in
  the recording account before the test (openall: lists and opens them).

Normalisation when comparing a response (status must be equal; JSON bodies must be equal after):
  * ids the emulator generated are mapped back to the recorded ones: spreadsheet/file ids (also
    inside strings such as spreadsheetUrl) and the numeric ``sheetId``, ``protectedRangeId``,
    ``namedRangeId`` and ``metadataId`` values (learnt from the first answer that carries them);
  * the values of ``createdTime``, ``modifiedTime`` and ``time`` are ignored;
  * a recorded spreadsheet id never created in the cassette (a 40+ character id) is replayed as
    a spreadsheet owned by another account and not shared (Google's 403 case); other unknown
    ids (``test``) are sent as they are (404).
  The replay account is registered with the recorded e-mail, so e-mails need no mapping.
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from .server import GoogleEmulator

RECORDED_ACCOUNT = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
STRANGER = "someone-else@example.com"
ID_KEYS = ("sheetId", "protectedRangeId", "namedRangeId", "metadataId")
TIME_KEYS = ("createdTime", "modifiedTime", "time")
LONG_ID = re.compile(r"[A-Za-z0-9_-]{40,}")

EXCLUDED = {
    "ClientTest.test_import_csv": "Drive v2 upload (out of scope) replaces the content the test then reads",
    "WorksheetTest.test_auto_resize_columns": "autoResizeDimensions sets pixel widths (font metrics) read later",
    "ClientTest.test_openall": "lists and opens spreadsheets that existed in the recording account",
    "ClientTest.test_open_all_has_metadata": "lists and opens spreadsheets that existed in the recording account",
}


CASSETTES = Path(__file__).resolve().parent / "cassettes" / "gspread.tar.xz"


def read_cassettes(source: Path = CASSETTES) -> list[tuple[str, list[dict[str, Any]]]]:
    """(test name, interactions) per cassette, sorted by name, from the archive or a folder of *.json."""
    if source.is_dir():
        files = {path.stem: path.read_bytes() for path in source.glob("*.json")}
    else:
        with tarfile.open(source, "r:xz") as archive:
            files = {Path(member.name).stem: archive.extractfile(member).read()  # type: ignore[union-attr]
                     for member in archive.getmembers() if member.isfile() and member.name.endswith(".json")}
    return [(name, json.loads(files[name])["interactions"]) for name in sorted(files)]


def out_of_scope(method: str, url: str, body: str | None) -> str | None:
    path = urllib.parse.urlsplit(url).path
    if "/upload/drive/v2/" in path:
        return "Drive v2 upload"
    if path.startswith("/drive/v3/files/") and path.endswith("/export"):
        return "Drive files/export"
    if path.endswith(":batchUpdate") and body and "autoResizeDimensions" in body:
        return "autoResizeDimensions"
    return None


@dataclass
class Mismatch:
    cassette: str
    index: int
    request: str
    expected_status: int
    actual_status: int
    detail: str


@dataclass
class Report:
    cassettes: int = 0
    cassettes_replayed: int = 0
    interactions: int = 0
    in_scope: int = 0
    matching: int = 0
    excluded: dict[str, str] = field(default_factory=dict)
    excluded_interactions: int = 0
    out_of_scope: dict[str, int] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"cassettes total:        {self.cassettes}",
            f"cassettes replayed:     {self.cassettes_replayed} ({len(self.excluded)} excluded whole, "
            f"{self.excluded_interactions} interactions)",
            f"interactions total:     {self.interactions}",
            f"in scope:               {self.in_scope}",
            f"matching:               {self.matching}",
            "out of scope (in replayed cassettes): "
            + (", ".join(f"{k} x{v}" for k, v in sorted(self.out_of_scope.items())) or "none"),
        ]
        return "\n".join(lines)


class _Ids:
    def __init__(self) -> None:
        self.strings: dict[str, str] = {}  # recorded -> emulated
        self.numbers: dict[str, dict[Any, Any]] = {k: {} for k in ID_KEYS}

    def to_emulated(self, value: Any) -> Any:
        if isinstance(value, str):
            for rec, emu in self.strings.items():
                value = value.replace(rec, emu)
            return value
        if isinstance(value, list):
            return [self.to_emulated(v) for v in value]
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k in ID_KEYS and v in self.numbers[k]:
                    out[k] = self.numbers[k][v]
                else:
                    out[k] = self.to_emulated(v)
            return out
        return value

    def learn(self, recorded: Any, emulated: Any) -> None:
        if isinstance(recorded, dict) and isinstance(emulated, dict):
            for key, value in recorded.items():
                if key not in emulated:
                    continue
                if key in ID_KEYS and not isinstance(value, dict | list):
                    known = self.numbers[key]
                    if value not in known and emulated[key] not in known.values():
                        known[value] = emulated[key]
                else:
                    self.learn(value, emulated[key])
        elif isinstance(recorded, list) and isinstance(emulated, list):
            for a, b in zip(recorded, emulated, strict=False):
                self.learn(a, b)

    def to_recorded(self, value: Any) -> Any:
        if isinstance(value, str):
            for rec, emu in self.strings.items():
                value = value.replace(emu, rec)
            return value
        if isinstance(value, list):
            return [self.to_recorded(v) for v in value]
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                reverse = {e: r for r, e in self.numbers.get(k, {}).items()} if k in ID_KEYS else {}
                out[k] = reverse.get(v, v) if k in ID_KEYS and not isinstance(v, dict | list) else self.to_recorded(v)
            return out
        return value


def _blank_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<time>" if k in TIME_KEYS and isinstance(v, str) else _blank_times(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_times(v) for v in value]
    return value


def _first_difference(a: Any, b: Any, path: str = "$") -> str:
    if type(a) is not type(b):
        return f"{path}: expected {json.dumps(a)[:200]} got {json.dumps(b)[:200]}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in b:
                return f"{path}.{key}: missing (expected {json.dumps(a[key])[:200]})"
            if key not in a:
                return f"{path}.{key}: unexpected {json.dumps(b[key])[:200]}"
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: expected {len(a)} items got {len(b)}: {json.dumps(b)[:300]}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: expected {json.dumps(a)[:200]} got {json.dumps(b)[:200]}"


class Replayer:
    def __init__(self, emulator: GoogleEmulator):
        self.emulator = emulator
        self.http = requests.Session()
        self.http.trust_env = False  # local server: no proxies from the environment
        key = emulator.service_account_key(RECORDED_ACCOUNT)
        creds = service_account.Credentials.from_service_account_info(
            key, scopes=["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"])
        creds.refresh(Request())  # the real google-auth token flow, once
        self.token = creds.token

    def _setup(self) -> tuple[str, str]:
        self.emulator.reset(keep_authority=True)
        foreign = self.emulator.create_spreadsheet("Private", STRANGER)
        return self.token, foreign

    def replay(self, name: str, interactions: list[dict[str, Any]], report: Report) -> None:
        token, foreign = self._setup()
        ids = _Ids()
        created: set[str] = set()
        for i, it in enumerate(interactions):
            req, res = it["request"], it["response"]
            body = req.get("body")
            if isinstance(body, bytes):
                body = body.decode("utf-8")
            reason = out_of_scope(req["method"], req["uri"], body)
            if reason:
                report.out_of_scope[reason] = report.out_of_scope.get(reason, 0) + 1
                continue
            report.in_scope += 1
            for found in LONG_ID.findall(req["uri"]):
                if found not in ids.strings and found not in created:
                    ids.strings[found] = foreign
            parts = urllib.parse.urlsplit(req["uri"])
            url = self.emulator.base_url.rstrip("/") + ids.to_emulated(parts.path)
            if parts.query:
                url += "?" + ids.to_emulated(parts.query)
            data = None
            if body:
                try:
                    data = json.dumps(ids.to_emulated(json.loads(body))).encode()
                except ValueError:
                    data = ids.to_emulated(body).encode()
            headers = {k: v[0] for k, v in req.get("headers", {}).items()
                       if k.lower() in ("content-type", "accept")}
            headers["Authorization"] = f"Bearer {token}"
            answer = self.http.request(req["method"], url, data=data, headers=headers)
            expected_text = res["body"]["string"] or ""
            expected = json.loads(expected_text) if expected_text.strip() else None
            actual = answer.json() if answer.content.strip() else None
            creates = parts.path == "/drive/v3/files" or parts.path.endswith("/copy")
            if (req["method"] == "POST" and creates and isinstance(expected, dict)
                    and isinstance(actual, dict) and "id" in expected and "id" in actual):
                ids.strings[expected["id"]] = actual["id"]
                created.add(expected["id"])
            ids.learn(expected, actual)
            actual_norm = _blank_times(ids.to_recorded(actual))
            expected_norm = _blank_times(expected)
            status_ok = answer.status_code == res["status"]["code"]
            if status_ok and actual_norm == expected_norm:
                report.matching += 1
            else:
                detail = "" if actual_norm == expected_norm else _first_difference(expected_norm, actual_norm)
                report.mismatches.append(Mismatch(name, i, f"{req['method']} {urllib.parse.unquote(req['uri'])}",
                                                  res["status"]["code"], answer.status_code, detail))


def run(source: Path = CASSETTES) -> Report:
    """Replay every cassette of ``source`` (the archive in the repository, or a folder of *.json)."""
    report = Report()
    cassettes = read_cassettes(source)
    emulator = GoogleEmulator().start()
    try:
        replayer = Replayer(emulator)
        for name, interactions in cassettes:
            report.cassettes += 1
            report.interactions += len(interactions)
            if name in EXCLUDED:
                report.excluded[name] = EXCLUDED[name]
                report.excluded_interactions += len(interactions)
                continue
            report.cassettes_replayed += 1
            replayer.replay(name, interactions, report)
    finally:
        emulator.stop()
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sources = [Path(a) for a in argv if a != "-v"]
    report = run(*sources[:1])
    print(report.summary())
    for name, why in sorted(report.excluded.items()):
        print(f"  excluded {name}: {why}")
    limit = None if "-v" in argv else 20
    for m in report.mismatches[:limit]:
        print(f"MISMATCH {m.cassette}[{m.index}] {m.request[:150]}\n    status {m.expected_status}/"
              f"{m.actual_status} {m.detail}")
    if limit is not None and len(report.mismatches) > limit:
        print(f"... {len(report.mismatches) - limit} more mismatches (use -v)")
    return 0 if report.matching == report.in_scope else 1


if __name__ == "__main__":
    raise SystemExit(main())
