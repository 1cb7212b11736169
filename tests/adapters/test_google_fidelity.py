"""Where the product depends on Google behaving as Google does: typed input, locale, error shapes, what
Google echoes back, and `setup` settling on it. Driven by the real gspread / googleapiclient."""

from __future__ import annotations

import json

import gspread
import pytest
from googleapiclient.errors import HttpError

from automation.adapters.google import setup as setup_google
from automation.domain.contract import ROSTER_HEADERS, Contract, parse_roster
from automation.domain.sop import load_sop
from automation.ports import Table
from tests.google_emulator import GoogleEmulator
from tests.google_emulator import fixtures as emulator_fixtures
from tests.google_emulator.clients import drive_service, gmail_service, gspread_client
from tests.google_emulator.fixtures import DAEMON_EMAIL

google_emulator = emulator_fixtures.google_emulator
service_account_key = emulator_fixtures.service_account_key

OWNER = "humas@kominfo.example"
TEXT = {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}}


def _open(emu: GoogleEmulator, key, owner: str = OWNER, **spreadsheet) -> gspread.Spreadsheet:
    sid = emu.create_spreadsheet("Register Konten", owner, sheets=[("Register", 20, 6)],
                                 shared_with={DAEMON_EMAIL: "writer"}, **spreadsheet)
    return gspread_client(emu, key).open_by_key(sid)


def _typed(sh: gspread.Spreadsheet, cells: dict[str, str], render: str = "UNFORMATTED_VALUE") -> dict[str, object]:
    sh.values_batch_update({"valueInputOption": "USER_ENTERED",
                            "data": [{"range": f"Register!{a1}", "values": [[v]]} for a1, v in cells.items()]})
    answer = sh.values_batch_get([f"Register!{a1}" for a1 in cells], params={"valueRenderOption": render})
    return {a1: r["values"][0][0] for a1, r in zip(cells, answer["valueRanges"], strict=True)}


# --- typed input ------------------------------------------------------------------------------------

def test_a_text_formatted_column_keeps_what_is_typed(google_emulator, service_account_key):
    sh = _open(google_emulator, service_account_key)
    sh.batch_update({"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3},
        "cell": TEXT, "fields": "userEnteredFormat.numberFormat"}}]})
    typed = {"C2": "0812345678", "C3": "2026-12-01 10:00", "C4": "=1+1", "D2": "0812345678", "D3": "2026-12-01 10:00"}
    got = _typed(sh, typed)
    assert got["C2"] == "0812345678" and got["C3"] == "2026-12-01 10:00" and got["C4"] == "=1+1"
    assert got["D2"] == 812345678  # a column in the automatic format still reads it as a number
    assert got["D3"] == 46357 + 10 / 24  # ... and a date-time as a serial number
    person = google_emulator.as_person(OWNER)
    person.set_cell(sh.id, "C5", "0274 512345", sheet="Register")
    person.set_cell(sh.id, "C6", "12", sheet="Register")
    assert google_emulator.values(sh.id, "Register!C5:C6") == [["0274 512345"], ["12"]]
    assert google_emulator.cell(sh.id, "Register!C6", "UNFORMATTED_VALUE") == "12"


def test_user_entered_follows_the_spreadsheet_locale(google_emulator, service_account_key):
    jakarta = _open(google_emulator, service_account_key, locale="id_ID", time_zone="Asia/Jakarta")
    assert jakarta.fetch_sheet_metadata({"fields": "properties(locale,timeZone)"})["properties"] == {
        "locale": "id_ID", "timeZone": "Asia/Jakarta"}
    typed = {"A1": "1.234,5", "A2": "1,5", "A3": "01/12/2026", "A4": "12,5%", "A5": "1.5"}
    assert _typed(jakarta, typed) == {"A1": 1234.5, "A2": 1.5, "A3": 46357, "A4": 0.125, "A5": "1.5"}
    assert _typed(jakarta, typed, "FORMATTED_VALUE") == {
        "A1": "1.234,5", "A2": "1,5", "A3": "01/12/2026", "A4": "12,5%", "A5": "1.5"}
    us = _open(google_emulator, service_account_key)
    assert _typed(us, {"A1": "1,234.5", "A2": "01/12/2026", "A3": "1,5"}) == {
        "A1": 1234.5, "A2": 46034, "A3": "1,5"}  # 12 January; "1,5" is no number in en_US


# --- error bodies per API -----------------------------------------------------------------------------

def test_each_api_answers_a_server_error_in_its_own_shape(google_emulator, service_account_key):
    from tests.google_emulator.clients import credentials

    google_emulator.inject_500(path="/drive/v3/")
    google_emulator.inject_500(path="/gmail/v1/")
    google_emulator.inject_500(kind="sheets.values")
    with pytest.raises(HttpError) as drive_err:
        drive_service(google_emulator, credentials(service_account_key)).files().list(supportsAllDrives=True).execute()
    assert json.loads(drive_err.value.content) == {"error": {
        "code": 500, "message": "Backend Error",
        "errors": [{"message": "Backend Error", "domain": "global", "reason": "backendError"}]}}
    gmail = gmail_service(google_emulator, credentials(service_account_key, subject=OWNER))
    with pytest.raises(HttpError) as gmail_err:
        gmail.users().messages().send(userId="me", body={"raw": ""}).execute()
    error = json.loads(gmail_err.value.content)["error"]
    assert (error["status"], error["errors"][0]["reason"]) == ("INTERNAL", "backendError")
    with pytest.raises(HttpError) as refused:
        gmail.users().messages().send(userId="me", body={"raw": ""}).execute()
    error = json.loads(refused.value.content)["error"]
    assert (refused.value.status_code, error["status"], error["errors"][0]["domain"]) == (400, "INVALID_ARGUMENT", "global")
    sh = _open(google_emulator, service_account_key)
    with pytest.raises(gspread.exceptions.APIError) as sheets_err:
        sh.values_get("Register!A1")
    assert sheets_err.value.error == {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}


# --- what Google echoes ---------------------------------------------------------------------------------

def test_formats_and_protections_come_back_with_what_google_adds(google_emulator, service_account_key):
    sh = _open(google_emulator, service_account_key)
    sh.batch_update({"requests": [
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": 0, "startRowIndex": 1}],
            "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Menunggu"}]},
                            "format": {"backgroundColorStyle": {"rgbColor": {"red": 1, "green": 0.949, "blue": 0.8}}}}}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1},
                                                  "description": "ID", "editors": {"users": [DAEMON_EMAIL]}}}}]})
    sheet = sh.fetch_sheet_metadata({"fields": "sheets(conditionalFormats,protectedRanges)"})["sheets"][0]
    rule_format = sheet["conditionalFormats"][0]["booleanRule"]["format"]
    colour = {"red": 1, "green": 0.94509804, "blue": 0.8}  # 8 bits per channel
    assert rule_format == {"backgroundColor": colour, "backgroundColorStyle": {"rgbColor": colour}}
    assert sheet["conditionalFormats"][0]["ranges"] == [{"startRowIndex": 1}]
    assert sheet["protectedRanges"][0]["editors"] == {"users": [OWNER, DAEMON_EMAIL]}


# --- setup on what Google echoes ----------------------------------------------------------------------------

ROSTER = [["Sari", "sari@kominfo.example", "Tim Konten", "Ya"], ["Andi", "andi@kominfo.example", "Admin Medsos", "Ya"]]


def _setup(sh: gspread.Spreadsheet) -> setup_google.Plan:
    sop = load_sop()
    roster = parse_roster(Table(ROSTER_HEADERS, tuple(tuple(r) for r in ROSTER)), sop)[0]
    return setup_google.plan_setup(sh, Contract(sop), roster, DAEMON_EMAIL, "Asia/Jakarta")


@pytest.mark.parametrize("owner", [OWNER, ROSTER[0][1]], ids=["owner-without-role", "owner-with-a-role"])
def test_setup_settles_on_what_google_echoes_and_a_second_run_writes_nothing(google_emulator, service_account_key,
                                                                            owner):
    sh = _open(google_emulator, service_account_key, owner, locale="id_ID")
    first = _setup(sh)
    rules = [r["addConditionalFormatRule"]["rule"] for r in first.requests if "addConditionalFormatRule" in r]
    assert rules and all("backgroundColor" not in r["booleanRule"]["format"]
                         and "backgroundColorStyle" in r["booleanRule"]["format"] for r in rules)
    setup_google.apply(sh, first)
    google_emulator.clear_log()
    second = _setup(sh)
    assert not second and second.changes == [] and second.protection_drift == []
    assert google_emulator.count(method="POST") == 0  # planning only reads
    # the owner Google lists on every range is not drift; a person added by hand is
    protected = google_emulator.spreadsheet(sh.id).sheets[0].protected
    id_range = next(p for p in protected if p.get("description") == setup_google.TAG + "ID")
    id_range["editors"]["users"].append("tono@kominfo.example")
    assert _setup(sh).protection_drift == ["ID"]


def test_covers_compares_only_what_was_set():
    wanted = {"ranges": [{"sheetId": 0, "startRowIndex": 1}],
              "booleanRule": {"format": {"backgroundColorStyle": {"rgbColor": {"red": 1, "green": 0.949, "blue": 0.8}}},
                              "strict": False}}
    echoed = {"ranges": [{"startRowIndex": 1}],
              "booleanRule": {"format": {"backgroundColor": {"red": 1, "green": 0.94509804, "blue": 0.8},
                                         "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 0.94509804,
                                                                               "blue": 0.8}}}}}
    assert setup_google.covers(echoed, wanted)
    echoed["booleanRule"]["format"]["backgroundColorStyle"]["rgbColor"]["green"] = 0.9
    assert not setup_google.covers(echoed, wanted)
    assert not setup_google.covers({"ranges": []}, {"ranges": [{"startRowIndex": 1}]})
