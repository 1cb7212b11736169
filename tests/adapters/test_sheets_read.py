"""The register's read on Google Sheets (automation/sheets.py): gzipped as Google documents it, decoded as it
arrives, and not decoded at all when the answer is the one before. Real gspread and requests, against the
emulator on 127.0.0.1."""

from __future__ import annotations

import requests

from automation.adapters.google.client import USER_AGENT, GoogleSession, load_credentials
from automation.sheets import SheetsRegister
from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.google_office import MemoryState

HEADERS = ["ID", "Judul", "Catatan Petugas"]
PERSON = "sari@kominfo.example"


def _rows(count: int) -> list[list[str]]:
    # long, unicode, varied text: the answer is many chunks, gzipped and not, and a chunk ends mid-character
    return [[f"K-2026-{i:04d}", f"Kegiatan ke-{i} di Balai Kota — “Jogja” ✓ {'ꦗꦺꦴꦒ' * (i % 7)}",
             f"catatan {i * 7919 % 1000} " * (i % 5)] for i in range(1, count + 1)]


def _register(emulator, key_path, rows: list[list[str]]) -> tuple[SheetsRegister, str]:
    import gspread

    spreadsheet = emulator.create_spreadsheet(
        "Register Konten", DAEMON_EMAIL, sheets=[("Register", len(rows) + 10, 5), "Petugas", "Log"],
        values={"Register": [HEADERS, *rows], "Petugas": [["Nama", "Email"], ["Sari", PERSON]],
                "Log": [["No", "Waktu", "ID"]]},
        shared_with={PERSON: "writer"})
    credentials = load_credentials(key_path, ("https://www.googleapis.com/auth/spreadsheets",))
    client = gspread.Client(auth=credentials, session=GoogleSession(credentials, api_base=emulator.base_url))
    return SheetsRegister(client, spreadsheet, MemoryState()), spreadsheet


def test_the_read_gives_every_cell_exactly_through_a_gzipped_answer(google_emulator, service_account_key):
    rows = _rows(3000)
    register, _ = _register(google_emulator, service_account_key, rows)
    snapshot = register.read()
    assert snapshot.register.headers == tuple(HEADERS)
    assert [list(r) for r in snapshot.register.rows] == rows
    assert snapshot.roster.rows == (("Sari", PERSON),)


def test_google_compresses_only_for_a_client_that_asks_with_both_headers(google_emulator, service_account_key):
    register, spreadsheet = _register(google_emulator, service_account_key, _rows(50))
    register.read()  # the token and the tab check
    token = register.client.http_client.session.credentials.token
    url = f"{google_emulator.base_url}v4/spreadsheets/{spreadsheet}/values/Register"
    asked = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    plain = requests.get(url, headers={**asked, "User-Agent": "python-requests/2.31.0"}, timeout=10)
    gzipped = requests.get(url, headers={**asked, "User-Agent": USER_AGENT}, timeout=10)
    assert plain.status_code == gzipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert int(gzipped.headers["Content-Length"]) < len(plain.content) / 3
    assert gzipped.json() == plain.json()


def test_an_unchanged_register_is_not_decoded_again_and_a_changed_one_is(google_emulator, service_account_key):
    register, spreadsheet = _register(google_emulator, service_account_key, _rows(400))
    first = register.read()
    assert register.read() is first  # the same answer: the same snapshot, nothing decoded
    google_emulator.as_person(PERSON).set_cell(spreadsheet, "C101", "Mohon cek lagi", sheet="Register")
    changed = register.read()
    assert changed is not first
    assert changed.register.rows[99][2] == "Mohon cek lagi"
    assert changed.register.rows[99][:2] == first.register.rows[99][:2]
    # the cells that stayed are the same objects (interned), so two reads' text is not held twice
    assert all(a is b for old, new in zip(first.register.rows, changed.register.rows, strict=True)
               for a, b in zip(old, new, strict=True) if a == b)
    assert register.read() is changed


def test_a_write_whose_answer_left_log_lines_changes_the_question_and_is_read_again(google_emulator,
                                                                                   service_account_key):
    register, spreadsheet = _register(google_emulator, service_account_key, _rows(20))
    first = register.read()
    google_emulator.as_person(PERSON).set_cells(spreadsheet, {"A2": "7", "B2": "2026-11-30 09:00", "C2": "K-2026-0001"},
                                                sheet="Log")
    again = register.read()
    assert again is not first and again.log_last_no == 7
